"""`simulate`: each rule of Argo's the simulation follows, as a table of scenarios.

Every row names the Argo source it follows (f016ad89, the v4.1 line; the same logic in v3.6 and
v3.7 unless said). Times are seconds after the run's start; every attempt takes 60 s unless the
row says otherwise; a resource step notices its child's end at its next 5-second poll.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.views.simulation import (
    ERROR,
    FAILED,
    NOT_RUN,
    ChildTimeline,
    PipelinePlan,
    RetryPlan,
    Scenario,
    SimulationError,
    _blocks,
    _step_end,
    plans_from_manifests,
    run_child,
    simulate,
)
from tests.conftest import minimal_spec

ORIGIN = datetime(2026, 1, 1, tzinfo=timezone.utc)  # the first tick of "0 * * * *" is 01:00


def child(name: str, template: str = "worker", **fields: Any) -> dict[str, Any]:
    return {"name": name, "workflowTemplate": template, **fields}


def template(name: str = "worker", **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "alpine:3.20", **fields}


def plan(**fields: Any) -> PipelinePlan:
    spec = minimal_spec(**{"name": "sim", "schedule": "0 * * * *", "timezone": "UTC", **fields})
    spec.setdefault("templates", [template()])
    (found,) = plans_from_manifests(pipeline_manifests(spec))
    return found


def run(pipeline: PipelinePlan, runs: int = 1, **scenario: Any):
    return simulate(pipeline, Scenario(runs=runs, **scenario), ORIGIN)


def outline(simulation) -> list[list[tuple]]:
    """Per run: (step, phase, step start, step end, attempts) for each child, relative times."""
    return [
        [
            (
                c.step,
                c.phase,
                None if c.start is None else c.start - r.start,
                None if c.end is None else c.end - r.start,
                len(c.attempts),
            )
            for c in r.children
        ]
        for r in simulation.runs
    ]


TWO_STAGES = {"stages": [[child("a"), child("b")], [child("c")]]}
RETRIES = {"retryStrategy": {"limit": 3, "backoff": {"duration": "10s", "factor": 2}}}

# (what, Argo source, spec fields, scenario, expected outline of run 1, run phase)
SINGLE_RUNS: list[tuple[str, str, dict[str, Any], dict[str, Any], list[tuple], str]] = [
    (
        "a failure in stage 1 stops stage 2",
        "steps.go executeSteps: a failed group returns, later groups get no node",
        TWO_STAGES,
        {"failures": {"a": None}},
        [("a", "Failed", 0, 60, 1), ("b", "Succeeded", 0, 60, 1), ("c", NOT_RUN, None, None, 0)],
        "Failed",
    ),
    (
        "an optional child does not stop stage 2",
        "workflow_types.go ContinueOn: continueOn.failed forgives a Failed child",
        {"stages": [[child("a", optional=True), child("b")], [child("c")]]},
        {"failures": {"a": None}},
        [("a", "Failed", 0, 60, 1), ("b", "Succeeded", 0, 60, 1), ("c", "Succeeded", 60, 120, 1)],
        "Succeeded",
    ),
    (
        "retries with backoff take the expected time: 60 + 10 + 60 + 20 + 60 + 40 + 60",
        "operator.go processNodeRetries: wait = duration * factor^(attempts-1)",
        {**TWO_STAGES, "templates": [template(**RETRIES)]},
        {"failures": {"a": 3}},
        [
            ("a", "Succeeded", 0, 310, 4),
            ("b", "Succeeded", 0, 60, 1),
            ("c", "Succeeded", 310, 370, 1),
        ],
        "Succeeded",
    ),
    (
        "limit 3 allows 4 attempts, then: No more retries left",
        "operator.go processNodeRetries: attempts > limit fails",
        {**TWO_STAGES, "templates": [template(**RETRIES)]},
        {"failures": {"a": None}},
        [("a", "Failed", 0, 310, 4), ("b", "Succeeded", 0, 60, 1), ("c", NOT_RUN, None, None, 0)],
        "Failed",
    ),
    (
        "maxDuration cuts the third attempt at 3m, then the next wait would pass it",
        "operator.go processNodeRetries: opts.executionDeadline, 'Backoff would exceed max "
        "duration limit'",
        {
            "stages": [[child("a")]],
            "templates": [
                template(
                    retryStrategy={
                        "limit": 10,
                        "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"},
                    }
                )
            ],
        },
        {"failures": {"a": None}},
        [("a", "Failed", 0, 180, 3)],
        "Failed",
    ),
    (
        "retryPolicy OnError does not retry a Failed attempt, after the backoff wait",
        "operator.go processNodeRetries: the wait comes before the policy check",
        {
            "stages": [[child("a")]],
            "templates": [
                template(
                    retryStrategy={
                        "limit": 2,
                        "retryPolicy": "OnError",
                        "backoff": {"duration": "10s"},
                    }
                )
            ],
        },
        {"failures": {"a": None}},
        [("a", "Failed", 0, 70, 1)],
        "Failed",
    ),
    (
        "a child's timeout covers its retries: the second attempt is killed at 90 s",
        "operator.go workflowDeadline; exec_control.go 'Step exceeded its deadline'",
        {
            "stages": [[child("a", timeout="90s")]],
            "templates": [template(retryStrategy={"limit": 5, "backoff": {"duration": "10s"}})],
        },
        {"failures": {"a": None}},
        [("a", "Failed", 0, 90, 2)],
        "Failed",
    ),
    (
        "a template's activeDeadlineSeconds ends one attempt",
        "the pod's activeDeadlineSeconds: the kubelet kills it",
        {"stages": [[child("a")]], "templates": [template(activeDeadlineSeconds=30)]},
        {"durations": {"a": 60}},
        [("a", "Failed", 0, 30, 1)],
        "Failed",
    ),
    (
        "when false skips the child; a skipped child counts as a success",
        "steps.go executeStepGroup: shouldExecute false -> Skipped",
        {
            "parameters": [{"name": "env", "value": "dev"}],
            "stages": [
                [child("a", when="{{workflow.parameters.env}} == prod"), child("b")],
                [child("c")],
            ],
        },
        {},
        [("a", "Skipped", 0, 0, 0), ("b", "Succeeded", 0, 60, 1), ("c", "Succeeded", 60, 120, 1)],
        "Succeeded",
    ),
    (
        "a resource step notices its child at the next 5-second poll",
        "executor/resource.go: RESOURCE_STATE_CHECK_INTERVAL 5 s, first check at once",
        TWO_STAGES,
        {"durations": {"a": 61}},
        [
            ("a", "Succeeded", 0, 65, 1),
            ("b", "Succeeded", 0, 60, 1),
            ("c", "Succeeded", 65, 125, 1),
        ],
        "Succeeded",
    ),
    (
        "maxParallel 1 runs a stage's children one after another",
        "the entry template's parallelism",
        {**TWO_STAGES, "maxParallel": 1},
        {},
        [
            ("a", "Succeeded", 0, 60, 1),
            ("b", "Succeeded", 60, 120, 1),
            ("c", "Succeeded", 120, 180, 1),
        ],
        "Succeeded",
    ),
    (
        "DAG: downstream of a failure is Omitted, an independent branch goes on",
        "dag.go executeDAGTask 'omitted: depends condition not met'; assessDAGPhase",
        {
            "stages": None,
            "tasks": [
                child("a"),
                child("b"),
                child("c", dependsOn=["a"]),
                child("d", dependsOn=["c"]),
                child("e", dependsOn=["b"]),
            ],
        },
        {"failures": {"a": None}},
        [
            ("a", "Failed", 0, 60, 1),
            ("b", "Succeeded", 0, 60, 1),
            ("c", "Omitted", 60, 60, 0),
            ("d", "Omitted", 60, 60, 0),
            ("e", "Succeeded", 60, 120, 1),
        ],
        "Failed",
    ),
    (
        "DAG: a task after an optional failure runs",
        "ancestry.go: dependencies on a continueOn.failed task accept its failure",
        {
            "stages": None,
            "tasks": [child("a", optional=True), child("c", dependsOn=["a"])],
        },
        {"failures": {"a": None}},
        [("a", "Failed", 0, 60, 1), ("c", "Succeeded", 60, 120, 1)],
        "Succeeded",
    ),
    (
        "the exit handler sees workflow.status Failed and runs",
        "operator.go operate: workflow.status from the main node's phase",
        {
            **TWO_STAGES,
            "onExit": child("notify", when="{{workflow.status}} != Succeeded"),
        },
        {"failures": {"a": None}},
        [
            ("a", "Failed", 0, 60, 1),
            ("b", "Succeeded", 0, 60, 1),
            ("c", NOT_RUN, None, None, 0),
            ("notify", "Succeeded", 60, 120, 1),
        ],
        "Failed",
    ),
    (
        "the exit handler is skipped when the run succeeded",
        "operator.go operate; steps.go shouldExecute",
        {
            **TWO_STAGES,
            "onExit": child("notify", when="{{workflow.status}} != Succeeded"),
        },
        {},
        [
            ("a", "Succeeded", 0, 60, 1),
            ("b", "Succeeded", 0, 60, 1),
            ("c", "Succeeded", 60, 120, 1),
            ("notify", "Skipped", 120, 120, 0),
        ],
        "Succeeded",
    ),
    (
        "a failed exit handler fails a run whose steps succeeded",
        "operator.go operate: main Succeeded + onExit Failed -> markWorkflowFailed",
        {"stages": [[child("a")]], "onExit": child("notify")},
        {"failures": {"notify": None}},
        [("a", "Succeeded", 0, 60, 1), ("notify", "Failed", 60, 120, 1)],
        "Failed",
    ),
]


@pytest.mark.parametrize("row", SINGLE_RUNS, ids=[row[0] for row in SINGLE_RUNS])
def test_one_run(row):
    _, source, fields, scenario, expected, phase = row
    simulation = run(plan(**fields), **scenario)
    assert outline(simulation) == [expected], source
    assert simulation.runs[0].phase == phase, source


def test_the_retry_timeline_in_detail():
    simulation = run(
        plan(stages=[[child("a")]], templates=[template(**RETRIES)]), failures={"a": 3}
    )
    (a,) = simulation.runs[0].children
    assert [(x.start, x.end, x.phase, x.wait) for x in a.attempts] == [
        (0, 60, "Failed", 10),
        (70, 130, "Failed", 20),
        (150, 210, "Failed", 40),
        (250, 310, "Succeeded", None),
    ]


def test_cap_bounds_each_wait():
    """v3.7+ `backoff.cap` (operator.go processNodeRetries: timeToWait capped)."""
    retries = {"limit": 4, "backoff": {"duration": "10s", "factor": 3, "cap": "15s"}}
    pipeline = plan(stages=[[child("a")]], templates=[template(retryStrategy=retries)])
    outcome = run_child(pipeline.stages[0][0], Scenario(failures={"a": None}), 0)
    assert [x.wait for x in outcome.attempts] == [10, 15, 15, 15, None]
    assert (outcome.end, outcome.message) == (5 * 60 + 55, "No more retries left")


def test_cap_is_read_from_the_template():
    found = plan(
        stages=[[child("a")]],
        templates=[
            template(retryStrategy={"limit": 1, "backoff": {"duration": "1m", "cap": "30s"}})
        ],
    )
    assert found.stages[0][0].retry == RetryPlan(
        limit=1, policy="OnFailure", has_backoff=True, backoff=60, cap=30
    )


def test_an_expression_makes_the_policy_always_and_is_taken_as_true():
    """workflow_types.go RetryPolicyActual: Always when `expression` is set."""
    found = plan(
        stages=[[child("a")]],
        templates=[
            template(retryStrategy={"limit": 1, "expression": "lastRetry.status == 'Error'"})
        ],
    )
    assert found.stages[0][0].retry.policy == "Always"
    outcome = run_child(found.stages[0][0], Scenario(failures={"a": None}), 0)
    assert len(outcome.attempts) == 2
    assert "retryStrategy.expression \"lastRetry.status == 'Error'\" is taken as true" in (
        outcome.notes
    )


def test_a_template_outside_the_manifests_has_no_known_retries():
    pipeline = plan(stages=[[child("a", "elsewhere")]], templates=[])
    outcome = run_child(pipeline.stages[0][0], Scenario(failures={"a": None}), 0)
    assert outcome.notes == ("template elsewhere is not among the manifests: no retries known",)


def test_optional_forgives_failed_but_not_error():
    """workflow_types.go ContinueOn: `failed` covers Failed only."""
    failed = ChildTimeline("a", "stage 1", FAILED, optional=True)
    errored = ChildTimeline("a", "stage 1", ERROR, optional=True)
    assert (_blocks(failed), _blocks(errored)) == (False, True)


@pytest.mark.parametrize(
    ("start", "child_end", "step_end"), [(0, 0, 0), (0, 1, 5), (0, 5, 5), (3, 9, 13), (0, 61, 65)]
)
def test_the_step_polls_every_five_seconds_from_its_start(start, child_end, step_end):
    assert _step_end(start, child_end) == step_end


# --- several ticks -------------------------------------------------------------------------------

HOURLY_SLOW = {"stages": [[child("a")]]}


def test_forbid_skips_an_overlapping_tick():
    """cron/operator.go enforceRuntimePolicy: Forbid with status.active non-empty."""
    simulation = run(plan(**HOURLY_SLOW, concurrencyPolicy="Forbid"), runs=3, durations={"a": 5400})
    assert [(t.at, t.what) for t in simulation.ticks] == [
        (0, "run 1 starts"),
        (3600, "Forbid: skipped, run 1 still active"),
        (7200, "run 2 starts"),
    ]
    assert [(r.number, r.start, r.end) for r in simulation.runs] == [(1, 0, 5400), (2, 7200, 12600)]


def test_a_run_is_active_until_the_next_ten_second_sync_after_it_ended():
    """cron/controller.go: status.active is pruned every CRON_SYNC_PERIOD (10 s)."""
    simulation = run(plan(**HOURLY_SLOW, concurrencyPolicy="Forbid"), runs=2, durations={"a": 3595})
    assert [t.what for t in simulation.ticks] == [
        "run 1 starts",
        "Forbid: skipped, run 1 still active",
    ]


def test_replace_terminates_the_running_run_and_its_exit_handler_does_not_run():
    """cron/operator.go terminateOutstandingWorkflows; ShouldExecute(Terminate) is false."""
    pipeline = plan(**HOURLY_SLOW, concurrencyPolicy="Replace", onExit=child("notify"))
    simulation = run(pipeline, runs=2, durations={"a": 5400})
    assert [(t.at, t.what) for t in simulation.ticks] == [
        (0, "run 1 starts"),
        (3600, "Replace: terminates run 1"),
        (3600, "run 2 starts"),
    ]
    first, second = simulation.runs
    assert (first.phase, first.message, first.end, first.terminated) == (
        "Failed",
        "Stopped with strategy 'Terminate'",
        3600,
        True,
    )
    a, notify = first.children
    assert (a.phase, a.end, a.message, a.child_end) == (
        "Failed",
        3600,
        "workflow shutdown with strategy:  Terminate",
        5400,
    )
    assert "its child runs on after the run was terminated (argo #8364)" in a.notes
    assert (notify.phase, notify.message) == (
        NOT_RUN,
        "never ran: a terminated run runs no exit handler",
    )
    assert (second.start, second.phase, second.children[-1].phase) == (
        3600,
        "Succeeded",
        "Succeeded",
    )


def test_forbid_with_a_starting_deadline_starts_the_skipped_tick_late():
    """cron/operator.go shouldOutstandingWorkflowsBeRun: the latest missed tick, within
    startingDeadlineSeconds, when the CronWorkflow is next updated (the active run pruned)."""
    pipeline = plan(**HOURLY_SLOW, concurrencyPolicy="Forbid", startingDeadlineSeconds=300)
    simulation = run(pipeline, runs=2, durations={"a": 3660})
    assert [(t.at, t.what) for t in simulation.ticks] == [
        (0, "run 1 starts"),
        (3600, "Forbid: skipped, run 1 still active"),
        (3670, "run 2 starts late for the skipped tick (startingDeadlineSeconds)"),
    ]
    late = simulation.runs[1]
    assert (late.late, late.start, late.name) == (
        True,
        3670,
        f"sim-{int(ORIGIN.timestamp()) + 7200}",
    )


def test_past_the_starting_deadline_the_skipped_tick_is_lost():
    pipeline = plan(**HOURLY_SLOW, concurrencyPolicy="Forbid", startingDeadlineSeconds=60)
    simulation = run(pipeline, runs=2, durations={"a": 3660})
    assert simulation.ticks[-1].what == (
        "the skipped tick is not started late: 70s after it, past startingDeadlineSeconds 60"
    )
    assert len(simulation.runs) == 1


def test_allow_lets_runs_overlap():
    simulation = run(plan(**HOURLY_SLOW), runs=2, durations={"a": 5400})
    assert [(r.start, r.end) for r in simulation.runs] == [(0, 5400), (3600, 9000)]


def test_a_suspended_cron_workflow_starts_nothing():
    simulation = run(plan(**HOURLY_SLOW, suspend=True), runs=2)
    assert simulation.runs == ()
    assert [t.what for t in simulation.ticks] == ["suspended: no run", "suspended: no run"]
    assert simulation.notes == ("the CronWorkflow is suspended: no tick starts a run",)


def test_runs_are_named_as_argo_names_them():
    """cron/operator.go getChildWorkflowName: <cron>-<scheduled unix seconds>."""
    simulation = run(plan(**HOURLY_SLOW), runs=2)
    start = int(ORIGIN.timestamp())
    assert [r.name for r in simulation.runs] == [f"sim-{start + 3600}", f"sim-{start + 7200}"]


def test_a_scenario_naming_unknown_steps_is_refused():
    with pytest.raises(SimulationError) as caught:
        run(plan(**TWO_STAGES), failures={"x": None}, durations={"y": 5})
    assert str(caught.value) == "sim has no step 'x', 'y': its steps are a, b, c"


def test_a_when_argo_only_knows_at_run_time_is_taken_as_true():
    pipeline = plan(
        stages=[[child("a", when="{{workflow.creationTimestamp.H}} > 6")]],
    )
    (a,) = run(pipeline).runs[0].children
    assert a.phase == "Succeeded"
    assert a.notes == (
        "when '{{workflow.creationTimestamp.H}} > 6' is taken as true: "
        "{{workflow.creationTimestamp.H}} is only known at run time",
    )


def test_a_schedule_that_stops_simulates_the_ticks_there_are():
    """robfig gives up after five years without a match: `0 0 30 2 *` never fires."""
    simulation = run(plan(schedule="0 0 30 2 *", stages=[[child("a")]]), runs=3)
    assert (simulation.tick_count, simulation.runs) == (0, ())
    assert simulation.notes == ("the schedule fires 0 times in the five years robfig searches",)


def test_an_orchestrator_template_is_followed_to_the_same_plan():
    """`orchestratorTemplate: true` moves the orchestrator into a WorkflowTemplate the
    CronWorkflow references: the plan read through the reference is the inline one."""
    fields = {
        "stages": [[child("a")], [child("b", optional=True)]],
        "templates": [template(retryStrategy={"limit": 2})],
        "parameters": [{"name": "region", "value": "eu"}],
        "maxParallel": 3,
    }
    inline = plan(**fields)
    referenced = plan(orchestratorTemplate=True, **fields)
    assert referenced == inline
    assert referenced.parameters == {"region": "eu"}
    assert [c.name for stage in referenced.stages for c in stage] == ["a", "b"]
    assert referenced.stages[0][0].retry is not None and referenced.parallelism == 3


def test_a_retry_limit_past_a_hundred_attempts_is_followed_to_its_end():
    """Attempt 121 of `limit: 150` succeeds in Argo: the simulation does not stop at 100."""
    pipeline = plan(templates=[template(retryStrategy={"limit": 150})])
    (found,) = outline(run(pipeline, failures={"work": 120}))
    assert [(step, phase, attempts) for step, phase, _, _, attempts in found] == [
        ("work", "Succeeded", 121)
    ]
    (found,) = outline(run(pipeline, failures={"work": None}))
    assert [(phase, attempts) for _, phase, _, _, attempts in found] == [("Failed", 151)]


def test_a_limit_beyond_what_the_simulation_follows_is_one_error():
    pipeline = plan(templates=[template(retryStrategy={"limit": 2147483647})])
    with pytest.raises(SimulationError, match=r"^step 'work': retryStrategy.limit 2147483647 "):
        run(pipeline, failures={"work": None})


def test_without_a_limit_the_note_says_argo_retries_without_end():
    pipeline = plan(templates=[template(retryStrategy={"backoff": {"duration": "1s"}})])
    simulation = run(pipeline, failures={"work": None})
    (child,) = simulation.runs[0].children
    assert len(child.attempts) == 100
    assert "retryStrategy has no limit: Argo retries without end" in " ".join(child.notes)
