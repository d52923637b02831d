"""A run's time window: where it starts, decided once for Argo's expressions and for Python.

The window ends at the run's scheduled time. Argo computes its start at run time, in an expr
expression over `{{workflow.scheduledTime}}` (`argo.window` writes it from the plan made here);
`schedule`, `run --child` and the tests compute the same start in Python with `window_start`.

- `length: 4h` starts the window that long before, in absolute time.
- `sincePreviousSchedule` starts it at the previous run of the schedule. No variable holds that
  run in a Workflow (`cronworkflow.lastScheduledTime` exists only in the CronWorkflow's `when`),
  so the start is computed from the schedule itself. `@every D` runs every D exactly. A cron
  schedule that repeats every week (day-of-month and month `*`) has a fixed wall-clock gap
  before each of its wall-clock times: a table from the wall-clock time of a run (`Mon 15:04`,
  or coarser when that determines the gap) to the gap, listing the gaps other than the most
  common one. The gap is subtracted on the wall clock and read back in the zone as Go's
  time.Date does (exact for runs hours apart: robfig keeps their wall-clock times across a DST
  change), or in absolute time (exact for runs minutes apart: robfig's runs after a skipped hour
  follow the previous one by the usual minutes). Each pipeline gets the one of the two that
  misses robfig's previous run less often at the DST changes of a sample year; the runs it
  still misses (a run after a skipped one, a repeated hour) are named by `window_warnings`.
  Other schedules are refused.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from ..errors import Problem, shown
from ..syntax import robfig_cron
from ..syntax.go_duration import duration_seconds, duration_text
from . import names
from .calendar import effective_schedules, weekdays_need_when
from .models import PipelineFields, Window

_UTC = timezone.utc
_WEEK_MINUTES = 7 * 24 * 60
TABLE_MAX = 1000
# Go layouts that key the gap table, coarsest first: the minute, the time of day, the weekday too.
KEY_LAYOUTS = ("04", "15:04", "Mon 15:04")
# The year whose DST changes `window_warnings` replays: render output must not depend on today.
DST_SAMPLE_YEAR = 2026


class FixedWindow(NamedTuple):
    """The window starts a fixed number of seconds before the run (`length`, or `@every`)."""

    seconds: int


class WallClockWindow(NamedTuple):
    """The window starts a wall-clock gap before the run, looked up by its wall-clock time."""

    zone: str | None
    layout: str | None
    """Go layout of the table's keys (`KEY_LAYOUTS`); None when every gap is `usual`."""
    gaps: tuple[tuple[str, int], ...]
    """Key -> minutes back to the previous run on the wall clock, where that is not `usual`."""
    usual: int
    """The most common gap in minutes: for every wall-clock time the table does not list."""
    absolute: bool = False
    """Subtract the gap in absolute time instead of on the wall clock."""
    after_skips: tuple[tuple[str, str], ...] = ()
    """Run -> window start (RFC 3339, UTC) for the first run after skip dates: it starts at the
    last run before them, not at the skipped one."""

    @property
    def longest(self) -> int:
        """The longest gap in minutes."""
        return max([self.usual, *(minutes for _, minutes in self.gaps)])


WindowPlan = FixedWindow | WallClockWindow


def window_plan(pipeline: PipelineFields) -> WindowPlan | None:
    """How the pipeline's window starts, or None without a window (or with an invalid one)."""
    if pipeline.window is None:
        return None
    skip_dates = pipeline.calendar.skip_dates if pipeline.calendar is not None else []
    return plan_for(pipeline.window, effective_schedules(pipeline), pipeline.timezone, skip_dates)


def plan_for(
    window: Window, schedules: list[str], zone: str | None, skip_dates: list[str] | None = None
) -> WindowPlan | None:
    """How a window starts for these schedules (as the CronWorkflow carries them) in `zone`.

    With `skip_dates` (the calendar's), the first run after skipped ones starts its window at
    the last run before them, so no time is left out.
    """
    if window.length is not None and not window.since_previous_schedule:
        seconds = duration_seconds(window.length)
        return FixedWindow(seconds) if seconds else None
    if window.length is None and window.since_previous_schedule:
        plan = _cached_previous_schedule_plan(tuple(schedules), zone)[0]
        if isinstance(plan, WallClockWindow) and skip_dates:
            return _after_skips(plan, tuple(schedules), tuple(sorted(set(skip_dates))))
        return plan
    return None


