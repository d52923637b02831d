"""The window parameters: the expr expressions Argo evaluates, run through the emulation of
Argo's substitution (`tests/support/argo_substitution.py` with `expr_dates`), so a child's
arguments are shown to be the computed times, never the expression.

Each expression is also checked against `spec.window.window_start`, the Python computation the
preview and `run --child` use, for every run of 2026 in DST zones.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.argo.window import (
    window_end_expression,
    window_parameters,
    window_start_expression,
)
from pulumi_argo_orchestration.spec.calendar import effective_schedules
from pulumi_argo_orchestration.spec.window import (
    FixedWindow,
    WallClockWindow,
    window_plan,
    window_start,
)
from pulumi_argo_orchestration.syntax.rfc3339 import format_rfc3339
from pulumi_argo_orchestration.syntax.robfig_cron import iter_merged_runs
from tests.conftest import minimal_spec
from tests.support import argo_substitution as argo
from tests.support import expr_dates

UTC = timezone.utc
WINDOW_ARGUMENTS = {
    "since": "{{workflow.parameters.window-start}}",
    "until": "{{workflow.parameters.window-end}}",
}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def windowed(schedule, zone, window, **extra):
    child = {"name": "work", "workflowTemplate": "worker", "arguments": WINDOW_ARGUMENTS}
    return load_pipeline(
        minimal_spec(schedule=schedule, timezone=zone, window=window, stages=[[child]], **extra)
    )


def cron(pipeline):
    (document,) = [d for d in pipeline_manifests(pipeline) if d["kind"] == "CronWorkflow"]
    return document


def test_the_expressions_as_written():
    assert window_end_expression() == (
        "{{=date(workflow.scheduledTime ?? workflow.creationTimestamp.RFC3339)"
        ".UTC().Format('2006-01-02T15:04:05Z07:00')}}"
    )
    assert window_start_expression(FixedWindow(14400)) == (
        "{{=(date(workflow.scheduledTime ?? workflow.creationTimestamp.RFC3339) - "
        "duration('4h')).UTC().Format('2006-01-02T15:04:05Z07:00')}}"
    )
    local = (
        "date(workflow.scheduledTime ?? workflow.creationTimestamp.RFC3339)"
        ".In(timezone('Europe/Zurich'))"
    )
    assert window_start_expression(WallClockWindow("Europe/Zurich", None, (), 240)) == (
        "{{=date((date(" + local + ".Format('2006-01-02 15:04:05')) - duration('240m'))"
        ".Format('2006-01-02 15:04:05'), '2006-01-02 15:04:05', 'Europe/Zurich')"
        ".UTC().Format('2006-01-02T15:04:05Z07:00')}}"
    )
    table = WallClockWindow("Europe/Zurich", "04", (("00", 10),), 50, absolute=True)
    assert window_start_expression(table) == (
        "{{=(date(workflow.scheduledTime ?? workflow.creationTimestamp.RFC3339) - "
        "duration({'00': '10m'}[" + local + ".Format('04')] ?? '50m'))"
        ".UTC().Format('2006-01-02T15:04:05Z07:00')}}"
    )


def test_the_parameters_carry_a_description_for_argos_submit_form():
    pipeline = windowed("0 2 * * *", "UTC", {"length": "4h"})
    assert [(p["name"], p["description"]) for p in window_parameters(pipeline)] == [
        ("window-start", "Start of the run's time window (RFC 3339, UTC): the 4h before the "
         "scheduled time"),
        ("window-end", "End of the run's time window (RFC 3339, UTC): its scheduled time"),
    ]  # fmt: skip
    assert window_parameters(load_pipeline(minimal_spec())) == []


# (schedule, zone, window, scheduled-time annotation, window-start the child receives)
CHILD_TABLE = [
    ("0 */4 * * *", "Europe/Zurich", {"sincePreviousSchedule": True}, "2026-03-29T02:00:00Z",
     "2026-03-28T23:00:00Z"),
    ("0 */4 * * *", "Europe/Zurich", {"sincePreviousSchedule": True}, "2026-10-25T03:00:00Z",
     "2026-10-24T22:00:00Z"),
    # The cron controller writes the annotation in its own zone: an offset reads the same.
    ("0 */4 * * *", "Europe/Zurich", {"sincePreviousSchedule": True},
     "2026-03-29T04:00:00+02:00", "2026-03-28T23:00:00Z"),
    ("*/15 * * * *", "Europe/Zurich", {"sincePreviousSchedule": True}, "2026-03-29T01:00:00Z",
     "2026-03-29T00:45:00Z"),
    ("30 2 * * *", "Europe/Zurich", {"sincePreviousSchedule": True}, "2026-10-25T00:30:00Z",
     "2026-10-24T00:30:00Z"),
    ("0 */4 * * *", "Europe/Zurich", {"length": "4h"}, "2026-03-29T02:00:00Z",
     "2026-03-28T22:00:00Z"),
    ("@every 90m", "America/New_York", {"sincePreviousSchedule": True}, "2026-11-01T06:00:00Z",
     "2026-11-01T04:30:00Z"),
]  # fmt: skip


@pytest.mark.parametrize(("schedule", "zone", "window", "annotation", "start"), CHILD_TABLE)
def test_children_receive_the_computed_window_not_the_tag(
    schedule, zone, window, annotation, start
):
    pipeline = windowed(schedule, zone, window)
    child = argo.run_child(cron(pipeline), "work", scheduled_time=annotation)
    arguments = {p["name"]: p["value"] for p in child["spec"]["arguments"]["parameters"]}
    end = format_rfc3339(datetime.fromisoformat(annotation.replace("Z", "+00:00")))
    assert arguments == {"since": start, "until": end}
    plan = window_plan(pipeline)
    assert plan is not None
    assert format_rfc3339(window_start(plan, datetime.fromisoformat(end[:-1] + "+00:00"))) == start


def test_without_the_annotation_the_window_ends_at_the_creation_time():
    # A run submitted from the orchestrator's WorkflowTemplate has no scheduled time.
    pipeline = windowed("0 */4 * * *", "Europe/Zurich", {"length": "4h"})
    child = argo.run_child(cron(pipeline), "work")
    arguments = {p["name"]: p["value"] for p in child["spec"]["arguments"]["parameters"]}
    assert argo.CREATED == "2026-01-01T00:00:05Z"
    assert arguments == {"since": "2025-12-31T20:00:05Z", "until": "2026-01-01T00:00:05Z"}


def test_without_any_time_argo_would_pass_the_expression_on_unevaluated():
    # What the fallback prevents: expr fails on the missing variable, the tag stays as it is.
    expression = window_end_expression()[3:-2]
    assert argo.expression_replace(expression, {}) == "{{=" + expression + "}}"


@pytest.mark.parametrize(
    ("schedule", "zone", "calendar"),
    [
        ("0 */4 * * *", "Europe/Zurich", None),
        ("0 6,12,18 * * 1-5", "Europe/Zurich", None),
        ("*/20 * * * *", "Europe/Zurich", None),
        ("0,50 * * * *", "Australia/Lord_Howe", None),
        ("30 1 * * *", "America/New_York", None),
        ("0 6-18/4 * * *", "Europe/Zurich", {"weekdaysOnly": True, "skipDates": ["2026-03-27"]}),
    ],
)
def test_the_expression_and_the_python_computation_agree_all_year(schedule, zone, calendar):
    extra = {"calendar": calendar} if calendar else {}
    pipeline = windowed(schedule, zone, {"sincePreviousSchedule": True}, **extra)
    plan = window_plan(pipeline)
    assert plan is not None
    expression = window_start_expression(plan)[3:-2]
    count = 0
    for run in iter_merged_runs(effective_schedules(pipeline), zone, utc(2026, 1, 1)):
        if run.year > 2026 or count == 3000:
            break
        annotation = format_rfc3339(run)
        value = expr_dates.evaluate(expression, {"workflow.scheduledTime": annotation})
        assert value == format_rfc3339(window_start(plan, run)), annotation
        count += 1
    assert count > 300


def test_the_examples_children_receive_their_window_through_the_orchestrator_template():
    from pulumi_argo_orchestration.spec.loading import load_spec_file
    from tests.conftest import EXAMPLES

    pipeline = load_spec_file(EXAMPLES / "windowed-ingest" / "pipeline.yaml")
    cron = argo.inline_cron(pipeline_manifests(pipeline))
    # Monday 06:00 CET after the skipped Friday 2026-12-25: since Thursday's last run.
    for step in ("extract", "load"):
        child = argo.run_child(cron, step, scheduled_time="2026-12-28T05:00:00Z")
        arguments = {p["name"]: p["value"] for p in child["spec"]["arguments"]["parameters"]}
        assert arguments["since"] == "2026-12-24T17:00:00Z"
        assert arguments["until"] == "2026-12-28T05:00:00Z"


SCHEDULES = st.builds(
    "{} {} * * {}".format,
    st.sampled_from(["0", "*/15", "*/7", "5,35", "0-10/5"]),
    st.sampled_from(["*", "2", "*/4", "6-18/4", "1,13"]),
    st.sampled_from(["*", "1-5", "MON", "0,6", "?"]),
)
HOLIDAYS = {"calendar": {"skipDates": ["2026-03-27", "2026-10-23", "2026-12-25"]}}


@settings(max_examples=80, deadline=None)
@given(
    schedule=SCHEDULES,
    zone=st.sampled_from(["Europe/Zurich", "America/New_York", "Australia/Lord_Howe", "UTC"]),
    seconds=st.integers(1767225600, 1798761599),  # any second of 2026, a run or not
    skip=st.booleans(),
)
def test_the_expression_and_the_python_computation_agree_at_any_time(schedule, zone, seconds, skip):
    extra = HOLIDAYS if skip else {}
    pipeline = windowed(schedule, zone, {"sincePreviousSchedule": True}, **extra)
    plan = window_plan(pipeline)
    assert plan is not None
    moment = datetime.fromtimestamp(seconds, UTC)
    variables = {"workflow.scheduledTime": format_rfc3339(moment)}
    value = expr_dates.evaluate(window_start_expression(plan)[3:-2], variables)
    assert value == format_rfc3339(window_start(plan, moment))
