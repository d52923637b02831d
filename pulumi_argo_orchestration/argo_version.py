"""What changes with the Argo version a pipeline targets: the one place for version differences.

The model and the manifest builders speak Argo v4 (`spec.schedules`, `when`, `stopStrategy`, plural
`synchronization.semaphores` / `mutexes`). For an older target, `target_problems` rejects what that
version cannot run (with a field path, before anything is emitted) and `for_target` rewrites the
finished v4 documents into that version's spelling. Argo v3.5 has `spec.schedule` (one string) and
singular `synchronization.semaphore` / `mutex`; `when`, `stopStrategy`, `schedules` and the plural
synchronization lists arrived in v3.6, and v4.0 removed `spec.schedule`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

from .errors import Problem

if TYPE_CHECKING:
    from .model import Pipeline


class ArgoVersion(str, Enum):
    """The Argo Workflows line the manifests are written for."""

    V3_5 = "3.5"
    V4 = "4"


DEFAULT_VERSION = ArgoVersion.V4

# Pipeline fields (Python name, spec path) that an Argo v3.5 controller does not know.
V3_6_PIPELINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("when", "when"),
    ("stop_strategy", "stopStrategy"),
)
PLURAL_SYNCHRONIZATION = {"semaphores": "semaphore", "mutexes": "mutex"}


def version_text(value: Any) -> Any:
    """YAML reads `argoVersion: 3.5` as a float and `4` as an int: compare them as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return value


def target_problems(pipeline: Pipeline) -> list[Problem]:
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


def singular_synchronization(synchronization: Mapping[str, Any]) -> dict[str, Any]:
    """v3.6+ `{semaphores: [s], mutexes: [m]}` as v3.5's `{semaphore: s, mutex: m}`."""
    out: dict[str, Any] = {}
    for key, value in synchronization.items():
        singular = PLURAL_SYNCHRONIZATION.get(key)
        if singular is None:
            out[key] = value
        elif value:
            out[singular] = value[0]
    return out


def for_target(documents: list[dict[str, Any]], version: ArgoVersion) -> list[dict[str, Any]]:
    """The v4 documents rewritten for `version`; validated pipelines only (see target_problems)."""
    if version is not ArgoVersion.V3_5:
        return documents
    return [_to_v3_5(document) for document in documents]


def _to_v3_5(document: dict[str, Any]) -> dict[str, Any]:
    document = _singular_synchronizations(copy.deepcopy(document))
    spec = document.get("spec")
    if document.get("kind") == "CronWorkflow" and isinstance(spec, dict) and "schedules" in spec:
        # Rebuilt rather than patched so `schedule` keeps the place `schedules` had.
        document["spec"] = {
            ("schedule" if key == "schedules" else key): (value[0] if key == "schedules" else value)
            for key, value in spec.items()
        }
    return document


def _singular_synchronizations(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key == "synchronization" and isinstance(value, Mapping):
                node[key] = singular_synchronization(value)
            else:
                node[key] = _singular_synchronizations(value)
    elif isinstance(node, list):
        return [_singular_synchronizations(item) for item in node]
    return node
