"""Whole-pipeline rules for control flow: stages or tasks, which children a child may refer to,
DAG dependencies, locks.

Argo resolves `{{steps.X...}}` and `{{tasks.X...}}` only for children that ran before (an earlier
stage, or a task among the dependencies), and `{{workflow.status}}` / `{{workflow.failures}}` only
in the exit handler; anything else fails the run when the orchestrator reaches that child.
`node_scopes` works out the children each one may refer to and `ChildOutputs` what they hand on;
`references` checks every tag with them.

A child's results reach later children as `{{steps.X.outputs.parameters.NAME}}`: the child's
template exports `NAME` with `globalName`, Argo copies it into the child Workflow's
`status.outputs`, and X's spawn step reads it from there (`argo.child_workflow`). So NAME must be
an output the template declares, and X must have succeeded: a child that may fail and be passed
over (`optional`) has no outputs, one that may be skipped (`when`) neither (Argo before v3.7.16 /
v4.0.7 leaves the reference unresolved, later versions fail the reading step:
workflow/controller/scope.go, `addSkippedNodeOutputsToScope`), and a child its ttlStrategy deletes
at once cannot be read.
"""

from __future__ import annotations

import re
from collections.abc import Container

from ..errors import Problem, shown, shown_list
from ..syntax import govaluate
from . import contracts
from .models import Child, PipelineFields

_NODE_REFERENCE = r"(?s)^(steps|tasks)\.([^.\s]+)(?:\..*)?$"
_OUTPUT_READ = r"^(?:steps|tasks)\.([^.\s]+)\.outputs\.parameters\.([-a-zA-Z0-9_]+)$"
_OUTPUT_PARAMETER = r"^parameters\.([-a-zA-Z0-9_]+)$"


def control_flow_problems(pipeline: PipelineFields) -> list[Problem]:
    """Every control-flow problem, each at its own field path."""
    problems: list[Problem] = []
    if pipeline.stages is None and pipeline.tasks is None:
        problems.append(Problem("stages", "set `stages` (steps in order) or `tasks` (a DAG)"))
    if pipeline.stages is not None and pipeline.tasks is not None:
        problems.append(Problem("tasks", "set either `stages` or `tasks`, not both"))
    if pipeline.tasks is not None:
        from . import dag  # imported when used: most pipelines have stages

        problems += dag.dependency_problems(pipeline.tasks)
    if any(child.synchronization is not None for _, child in pipeline.children):
        from . import locks  # imported when used, like dag

        problems += locks.synchronization_problems(pipeline.children)
    return problems


class _EarlierStages(Container[str]):
    """The step names of stages before one stage, without copying them for every child."""

    def __init__(self, stage_of: dict[str, int], stage: int) -> None:
        self._stage_of = stage_of
        self._stage = stage

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._stage_of.get(name, self._stage) < self._stage


def node_scopes(pipeline: PipelineFields) -> dict[str, tuple[str, Container[str]]]:
    """For each child path: which node prefix it may use, and the names that ran before it."""
    scopes: dict[str, tuple[str, Container[str]]] = {}
    stage_of: dict[str, int] = {}
    for i, stage in enumerate(pipeline.stages or []):
        earlier = _EarlierStages(stage_of, i)
        for j, child in enumerate(stage):
            scopes[f"stages[{i}][{j}]"] = ("steps", earlier)
            stage_of.setdefault(child.name, i)
    if pipeline.tasks:
        from . import dag

        # Only the names the tasks refer to are looked up: the DAG may have thousands of tasks.
        asked = {task.name: _node_references(task, "tasks") for task in pipeline.tasks}
        before = dag.waits_for(pipeline.tasks, asked)
        for i, task in enumerate(pipeline.tasks):
            scopes[f"tasks[{i}]"] = ("tasks", before.get(task.name, set()))
    scopes["onExit"] = ("", set())
    return scopes


def reads_outputs(text: str) -> bool:
    """True when `text` reads another child's output: such text decides the spawn steps' outputs."""
    return any(re.match(_OUTPUT_READ, tag) for tag in govaluate.tags(text))


def _node_references(child: Child, kind: str) -> set[str]:
    """The names of `{{<kind>.NAME...}}` tags in the child's arguments and `when`."""
    texts = [*child.arguments.values(), *([child.when] if child.when is not None else [])]
    found = set()
    for text in texts:
        for tag in govaluate.tags(text):
            match = re.match(_NODE_REFERENCE, tag)
            if match is not None and match.group(1) == kind:
                found.add(match.group(2))
    return found


def output_references(pipeline: PipelineFields) -> dict[str, list[str]]:
    """Output parameters later children read, by producing child, in the order first read."""
    found: dict[str, dict[str, None]] = {}
    for _, child in pipeline.children:
        texts = [*child.arguments.values(), *([child.when] if child.when is not None else [])]
        for text in texts:
            for tag in govaluate.tags(text):
                node = re.match(_OUTPUT_READ, tag)
                if node:
                    found.setdefault(node.group(1), {})[node.group(2)] = None
    return {name: list(outputs) for name, outputs in found.items()}


class ChildOutputs:
    """What the children of a pipeline hand on: checks `{{steps.X.outputs...}}` references.

    Built once per pipeline; `problem` is asked about a reference to a child that ran before.
    """

    def __init__(self, pipeline: PipelineFields) -> None:
        self.children = {child.name: child for _, child in pipeline.children}
        self.known = contracts.contracts(pipeline)

    def problem(self, kind: str, name: str, attribute: str) -> str | None:
        """Why `{{kind.name.attribute}}` (attribute `outputs...`) cannot be read, or None."""
        reference = f"`{kind}.{name}.{attribute}`"
        parameter = re.match(_OUTPUT_PARAMETER, attribute.removeprefix("outputs."))
        if not attribute.startswith("outputs.") or parameter is None:
            return (
                f"{reference}: a child hands on only its template's output parameters, "
                f"`{kind}.{name}.outputs.parameters.NAME`"
            )
        child = self.children[name]
        contract = self.known.get((child.cluster_scope, child.template_ref))
        if contract is None:
            return (
                f"{reference}: the outputs of {shown(child.template_ref)}, the template of child "
                f"{shown(name)}, are unknown: define it under `templates` or declare its `outputs` "
                "under `externalTemplates`"
            )
        output = parameter.group(1)
        if output not in contract.outputs:
            exported = shown_list(contract.outputs) or "none"
            return (
                f"{reference}: {contract.describe()} exports no output parameter {shown(output)} "
                f"(it exports {exported})"
            )
        return _unreadable(reference, child)


def _unreadable(reference: str, child: Child) -> str | None:
    if child.optional:
        return (
            f"{reference}: child {shown(child.name)} has `optional: true`: when it fails, the "
            "pipeline goes on without its outputs and the step reading them errors"
        )
    if child.when is not None:
        return (
            f"{reference}: child {shown(child.name)} has a `when` condition: when it is skipped "
            "there is no output to read and the step reading it errors (Argo before v3.7.16 and "
            "v4.0.7 leaves the reference unresolved, later versions fail it)"
        )
    ttl = child.ttl_strategy
    # Argo falls back to secondsAfterCompletion when secondsAfterSuccess is unset.
    after_success = None
    if ttl is not None:
        after_success = ttl.seconds_after_success
        if after_success is None:
            after_success = ttl.seconds_after_completion
    if after_success == 0:
        return (
            f"{reference}: child {shown(child.name)} is deleted as soon as it succeeds "
            "(its ttlStrategy), before its spawn step can read its outputs: keep it a while"
        )
    return None
