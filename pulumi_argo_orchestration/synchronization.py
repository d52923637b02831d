"""Semaphores and mutexes on the child Workflow, and the ConfigMaps that size the semaphores.

The lock sits on the child Workflow itself (`spec.synchronization` in the child manifest), not on
the orchestrator's spawn step: the child holds it from start to finish, whichever pipeline
spawned it, so at most N runs of a shared child template run at once across pipelines, even
when an orchestrator is terminated and its children keep running (argo #8364). The semaphore's
size is read by the Argo controller, which can read every ConfigMap; workflow pods never touch
it, so no account gets rights on ConfigMaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import Problem

if TYPE_CHECKING:
    from .model import Child, Synchronization


def synchronization_spec(sync: Synchronization) -> dict[str, Any]:
    """The Workflow's `synchronization`, in Argo v3.6+'s plural form."""
    spec: dict[str, Any] = {}
    if sync.semaphores:
        spec["semaphores"] = [
            {"configMapKeyRef": {"name": s.config_map, "key": s.key}} for s in sync.semaphores
        ]
    if sync.mutexes:
        spec["mutexes"] = [{"name": name} for name in sync.mutexes]
    return spec


def semaphore_sizes(
    children: Sequence[tuple[str, Child]], namespace: str
) -> dict[tuple[str, str], dict[str, int]]:
    """(namespace, ConfigMap) -> key -> size, for the semaphores this pipeline sizes.

    Argo reads a semaphore's ConfigMap in the namespace of the Workflow holding it, so a child
    in another namespace gets its ConfigMap there.
    """
    sizes: dict[tuple[str, str], dict[str, int]] = {}
    for _, child in children:
        for semaphore in child.synchronization.semaphores if child.synchronization else []:
            if semaphore.limit is not None:
                where = (child.namespace or namespace, semaphore.config_map)
                sizes.setdefault(where, {}).setdefault(semaphore.key, semaphore.limit)
    return sizes


def config_maps(
    children: Sequence[tuple[str, Child]], namespace: str, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """One ConfigMap per semaphore ConfigMap this pipeline sizes; values are decimal strings."""
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
            "data": {key: str(size) for key, size in keys.items()},
        }
        for (ns, name), keys in semaphore_sizes(children, namespace).items()
    ]


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
                problems.append(Problem(f"{where}.mutexes[{k}]", f"mutex {name!r} is listed twice"))
    created = {name for name, _ in sized}
    for name, key, at in referenced:
        if name in created and (name, key) not in sized:
            problems.append(
                Problem(
                    f"{at}.limit",
                    f"this pipeline creates ConfigMap {name!r} (a `limit` is set elsewhere), so "
                    f"key {key!r} needs a `limit` too, or use a ConfigMap created outside it",
                )
            )
    return problems


def _label(ref: tuple[str, str]) -> str:
    return f"{ref[0]}/{ref[1]}"
