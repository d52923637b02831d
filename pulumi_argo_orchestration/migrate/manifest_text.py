"""A resource template's manifest read as YAML, its `{{...}}` tags kept as text.

The manifest is not YAML as written: `value: {{=sprig.quote(...)}}` and `name: {{inputs.
parameters.x}}` are flow mappings to a YAML parser. Argo substitutes the tags first (fasttemplate:
from `{{` to the next `}}`, `workflow/common/util.go`, `SubstituteParams`), and its validation
replaces them by placeholders before it parses the manifest (`workflow/validate/validate.go`,
`SubstituteResourceManifestExpressions`). The same is done here, and each placeholder is put back
into the strings afterwards, so the importer sees which tag stood where.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import SpecError
from ..spec.loading import parse_documents
from ..syntax.template_text import replace_tags


class ManifestError(ValueError):
    """The manifest is not YAML even with its tags replaced."""


def parse_manifest(text: str) -> list[Any]:
    """The manifest's YAML documents, each tag back in its place as text."""
    prefix = "argo_tag_"
    while prefix in text:  # a placeholder must never match the manifest's own text
        prefix = "_" + prefix
    tags: list[str] = []

    def placeholder(inside: str) -> str:
        tags.append("{{" + inside + "}}")
        return f"{prefix}{len(tags) - 1}_"

    replaced = replace_tags(text, placeholder)
    try:
        documents = parse_documents(replaced, "manifest")
    except SpecError as error:
        raise ManifestError("; ".join(p.message for p in error.problems)) from None
    pattern = re.escape(prefix) + r"(\d+)_"

    def restore(node: Any) -> Any:
        if isinstance(node, str):
            return re.sub(pattern, lambda match: tags[int(match.group(1))], node)
        if isinstance(node, dict):
            return {restore(key): restore(value) for key, value in node.items()}
        if isinstance(node, list):
            return [restore(value) for value in node]
        return node

    return [restore(document) for document in documents]
