"""Argo's cron grammar and robfig/cron v3 Next(), with expectations worked out by hand.

Every expected run time below was derived from the rules (robfig's spec.go walk, Go's time.Date,
the zone's DST dates), not by running the code. Times are compared as UTC instants, because two
aware datetimes in the same zone compare by wall clock and ignore `fold`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration.syntax.robfig_cron import (
    DstTransition,
    dst_transitions,
    every_seconds,
    fold_weekdays,
    go_wall_time,
    iter_merged_runs,
    iter_runs,
    longest_gap,
    month_days,
    next_runs,
    schedule_problem,
    weekly_slots,
)

UTC = timezone.utc
ZURICH = ZoneInfo("Europe/Zurich")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
HAVANA = ZoneInfo("America/Havana")

OK = None

# (expression, None when Argo accepts it, else a fragment the reason must contain)
TABLE: list[tuple[str, str | None]] = [
    # --- accepted ---
    ("0 */4 * * *", OK),
    ("* * * * *", OK),
    ("59 23 31 12 6", OK),
    ("0 0 * * 0", OK),
    ("00 08 * * *", OK),  # leading zeros: Go's Atoi takes them
    ("5-10/2 * * * *", OK),
    ("5/15 * * * *", OK),  # `a/n` means a-max/n
    ("*/100 * * * *", OK),  # a step past the range just keeps the first value
    ("0 0 1,15 * *", OK),
    ("0 0 1,,15 * *", OK),  # robfig drops empty list items
    ("*-5 * * * *", OK),  # robfig ignores what follows `*-`
    ("0 0 ? * MON-FRI", OK),
    ("0 0 1 JAN *", OK),
    ("0 0 1 jan-Mar *", OK),
    ("0 0 * * sun,SAT", OK),
    ("0\t0 * * *", OK),  # tabs separate fields for both the CRD and robfig
    ("0  0 * * *", OK),
    ("0 0 30 2 *", OK),  # accepted although it never fires
    ("@yearly", OK),
    ("@annually", OK),
    ("@monthly", OK),
    ("@weekly", OK),
    ("@daily", OK),
    ("@midnight", OK),
    ("@hourly", OK),
    ("@every 1h30m", OK),
    ("@every 90s", OK),
    ("@every 500ms", OK),  # rounded up to 1s by robfig
    ("@every 10\u00b5s", OK),
    ("@every 0s", OK),
    # --- rejected: shape ---
    ("", "empty"),
    ("   ", "empty"),
    (" 0 * * * *", "leading or trailing whitespace"),
    ("0 * * * * ", "leading or trailing whitespace"),
    ("0 * * * *\n", "leading or trailing whitespace"),
    ("0 */4 * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
    ("0 0 0 * * *", "seconds field is not supported"),
    ("0 0 12 ? * MON 2026", "seconds and year fields are not supported"),
    ("TZ=UTC 0 * * * *", "TZ=/CRON_TZ= prefix"),
    ("CRON_TZ=Europe/Zurich 0 2 * * *", "TZ=/CRON_TZ= prefix"),
    ("0\u00a00 * * * *", "whitespace"),  # robfig would split on it, the CRD pattern refuses it
    ("0 0 * * 1;2", "unexpected character ';'"),
    ("0 0 * * 1+2", "unexpected character '+'"),
    # --- rejected: Quartz and other dialects ---
    ("0 0 L * *", "`L` is not supported"),
    ("0 0 * * 5L", "`L` is not supported"),
    ("0 0 15W * *", "`W` (nearest weekday) is not supported"),
    ("0 0 * * 1#2", "`#` (nth weekday of the month) is not supported"),
    ("H * * * *", "`H` (hashed value) is not supported"),
    # --- rejected: values and ranges ---
    ("60 * * * *", "minute value 60 out of range 0-59"),
    ("0 24 * * *", "hour value 24 out of range 0-23"),
    ("0 0 0 * *", "day-of-month value 0 out of range 1-31"),
    ("0 0 32 * *", "day-of-month value 32 out of range 1-31"),
    ("0 0 1 13 *", "month value 13 out of range 1-12"),
    ("0 0 1 0 *", "month value 0 out of range 1-12"),
    ("0 0 * * 7", "day-of-week value 7 out of range 0-6"),
    ("0 0 * * 1-7", "day-of-week value 7 out of range 0-6"),
    ("5-1 * * * *", "minute range '5-1' is reversed"),
    ("0 0 * DEC-JAN *", "month range 'DEC-JAN' is reversed"),
    ("1-2-3 * * * *", "more than one `-`"),
    ("1- * * * *", "has an empty value"),
    ("*/0 * * * *", "minute step in '*/0' must be greater than 0"),
    ("0 5/0 * * *", "hour step in '5/0' must be greater than 0"),
    ("*/-1 * * * *", "must be greater than 0"),
    ("*/ * * * *", "empty step"),
    ("*/2/3 * * * *", "more than one `/`"),
    ("*/x * * * *", "minute step 'x' in '*/x' is not a number"),
    ("0 0 1 JANUARY *", "month value 'JANUARY' is not a number or a name (jan-dec)"),
    ("0 0 * * MONDAY", "day-of-week value 'MONDAY' is not a number or a name (sun-sat)"),
    ("0 0 MON * *", "day-of-month value 'MON' is not a number"),
    ("0 0 * */JAN *", "is not a number"),  # steps take no names
    ("99999999999999999999 * * * *", "out of range 0-59"),
    ("0 " + "9" * 5000 + " * * *", "out of range 0-23"),  # no int(str) digit-limit crash
    ("0 0 0000000000000000000000001 * *", OK),  # Go's Atoi reads any number of leading zeros
    ("*/99999999999999999999 * * * *", "too large"),
    # --- rejected: descriptors ---
    ("@hourlyy", "unknown descriptor @hourlyy"),
    ("@reboot", "unknown descriptor @reboot"),
    ("@Hourly", "descriptors are lowercase"),
    ("@daily 0", "takes nothing after it"),
    ("@every", "`@every` needs a duration"),
    ("@every 1.5h", "fractional duration"),
    ("@every 1d", "not a Go duration unit"),
    ("@every 1h 30m", "invalid duration"),
    ("@every  1h", "exactly one space"),
    ("@every\t1h", "exactly one space"),
    ("@every -1h", "invalid duration"),
    ("@every 1H", "invalid duration"),
    ("@every 1h30", "invalid duration"),
    ("@every 1\u03bcs", "invalid duration"),  # Go takes the Greek mu, the CRD only the micro sign
    ("@every 2562048h", "too large"),  # just past Go's 2562047h47m16.854775807s
]


@pytest.mark.parametrize(("expression", "expected"), TABLE, ids=[repr(e) for e, _ in TABLE])
def test_schedule_problem(expression: str, expected: str | None) -> None:
    problem = schedule_problem(expression)
    if expected is None:
        assert problem is None, problem
    else:
        assert problem is not None, f"{expression!r} should be rejected"
        assert expected in problem
        assert "\n" not in problem


def test_table_is_large_and_unique() -> None:
    expressions = [e for e, _ in TABLE]
    assert len(expressions) >= 40
    assert len(set(expressions)) == len(expressions)


def utc(*fields: int) -> datetime:
    """A UTC datetime from (year, month, day[, hour[, minute[, second]]])."""
    return datetime(*fields, tzinfo=UTC)  # type: ignore[arg-type]


def instants(runs: list[datetime]) -> list[datetime]:
    return [r.astimezone(UTC) for r in runs]


# --- plain schedules (UTC) ---


def test_every_four_hours_strictly_after_start() -> None:
    assert instants(next_runs("0 */4 * * *", None, utc(2026, 1, 1, 10, 0), 3)) == [
        utc(2026, 1, 1, 12),
        utc(2026, 1, 1, 16),
        utc(2026, 1, 1, 20),
    ]
    # start exactly on a run: that run is not repeated
    assert instants(next_runs("0 */4 * * *", "UTC", utc(2026, 1, 1, 12), 1)) == [
        utc(2026, 1, 1, 16)
    ]


def test_start_in_another_zone_is_the_same_instant() -> None:
    start = datetime(2026, 1, 1, 0, 0, tzinfo=NEW_YORK)  # 05:00 UTC
    assert instants(next_runs("0 * * * *", None, start, 1)) == [utc(2026, 1, 1, 6)]


def test_day_of_month_or_day_of_week_when_neither_is_a_star() -> None:
    # 1st of the month OR Monday: Sun 1 Feb (the 1st), Mon 2 Feb, Mon 9 Feb.
    runs = next_runs("0 0 1 * 1", None, utc(2026, 1, 29, 12), 3)
    assert instants(runs) == [utc(2026, 2, 1), utc(2026, 2, 2), utc(2026, 2, 9)]


def test_day_fields_and_when_one_is_a_star_or_question_mark() -> None:
    # `?` is a star: weekdays only, from Friday 2 Jan 2026 noon.
    runs = next_runs("0 0 ? * MON-FRI", None, utc(2026, 1, 2, 12), 3)
    assert instants(runs) == [utc(2026, 1, 5), utc(2026, 1, 6), utc(2026, 1, 7)]
    # `*/1` keeps the star bit: Mondays only.
    runs = next_runs("0 0 */1 * 1", None, utc(2026, 1, 2), 2)
    assert instants(runs) == [utc(2026, 1, 5), utc(2026, 1, 12)]


def test_stepped_star_is_not_a_star_for_the_day_rule() -> None:
    # robfig clears the star bit for `*/10`, so days 1,11,21,31 OR Mondays.
    runs = next_runs("0 0 */10 * 1", None, utc(2026, 1, 2), 7)
    assert instants(runs) == [
        utc(2026, 1, 5),  # Monday
        utc(2026, 1, 11),  # the 11th (a Sunday)
        utc(2026, 1, 12),  # Monday
        utc(2026, 1, 19),  # Monday
        utc(2026, 1, 21),  # the 21st (a Wednesday)
        utc(2026, 1, 26),  # Monday
        utc(2026, 1, 31),  # the 31st (a Saturday)
    ]


def test_month_names_any_case() -> None:
    runs = next_runs("30 6 1 JAN,jul *", None, utc(2026, 3, 10), 3)
    assert instants(runs) == [
        utc(2026, 7, 1, 6, 30),
        utc(2027, 1, 1, 6, 30),
        utc(2027, 7, 1, 6, 30),
    ]


def test_start_with_step_runs_to_the_end_of_the_range() -> None:
    runs = next_runs("5/15 * * * *", None, utc(2026, 1, 1, 10), 5)
    assert instants(runs) == [
        utc(2026, 1, 1, 10, 5),
        utc(2026, 1, 1, 10, 20),
        utc(2026, 1, 1, 10, 35),
        utc(2026, 1, 1, 10, 50),
        utc(2026, 1, 1, 11, 5),
    ]


def test_leap_day_within_robfigs_five_year_search() -> None:
    runs = next_runs("0 12 29 2 *", None, utc(2026, 1, 1), 2)
    assert instants(runs) == [utc(2028, 2, 29, 12), utc(2032, 2, 29, 12)]


def test_robfig_gives_up_after_five_years() -> None:
    # 2100 is not a leap year: from March 2096 the next 29 February is in 2104, past 2101.
    assert next_runs("0 0 29 2 *", None, utc(2096, 3, 1), 1) == []
    # From 2099 the limit is 2104, and 2104 is not past it.
    assert instants(next_runs("0 0 29 2 *", None, utc(2099, 1, 1), 1)) == [utc(2104, 2, 29)]


def test_a_schedule_that_never_fires_yields_nothing() -> None:
    assert next_runs("0 0 30 2 *", None, utc(2026, 1, 1), 3) == []


def test_descriptors() -> None:
    start = utc(2026, 1, 1)  # a Thursday, exactly midnight
    assert instants(next_runs("@yearly", None, start, 2)) == [utc(2027, 1, 1), utc(2028, 1, 1)]
    assert instants(next_runs("@annually", None, start, 1)) == [utc(2027, 1, 1)]
    assert instants(next_runs("@monthly", None, utc(2026, 1, 15), 2)) == [
        utc(2026, 2, 1),
        utc(2026, 3, 1),
    ]
    assert instants(next_runs("@weekly", None, start, 2)) == [utc(2026, 1, 4), utc(2026, 1, 11)]
    late = datetime(2026, 2, 28, 23, 59, 59, 999_999, tzinfo=UTC)
    assert instants(next_runs("@daily", None, late, 1)) == [utc(2026, 3, 1)]
    assert instants(next_runs("@midnight", None, late, 1)) == [utc(2026, 3, 1)]
    assert instants(next_runs("@hourly", None, utc(2026, 1, 1, 10, 59, 59), 2)) == [
        utc(2026, 1, 1, 11),
        utc(2026, 1, 1, 12),
    ]


# --- @every ---


def test_every_adds_the_duration_to_the_whole_second() -> None:
    start = datetime(2026, 1, 1, 10, 0, 0, 700_000, tzinfo=UTC)
    assert instants(next_runs("@every 1h30m", None, start, 3)) == [
        utc(2026, 1, 1, 11, 30),
        utc(2026, 1, 1, 13, 0),
        utc(2026, 1, 1, 14, 30),
    ]


def test_every_below_a_second_becomes_a_second_and_fractions_are_truncated() -> None:
    start = datetime(2026, 1, 1, 10, 0, 0, 250_000, tzinfo=UTC)
    expected = [utc(2026, 1, 1, 10, 0, 1), utc(2026, 1, 1, 10, 0, 2)]
    assert instants(next_runs("@every 500ms", None, start, 2)) == expected
    assert instants(next_runs("@every 1500ms", None, start, 2)) == expected


def test_every_is_absolute_time_across_spring_forward() -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=ZURICH)  # CET, 23:30 UTC the day before
    runs = next_runs("@every 1h", "Europe/Zurich", start, 2)
    assert instants(runs) == [utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30)]
    assert [(r.hour, r.minute) for r in runs] == [(1, 30), (3, 30)]  # 02:30 does not exist


# --- time zones and DST ---


def test_zurich_spring_forward_skips_the_0230_run() -> None:
    # 2026-03-29: 02:00 CET becomes 03:00 CEST, so 02:30 never happens that day.
    start = datetime(2026, 3, 27, 12, tzinfo=ZURICH)
    runs = next_runs("30 2 * * *", "Europe/Zurich", start, 3)
    assert instants(runs) == [
        utc(2026, 3, 28, 1, 30),  # 02:30 CET
        utc(2026, 3, 30, 0, 30),  # 02:30 CEST, 29 March skipped
        utc(2026, 3, 31, 0, 30),
    ]
    assert all(r.tzinfo is ZURICH and (r.hour, r.minute) == (2, 30) for r in runs)


def test_zurich_fall_back_runs_0230_twice() -> None:
    # 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:30 happens at 00:30 and 01:30 UTC.
    start = datetime(2026, 10, 24, 12, tzinfo=ZURICH)
    runs = next_runs("30 2 * * *", "Europe/Zurich", start, 3)
    assert instants(runs) == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 1, 30),
        utc(2026, 10, 26, 1, 30),
    ]
    assert [r.utcoffset() for r in runs] == [timedelta(hours=h) for h in (2, 1, 1)]
    assert [r.fold for r in runs] == [0, 1, 0]


def test_hourly_is_evenly_spaced_through_both_zurich_changes() -> None:
    spring = datetime(2026, 3, 29, 0, 30, tzinfo=ZURICH)
    assert instants(next_runs("@hourly", "Europe/Zurich", spring, 3)) == [
        utc(2026, 3, 29, 0),  # 01:00 CET
        utc(2026, 3, 29, 1),  # 03:00 CEST
        utc(2026, 3, 29, 2),  # 04:00 CEST
    ]
    fall = datetime(2026, 10, 25, 1, 30, tzinfo=ZURICH)  # CEST
    assert instants(next_runs("@hourly", "Europe/Zurich", fall, 3)) == [
        utc(2026, 10, 25, 0),  # 02:00 CEST
        utc(2026, 10, 25, 1),  # 02:00 CET
        utc(2026, 10, 25, 2),  # 03:00 CET
    ]


def test_argo_docs_los_angeles_tables() -> None:
    """The DST tables in Argo's cron-workflows docs (America/Los_Angeles, 2020)."""
    tz = "America/Los_Angeles"
    spring = datetime(2020, 3, 7, 3, tzinfo=LOS_ANGELES)
    assert instants(next_runs("0 2 * * *", tz, spring, 3)) == [
        utc(2020, 3, 9, 9),  # 02:00 PDT; 8 March skipped
        utc(2020, 3, 10, 9),
        utc(2020, 3, 11, 9),
    ]
    fall = datetime(2020, 10, 31, 12, tzinfo=LOS_ANGELES)
    assert instants(next_runs("59 1 * * *", tz, fall, 3)) == [
        utc(2020, 11, 1, 8, 59),  # 01:59 PDT
        utc(2020, 11, 1, 9, 59),  # 01:59 PST
        utc(2020, 11, 2, 9, 59),
    ]
    assert instants(next_runs("0 2 * * *", tz, fall, 2)) == [
        utc(2020, 11, 1, 10),  # 02:00 PST, once
        utc(2020, 11, 2, 10),
    ]


