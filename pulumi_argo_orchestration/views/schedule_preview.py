"""When a pipeline will run: the next N runs in its time zone and in UTC, with DST warnings.

Run times come from `cron.iter_runs`, the robfig/cron re-implementation the validator uses, so the
preview agrees with what Argo's controller will do for every schedule the validator accepts.
On a day when the clocks change, Argo skips runs whose wall-clock time does not exist and runs
twice those whose wall-clock time happens twice; the preview says so for the days it lists.
Runs the pipeline's calendar skips are left out (`spec.calendar.skip_reason`, as `backfill`
does), and each run shows where its window starts (`spec.window.window_start`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..spec.calendar import describe_calendar, skip_reason
from ..spec.models import Calendar, Window
from ..spec.warnings import timezone_warning
from ..spec.window import WallClockWindow, describe_window, plan_for, window_start
from ..syntax.kubernetes_names import load_location
from ..syntax.robfig_cron import DstTransition, dst_transitions, iter_runs, next_runs
from .pipeline_annotations import calendar_of, own_when, schedules_of, window_of

_UTC = timezone.utc
# Wall-clock windows are at most two hours; a minute-by-minute schedule matches 120 times in one.
_WINDOW_MATCHES = 121
# Runs looked at, the calendar's skipped ones included, before the preview stops looking.
SCAN_MAX = 100_000


@dataclass(frozen=True)
class Run:
    """One run: when (aware, in the pipeline's zone) and which schedule fires it."""

    at: datetime
    schedule: str
    window_start: datetime | None = None
    """Where the run's window starts, when the pipeline has a window."""
    missed_previous: datetime | None = None
    """The previous run, when the window does not start there (`sincePreviousSchedule`, DST)."""


@dataclass(frozen=True)
class Preview:
    """The next runs of one CronWorkflow and what to watch out for."""

    name: str
    timezone: str | None
    schedules: tuple[str, ...]
    start: datetime
    runs: tuple[Run, ...]
    warnings: tuple[str, ...]
    skipped: tuple[tuple[datetime, str], ...] = ()
    """Runs the calendar skips among those listed, with the reason."""
    notes: tuple[str, ...] = ()
    """The calendar and the window in words."""


def preview(
    name: str,
    schedules: Sequence[str],
    zone_name: str | None,
    start: datetime,
    count: int,
    *,
    when: str | None = None,
    calendar: Calendar | None = None,
    window: Window | None = None,
) -> Preview:
    """The next `count` runs after `start` of all `schedules` together, oldest first.

    A naive `start` is read in the pipeline's zone (UTC when it has none). Runs the `calendar`
    skips are left out; with a `window`, each run says where its window starts. Raises
    ValueError for an expression or zone Argo would refuse.
    """
    zone = load_location(zone_name)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    skip_dates = calendar.skip_dates if calendar is not None else []
    plan = plan_for(window, list(schedules), zone_name, skip_dates) if window else None
    wall_clock = plan if isinstance(plan, WallClockWindow) else None
    previous = _slot_before(schedules, zone_name, start, wall_clock)
    merged: list[Run] = []
    skipped: list[tuple[datetime, str]] = []
    scanned = 0
    for at, expression in _merged(schedules, zone_name, start):
        if len(merged) == count or scanned == SCAN_MAX:
            break
        scanned += 1
        reason = skip_reason(calendar, at.date())
        if reason is not None:
            skipped.append((at, reason))
        else:
            begins = window_start(plan, at) if plan is not None else None
            missed = (
                previous
                if wall_clock is not None
                and previous is not None
                and begins != previous.astimezone(_UTC)
                else None
            )
            merged.append(Run(at, expression, begins, missed))
        # A window starts at the previous run not on a skip date (`spec.window.plan_for`).
        if at.date().isoformat() not in skip_dates and (
            previous is None or at.astimezone(_UTC) != previous.astimezone(_UTC)
        ):
            previous = at
    warnings: list[str] = []
    if not zone_name:
        warnings.append(f"{timezone_warning(name)}; the times below are UTC")
    if when:
        warnings.append(
            f"{name}: a run starts only when `when` holds ({when}); "
            "the times below are when the schedule fires"
        )
    if len(merged) < count and scanned == SCAN_MAX:
        warnings.append(
            f"{name}: the calendar skipped all but {len(merged)} of the next {SCAN_MAX} "
            "scheduled runs; the preview stops there"
        )
    for expression in schedules:
        if expression.startswith("@every"):
            warnings.append(
                f"{name}: `{expression}` counts from when the controller loads the "
                f"CronWorkflow; the times below count from {_stamp(start.astimezone(zone))}"
            )
    if zone_name and merged:
        for transition in dst_transitions(zone_name, start, merged[-1].at):
            for expression in schedules:
                warning = _dst_warning(name, expression, zone_name, transition)
                if warning:
                    warnings.append(warning)
    warnings += [
        f"{name}: the window of the run at {_stamp(run.at)} starts at "
        f"{_stamp(run.window_start.astimezone(zone))}, not at the previous run "
        f"({_stamp(run.missed_previous)}): DST changes the time between them"
        for run in merged
        if run.missed_previous is not None and run.window_start is not None
    ]
    notes = []
    if calendar is not None:
        notes.append(describe_calendar(calendar))
    if window is not None:
        notes.append(describe_window(window))
    return Preview(
        name,
        zone_name,
        tuple(schedules),
        start,
        tuple(merged),
        tuple(warnings),
        tuple(skipped),
        tuple(notes),
    )


def _merged(
    schedules: Sequence[str], zone_name: str | None, start: datetime
) -> Iterator[tuple[datetime, str]]:
    """Every schedule's runs after `start` in time order, each with its schedule."""
    streams = [_labelled(expression, zone_name, start) for expression in schedules]
    return heapq.merge(*streams, key=lambda item: item[0].astimezone(_UTC))


def _labelled(
    expression: str, zone_name: str | None, start: datetime
) -> Iterator[tuple[datetime, str]]:
    for at in iter_runs(expression, zone_name, start):
        yield at, expression


def _slot_before(
    schedules: Sequence[str], zone_name: str | None, start: datetime, plan: WallClockWindow | None
) -> datetime | None:
    """The last run at or before `start`, for the first listed run's window (wall-clock plans)."""
    if plan is None:
        return None
    found = None
    lookback = start - timedelta(minutes=plan.longest) - timedelta(days=1)
    for at, _ in _merged(schedules, zone_name, lookback):
        if at.astimezone(_UTC) > start.astimezone(_UTC):
            break
        found = at
    return found


def _dst_warning(
    name: str, expression: str, zone_name: str, transition: DstTransition
) -> str | None:
    """Why `expression` runs 0 or 2 times in the wall-clock window `transition` skips or repeats."""
    if expression.startswith("@every"):
        return None  # a constant delay does not follow the wall clock
    window_start, window_end = transition.wall_start, transition.wall_end
    # In UTC no wall-clock time is skipped or repeated: its matches are the schedule's own.
    naive_matches = [
        at.replace(tzinfo=None)
        for at in next_runs(
            expression,
            "UTC",
            window_start.replace(tzinfo=_UTC) - timedelta(seconds=1),
            _WINDOW_MATCHES,
        )
    ]
    matches = [m for m in naive_matches if window_start <= m < window_end]
    if not matches:
        return None
    day = f"{window_start:%a %Y-%m-%d}"
    span = f"{window_start:%H:%M}-{window_end:%H:%M}"
    times = _list_times(matches)
    if transition.skipped:
        return (
            f"{name}: on {day} the clocks in {zone_name} jump forward and {span} does not "
            f"exist: `{expression}` does not run at {times} that day"
        )
    delta = abs(transition.offset_after - transition.offset_before)
    at_utc = transition.at.astimezone(_UTC)
    repeated = [
        run
        for run in next_runs(
            expression, zone_name, at_utc - delta - timedelta(seconds=1), 2 * len(matches) + 1
        )
        if run.astimezone(_UTC) < at_utc + delta
    ]
    return (
        f"{name}: on {day} the clocks in {zone_name} go back and {span} happens twice: "
        f"`{expression}` runs {len(repeated)} times in it "
        f"({', '.join(f'{run:%H:%M %Z}' for run in repeated)})"
    )


def _list_times(moments: Sequence[datetime], limit: int = 4) -> str:
    shown = [f"{m:%H:%M}" for m in moments[:limit]]
    more = len(moments) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def previews_from_manifests(
    documents: Sequence[Mapping[str, Any]], start: datetime, count: int
) -> list[Preview]:
    """A preview per CronWorkflow among `documents`; ValueError when there is none."""
    found = []
    for document in documents:
        if document.get("kind") != "CronWorkflow":
            continue
        spec = document.get("spec") or {}
        name = str((document.get("metadata") or {}).get("name") or "cron-workflow")
        try:
            found.append(
                preview(
                    name,
                    schedules_of(spec),
                    spec.get("timezone"),
                    start,
                    count,
                    when=own_when(document),
                    calendar=calendar_of(document),
                    window=window_of(document),
                )
            )
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    if not found:
        raise ValueError("no CronWorkflow to preview")
    return found


def _stamp(moment: datetime, seconds: bool | None = None) -> str:
    """`Sat 2025-03-29 02:30 CET`; seconds only when some time in the table has them."""
    with_seconds = bool(moment.second) if seconds is None else seconds
    return moment.strftime(f"%a %Y-%m-%d %H:%M{':%S' if with_seconds else ''} %Z")


def format_preview(p: Preview) -> str:
    """A table: one row per run, in the pipeline's zone and in UTC (and the schedule)."""
    zone = p.timezone or "no timezone, shown in UTC"
    several = len(p.schedules) > 1
    what = ", ".join(p.schedules)
    start = p.start.astimezone(load_location(p.timezone))
    header = [f"{p.name}: next {len(p.runs)} runs of {what} ({zone}), after {_stamp(start)}"]
    header += [f"  {note}" for note in p.notes]
    footer = [f"  skipped by the calendar: {line}" for line in skipped_days(p.skipped)]
    seconds = any(run.at.second for run in p.runs)
    columns = [zone, "UTC"] if p.timezone else ["UTC"]
    if several:
        columns.append("schedule")
    windows = any(run.window_start is not None for run in p.runs)
    if windows:
        columns.append("window from")
    rows = []
    for run in p.runs:
        row = [_stamp(run.at, seconds)]
        if p.timezone:
            row.append(_stamp(run.at.astimezone(_UTC), seconds))
        if several:
            row.append(run.schedule)
        if windows and run.window_start is not None:
            begins = run.window_start.astimezone(load_location(p.timezone))
            row.append(_stamp(begins, seconds) + (" *" if run.missed_previous else ""))
        rows.append(row)
    if not rows:
        never = "the calendar skips every run" if p.skipped else "the schedule never fires"
        return "\n".join([*header, f"  (no runs: {never})", *footer]) + "\n"
    widths = [max(len(str(cell)) for cell in column) for column in zip(columns, *rows, strict=True)]
    lines = [
        "  "
        + "  ".join(
            str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in [columns, *rows]
    ]
    return "\n".join([*header, *lines, *footer]) + "\n"


def skipped_days(skipped: Sequence[tuple[datetime, str]], limit: int = 10) -> list[str]:
    """One line per day with skipped runs: the date, why, and how many runs."""
    days: dict[str, tuple[str, int]] = {}
    for moment, reason in skipped:
        day = f"{moment:%a %Y-%m-%d}"
        days[day] = (reason, days.get(day, (reason, 0))[1] + 1)
    lines = [
        f"{day} ({reason}, {count} run{'s' if count != 1 else ''})"
        for day, (reason, count) in days.items()
    ]
    if len(lines) > limit:
        lines = [*lines[:limit], f"and {len(lines) - limit} more days"]
    return lines
