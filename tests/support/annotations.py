"""Reading model and TypedDict annotations generically, for the drift and schema tests."""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import typing_extensions
from pydantic import BaseModel

NOT_REQUIRED = {typing.NotRequired, typing_extensions.NotRequired}
REQUIRED = {typing.Required, typing_extensions.Required}


def strip(tp: Any) -> Any:
    """Drop the wrappers that do not change the shape: Annotated, NotRequired, Optional."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated or origin in NOT_REQUIRED or origin in REQUIRED:
            tp = get_args(tp)[0]
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
