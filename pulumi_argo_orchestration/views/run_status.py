"""What a pipeline's runs did: each run newest first, its stages in order, each child Workflow.

Reads Argo's Workflow objects as `kubectl get workflows -l <selector> -o json` prints them, and
the stage plan from the run's own spec (a cron run carries the CronWorkflow's `workflowSpec`),
else from the rendered CronWorkflow (`graph.flows_from_manifests`). Argo records no node for a
stage that never ran (`workflow/controller/steps.go`, `executeSteps` returns at the first failed
group), so those come from the plan and show as `skipped`.

A parent's resource node never holds its child's name (`argoexec resource` saves only declared
outputs, `workflow/executor/resource.go`), so children are found by the labels every child
carries: `argo-orchestration/parent` (the run), `argo-orchestration/step`, and
`argo-orchestration/parent-namespace` when it runs elsewhere. Node names follow Argo's scheme:
`<run>[i].<step>` for steps, `<run>.<task>` for DAG tasks (`dag.go`, `taskNodeName`),
`<run>.onExit` for the exit handler (`workflow/common/util.go`, `GenerateOnExitNodeName`).
Node types and phases are shown as they come: the CRD has no enum for either.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import shown
from ..spec import names
from .graph import Flow, GraphError, Step, flows_from_manifests

_UTC = timezone.utc
COMPLETED = frozenset({"Succeeded", "Failed", "Error"})
# A gzip'ed node map larger than this is refused rather than inflated (bounded memory).
MAX_NODES_BYTES = 64 * 1024 * 1024
CRON_LABEL = "workflows.argoproj.io/cron-workflow"
SCHEDULED_ANNOTATION = "workflows.argoproj.io/scheduled-time"
NOT_RUN = "skipped"
WAITING = "waiting"


class StatusInputError(ValueError):
    """The input is not a Workflow or a list of Workflows."""


@dataclass(frozen=True)
class ChildRun:
    """One child Workflow, as its own status tells it."""

    name: str
    namespace: str
    phase: str
    started: datetime | None
    finished: datetime | None
    duration: int | None
    retries: int
    message: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepStatus:
    """One step (or DAG task) of a run: its node in the parent and the child it spawned."""

    step: str
    phase: str
    ran: bool
    started: datetime | None
    finished: datetime | None
    duration: int | None
    message: str | None
    children: tuple[ChildRun, ...] = ()
    """The child it spawned; more than one when its pod was run twice (argo #7355)."""
    optional: bool = False
    """`continueOn: {failed: true}`: a Failed child does not fail the run."""


@dataclass(frozen=True)
class StageStatus:
    """A stage in order (`stage 1`...), the DAG's tasks, or the exit handler."""

    name: str
    phase: str
    steps: tuple[StepStatus, ...]


@dataclass(frozen=True)
class RunStatus:
    """One run of the pipeline (a Workflow the CronWorkflow, or someone, submitted)."""

    name: str
    namespace: str
    phase: str
    started: datetime | None
    finished: datetime | None
    duration: int | None
    message: str | None
    scheduled: str | None
    stages: tuple[StageStatus, ...]
    notes: tuple[str, ...] = ()
    unplanned: tuple[ChildRun, ...] = ()
    """Children labelled for this run whose step the plan does not have."""


@dataclass(frozen=True)
class Orphan:
    """A child whose run is gone, or that still runs after its run ended."""

    child: ChildRun
    step: str
    parent: str
    parent_namespace: str
    reason: str


@dataclass(frozen=True)
class PipelineStatus:
    """Everything `status` shows for one pipeline."""

    pipeline: str
    namespace: str
    timezone: str | None
    at: datetime
    runs: tuple[RunStatus, ...]
    orphans: tuple[Orphan, ...] = field(default=())


# --- reading the input ---------------------------------------------------------------------------


def workflows_from_json(text: str) -> list[dict[str, Any]]:
    """The Workflows in `kubectl get workflows -o json` output (a List, or one Workflow)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise StatusInputError(f"not JSON: {error}") from None
    except RecursionError:
        # json's decoder recurses once per level; a Workflow is a few dozen levels deep.
        raise StatusInputError("JSON nested too deeply to be a Workflow list") from None
    return workflows_from_data(data)


def workflows_from_data(data: Any) -> list[dict[str, Any]]:
    """The Workflows in parsed JSON; StatusInputError for anything else."""
    if isinstance(data, Mapping) and data.get("kind") == "Workflow":
        items: Any = [data]
    elif isinstance(data, Mapping) and isinstance(data.get("items"), list):
        items = data["items"]
    else:
        raise StatusInputError(
            "expected a Workflow or a list of Workflows, as `kubectl get workflows -o json` "
            "prints them"
        )
    workflows = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or item.get("kind", "Workflow") != "Workflow":
            kind = item.get("kind") if isinstance(item, Mapping) else type(item).__name__
            raise StatusInputError(f"items[{index}] is not a Workflow (kind {shown(kind)})")
        metadata = item.get("metadata")
        if not isinstance(metadata, Mapping) or not isinstance(metadata.get("name"), str):
            raise StatusInputError(f"items[{index}] has no metadata.name")
        workflows.append(dict(item))
    return workflows


# --- building the status -------------------------------------------------------------------------


def statuses_from_manifests(
    documents: Sequence[Mapping[str, Any]], workflows: Sequence[Mapping[str, Any]], at: datetime
) -> list[PipelineStatus]:
    """A status per CronWorkflow among `documents`; GraphError when there is none."""
    crons = [d for d in documents if d.get("kind") == "CronWorkflow"]
    flows = flows_from_manifests(documents)
    return [
        pipeline_status(flow, _namespace(cron), workflows, at)
        for flow, cron in zip(flows, crons, strict=True)
    ]


def pipeline_status(
    flow: Flow, namespace: str, workflows: Sequence[Mapping[str, Any]], at: datetime
) -> PipelineStatus:
    """The runs of the pipeline `flow` in `namespace` among `workflows`, newest first."""
    mine = [w for w in workflows if _labels(w).get(names.PART_OF_LABEL) == flow.name]
    children: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    runs = []
    for workflow in mine:
        labels = _labels(workflow)
        parent = labels.get(names.PARENT_LABEL)
        if parent is None:
            if _namespace(workflow) == namespace:
                runs.append(workflow)
            continue
        parent_namespace = labels.get(names.PARENT_NAMESPACE_LABEL) or _namespace(workflow)
        if parent_namespace == namespace:
            children.setdefault((parent, parent_namespace), []).append(workflow)
    runs.sort(key=_newest_first)
    statuses = [
        _run_status(flow, run, children.get((_name(run), namespace), []), at) for run in runs
    ]
    finished = {s.name: s for s in statuses if s.phase in COMPLETED}
    known = {s.name for s in statuses}
    orphans = []
    for (parent, parent_namespace), found in sorted(children.items()):
        for child in sorted(found, key=_created):
            step = _labels(child).get(names.STEP_LABEL, "")
            if parent not in known:
                reason = f"its run {parent} is not among the Workflows read (deleted?)"
            elif parent in finished and _phase(child) not in COMPLETED:
                reason = f"still running after its run {parent} ended {finished[parent].phase}"
            else:
                continue
            orphans.append(Orphan(_child_run(child, at), step, parent, parent_namespace, reason))
    return PipelineStatus(flow.name, namespace, flow.timezone, at, tuple(statuses), tuple(orphans))


def _run_status(
    flow: Flow, run: Mapping[str, Any], children: list[Mapping[str, Any]], at: datetime
) -> RunStatus:
    status = _mapping(run.get("status"))
    name = _name(run)
    nodes, notes = _nodes(status)
    plan = _own_plan(run) or flow
    by_step: dict[str, list[Mapping[str, Any]]] = {}
    for child in sorted(children, key=_created):
        by_step.setdefault(_labels(child).get(names.STEP_LABEL, ""), []).append(child)
    completed = _phase(run) in COMPLETED
    stages: list[StageStatus] = []
    failed_stage: str | None = None

    def stage_steps(steps: Sequence[Step], node_name: str, why: str) -> tuple[StepStatus, ...]:
        return tuple(
            _step_status(
                step,
                node_name.format(step=step.name),
                nodes,
                by_step,
                completed=completed,
                why_not=why,
                at=at,
            )
            for step in steps
        )

    for index, stage in enumerate(plan.stages):
        title = f"stage {index + 1}"
        group = nodes.get(f"{name}[{index}]") if nodes is not None else None
        why = f"never ran: {failed_stage} failed" if failed_stage else "never ran"
        phase = _node_phase(group) if group else _absent_phase(nodes, completed)
        if phase in ("Failed", "Error") and failed_stage is None:
            failed_stage = title
        stages.append(
            StageStatus(title, phase, stage_steps(stage, f"{name}[{index}].{{step}}", why))
        )
    if plan.tasks:
        dag = nodes.get(name) if nodes is not None else None
        phase = _node_phase(dag) if dag else _absent_phase(nodes, completed)
        why = "never ran: the run ended before it"
        stages.append(StageStatus("tasks", phase, stage_steps(plan.tasks, f"{name}.{{step}}", why)))
    if plan.exit_steps:
        handler = nodes.get(f"{name}.onExit") if nodes is not None else None
        phase = _node_phase(handler) if handler else _absent_phase(nodes, completed)
        why = "never ran: no exit handler ran (a terminated run runs none)"
        steps = stage_steps(plan.exit_steps, f"{name}.onExit[0].{{step}}", why)
        stages.append(StageStatus("onExit", phase, steps))
    planned = {step.name for stage in plan.stages for step in stage}
    planned |= {task.name for task in plan.tasks} | {step.name for step in plan.exit_steps}
    unplanned = tuple(
        _child_run(child, at)
        for step, found in by_step.items()
        if step not in planned
        for child in found
    )
    started, finished = _time(status.get("startedAt")), _time(status.get("finishedAt"))
    annotations = _mapping(_mapping(run.get("metadata")).get("annotations"))
    return RunStatus(
        name=name,
        namespace=_namespace(run),
        phase=_phase(run),
        started=started,
        finished=finished,
        duration=_duration(started, finished, at),
        message=_named_child(_text(status.get("message")), nodes),
        scheduled=_text(annotations.get(SCHEDULED_ANNOTATION)),
        stages=tuple(stages),
        notes=tuple(notes),
        unplanned=unplanned,
    )


def _step_status(
    step: Step,
    node_name: str,
    nodes: Mapping[str, Mapping[str, Any]] | None,
    by_step: Mapping[str, list[Mapping[str, Any]]],
    *,
    completed: bool,
    why_not: str,
    at: datetime,
) -> StepStatus:
    children = tuple(_child_run(child, at) for child in by_step.get(step.name, []))
    node = _find_node(nodes, node_name, step.name) if nodes is not None else None
    if node is None:
        ran = bool(children)
        if ran or nodes is None:
            phase = children[-1].phase if children else "unknown"
            message = None if children else "the run's nodes are not in the input"
        else:
            phase = NOT_RUN if completed else WAITING
            message = why_not if completed else None
        return StepStatus(step.name, phase, ran, None, None, None, message, children, step.optional)
    started, finished = _time(node.get("startedAt")), _time(node.get("finishedAt"))
    phase = _node_phase(node)
    return StepStatus(
        step=step.name,
        phase=phase,
        ran=phase not in ("Skipped", "Omitted"),
        started=started,
        finished=finished,
        duration=_duration(started, finished, at) if phase not in ("Skipped", "Omitted") else None,
        message=_text(node.get("message")),
        children=children,
        optional=step.optional,
    )


def _named_child(message: str | None, nodes: Mapping[str, Mapping[str, Any]] | None) -> str | None:
    """Argo's `child '<node id>' failed` (steps.go), with the step the id stands for."""
    match = re.fullmatch(r"child '([^']+)' failed", message or "")
    if match is None or nodes is None:
        return message
    for node in nodes.values():
        if node.get("id") == match.group(1) and node.get("displayName"):
            return f"{message} (step {node['displayName']})"
    return message


def _find_node(
    nodes: Mapping[str, Mapping[str, Any]], name: str, display: str
) -> Mapping[str, Any] | None:
    if name in nodes:
        return nodes[name]
    # Tolerate a layout this reader does not know: the step's name as Argo displays it.
    prefix = name.split("[", 1)[0].split(".", 1)[0]
    found = [
        node
        for node_name, node in nodes.items()
        if node.get("displayName") == display
        and node_name.startswith(prefix)
        and node.get("type") not in ("Steps", "StepGroup", "DAG", "TaskGroup")
    ]
    return found[0] if len(found) == 1 else None


def _child_run(child: Mapping[str, Any], at: datetime) -> ChildRun:
    status = _mapping(child.get("status"))
    nodes, notes = _nodes(status)
    retries = 0
    message = _text(status.get("message"))
    if nodes is not None:
        for node in nodes.values():
            children = node.get("children")
            if node.get("type") == "Retry" and isinstance(children, list):
                retries += max(len(children) - 1, 0)
        root = nodes.get(_name(child))
        if message is None and root is not None:
            message = _text(root.get("message"))
    started, finished = _time(status.get("startedAt")), _time(status.get("finishedAt"))
    return ChildRun(
        name=_name(child),
        namespace=_namespace(child),
        phase=_phase(child),
        started=started,
        finished=finished,
        duration=_duration(started, finished, at),
        retries=retries,
        message=message,
        notes=tuple(notes),
    )


def _nodes(status: Mapping[str, Any]) -> tuple[dict[str, Mapping[str, Any]] | None, list[str]]:
    """Nodes by name, and notes on where they were; None when they are not in the object.

    A Workflow too large for etcd keeps its nodes as base64(gzip(JSON)) in `compressedNodes`
    (`workflow/packer/packer.go`, `util/file/fileutil.go`); with node status offloading they live
    in the controller's database and the object says only `offloadNodeStatusVersion`.
    """
    raw = status.get("nodes")
    notes = []
    if not isinstance(raw, Mapping) and isinstance(status.get("compressedNodes"), str):
        raw, note = _decompress(status["compressedNodes"])
        notes.append(note)
    if not isinstance(raw, Mapping):
        if status.get("offloadNodeStatusVersion"):
            notes.append(
                "node status offloaded to the controller's database: steps not shown "
                "(`argo get` reads them)"
            )
            return None, notes
        return ({} if status.get("phase") in (None, "", "Pending") else None), notes
    by_name = {}
    for node in raw.values():
        if isinstance(node, Mapping) and isinstance(node.get("name"), str):
            by_name[node["name"]] = node
    return by_name, notes


def _decompress(text: str) -> tuple[Any, str]:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None, "compressedNodes is not base64: steps not shown"
    if not data.startswith(b"\x1f\x8b"):
        # v4.1 may write zstd or brotli (WORKFLOW_COMPRESSION_ALGORITHM, util/file/fileutil.go).
        return None, "compressedNodes uses a compression other than gzip: steps not shown"
    inflater = zlib.decompressobj(wbits=31)
    try:
        plain = inflater.decompress(data, MAX_NODES_BYTES)
    except zlib.error:
        return None, "compressedNodes is not valid gzip: steps not shown"
    if inflater.unconsumed_tail:
        return None, f"compressedNodes inflate past {MAX_NODES_BYTES} bytes: steps not shown"
    try:
        return json.loads(plain), "nodes read from compressedNodes (the Workflow was too large)"
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None, "compressedNodes holds no JSON: steps not shown"


def _own_plan(run: Mapping[str, Any]) -> Flow | None:
    """The stage plan in the run's own spec, which the CronWorkflow copied into it."""
    spec = run.get("spec")
    if not isinstance(spec, Mapping) or not spec.get("templates"):
        return None
    document = {
        "kind": "CronWorkflow",
        "metadata": {"name": _name(run), "namespace": _namespace(run)},
        "spec": {"workflowSpec": spec},
    }
    try:
        (flow,) = flows_from_manifests([document])
    except (GraphError, TypeError, AttributeError, ValueError, RecursionError):
        # The run's spec is data from the cluster; in a shape the plan reader does not expect,
        # the rendered CronWorkflow's plan is used instead.
        return None
    return flow


def _absent_phase(nodes: Mapping[str, Any] | None, completed: bool) -> str:
    if nodes is None:
        return "unknown"
    return NOT_RUN if completed else WAITING


def _node_phase(node: Mapping[str, Any]) -> str:
    return _text(node.get("phase")) or "Pending"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _labels(workflow: Mapping[str, Any]) -> Mapping[str, str]:
    """The labels that are text, as Kubernetes labels always are."""
    labels = _mapping(_mapping(workflow.get("metadata")).get("labels"))
    return {str(k): v for k, v in labels.items() if isinstance(v, str)}


def _name(workflow: Mapping[str, Any]) -> str:
    return str(_mapping(workflow.get("metadata")).get("name") or "")


def _namespace(workflow: Mapping[str, Any]) -> str:
    return str(_mapping(workflow.get("metadata")).get("namespace") or "")


def _phase(workflow: Mapping[str, Any]) -> str:
    status = workflow.get("status")
    phase = status.get("phase") if isinstance(status, Mapping) else None
    return _text(phase) or "Pending"  # empty before the controller's first look


def _created(workflow: Mapping[str, Any]) -> tuple[str, str]:
    created = _mapping(workflow.get("metadata")).get("creationTimestamp")
    return (str(created or ""), _name(workflow))


def _newest_first(workflow: Mapping[str, Any]) -> tuple[float, str]:
    moment = _time(_mapping(workflow.get("metadata")).get("creationTimestamp"))
    if moment is None:
        status = workflow.get("status")
        moment = _time(status.get("startedAt")) if isinstance(status, Mapping) else None
    return (-(moment.timestamp() if moment else 0.0), _name(workflow))


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _time(value: Any) -> datetime | None:
    """A Kubernetes timestamp (RFC 3339), None for anything else."""
    if not isinstance(value, str) or not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=_UTC)
    # Go's zero time (0001-01-01) means "not set"; a year near either end of Python's dates
    # could not be shown in another zone. Neither is a time a run had.
    if not 1970 <= moment.year < 3000:
        return None
    return moment