@functools.lru_cache(maxsize=64)
def _after_skips(
    plan: WallClockWindow, schedules: tuple[str, ...], skip_dates: tuple[str, ...]
) -> WallClockWindow:
    """The plan with a start for each run that follows skipped ones.

    For each skip date, the first robfig run after it on a day that is not skipped; its window
    starts at robfig's last run before the skipped days, where the plan's own start would be a
    skipped run. Each step jumps a whole skipped day, so the work grows with the dates, not with
    the runs on them.
    """
    zone = ZoneInfo(plan.zone) if plan.zone else _UTC
    skipped = set(skip_dates)
    longest = timedelta(minutes=plan.longest)
    found: dict[str, str] = {}
    seen: set[datetime] = set()
    for day in skip_dates:
        if (date.fromisoformat(day) - timedelta(days=1)).isoformat() in skipped:
            continue  # the same stretch of skipped days as the day before
        run = _first_run_from(schedules, plan.zone, date.fromisoformat(day), skipped)
        if run is None or run in seen:
            continue
        seen.add(run)
        usual = window_start(plan, run)
        start: datetime | None = usual
        for _ in range(len(skipped) + 1):
            if start is None or start.astimezone(zone).date().isoformat() not in skipped:
                break
            first = start.astimezone(zone).date()
            while (first - timedelta(days=1)).isoformat() in skipped:
                first -= timedelta(days=1)
            start = _last_run_before(schedules, plan.zone, first, longest)
        if start is not None and start != usual:
            found[_rfc3339(run)] = _rfc3339(start)
    return plan._replace(after_skips=tuple(sorted(found.items())))


def _midnight(zone: str | None, day: date) -> datetime:
    return robfig_cron.go_wall_time(zone, datetime(day.year, day.month, day.day))


def _first_run_from(
    schedules: tuple[str, ...], zone: str | None, skipped_day: date, skipped: set[str]
) -> datetime | None:
    """The first run after `skipped_day` on a day that is not skipped."""
    day = skipped_day
    for _ in range(len(skipped) + 1):
        day += timedelta(days=1)
        if day.isoformat() in skipped:
            continue
        runs = robfig_cron.iter_merged_runs(
            schedules, zone, _midnight(zone, day) - timedelta(seconds=1)
        )
        run = next(runs, None)
        if run is None:
            return None
        local = run.astimezone(ZoneInfo(zone) if zone else _UTC).date()
        if local.isoformat() not in skipped:
            return run
        day = local - timedelta(days=1)  # jump to the skipped day the run is on, then past it
    return None


def _last_run_before(
    schedules: tuple[str, ...], zone: str | None, day: date, longest: timedelta
) -> datetime | None:
    """robfig's last run before `day` begins: one lies within the longest gap before it."""
    midnight = _midnight(zone, day)
    last = None
    for run in robfig_cron.iter_merged_runs(
        schedules, zone, midnight - longest - timedelta(seconds=1)
    ):
        if run.astimezone(_UTC) >= midnight.astimezone(_UTC):
            break
        last = run
    return last.astimezone(_UTC) if last is not None else None


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_problems(pipeline: PipelineFields) -> list[Problem]:
    """A window without exactly one kind, a schedule it cannot follow, a clashing parameter."""
    window = pipeline.window
    if window is None:
        return []
    problems = [
        Problem(
            f"parameters[{index}].name",
            f"{shown(parameter.name)} is set by `window` (the run's time window): rename the "
            "parameter",
        )
        for index, parameter in enumerate(pipeline.parameters)
        if parameter.name in names.WINDOW_PARAMETERS
    ]
    if (window.length is None) == (not window.since_previous_schedule):
        problems.append(
            Problem("window", "set exactly one of `length` or `sincePreviousSchedule: true`")
        )
    elif window.since_previous_schedule:
        schedules = tuple(effective_schedules(pipeline))
        problems += _cached_previous_schedule_plan(schedules, pipeline.timezone)[1]
    return problems


