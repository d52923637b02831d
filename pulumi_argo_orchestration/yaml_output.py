"""YAML text for manifests: libyaml's C dumper when present, block style, spec order kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class ManifestDumper(_BaseDumper):  # type: ignore[misc]
    """Safe dumper that writes multi-line strings (resource manifests) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


ManifestDumper.add_representer(str, _represent_str)


def dump_document(document: Any) -> str:
    """One YAML document, keys in the order we built them."""
    text: str = yaml.dump(
        document, Dumper=ManifestDumper, sort_keys=False, allow_unicode=True, width=10_000
    )
    return text


def dump_documents(documents: Iterable[Any]) -> str:
    """A multi-document YAML stream, as `kubectl apply -f` reads it."""
    text: str = yaml.dump_all(
        documents,
        Dumper=ManifestDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        explicit_start=True,
    )
    return text
