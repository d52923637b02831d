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

from ..spec.models import Task
from ..spec.pipeline import Pipeline
from .child_workflow import spawn_step

ENTRYPOINT = "main"
EXIT_HANDLER = "exit-handler"


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
