"""Reading model and TypedDict annotations generically, for the drift and schema tests."""

from __future__ import annotations

import collections.abc
import types
import typing
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import typing_extensions
from pydantic import BaseModel

NOT_REQUIRED = {typing.NotRequired, typing_extensions.NotRequired}
REQUIRED = {typing.Required, typing_extensions.Required}


def type_hints(cls: Any) -> dict[str, Any]:
    """A TypedDict's field annotations as Pulumi's analyzer reads them: unevaluated.

    `pulumi.Input[T]` holds the forward reference `'Output[T]'`, which `typing.get_type_hints`
    cannot resolve once T is substituted; the analyzer reads `__annotations__` too.
    """
    annotations = dict(cls.__annotations__)
    if any(isinstance(value, (str, typing.ForwardRef)) for value in annotations.values()):
        return typing.get_type_hints(cls, include_extras=True)
    return annotations


def is_input(tp: Any) -> bool:
    """`pulumi.Input[T]`: a union of T, Awaitable[T] and the forward reference Output[T]."""
    args = get_args(tp) if is_union(tp) else ()
    return any(get_origin(arg) is collections.abc.Awaitable for arg in args) and any(
        isinstance(arg, typing.ForwardRef) and arg.__forward_arg__ == "Output[T]" for arg in args
    )


def input_base(tp: Any) -> Any:
    """The T of `pulumi.Input[T]`."""
    return next(
        get_args(arg)[0] for arg in get_args(tp) if get_origin(arg) is collections.abc.Awaitable
    )


def strip(tp: Any) -> Any:
    """Drop the wrappers that do not change the shape: Annotated, NotRequired, Optional, Input."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated or origin in NOT_REQUIRED or origin in REQUIRED:
            tp = get_args(tp)[0]
        elif is_input(tp):
            tp = input_base(tp)
        elif is_union(tp) and type(None) in get_args(tp):
            rest = [arg for arg in get_args(tp) if arg is not type(None)]
            tp = rest[0] if len(rest) == 1 else Union[tuple(rest)]
        else:
            return tp


def is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def leaves(tp: Any) -> set[Any]:
    """The scalar Python types an annotation accepts (the value type too, for an Enum)."""
    tp = strip(tp)
    if is_union(tp):
        return set().union(*(leaves(arg) for arg in get_args(tp)))
    if get_origin(tp) is Literal:
        return {type(value) for value in get_args(tp)}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {tp} | {type(member.value) for member in tp}
    return {tp}


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)
