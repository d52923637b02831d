"""What a pipeline's `argoVersion` cannot run, refused with a field path before anything is emitted.

The model and the manifest builders speak Argo v4; `argo.versions` rewrites finished documents into
an older target's spelling, and these rules make sure nothing is lost on the way. Argo v3.5 has
`spec.schedule` (one string) and singular `synchronization.semaphore` / `mutex`; `when`,
`stopStrategy`, `schedules` and the plural synchronization lists arrived in v3.6, `backoff.cap` in
v3.7, and v4.0 removed `spec.schedule`.

Values checked against Argo's schema (`argo:`, `affinity`, the schema-checked volume sources) are
checked against the target's own schema here, for what only some Argo versions have; what no
version accepts is reported with the field itself (`argo_fields.schema_problems`).

Argo v4's CRDs also cap list sizes (`maxItems` in `manifests/base/crds/full`, e.g.
`argoproj.io_cronworkflows.yaml`); the API server refuses a CronWorkflow over them when it is
applied. v3.5's CRDs have no such caps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Problem, join_path, shown
from .calendar import needs_when
from .models import ArgoVersion, PipelineFields, Template

# Pipeline fields (Python name, spec path) that an Argo v3.5 controller does not know.
V3_6_PIPELINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("when", "when"),
    ("stop_strategy", "stopStrategy"),
)
PLURAL_SYNCHRONIZATION = {"semaphores": "semaphore", "mutexes": "mutex"}
V4_MAX_TEMPLATES = 200  # spec.workflowSpec.templates
V4_MAX_DAG_TASKS = 200  # templates[].dag.tasks
V4_MAX_INPUT_PARAMETERS = 500  # templates[].inputs.parameters


def target_problems(pipeline: PipelineFields) -> list[Problem]:
    """What the pipeline uses that its `argoVersion` cannot run, each with its field path."""
    problems: list[Problem] = []
    for i, template in enumerate(pipeline.templates):
        problems += template_target_problems(template, f"templates[{i}].", pipeline.argo_version)
    if pipeline.argo_version is not ArgoVersion.V3_5:
        return problems + v4_limit_problems(pipeline)
    target = f"`argoVersion` is {shown(pipeline.argo_version.value)}"
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
    if needs_when(pipeline):
        problems.append(
            Problem(
                "calendar",
                "skips runs with the CronWorkflow's `when`, which needs Argo v3.6 or later, and "
                f"{target} (`weekdaysOnly` alone needs no `when` where the schedule's "
                "day-of-month is `*`)",
            )
        )
    if pipeline.alerts is not None:
        problems.append(
            Problem(
                "alerts",
                f"`alerts` needs Argo v3.6 or later and {target}: the missed-run alert reads "
                "argo_workflows_cronworkflows_triggered_total, which v3.5's controller does not "
                "export",
            )
        )
    problems += plural_synchronization_problems(
        pipeline.model_dump(by_alias=True, exclude_none=True, mode="json")
    )
    return problems


def v4_limit_problems(pipeline: PipelineFields) -> list[Problem]:
    """List sizes over Argo v4's CRD caps, counted as `argo/cron_workflow.py` emits them: the entry
    template `main`, the exit handler when there is `onExit`, one spawn template per child (whose
    inputs are the child's arguments), one DAG task per task."""
    problems: list[Problem] = []
    children = pipeline.children
    handler = pipeline.on_exit is not None
    templates = 1 + int(handler) + len(children)
    if templates > V4_MAX_TEMPLATES:
        room = V4_MAX_TEMPLATES - 1 - int(handler)
        parts = "`main`" + (", the exit handler" if handler else "")
        problems.append(
            Problem(
                "tasks" if pipeline.tasks is not None else "stages",
                f"Argo v4 allows at most {V4_MAX_TEMPLATES} templates in a workflow (its CRD's "
                f"`maxItems`; the API server would refuse the CronWorkflow), and this pipeline "
                f"needs {templates}: {parts} and one spawn template for each of its "
                f"{len(children)} children. Split it into pipelines of at most {room} children",
            )
        )
    if pipeline.tasks is not None and len(pipeline.tasks) > V4_MAX_DAG_TASKS:
        problems.append(
            Problem(
                "tasks",
                f"Argo v4 allows at most {V4_MAX_DAG_TASKS} tasks in a DAG (its CRD's "
                f"`maxItems`), and there are {len(pipeline.tasks)}",
            )
        )
    for path, child in children:
        if len(child.arguments) > V4_MAX_INPUT_PARAMETERS:
            problems.append(
                Problem(
                    f"{path}.arguments",
                    f"Argo v4 allows at most {V4_MAX_INPUT_PARAMETERS} input parameters in a "
                    f"template (its CRD's `maxItems`), and each of the {len(child.arguments)} "
                    "arguments of this child is one in its spawn template",
                )
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


def template_target_problems(
    template: Template, prefix: str, version: ArgoVersion
) -> list[Problem]:
    """What a template uses that the Argo version cannot run, each with its field path."""
    problems: list[Problem] = []
    retry = template.retry_strategy
    if version is ArgoVersion.V3_5 and retry and retry.backoff and retry.backoff.cap is not None:
        problems.append(
            Problem(
                f"{prefix}retryStrategy.backoff.cap",
                f"`cap` needs Argo v3.7 or later and `argoVersion` is {shown(version.value)}",
            )
        )
    volumes = [
        (k, volume)
        for k, volume in enumerate(template.volumes)
        if set(volume.sources) & _SCHEMA_CHECKED_SOURCES
    ]
    containers = [
        (f"{prefix}{field}[{k}].argo", container.argo)
        for field, group in (
            ("initContainers", template.init_containers),
            ("sidecars", template.sidecars),
        )
        for k, container in enumerate(group)
        if container.argo
    ]
    if not (template.argo or containers or template.affinity is not None or volumes):
        return problems
    from . import argo_fields  # imported when used: it reads Argo's schema

    found: list[tuple[str, list[tuple[tuple[str | int, ...], str]]]] = []
    if template.argo:
        found.append(
            (f"{prefix}argo", argo_fields.template_field_problems(template.argo, version.value))
        )
    for path, fields in containers:
        found.append((path, argo_fields.container_field_problems(fields, version.value)))
    if template.affinity is not None:
        found.append(
            (
                f"{prefix}affinity",
                argo_fields.schema_problems(template.affinity, argo_fields.AFFINITY, version.value),
            )
        )
    for k, volume in volumes:
        dump = volume.model_dump(by_alias=True, exclude_none=True, mode="json")
        found.append(
            (
                f"{prefix}volumes[{k}]",
                argo_fields.schema_problems(dump, argo_fields.VOLUME, version.value),
            )
        )
    problems += [
        Problem(join_path(path, where), message)
        for path, listed in found
        for where, message in listed
    ]
    return problems


# Volume sources checked against Argo's schema rather than typed (models.Volume).
_SCHEMA_CHECKED_SOURCES = frozenset({"csi", "downward_api", "ephemeral", "projected", "image"})
