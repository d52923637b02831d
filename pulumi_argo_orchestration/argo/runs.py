"""Workflows for runs the CronWorkflow does not start: one now (`run`), one child on its own
(`run --child`), and every run a schedule missed (`backfill`).

A scheduled run is the CronWorkflow's `workflowSpec` with `workflowMetadata` as its labels and the
annotation `workflows.argoproj.io/scheduled-time` (workflow/common/convert.go,
`ConvertCronWorkflowToWorkflowWithProperties`), which Argo reads as `{{workflow.scheduledTime}}`
(workflow/controller/operator.go, `setGlobalParameters`) and from which a pipeline's window is
computed. What the cron controller adds beyond that is left out: the label
`workflows.argoproj.io/cron-workflow` and the owner reference to the CronWorkflow would make the
controller count the run as one of its own (`status.active`, history limits, and `Replace`
terminating it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import Problem, SpecError, shown
from ..spec import names
from ..spec.calendar import effective_schedules, skip_reason
from ..spec.models import ArgoVersion, Calendar
from ..spec.pipeline import Pipeline
from ..spec.run_parameters import run_parameter_problems
from ..spec.window import window_plan, window_start
from ..syntax import robfig_cron
from ..syntax.rfc3339 import format_rfc3339, seconds_ceiling
from ..syntax.template_text import fill_simple_tags, tags
from .child_workflow import child_document
from .manifests import RenderedPipeline
from .versions import singular_synchronization

# A backfill prints one Workflow per run: enough for years of daily runs, and a bounded output.
BACKFILL_RUNS_MAX = 10_000
# ...and at most this much YAML in all: a run of a large inline pipeline can be megabytes.
BACKFILL_BYTES_MAX = 128 * 2**20
# Slots looked at, skipped ones included, before a backfill gives up on a range.
BACKFILL_SLOTS_MAX = 100_000
_UTC = timezone.utc


def scheduled_run(
    rendered: RenderedPipeline,
    scheduled: datetime,
    parameters: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
    synchronization: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The Workflow a scheduled run at `scheduled` would be, with `parameters` as its values.

    Unnamed, it gets the `generateName` `argo submit --from cronwf/...` gives (`<name>-`).
    Raises SpecError when a parameter is unknown or its value invalid.
    """
    pipeline = rendered.pipeline
    _check_parameters(pipeline, parameters or {})
    cron = next(d for d in rendered.documents if d["kind"] == "CronWorkflow")
    spec = copy.deepcopy(cron["spec"]["workflowSpec"])
    _set_parameters(spec, parameters or {})
    if synchronization is not None:
        spec["synchronization"] = (
            singular_synchronization(synchronization)
            if pipeline.argo_version is ArgoVersion.V3_5
            else synchronization
        )
    metadata: dict[str, Any] = (
        {"name": name} if name is not None else {"generateName": f"{pipeline.name}-"}
    )
    metadata["namespace"] = pipeline.namespace
    metadata["labels"] = dict(cron["spec"]["workflowMetadata"]["labels"])
    metadata["annotations"] = {names.SCHEDULED_TIME_ANNOTATION: format_rfc3339(scheduled)}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": metadata,
        "spec": spec,
    }


def _check_parameters(pipeline: Pipeline, parameters: Mapping[str, str]) -> None:
    problems = run_parameter_problems(pipeline, parameters)
    if problems:
        raise SpecError(problems)


def _set_parameters(spec: dict[str, Any], parameters: Mapping[str, str]) -> None:
    """Each value replaces the parameter's own; a name the spec does not carry (the orchestrator
    is a WorkflowTemplate) is added, and Argo merges it over the template's by name
    (workflow/util/merge.go)."""
    if not parameters:
        return
    listed = spec.setdefault("arguments", {}).setdefault("parameters", [])
    by_name = {parameter["name"]: parameter for parameter in listed}
    for key, value in parameters.items():
        if key in by_name:
            by_name[key]["value"] = value
        else:
            listed.append({"name": key, "value": value})