def test_new_york_fall_back_runs_0130_twice() -> None:
    start = datetime(2026, 10, 31, 12, tzinfo=NEW_YORK)
    runs = next_runs("30 1 * * *", "America/New_York", start, 3)
    assert instants(runs) == [
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 6, 30),  # 01:30 EST
        utc(2026, 11, 2, 6, 30),
    ]


def test_missing_midnight_follows_go_time_date() -> None:
    # Havana skips 00:00-01:00 on Sunday 2026-03-08. robfig's day loop asks Go for
    # 8 March 00:00; Go answers 7 March 23:00 CST, robfig adds an hour (01:00 CDT), and the
    # Sunday noon run happens. Python's fold rule would give 01:00 CDT, robfig would subtract
    # an hour back into Saturday, and the run would move to 15 March.
    start = datetime(2026, 3, 6, 13, tzinfo=HAVANA)
    runs = next_runs("0 12 * * 0", "America/Havana", start, 2)
    assert instants(runs) == [utc(2026, 3, 8, 16), utc(2026, 3, 15, 16)]


def test_daily_midnight_is_skipped_where_midnight_does_not_exist() -> None:
    start = datetime(2026, 3, 7, 12, tzinfo=HAVANA)
    runs = next_runs("@daily", "America/Havana", start, 2)
    assert instants(runs) == [utc(2026, 3, 9, 4), utc(2026, 3, 10, 4)]  # 00:00 CDT


