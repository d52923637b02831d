"""Splitting component args into what is known now and the Outputs Pulumi resolves later.

A Python program passes `pulumi.Output`s where it likes, and the component provider hands every
secret or resource-dependent input of another language to the component as an Output. The model
says which fields may hold one (`spec/inputs.py`): their Outputs become the leaves of a plan
(`plan.py`); an Output anywhere else is reported with its path, before anything is registered,
because that field decides which objects exist or what they are called.
"""

from collections.abc import Mapping
from inspect import isawaitable
from typing import Any, NamedTuple

import pulumi
from pulumi.output import UNKNOWN, Unknown

from ..errors import Problem, format_path
from ..spec.inputs import PathPart, position

Path = tuple[PathPart, ...]

NOT_PLAIN = (
    "must be a plain value, not a secret or a value that depends on another resource "
    "(a Pulumi Output): it decides which Kubernetes objects exist or what they are called, so it "
    "must be known before anything is registered; the fields that accept an Output say so in "
    "their docs, and a secret belongs in a Secret read through `valueFrom.secretKeyRef`"
)


class Split(NamedTuple):
    """The args with `None` at each Output, the Outputs by path, and misplaced Outputs."""

    skeleton: Any
    leaves: dict[Path, "pulumi.Output[Any]"]
    problems: list[Problem]


def unknown_output() -> "pulumi.Output[Any]":
    """An output known only after deployment: what an invalid component offers the program."""
    return pulumi.Output.from_input(UNKNOWN)


def is_output(value: Any) -> bool:
    """An Output, an unknown or an awaitable: a value Pulumi resolves later."""
    return isinstance(value, (pulumi.Output, Unknown)) or isawaitable(value)


def split(args: Any, model: Any) -> Split:
    """Walk mappings and lists; each Output is a leaf where `model` accepts one, else a problem.

    Paths are reported as the caller wrote them (snake_case from Python, camelCase from other
    languages), since that is what they will search their program for.
    """
    leaves: dict[Path, pulumi.Output[Any]] = {}
    problems: list[Problem] = []

    def walk(value: Any, path: Path) -> Any:
        if is_output(value):
            found = position(model, path)
            if found is not None and found.accepts_input:
                leaves[path] = pulumi.Output.from_input(value)
            else:
                problems.append(Problem(format_path(path), NOT_PLAIN))
            return None
        if isinstance(value, Mapping):
            return {key: walk(item, (*path, str(key))) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(item, (*path, index)) for index, item in enumerate(value)]
        return value

    skeleton = walk(args, ()) if isinstance(args, Mapping) else args
    return Split(skeleton, leaves, problems)
