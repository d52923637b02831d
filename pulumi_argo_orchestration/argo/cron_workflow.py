"""The CronWorkflow: Argo v4's `spec.schedules`, every field explicit, a step group per stage."""

from __future__ import annotations

from typing import Any

from ..spec import names
from ..spec.control_flow import output_references
from ..spec.pipeline import Pipeline
from . import metrics, pod_security
from .child_workflow import spawn_template
from .orchestrator import ENTRYPOINT, entry_template, exit_handler
from .workflow_template import pod_gc_spec, pod_metadata_spec


def cron_workflow(pipeline: Pipeline) -> dict[str, Any]:
    """The CronWorkflow manifest; its runs and their children all carry the pipeline's labels."""
    labels = names.common_labels(pipeline.name, pipeline.labels)
    spec: dict[str, Any] = {"schedules": pipeline.all_schedules}
    if pipeline.timezone is not None:
        spec["timezone"] = pipeline.timezone
    spec["concurrencyPolicy"] = pipeline.concurrency_policy.value
    if pipeline.starting_deadline_seconds is not None:
        spec["startingDeadlineSeconds"] = pipeline.starting_deadline_seconds
    spec["successfulJobsHistoryLimit"] = pipeline.successful_jobs_history_limit
    spec["failedJobsHistoryLimit"] = pipeline.failed_jobs_history_limit
    spec["suspend"] = pipeline.suspend
    if pipeline.when is not None:
        spec["when"] = pipeline.when
    if pipeline.stop_strategy is not None:
        spec["stopStrategy"] = {"expression": pipeline.stop_strategy.expression}
    spec["workflowMetadata"] = {"labels": dict(labels)}
    spec["workflowSpec"] = _workflow_spec(pipeline, labels)
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {"name": pipeline.name, "namespace": pipeline.namespace, "labels": labels},
        "spec": spec,
    }


def _workflow_spec(pipeline: Pipeline, labels: dict[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "serviceAccountName": pipeline.account_name,
        **pod_security.token_settings(pipeline),
        "entrypoint": ENTRYPOINT,
        "securityContext": pod_security.pod_security_context(),
    }
    metadata = pod_metadata_spec(pipeline.pod_metadata)
    if metadata:
        spec["podMetadata"] = metadata
    if pipeline.pod_gc is not None:
        spec["podGC"] = pod_gc_spec(pipeline.pod_gc)
    if pipeline.parameters:
        spec["arguments"] = {
            "parameters": [p.model_dump(exclude_none=True) for p in pipeline.parameters]
        }
    handler = exit_handler(pipeline)
    if handler is not None:
        spec["onExit"] = handler["name"]
    read = output_references(pipeline)
    alerts = pipeline.alerts is not None
    if alerts:
        spec["metrics"] = metrics.run_metrics(pipeline)
    spawners = [
        spawn_template(
            pipeline.name,
            pipeline.namespace,
            labels,
            child,
            default_timeout=pipeline.child_timeout,
            argo_version=pipeline.argo_version,
            outputs=read.get(child.name, ()),
            metrics=metrics.step_metrics(pipeline, child) if alerts else None,
        )
        for _, child in pipeline.children
    ]
    spec["templates"] = [entry_template(pipeline), *([handler] if handler else []), *spawners]
    return spec
