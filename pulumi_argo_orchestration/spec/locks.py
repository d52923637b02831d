"""Rules for the locks children hold: empty or repeated locks, and sizes that contradict each other.

One ConfigMap key holds one semaphore size, so two children that size the same semaphore
differently, or a ConfigMap this pipeline creates but does not fill, would fail at run time.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Problem, shown
from .models import Child


def synchronization_problems(children: Sequence[tuple[str, Child]]) -> list[Problem]:
    """Empty or repeated locks, and semaphore sizes that contradict each other."""
    problems: list[Problem] = []
    sized: dict[tuple[str, str], tuple[int, str]] = {}
    referenced: list[tuple[str, str, str]] = []
    for path, child in children:
        sync = child.synchronization
        if sync is None:
            continue
        where = f"{path}.synchronization"
        if not sync.semaphores and not sync.mutexes:
            problems.append(Problem(where, "set at least one of `semaphores` or `mutexes`"))
        seen: set[tuple[str, str]] = set()
        for k, semaphore in enumerate(sync.semaphores):
            at = f"{where}.semaphores[{k}]"
            ref = (semaphore.config_map, semaphore.key)
            if ref in seen:
                problems.append(Problem(at, f"semaphore {_label(ref)} is listed twice"))
            seen.add(ref)
            referenced.append((*ref, at))
            if semaphore.limit is None:
                continue
            first = sized.setdefault(ref, (semaphore.limit, f"{at}.limit"))
            if first[0] != semaphore.limit:
                problems.append(
                    Problem(
                        f"{at}.limit",
                        f"semaphore {_label(ref)} is sized {first[0]} at {first[1]}: "
                        "one ConfigMap key holds one size",
                    )
                )
        for k, name in enumerate(sync.mutexes):
            if name in sync.mutexes[:k]:
                problems.append(
                    Problem(f"{where}.mutexes[{k}]", f"mutex {shown(name)} is listed twice")
                )
    created = {name for name, _ in sized}
    for name, key, at in referenced:
        if name in created and (name, key) not in sized:
            problems.append(
                Problem(
                    f"{at}.limit",
                    f"this pipeline creates ConfigMap {shown(name)} (a `limit` is set elsewhere), "
                    f"so key {shown(key)} needs a `limit` too, or use a ConfigMap created outside "
                    "it",
                )
            )
    return problems


def _label(ref: tuple[str, str]) -> str:
    return f"{ref[0]}/{ref[1]}"