# --- errors ---


@pytest.mark.parametrize("expression", ["0 0 L * *", "@every 1.5h", "", "0 0 0 * * *"])
def test_next_runs_rejects_invalid_expressions(expression: str) -> None:
    with pytest.raises(ValueError):
        next_runs(expression, None, utc(2026, 1, 1), 1)


def test_next_runs_rejects_unknown_zone_naive_start_and_negative_count() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        next_runs("0 * * * *", "Mars/Olympus_Mons", utc(2026, 1, 1), 1)
    with pytest.raises(ValueError, match="aware"):
        next_runs("0 * * * *", None, datetime(2026, 1, 1), 1)
    with pytest.raises(ValueError, match="count"):
        next_runs("0 * * * *", None, utc(2026, 1, 1), -1)
    assert next_runs("0 * * * *", None, utc(2026, 1, 1), 0) == []


# --- DST transitions ---


def test_dst_transitions_zurich_2026() -> None:
    found = dst_transitions("Europe/Zurich", utc(2026, 1, 1), utc(2026, 12, 31))
    assert [t.at.astimezone(UTC) for t in found] == [utc(2026, 3, 29, 1), utc(2026, 10, 25, 1)]
    spring, fall = found
    assert spring.skipped and not fall.skipped
    assert (spring.offset_before, spring.offset_after) == (timedelta(hours=1), timedelta(hours=2))
    assert (fall.offset_before, fall.offset_after) == (timedelta(hours=2), timedelta(hours=1))
    assert (spring.wall_start, spring.wall_end) == (
        datetime(2026, 3, 29, 2),
        datetime(2026, 3, 29, 3),
    )
    assert (fall.wall_start, fall.wall_end) == (
        datetime(2026, 10, 25, 2),
        datetime(2026, 10, 25, 3),
    )
    assert spring.covers(datetime(2026, 3, 29, 2, 30))
    assert not spring.covers(datetime(2026, 3, 29, 3, 0))
    assert not spring.covers(datetime(2026, 3, 28, 2, 30))