@functools.lru_cache(maxsize=64)
def _cached_previous_schedule_plan(
    schedules: tuple[str, ...], zone: str | None
) -> tuple[WindowPlan | None, tuple[Problem, ...]]:
    """The plan for these schedules, computed once: choosing it replays a year's DST changes."""
    path = "window.sincePreviousSchedule"
    every = [robfig_cron.every_seconds(expression) for expression in schedules]
    delays = {seconds for seconds in every if seconds is not None}
    if delays:
        if len(delays) == 1 and None not in every:
            return FixedWindow(delays.pop()), ()
        return None, (
            Problem(
                path,
                "the schedules mix `@every` with others or with other delays, so the time since "
                "the previous run is not fixed: use `window.length`",
            ),
        )
    slots: set[int] = set()
    problems = []
    for expression in schedules:
        weekly = robfig_cron.weekly_slots(expression)
        if weekly is None:
            problems.append(
                Problem(
                    path,
                    f"`{expression}` does not repeat every week (its day-of-month or month is "
                    "not `*`), so the time since its previous run changes from month to month "
                    "and Argo's expressions cannot compute it: use `window.length`, or a "
                    "schedule whose day-of-month and month are `*`",
                )
            )
        else:
            slots.update(weekly)
    if problems:
        return None, tuple(problems)
    ordered = sorted(slots)
    gap_of = {
        slot: slot - (ordered[index - 1] if index else ordered[-1] - _WEEK_MINUTES)
        for index, slot in enumerate(ordered)
    }
    counts = Counter(gap_of.values())
    # The most common gap needs no entry; of equally common ones, the longest.
    usual = max(counts, key=lambda gap: (counts[gap], gap))
    layout: str | None = None
    exceptions: tuple[tuple[str, int], ...] = ()
    if len(counts) > 1:
        for layout in KEY_LAYOUTS:
            table: dict[str, int] = {}
            if all(
                table.setdefault(_slot_key(slot, layout), gap) == gap
                for slot, gap in gap_of.items()
            ):
                break
        exceptions = tuple((key, gap) for key, gap in table.items() if gap != usual)
    if len(exceptions) > TABLE_MAX:
        return None, (
            Problem(
                path,
                f"the gaps between the schedules' runs need a table of {len(exceptions)} "
                f"wall-clock times (at most {TABLE_MAX}: it is written into the window's "
                "expression): use `window.length`",
            ),
        )
    wall_clock = WallClockWindow(zone, layout, exceptions, usual)
    if not zone:
        return wall_clock, ()  # the controller's zone, unknown here
    absolute = wall_clock._replace(absolute=True)
    if len(_sample_mismatches(schedules, absolute)) < len(
        _sample_mismatches(schedules, wall_clock)
    ):
        return absolute, ()
    return wall_clock, ()


def _slot_key(slot: int, layout: str) -> str:
    """A slot (minutes since Monday 00:00) formatted with a Go layout of `KEY_LAYOUTS`."""
    day, minute_of_day = divmod(slot, 1440)
    return _wall_key(robfig_cron.GO_WEEKDAYS[(day + 1) % 7], *divmod(minute_of_day, 60), layout)


def _wall_key(weekday: str, hour: int, minute: int, layout: str) -> str:
    if layout == "04":
        return f"{minute:02d}"
    if layout == "15:04":
        return f"{hour:02d}:{minute:02d}"
    return f"{weekday} {hour:02d}:{minute:02d}"


def window_start(plan: WindowPlan, scheduled: datetime) -> datetime:
    """Where the window of a run scheduled at `scheduled` starts (aware, UTC, whole seconds).

    The same arithmetic as the expression `argo.window` writes: `date()`, `.In(timezone())`,
    `.Format()`, `duration()` and `date(s, layout, zone)` of expr, on Go's time.
    """
    scheduled = scheduled.replace(microsecond=0)
    if isinstance(plan, FixedWindow):
        return scheduled.astimezone(_UTC) - timedelta(seconds=plan.seconds)
    after_skips = dict(plan.after_skips).get(_rfc3339(scheduled))
    if after_skips is not None:
        return datetime.strptime(after_skips, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_UTC)
    zone = ZoneInfo(plan.zone) if plan.zone else _UTC
    wall = scheduled.astimezone(zone).replace(tzinfo=None)
    minutes = plan.usual
    if plan.layout is not None:
        key = _wall_key(
            robfig_cron.GO_WEEKDAYS[wall.isoweekday() % 7], wall.hour, wall.minute, plan.layout
        )
        minutes = dict(plan.gaps).get(key, plan.usual)
    if plan.absolute:
        return scheduled.astimezone(_UTC) - timedelta(minutes=minutes)
    start = robfig_cron.go_wall_time(plan.zone, wall - timedelta(minutes=minutes))
    return start.astimezone(_UTC)


