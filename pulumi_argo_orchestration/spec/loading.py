"""Loading a spec: a file or a mapping validated into a `Pipeline`, every problem at once."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .._gc import gc_paused
from ..errors import Problem, SpecError, format_path
from .pipeline import Pipeline, SharedTemplate

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


@gc_paused
def load_pipeline(spec: Pipeline | Mapping[str, Any], source: str | None = None) -> Pipeline:
    """Validate a spec (camelCase or snake_case keys) into a Pipeline, or raise SpecError."""
    if isinstance(spec, Pipeline):
        return spec
    if not isinstance(spec, Mapping):
        raise SpecError(
            [_top_level_problem(spec)],
            source,
        )
    try:
        return Pipeline.model_validate(dict(spec))
    except ValidationError as error:
        raise SpecError(problems_from_errors(error.errors()), source) from None


def _top_level_problem(spec: object) -> Problem:
    kinds = {type(None): "nothing (the file is empty or only comments)", list: "a list"}
    kind = kinds.get(type(spec), f"a single value ({type(spec).__name__})")
    return Problem(
        "", f"a pipeline spec must be a mapping of fields (name, schedule, stages, ...), got {kind}"
    )


def load_shared_template(
    spec: SharedTemplate | Mapping[str, Any], source: str | None = None
) -> SharedTemplate:
    """Validate a shared template spec, or raise SpecError."""
    if isinstance(spec, SharedTemplate):
        return spec
    if not isinstance(spec, Mapping):
        raise SpecError([_top_level_problem(spec)], source)
    try:
        return SharedTemplate.model_validate(dict(spec))
    except ValidationError as error:
        raise SpecError(problems_from_errors(error.errors()), source) from None


_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def problems_from_errors(errors: list[Any]) -> list[Problem]:
    """Turn pydantic's error list into our problems, expanding whole-pipeline checks."""
    problems: list[Problem] = []
    for error in errors:
        ctx = error.get("ctx") or {}
        if error["type"] == "pipeline" and "problems" in ctx:
            problems.extend(ctx["problems"])
            continue
        if error["type"] == "nested" and "problems" in ctx:
            # Several problems below one value (fields.check_nested), each with its own path.
            where = _clean_loc(error["loc"])
            problems += [
                Problem(format_path([*where, *path]), message) for path, message in ctx["problems"]
            ]
            continue
        message = _MESSAGES.get(error["type"], error["msg"])
        if error["type"] == "enum":
            message = _enum_message(error)
        problems.append(Problem(format_path(_clean_loc(error["loc"])), message))
    return problems


def _enum_message(error: Any) -> str:
    """Name the rejected value, and the right spelling when only the case is wrong."""
    given = error.get("input")
    expected = str((error.get("ctx") or {}).get("expected", ""))
    options = re.findall(r"'([^']*)'", expected)
    message = f"{given!r} is not allowed: use {expected}"
    if isinstance(given, str):
        same = [option for option in options if option.lower() == given.lower()]
        if same:
            message += f" (did you mean {same[0]!r}? case matters)"
    return message


def _clean_loc(loc: tuple[Any, ...]) -> list[str | int]:
    # pydantic adds validator names (e.g. `function-after[...]`, `str`) for Annotated/union members.
    return [
        part
        for part in loc
        if isinstance(part, int)
        or not (part.startswith(("function-", "constrained-")) or part in _TYPE_LOCS)
    ]


_TYPE_LOCS = {"str", "int", "float", "bool", "list", "dict", "none", "is-instance", "[key]"}


def parse_spec_text(text: str, source: str) -> Any:
    """Parse YAML, turning syntax errors into a SpecError that names the line."""
    try:
        return yaml.load(text, Loader=_SpecLoader)
    except yaml.YAMLError as error:
        raise _syntax_error(error, text, source) from None


def parse_documents(text: str, source: str) -> list[Any]:
    """Every document of a YAML stream (an empty one is None), read like a spec file.

    The same loader as `parse_spec_text`: a key written twice is an error, not the last value.
    """
    try:
        return list(yaml.load_all(text, Loader=_SpecLoader))
    except yaml.YAMLError as error:
        raise _syntax_error(error, text, source) from None


def _syntax_error(error: yaml.YAMLError, text: str, source: str) -> SpecError:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    reason = getattr(error, "problem", None) or str(error)
    if isinstance(error, _DuplicateKey):
        return SpecError([Problem("", f"{where}{reason}")], source)
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
    return SpecError([Problem("", f"{where}not valid YAML: {reason}")], source)


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