def test_dst_transitions_mark_the_doubled_runs() -> None:
    start = datetime(2026, 10, 24, 12, tzinfo=ZURICH)
    runs = next_runs("30 2 * * *", "Europe/Zurich", start, 3)
    (fall,) = dst_transitions("Europe/Zurich", start, runs[-1])
    assert [fall.covers(r) for r in runs] == [True, True, False]


def test_dst_transitions_none_in_utc_or_outside_the_window() -> None:
    assert dst_transitions("UTC", utc(2026, 1, 1), utc(2027, 1, 1)) == []
    assert dst_transitions("Europe/Zurich", utc(2026, 4, 1), utc(2026, 10, 1)) == []
    # the window is (start, end]: a change exactly at `end` is included, at `start` not
    at_change = utc(2026, 3, 29, 1)
    assert len(dst_transitions("Europe/Zurich", utc(2026, 3, 29), at_change)) == 1
    assert dst_transitions("Europe/Zurich", at_change, utc(2026, 3, 30)) == []


def test_dst_transition_is_a_plain_value() -> None:
    a = DstTransition(
        datetime(2026, 3, 29, 3, tzinfo=ZURICH), timedelta(hours=1), timedelta(hours=2)
    )
    (b,) = dst_transitions("Europe/Zurich", utc(2026, 3, 1), utc(2026, 4, 1))
    assert a == b