def describe_window(window: Window) -> str:
    """The window in words, for `graph` and `schedule`."""
    if window.length is not None:
        seconds = duration_seconds(window.length) or 0
        return f"window: the {duration_text(seconds)} before the scheduled time"
    return "window: since the previous scheduled run"


class WindowMismatch(NamedTuple):
    """A run whose window does not start at the schedule's previous run."""

    run: datetime
    start: datetime
    previous: datetime


def previous_run_mismatches(
    plan: WindowPlan, runs: list[datetime], previous: datetime | None
) -> list[WindowMismatch]:
    """Of consecutive `runs` (after `previous`), those whose window starts elsewhere."""
    found = []
    for run in runs:
        if previous is not None:
            start = window_start(plan, run)
            if start != previous.astimezone(_UTC):
                found.append(WindowMismatch(run, start, previous))
        previous = run
    return found


def window_warnings(pipeline: PipelineFields) -> list[str]:
    """Windows since the previous run that miss it at DST changes, and runs skipped by `when`."""
    window = pipeline.window
    plan = window_plan(pipeline)
    if window is None or not window.since_previous_schedule or plan is None:
        return []
    warnings = []
    calendar = pipeline.calendar
    unfollowed = [
        reason
        for reason, applies in (
            ("the last day of the month", calendar is not None and calendar.last_day_of_month),
            ("weekends", weekdays_need_when(pipeline)),
            (
                "skip dates",
                calendar is not None
                and bool(calendar.skip_dates)
                and not isinstance(plan, WallClockWindow),
            ),
        )
        if applies
    ]
    if unfollowed:
        warnings.append(
            f"{pipeline.name}: `window.sincePreviousSchedule` starts each window at the "
            f"schedule's previous run, also when the calendar skipped that run "
            f"({', '.join(unfollowed)}): the run after it covers only the time since the "
            "skipped run"
        )
    if isinstance(plan, WallClockWindow) and pipeline.timezone:
        mismatches = _sample_mismatches(tuple(effective_schedules(pipeline)), plan)
        if mismatches:
            first = mismatches[0]
            zone = ZoneInfo(pipeline.timezone)
            warnings.append(
                f"{pipeline.name}: `window.sincePreviousSchedule`: around the DST changes in "
                f"{pipeline.timezone}, {len(mismatches)} run(s) in {DST_SAMPLE_YEAR} get a "
                "window that does not start at the previous run, e.g. the run at "
                f"{_stamp(first.run, zone)} starts at {_stamp(first.start, zone)} and the "
                f"previous run was at {_stamp(first.previous, zone)}; `schedule` marks them"
            )
    return warnings


def _stamp(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def _sample_mismatches(schedules: tuple[str, ...], plan: WallClockWindow) -> list[WindowMismatch]:
    """Mismatches around each DST change of the sample year, from robfig's own runs."""
    year_start = datetime(DST_SAMPLE_YEAR, 1, 1, tzinfo=_UTC)
    transitions = robfig_cron.dst_transitions(
        plan.zone or "UTC", year_start, year_start.replace(year=DST_SAMPLE_YEAR + 1)
    )
    found: list[WindowMismatch] = []
    longest = timedelta(minutes=plan.longest)
    margin = timedelta(hours=3)
    for transition in transitions:
        change = transition.at.astimezone(_UTC)
        # Only a window that touches the change can differ: runs from just before it to one
        # longest gap (and the size of the change) after it, and the run before them.
        begin, end = change - margin, change + longest + margin
        previous = None
        runs = []
        for run in robfig_cron.iter_merged_runs(schedules, plan.zone, begin - longest - margin):
            if run >= end:
                break
            if run < begin:
                previous = run
            else:
                runs.append(run)
        found += previous_run_mismatches(plan, runs, previous)
    return found
