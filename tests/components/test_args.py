"""The Pulumi args (TypedDicts) and the pydantic spec must describe the same fields.

Other Pulumi languages see only the TypedDicts (through the analyzer); spec files and validation
use only the model. The walk below is generic: it pairs every model with its TypedDict through the
field annotations and recurses, so a field added to one side and not the other fails here.
"""

from __future__ import annotations

import subprocess
import sys
import typing
from typing import Any, get_args, get_origin

import pytest
import typing_extensions
from pydantic import BaseModel, ConfigDict

from pulumi_argo_orchestration.components import args as pipeline_args
from pulumi_argo_orchestration.spec.inputs import mark_of
from pulumi_argo_orchestration.spec.pipeline import Pipeline, SharedTemplate
from tests.conftest import ROOT
from tests.support.annotations import (
    NOT_REQUIRED,
    REQUIRED,
    is_input,
    is_model,
    leaves,
    strip,
    type_hints,
)
from tests.support.field_docs import attribute_docs, pulumi_docs

ROOTS = [
    (Pipeline, pipeline_args.ScheduledPipelineArgs),
    (SharedTemplate, pipeline_args.SharedWorkflowTemplateArgs),
]


def _is_typeddict(tp: Any) -> bool:
    return typing_extensions.is_typeddict(tp)


def _compare_types(model_tp: Any, args_tp: Any, path: str) -> list[str]:
    """Same containers all the way down; each args leaf is a value the model accepts."""
    model_tp, args_tp = strip(model_tp), strip(args_tp)
    m_origin, a_origin = get_origin(model_tp), get_origin(args_tp)
    if m_origin in (list, dict) or a_origin in (list, dict):
        if m_origin is not a_origin:
            return [f"{path}: model has {model_tp}, args have {args_tp}"]
        if a_origin is dict and get_args(args_tp)[0] is not str:
            return [f"{path}: map keys must be str for Pulumi, got {args_tp}"]
        return _compare_types(get_args(model_tp)[-1], get_args(args_tp)[-1], f"{path}[]")
    if is_model(model_tp) or _is_typeddict(args_tp):
        if not (is_model(model_tp) and _is_typeddict(args_tp)):
            return [f"{path}: model has {model_tp}, args have {args_tp}"]
        return _walk(model_tp, args_tp, path)
    if args_tp not in leaves(model_tp):
        return [f"{path}: args type {args_tp} is not accepted by the model's {model_tp}"]
    return []


def _required(args: type, key: str, hint: Any) -> bool:
    if get_origin(hint) in NOT_REQUIRED:
        return False
    if get_origin(hint) in REQUIRED:
        return True
    return key in args.__required_keys__  # type: ignore[attr-defined]


def _walk(spec: type[BaseModel], args: type, path: str) -> list[str]:
    problems: list[str] = []
    hints = type_hints(args)
    fields = spec.model_fields
    where = f"{path}." if path else ""
    for name in sorted(set(fields) - set(hints)):
        problems.append(f"{where}{name}: in {spec.__name__} but not in {args.__name__}")
    for name in sorted(set(hints) - set(fields)):
        problems.append(f"{where}{name}: in {args.__name__} but not in {spec.__name__}")
    docs = attribute_docs(args)
    model_docs = pulumi_docs(spec)
    for name in [n for n in fields if n in hints]:
        field, hint = fields[name], hints[name]
        at = f"{where}{name}"
        if field.is_required() != _required(args, name, hint):
            problems.append(
                f"{at}: required in the model is {field.is_required()}, "
                f"in {args.__name__} {_required(args, name, hint)}"
            )
        if not model_docs.get(name):
            problems.append(f"{at}: the model field has no attribute docstring")
        if model_docs.get(name) != docs.get(name):
            problems.append(
                f"{at}: docs differ: model {model_docs.get(name)!r}, "
                f"{args.__name__} {docs.get(name)!r}"
            )
        problems += _compare_types(field.annotation, hint, at)
        problems += _input_problems(field, hint, at)
    return problems


def _input_problems(field: Any, hint: Any, path: str) -> list[str]:
    """`pulumi.Input` exactly where the model marks the field: on it, or on its items only."""
    mark = mark_of(field) if hasattr(field, "metadata") else None
    hint = strip_required(hint)
    whole = is_input(hint)
    container = strip(hint)
    items = get_origin(container) in (list, dict) and is_input(get_args(container)[-1])
    has_items = get_origin(container) in (list, dict)
    expected = (False, False) if mark is None else (not mark.items_only, has_items)
    if (whole, items) != expected:
        return [f"{path}: Input on the field {whole}, on its items {items}; model mark {mark}"]
    return []


def strip_required(tp: Any) -> Any:
    while get_origin(tp) in NOT_REQUIRED or get_origin(tp) in REQUIRED:
        tp = get_args(tp)[0]
    return tp


@pytest.mark.parametrize(("spec", "args"), ROOTS, ids=[args.__name__ for _, args in ROOTS])
def test_args_mirror_the_model(spec, args):
    problems = _walk(spec, args, "")
    assert not problems, "\n".join(problems)


def test_the_walk_reaches_every_nested_type():
    """The pairing follows annotations, so every nested args type must be reached from a root."""
    reached: set[str] = set()

    def collect(tp: Any) -> None:
        tp = strip(tp)
        if get_origin(tp) in (list, dict):
            collect(get_args(tp)[-1])
        elif _is_typeddict(tp) and tp.__name__ not in reached:
            reached.add(tp.__name__)
            for hint in type_hints(tp).values():
                collect(hint)

    for _, args in ROOTS:
        collect(args)
    defined = {
        name
        for name, value in vars(pipeline_args).items()
        if _is_typeddict(value) and value.__module__ == pipeline_args.__name__
    }
    assert defined <= reached


class _Inner(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    count: int
    """How many."""


class _Outer(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """The name."""
    inner: _Inner | None = None
    """Nested."""


class _InnerArgs(typing.TypedDict):
    count: typing_extensions.NotRequired[str]
    """How many, roughly."""


class _OuterArgs(typing.TypedDict):
    name: str
    """The name."""
    inner: typing_extensions.NotRequired[_InnerArgs]
    """Nested."""
    extra: typing_extensions.NotRequired[bool]
    """Only here."""


def test_the_walk_reports_each_kind_of_drift():
    """A drifted pair yields one problem per difference, with its nested path."""
    assert _walk(_Outer, _OuterArgs, "") == [
        "extra: in _OuterArgs but not in _Outer",
        "inner.count: required in the model is True, in _InnerArgs False",
        "inner.count: docs differ: model 'How many.', _InnerArgs 'How many, roughly.'",
        "inner.count: args type <class 'str'> is not accepted by the model's <class 'int'>",
    ]


def test_the_args_module_is_what_the_generator_writes():
    """components/args.py is generated from the model (scripts/generate_args.py); never edited."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_args.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
