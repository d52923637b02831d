"""Rendered manifests as text (YAML or JSON) and as a directory of one file per object.

File names are `<namespace>.<kind>.<name>.yaml` (`_cluster` for cluster-scoped objects): stable
across runs and independent of how many other objects there are, so a GitOps diff shows only what
changed. The directory is built beside its destination and renamed into place, so a failure
leaves the old directory (or none), never a half-written one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..argo.yaml_text import dump_document, dump_documents

FORMATS = ("yaml", "json")
CLUSTER_SCOPE = "_cluster"  # not a valid namespace name, so it cannot collide with one
_UNSAFE = r"[^A-Za-z0-9._-]"


class OutputError(ValueError):
    """The output directory cannot be written as asked; nothing was changed."""


def format_documents(documents: Sequence[dict[str, Any]], fmt: str) -> str:
    """A YAML stream, or a Kubernetes `List` in JSON (what `kubectl apply -f` reads)."""
    if fmt == "json":
        import json  # imported here, like shutil and tempfile: YAML on stdout needs none of them

        listing = {"apiVersion": "v1", "kind": "List", "items": list(documents)}
        return json.dumps(listing, indent=2, ensure_ascii=False) + "\n"
    return dump_documents(documents)


def format_document(document: dict[str, Any], fmt: str) -> str:
    """One object as YAML or JSON."""
    if fmt == "json":
        import json

        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return dump_document(document)


def file_names(documents: Sequence[dict[str, Any]], fmt: str) -> list[str]:
    """One readable, stable file name per document; OutputError when two objects are the same."""

    def parts(document: dict[str, Any], with_group: bool) -> tuple[str, ...]:
        meta = document.get("metadata") or {}
        kind = str(document.get("kind") or "object").lower()
        if with_group:
            group = str(document.get("apiVersion") or "").rpartition("/")[0] or "core"
            kind = f"{kind}.{group}"
        return (str(meta.get("namespace") or CLUSTER_SCOPE), kind, str(meta.get("name") or ""))

    plain = [parts(d, with_group=False) for d in documents]
    # Two kinds of the same name from different API groups: spell the group out for those.
    clashing = {key for key in plain if plain.count(key) > 1}
    keys = [parts(d, with_group=p in clashing) for d, p in zip(documents, plain, strict=True)]
    names = [re.sub(_UNSAFE, "_", ".".join(key)) + f".{fmt}" for key in keys]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise OutputError("two resources declare the same object: " + ", ".join(duplicates))
    return names


def write_directory(
    directory: str | os.PathLike[str], documents: Sequence[dict[str, Any]], fmt: str
) -> list[Path]:
    """Write one file per document into `directory`, replacing what a previous render left.

    An existing directory is replaced only when it holds nothing but files of ours
    (`*.yaml`, `*.yml`, `*.json`), so a wrong `-o` never deletes unrelated work.
    """
    target = Path(directory)
    names = file_names(documents, fmt)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a directory")
    if target.is_dir():
        foreign = sorted(
            p.name
            for p in target.iterdir()
            if not (p.is_file() and p.suffix in (".yaml", ".yml", ".json"))
        )
        if foreign:
            raise OutputError(
                f"{target}: holds more than rendered manifests ({', '.join(foreign[:3])}); "
                "choose an empty or new directory"
            )
    import shutil
    import tempfile

    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as error:
        raise OutputError(f"{target}: cannot create the directory: {error.strerror}") from None
    try:
        for name, document in zip(names, documents, strict=True):
            (staging / name).write_text(format_document(document, fmt), encoding="utf-8")
        staging.chmod(0o755)
        _swap_into_place(staging, target)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise OutputError(f"{target}: cannot write: {error.strerror}") from None
        raise
    return [target / name for name in names]


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename the finished directory to `target`; an old one is moved aside, then removed."""
    if not target.exists():
        staging.rename(target)
        return
    import shutil
    import tempfile

    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=staging.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        retired.rename(target)  # put the previous render back
        raise
    shutil.rmtree(retired, ignore_errors=True)
