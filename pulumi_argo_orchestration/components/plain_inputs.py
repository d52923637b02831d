"""The component inputs must be plain values: reject Outputs with one error naming each field.

A pipeline spec decides which Kubernetes objects exist and what they are called, so it has to be
known before anything is registered. Called through the component provider (TypeScript, YAML,
...), Pulumi hands a secret, or a value that depends on another resource, to the component as a
`pulumi.Output` (an unknown value during preview); a Python program can pass one too. Validating
such a value would either crash or silently see the Output's repr, so every one is reported with
its path instead, before anything is registered.
"""

from collections.abc import Mapping
from inspect import isawaitable
from typing import Any

import pulumi
from pulumi.output import Unknown

from ..errors import Problem, SpecError, format_path

NOT_PLAIN = (
    "must be a plain value, not a secret or a value that depends on another resource "
    "(a Pulumi Output): the spec decides which Kubernetes objects are created, so it must be "
    "known before deployment; reference secrets through `valueFrom.secretKeyRef` instead"
)


def unresolved_problems(value: Any, path: tuple[str | int, ...] = ()) -> list[Problem]:
    """Every Output, unknown or awaitable inside `value` (mappings and lists), with its path."""
    if isinstance(value, (pulumi.Output, Unknown)) or isawaitable(value):
        return [Problem(format_path(path), NOT_PLAIN)]
    if isinstance(value, Mapping):
        return [
            problem
            for key, item in value.items()
            for problem in unresolved_problems(item, (*path, str(key)))
        ]
    if isinstance(value, (list, tuple)):
        return [
            problem
            for index, item in enumerate(value)
            for problem in unresolved_problems(item, (*path, index))
        ]
    return []


def require_plain(args: Any) -> None:
    """Raise one SpecError listing every non-plain value in `args`; models pass unchanged."""
    problems = unresolved_problems(args) if isinstance(args, Mapping) else []
    if problems:
        raise SpecError(problems)
