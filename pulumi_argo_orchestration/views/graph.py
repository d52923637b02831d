"""Draw a pipeline as the seed's "Orchestration Flow": Mermaid `flowchart TD` or Graphviz DOT.

The picture is read from the rendered CronWorkflow, not from the spec, so a spec file and a Pulumi
program draw the same way and the drawing shows what Argo will run: trigger → orchestrator → each
stage's children side by side → a success check per stage → success or failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import shown
from ..spec.calendar import describe_calendar
from ..spec.window import describe_window
from ..syntax.template_text import replace_tags
from .pipeline_annotations import calendar_of, own_when, window_of

FORMATS = ("mermaid", "dot")

# The seed's palette (trigger, orchestrator, child, success, failure).
_COLOURS = {
    "trigger": "#65d9ef",
    "orchestrator": "#9e6ffe",
    "child": "#fd971e",
    "success": "#a7e22e",
    "failure": "#f92572",
}
_TEXT_COLOUR = "#1b1d1e"


class GraphError(ValueError):
    """The documents hold nothing this module can draw."""


@dataclass(frozen=True)
class Step:
    """One step or DAG task of the orchestrator: usually the spawn of one child Workflow."""

    name: str
    template: str
    spawns: str | None
    cluster_scope: bool
    when: str | None
    namespace: str | None = None
    """The child's namespace when it is not the orchestrator's."""
    optional: bool = False
    """`continueOn.failed`: its failure does not fail the run."""
    depends: tuple[str, ...] = ()
    """DAG tasks only: the tasks it waits for."""


@dataclass(frozen=True)
class Flow:
    """One CronWorkflow's orchestration: when it triggers, then stages in order or a DAG."""

    name: str
    schedules: tuple[str, ...]
    timezone: str | None
    concurrency_policy: str | None
    entrypoint: str
    stages: tuple[tuple[Step, ...], ...]
    """Steps mode: the stages in order (empty for a DAG)."""
    on_exit: str | None
    when: str | None = None
    """The CronWorkflow's own `when`: a run starts only if it holds."""
    stop_when: str | None = None
    """`stopStrategy.expression`: the schedule stops for good once it holds."""
    tasks: tuple[Step, ...] = ()
    """DAG mode: the tasks, each with the tasks it depends on."""
    exit_steps: tuple[Step, ...] = ()
    """What the exit handler spawns, when it is a steps template."""
    template: str | None = None
    """The WorkflowTemplate the orchestrator is (`orchestratorTemplate`), if it is one."""
    calendar: str | None = None
    """The calendar in words: the days whose runs are skipped."""
    window: str | None = None
    """The run's time window in words."""


def flows_from_manifests(documents: Sequence[Mapping[str, Any]]) -> list[Flow]:
    """Every CronWorkflow among `documents` as a Flow; GraphError when there is none."""
    flows = [_flow(d, documents) for d in documents if d.get("kind") == "CronWorkflow"]
    if not flows:
        raise GraphError("no CronWorkflow to draw")
    return flows


def orchestrator_spec(
    name: str, workflow: Mapping[str, Any], namespace: Any, documents: Sequence[Mapping[str, Any]]
) -> tuple[Mapping[str, Any], str | None]:
    """The orchestrator's spec and template: the CronWorkflow's own, or the WorkflowTemplate it
    references (`orchestratorTemplate: true`), which every reader of the plan must follow."""
    ref = workflow.get("workflowTemplateRef")
    if not isinstance(ref, Mapping) or workflow.get("templates"):
        return workflow, None
    template = str(ref.get("name") or "")
    kind = "ClusterWorkflowTemplate" if ref.get("clusterScope") else "WorkflowTemplate"
    for document in documents:
        metadata = document.get("metadata") or {}
        if (
            document.get("kind") == kind
            and metadata.get("name") == template
            and (kind == "ClusterWorkflowTemplate" or metadata.get("namespace") == namespace)
        ):
            return document.get("spec") or {}, template
    raise GraphError(f"{name}: its {kind} {shown(template)} is not among the documents")


