"""YAML text for manifests: libyaml's C emitter, block style, spec order kept.

Manifests are plain JSON-like data (dicts, lists, strings, integers, booleans). PyYAML's generic
path spends most of a dump in Python: a representer lookup and alias bookkeeping for every value,
then, from the C serializer, four calls back into Python per node (tag resolution twice, path
resolvers twice). `ManifestDumper` turns plain data straight into the emitter's events, reusing
one event per distinct string, so the text is byte for byte what the generic path writes, in a
third of the time. Anything else (another type, or a container that appears twice in a document,
which PyYAML writes as an anchor) goes through the generic path unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from .._gc import gc_paused

_CDumper: Any = getattr(yaml, "CSafeDumper", None)
_BaseDumper: Any = _CDumper or yaml.SafeDumper

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
# libyaml copies what it needs from an event, so one event object can be emitted many times.
_MAPPING_START = MappingStartEvent(None, "tag:yaml.org,2002:map", True, flow_style=False)
_MAPPING_END = MappingEndEvent()
_SEQUENCE_START = SequenceStartEvent(None, "tag:yaml.org,2002:seq", True, flow_style=False)
_SEQUENCE_END = SequenceEndEvent()


# The first strings a process dumps (keys, kinds, labels) keep their events across dumps; only
# ManifestDumper itself uses them, since a subclass may resolve tags differently.
_SHARED_STRINGS: dict[str, ScalarEvent] = {}
_SHARED_STRINGS_MAX = 8192


class _Generic(Exception):
    """The document needs PyYAML's generic representer."""


class ManifestDumper(_BaseDumper):  # type: ignore[misc]
    """Safe dumper that writes multi-line strings (resource manifests) as literal blocks."""

    def __init__(self, stream: Any, **options: Any) -> None:
        super().__init__(stream, **options)
        # The event path reproduces the generic one for the options our dump functions use.
        self._events_ok = (
            _CDumper is not None
            and options.get("default_style") is None
            and options.get("default_flow_style", False) is False
            and not options.get("canonical")
            and options.get("sort_keys") is False
            and options.get("version") is None
            and options.get("tags") is None
        )
        self._document_start = DocumentStartEvent(explicit=bool(options.get("explicit_start")))
        self._document_end = DocumentEndEvent(explicit=bool(options.get("explicit_end")))
        self._strings: dict[str, ScalarEvent] = {}
        # Child manifests are dumped one small document at a time: they share common strings.
        self._shared = _SHARED_STRINGS if type(self) is ManifestDumper else {}
        self._others: dict[tuple[type, Any], ScalarEvent] = {}

    def represent(self, data: Any) -> None:
        """Emit one document: plain data as events, anything else the generic way."""
        if self._events_ok:
            events: list[Event] = [self._document_start]
            try:
                self._collect(data, events, set())
            except _Generic:
                pass
            else:
                events.append(self._document_end)
                for event in events:
                    self.emit(event)
                return
        super().represent(data)

    def _collect(self, value: Any, events: list[Event], containers: set[int]) -> None:
        kind = type(value)
        if kind is str:
            event = self._strings.get(value)
            if event is None:
                if "\n" in value:  # literal block; manifests are not repeated, so not kept
                    event = self._scalar(_STR, value, "|")
                else:
                    event = self._shared.get(value)
                    if event is None:
                        event = self._scalar(_STR, value, None)
                        if len(self._shared) < _SHARED_STRINGS_MAX:
                            self._shared[value] = event
                    self._strings[value] = event
            events.append(event)
        elif kind is dict or kind is list:
            if id(value) in containers:
                raise _Generic  # shared within the document: PyYAML writes an anchor
            containers.add(id(value))
            if kind is dict:
                events.append(_MAPPING_START)
                for key, item in value.items():
                    self._collect(key, events, containers)
                    self._collect(item, events, containers)
                events.append(_MAPPING_END)
            else:
                events.append(_SEQUENCE_START)
                for item in value:
                    self._collect(item, events, containers)
                events.append(_SEQUENCE_END)
        elif kind is bool or kind is int or value is None:
            event = self._others.get((kind, value))
            if event is None:
                event = self._others[(kind, value)] = self._represented(value)
            events.append(event)
        elif kind is float:  # not kept: -0.0 == 0.0, yet they are written differently
            events.append(self._represented(value))
        else:
            raise _Generic

    def _represented(self, value: Any) -> ScalarEvent:
        node = self.represent_data(value)
        return self._scalar(node.tag, node.value, node.style)

    def _scalar(self, tag: str, text: str, style: str | None) -> ScalarEvent:
        """A scalar event with the implicit flags the C serializer would compute for it."""
        implicit = (
            self.resolve(ScalarNode, text, (True, False)) == tag,
            self.resolve(ScalarNode, text, (False, True)) == tag,
        )
        return ScalarEvent(None, tag, implicit, text, style=style)


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


@gc_paused
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
