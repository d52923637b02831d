"""A pipeline's runs under Argo's rules, with no cluster: what `simulate` prints.

Read from the rendered manifests (the CronWorkflow and the WorkflowTemplates), so a spec file
and a Pulumi program simulate alike. Each rule follows Argo's controller at v4 (`f016ad89`; the
same code in v3.6 and v3.7 unless said) and cites where; time is whole seconds:

- **steps** (`workflow/controller/steps.go`, `executeSteps`/`executeStepGroup`): a stage's
  children start together; the stage waits for all of them, then fails if one is Failed or Error
  without `continueOn` (`optional` forgives Failed only, `workflow_types.go`, `ContinueOn`), and
  a failed stage ends the steps: later stages get no node at all;
- **when** (`steps.go`, `shouldExecute`; `dag.go`): false makes the child `Skipped`, with the
  message `when '<condition>' evaluated false`; a skipped child counts as a success;
- **DAG** (`workflow/controller/dag.go`, `workflow/common/ancestry.go`): a task starts once all
  its dependencies are fulfilled and each is Succeeded or Skipped (or Failed when it is
  optional), else it is `Omitted`, as is everything downstream; independent branches go on; the
  DAG fails when a leaf task's branch ended Failed or Error (`assessDAGPhase`);
- **parallelism** (`maxParallel`, the entry template's `parallelism`): at most that many
  children run at once, the others start in order as places free up;
- **retries** (`workflow/controller/operator.go`, `processNodeRetries`, in its order): after a
  failed attempt: the child's deadline passed -> fail; with `backoff`: `maxDuration` passed ->
  fail, the wait is `duration * factor^(attempts-1)` (factor an integer, absent or 0 -> none),
  at most `cap` (v3.7+), a wait ending after `maxDuration` -> fail, and the wait happens only
  while `limit` leaves a retry; then `retryPolicy` (default OnFailure; Always with
  `expression`): a simulated failure is `Failed` with `Error (exit code 1)`, so OnError and
  OnTransientError do not retry it; then `limit` (attempts = limit + 1); `expression` is taken
  as true. Attempts after the first get `maxDuration`'s deadline (`opts.executionDeadline`);
- **timeouts**: a child's `activeDeadlineSeconds` counts from its start and covers retries and
  waits (`operator.go`, `workflowDeadline`): its pod is killed, `Step exceeded its deadline`
  (`workflow/controller/exec_control.go`); a template's own `activeDeadlineSeconds` ends one
  attempt, which may be retried;
- **resource steps** poll their child every 5 s, the first time at once
  (`workflow/executor/resource.go`, `RESOURCE_STATE_CHECK_INTERVAL`): a step ends at its first
  poll after the child ended. Pod start-up and controller latency are not modelled;
- **exit handler** (`operator.go`, `operate`): runs after the main steps with `workflow.status`
  = Succeeded (for Succeeded, Skipped, Omitted), Failed or Error; a main that succeeded with an
  exit handler that failed makes the run Failed;
- **schedule** (`workflow/cron/operator.go`, `enforceRuntimePolicy`, `shouldOutstandingWorkflows
  BeRun`): ticks are robfig's next times; Forbid skips a tick while a run is still listed active,
  which lasts until the next 10-second sync after it ends (`CRON_SYNC_PERIOD`,
  `workflow/cron/controller.go`); with `startingDeadlineSeconds` the latest skipped tick starts
  late at that sync if still within the deadline; Replace *terminates* the running run (shutdown
  `Terminate`: its pods are killed, no exit handler, its children run on: argo #8364) and starts
  the new one in the same tick; Allow lets runs overlap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from ..errors import shown
from ..syntax.go_duration import duration_seconds
from ..syntax.govaluate import GovaluateError, evaluate
from ..syntax.robfig_cron import next_runs
from .graph import (
    Flow,
    GraphError,
    Step,
    flows_from_manifests,
    orchestrator_spec,
    spawned_workflow,
)

POLL_SECONDS = 5
SYNC_SECONDS = 10
MAX_ATTEMPTS = 100  # shown of a retryStrategy without a limit, which Argo retries without end
MAX_LIMITED_ATTEMPTS = 10_000  # followed of one with a limit; a larger limit is refused
DEFAULT_ATTEMPT_SECONDS = 60

SUCCEEDED, FAILED, ERROR = "Succeeded", "Failed", "Error"
SKIPPED, OMITTED = "Skipped", "Omitted"
NOT_RUN = "skipped"  # no node: the stage never started
FAILED_ATTEMPT = "Error (exit code 1)"  # the controller's text for a non-zero exit (operator.go)
DEADLINE = "Step exceeded its deadline"
ATTEMPT_DEADLINE = "Pod was active on the node longer than the specified deadline"
TERMINATED_NODE = "workflow shutdown with strategy:  Terminate"  # exec_control.go, two spaces
TERMINATED_RUN = "Stopped with strategy 'Terminate'"
_TAG = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class SimulationError(ValueError):
    """The manifests or the scenario cannot be simulated (e.g. an unknown step)."""


# --- the plan, read from the manifests -----------------------------------------------------------


@dataclass(frozen=True)
class RetryPlan:
    """A template's `retryStrategy`, durations in seconds."""

    limit: int | None = None
    policy: str = "OnFailure"
    expression: str | None = None
    has_backoff: bool = False
    backoff: int | None = None
    factor: int | None = None
    cap: int | None = None
    max_duration: int | None = None


