"""`calendar:`: which runs are skipped (one predicate for the preview, backfill and the tests of
the compiled `when`), where `weekdaysOnly` folds into the schedule, and every bad calendar."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, load_pipeline
from pulumi_argo_orchestration.spec.calendar import (
    describe_calendar,
    effective_schedules,
    needs_when,
    runs_at,
    skip_reason,
)
from pulumi_argo_orchestration.spec.loading import parse_spec_text
from pulumi_argo_orchestration.spec.models import Calendar
from tests.conftest import minimal_spec


def problems(spec) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


@pytest.mark.parametrize(
    ("calendar", "day", "reason"),
    [
        ({"skipDates": ["2026-12-25"]}, date(2026, 12, 25), "a skip date"),
        ({"skipDates": ["2026-12-25"]}, date(2026, 12, 24), None),
        ({"weekdaysOnly": True}, date(2026, 12, 26), "a weekend"),  # Saturday
        ({"weekdaysOnly": True}, date(2026, 12, 27), "a weekend"),  # Sunday
        ({"weekdaysOnly": True}, date(2026, 12, 28), None),  # Monday
        ({"lastDayOfMonth": True}, date(2026, 12, 31), None),
        ({"lastDayOfMonth": True}, date(2027, 2, 28), None),
        ({"lastDayOfMonth": True}, date(2028, 2, 28), "not the last day of the month"),
        ({"lastDayOfMonth": True}, date(2028, 2, 29), None),  # a leap year
        ({"lastDayOfMonth": True}, date(2026, 4, 30), None),
        # The last day of the month on a Saturday: a weekday calendar still skips it.
        ({"lastDayOfMonth": True, "weekdaysOnly": True}, date(2026, 10, 31), "a weekend"),
    ],
)
def test_skip_reason(calendar, day, reason):
    assert skip_reason(Calendar.model_validate(calendar), day) == reason


def test_the_date_is_the_one_in_the_pipelines_zone():
    calendar = Calendar.model_validate({"skipDates": ["2026-12-25"]})
    zurich = ZoneInfo("Europe/Zurich")
    # 23:00 UTC on the 24th is midnight on the 25th in Zurich.
    moment = datetime(2026, 12, 24, 23, 0, tzinfo=ZoneInfo("UTC")).astimezone(zurich)
    assert not runs_at(calendar, moment)
    assert runs_at(calendar, moment.replace(hour=23, day=24))
    assert runs_at(None, moment)


def test_unquoted_yaml_dates_are_read_as_the_dates_written():
    spec = parse_spec_text("calendar: {skipDates: [2026-12-25, '2027-01-01']}", "pipeline.yaml")
    pipeline = load_pipeline(minimal_spec(**spec))
    assert pipeline.calendar is not None
    assert pipeline.calendar.skip_dates == ["2026-12-25", "2027-01-01"]


@pytest.mark.parametrize(
    ("schedules", "effective", "when"),
    [
        (["0 9 * * *"], ["0 9 * * 1-5"], False),
        (["0 9 * * *", "@hourly"], ["0 9 * * 1-5", "0 * * * 1-5"], False),
        (["0 9 1 * *"], ["0 9 1 * *"], True),  # the day-of-month is set: `when` checks weekends
        (["@every 4h"], ["@every 4h"], True),
    ],
)
def test_weekdays_only_folds_into_the_schedule_where_exact(schedules, effective, when):
    pipeline = load_pipeline(
        minimal_spec(schedule=None, schedules=schedules, calendar={"weekdaysOnly": True})
    )
    assert effective_schedules(pipeline) == effective
    assert needs_when(pipeline) is when


def test_skip_dates_and_last_day_of_month_need_when():
    for calendar in ({"skipDates": ["2026-12-25"]}, {"lastDayOfMonth": True}):
        pipeline = load_pipeline(minimal_spec(calendar=calendar))
        assert needs_when(pipeline)
        assert effective_schedules(pipeline) == ["0 2 * * *"]


def test_describe_calendar():
    calendar = Calendar.model_validate(
        {
            "weekdaysOnly": True,
            "lastDayOfMonth": True,
            "skipDates": ["2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01"],
        }
    )
    assert describe_calendar(calendar) == (
        "calendar: weekdays only; the last day of the month only; "
        "not on 2026-12-24, 2026-12-25, 2026-12-31 and 1 more dates"
    )


def test_every_bad_calendar_is_reported_with_its_path():
    assert problems(minimal_spec(calendar={})) == {
        "calendar": "skips nothing: set `skipDates`, `weekdaysOnly: true` or "
        "`lastDayOfMonth: true`, or leave `calendar` out"
    }
    assert problems(minimal_spec(calendar={"skipDates": ["2026-12-25", "25.12.2026"]})) == {
        "calendar.skipDates[1]": "invalid date '25.12.2026': use an ISO date such as '2026-12-25'"
    }
    assert problems(
        minimal_spec(calendar={"skipDates": ["2026-12-25", "2027-01-01", "2026-12-25"]})
    ) == {"calendar.skipDates[2]": "2026-12-25 is listed twice (first at calendar.skipDates[0])"}
    assert problems(minimal_spec(calendar={"weekendsOff": True})) == {
        "calendar.weekendsOff": "unknown field (did you mean 'weekdaysOnly'?)"
    }


def test_a_calendar_that_leaves_a_schedule_no_run_is_an_error():
    spec = minimal_spec(
        schedule=None,
        schedules=["@weekly", "0 0 1-27 * *"],
        calendar={"weekdaysOnly": True, "lastDayOfMonth": True},
    )
    assert problems(spec) == {
        "schedules[0]": "`@weekly` runs only on Saturdays or Sundays, so "
        "`calendar.weekdaysOnly` leaves it no run",
        "schedules[1]": "`0 0 1-27 * *` runs only on days 1-27 of the month, never on the last, "
        "so `calendar.lastDayOfMonth` leaves it no run",
    }
    assert problems(minimal_spec(schedule="@monthly", calendar={"lastDayOfMonth": True})) == {
        "schedule": "`@monthly` runs only on day 1 of the month, never on the last, so "
        "`calendar.lastDayOfMonth` leaves it no run"
    }


def test_too_many_skip_dates():
    days = [date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + i) for i in range(1001)]
    spec = minimal_spec(calendar={"skipDates": [d.isoformat() for d in days]})
    assert problems(spec) == {
        "calendar.skipDates": "1001 dates, at most 1000: they are written into the "
        "CronWorkflow's `when`, which Argo evaluates at every scheduled run"
    }


def test_argo_v3_5_takes_a_calendar_only_without_when():
    folded = load_pipeline(minimal_spec(argoVersion="3.5", calendar={"weekdaysOnly": True}))
    assert effective_schedules(folded) == ["0 2 * * 1-5"]
    assert problems(minimal_spec(argoVersion="3.5", calendar={"skipDates": ["2026-12-25"]})) == {
        "calendar": "skips runs with the CronWorkflow's `when`, which needs Argo v3.6 or later, "
        "and `argoVersion` is '3.5' (`weekdaysOnly` alone needs no `when` where the schedule's "
        "day-of-month is `*`)"
    }


def test_spec_file_camel_case_and_python_snake_case_are_the_same_calendar():
    from_yaml = load_pipeline(
        minimal_spec(**yaml.safe_load("calendar: {weekdaysOnly: true, lastDayOfMonth: true}"))
    )
    from_python = load_pipeline(
        {**minimal_spec(), "calendar": {"weekdays_only": True, "last_day_of_month": True}}
    )
    assert from_yaml.calendar == from_python.calendar