def _flow(document: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> Flow:
    name = str((document.get("metadata") or {}).get("name") or "cron-workflow")
    spec = document.get("spec") or {}
    namespace = (document.get("metadata") or {}).get("namespace")
    workflow, template = orchestrator_spec(
        name, spec.get("workflowSpec") or {}, namespace, documents
    )
    templates: dict[str, Any] = {
        str(t.get("name")): t for t in workflow.get("templates") or [] if isinstance(t, Mapping)
    }
    entrypoint = str(workflow.get("entrypoint") or "")
    main = templates.get(entrypoint) or {}
    stages = _stages(main, templates, namespace)
    dag = main.get("dag")
    raw_tasks = dag.get("tasks") if isinstance(dag, Mapping) else None
    tasks = tuple(
        _step(task, templates, namespace) for task in raw_tasks or [] if isinstance(task, Mapping)
    )
    if not stages and not tasks:
        raise GraphError(
            f"{name}: the entrypoint {shown(entrypoint)} is neither a steps nor a DAG template"
        )
    schedules = spec.get("schedules") or ([spec["schedule"]] if spec.get("schedule") else [])
    on_exit = workflow.get("onExit")
    exit_stages = _stages(templates.get(str(on_exit)) or {}, templates, namespace)
    try:
        calendar, window = calendar_of(document), window_of(document)
        when = own_when(document)
    except ValueError as error:
        raise GraphError(f"{name}: {error}") from None
    return Flow(
        name=name,
        schedules=tuple(str(s) for s in schedules),
        timezone=spec.get("timezone"),
        concurrency_policy=spec.get("concurrencyPolicy"),
        entrypoint=entrypoint,
        stages=stages,
        on_exit=str(on_exit) if on_exit else None,
        when=when,
        stop_when=(spec.get("stopStrategy") or {}).get("expression"),
        tasks=tasks,
        exit_steps=tuple(step for stage in exit_stages for step in stage),
        template=template,
        calendar=describe_calendar(calendar) if calendar is not None else None,
        window=describe_window(window) if window is not None else None,
    )


def _stages(
    template: Mapping[str, Any], templates: Mapping[str, Any], namespace: Any
) -> tuple[tuple[Step, ...], ...]:
    groups = template.get("steps")
    if not isinstance(groups, list):
        return ()
    stages = (
        tuple(_step(step, templates, namespace) for step in group if isinstance(step, Mapping))
        for group in groups
        if isinstance(group, list)
    )
    return tuple(stage for stage in stages if stage)


# Task names in an Argo `depends` expression such as `(a.Succeeded || b) && !c.Failed`.
_DEPENDS_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9]*)(?:\.[A-Za-z]+)?")


def _step(step: Mapping[str, Any], templates: Mapping[str, Any], namespace: Any) -> Step:
    template = str(step.get("template") or "")
    child = spawned_workflow(templates.get(template))
    ref = (child.get("spec") or {}).get("workflowTemplateRef") if child else None
    spawns = str(ref["name"]) if isinstance(ref, Mapping) and ref.get("name") else None
    child_namespace = (child.get("metadata") or {}).get("namespace") if child else None
    when = step.get("when")
    continue_on = step.get("continueOn")
    depends = [str(d) for d in step.get("dependencies") or []]
    if isinstance(step.get("depends"), str):
        depends += _DEPENDS_NAME.findall(step["depends"])
    return Step(
        name=str(step.get("name") or template),
        template=template,
        spawns=spawns,
        cluster_scope=bool(spawns and isinstance(ref, Mapping) and ref.get("clusterScope")),
        when=str(when) if when else None,
        namespace=str(child_namespace) if child_namespace not in (None, namespace) else None,
        optional=isinstance(continue_on, Mapping) and bool(continue_on.get("failed")),
        depends=tuple(dict.fromkeys(depends)),
    )