@dataclass(frozen=True)
class ChildPlan:
    """One step or task: what it spawns and what bounds it."""

    name: str
    optional: bool = False
    when: str | None = None
    depends: tuple[str, ...] = ()
    timeout: int | None = None
    retry: RetryPlan | None = None
    attempt_deadline: int | None = None
    template: str | None = None
    template_known: bool = True


@dataclass(frozen=True)
class PipelinePlan:
    """Everything the simulation needs from one CronWorkflow and its templates."""

    name: str
    schedules: tuple[str, ...]
    timezone: str | None
    concurrency_policy: str
    starting_deadline: int | None
    suspend: bool
    stages: tuple[tuple[ChildPlan, ...], ...]
    tasks: tuple[ChildPlan, ...]
    exit_steps: tuple[ChildPlan, ...]
    parallelism: int | None
    parameters: Mapping[str, str]

    def children(self) -> list[ChildPlan]:
        """Every child, stages or tasks first, then the exit handler's."""
        return [*(c for stage in self.stages for c in stage), *self.tasks, *self.exit_steps]


def plans_from_manifests(documents: Sequence[Mapping[str, Any]]) -> list[PipelinePlan]:
    """A plan per CronWorkflow among `documents`; SimulationError when there is none."""
    crons = [d for d in documents if d.get("kind") == "CronWorkflow"]
    try:
        flows = flows_from_manifests(documents)
        workflows = [_workflow_spec(cron, documents) for cron in crons]
    except GraphError as error:
        raise SimulationError(str(error)) from None
    templates: dict[tuple[str, Any, Any], Mapping[str, Any]] = {}
    for document in documents:
        if document.get("kind") in ("WorkflowTemplate", "ClusterWorkflowTemplate"):
            metadata = document.get("metadata") or {}
            key = (str(document["kind"]), metadata.get("namespace"), metadata.get("name"))
            templates[key] = document
    return [
        _plan(flow, cron, workflow, templates)
        for flow, cron, workflow in zip(flows, crons, workflows, strict=True)
    ]


