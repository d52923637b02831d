"""A pipeline's calendar: which scheduled runs are skipped, decided in one place.

Argo skips a run when the CronWorkflow's `when` is false at the moment the schedule fires
(workflow/cron/operator.go, `enforceRuntimePolicy` -> `evalWhen`); `argo.calendar_when`
compiles the calendar into that `when`. The preview (`schedule`) and `backfill`, which creates
runs the controller never sees, skip the same runs with `skip_reason`, on the run's date in the
pipeline's time zone. `weekdaysOnly` goes into the schedule's day-of-week field instead when that
is exact (`effective_schedules`), so the controller does not even fire on a weekend.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..errors import Problem
from ..syntax import robfig_cron
from .models import Calendar, PipelineFields

SKIP_DATES_MAX = 1000
_LAST_DAYS = frozenset({28, 29, 30, 31})


def skip_reason(calendar: Calendar | None, day: date) -> str | None:
    """Why the calendar skips runs on `day` (a date in the pipeline's zone), or None."""
    if calendar is None:
        return None
    if day.isoformat() in calendar.skip_dates:
        return "a skip date"
    if calendar.weekdays_only and day.weekday() >= 5:
        return "a weekend"
    if calendar.last_day_of_month and (day + timedelta(days=1)).day != 1:
        return "not the last day of the month"
    return None


def runs_at(calendar: Calendar | None, moment: datetime) -> bool:
    """Whether a run scheduled at `moment` (aware, in the pipeline's zone) starts."""
    return skip_reason(calendar, moment.date()) is None


def effective_schedules(pipeline: PipelineFields) -> list[str]:
    """The schedules as the CronWorkflow carries them: `weekdaysOnly` folded in where exact."""
    schedules = pipeline.all_schedules
    if pipeline.calendar is None or not pipeline.calendar.weekdays_only:
        return schedules
    folded = []
    for expression in schedules:
        try:
            folded.append(robfig_cron.fold_weekdays(expression) or expression)
        except ValueError:
            folded.append(expression)  # reported by calendar_problems
    return folded


def needs_when(pipeline: PipelineFields) -> bool:
    """Whether the calendar needs the CronWorkflow's `when` (Argo v3.6+) to skip runs."""
    calendar = pipeline.calendar
    if calendar is None:
        return False
    return bool(calendar.skip_dates or calendar.last_day_of_month) or weekdays_need_when(pipeline)


def weekdays_need_when(pipeline: PipelineFields) -> bool:
    """`weekdaysOnly` with a schedule whose day-of-week field cannot take it exactly."""
    return weekdays_need_when_for(pipeline.calendar, pipeline.all_schedules)


def weekdays_need_when_for(calendar: Calendar | None, schedules: list[str]) -> bool:
    """`weekdays_need_when` for the schedules as written, or as the CronWorkflow carries them:
    a folded schedule folds to itself."""
    return (
        calendar is not None
        and calendar.weekdays_only
        and any(_fold(expression) is None for expression in schedules)
    )


def describe_calendar(calendar: Calendar, shown: int = 3) -> str:
    """The calendar in words, for `graph` and `schedule`."""
    parts = []
    if calendar.weekdays_only:
        parts.append("weekdays only")
    if calendar.last_day_of_month:
        parts.append("the last day of the month only")
    if calendar.skip_dates:
        listed = ", ".join(calendar.skip_dates[:shown])
        more = len(calendar.skip_dates) - shown
        parts.append(f"not on {listed}" + (f" and {more} more dates" if more > 0 else ""))
    return "calendar: " + "; ".join(parts)


def _fold(expression: str) -> str | None:
    try:
        return robfig_cron.fold_weekdays(expression)
    except ValueError:
        return None


def calendar_problems(pipeline: PipelineFields) -> list[Problem]:
    """A calendar that skips nothing, lists a date twice, or leaves a schedule no run."""
    calendar = pipeline.calendar
    if calendar is None:
        return []
    if not (calendar.skip_dates or calendar.weekdays_only or calendar.last_day_of_month):
        return [
            Problem(
                "calendar",
                "skips nothing: set `skipDates`, `weekdaysOnly: true` or `lastDayOfMonth: true`, "
                "or leave `calendar` out",
            )
        ]
    problems: list[Problem] = []
    if len(calendar.skip_dates) > SKIP_DATES_MAX:
        problems.append(
            Problem(
                "calendar.skipDates",
                f"{len(calendar.skip_dates)} dates, at most {SKIP_DATES_MAX}: they are written "
                "into the CronWorkflow's `when`, which Argo evaluates at every scheduled run",
            )
        )
    first: dict[str, int] = {}
    for index, day in enumerate(calendar.skip_dates):
        if day in first:
            problems.append(
                Problem(
                    f"calendar.skipDates[{index}]",
                    f"{day} is listed twice (first at calendar.skipDates[{first[day]}])",
                )
            )
        first.setdefault(day, index)
    field = "schedule" if pipeline.schedule is not None else "schedules"
    for index, expression in enumerate(pipeline.all_schedules):
        path = field if pipeline.schedule is not None else f"{field}[{index}]"
        if calendar.weekdays_only:
            try:
                robfig_cron.fold_weekdays(expression)
            except ValueError as error:
                problems.append(
                    Problem(path, f"{error}, so `calendar.weekdaysOnly` leaves it no run")
                )
        days = robfig_cron.month_days(expression) if calendar.last_day_of_month else None
        if days is not None and not days & _LAST_DAYS:
            problems.append(
                Problem(
                    path,
                    f"`{expression}` runs only on {_days(days)} of the month, never on the "
                    "last, so `calendar.lastDayOfMonth` leaves it no run",
                )
            )
    return problems


def _days(days: frozenset[int]) -> str:
    """`day 1`, `days 1, 15`, `days 1-27`: consecutive days as a range."""
    ordered = sorted(days)
    parts = []
    start = previous = ordered[0]
    for day in [*ordered[1:], None]:
        if day is not None and day == previous + 1:
            previous = day
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if day is not None:
            start = previous = day
    return f"{'day' if len(days) == 1 else 'days'} {', '.join(parts)}"
