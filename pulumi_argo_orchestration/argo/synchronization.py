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
from typing import Any

from ..spec.models import Child, Synchronization


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
