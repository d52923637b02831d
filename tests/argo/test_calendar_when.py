"""The calendar compiled into the CronWorkflow's `when`: the text, how it joins a `when` of the
spec's own, and its expr tag evaluated by the emulation (`tests/support/expr_dates.py`) at the
moments the schedule fires, against `spec.calendar.skip_reason`, the predicate `schedule` and
`backfill` use.

Argo replaces the tag and hands the text to govaluate (workflow/cron/operator.go, `evalWhen`,
`shouldExecute`): a tag that yields `true` or `false` is a govaluate boolean literal.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.argo.calendar_when import calendar_condition, cron_when, spec_when
from pulumi_argo_orchestration.spec.calendar import effective_schedules, skip_reason
from pulumi_argo_orchestration.syntax.robfig_cron import iter_merged_runs
from pulumi_argo_orchestration.syntax.template_text import tags
from tests.conftest import minimal_spec
from tests.support import expr_dates

UTC = timezone.utc
CALENDAR = {"skipDates": ["2026-12-25", "2027-01-01"], "weekdaysOnly": True}


def cron_spec(pipeline):
    (document,) = [d for d in pipeline_manifests(pipeline) if d["kind"] == "CronWorkflow"]
    return document["spec"]


def test_the_condition_as_written():
    pipeline = load_pipeline(
        minimal_spec(schedule="0 9 1 * *", timezone="Europe/Zurich", calendar=CALENDAR)
    )
    assert cron_when(pipeline) == (
        "{{= now().In(timezone('Europe/Zurich')).Format('2006-01-02') not in ['2026-12-25', "
        "'2027-01-01'] && now().In(timezone('Europe/Zurich')).Format('Mon') not in ['Sat', "
        "'Sun'] }}"
    )
    last = load_pipeline(minimal_spec(timezone=None, calendar={"lastDayOfMonth": True}))
    # Without a time zone the schedule and `now()` both follow the controller's clock.
    assert cron_when(last) == "{{= now().AddDate(0, 0, 1).Day() == 1 }}"


def test_folded_weekdays_need_no_condition():
    pipeline = load_pipeline(minimal_spec(calendar={"weekdaysOnly": True}))
    spec = cron_spec(pipeline)
    assert spec["schedules"] == ["0 2 * * 1-5"]
    assert "when" not in spec


def test_the_specs_own_when_is_kept_and_both_must_hold():
    own = "{{= cronworkflow.failed < 3 }}"
    pipeline = load_pipeline(
        minimal_spec(timezone="Europe/Zurich", when=own, calendar={"skipDates": ["2026-12-25"]})
    )
    condition = (
        "{{= now().In(timezone('Europe/Zurich')).Format('2006-01-02') not in ['2026-12-25'] }}"
    )
    assert cron_spec(pipeline)["when"] == f"({own}) && ({condition})"
    schedules = effective_schedules(pipeline)
    calendar = pipeline.calendar
    assert spec_when(f"({own}) && ({condition})", calendar, "Europe/Zurich", schedules) == own
    assert spec_when(condition, calendar, "Europe/Zurich", schedules) is None
    assert spec_when(own, None, "Europe/Zurich", schedules) == own


def test_only_single_quotes_inside_the_tag():
    # A double quote would break the JSON unmarshalling of the tag (expression_template.go).
    calendar = load_pipeline(minimal_spec(calendar=CALENDAR | {"lastDayOfMonth": True})).calendar
    assert calendar is not None
    assert '"' not in calendar_condition(calendar, "Europe/Zurich", weekdays=True)


def condition_at(condition: str, moment: datetime) -> bool:
    (tag,) = tags(condition)
    result = expr_dates.evaluate(tag[3:-2], {}, now=moment)
    assert isinstance(result, bool)
    return result


@pytest.mark.parametrize(
    ("schedule", "zone", "calendar"),
    [
        ("0 */4 * * *", "Europe/Zurich", {"skipDates": ["2026-03-29", "2026-10-25", "2026-12-25"]}),
        ("30 23 * * *", "America/New_York", {"lastDayOfMonth": True}),
        ("0 0 1,15 * *", "Asia/Kolkata", {"weekdaysOnly": True, "lastDayOfMonth": False}),
        ("0 0 28-31 * *", "Europe/Zurich", {"lastDayOfMonth": True, "weekdaysOnly": True}),
    ],
)
def test_the_condition_skips_exactly_what_the_predicate_skips(schedule, zone, calendar):
    pipeline = load_pipeline(minimal_spec(schedule=schedule, timezone=zone, calendar=calendar))
    condition = cron_when(pipeline)
    assert condition is not None
    kept = skipped = 0
    for run in iter_merged_runs(
        effective_schedules(pipeline), zone, datetime(2026, 1, 1, tzinfo=UTC)
    ):
        if run.year > 2026:
            break
        # The controller evaluates `when` a moment after the run is due.
        moment = run.astimezone(UTC) + timedelta(milliseconds=30)
        expected = skip_reason(pipeline.calendar, run.date()) is None
        assert condition_at(condition, moment) is expected, run
        kept, skipped = kept + expected, skipped + (not expected)
    assert kept and skipped


@pytest.mark.parametrize(
    ("moment", "kept"),
    [
        (datetime(2026, 12, 24, 22, 59, tzinfo=UTC), True),  # 23:59 on the 24th in Zurich
        (datetime(2026, 12, 24, 23, 0, tzinfo=UTC), False),  # midnight on the 25th in Zurich
        (datetime(2026, 12, 25, 22, 59, tzinfo=UTC), False),
        (datetime(2026, 12, 25, 23, 0, tzinfo=UTC), True),
    ],
)
def test_the_date_is_taken_in_the_pipelines_zone(moment, kept):
    pipeline = load_pipeline(
        minimal_spec(timezone="Europe/Zurich", calendar={"skipDates": ["2026-12-25"]})
    )
    condition = cron_when(pipeline)
    assert condition is not None
    assert condition_at(condition, moment) is kept
    local = moment.astimezone(ZoneInfo("Europe/Zurich"))
    assert (skip_reason(pipeline.calendar, local.date()) is None) is kept


@settings(max_examples=100, deadline=None)
@given(
    zone=st.sampled_from(["Europe/Zurich", "America/New_York", "Pacific/Chatham", None]),
    seconds=st.integers(1767225600, 1830297599),  # 2026 and 2027
    skip=st.lists(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=5, unique=True),
    weekdays=st.booleans(),
    last=st.booleans(),
)
def test_the_condition_and_the_predicate_agree_at_any_moment(zone, seconds, skip, weekdays, last):
    calendar = {"skipDates": [d.isoformat() for d in skip], "weekdaysOnly": weekdays}
    calendar["lastDayOfMonth"] = last or not (skip or weekdays)
    # `0 0 1 * *` keeps weekends in `when` too (its day-of-month cannot take them).
    pipeline = load_pipeline(
        minimal_spec(schedule="0 0 1,28-31 * *", timezone=zone, calendar=calendar)
    )
    condition = cron_when(pipeline)
    assert condition is not None
    moment = datetime.fromtimestamp(seconds, UTC)
    local = moment.astimezone(ZoneInfo(zone)) if zone else moment
    assert condition_at(condition, moment) is (skip_reason(pipeline.calendar, local.date()) is None)