# --- runs as a stream, several schedules together ---


def test_iter_runs_continues_next_runs() -> None:
    start = utc(2026, 3, 28)
    stream = iter_runs("30 2 * * *", "Europe/Zurich", start)
    assert instants([next(stream) for _ in range(5)]) == instants(
        next_runs("30 2 * * *", "Europe/Zurich", start, 5)
    )


def test_merged_runs_are_in_time_order_and_each_instant_once() -> None:
    # 13:30 on Saturdays twice (both schedules fire it): Argo names both runs the same, so the
    # second meets AlreadyExists; the stream has it once.
    runs = iter_merged_runs(["30 13 * * *", "30 13 * * 6"], "UTC", utc(2026, 1, 2, 14))
    assert instants([next(runs) for _ in range(3)]) == [
        utc(2026, 1, 3, 13, 30),
        utc(2026, 1, 4, 13, 30),
        utc(2026, 1, 5, 13, 30),
    ]


# --- weekly structure ---


@pytest.mark.parametrize(
    ("expression", "slots"),
    [
        ("0 9 * * 1-5", [540, 1980, 3420, 4860, 6300]),  # 09:00 Monday to Friday
        ("0 0 * * 0", [6 * 1440]),  # Sunday is the week's last day here
        ("@daily", [day * 1440 for day in range(7)]),
        ("0 0 ? * MON", [0]),
        ("30 12 1-31 * 1", [day * 1440 + 750 for day in range(7)]),  # both fields set: OR
        ("0 0 * 1-12 *", [day * 1440 for day in range(7)]),
    ],
)
def test_weekly_slots_of_schedules_that_repeat_every_week(expression: str, slots: list[int]):
    assert weekly_slots(expression) == tuple(slots)


