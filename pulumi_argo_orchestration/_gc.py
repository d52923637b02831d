"""Pause Python's cyclic garbage collector while building large acyclic trees.

Validating a spec, building its manifests and dumping them allocate hundreds of thousands of
dicts, lists and models that all stay alive until the end, and none of them form cycles:
reference counting frees them. The cyclic collector cannot know that, so it keeps scanning the
growing heap, every full pass longer than the last: at 10,000 children that was a third of
a render, and the only part that grew faster than the pipeline. Pausing it for the duration
of the call keeps a render linear; anything cyclic made meanwhile is collected right after.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with the cyclic collector off; nested and concurrent calls are safe."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():  # already paused by an outer call, or by the application
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper
