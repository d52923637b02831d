"""JSON Schema validation for the eight keywords of the Argo schema subset the package ships.

`spec/argo_schema/*.json` (written by `scripts/generate_argo_schema.py`) uses only `type`,
`properties`, `additionalProperties`, `$ref` (to `#/definitions/...`), `items`, `required`, `enum`
and `anyOf`; this module implements those as JSON Schema 2020-12 defines them ("JSON Schema
Validation", sections 6.1.1-6.1.2, 6.5.3; "JSON Schema Core", 8.2.3.1, 10.2.1.2, 10.3.1.2,
10.3.2.1-10.3.2.3) and the `jsonschema` library applies them. `tests/syntax/test_json_schema.py`
compares the verdicts with `jsonschema`'s on Argo's own examples and on generated documents.

It differs from the standard in one way, on purpose: a float with an integral value (`3.0`) is
not an integer here, because the API server refuses it for an int32 field.

The errors are written for people: a misspelled field is named with the closest known one, and
each error carries the path below the validated value. Time and depth are bounded by the
instance: every node is visited once per schema applied to it, and nesting deeper than
`MAX_DEPTH` is one error, not a `RecursionError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import shown
from .spelling import closest

MAX_DEPTH = 64
Path = tuple[str | int, ...]
_KINDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def kind_of(value: Any) -> str:
    """The JSON kind of a parsed value, as messages name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} (not JSON)"


_OBJECT_KEYWORDS = frozenset({"properties", "additionalProperties", "required"})


def _is(value: Any, kind: str) -> bool:
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return kind == "null" and value is None


def _or(options: list[str]) -> str:
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"


class Validator:
    """Validates parsed JSON against named definitions of one schema document."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self.definitions = definitions

    def problems(self, value: Any, definition: str) -> list[tuple[Path, str]]:
        """Every problem of `value` against the definition, as (path below value, message)."""
        found: list[tuple[Path, str]] = []
        self._check(value, {"$ref": f"#/definitions/{definition}"}, (), found, 0)
        return found

    def allows(self, value: Any, schema: Mapping[str, Any]) -> bool:
        found: list[tuple[Path, str]] = []
        self._check(value, schema, (), found, 0)
        return not found

    def _check(
        self,
        value: Any,
        schema: Mapping[str, Any],
        path: Path,
        found: list[tuple[Path, str]],
        depth: int,
    ) -> None:
        if depth > MAX_DEPTH:
            found.append((path, f"nested more than {MAX_DEPTH} levels deep"))
            return
        reference = schema.get("$ref")
        if isinstance(reference, str):
            name = reference.removeprefix("#/definitions/")
            self._check(value, self.definitions[name], path, found, depth + 1)
        kinds = schema.get("type")
        if kinds is not None:
            kinds = [kinds] if isinstance(kinds, str) else list(kinds)
            if not any(_is(value, kind) for kind in kinds):
                expected = _or([_KINDS[kind] for kind in kinds])
                found.append((path, f"expected {expected}, got {kind_of(value)}"))
                return
        options = schema.get("anyOf")
        if options is not None and not any(self.allows(value, option) for option in options):
            expected = _or(
                [_KINDS.get(option.get("type", ""), "another form") for option in options]
            )
            found.append((path, f"expected {expected}, got {kind_of(value)}"))
            return
        allowed = schema.get("enum")
        if allowed is not None and value not in allowed:
            listed = _or([repr(option) for option in allowed])
            found.append((path, f"{shown(value)} is not allowed: use {listed}"))
        if isinstance(value, Mapping) and _OBJECT_KEYWORDS & schema.keys():
            self._check_object(value, schema, path, found, depth)
        elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
            for index, item in enumerate(value):
                self._check(item, schema["items"], (*path, index), found, depth + 1)

    def _check_object(
        self,
        value: Mapping[Any, Any],
        schema: Mapping[str, Any],
        path: Path,
        found: list[tuple[Path, str]],
        depth: int,
    ) -> None:
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties", True)
        for name in schema.get("required") or ():
            if name not in value:
                found.append(((*path, name), "required field is missing"))
        for key, item in value.items():
            if not isinstance(key, str):
                found.append((path, f"field names must be text, got {kind_of(key)} {shown(key)}"))
            elif key in properties:
                self._check(item, properties[key], (*path, key), found, depth + 1)
            elif extra is False:
                hint = closest(key, sorted(properties))
                found.append(
                    (
                        (*path, key),
                        "unknown field" + (f" (did you mean {shown(hint)}?)" if hint else ""),
                    )
                )
            elif isinstance(extra, Mapping):
                self._check(item, extra, (*path, key), found, depth + 1)