@pytest.mark.parametrize("expression", ["0 0 1 * *", "0 0 * 1 *", "@monthly", "@every 4h"])
def test_schedules_that_do_not_repeat_every_week_have_no_weekly_slots(expression: str):
    assert weekly_slots(expression) is None


def test_every_seconds_is_robfigs_delay() -> None:
    assert every_seconds("@every 1h30m") == 5400
    assert every_seconds("@every 100ms") == 1  # robfig's minimum of one second
    assert every_seconds("0 * * * *") is None


@pytest.mark.parametrize(
    ("expression", "folded"),
    [
        ("0 9 * * *", "0 9 * * 1-5"),
        ("0 9 ? * *", "0 9 ? * 1-5"),
        ("0 9 * * MON-FRI", "0 9 * * MON-FRI"),  # already weekdays only: unchanged
        ("0 9 * * 0,3", "0 9 * * 3"),
        ("0 9 * * */2", "0 9 * * 2,4"),
        ("0 9 * 1-6 1,2,3,5,6", "0 9 * 1-6 1-3,5"),
        ("@daily", "0 0 * * 1-5"),
        ("@hourly", "0 * * * 1-5"),
        ("0 0 1 * *", None),  # a restricted day-of-month would be ORed with the weekdays
        ("0 0 */2 * 1", None),
        ("@monthly", None),
        ("@every 4h", None),
    ],
)
def test_fold_weekdays_only_where_exact(expression: str, folded: str | None) -> None:
    assert fold_weekdays(expression) == folded


