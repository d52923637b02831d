"""Rendered manifests as text (YAML or JSON) and as a directory of one file per object.

File names are `<namespace>.<kind>.<name>.yaml` (`_cluster` for cluster-scoped objects): stable
across runs and independent of how many other objects there are, so a GitOps diff shows only what
changed.

What `-o DIR` guarantees: at every instant DIR is the complete previous render or the complete
new one. The new render is written into a directory beside DIR (`.DIR.render-*`), then the two
are swapped in one step (Linux `renameat2(RENAME_EXCHANGE)`, macOS `renamex_np(RENAME_SWAP)`)
and the previous render, now in the staging directory, is removed. A DIR that is a symbolic link
stays one: the render lands where it points. Renders into one parent directory take turns (a lock
on the parent), and a render interrupted even by SIGKILL leaves at most a `.DIR.render-*`
directory that the next render into that place removes. Where no one-step swap exists (another
system, or a file system without it), DIR is moved aside and the new render moved in: between
those two renames DIR is missing, and the next render puts the previous one back first.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..argo.yaml_text import dump_document, dump_documents

FORMATS = ("yaml", "json")
CLUSTER_SCOPE = "_cluster"  # not a valid namespace name, so it cannot collide with one
_UNSAFE = r"[^A-Za-z0-9._-]"


class OutputError(ValueError):
    """The output directory cannot be written as asked: nothing was changed, unless `written`
    (the new render is in place, but something of the previous one is left)."""

    def __init__(self, message: str, *, written: bool = False) -> None:
        super().__init__(message)
        self.written = written


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
    names = [_fitting(re.sub(_UNSAFE, "_", ".".join(key)), f".{fmt}") for key in keys]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise OutputError("two resources declare the same object: " + ", ".join(duplicates))
    return names


# Most file systems (ext4, XFS, APFS, NTFS) allow a file name of at most 255 bytes, and a legal
# object name has up to 253 characters: `<namespace>.<kind>.<name>` can be longer.
NAME_MAX = 255
_HASH = 8


def _fitting(stem: str, suffix: str) -> str:
    """`stem + suffix`, or, when too long for a file name, the stem cut short with a hash of
    the whole (so two long names that share their start still differ), then the suffix."""
    name = stem + suffix
    if len(name.encode()) <= NAME_MAX:
        return name
    import hashlib

    digest = hashlib.sha256(stem.encode()).hexdigest()[:_HASH]
    room = NAME_MAX - len(suffix.encode()) - _HASH - 1
    return f"{stem.encode()[:room].decode(errors='ignore')}-{digest}{suffix}"


class _Replaced(Exception):
    """The new render is in place, but the previous one could not be removed."""


def write_directory(
    directory: str | os.PathLike[str], documents: Sequence[dict[str, Any]], fmt: str
) -> list[Path]:
    """Write one file per document into `directory`, replacing what a previous render left.

    An existing directory is replaced only when it holds nothing but files of ours
    (`*.yaml`, `*.yml`, `*.json`), so a wrong `-o` never deletes unrelated work.
    """
    requested = Path(directory)
    # A symbolic link stays one: the render replaces the directory it points to.
    target = Path(os.path.realpath(requested)) if requested.is_symlink() else requested.absolute()
    names = file_names(documents, fmt)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{requested}: cannot create the directory: {error.strerror}") from None
    with _turn_in(parent) as locked:
        _clean_up_after_interrupted_renders(target, locked)
        _check_replaceable(requested, target)
        _write_and_swap(requested, target, names, documents, fmt)
    return [requested / name for name in names]


def _check_replaceable(requested: Path, target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"{requested}: exists and is not a directory")
    if not target.is_dir():
        return
    foreign = sorted(p.name for p in target.iterdir() if not _ours(p))
    if foreign:
        raise OutputError(
            f"{requested}: holds more than rendered manifests ({', '.join(foreign[:3])}); "
            "choose an empty or new directory"
        )
    if not os.access(target, os.W_OK | os.X_OK):
        raise OutputError(f"{requested}: the files of the previous render cannot be removed")


def _write_and_swap(
    requested: Path,
    target: Path,
    names: Sequence[str],
    documents: Sequence[dict[str, Any]],
    fmt: str,
) -> None:
    import shutil
    import tempfile

    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{_STAGING}", dir=target.parent))
    except OSError as error:
        raise OutputError(f"{requested}: cannot create the directory: {error.strerror}") from None
    try:
        for name, document in zip(names, documents, strict=True):
            (staging / name).write_text(format_document(document, fmt), encoding="utf-8")
        staging.chmod(0o755)
        if not target.exists():
            staging.rename(target)
            return
        _swap(staging, target)  # `staging` now holds the previous render
        try:
            _remove_render(staging)
        except OSError as error:
            raise _Replaced(
                f"{requested} holds the new render, but the previous one could not be removed "
                f"from {staging}: {error.strerror} (the next render into {requested.name} "
                "tries again)"
            ) from None
    except _Replaced as replaced:
        raise OutputError(str(replaced), written=True) from None
    except BaseException as error:  # an interrupt (Ctrl-C, SIGTERM) too: leave nothing behind
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise OutputError(f"{requested}: cannot write: {error.strerror}") from None
        raise


_STAGING = ".render-"  # `.DIR.render-*`: a render being written, or a previous one being removed
_RETIRED = ".old-"  # `.DIR.old-*`: a previous render moved aside where no one-step swap exists


def _ours(path: Path) -> bool:
    return path.is_file() and not path.is_symlink() and path.suffix in (".yaml", ".yml", ".json")


def _remove_render(directory: Path) -> None:
    """Remove a render directory: its files (only ours), then itself."""
    for entry in directory.iterdir():
        if not _ours(entry):
            raise OSError(errno.ENOTEMPTY, f"{entry.name} is not a rendered manifest")
        entry.unlink()
    directory.rmdir()


def _clean_up_after_interrupted_renders(target: Path, locked: bool) -> None:
    """What renders into `target` that were killed left beside it: staging directories (removed
    only under the lock, when no other render can be writing one), and a previous render moved
    aside (put back when `target` is missing)."""
    staging, retired = f".{target.name}{_STAGING}", f".{target.name}{_RETIRED}"
    import glob  # imported when used: only -o DIR

    for leftover in sorted(target.parent.glob(f".{glob.escape(target.name)}.*")):
        if not leftover.is_dir() or leftover.is_symlink():
            continue
        if leftover.name.startswith(retired) and not target.exists():
            leftover.rename(target)  # a swap in two renames stopped between them
        elif locked and leftover.name.startswith((staging, retired)):
            with contextlib.suppress(OSError):  # not all ours: leave it to whoever made it
                _remove_render(leftover)


def _swap(staging: Path, target: Path) -> None:
    """Exchange two directories in one step where the system can; otherwise in two renames."""
    try:
        _exchange(staging, target)
        return
    except _NoExchange:
        pass
    import tempfile

    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}{_RETIRED}", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        retired.rename(target)  # put the previous render back
        raise
    retired.rename(staging)  # for the caller to remove, as after an exchange


class _NoExchange(Exception):
    """This system or file system cannot exchange two paths in one step."""


def _exchange(first: Path, second: Path) -> None:
    """`renameat2(RENAME_EXCHANGE)` on Linux (3.15+), `renamex_np(RENAME_SWAP)` on macOS."""
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        function = getattr(libc, "renameat2", None)  # glibc 2.28+, musl 1.2.1+
        if function is None:
            raise _NoExchange
        at_fdcwd, rename_exchange = -100, 2
        result = function(
            at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange
        )
    elif sys.platform == "darwin":
        libc = ctypes.CDLL(None, use_errno=True)
        rename_swap = 2
        result = libc.renamex_np(os.fsencode(first), os.fsencode(second), rename_swap)
    else:
        raise _NoExchange
    if result != 0:
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise _NoExchange
        raise OSError(code, os.strerror(code), str(second))


@contextlib.contextmanager
def _turn_in(parent: Path) -> Iterator[bool]:
    """Hold a lock on the parent directory: renders beside each other take turns, so what one
    finds of another's is always left over from a render that was killed. Yields whether the
    lock is held (a system or file system without `flock` has none)."""
    try:
        import fcntl
    except ImportError:
        yield False
        return
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # releases the lock
