"""When a pipeline will run: the next N runs in its time zone and in UTC, with DST warnings.

Run times come from `cron.next_runs`, the robfig/cron re-implementation the validator uses, so the
preview agrees with what Argo's controller will do for every schedule the validator accepts.
On a day when the clocks change, Argo skips runs whose wall-clock time does not exist and runs
twice those whose wall-clock time happens twice; the preview says so for the days it lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..spec.warnings import timezone_warning
from ..syntax.robfig_cron import DstTransition, dst_transitions, next_runs

_UTC = timezone.utc
# Wall-clock windows are at most two hours; a minute-by-minute schedule matches 120 times in one.
_WINDOW_MATCHES = 121


@dataclass(frozen=True)
class Run:
    """One run: when (aware, in the pipeline's zone) and which schedule fires it."""

    at: datetime
    schedule: str


@dataclass(frozen=True)
class Preview:
    """The next runs of one CronWorkflow and what to watch out for."""

    name: str
    timezone: str | None
    schedules: tuple[str, ...]
    start: datetime
    runs: tuple[Run, ...]
    warnings: tuple[str, ...]


def preview(
    name: str,
    schedules: Sequence[str],
    zone_name: str | None,
    start: datetime,
    count: int,
    *,
    when: str | None = None,
) -> Preview:
    """The next `count` runs after `start` of all `schedules` together, oldest first.

    A naive `start` is read in the pipeline's zone (UTC when it has none). Raises ValueError for
    an expression or zone Argo would refuse.
    """
    zone = _zone(zone_name)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    merged = sorted(
        (
            Run(at, expression)
            for expression in schedules
            for at in next_runs(expression, zone_name, start, count)
        ),
        key=lambda run: run.at.astimezone(_UTC),
    )[:count]
    warnings: list[str] = []
    if not zone_name:
        warnings.append(f"{timezone_warning(name)}; the times below are UTC")
    if when:
        warnings.append(
            f"{name}: a run starts only when `when` holds ({when}); "
            "the times below are when the schedule fires"
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
    return Preview(name, zone_name, tuple(schedules), start, tuple(merged), tuple(warnings))


def _zone(name: str | None) -> tzinfo:
    """The pipeline's zone (UTC when unset); ValueError for a name Go would not load either."""
    if not name:
        return _UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


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
        schedules = spec.get("schedules") or ([spec["schedule"]] if spec.get("schedule") else [])
        name = str((document.get("metadata") or {}).get("name") or "cron-workflow")
        try:
            found.append(
                preview(name, schedules, spec.get("timezone"), start, count, when=spec.get("when"))
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
    start = p.start.astimezone(_zone(p.timezone))
    header = [f"{p.name}: next {len(p.runs)} runs of {what} ({zone}), after {_stamp(start)}"]
    seconds = any(run.at.second for run in p.runs)
    columns = [zone, "UTC"] if p.timezone else ["UTC"]
    if several:
        columns.append("schedule")
    rows = []
    for run in p.runs:
        row = [_stamp(run.at, seconds)]
        if p.timezone:
            row.append(_stamp(run.at.astimezone(_UTC), seconds))
        if several:
            row.append(run.schedule)
        rows.append(row)
    if not rows:
        return "\n".join([*header, "  (no runs: the schedule never fires)"]) + "\n"
    widths = [max(len(str(cell)) for cell in column) for column in zip(columns, *rows, strict=True)]
    lines = [
        "  "
        + "  ".join(
            str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in [columns, *rows]
    ]
    return "\n".join([*header, *lines]) + "\n"
