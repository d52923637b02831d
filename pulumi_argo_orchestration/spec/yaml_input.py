"""Reading YAML input files (spec files, `Pulumi.yaml`, stack files) within fixed limits.

A file is read no further than `names.INPUT_MAX_BYTES`, a document whose aliases would expand past
that is refused before anything walks it, a key written twice and an integer no Kubernetes field
holds are errors with their line: bad input of any size costs bounded time and memory and gives
one message, never a traceback.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from ..errors import shown
from . import names
from .yaml_scalars import SourceFloat, SourceInt

T = TypeVar("T")
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A plain value starting with one of these is YAML syntax (alias, anchor, tag), not text.
_UNQUOTED_INDICATOR = r"^\s*(-\s+)?[^#]*?:\s+[*&!%@`]|^\s*-\s+[*&!%@`]"


class InputError(ValueError):
    """An input file that cannot be read as YAML, with one message saying where and why."""


class _YamlRefused(yaml.YAMLError):
    """Something the loader refuses on purpose, at a place in the text."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.problem = message
        self.problem_mark = mark


class _SpecLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader with limits: a key written twice (YAML would silently keep the last one), an
    integer no Kubernetes field holds, and aliases that would expand past `names.INPUT_MAX_BYTES`
    are refused before anything reads the data."""

    def construct_document(self, node: Any) -> Any:
        # Over the whole stream: each document of one may hold an alias bomb of its own.
        size = getattr(self, "expanded", 0) + expanded_size(node)
        self.expanded = size
        if size > names.INPUT_MAX_BYTES:
            raise _YamlRefused(
                f"with its aliases (*name) expanded the document would take about {size:,} "
                f"bytes, more than the {names.INPUT_MAX_BYTES // 2**20} MiB an input file may "
                "hold",
                node.start_mark,
            )
        return super().construct_document(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                if key in seen:
                    raise _YamlRefused(
                        f"duplicate key {shown(key)} (first on line {seen[key] + 1}): "
                        "YAML would silently keep only the last one",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> int:
        digits = sum(char.isalnum() for char in node.value)
        # Past 4,300 digits Python refuses to convert at all (sys.get_int_max_str_digits).
        value: int | None = super().construct_yaml_int(node) if digits <= 70 else None
        if value is None or abs(value) > names.INTEGER_MAX:
            raise _YamlRefused(
                f"the integer {shown(node.value)} is {names.INTEGER_RANGE}", node.start_mark
            )
        return value


_SpecLoader.add_constructor("tag:yaml.org,2002:int", _SpecLoader.construct_yaml_int)

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _SpecTextLoader(_SpecLoader):
    """The loader for spec files: what was written stays (`yaml_scalars`). Keys are text, a
    number keeps its source text for fields that want text, and a date stays text (no spec
    field is a date); booleans stay YAML's."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        for key_node, _ in node.value:
            # Every mapping of a spec has text keys: `{1: a, 01: b}` has two keys, not one key 1
            # whose value YAML 1.1 overwrote.
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE_TAG:
                key_node.tag = _STR_TAG
        return super().construct_mapping(node, deep=deep)

    def construct_source_int(self, node: Any) -> SourceInt:
        return SourceInt(self.construct_yaml_int(node), node.value)

    def construct_source_float(self, node: Any) -> SourceFloat | str:
        number = self.construct_yaml_float(node)
        if not math.isfinite(number):
            return str(node.value)  # `.nan`, `.inf`: no field wants them as numbers
        return SourceFloat(number, node.value)

    def construct_source_text(self, node: Any) -> str:
        return str(self.construct_scalar(node))


_SpecTextLoader.add_constructor("tag:yaml.org,2002:int", _SpecTextLoader.construct_source_int)
_SpecTextLoader.add_constructor("tag:yaml.org,2002:float", _SpecTextLoader.construct_source_float)
_SpecTextLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _SpecTextLoader.construct_source_text
)


def expanded_size(root: Any) -> int:
    """About how many bytes the document would take with every alias written out: each node
    counts 1, each scalar its length. Aliases share nodes, so this is one pass over the distinct
    nodes (not over the expansion), without recursion; an alias inside its own anchor
    (`&a [*a]`) counts 1."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # being sized: the path from the root to the top of the stack
    stack = [root]
    while stack:
        node = stack[-1]
        key = id(node)
        if key in sizes:
            stack.pop()
        elif isinstance(node, yaml.ScalarNode):
            sizes[key] = 1 + len(node.value)
            stack.pop()
        else:
            children = (
                [part for pair in node.value for part in pair]
                if isinstance(node, yaml.MappingNode)
                else node.value
            )
            if key in open_nodes:  # every child is sized now
                sizes[key] = 1 + sum(sizes.get(id(child), 1) for child in children)
                open_nodes.discard(key)
                stack.pop()
            else:
                open_nodes.add(key)
                stack += [c for c in children if id(c) not in sizes and id(c) not in open_nodes]
    return sizes[id(root)]


def parse_yaml(text: str) -> Any:
    """One YAML document through the loader's limits, or InputError naming the line."""
    return _parsed(text, lambda: yaml.load(text, Loader=_SpecLoader))


def parse_spec_yaml(text: str) -> Any:
    """A spec file's document, within the same limits, keeping what was written
    (`_SpecTextLoader`)."""
    return _parsed(text, lambda: yaml.load(text, Loader=_SpecTextLoader))


def parse_yaml_stream(text: str) -> list[Any]:
    """Every document of a YAML stream (an empty one is None), within the same limits."""
    return _parsed(text, lambda: list(yaml.load_all(text, Loader=_SpecLoader)))


def _parsed(text: str, load: Callable[[], T]) -> T:
    try:
        return load()
    except RecursionError:
        # Only PyYAML's pure-Python parser recurses; libyaml stops at 1,000 levels itself.
        raise InputError("not valid YAML: nested too deeply") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error)
        if isinstance(error, _YamlRefused):
            raise InputError(f"{where}{reason}") from None
        if reason == "but found another document":
            # yaml.load reads one document: a `---` after the first starts a second one.
            raise InputError(
                f"{where}a second YAML document ('---'): a spec file holds one spec; put "
                "each in a file of its own"
            ) from None
        lines = text.splitlines()
        if (
            mark is not None
            and mark.line < len(lines)
            and re.match(_UNQUOTED_INDICATOR, lines[mark.line][:1000])
        ):
            reason += (
                " (a value that starts with '*', '&' or '!' must be quoted, "
                'e.g. schedule: "*/5 * * * *")'
            )
        raise InputError(f"{where}not valid YAML: {reason}") from None


def read_text(path: str | os.PathLike[str], what: str) -> str:
    """A text file's content, read no further than `names.INPUT_MAX_BYTES` (so a device or a
    pipe that never ends costs a bounded read), or InputError saying why it cannot be used."""
    limit = names.INPUT_MAX_BYTES
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror or error}") from None
    if len(data) > limit:
        raise InputError(
            f"larger than {limit // 2**20} MiB: not {what} (Kubernetes stores an object in at "
            "most 1.5 MiB)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"not a text file (not UTF-8): expected {what}") from None
    if "\x00" in text:
        raise InputError(f"not a text file (contains NUL bytes): expected {what}")
    return text
