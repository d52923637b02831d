"""Loading a spec: a file or a mapping validated into a `Pipeline`, every problem at once."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from .._gc import gc_paused
from ..errors import Problem, SpecError, format_path, shown
from . import names
from .pipeline import Pipeline, SharedTemplate, validated
from .yaml_input import InputError, parse_spec_yaml, parse_yaml_stream, read_text


@gc_paused
def load_pipeline(spec: Pipeline | Mapping[str, Any], source: str | None = None) -> Pipeline:
    """Validate a spec (camelCase or snake_case keys) into a Pipeline, or raise SpecError.

    A Pipeline is validated again unless pydantic validated that very object: one built with
    `model_construct` or `model_copy(update=...)` never was.
    """
    if isinstance(spec, Pipeline) and validated(spec):
        return spec
    if not isinstance(spec, (Mapping, Pipeline)):
        raise SpecError(
            [_top_level_problem(spec)],
            source,
        )
    try:
        return Pipeline.model_validate(spec if isinstance(spec, Pipeline) else dict(spec))
    except ValidationError as error:
        raise SpecError(problems_from_errors(error.errors()), source) from None
    except ValueError:
        raise SpecError(_huge_integers(spec if isinstance(spec, Mapping) else {}), source) from None


def _top_level_problem(spec: object) -> Problem:
    kinds = {type(None): "nothing (the file is empty or only comments)", list: "a list"}
    kind = kinds.get(type(spec), f"a single value ({type(spec).__name__})")
    return Problem(
        "", f"a pipeline spec must be a mapping of fields (name, schedule, stages, ...), got {kind}"
    )


def load_shared_template(
    spec: SharedTemplate | Mapping[str, Any], source: str | None = None
) -> SharedTemplate:
    """Validate a shared template spec, or raise SpecError (a model again, as load_pipeline)."""
    if isinstance(spec, SharedTemplate) and validated(spec):
        return spec
    if not isinstance(spec, (Mapping, SharedTemplate)):
        raise SpecError([_top_level_problem(spec)], source)
    try:
        return SharedTemplate.model_validate(
            spec if isinstance(spec, SharedTemplate) else dict(spec)
        )
    except ValidationError as error:
        raise SpecError(problems_from_errors(error.errors(), SharedTemplate), source) from None
    except ValueError:
        raise SpecError(_huge_integers(spec if isinstance(spec, Mapping) else {}), source) from None


def _huge_integers(spec: Mapping[str, Any]) -> list[Problem]:
    """Where integers Python cannot turn into text sit (pydantic does that for text fields, with
    `coerce_numbers_to_str`, and fails past 4,300 digits); re-raises when there are none."""
    found: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(spec, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, (Mapping, list, tuple)):
            if id(value) in seen:
                continue
            seen.add(id(value))
            items = value.items() if isinstance(value, Mapping) else enumerate(value)
            stack += [(item, (*path, key)) for key, item in items]
        elif isinstance(value, int) and abs(value) > names.INTEGER_MAX:
            found.append(Problem(format_path(path), f"{shown(value)} is {names.INTEGER_RANGE}"))
    if not found:
        raise  # noqa: PLE0704 (the ValueError being handled: not one of ours)
    return sorted(found)


HINTS_MAX = 100
_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def problems_from_errors(errors: list[Any], model: type[BaseModel] = Pipeline) -> list[Problem]:
    """Turn pydantic's error list into our problems, expanding whole-pipeline checks.

    `model` is what was validated: a location inside a model given as input (validated again
    from its attributes) has Python names, which are written in the spec's camelCase here.
    """
    problems: list[Problem] = []
    # A misspelt required field is one mistake, not two: `expresion` unknown, `expression`
    # missing. The missing one is left out when an unknown sibling is its likely spelling.
    # Hints for the first HINTS_MAX unknown fields: a spec of thousands of them stays fast.
    hints: dict[int, str | None] = {}
    misspelt = set()
    for index, error in enumerate(errors):
        if error["type"] == "extra_forbidden" and len(hints) < HINTS_MAX:
            loc = _clean_loc(error["loc"])
            hint = hints[index] = _hint(loc, model)
            if hint is not None:
                misspelt.add(format_path(_as_written([*loc[:-1], hint], model)))
    for index, error in enumerate(errors):
        ctx = error.get("ctx") or {}
        if error["type"] == "pipeline" and "problems" in ctx:
            problems.extend(ctx["problems"])
            continue
        if error["type"] == "nested" and "problems" in ctx:
            # Several problems below one value (fields.check_nested), each with its own path.
            where = _as_written(_clean_loc(error["loc"]), model)
            problems += [
                Problem(format_path([*where, *path]), message) for path, message in ctx["problems"]
            ]
            continue
        loc = _as_written(_clean_loc(error["loc"]), model)
        if error["type"] == "missing" and format_path(loc) in misspelt:
            continue
        message = _MESSAGES.get(error["type"], error["msg"])
        if error["type"] == "enum":
            message = _enum_message(error)
        elif error["type"] == "int_parsing_size":
            message = (
                f"{shown(error.get('input'))} is larger than any integer Kubernetes stores "
                "(int64 at most)"
            )
        elif error["type"] == "string_type" and isinstance(error.get("input"), bool):
            message = (
                f"YAML reads the unquoted word as the boolean {str(error['input']).lower()} "
                '(true, false, yes, no, on, off): quote it to mean the text, e.g. "yes"'
            )
        elif error["type"] == "bool_type":
            given = error.get("input")
            message = f"expected true or false, got {shown(given)}"
            if isinstance(given, str):
                message += ": quoted, YAML reads it as text; write true or false without quotes"
        elif error["type"] == "extra_forbidden" and loc and loc[-1] == "dependsOn":
            message = "only `tasks` can have `dependsOn`"
        elif error["type"] == "extra_forbidden" and hints.get(index):
            message = f"unknown field (did you mean {shown(hints[index])}?)"
        problems.append(Problem(format_path(loc), message))
    return problems


def _as_written(loc: list[str | int], model: type[BaseModel]) -> list[str | int]:
    """The location with each field spelled as in a spec file (its alias), following the model."""
    return _walk(loc, model)[0]


def _hint(loc: list[str | int], model: type[BaseModel]) -> str | None:
    """The field (as written) of the mapping at `loc[:-1]` that `loc[-1]` most likely meant."""
    from ..syntax.spelling import closest

    parent = _walk(loc[:-1], model)[1] if loc else None
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)):
        return None
    known = sorted(f.alias or name for name, f in parent.model_fields.items())
    return closest(str(loc[-1]), known)


def _walk(loc: list[str | int], model: type[BaseModel]) -> tuple[list[str | int], Any]:
    """The location as written, and the type found at its end (None when it leaves the model)."""
    written: list[str | int] = []
    current: Any = model
    for part in loc:
        fields = (
            current.model_fields
            if isinstance(current, type) and issubclass(current, BaseModel)
            else None
        )
        if fields is not None and isinstance(part, str):
            field = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
            if field is None:  # a field the model does not have (reported as unknown)
                # A model given as input is validated again from its attributes, whose names are
                # Python's (`depends_on`): spelled as a spec file would. Anything else as written.
                snake = re.fullmatch(r"[a-z]+(?:_[a-z]+)+", part)
                written.append(to_camel(part) if snake else part)
                current = None
                continue
            written.append(field.alias or part)
            current = _bare(field.annotation)
            continue
        written.append(part)
        origin = get_origin(current)
        current = _bare(get_args(current)[-1]) if origin in (list, dict) else None
    return written, current


def _bare(annotation: Any) -> Any:
    """The type inside `Annotated[...]` and `X | None`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _enum_message(error: Any) -> str:
    """Name the rejected value, and the right spelling when only the case is wrong."""
    given = error.get("input")
    expected = str((error.get("ctx") or {}).get("expected", ""))
    options = re.findall(r"'([^']*)'", expected)
    message = f"{shown(given)} is not allowed: use {expected}"
    if isinstance(given, str):
        same = [option for option in options if option.lower() == given.lower()]
        if same:
            message += f" (did you mean {shown(same[0])}? case matters)"
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
    """Parse YAML, turning syntax errors into a SpecError that names the line; text fields get
    what was written (`yaml_scalars`)."""
    try:
        return parse_spec_yaml(text)
    except InputError as error:
        raise SpecError([Problem("", str(error))], source) from None


def parse_documents(text: str, source: str) -> list[Any]:
    """Every document of a YAML stream (an empty one is None), read as Kubernetes reads manifests
    (YAML's own values), with the limits of `parse_spec_text` counted over the whole stream."""
    try:
        return parse_yaml_stream(text)
    except InputError as error:
        raise SpecError([Problem("", str(error))], source) from None


def read_spec_text(path: str | os.PathLike[str]) -> str:
    """The file's text, or a SpecError when it is missing, unreadable, too large or binary."""
    try:
        return read_text(path, "a YAML pipeline spec")
    except InputError as error:
        raise SpecError([Problem("", str(error))], str(path)) from None


def load_spec_file(path: str | os.PathLike[str]) -> Pipeline:
    """Load and validate a pipeline spec file, or raise SpecError naming the file."""
    source = str(path)
    data = parse_spec_text(read_spec_text(path), source)
    try:
        return load_pipeline(data, source)
    except SpecError as error:
        raise SpecError(error.problems, source) from None
