"""The orchestrator's own templates: the entry template and the exit handler.

The entry template runs the children as step groups (`stages`) or as a DAG (`tasks`); `maxParallel`
becomes its `parallelism`, which caps the spawn steps running at once, and a spawn step runs as
long as its child. DAG tasks use `dependencies`, not `depends`: Argo allows `continueOn` (our
`optional`) only with `dependencies`, and then lets the tasks after an optional one run when it
fails.

`onExit` is a steps template with one step, so the exit child's arguments (`{{workflow.status}}`,
`{{workflow.failures}}`) are passed like every other child's: as step arguments, read by the spawn
template through `sprig.quote`, never pasted into the child manifest.
"""

from __future__ import annotations

from typing import Any

from ..spec import names
from ..spec.control_flow import output_references
from ..spec.models import Task
from ..spec.pipeline import Pipeline
from . import metrics, pod_security
from .child_workflow import spawn_step, spawn_template
from .workflow_template import pod_gc_spec, pod_metadata_spec

ENTRYPOINT = "main"
EXIT_HANDLER = "exit-handler"


def orchestrator_spec(pipeline: Pipeline) -> dict[str, Any]:
    """The orchestrator Workflow's spec: account, pod security, parameters, its templates.

    The CronWorkflow's `workflowSpec`, or with `orchestratorTemplate` the spec of the
    WorkflowTemplate it references.
    """
    labels = names.common_labels(pipeline.name, pipeline.labels)
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
    parameters = [p.model_dump(exclude_none=True) for p in pipeline.parameters]
    if pipeline.window is not None:
        from .window import window_parameters  # imported when used: windows are rare

        parameters += window_parameters(pipeline)
    if parameters:
        spec["arguments"] = {"parameters": parameters}
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


def orchestrator_workflow_template(pipeline: Pipeline) -> dict[str, Any]:
    """With `orchestratorTemplate`: the orchestrator as a WorkflowTemplate named after the pipeline.

    Everything that would sit in the CronWorkflow's `workflowSpec` sits here, so the CronWorkflow
    needs only `workflowTemplateRef` beside it: under `templateReferencing: Strict` or `Secure`,
    Argo refuses `serviceAccountName`, `securityContext` and `synchronization` next to the
    reference (workflow/util/merge.go, `allowedUserOverrideFields`). Its `workflowMetadata`
    labels a run submitted from the template too (the controller applies them at start).
    """
    labels = names.common_labels(pipeline.name, pipeline.labels)
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": pipeline.name, "namespace": pipeline.namespace, "labels": labels},
        "spec": {"workflowMetadata": {"labels": dict(labels)}, **orchestrator_spec(pipeline)},
    }


def entry_template(pipeline: Pipeline) -> dict[str, Any]:
    """`main`: step groups in order, or one DAG; capped by `maxParallel`."""
    template: dict[str, Any] = {"name": ENTRYPOINT}
    if pipeline.max_parallel is not None:
        template["parallelism"] = pipeline.max_parallel
    if pipeline.tasks is not None:
        template["dag"] = {"tasks": [dag_task(task) for task in pipeline.tasks]}
    else:
        template["steps"] = [
            [spawn_step(child) for child in stage] for stage in pipeline.stages or []
        ]
    return template


def dag_task(task: Task) -> dict[str, Any]:
    """A DAG task: the spawn step plus the names it waits for."""
    step = spawn_step(task)
    out: dict[str, Any] = {"name": step.pop("name"), "template": step.pop("template")}
    if task.depends_on:
        out["dependencies"] = list(task.depends_on)
    out.update(step)
    return out


def exit_handler(pipeline: Pipeline) -> dict[str, Any] | None:
    """The template `spec.onExit` names: one step spawning the exit child, or None."""
    if pipeline.on_exit is None:
        return None
    return {"name": EXIT_HANDLER, "steps": [[spawn_step(pipeline.on_exit)]]}
