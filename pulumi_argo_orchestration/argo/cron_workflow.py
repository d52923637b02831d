"""The CronWorkflow: Argo v4's `spec.schedules`, every field explicit, a step group per stage.

With `orchestratorTemplate` its `workflowSpec` only references the orchestrator's WorkflowTemplate
(`orchestrator.orchestrator_workflow_template`). The calendar becomes `when` and, for
`weekdaysOnly`, the schedules' day-of-week field (`spec.calendar`); the spec's `calendar` and
`window` are also written as annotations, for readers of the manifests (`schedule`, `graph`).
"""

from __future__ import annotations

from typing import Any

from ..spec import names
from ..spec.calendar import effective_schedules
from ..spec.pipeline import Pipeline
from .calendar_when import cron_when
from .orchestrator import orchestrator_spec


def cron_workflow(pipeline: Pipeline) -> dict[str, Any]:
    """The CronWorkflow manifest; its runs and their children all carry the pipeline's labels."""
    labels = names.common_labels(pipeline.name, pipeline.labels)
    spec: dict[str, Any] = {"schedules": effective_schedules(pipeline)}
    if pipeline.timezone is not None:
        spec["timezone"] = pipeline.timezone
    spec["concurrencyPolicy"] = pipeline.concurrency_policy.value
    if pipeline.starting_deadline_seconds is not None:
        spec["startingDeadlineSeconds"] = pipeline.starting_deadline_seconds
    spec["successfulJobsHistoryLimit"] = pipeline.successful_jobs_history_limit
    spec["failedJobsHistoryLimit"] = pipeline.failed_jobs_history_limit
    spec["suspend"] = pipeline.suspend
    when = cron_when(pipeline)
    if when is not None:
        spec["when"] = when
    if pipeline.stop_strategy is not None:
        spec["stopStrategy"] = {"expression": pipeline.stop_strategy.expression}
    spec["workflowMetadata"] = {"labels": dict(labels)}
    if pipeline.orchestrator_template:
        spec["workflowSpec"] = {"workflowTemplateRef": {"name": pipeline.name}}
    else:
        spec["workflowSpec"] = orchestrator_spec(pipeline)
    metadata: dict[str, Any] = {
        "name": pipeline.name,
        "namespace": pipeline.namespace,
        "labels": labels,
    }
    annotations = _annotations(pipeline)
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": metadata,
        "spec": spec,
    }


def _annotations(pipeline: Pipeline) -> dict[str, str]:
    """The spec's `calendar` and `window` as compact JSON (camelCase, defaults left out)."""
    found = {}
    for key, model in (
        (names.CALENDAR_ANNOTATION, pipeline.calendar),
        (names.WINDOW_ANNOTATION, pipeline.window),
    ):
        if model is not None:
            import json  # imported when used: most pipelines have neither

            data = model.model_dump(by_alias=True, exclude_defaults=True, mode="json")
            found[key] = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return found