def spawned_workflow(template: Any) -> Mapping[str, Any] | None:
    """The child Workflow a resource template creates, if that is what it does."""
    resource = template.get("resource") if isinstance(template, Mapping) else None
    if not isinstance(resource, Mapping) or not isinstance(resource.get("manifest"), str):
        return None
    try:
        # Argo fills {{...}} tags at run time; a placeholder keeps the YAML parseable.
        child = yaml.safe_load(replace_tags(resource["manifest"], lambda _: "placeholder"))
    except yaml.YAMLError:
        return None
    if not isinstance(child, Mapping) or child.get("kind") != "Workflow":
        return None
    return child


# --------------------------------------------------------------------------------------------
# A neutral graph, then two spellings of it
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A box in the drawing; `role` picks its shape and colour."""

    id: str
    lines: tuple[str, ...]
    role: str  # trigger | orchestrator | child | check | success | failure | exit


@dataclass(frozen=True)
class Edge:
    """An arrow, optionally labelled."""

    source: str
    target: str
    label: str | None = None


@dataclass(frozen=True)
class Diagram:
    """The nodes and edges of one flow, and the groups of nodes drawn side by side."""

    title: str
    prefix: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    side_by_side: tuple[tuple[str, ...], ...]


def diagram(flow: Flow, prefix: str = "") -> Diagram:
    """The seed's Orchestration Flow for one pipeline; node ids start with `prefix`.

    Steps: each stage's children side by side, a check after each stage, its "No" to failure.
    DAG: each task after the tasks it depends on; a required task that fails fails the run,
    and the run succeeds when the last tasks do.
    """

    def node_id(text: str) -> str:
        return prefix + re.sub(r"[^A-Za-z0-9]", "_", text)

    trigger, orchestrator = node_id("trigger"), node_id("orchestrator")
    succeeded, failed = node_id("succeeded"), node_id("failed")
    zone = flow.timezone or "controller time zone"
    nodes = [
        Node(
            trigger,
            (
                f"CronWorkflow {flow.name}",
                *(f"{s} ({zone})" for s in flow.schedules),
                *([flow.calendar] if flow.calendar else []),
                *([f"only when {flow.when}"] if flow.when else []),
                *([f"stops when {flow.stop_when}"] if flow.stop_when else []),
            ),
            "trigger",
        ),
        Node(
            orchestrator,
            (
                f"Orchestrator: {flow.entrypoint}",
                *([f"WorkflowTemplate {flow.template}"] if flow.template else []),
                *(
                    [f"concurrencyPolicy: {flow.concurrency_policy}"]
                    if flow.concurrency_policy
                    else []
                ),
                *([flow.window] if flow.window else []),
            ),
            "orchestrator",
        ),
    ]
    edges = [Edge(trigger, orchestrator)]
    ends = (succeeded, failed)
    if flow.tasks:
        body, body_edges, groups = _dag(flow.tasks, orchestrator, ends, node_id)
    else:
        body, body_edges, groups = _steps(flow.stages, orchestrator, ends, node_id)
    nodes += body
    edges += body_edges
    nodes.append(Node(succeeded, ("Pipeline Succeeds",), "success"))
    # Children that are all optional cannot fail the run: then there is no failure to draw.
    can_fail = any(edge.target == failed for edge in edges)
    if can_fail:
        nodes.append(Node(failed, ("Pipeline Fails",), "failure"))
    if flow.on_exit:
        handler = node_id("exit_handler")
        lines = [f"Exit handler: {flow.on_exit}"]
        for step in flow.exit_steps:
            lines += _step_lines(step)
        nodes.append(Node(handler, tuple(lines), "exit"))
        edges.append(Edge(succeeded, handler, "then"))
        if can_fail:
            edges.append(Edge(failed, handler, "then"))
    return Diagram(flow.name, prefix, tuple(nodes), tuple(_ordered(edges)), tuple(groups))


_Body = tuple[list[Node], list[Edge], list[tuple[str, ...]]]


def _steps(
    stages: Sequence[Sequence[Step]],
    orchestrator: str,
    ends: tuple[str, str],
    node_id: Callable[[str], str],
) -> _Body:
    succeeded, failed = ends
    nodes: list[Node] = []
    edges: list[Edge] = []
    groups: list[tuple[str, ...]] = []
    previous, previous_label = orchestrator, None
    for index, stage in enumerate(stages, 1):
        ids = []
        for step in stage:
            step_id = node_id(f"step_{step.name}")
            ids.append(step_id)
            nodes.append(Node(step_id, _step_lines(step), "child"))
            edges.append(Edge(previous, step_id, previous_label))
        if previous_label == "Yes":
            edges.append(Edge(previous, failed, "No"))
        check = node_id(f"check_{index}")
        nodes.append(Node(check, (_stage_question(stage),), "check"))
        edges += [Edge(step_id, check, "Wait for completion") for step_id in ids]
        if len(ids) > 1:
            groups.append(tuple(ids))
        # A stage of optional children only (`continueOn.failed`) goes on whatever they do.
        required = any(not step.optional for step in stage)
        previous, previous_label = check, "Yes" if required else "Done"
    edges.append(Edge(previous, succeeded, previous_label))
    if previous_label == "Yes":
        edges.append(Edge(previous, failed, "No"))
    return nodes, edges, groups


def _stage_question(stage: Sequence[Step]) -> str:
    """What decides whether the run goes on after a stage: its children that are not optional."""
    required = [step for step in stage if not step.optional]
    if not required:
        return "All done?" if len(stage) > 1 else "Done?"
    if len(required) < len(stage):
        return "Required ones succeeded?"
    return "All succeeded?" if len(stage) > 1 else "Success?"


def _dag(
    tasks: Sequence[Step], orchestrator: str, ends: tuple[str, str], node_id: Callable[[str], str]
) -> _Body:
    succeeded, failed = ends
    by_name = {task.name: task for task in tasks}
    ids = {task.name: node_id(f"step_{task.name}") for task in tasks}
    needed = {dep for task in tasks for dep in task.depends}
    nodes = [Node(ids[task.name], _step_lines(task), "child") for task in tasks]
    edges: list[Edge] = []
    for task in tasks:
        known = [dep for dep in task.depends if dep in by_name]
        if not known:
            edges.append(Edge(orchestrator, ids[task.name]))
        for dep in known:
            label = "Done" if by_name[dep].optional else "Succeeded"
            edges.append(Edge(ids[dep], ids[task.name], label))
    for task in tasks:
        if not task.optional:
            edges.append(Edge(ids[task.name], failed, "Fails"))
        if task.name not in needed:
            edges.append(Edge(ids[task.name], succeeded, "Done" if task.optional else "Succeeded"))
    return nodes, edges, [group for group in _levels(tasks, ids) if len(group) > 1]


def _levels(tasks: Sequence[Step], ids: Mapping[str, str]) -> list[tuple[str, ...]]:
    """Tasks grouped by their longest chain of dependencies, for drawing side by side."""
    by_name = {task.name: task for task in tasks}
    depth: dict[str, int] = {}

    def level(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in depth:
            deps = [d for d in by_name[name].depends if d in by_name and d not in seen]
            depth[name] = 1 + max((level(d, seen | {name}) for d in deps), default=-1)
        return depth[name]

    groups: dict[int, list[str]] = {}
    for task in tasks:
        groups.setdefault(level(task.name), []).append(ids[task.name])
    return [tuple(groups[key]) for key in sorted(groups)]


def _ordered(edges: list[Edge]) -> list[Edge]:
    """Edges without repeats, in the order they were added."""
    return list(dict.fromkeys(edges))


def _step_lines(step: Step) -> tuple[str, ...]:
    if step.spawns is None:
        head = f"Run: {step.template}"
    else:
        head = f"Spawn: {step.spawns}" + (" (cluster template)" if step.cluster_scope else "")
    lines = [head]
    if step.namespace:
        lines.append(f"in namespace {step.namespace}")
    if step.name not in (step.spawns, step.template):
        lines.append(f"step {step.name}")
    if step.optional:
        lines.append("optional: may fail")
    if step.when:
        lines.append(f"when {step.when}")
    return tuple(lines)


def diagrams(flows: Sequence[Flow]) -> list[Diagram]:
    """One diagram per flow; ids are prefixed when several share a drawing."""
    if len(flows) == 1:
        return [diagram(flows[0])]
    return [diagram(flow, f"p{index}_") for index, flow in enumerate(flows, 1)]


# --------------------------------------------------------------------------------------------
# Mermaid
# --------------------------------------------------------------------------------------------

_MERMAID_SHAPES = {
    "trigger": ('(["', '"])'),
    "orchestrator": ('["', '"]'),
    "child": ('["', '"]'),
    "check": ('{"', '"}'),
    "success": ('(["', '"])'),
    "failure": ('(["', '"])'),
    "exit": ('[["', '"]]'),
}


def _mermaid_text(text: str) -> str:
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def to_mermaid(flows: Sequence[Flow]) -> str:
    """A Mermaid `flowchart TD`; several pipelines become one subgraph each."""
    out = ["flowchart TD"]
    several = len(flows) > 1
    used_roles: dict[str, list[str]] = {}
    for drawing in diagrams(flows):
        indent = "    " * (2 if several else 1)
        if several:
            title = _mermaid_text(drawing.title)
            out.append(f'    subgraph {drawing.prefix}pipeline["{title}"]')
        for node in drawing.nodes:
            left, right = _MERMAID_SHAPES[node.role]
            label = "<br/>".join(_mermaid_text(line) for line in node.lines)
            out.append(f"{indent}{node.id}{left}{label}{right}")
            used_roles.setdefault(node.role, []).append(node.id)
        for edge in drawing.edges:
            arrow = f"-->|{_mermaid_text(edge.label)}|" if edge.label else "-->"
            out.append(f"{indent}{edge.source} {arrow} {edge.target}")
        if several:
            out.append("    end")
    for role, colour in _COLOURS.items():
        if role in used_roles:
            out.append(f"    classDef {role} fill:{colour},color:{_TEXT_COLOUR}")
            out.append(f"    class {','.join(used_roles[role])} {role}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Graphviz DOT
# --------------------------------------------------------------------------------------------

_DOT_SHAPES = {
    "trigger": 'shape=box, style="rounded,filled"',
    "orchestrator": 'shape=box, style="filled"',
    "child": 'shape=box, style="filled"',
    "check": 'shape=diamond, style="filled", fillcolor="#ffffff"',
    "success": 'shape=box, style="rounded,filled"',
    "failure": 'shape=box, style="rounded,filled"',
    "exit": 'shape=box, style="filled", fillcolor="#dddddd"',
}


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(flows: Sequence[Flow]) -> str:
    """A Graphviz `digraph`, top to bottom; a stage's children share a rank."""
    several = len(flows) > 1
    title = flows[0].name if not several else "pipelines"
    out = [
        f"digraph {_dot_text(title)} {{",
        "    rankdir=TB;",
        f'    node [fontname="Helvetica", fontcolor="{_TEXT_COLOUR}"];',
        '    edge [fontname="Helvetica"];',
    ]
    for drawing in diagrams(flows):
        indent = "    " * (2 if several else 1)
        if several:
            out.append(f"    subgraph {_dot_text('cluster_' + drawing.title)} {{")
            out.append(f"{indent}label={_dot_text(drawing.title)};")
        for node in drawing.nodes:
            colour = _COLOURS.get(node.role)
            fill = f', fillcolor="{colour}"' if colour else ""
            label = _dot_text("\n".join(node.lines)).replace("\n", "\\n")
            out.append(f"{indent}{node.id} [label={label}, {_DOT_SHAPES[node.role]}{fill}];")
        for group in drawing.side_by_side:
            out.append(f"{indent}{{ rank=same; {'; '.join(group)}; }}")
        for edge in drawing.edges:
            label = f" [label={_dot_text(edge.label)}]" if edge.label else ""
            out.append(f"{indent}{edge.source} -> {edge.target}{label};")
        if several:
            out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


def render_graph(documents: Sequence[Mapping[str, Any]], fmt: str = "mermaid") -> str:
    """The drawing of every CronWorkflow in `documents`, in `fmt` (mermaid or dot)."""
    flows = flows_from_manifests(documents)
    return to_dot(flows) if fmt == "dot" else to_mermaid(flows)