def test_a_folded_schedule_fires_exactly_its_weekday_runs() -> None:
    start = utc(2026, 3, 1)
    for expression in ("0 9 * * *", "15 */6 * * 0,2,6", "@hourly"):
        folded = fold_weekdays(expression)
        assert folded is not None
        original = next_runs(expression, "Europe/Zurich", start, 400)
        weekdays = [r for r in original if r.isoweekday() <= 5]
        assert instants(next_runs(folded, "Europe/Zurich", start, len(weekdays))) == instants(
            weekdays
        )


def test_fold_weekdays_refuses_a_weekend_only_schedule() -> None:
    with pytest.raises(ValueError, match=r"^`@weekly` runs only on Saturdays or Sundays$"):
        fold_weekdays("@weekly")


def test_month_days_when_the_day_of_month_alone_decides() -> None:
    assert month_days("0 0 28-31 * *") == frozenset({28, 29, 30, 31})
    assert month_days("@monthly") == frozenset({1})
    assert month_days("0 0 * * *") == frozenset(range(1, 32))
    assert month_days("0 0 1 * 1") is None  # ORed with Mondays
    assert month_days("@every 1h") is None


# --- Go's placement of a wall-clock time ---


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        # Zurich skips 02:00-03:00 on 2026-03-29: Go reads 02:30 with the offset before (+01:00)
        # unless that leaves the period, and the result lies in CEST: 03:30 CEST.
        ("Europe/Zurich", datetime(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 30)),
        # 02:30 happens twice on 2026-10-25: Go takes the later one (CET) east of UTC.
        ("Europe/Zurich", datetime(2026, 10, 25, 2, 30), utc(2026, 10, 25, 1, 30)),
        # New York repeats 01:30 on 2026-11-01: Go takes the earlier one (EDT) west of UTC.
        ("America/New_York", datetime(2026, 11, 1, 1, 30), utc(2026, 11, 1, 5, 30)),
        # New York skips 02:00-03:00 on 2026-03-08: there Go lands on 01:30 EST.
        ("America/New_York", datetime(2026, 3, 8, 2, 30), utc(2026, 3, 8, 6, 30)),
        (None, datetime(2026, 3, 29, 2, 30), utc(2026, 3, 29, 2, 30)),
    ],
)
def test_go_wall_time_follows_go_time_date(zone, wall, expected) -> None:
    # The four zoned cases were also run through Go 1.19's time.Date: the same instants.
    assert go_wall_time(zone, wall).astimezone(UTC) == expected


@settings(max_examples=60, deadline=None)
@given(
    expression=st.builds(
        "{} {} {} {} {}".format,
        st.sampled_from(["0", "*/20", "15,45"]),
        st.sampled_from(["*", "2", "*/5", "9-17"]),
        st.sampled_from(["*", "?", "*/1"]),
        st.sampled_from(["*", "1-6", "*/3"]),
        st.sampled_from(["*", "?", "0", "6", "0,6", "1-5", "*/2", "MON-SAT", "sun"]),
    ),
    zone=st.sampled_from(["Europe/Zurich", "America/New_York", "UTC"]),
    day=st.integers(0, 364),
)
def test_folding_weekdays_keeps_exactly_the_weekday_runs(expression, zone, day) -> None:
    start = utc(2026, 1, 1) + timedelta(days=day)
    original = next_runs(expression, zone, start, 300)
    weekdays = [run for run in original if run.isoweekday() <= 5]
    try:
        folded = fold_weekdays(expression)
    except ValueError:
        assert not weekdays
        return
    assert folded is not None  # the day-of-month is a star in every drawn expression
    assert instants(next_runs(folded, zone, start, len(weekdays))) == instants(weekdays)


# --- the longest wait between runs (the missed-run alert's window) ---------------------------

GAP_START = datetime(2026, 1, 1, tzinfo=UTC)
HOUR = 3600

