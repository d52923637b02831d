"""Where a finding is in the input, what the import found there, and a reader that misses nothing.

Every mapping of the input is read through `Fields`: a field the importer maps is taken out, and
whatever is left when it is done is reported as not expressible, with its path. That is how the
import drops nothing silently, including fields Argo adds in a later release.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import yaml

from ..errors import format_path, shown

NO_EQUIVALENT = "no equivalent in the pipeline spec"

Loc = tuple[str | int, ...]
"""A place in a spec, as the model reports it (`("stages", 0, 1, "name")`)."""


class Where(NamedTuple):
    """A place in the input: file, document (counted from 0) and path; inside a manifest, two paths.

    A resource template's `manifest` is YAML inside a string, so a place in it is the template's
    path, then `:`, then the path inside the manifest: `f.yaml:0:spec.workflowSpec.templates[1].
    resource.manifest:spec.arguments.parameters[0].value`.
    """

    source: str
    document: int
    path: tuple[str | int, ...] = ()
    manifest: tuple[str | int, ...] | None = None

    def at(self, *parts: str | int) -> Where:
        """The place `parts` below this one."""
        if self.manifest is not None:
            return self._replace(manifest=self.manifest + parts)
        return self._replace(path=self.path + parts)

    def in_manifest(self) -> Where:
        """The top of the manifest text held at this place."""
        return self._replace(manifest=())

    @property
    def document_key(self) -> tuple[str, int]:
        """The document this place is in."""
        return (self.source, self.document)

    def __str__(self) -> str:
        text = f"{self.source}:{self.document}"
        if self.path:
            text += f":{format_path(self.path)}"
        if self.manifest:
            text += f":{format_path(self.manifest)}"
        return text


class Finding(NamedTuple):
    """One thing the import found at one place."""

    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class Findings:
    """What one imported unit (a CronWorkflow, a template) cannot carry and what it changes.

    `cannot` lists fields the spec cannot express (dropped); `refusals` are why no spec could be
    made at all; `changes` are differences the rendered result makes on purpose. Each finding is
    kept once, however often a shared template is read.
    """

    __slots__ = ("_cannot", "_changes", "_refusals")

    def __init__(self) -> None:
        self._cannot: dict[Finding, None] = {}
        self._refusals: dict[Finding, None] = {}
        self._changes: dict[Finding, None] = {}

    def cannot_express(self, where: Where, message: str = NO_EQUIVALENT) -> None:
        """A field the spec has no place for: the import goes on without it."""
        self._cannot[Finding(where, message)] = None

    def refuse(self, where: Where, message: str) -> None:
        """A reason why no spec can be made from the unit."""
        self._refusals[Finding(where, message)] = None

    def change(self, where: Where, message: str) -> None:
        """A difference the rendered result makes on purpose (not a loss)."""
        self._changes[Finding(where, message)] = None

    def extend(self, other: Findings) -> None:
        """Take over everything `other` found."""
        self._cannot.update(other._cannot)
        self._refusals.update(other._refusals)
        self._changes.update(other._changes)

    @property
    def cannot(self) -> list[Finding]:
        """Fields dropped because the spec cannot express them."""
        return list(self._cannot)

    @property
    def refusals(self) -> list[Finding]:
        """Why the unit could not be imported at all; empty when it could."""
        return list(self._refusals)

    @property
    def changes(self) -> list[Finding]:
        """Deliberate differences of the rendered result."""
        return list(self._changes)


class Draft:
    """A spec being built in camelCase, with the place in the input each field came from.

    The model checks the finished spec; its problems are reported at these places.
    """

    __slots__ = ("data", "origins")

    def __init__(self, where: Where) -> None:
        self.data: dict[str, Any] = {}
        self.origins: dict[Loc, Where] = {(): where}

    def put(self, loc: Loc, value: Any, where: Where) -> None:
        """Set the field at `loc` (making the mappings above it), read from `where`."""
        target: dict[Any, Any] = self.data
        for part in loc[:-1]:
            target = target.setdefault(part, {})
        target[loc[-1]] = value
        self.origins[loc] = where

    def put_list(self, loc: Loc, items: list[tuple[Any, Where]], where: Where) -> None:
        """Set a list field, each item with its own place; nothing when there are none."""
        if not items:
            return
        self.put(loc, [value for value, _ in items], where)
        for index, (_, item_where) in enumerate(items):
            item_loc = (*loc, index)
            self.origins[item_loc] = item_where


class Fields:
    """The fields of one input mapping; `take` what maps, then `done` reports the rest.

    A value that should be a mapping or a list and is not is reported at its path and read as
    empty, so no input, however malformed, stops the import with a traceback.
    """

    __slots__ = ("_rest", "findings", "where")

    def __init__(self, data: Any, where: Where, findings: Findings) -> None:
        self.where = where
        self.findings = findings
        if isinstance(data, Mapping):
            self._rest: dict[Any, Any] = dict(data)
        else:
            self._rest = {}
            if data is not None:
                findings.cannot_express(where, f"expected a mapping, got {_kind(data)}")

    def __contains__(self, key: str) -> bool:
        return key in self._rest

    def remaining(self) -> list[str]:
        """The fields not taken yet."""
        return [str(key) for key in self._rest]

    def take(self, key: str) -> Any:
        """The field's value (None when absent), no longer left over."""
        return self._rest.pop(key, None)

    def peek(self, key: str) -> Any:
        """The field's value, left in place."""
        return self._rest.get(key)

    def fields(self, key: str) -> Fields:
        """The field's mapping, to be read field by field."""
        return Fields(self.take(key), self.where.at(key), self.findings)

    def items(self, key: str) -> Iterator[tuple[Where, Any]]:
        """The field's list, each item with its place."""
        return list_items(self.take(key), self.where.at(key), self.findings)

    def text(self, key: str) -> str | None:
        """The field as text: strings as they are, numbers written out; None when absent."""
        return scalar_text(self.take(key), self.where.at(key), self.findings)

    def done(self, message: str = NO_EQUIVALENT) -> None:
        """Report every field not taken as not expressible."""
        for key in self._rest:
            self.findings.cannot_express(self.where.at(str(key)), message)
        self._rest.clear()

    def drop(self, key: str) -> None:
        """Forget a field that needs no import (it is derived, or the server set it)."""
        self._rest.pop(key, None)


def list_items(value: Any, where: Where, findings: Findings) -> Iterator[tuple[Where, Any]]:
    """Each item of a list with its place; anything else is reported and yields nothing."""
    if value is None:
        return iter(())
    if not isinstance(value, list):
        findings.cannot_express(where, f"expected a list, got {_kind(value)}")
        return iter(())
    return ((where.at(index), item) for index, item in enumerate(value))


def scalar_text(value: Any, where: Where, findings: Findings) -> str | None:
    """A scalar as Argo reads it into a string field: `3` as "3", `true` as "true"."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    findings.cannot_express(where, f"expected a value, got {_kind(value)}")
    return None


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {shown(value)}"


def shown_as_yaml(value: Any) -> str:
    """A value as it would appear in YAML, on one line, for a message (cut like every echo)."""
    text: str = yaml.safe_dump(
        value, default_flow_style=True, sort_keys=False, width=10_000, allow_unicode=True
    )
    return shown(text.strip().removesuffix("...").strip(), plain=True)