def parameter_values(
    pipeline: Pipeline, scheduled: datetime, parameters: Mapping[str, str]
) -> dict[str, str]:
    """What `{{workflow.parameters.NAME}}` reads in a run scheduled at `scheduled`.

    The spec's values with `parameters` over them, and the window computed as Argo computes it
    (`spec.window.window_start`). Tags in a value that only Argo knows stay for Argo.
    """
    when = format_rfc3339(scheduled)
    values = {p.name: p.value or "" for p in pipeline.parameters}
    plan = window_plan(pipeline)
    if plan is not None:
        values[names.WINDOW_START] = format_rfc3339(window_start(plan, scheduled))
        values[names.WINDOW_END] = when
    values.update(parameters)
    scheduled_time = {"workflow.scheduledTime": when}
    return {key: fill_simple_tags(value, scheduled_time) for key, value in values.items()}


def child_run(
    pipeline: Pipeline,
    step: str,
    scheduled: datetime,
    parameters: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """One child Workflow on its own, with the arguments a run scheduled at `scheduled` gives it.

    Returns the Workflow and notes on arguments holding a tag that only the orchestrator's run
    could fill in (`{{workflow.name}}`, `{{workflow.status}}`, an expression): Argo fills them in
    from the child's own run instead, or leaves them. Raises SpecError for an unknown step or an
    invalid parameter.
    """
    found = {child.name: child for _, child in pipeline.children}
    if step not in found:
        raise SpecError([Problem("--child", _unknown_step(step, list(found)))])
    _check_parameters(pipeline, parameters or {})
    child = found[step]
    values = parameter_values(pipeline, scheduled, parameters or {})
    known = {f"workflow.parameters.{key}": value for key, value in values.items()}
    known["workflow.scheduledTime"] = format_rfc3339(scheduled)
    arguments = {key: fill_simple_tags(text, known) for key, text in child.arguments.items()}
    notes = [
        f"argument {shown(key)} of step {shown(step)} holds {tag}, which a run of the "
        "orchestrator fills in: Argo fills it in from this Workflow's own run, or leaves it as it "
        "is"
        for key, text in arguments.items()
        for tag in dict.fromkeys(tags(text))
    ]
    namespace = child.namespace or pipeline.namespace
    document = child_document(
        pipeline.name,
        namespace,
        names.common_labels(pipeline.name, pipeline.labels),
        child,
        arguments,
        parent_namespace=pipeline.namespace if namespace != pipeline.namespace else None,
        default_timeout=pipeline.child_timeout,
        argo_version=pipeline.argo_version,
    )
    return document, notes


def _unknown_step(step: str, steps: list[str]) -> str:
    import difflib

    message = f"the pipeline has no step {shown(step)}"
    close = difflib.get_close_matches(step, steps, n=1)
    if close:
        message += f" (did you mean {shown(close[0])}?)"
    return f"{message}; its steps: {', '.join(steps)}"


def backfill_slots(
    pipeline: Pipeline, start: datetime, end: datetime
) -> tuple[list[datetime], list[tuple[datetime, str]]]:
    """The runs the schedules fire with start <= run < end, and those the calendar skips.

    robfig's times in the pipeline's zone, each instant once (`iter_merged_runs`), the calendar
    applied as the controller's `when` would (`spec.calendar.skip_reason`). Raises SpecError for
    `@every` (its runs count from when the controller loaded the CronWorkflow, so past ones
    cannot be known) and for a range beyond the limits.
    """
    schedules = effective_schedules(pipeline)
    every = [s for s in schedules if robfig_cron.every_seconds(s) is not None]
    if every:
        raise SpecError(
            [
                Problem(
                    "schedule" if pipeline.schedule is not None else "schedules",
                    f"`{every[0]}` counts from when the controller last loaded the CronWorkflow, "
                    "so the times it would have run cannot be known: backfill needs cron "
                    "schedules",
                )
            ]
        )
    kept: list[datetime] = []
    skipped: list[tuple[datetime, str]] = []
    first = seconds_ceiling(start.astimezone(_UTC))
    stop = end.astimezone(_UTC)
    runs = _runs_from(schedules, pipeline.timezone, first, pipeline.calendar)
    for count, (run, reason) in enumerate(runs):
        if run.astimezone(_UTC) >= stop:
            break
        if count >= BACKFILL_SLOTS_MAX:
            raise SpecError(
                [Problem("--to", f"the range holds more than {BACKFILL_SLOTS_MAX} scheduled runs")]
            )
        if reason is None:
            kept.append(run)
        else:
            skipped.append((run, reason))
        if len(kept) > BACKFILL_RUNS_MAX:
            raise SpecError(
                [
                    Problem(
                        "--to",
                        f"the range holds more than {BACKFILL_RUNS_MAX} runs: backfill it in parts",
                    )
                ]
            )
    return kept, skipped


def _runs_from(
    schedules: list[str], zone: str | None, first: datetime, calendar: Calendar | None
) -> Iterator[tuple[datetime, str | None]]:
    """Runs at or after `first` (whole seconds), each with the calendar's reason to skip it."""
    for run in robfig_cron.iter_merged_runs(schedules, zone, first - timedelta(seconds=1)):
        yield run, skip_reason(calendar, run.date())


def backfill_manifests(
    rendered: RenderedPipeline,
    start: datetime,
    end: datetime,
    parameters: Mapping[str, str] | None = None,
    *,
    parallel: int | None = None,
) -> tuple[list[dict[str, Any]], list[tuple[datetime, str]]]:
    """A Workflow per run in [start, end), and the semaphore's ConfigMap with `parallel`.

    Each Workflow is named `names.backfill_run_name` and carries its run as the scheduled time,
    so the same range gives the same names and `kubectl create` refuses what exists already.
    With `parallel`, each holds the semaphore `<pipeline>-backfill`/`backfill` of that size,
    read by the controller from the ConfigMap in the Workflow's namespace
    (workflow/sync/lock_name.go). Also returns the runs the calendar skipped.
    """
    pipeline = rendered.pipeline
    _check_parameters(pipeline, parameters or {})
    kept, skipped = backfill_slots(pipeline, start, end)
    documents: list[dict[str, Any]] = []
    synchronization = None
    if parallel is not None:
        config_map = names.backfill_config_map(pipeline.name)
        documents.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": config_map,
                    "namespace": pipeline.namespace,
                    "labels": names.common_labels(pipeline.name, pipeline.labels),
                },
                "data": {names.BACKFILL_LOCK_KEY: str(parallel)},
            }
        )
        synchronization = {
            "semaphores": [
                {"configMapKeyRef": {"name": config_map, "key": names.BACKFILL_LOCK_KEY}}
            ]
        }
    for run in kept:
        unix = int(run.timestamp())
        documents.append(
            scheduled_run(
                rendered,
                run,
                parameters,
                name=names.backfill_run_name(pipeline.name, unix),
                synchronization=synchronization,
            )
        )
        if len(documents) == 1 + (parallel is not None):
            _check_size(documents[-1], len(kept))
    return documents, skipped


def _check_size(first_run: dict[str, Any], count: int) -> None:
    """SpecError, before the other runs are built, when they would print too much YAML: the runs
    differ only in their name and times, so the first one's size tells."""
    from .yaml_text import dump_documents

    each = len(dump_documents([first_run]).encode())
    if each * count > BACKFILL_BYTES_MAX:
        raise SpecError(
            [
                Problem(
                    "--to",
                    f"the {count:,} runs would print about {each * count / 2**20:,.0f} MiB of "
                    f"YAML ({each / 1024:,.1f} KiB each), more than {BACKFILL_BYTES_MAX // 2**20} "
                    "MiB: backfill it in parts, or set `orchestratorTemplate: true` so each run "
                    "only references the orchestrator",
                )
            ]
        )