# (schedules, zone, longest gap in seconds, why)
GAPS: list[tuple[list[str], str | None, int | None, str]] = [
    (["0 */4 * * *"], None, 4 * HOUR, "UTC has no clock change"),
    (["0 */4 * * *"], "Europe/Zurich", 5 * HOUR, "2026-10-25 00:00 CEST -> 04:00 CET"),
    (["30 2 * * *"], "Europe/Zurich", 47 * HOUR, "02:30 does not exist on 2026-03-29"),
    (["15 3 * * *"], "Europe/Zurich", 25 * HOUR, "03:15 CEST -> 03:15 CET the next day"),
    (["*/5 * * * 1-5"], "America/New_York", 49 * HOUR + 5 * 60, "a weekend with fall-back"),
    (["* * * * *"], "Europe/Zurich", 60, "every minute, even across both changes"),
    (["0 0 * * *"], "America/Santiago", 47 * HOUR, "midnight skipped on 2026-09-06"),
    (["30 1 * * *", "30 13 * * 6"], "Europe/Berlin", 25 * HOUR, "two schedules as one"),
    (["0 6 * * *", "0 18 * * *"], None, 12 * HOUR, "the union, not each schedule's gap"),
    (["0 0 29 2 *"], None, 1461 * 24 * HOUR, "leap days: 2028-02-29 to 2032-02-29"),
    (["0 0 30 2 *"], None, None, "never fires"),
    (["@every 90m"], None, 90 * 60, "a constant delay"),
    (["@every 2h", "0 0 * * *"], None, 2 * HOUR, "at most the shortest of the longest gaps"),
]


@pytest.mark.parametrize(("schedules", "zone", "expected", "why"), GAPS)
def test_longest_gap(schedules: list[str], zone: str | None, expected: int | None, why: str):
    assert longest_gap(schedules, zone, GAP_START) == expected, why


WALKED = [
    (["0 */4 * * *"], "Europe/Zurich"),
    (["30 2 * * *"], "Europe/Zurich"),
    (["*/20 1-3 * * *"], "Europe/London"),
    (["0 0 * * *"], "America/Santiago"),
    (["30 1 * * *"], "Australia/Lord_Howe"),
    (["45 23 * * 0"], "America/Havana"),
    (["0 1,2,3 * * *", "30 2 1 * *"], "Europe/Zurich"),
    (["*/7 2 * * *"], "Europe/Zurich"),
    (["0 12 * * 1-5"], "Pacific/Auckland"),
]


@pytest.mark.parametrize(("schedules", "zone"), WALKED)
def test_longest_gap_is_the_longest_gap_between_next_runs(schedules: list[str], zone: str):
    """The definition, run by brute force: every run of a year walked with robfig's Next."""
    end = GAP_START + timedelta(days=366)
    runs = sorted(run for schedule in schedules for run in _runs_until(schedule, zone, end))
    walked = max((b - a) // timedelta(seconds=1) for a, b in pairwise(runs))
    assert longest_gap(schedules, zone, GAP_START) == walked


def _runs_until(schedule: str, zone: str, end: datetime) -> list[datetime]:
    runs = [GAP_START]
    while runs[-1] < end:
        runs += [run.astimezone(UTC) for run in next_runs(schedule, zone, runs[-1], 200)]
    return [run for run in runs[1:] if run < end]


_ZONES = ["Europe/Zurich", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "UTC"]


@st.composite
def _sparse_schedules(draw: st.DrawFn) -> str:
    minutes = draw(st.lists(st.integers(0, 59), min_size=1, max_size=3, unique=True))
    hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=4, unique=True))
    days = draw(st.sampled_from(["*", "1-5", "0,6", "3"]))
    dom = draw(st.sampled_from(["*", "*", "1,15", "28-31"]))
    return f"{','.join(map(str, minutes))} {','.join(map(str, hours))} {dom} * {days}"


@settings(max_examples=25, deadline=None)
@given(st.lists(_sparse_schedules(), min_size=1, max_size=2), st.sampled_from(_ZONES))
def test_longest_gap_agrees_with_a_walk_of_next_runs(schedules: list[str], zone: str):
    end = GAP_START + timedelta(days=366)
    runs = sorted(run for schedule in schedules for run in _runs_until(schedule, zone, end))
    walked = max((b - a) // timedelta(seconds=1) for a, b in pairwise(runs))
    # Eight years see more than one: a month-end schedule waits longest in some later year.
    assert longest_gap(schedules, zone, GAP_START) >= walked
    if "28-31" not in "".join(schedules):
        assert longest_gap(schedules, zone, GAP_START) == walked