def _duration(started: datetime | None, finished: datetime | None, at: datetime) -> int | None:
    if started is None:
        return None
    return max(int(((finished or at) - started).total_seconds()), 0)


# --- showing it ----------------------------------------------------------------------------------

_COLOURS = {
    "Succeeded": "32",
    "Failed": "31",
    "Error": "31",
    "Running": "36",
    "Pending": "33",
    WAITING: "33",
    "Skipped": "2",
    "Omitted": "2",
    NOT_RUN: "2",
}


def human_duration(seconds: int | None) -> str:
    """`1h02m03s`, `3m13s`, `45s`; empty when unknown."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else _UTC
    except (ZoneInfoNotFoundError, ValueError):
        return _UTC


# Characters a terminal acts on rather than shows: C0 and C1 controls, DEL, the bidi controls
# that reorder what is shown, line and paragraph separators, and the invisible zero-width space
# and byte-order mark. Names, phases and messages come from the cluster: each is shown
# escaped (`\x1b`), so a Workflow cannot clear the screen or disguise a line of the tree.
_UNPRINTABLE = (
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _printable(text: str) -> str:
    if not re.search(_UNPRINTABLE, text):
        return text
    return re.sub(_UNPRINTABLE, lambda m: repr(m.group(0))[1:-1], text)


def format_status(status: PipelineStatus, colour: bool = False) -> str:
    """A tree per run, newest first: stages, then one line per child; orphans at the end."""
    zone = _zone(status.timezone)
    safe = _printable

    def paint(phase: str) -> str:
        code = _COLOURS.get(phase)
        return f"\033[{code}m{phase}\033[0m" if colour and code else safe(phase)

    def stamp(moment: datetime | None, day: bool = False) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(zone)
        return local.strftime("%a %Y-%m-%d %H:%M:%S %Z" if day else "%H:%M:%S")

    count = len(status.runs)
    orphans = len(status.orphans)
    lines = [
        f"{status.pipeline} ({status.namespace}): {count} run{'s' if count != 1 else ''}"
        + (f", {orphans} orphan{'s' if orphans != 1 else ''}" if orphans else "")
        + f"; as of {stamp(status.at, day=True)}"
    ]
    if not status.runs:
        lines.append("  no runs found")
    for run in status.runs:
        head = [safe(run.name), paint(run.phase)]
        if run.started:
            head.append(f"started {stamp(run.started, day=True)}")
        if run.duration is not None:
            head.append(human_duration(run.duration))
        lines.append("")
        lines.append("  ".join(head))
        for detail in (
            *([f"scheduled {run.scheduled}"] if run.scheduled else []),
            *([run.message] if run.message else []),
            *(f"note: {note}" for note in run.notes),
        ):
            lines.append(f"│ {safe(detail)}")
        rows = [
            (index, [safe(cell) for cell in row], [safe(line) for line in more])
            for index, row, more in _rows(run, stamp)
        ]
        widths = [max((len(row[i]) for _, row, _ in rows), default=0) for i in range(6)]
        last_stage = len(run.stages) - 1 + (1 if run.unplanned else 0)
        for index, stage in enumerate(run.stages):
            branch, stem = ("└─ ", "   ") if index == last_stage else ("├─ ", "│  ")
            lines.append(f"{branch}{safe(stage.name)}  {paint(stage.phase)}")
            entries = [(p, r, m) for p, r, m in rows if p == index]
            for number, (_, row, more) in enumerate(entries):
                twig = "└─ " if number == len(entries) - 1 else "├─ "
                lines.append(stem + twig + _row_text(row, widths, paint))
                for extra in more:
                    lines.append(stem + ("   " if number == len(entries) - 1 else "│  ") + extra)
        if run.unplanned:
            lines.append("└─ children of steps not in the plan")
            for number, child in enumerate(run.unplanned):
                twig = "└─ " if number == len(run.unplanned) - 1 else "├─ "
                lines.append(
                    f"   {twig}{safe(child.name)}  {paint(child.phase)}  {safe(child.namespace)}"
                )
    if status.orphans:
        lines.append("")
        lines.append("orphans: children whose run is gone or has ended")
        for number, orphan in enumerate(status.orphans):
            twig = "└─ " if number == len(status.orphans) - 1 else "├─ "
            child = orphan.child
            where = safe(f"{child.namespace}/{child.name}")
            lines.append(
                f"{twig}{safe(orphan.step)}  {paint(child.phase)}  started "
                f"{stamp(child.started, day=True)}  {human_duration(child.duration)}  {where}"
            )
            stem = "   " if number == len(status.orphans) - 1 else "│  "
            lines.append(f"{stem}{safe(orphan.reason)}")
    return "\n".join(lines) + "\n"


def _rows(run: RunStatus, stamp: Any) -> list[tuple[int, list[str], list[str]]]:
    """Per step: its stage, its columns (step, phase, start, duration, retries, child) and the
    lines under it (the child's phase when it differs, the message, notes)."""
    rows = []
    for index, stage in enumerate(run.stages):
        for step in stage.steps:
            child = step.children[-1] if step.children else None
            started = step.started or (child.started if child else None)
            retries = ""
            target = ""
            more = []
            if child is not None:
                if child.retries:
                    retries = f"{child.retries} retr{'y' if child.retries == 1 else 'ies'}"
                target = child.name
                if child.namespace != run.namespace:
                    target = f"{child.namespace}/{child.name}"
                if child.phase != step.phase:
                    still = run.phase in COMPLETED and child.phase not in COMPLETED
                    after = " after the run ended" if still else ""
                    more.append(f"child {child.phase}{after}")
            failed_child = child is not None and child.phase in ("Failed", "Error")
            message = (child.message if failed_child and child else None) or step.message
            if message:
                more.append(message)
            if step.optional and step.phase == "Failed":
                more.append("optional: its failure does not fail the run")
            for duplicate in step.children[:-1]:
                more.append(
                    f"also spawned {duplicate.name} ({duplicate.phase}): the step ran twice"
                )
            if child is not None:
                more += [f"note: {note}" for note in child.notes]
            columns = [
                step.step,
                step.phase,
                stamp(started),
                human_duration(step.duration),
                retries,
                target,
            ]
            rows.append((index, columns, more))
    return rows


def _row_text(row: list[str], widths: list[int], paint: Any) -> str:
    step, phase, started, duration, retries, target = row
    cells = [
        step.ljust(widths[0]),
        paint(phase) + " " * (widths[1] - len(phase)),
        started.ljust(widths[2]),
        duration.rjust(widths[3]),
        retries.ljust(widths[4]),
        target,
    ]
    return "  ".join(cell for cell, width in zip(cells, widths, strict=True) if width).rstrip()


def status_to_json(statuses: Iterable[PipelineStatus]) -> str:
    """The statuses as JSON for scripts: camelCase keys, RFC 3339 times, seconds."""
    return json.dumps([_pipeline_json(s) for s in statuses], indent=2) + "\n"


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _child_json(child: ChildRun) -> dict[str, Any]:
    return {
        "name": child.name,
        "namespace": child.namespace,
        "phase": child.phase,
        "startedAt": _iso(child.started),
        "finishedAt": _iso(child.finished),
        "durationSeconds": child.duration,
        "retries": child.retries,
        "message": child.message,
        "notes": list(child.notes),
    }


def _pipeline_json(status: PipelineStatus) -> dict[str, Any]:
    return {
        "pipeline": status.pipeline,
        "namespace": status.namespace,
        "at": _iso(status.at),
        "runs": [
            {
                "name": run.name,
                "namespace": run.namespace,
                "phase": run.phase,
                "startedAt": _iso(run.started),
                "finishedAt": _iso(run.finished),
                "durationSeconds": run.duration,
                "message": run.message,
                "scheduledTime": run.scheduled,
                "notes": list(run.notes),
                "stages": [
                    {
                        "name": stage.name,
                        "phase": stage.phase,
                        "steps": [
                            {
                                "step": step.step,
                                "phase": step.phase,
                                "ran": step.ran,
                                "startedAt": _iso(step.started),
                                "finishedAt": _iso(step.finished),
                                "durationSeconds": step.duration,
                                "message": step.message,
                                "optional": step.optional,
                                "children": [_child_json(c) for c in step.children],
                            }
                            for step in stage.steps
                        ],
                    }
                    for stage in run.stages
                ],
                "unplannedChildren": [_child_json(c) for c in run.unplanned],
            }
            for run in status.runs
        ],
        "orphans": [
            {
                "step": orphan.step,
                "parent": orphan.parent,
                "parentNamespace": orphan.parent_namespace,
                "reason": orphan.reason,
                "child": _child_json(orphan.child),
            }
            for orphan in status.orphans
        ],
    }
