"""Reading a pipeline spec file: YAML in Argo's camelCase, every problem reported at once."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, SpecError
from .manifests import load_pipeline
from .model import Pipeline

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A plain value starting with one of these is YAML syntax (alias, anchor, tag), not text.
_UNQUOTED_INDICATOR = r"^\s*(-\s+)?[^#]*?:\s+[*&!%@`]|^\s*-\s+[*&!%@`]"


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.problem = message
        self.problem_mark = mark


class _SpecLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that refuses a key written twice: YAML would silently keep the last one."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                if key in seen:
                    raise _DuplicateKey(
                        f"duplicate key {key!r} (first on line {seen[key] + 1}): "
                        "YAML would silently keep only the last one",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def parse_spec_text(text: str, source: str) -> Any:
    """Parse YAML, turning syntax errors into a SpecError that names the line."""
    try:
        return yaml.load(text, Loader=_SpecLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error)
        if isinstance(error, _DuplicateKey):
            raise SpecError([Problem("", f"{where}{reason}")], source) from None
        lines = text.splitlines()
        if (
            mark is not None
            and mark.line < len(lines)
            and re.match(_UNQUOTED_INDICATOR, lines[mark.line])
        ):
            reason += (
                " (a value that starts with '*', '&' or '!' must be quoted, "
                'e.g. schedule: "*/5 * * * *")'
            )
        raise SpecError([Problem("", f"{where}not valid YAML: {reason}")], source) from None


def read_spec_text(path: str | os.PathLike[str]) -> str:
    """The file's text, or a SpecError when it is missing, unreadable or binary."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SpecError([Problem("", f"cannot read the file: {error.strerror}")], source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(
            [Problem("", "not a text file (not UTF-8): expected a YAML pipeline spec")], source
        ) from None
    if "\x00" in text:
        raise SpecError(
            [Problem("", "not a text file (contains NUL bytes): expected a YAML pipeline spec")],
            source,
        )
    return text


def load_spec_file(path: str | os.PathLike[str]) -> Pipeline:
    """Load and validate a pipeline spec file, or raise SpecError naming the file."""
    source = str(path)
    data = parse_spec_text(read_spec_text(path), source)
    try:
        return load_pipeline(data, source)
    except SpecError as error:
        raise SpecError(error.problems, source) from None
