"""Which fields may be known only at deployment: the one place that says so is the model.

Some values come from other resources (a namespace or ConfigMap the same stack creates, an image a
build publishes, the ARN of a cloud role) or from secrets. A field that only flows into the
content of objects may take such a value: the model marks it with `INPUT` (the value itself, and
each item of a list or value of a mapping) or `INPUT_ITEMS` (each item or value; the list or the
mapping's keys stay plain). Everything else decides which objects exist, what they are called or
how they relate, so it must be known when the spec is read.

The Pulumi args generator types marked fields `pulumi.Input[T]`; the components accept an Output
exactly where `position` says so. This module stays pure: it knows the marks and, for the
components' planning, a valid stand-in value of each marked field (`placeholder`).
"""

# No `from __future__ import annotations`: see models.py.
import types
from enum import Enum
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

PathPart = Union[str, int]


class InputMark(NamedTuple):
    """A field that only flows into object content; `items_only` keeps its container plain."""

    items_only: bool = False


INPUT = InputMark()
"""The field's value may be resolved at deployment, and so may each item or mapping value."""
INPUT_ITEMS = InputMark(items_only=True)
"""Each item (or mapping value) may be resolved at deployment; the keys and length are plain."""


class Position(NamedTuple):
    """A place in a spec: its field path as spec files spell it, its type, and if it is an input."""

    spec_path: tuple[PathPart, ...]
    annotation: Any
    accepts_input: bool


def mark_of(field: Any) -> InputMark | None:
    """The input mark of a pydantic FieldInfo, if the model gives it one."""
    for item in field.metadata:
        if isinstance(item, InputMark):
            return item
    return None


def input_note(field: Any) -> str:
    """What a field's docs say about Outputs, in the Pulumi args and the schema; empty if plain."""
    mark = mark_of(field)
    if mark is None:
        return ""
    if not mark.items_only:
        return "Accepts an Output."
    shape = get_origin(_strip(field.annotation))
    if shape is dict:
        return "Values accept Outputs; keys are plain."
    return "Items accept Outputs; the list is plain."


def _strip(tp: Any) -> Any:
    """The shape under Annotated and Optional."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        elif get_origin(tp) in (Union, types.UnionType) and type(None) in get_args(tp):
            rest = [arg for arg in get_args(tp) if arg is not type(None)]
            tp = rest[0] if len(rest) == 1 else Union[tuple(rest)]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "model_fields")


def _field(model: Any, key: str) -> tuple[str, Any] | None:
    """(name as spec files spell it, FieldInfo) for a snake_case name or a camelCase alias."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.alias or name, info
    return None


def is_container(annotation: Any) -> bool:
    """A list, a mapping or an object: a value with parts."""
    shape = _strip(annotation)
    return get_origin(shape) in (list, tuple, dict) or _is_model(shape)


def position(model: Any, path: tuple[PathPart, ...]) -> Position | None:
    """Where `path` (snake_case or camelCase names, list indexes, mapping keys) leads in `model`.

    None when the path leaves the model (an unknown field, an index into a mapping): the model
    reports such a spec itself.
    """
    tp: Any = model
    accepts = False
    items = False
    spelled: list[PathPart] = []
    for part in path:
        shape = _strip(tp)
        origin = get_origin(shape)
        if _is_model(shape) and isinstance(part, str):
            found = _field(shape, part)
            if found is None:
                return None
            name, info = found
            mark = mark_of(info)
            spelled.append(name)
            tp = info.annotation
            accepts = mark is not None and not mark.items_only
            items = mark is not None
        elif origin in (list, tuple) and isinstance(part, int):
            spelled.append(part)
            tp = get_args(shape)[0]
            accepts = items
        elif origin is dict and isinstance(part, str):
            spelled.append(part)
            tp = get_args(shape)[1]
            accepts = items
        else:
            return None
    return Position(tuple(spelled), tp, accepts)


def input_fields(model: Any, prefix: str = "") -> list[tuple[str, InputMark]]:
    """Every marked field reachable from `model`, as `templates[].env[].value`-style paths."""
    found: list[tuple[str, InputMark]] = []
    seen: set[Any] = set()

    def visit(tp: Any, path: str) -> None:
        shape = _strip(tp)
        origin = get_origin(shape)
        if origin in (list, tuple):
            visit(get_args(shape)[0], f"{path}[]")
        elif origin is dict:
            visit(get_args(shape)[1], f"{path}{{}}")
        elif _is_model(shape) and (shape, path) not in seen:
            seen.add((shape, path))
            for name, info in shape.model_fields.items():
                at = f"{path}.{info.alias or name}" if path else (info.alias or name)
                mark = mark_of(info)
                if mark is not None:
                    found.append((at, mark))
                visit(info.annotation, at)

    visit(model, prefix)
    return found


# Stand-in values: the components build a spec's manifests before its Outputs resolve, with
# these in their place, to validate everything known and to learn where each value lands.
# Two variants per position (`a`, `b`) that render differently and that every field's own rule
# accepts; `n` keeps the stand-ins of different positions apart.


STAND_IN_PREFIX = "pulumi-input-"


def placeholder(annotation: Any, n: int, variant: str) -> Any:
    """A value of this type that its validators accept; `a` and `b` render differently.

    Lists and mappings get different lengths or keys in the two variants, so the difference
    shows at the container, never at an item the real value might not have.
    """
    second = variant == "b"
    tp = _strip(annotation)
    origin = get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        members = list(tp)
        return members[1 if second and len(members) > 1 else 0].value
    if tp is bool:
        return second
    if tp is int:
        return (2000 if second else 1000) + n
    if origin in (Union, types.UnionType):  # a quantity: text or a number
        return f"9{n}{2 if second else 1}"
    if tp is str:
        return f"{STAND_IN_PREFIX}{n}-{variant}"
    if origin in (list, tuple):
        item = placeholder(get_args(tp)[0], n, variant)
        return [item, item] if second else [item]
    if origin is dict:
        return {f"{STAND_IN_PREFIX}{n}-{variant}": placeholder(get_args(tp)[1], n, variant)}
    if _is_model(tp):
        fields = list(tp.model_fields.items())
        value = {
            info.alias or name: placeholder(info.annotation, n, variant)
            for name, info in fields
            if info.is_required()
        }
        optional = [(name, info) for name, info in fields if not info.is_required()]
        if optional:
            name, info = optional[1 if second and len(optional) > 1 else 0]
            value[info.alias or name] = placeholder(info.annotation, n, variant)
        return value
    raise TypeError(f"no stand-in value for {annotation!r}")
