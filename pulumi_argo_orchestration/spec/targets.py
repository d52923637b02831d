"""What a pipeline's `argoVersion` cannot run, refused with a field path before anything is emitted.

The model and the manifest builders speak Argo v4; `argo.versions` rewrites finished documents into
an older target's spelling, and these rules make sure nothing is lost on the way. Argo v3.5 has
`spec.schedule` (one string) and singular `synchronization.semaphore` / `mutex`; `when`,
`stopStrategy`, `schedules` and the plural synchronization lists arrived in v3.6, and v4.0 removed
`spec.schedule`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Problem
from .models import ArgoVersion, PipelineFields

# Pipeline fields (Python name, spec path) that an Argo v3.5 controller does not know.
V3_6_PIPELINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("when", "when"),
    ("stop_strategy", "stopStrategy"),
)
PLURAL_SYNCHRONIZATION = {"semaphores": "semaphore", "mutexes": "mutex"}


def target_problems(pipeline: PipelineFields) -> list[Problem]:
    """What the pipeline uses that its `argoVersion` cannot run, each with its field path."""
    if pipeline.argo_version is not ArgoVersion.V3_5:
        return []
    target = f"`argoVersion` is {pipeline.argo_version.value!r}"
    problems: list[Problem] = []
    schedules = pipeline.all_schedules
    if len(schedules) > 1:
        problems.append(
            Problem(
                "schedules",
                f"Argo v3.5 takes one schedule (`spec.schedule`) and {len(schedules)} are given: "
                "keep one, split the pipeline, or target Argo v4 (`argoVersion: '4'`)",
            )
        )
    for attribute, path in V3_6_PIPELINE_FIELDS:
        if getattr(pipeline, attribute, None) is not None:
            problems.append(Problem(path, f"`{path}` needs Argo v3.6 or later and {target}"))
    problems += plural_synchronization_problems(
        pipeline.model_dump(by_alias=True, exclude_none=True, mode="json")
    )
    return problems


def plural_synchronization_problems(spec: Any, path: str = "") -> list[Problem]:
    """Hook for plural `synchronization`: what cannot become v3.5's singular form.

    Walks a camelCase spec dump, so any `synchronization: {semaphores: [...], mutexes: [...]}` in
    the pipeline, its stages or templates is checked without knowing where the model puts it.
    v3.5 holds at most one semaphore and one mutex per `synchronization`, and no database locks.
    """
    problems: list[Problem] = []
    if isinstance(spec, Mapping):
        for key, value in spec.items():
            where = f"{path}.{key}" if path else str(key)
            if key == "synchronization" and isinstance(value, Mapping):
                problems += _synchronization_problems(value, where)
            else:
                problems += plural_synchronization_problems(value, where)
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        for index, item in enumerate(spec):
            problems += plural_synchronization_problems(item, f"{path}[{index}]")
    return problems


def _synchronization_problems(synchronization: Mapping[str, Any], path: str) -> list[Problem]:
    problems = []
    for plural, singular in PLURAL_SYNCHRONIZATION.items():
        locks = synchronization.get(plural) or []
        if len(locks) > 1:
            problems.append(
                Problem(
                    f"{path}.{plural}",
                    f"Argo v3.5 holds one {singular} per `synchronization` and "
                    f"{len(locks)} are given: keep one or target Argo v4",
                )
            )
        for index, lock in enumerate(locks):
            if isinstance(lock, Mapping) and lock.get("database"):
                problems.append(
                    Problem(
                        f"{path}.{plural}[{index}].database",
                        f"database {plural} need Argo v3.6 or later",
                    )
                )
    return problems
