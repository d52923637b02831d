"""`window:`: where a run's window starts, at DST changes above all, and every bad window.

The expected instants below were worked out from the schedules and the zones' DST dates (Zurich
changes on 2026-03-29 01:00 UTC and 2026-10-25 01:00 UTC); the year-long comparisons check the
computation against robfig's own previous run (`iter_merged_runs`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import SpecError, load_pipeline
from pulumi_argo_orchestration.spec.calendar import effective_schedules
from pulumi_argo_orchestration.spec.window import (
    FixedWindow,
    WallClockWindow,
    describe_window,
    window_plan,
    window_start,
    window_warnings,
)
from pulumi_argo_orchestration.syntax.robfig_cron import iter_merged_runs
from tests.conftest import minimal_spec

UTC = timezone.utc
SINCE_PREVIOUS = {"sincePreviousSchedule": True}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def pipeline(schedule, zone="Europe/Zurich", window=SINCE_PREVIOUS, **extra):
    schedules = [schedule] if isinstance(schedule, str) else schedule
    return load_pipeline(
        minimal_spec(schedule=None, schedules=schedules, timezone=zone, window=window, **extra)
    )


def problems(spec) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


# (schedule, zone, window, run, where its window starts)
DST_TABLE = [
    # Every 4 hours: the run after the skipped hour covers 3 hours, after the repeated one 5.
    ("0 */4 * * *", "Europe/Zurich", SINCE_PREVIOUS, utc(2026, 3, 29, 2), utc(2026, 3, 28, 23)),
    ("0 */4 * * *", "Europe/Zurich", SINCE_PREVIOUS, utc(2026, 10, 25, 3), utc(2026, 10, 24, 22)),
    ("0 */4 * * *", "Europe/Zurich", SINCE_PREVIOUS, utc(2026, 6, 1, 6), utc(2026, 6, 1, 2)),
    # Three a weekday: Monday's first run covers the weekend.
    (
        "0 6,12,18 * * 1-5",
        "Europe/Zurich",
        SINCE_PREVIOUS,
        utc(2026, 3, 30, 4),
        utc(2026, 3, 27, 17),
    ),
    # Every 15 minutes: 03:00 CEST follows 01:45 CET, and 02:00 CET follows 02:45 CEST.
    ("*/15 * * * *", "Europe/Zurich", SINCE_PREVIOUS, utc(2026, 3, 29, 1), utc(2026, 3, 29, 0, 45)),
    (
        "*/15 * * * *",
        "Europe/Zurich",
        SINCE_PREVIOUS,
        utc(2026, 10, 25, 1),
        utc(2026, 10, 25, 0, 45),
    ),
    # Daily at 02:30: the first 02:30 of the repeated hour is a day after the previous one.
    (
        "30 2 * * *",
        "Europe/Zurich",
        SINCE_PREVIOUS,
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 24, 0, 30),
    ),
    # New York at 01:30 EDT, the day the clocks go back.
    (
        "30 1 * * *",
        "America/New_York",
        SINCE_PREVIOUS,
        utc(2026, 11, 1, 5, 30),
        utc(2026, 10, 31, 5, 30),
    ),
    # A fixed length is absolute time, DST or not.
    ("0 */4 * * *", "Europe/Zurich", {"length": "4h"}, utc(2026, 3, 29, 2), utc(2026, 3, 28, 22)),
    (
        "0 */4 * * *",
        "Europe/Zurich",
        {"length": "90m"},
        utc(2026, 10, 25, 3),
        utc(2026, 10, 25, 1, 30),
    ),
    ("@every 90m", "Europe/Zurich", SINCE_PREVIOUS, utc(2026, 3, 29, 2), utc(2026, 3, 29, 0, 30)),
]


@pytest.mark.parametrize(("schedule", "zone", "window", "run", "start"), DST_TABLE)
def test_window_start_at_dst_changes(schedule, zone, window, run, start):
    plan = window_plan(pipeline(schedule, zone, window))
    assert plan is not None
    assert window_start(plan, run) == start


# The runs whose window misses robfig's previous run, over all of 2026 (a DST year in each zone).
YEAR_TABLE = [
    ("0 */4 * * *", "Europe/Zurich", []),
    ("0 6,12,18 * * 1-5", "Europe/Zurich", []),
    ("*/15 * * * *", "Europe/Zurich", []),
    ("0 9 * * MON", "Europe/Zurich", []),
    ("0 */4 * * *", "UTC", []),
    # The day after the skipped 02:30 (its window starts at the missing one: 03:30 CEST) and
    # the second 02:30 of the repeated hour (its window starts a day before, not an hour).
    ("30 2 * * *", "Europe/Zurich", [utc(2026, 3, 30, 0, 30), utc(2026, 10, 25, 1, 30)]),
]


@pytest.mark.parametrize(("schedule", "zone", "missed"), YEAR_TABLE)
def test_windows_start_at_the_previous_run_all_year(schedule, zone, missed):
    spec = pipeline(schedule, zone)
    plan = window_plan(spec)
    assert isinstance(plan, WallClockWindow)
    previous = None
    found = []
    for run in iter_merged_runs(effective_schedules(spec), zone, utc(2025, 12, 31)):
        if run.year > 2026:
            break
        if previous is not None and run.year == 2026 and window_start(plan, run) != previous:
            found.append(run.astimezone(UTC))
        previous = run.astimezone(UTC)
    assert found == missed


def test_hours_apart_subtract_on_the_wall_clock_minutes_apart_in_absolute_time():
    hours, minutes = window_plan(pipeline("0 */4 * * *")), window_plan(pipeline("*/15 * * * *"))
    assert hours == WallClockWindow("Europe/Zurich", None, (), 240, absolute=False)
    assert minutes == WallClockWindow("Europe/Zurich", None, (), 15, absolute=True)
    # Without a zone the controller's is used, unknown here: the wall clock.
    assert window_plan(pipeline("*/15 * * * *", None)) == WallClockWindow(None, None, (), 15)


def test_the_gap_table_lists_only_the_unusual_gaps_by_the_coarsest_key():
    plan = window_plan(pipeline("0 6,12,18 * * 1-5"))
    assert plan == WallClockWindow(
        "Europe/Zurich",
        "Mon 15:04",
        (("Mon 06:00", 3600), ("Tue 06:00", 720), ("Wed 06:00", 720), ("Thu 06:00", 720),
         ("Fri 06:00", 720)),
        360,
    )  # fmt: skip
    assert window_plan(pipeline("0,50 * * * *")) == WallClockWindow(
        "Europe/Zurich", "04", (("00", 10),), 50, absolute=True
    )
    assert window_plan(pipeline(["0 6 * * *", "0 18 * * *"])).layout is None  # 12h apart


def test_after_skip_dates_the_window_starts_at_the_last_run_before_them():
    spec = pipeline("0 6-18/4 * * *", calendar={"weekdaysOnly": True, "skipDates": ["2026-12-25"]})
    plan = window_plan(spec)
    assert isinstance(plan, WallClockWindow)
    # Friday the 25th is skipped: Monday 06:00 CET starts at Thursday 18:00 CET.
    assert plan.after_skips == (("2026-12-28T05:00:00Z", "2026-12-24T17:00:00Z"),)
    assert window_start(plan, utc(2026, 12, 28, 5)) == utc(2026, 12, 24, 17)
    assert window_start(plan, utc(2026, 12, 28, 9)) == utc(2026, 12, 28, 5)


def test_a_stretch_of_skip_dates_gives_one_start_before_all_of_it():
    days = [f"2026-12-{day:02d}" for day in range(20, 32)]  # 20th to 31st, weekends included
    spec = pipeline("*/30 9-17 * * 1-5", calendar={"skipDates": days})
    plan = window_plan(spec)
    assert isinstance(plan, WallClockWindow)
    # Friday 2027-01-01 09:00 CET starts at Friday 2026-12-18 17:30 CET.
    assert plan.after_skips == (("2027-01-01T08:00:00Z", "2026-12-18T16:30:00Z"),)


def test_fixed_and_every_plans():
    assert window_plan(pipeline("0 2 * * *", window={"length": "1h30m"})) == FixedWindow(5400)
    assert window_plan(pipeline("0 2 * * *", window={"length": "3600"})) == FixedWindow(3600)
    assert window_plan(pipeline(["@every 90m", "@every 90m"])) == FixedWindow(5400)
    assert window_plan(load_pipeline(minimal_spec())) is None


def test_describe_window():
    assert describe_window(pipeline("0 2 * * *", window={"length": "90m"}).window) == (
        "window: the 1h30m before the scheduled time"
    )
    assert describe_window(pipeline("0 2 * * *").window) == (
        "window: since the previous scheduled run"
    )


def test_every_bad_window_is_reported_with_its_path():
    assert problems(minimal_spec(window={})) == {
        "window": "set exactly one of `length` or `sincePreviousSchedule: true`"
    }
    assert problems(minimal_spec(window={"length": "4h", "sincePreviousSchedule": True})) == {
        "window": "set exactly one of `length` or `sincePreviousSchedule: true`"
    }
    for length in ("0s", "1.5s", "4d", "-1h"):
        assert problems(minimal_spec(window={"length": length})) == {
            "window.length": f"invalid window length {length!r}: use a Go duration of whole "
            "seconds, at least 1s ('4h', '90m', '1h30m') or seconds ('3600')"
        }
    clash = minimal_spec(window={"length": "4h"}, parameters=[{"name": "window-end", "value": "x"}])
    assert problems(clash) == {
        "parameters[0].name": "'window-end' is set by `window` (the run's time window): rename "
        "the parameter"
    }


def test_since_previous_schedule_needs_a_schedule_that_repeats_every_week():
    assert problems(minimal_spec(schedule="0 0 1 * *", window=SINCE_PREVIOUS)) == {
        "window.sincePreviousSchedule": "`0 0 1 * *` does not repeat every week (its "
        "day-of-month or month is not `*`), so the time since its previous run changes from "
        "month to month and Argo's expressions cannot compute it: use `window.length`, or a "
        "schedule whose day-of-month and month are `*`"
    }
    mixed = minimal_spec(schedule=None, schedules=["@every 1h", "0 2 * * *"], window=SINCE_PREVIOUS)
    assert problems(mixed) == {
        "window.sincePreviousSchedule": "the schedules mix `@every` with others or with other "
        "delays, so the time since the previous run is not fixed: use `window.length`"
    }


def test_a_gap_table_beyond_its_limit_is_refused():
    # Every 2 minutes on Mondays (the usual gap), every 3, 5, 7 and 11 on the next days: each
    # run from Tuesday to Friday needs its own entry.
    schedules = ["*/2 * * * 1", "*/3 * * * 2", "*/5 * * * 3", "*/7 * * * 4", "*/11 * * * 5"]
    spec = minimal_spec(schedule=None, schedules=schedules, window=SINCE_PREVIOUS)
    (message,) = problems(spec).values()
    assert message.startswith("the gaps between the schedules' runs need a table of ")
    assert message.endswith(
        " wall-clock times (at most 1000: it is written into the window's expression): use "
        "`window.length`"
    )


def test_children_may_read_the_window_only_when_there_is_one():
    child = {
        "name": "work",
        "workflowTemplate": "worker",
        "arguments": {"since": "{{workflow.parameters.window-start}}"},
    }
    assert problems(minimal_spec(stages=[[child]])) == {
        "stages[0][0].arguments.since": "references 'window-start', which the pipeline's "
        "`window` adds: set `window` (e.g. `window: {length: 4h}`)"
    }
    assert load_pipeline(minimal_spec(stages=[[child]], window={"length": "4h"}))


def test_warnings_name_the_runs_a_dst_change_puts_off():
    (warning,) = window_warnings(pipeline("30 2 * * *"))
    assert warning == (
        "nightly: `window.sincePreviousSchedule`: around the DST changes in Europe/Zurich, 2 "
        "run(s) in 2026 get a window that does not start at the previous run, e.g. the run at "
        "Mon 2026-03-30 02:30 CEST starts at Sun 2026-03-29 03:30 CEST and the previous run was "
        "at Sat 2026-03-28 02:30 CET; `schedule` marks them"
    )
    assert window_warnings(pipeline("0 */4 * * *")) == []
    assert window_warnings(pipeline("0 2 * * *", window={"length": "4h"})) == []


def test_warnings_say_which_skipped_runs_a_window_still_starts_at():
    (warning,) = window_warnings(pipeline("0 6 * * *", calendar={"lastDayOfMonth": True}))
    assert warning == (
        "nightly: `window.sincePreviousSchedule` starts each window at the schedule's previous "
        "run, also when the calendar skipped that run (the last day of the month): the run "
        "after it covers only the time since the skipped run"
    )
    assert window_warnings(pipeline("0 6 * * *", calendar={"skipDates": ["2026-12-25"]})) == []
    assert window_warnings(pipeline("0 6 * * *", calendar={"weekdaysOnly": True})) == []


def test_a_run_at_any_time_gets_a_window_ending_there():
    # A run submitted by hand has no slot: the usual gap applies.
    plan = window_plan(pipeline("0 */4 * * *"))
    assert plan is not None
    moment = utc(2026, 6, 1, 9, 13, 27)
    assert window_start(plan, moment) == moment - timedelta(hours=4)


# --- properties ---------------------------------------------------------------------------------

MINUTES = st.sampled_from(["0", "30", "*/15", "*/7", "5,35", "0-10/5", "59"])
HOURS = st.sampled_from(["*", "2", "*/4", "6-18/4", "1,13", "0-3", "23"])
WEEKDAYS = st.sampled_from(["*", "1-5", "MON", "0,6", "*/2", "2-4", "?"])
ZONES = st.sampled_from(["Europe/Zurich", "America/New_York", "Australia/Lord_Howe", "UTC"])


@st.composite
def weekly_schedules(draw: st.DrawFn) -> list[str]:
    count = draw(st.integers(1, 2))
    return [f"{draw(MINUTES)} {draw(HOURS)} * * {draw(WEEKDAYS)}" for _ in range(count)]


@settings(max_examples=60, deadline=None)
@given(schedules=weekly_schedules(), zone=ZONES, day=st.integers(0, 364))
def test_a_window_starts_at_the_previous_run_away_from_dst_changes(schedules, zone, day):
    """Away from DST changes the window is exactly the time since robfig's previous run."""
    from zoneinfo import ZoneInfo

    spec = pipeline(schedules, zone)
    plan = window_plan(spec)
    assert isinstance(plan, WallClockWindow)
    start = utc(2026, 1, 1) + timedelta(days=day)
    tz = ZoneInfo(zone)
    earlier: list[datetime] = []
    for count, run in enumerate(iter_merged_runs(effective_schedules(spec), zone, start)):
        if count == 60:
            break
        # The run, the previous one and the one before in the same UTC offset: no change in
        # between. The third is needed because robfig's minute loop can fire just after a change
        # at a time the hour field does not hold (01:59 + 1m is 02:30 at Lord Howe's half-hour
        # change, and `30 1 * * *` fires then: robfig/cron v3 spec.go, `Next`; so does v3.0.1 from
        # Debian, 2026-10-04T02:30:00+11:00 after 01:30+10:30); the window table, keyed by
        # wall-clock times, cannot know that run (docs/scheduling.md, "Around a DST change").
        offsets = {moment.astimezone(tz).utcoffset() for moment in [*earlier[-2:], run]}
        if len(earlier) >= 2 and len(offsets) == 1:
            assert window_start(plan, run) == earlier[-1].astimezone(UTC), run
        earlier.append(run)