def _workflow_spec(cron: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> Any:
    metadata = cron.get("metadata") or {}
    workflow = (cron.get("spec") or {}).get("workflowSpec") or {}
    spec, _ = orchestrator_spec(
        str(metadata.get("name")), workflow, metadata.get("namespace"), documents
    )
    return spec


def _plan(
    flow: Flow,
    cron: Mapping[str, Any],
    workflow: Mapping[str, Any],
    templates: Mapping[tuple[str, Any, Any], Any],
) -> PipelinePlan:
    spec = cron.get("spec") or {}
    namespace = (cron.get("metadata") or {}).get("namespace")
    by_name: dict[str, Any] = {
        str(t.get("name")): t for t in workflow.get("templates") or [] if isinstance(t, Mapping)
    }
    entry = by_name.get(str(workflow.get("entrypoint"))) or {}
    parallelism = entry.get("parallelism")

    def child(step: Step) -> ChildPlan:
        return _child_plan(step, by_name, templates, namespace)

    parameters = {
        str(p.get("name")): str(p.get("value"))
        for p in (workflow.get("arguments") or {}).get("parameters") or []
        if isinstance(p, Mapping) and p.get("value") is not None
    }
    return PipelinePlan(
        name=flow.name,
        schedules=flow.schedules,
        timezone=flow.timezone,
        concurrency_policy=str(spec.get("concurrencyPolicy") or "Allow"),
        starting_deadline=spec.get("startingDeadlineSeconds"),
        suspend=bool(spec.get("suspend")),
        stages=tuple(tuple(child(s) for s in stage) for stage in flow.stages),
        tasks=tuple(child(t) for t in flow.tasks),
        exit_steps=tuple(child(s) for s in flow.exit_steps),
        parallelism=parallelism if isinstance(parallelism, int) else None,
        parameters=parameters,
    )


def _child_plan(
    step: Step,
    templates: Mapping[str, Any],
    workflow_templates: Mapping[tuple[str, Any, Any], Mapping[str, Any]],
    namespace: Any,
) -> ChildPlan:
    child = spawned_workflow(templates.get(step.template)) or {}
    child_spec = child.get("spec") or {}
    timeout = child_spec.get("activeDeadlineSeconds")
    kind = "ClusterWorkflowTemplate" if step.cluster_scope else "WorkflowTemplate"
    found = workflow_templates.get(
        (kind, None if step.cluster_scope else (step.namespace or namespace), step.spawns)
    )
    retry = attempt_deadline = None
    if found is not None:
        body = found.get("spec") or {}
        main = next(
            (
                t
                for t in body.get("templates") or []
                if isinstance(t, Mapping) and t.get("name") == body.get("entrypoint")
            ),
            {},
        )
        retry = _retry_plan(main.get("retryStrategy"))
        deadline = main.get("activeDeadlineSeconds")
        attempt_deadline = deadline if isinstance(deadline, int) else None
    return ChildPlan(
        name=step.name,
        optional=step.optional,
        when=step.when,
        depends=step.depends,
        timeout=timeout if isinstance(timeout, int) else None,
        retry=retry,
        attempt_deadline=attempt_deadline,
        template=step.spawns,
        template_known=found is not None,
    )


def _seconds(value: Any) -> int | None:
    """`wfv1.ParseStringToDuration`: a bare integer is seconds, else a Go duration."""
    if value is None:
        return None
    return duration_seconds(str(value))


def _retry_plan(raw: Any) -> RetryPlan | None:
    if not isinstance(raw, Mapping):
        return None
    backoff: Mapping[str, Any] = raw["backoff"] if isinstance(raw.get("backoff"), Mapping) else {}
    limit = raw.get("limit")
    factor = backoff.get("factor")
    expression = raw.get("expression")
    # RetryPolicyActual (workflow_types.go): OnFailure, or Always when an expression is set.
    policy = raw.get("retryPolicy") or ("Always" if expression else "OnFailure")
    return RetryPlan(
        limit=int(limit) if limit is not None and str(limit).isdigit() else None,
        policy=str(policy),
        expression=str(expression) if expression else None,
        has_backoff=bool(backoff),
        backoff=_seconds(backoff.get("duration")),
        factor=int(factor) if factor is not None and str(factor).isdigit() else None,
        cap=_seconds(backoff.get("cap")),
        max_duration=_seconds(backoff.get("maxDuration")),
    )


# --- the scenario --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """What happens to the children: which attempts fail, how long each attempt takes."""

    failures: Mapping[str, int | None] = field(default_factory=dict)
    """Step -> how many of its first attempts fail (None: every attempt)."""
    durations: Mapping[str, int] = field(default_factory=dict)
    """Step -> seconds each attempt takes."""
    attempt_seconds: int = DEFAULT_ATTEMPT_SECONDS
    runs: int = 1

    def check(self, plan: PipelinePlan) -> None:
        """SimulationError naming every step the scenario mentions that the plan lacks."""
        known = [child.name for child in plan.children()]
        unknown = sorted({*self.failures, *self.durations} - set(known))
        if unknown:
            raise SimulationError(
                f"{plan.name} has no step {', '.join(map(repr, unknown))}: its steps are "
                f"{', '.join(known)}"
            )


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One attempt of a child's template: when, how it ended, the wait after it."""

    start: int
    end: int
    phase: str
    message: str | None = None
    wait: int | None = None


@dataclass(frozen=True)
class ChildTimeline:
    """One step or task in a run: its node's phase and times, its child's attempts."""

    step: str
    group: str
    phase: str
    start: int | None = None
    end: int | None = None
    message: str | None = None
    attempts: tuple[Attempt, ...] = ()
    child_phase: str | None = None
    child_end: int | None = None
    child_message: str | None = None
    optional: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunTimeline:
    """One run: its scheduled time, when it started and ended, each child."""

    number: int
    name: str
    scheduled: datetime
    start: int
    end: int
    phase: str
    message: str | None
    children: tuple[ChildTimeline, ...]
    workflow_status: str
    late: bool = False
    terminated: bool = False


@dataclass(frozen=True)
class Tick:
    """A schedule tick and what the CronWorkflow did with it."""

    at: int
    what: str


@dataclass(frozen=True)
class Simulation:
    """A pipeline's simulated ticks and runs; times are seconds after `origin`."""

    plan: PipelinePlan
    scenario: Scenario
    origin: datetime
    ticks: tuple[Tick, ...]
    runs: tuple[RunTimeline, ...]
    notes: tuple[str, ...]
    tick_count: int = 0
    """How many schedule ticks were simulated (fewer than asked when the schedule stops)."""

    def moment(self, seconds: int) -> datetime:
        """An offset as an aware time in the pipeline's zone (or the origin's)."""
        return self.origin + timedelta(seconds=seconds)


# --- one child -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ChildRun:
    end: int
    phase: str
    message: str | None
    attempts: tuple[Attempt, ...]
    notes: tuple[str, ...]


def run_child(plan: ChildPlan, scenario: Scenario, start: int) -> _ChildRun:
    """The child Workflow from `start`: its attempts, retries and waits, and how it ends."""
    retry = plan.retry
    deadline = start + plan.timeout if plan.timeout is not None else None
    failing = scenario.failures.get(plan.name, 0)
    length = scenario.durations.get(plan.name, scenario.attempt_seconds)
    notes: list[str] = []
    if not plan.template_known:
        notes.append(f"template {plan.template} is not among the manifests: no retries known")
    if retry is not None and retry.expression:
        notes.append(f"retryStrategy.expression {shown(retry.expression)} is taken as true")
    attempts: list[Attempt] = []
    t, execution_deadline, first = start, None, start
    while True:
        number = len(attempts) + 1
        fails = failing is None or number <= failing
        end, phase, message = (
            t + length,
            (FAILED if fails else SUCCEEDED),
            (FAILED_ATTEMPT if fails else None),
        )
        for limit, text in (
            (t + plan.attempt_deadline if plan.attempt_deadline else None, ATTEMPT_DEADLINE),
            (execution_deadline, ATTEMPT_DEADLINE),
            (deadline, DEADLINE),
        ):
            if limit is not None and end > limit:
                end, phase, message = max(limit, t), FAILED, text
        attempts.append(Attempt(t, end, phase, message))
        if phase == SUCCEEDED:
            return _ChildRun(end, SUCCEEDED, None, tuple(attempts), tuple(notes))
        if retry is None:
            return _ChildRun(end, phase, message, tuple(attempts), tuple(notes))
        if deadline is not None and end >= deadline:
            return _ChildRun(
                end, phase, "retry exceeded workflow deadline", tuple(attempts), tuple(notes)
            )
        verdict = _after_failure(retry, first, end, number, deadline)
        if verdict.wait:
            attempts[-1] = replace(attempts[-1], wait=verdict.wait)
        if verdict.kind != "retry":
            if verdict.kind == "policy":
                notes.append(_not_retried(retry.policy, message, verdict.wait))
            phase = ERROR if verdict.kind == "error" else phase
            return _ChildRun(
                verdict.at, phase, verdict.message or message, tuple(attempts), tuple(notes)
            )
        t = verdict.at
        if retry.max_duration is not None:
            execution_deadline = first + retry.max_duration
        if retry.limit is None and number >= MAX_ATTEMPTS:
            notes.append(
                f"retryStrategy has no limit: Argo retries without end; shown up to attempt "
                f"{MAX_ATTEMPTS}, where the simulation stops"
            )
            return _ChildRun(end, phase, message, tuple(attempts), tuple(notes))
        if number >= MAX_LIMITED_ATTEMPTS:
            raise SimulationError(
                f"step {shown(plan.name)}: retryStrategy.limit {retry.limit} allows more attempts "
                f"than the simulation follows ({MAX_LIMITED_ATTEMPTS:,}): fail fewer with "
                "--fail STEP:N"
            )


def _not_retried(policy: str, message: str | None, wait: int) -> str:
    why = {
        "OnError": "retries Error only, and the attempt Failed",
        "OnTransientError": f"retries transient errors only, and {shown(message)} is not one",
    }.get(policy, "does not retry it")
    after = f"; the controller decides so after the backoff wait ({wait}s)" if wait else ""
    return f"retryPolicy {policy} {why}{after}"


class _Verdict(NamedTuple):
    """What processNodeRetries decides after a failed attempt."""

    kind: str  # "retry", "fail", "policy" (not retried by retryPolicy) or "error"
    at: int
    message: str | None = None
    wait: int = 0


def _after_failure(
    retry: RetryPlan, first: int, end: int, attempts: int, deadline: int | None
) -> _Verdict:
    """processNodeRetries after a Failed attempt, its checks in its order.

    A backoff without `duration` is an error of the controller's.
    """
    now = end
    wait = 0
    if retry.has_backoff:
        max_deadline = first + retry.max_duration if retry.max_duration is not None else None
        if max_deadline is not None and now > max_deadline:
            return _Verdict("fail", now, "Max duration limit exceeded")
        if retry.backoff is None:
            return _Verdict("error", now, "no base duration specified for retryStrategy")
        wait = retry.backoff * retry.factor ** (attempts - 1) if retry.factor else retry.backoff
        if retry.cap is not None:
            wait = min(wait, retry.cap)
        if max_deadline is not None and end + wait > max_deadline:
            return _Verdict("fail", now, "Backoff would exceed max duration limit")
        if retry.limit is not None and attempts <= retry.limit:
            if deadline is not None and end + wait >= deadline:
                return _Verdict("fail", deadline, "retry exceeded workflow deadline")
            now = end + wait
        else:
            wait = 0
    if retry.policy not in ("Always", "OnFailure"):
        # A simulated failure is Failed with a plain exit code: not an Error, not transient.
        return _Verdict("policy", now, None, wait)
    if retry.limit is not None and attempts > retry.limit:
        return _Verdict("fail", now, "No more retries left")
    return _Verdict("retry", now, None, wait)


def _step_end(step_start: int, child_end: int) -> int:
    """The resource step notices its child at the first 5-second poll after it ended."""
    polls = -(-(child_end - step_start) // POLL_SECONDS)
    return step_start + max(polls, 0) * POLL_SECONDS


# --- one run -------------------------------------------------------------------------------------


class _Slots:
    """The entry template's `parallelism`: when the next child may start."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.busy: list[int] = []

    def start_at(self, ready: int) -> int:
        if self.limit is None:
            return ready
        self.busy = sorted(self.busy)
        while len(self.busy) >= self.limit:
            ready = max(ready, self.busy.pop(0))
        return ready

    def take(self, until: int) -> None:
        if self.limit is not None:
            self.busy.append(until)


def _condition(
    when: str | None, plan: PipelinePlan, extra: Mapping[str, str]
) -> tuple[bool, str | None, str | None]:
    """(run it?, the skip message, a note): Argo substitutes the tags, then govaluate decides."""
    if when is None:
        return True, None, None
    values = {**{f"workflow.parameters.{k}": v for k, v in plan.parameters.items()}, **extra}
    unknown = [tag for tag in _TAG.findall(when) if tag not in values]
    if unknown or any("{{" in values[tag] for tag in _TAG.findall(when)):
        unknowns = ", ".join(f"{{{{{tag}}}}}" for tag in unknown) or "a parameter's value"
        return (
            True,
            None,
            f"when {shown(when)} is taken as true: {unknowns} is only known at run time",
        )
    text = _TAG.sub(lambda m: values[m.group(1)], when)
    try:
        proceed = evaluate(text)
    except GovaluateError as error:
        return True, None, f"when {shown(text)} is taken as true: {error}"
    return proceed, None if proceed else f"when '{text}' evaluated false", None


def _spawn(
    plan: ChildPlan,
    pipeline: PipelinePlan,
    scenario: Scenario,
    *,
    group: str,
    ready: int,
    slots: _Slots,
    values: Mapping[str, str],
) -> ChildTimeline:
    proceed, skipped, note = _condition(plan.when, pipeline, values)
    notes: tuple[str, ...] = (note,) if note else ()
    if not proceed:
        return ChildTimeline(
            plan.name, group, SKIPPED, ready, ready, skipped, optional=plan.optional, notes=notes
        )
    start = slots.start_at(ready)
    if start > ready:
        notes += (f"waited {start - ready}s for a place (maxParallel {slots.limit})",)
    child = run_child(plan, scenario, start)
    end = _step_end(start, child.end)
    slots.take(end)
    message = None
    if child.phase != SUCCEEDED:
        message = "failure condition 'status.phase in (Error,Failed)' evaluated true"
    return ChildTimeline(
        step=plan.name,
        group=group,
        phase=child.phase,
        start=start,
        end=end,
        message=message,
        attempts=child.attempts,
        child_phase=child.phase,
        child_end=child.end,
        child_message=child.message,
        optional=plan.optional,
        notes=notes + child.notes,
    )


def _blocks(child: ChildTimeline) -> bool:
    """A failed child fails its stage unless it is optional and merely Failed (ContinueOn)."""
    return child.phase in (FAILED, ERROR) and not (child.optional and child.phase == FAILED)


def _run_steps(
    pipeline: PipelinePlan, scenario: Scenario, start: int
) -> tuple[list[ChildTimeline], int, str]:
    children: list[ChildTimeline] = []
    t, phase, failed = start, SUCCEEDED, ""
    slots = _Slots(pipeline.parallelism)
    for index, stage in enumerate(pipeline.stages):
        group = f"stage {index + 1}"
        if phase != SUCCEEDED:
            children += [
                ChildTimeline(c.name, group, NOT_RUN, message=f"never ran: {failed} failed")
                for c in stage
            ]
            continue
        values = _results(children, "steps")
        done = [
            _spawn(c, pipeline, scenario, group=group, ready=t, slots=slots, values=values)
            for c in stage
        ]
        children += done
        t = max([t, *(c.end or t for c in done)])
        if any(_blocks(c) for c in done):
            phase, failed = FAILED, group
    return children, t, phase


def _results(children: Sequence[ChildTimeline], kind: str) -> dict[str, str]:
    return {f"{kind}.{c.step}.status": c.phase for c in children if c.phase != NOT_RUN}


def _run_dag(
    pipeline: PipelinePlan, scenario: Scenario, start: int
) -> tuple[list[ChildTimeline], int, str]:
    tasks = {task.name: task for task in pipeline.tasks}
    done: dict[str, ChildTimeline] = {}
    slots = _Slots(pipeline.parallelism)
    while len(done) < len(tasks):
        ready = [
            task
            for task in pipeline.tasks
            if task.name not in done and set(task.depends) <= set(done)
        ]
        if not ready:
            break  # a cycle: the spec's rules refuse it before rendering
        # The task whose dependencies are fulfilled first goes first; ties in spec order.
        task = min(ready, key=lambda t: max([start, *(done[d].end or start for d in t.depends)]))
        at = max([start, *(done[d].end or start for d in task.depends)])
        satisfied = all(
            done[d].phase in (SUCCEEDED, SKIPPED) or (tasks[d].optional and done[d].phase == FAILED)
            for d in task.depends
        )
        if not satisfied:
            done[task.name] = ChildTimeline(
                task.name,
                "tasks",
                OMITTED,
                at,
                at,
                "omitted: depends condition not met",
                optional=task.optional,
            )
            continue
        values = _results(list(done.values()), "tasks")
        done[task.name] = _spawn(
            task, pipeline, scenario, group="tasks", ready=at, slots=slots, values=values
        )
    children = [done[task.name] for task in pipeline.tasks if task.name in done]
    end = max([start, *(c.end or start for c in children)])
    return children, end, _dag_phase(pipeline, done)


def _dag_phase(pipeline: PipelinePlan, done: Mapping[str, ChildTimeline]) -> str:
    """assessDAGPhase: a leaf's branch phase is its own, or (Omitted) its dependencies' worst."""
    tasks = {task.name: task for task in pipeline.tasks}
    needed = {d for task in pipeline.tasks for d in task.depends}
    branch: dict[str, str] = {}

    def phase_of(name: str) -> str:
        if name not in branch:
            node = done[name]
            if node.phase != OMITTED:
                branch[name] = node.phase
            else:
                inherited = [phase_of(d) for d in tasks[name].depends]
                worst = [p for p in inherited if p in (FAILED, ERROR)]
                branch[name] = worst[0] if worst else SUCCEEDED
        return branch[name]

    for name, task in tasks.items():
        if name in needed or name not in done:
            continue
        phase = phase_of(name)
        if phase in (FAILED, ERROR) and not (task.optional and phase == FAILED):
            return phase
    return SUCCEEDED


def run_once(
    pipeline: PipelinePlan, scenario: Scenario, number: int, scheduled: datetime, start: int
) -> RunTimeline:
    """One run from `start` to its end, uninterrupted."""
    if pipeline.tasks:
        children, t, main = _run_dag(pipeline, scenario, start)
    else:
        children, t, main = _run_steps(pipeline, scenario, start)
    status = main if main in (FAILED, ERROR) else SUCCEEDED
    phase, message = status, None
    if status != SUCCEEDED:
        failed = next((c for c in children if _blocks(c)), None)
        message = f"child '{failed.step}' failed" if failed else None
    if pipeline.exit_steps:
        slots = _Slots(None)
        values = {"workflow.status": status}
        handler = [
            _spawn(c, pipeline, scenario, group="onExit", ready=t, slots=slots, values=values)
            for c in pipeline.exit_steps
        ]
        children += handler
        t = max([t, *(c.end or t for c in handler)])
        failed_handler = next((c for c in handler if _blocks(c)), None)
        if status == SUCCEEDED and failed_handler is not None:
            phase, message = failed_handler.phase, f"child '{failed_handler.step}' failed"
    name = f"{pipeline.name}-{int(scheduled.timestamp())}"
    return RunTimeline(number, name, scheduled, start, t, phase, message, tuple(children), status)


def terminate(run: RunTimeline, at: int) -> RunTimeline:
    """The run as Replace leaves it at `at`: pods killed, nothing new, no exit handler.

    Its children are Workflows of their own and run on (argo #8364).
    """
    if at >= run.end:
        return run
    children = []
    for child in run.children:
        if child.phase == NOT_RUN:
            children.append(child)
        elif child.start is None or child.start >= at:
            why = "never ran: the run was terminated"
            if child.group == "onExit":
                why = "never ran: a terminated run runs no exit handler"
            children.append(ChildTimeline(child.step, child.group, NOT_RUN, message=why))
        elif child.end is not None and child.end > at:
            running = child.child_end is not None and child.child_end > at
            notes = child.notes + (
                ("its child runs on after the run was terminated (argo #8364)",) if running else ()
            )
            children.append(
                replace(child, phase=FAILED, end=at, message=TERMINATED_NODE, notes=notes)
            )
        else:
            children.append(child)
    return replace(
        run,
        end=at,
        phase=FAILED,
        message=TERMINATED_RUN,
        children=tuple(children),
        workflow_status=FAILED,
        terminated=True,
    )


# --- several ticks -------------------------------------------------------------------------------


def simulate(plan: PipelinePlan, scenario: Scenario, origin: datetime) -> Simulation:
    """`scenario.runs` schedule ticks after `origin` and the runs they start."""
    scenario.check(plan)
    notes = []
    ticks_at = sorted(
        run
        for expression in plan.schedules
        for run in next_runs(expression, plan.timezone, origin, scenario.runs)
    )[: scenario.runs]
    if plan.suspend:
        notes.append("the CronWorkflow is suspended: no tick starts a run")
    zero = ticks_at[0] if ticks_at else origin
    offsets = [int((t - zero).total_seconds()) for t in ticks_at]
    ticks: list[Tick] = []
    runs: list[RunTimeline] = []
    skipped: int | None = None  # the latest tick Forbid skipped, for a late start
    for tick, at in zip(ticks_at, offsets, strict=True):
        if plan.suspend:
            ticks.append(Tick(at, "suspended: no run"))
            continue
        skipped = _late_start(plan, scenario, runs, ticks, skipped=skipped, next_tick=at, zero=zero)
        active = [r for r in runs if r.end + SYNC_SECONDS > at and not r.terminated]
        if active and plan.concurrency_policy == "Forbid":
            names = ", ".join(f"run {r.number}" for r in active)
            ticks.append(Tick(at, f"Forbid: skipped, {names} still active"))
            skipped = at
            continue
        if active and plan.concurrency_policy == "Replace":
            for run in active:
                index = runs.index(run)
                runs[index] = terminate(run, at)
            what = ", ".join(f"run {r.number}" for r in active if r.end > at)
            if what:
                ticks.append(Tick(at, f"Replace: terminates {what}"))
        run = run_once(plan, scenario, len(runs) + 1, tick, at)
        runs.append(run)
        ticks.append(Tick(at, f"run {run.number} starts"))
        skipped = None
    _late_start(plan, scenario, runs, ticks, skipped=skipped, next_tick=None, zero=zero)
    if len(ticks_at) < scenario.runs:
        notes.append(f"the schedule fires {len(ticks_at)} times in the five years robfig searches")
    _check_horizon(zero, ticks, runs)
    return Simulation(
        plan, scenario, zero, tuple(ticks), tuple(runs), tuple(notes), tick_count=len(ticks_at)
    )


def _check_horizon(zero: datetime, ticks: list[Tick], runs: list[RunTimeline]) -> None:
    """SimulationError when a time the simulation reached is past the last one a date can show:
    backoffs grow by their factor per retry, so a long retry chain can reach any year."""
    times = [t.at for t in ticks]
    for run in runs:
        times.append(run.end)
        for child in run.children:
            times += [child.end or 0, child.child_end or 0]
            times += [a.end + (a.wait or 0) for a in child.attempts]
    latest = max(times, default=0)
    room = (datetime.max.replace(tzinfo=zero.tzinfo) - zero).total_seconds() - 2 * 86400
    if latest > room:
        raise SimulationError(
            "the simulated runs go on past the year 9999 (retries whose backoff grows without "
            "a cap, or long --slow durations): simulate fewer runs, or give the backoff a cap"
        )


def _late_start(
    plan: PipelinePlan,
    scenario: Scenario,
    runs: list[RunTimeline],
    ticks: list[Tick],
    *,
    skipped: int | None,
    next_tick: int | None,
    zero: datetime,
) -> int | None:
    """A tick Forbid skipped starts late when the blocking run is pruned within the deadline."""
    if skipped is None or plan.starting_deadline is None or not runs:
        return skipped
    pruned = max(r.end for r in runs) + SYNC_SECONDS
    if next_tick is not None and pruned > next_tick:
        return skipped
    if pruned >= skipped + plan.starting_deadline:
        ticks.append(
            Tick(
                pruned,
                f"the skipped tick is not started late: {pruned - skipped}s after it, past "
                f"startingDeadlineSeconds {plan.starting_deadline}",
            )
        )
        return None
    scheduled = zero + timedelta(seconds=skipped)
    run = replace(run_once(plan, scenario, len(runs) + 1, scheduled, pruned), late=True)
    runs.append(run)
    ticks.append(
        Tick(pruned, f"run {run.number} starts late for the skipped tick (startingDeadlineSeconds)")
    )
    return None
