"""Argo CronWorkflow schedules: validation and run-time preview, as Argo's controller sees them.

Argo parses each schedule with robfig/cron v3 ``ParseStandard`` and computes run times with its
``SpecSchedule.Next`` / ``ConstantDelaySchedule.Next``; the v4 CRD also requires every schedule to
match a pattern. Python cron libraries accept a different grammar (seconds, ``L``, ``#``, no
``?``/``@hourly``) and handle daylight saving differently, so this module reimplements robfig's
grammar (``parser.go``: ``getField``/``getRange``/``parseDescriptor``), its day rule
(``spec.go``: ``dayMatches``), its ``Next`` including its DST quirks, and Go's ``time.Date``
choice of offset for wall-clock times that do not exist or exist twice.

Only the standard library is used, and nothing is computed at import time beyond small tables.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from datetime import timezone as _timezone
from itertools import pairwise
from typing import NamedTuple

from ..errors import shown
from .kubernetes_names import load_location

__all__ = [
    "GO_WEEKDAYS",
    "DstTransition",
    "dst_transitions",
    "every_seconds",
    "fold_weekdays",
    "go_wall_time",
    "iter_merged_runs",
    "iter_runs",
    "longest_gap",
    "month_days",
    "next_runs",
    "schedule_problem",
    "weekly_slots",
]

# robfig sets bit 63 when a field is `*` or `?` (without a step > 1); `dayMatches` reads it.
_STAR_BIT = 1 << 63
_MAX_INT64 = (1 << 63) - 1
_SECOND_NS = 1_000_000_000
_UTC = _timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# The CRD pattern, split into the pieces that give distinct messages. Go's RE2 `\s` is
# [\t\n\f\r ] and its `$` (no multiline) only matches at the very end, hence fullmatch.
_CRD_SPACE = "\t\n\f\r "
_CRD_FIELD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*,/?-")
_FIELD_SPLIT = r"[\t\n\f\r ]+"
# Go's ParseDuration takes more (fractions, the Greek mu, a sign, a bare 0); the CRD only this.
_CRD_DURATION = r"(?:[0-9]+(?:ns|us|\u00b5s|ms|s|m|h))+"
_DURATION_PART = r"([0-9]+)(ns|us|\u00b5s|ms|s|m|h)"
_UNIT_NS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "ms": 1_000_000,
    "s": _SECOND_NS,
    "m": 60 * _SECOND_NS,
    "h": 3600 * _SECOND_NS,
}
_FIELDS_HINT = "minute hour day-of-month month day-of-week"


class _CronError(ValueError):
    """An expression Argo would refuse; the message is the one-line reason."""


class _Bounds(NamedTuple):
    name: str
    low: int
    high: int
    names: Mapping[str, int] | None = None


_MINUTE = _Bounds("minute", 0, 59)
_HOUR = _Bounds("hour", 0, 23)
_DOM = _Bounds("day-of-month", 1, 31)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTH = _Bounds("month", 1, 12, {m: i for i, m in enumerate(_MONTH_NAMES, 1)})
_DOW = _Bounds("day-of-week", 0, 6, {d: i for i, d in enumerate(_DAY_NAMES)})


class _Spec(NamedTuple):
    """robfig's SpecSchedule bit sets; the seconds field is always `0` under ParseStandard."""

    minute: int
    hour: int
    dom: int
    month: int
    dow: int


class _Every(NamedTuple):
    """robfig's ConstantDelaySchedule: the delay is whole seconds, at least one."""

    seconds: int


def _bits(low: int, high: int, step: int = 1) -> int:
    return sum(1 << i for i in range(low, high + 1, step))


def _all(b: _Bounds) -> int:
    return _bits(b.low, b.high) | _STAR_BIT


def _descriptor(name: str) -> _Spec | None:
    """The fixed schedules of robfig's parseDescriptor (built lazily: they are rarely needed)."""
    if name in ("@yearly", "@annually"):
        return _Spec(1, 1, 1 << 1, 1 << 1, _all(_DOW))
    if name == "@monthly":
        return _Spec(1, 1, 1 << 1, _all(_MONTH), _all(_DOW))
    if name == "@weekly":
        return _Spec(1, 1, _all(_DOM), _all(_MONTH), 1 << 0)
    if name in ("@daily", "@midnight"):
        return _Spec(1, 1, _all(_DOM), _all(_MONTH), _all(_DOW))
    if name == "@hourly":
        return _Spec(1, _all(_HOUR), _all(_DOM), _all(_MONTH), _all(_DOW))
    return None


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def schedule_problem(expression: str) -> str | None:
    """Why Argo would refuse `expression` (None when the CRD pattern and robfig both accept it).

    Accepted is not the same as useful: robfig also accepts schedules that never fire, such as
    `0 0 30 2 *`; `next_runs` returns an empty list for those.
    """
    try:
        _parse(expression)
    except _CronError as err:
        return str(err)
    return None


def _parse(expression: str) -> _Spec | _Every:
    if not expression or expression.isspace():
        raise _CronError("schedule is empty")
    if expression[0].isspace() or expression[-1].isspace():
        raise _CronError("leading or trailing whitespace is not allowed")
    if expression.startswith(("TZ=", "CRON_TZ=")):
        raise _CronError("a TZ=/CRON_TZ= prefix is not allowed; set the time zone separately")
    if expression.startswith("@"):
        return _parse_descriptor(expression)
    for char in expression:
        if char.isspace() and char not in _CRD_SPACE:
            raise _CronError(_bad_char(char))
    fields = re.split(_FIELD_SPLIT, expression)
    if len(fields) != 5:
        extra = {
            6: ": seconds field is not supported",
            7: ": seconds and year fields are not supported",
        }
        raise _CronError(
            f"expected 5 fields ({_FIELDS_HINT}), got {len(fields)}{extra.get(len(fields), '')}"
        )
    for char in expression:
        if char not in _CRD_FIELD_CHARS and char not in _CRD_SPACE:
            raise _CronError(_bad_char(char))
    minute, hour, dom, month, dow = (
        _get_field(text, bounds)
        for text, bounds in zip(fields, (_MINUTE, _HOUR, _DOM, _MONTH, _DOW), strict=True)
    )
    return _Spec(minute, hour, dom, month, dow)


def _bad_char(char: str) -> str:
    if char == "#":
        return "`#` (nth weekday of the month) is not supported by Argo's cron parser"
    if char.isspace():
        return f"whitespace {shown(char)} between fields is not allowed; use spaces or tabs"
    return f"unexpected character {shown(char)} (fields use digits, names, and * , - / ?)"


def _parse_descriptor(expression: str) -> _Spec | _Every:
    spec = _descriptor(expression)
    if spec is not None:
        return spec
    head = expression.split(maxsplit=1)[0]
    if head != "@every":
        if head != expression and _descriptor(head) is not None:
            raise _CronError(f"descriptor {head} takes nothing after it")
        if _descriptor(head.lower()) is not None or head.lower() == "@every":
            raise _CronError(f"unknown descriptor {head} (descriptors are lowercase)")
        raise _CronError(f"unknown descriptor {head}")
    if expression == "@every":
        raise _CronError("`@every` needs a duration, e.g. `@every 1h30m`")
    # robfig strips exactly "@every " and hands the rest to time.ParseDuration, which refuses
    # any further whitespace; the CRD would allow it.
    if not expression.startswith("@every ") or expression[7].isspace():
        raise _CronError("`@every` must be followed by exactly one space and a duration")
    return _parse_every(expression[len("@every ") :])


def _parse_every(duration: str) -> _Every:
    if not re.fullmatch(_CRD_DURATION, duration):
        if "." in duration:
            reason = f"fractional duration {duration} is not allowed by Argo; use e.g. 1h30m"
        elif re.fullmatch(r"[0-9]+[dwy]", duration):
            reason = f"unit in {duration} is not a Go duration unit; use h, m, s, ms, us or ns"
        else:
            reason = (
                f"invalid duration {shown(duration)}; use digits and units ns us ms s m h, "
                "e.g. 1h30m"
            )
        raise _CronError(f"@every: {reason}")
    nanoseconds = sum(
        int(count) * _UNIT_NS[unit] for count, unit in re.findall(_DURATION_PART, duration)
    )
    if nanoseconds > _MAX_INT64:
        raise _CronError(
            f"@every: duration {duration} is too large (Go durations end near 292 years)"
        )
    # Every(): below one second becomes one second, then sub-second parts are truncated.
    return _Every(max(nanoseconds, _SECOND_NS) // _SECOND_NS)


def _get_field(text: str, b: _Bounds) -> int:
    """robfig's getField: a comma list of ranges; empty list items are silently dropped."""
    bits = 0
    for expr in text.split(","):
        if expr:
            bits |= _get_range(expr, b)
    return bits


def _get_range(expr: str, b: _Bounds) -> int:
    """robfig's getRange: `*`, `?`, `a`, or `a-b`, each with an optional `/step`."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if len(range_and_step) > 2:
        raise _CronError(f"{b.name} field {shown(expr)} has more than one `/`")
    explicit: list[int] = []
    if low_and_high[0] in ("*", "?"):
        # robfig ignores anything after a leading `*-`, so `*-5` means `*`.
        start, end, extra = b.low, b.high, _STAR_BIT
    else:
        if len(low_and_high) > 2:
            raise _CronError(f"{b.name} field {shown(expr)} has more than one `-`")
        explicit = [_int_or_name(value, b, expr) for value in low_and_high]
        start, end, extra = explicit[0], explicit[-1], 0
    step = 1
    if len(range_and_step) == 2:
        step = _step(range_and_step[1], b, expr)
        if len(low_and_high) == 1:
            end = b.high  # `a/n` means `a-max/n`
        if step > 1:
            extra = 0  # `*/2` is not a star for the day-of-month/day-of-week rule
    for value in explicit:
        if not b.low <= value <= b.high:
            hint = " (Sunday is 0)" if b is _DOW and value == 7 else ""
            raise _CronError(f"{b.name} value {value} out of range {b.low}-{b.high}{hint}")
    if start > end:
        raise _CronError(f"{b.name} range {shown(expr)} is reversed: {start} is after {end}")
    if step == 0:
        raise _CronError(f"{b.name} step in {shown(expr)} must be greater than 0")
    return _bits(start, end, step) | extra


def _atoi(text: str) -> int | None:
    """Go's strconv.Atoi syntax (None for non-numbers); callers reject what overflows int64.

    Very long numbers become int64 max + 1 rather than being parsed (Python limits int(str)).
    """
    match = re.fullmatch(r"([+-]?)0*([0-9]+)", text)
    if match is None:
        return None
    sign, digits = match.groups()
    value = _MAX_INT64 + 1 if len(digits) > 19 else int(digits)
    return -value if sign == "-" else value


def _int_or_name(text: str, b: _Bounds, expr: str) -> int:
    if b.names is not None and text.lower() in b.names:
        return b.names[text.lower()]
    value = _atoi(text)
    if value is None:
        raise _CronError(_not_a_number(text, b, expr))
    return value


def _step(text: str, b: _Bounds, expr: str) -> int:
    value = _atoi(text)
    if value is None:
        if not text:
            raise _CronError(f"{b.name} field {shown(expr)} has an empty step after `/`")
        raise _CronError(f"{b.name} step {shown(text)} in {shown(expr)} is not a number")
    if value < 0:
        raise _CronError(f"{b.name} step in {shown(expr)} must be greater than 0")
    if value > _MAX_INT64:
        raise _CronError(f"{b.name} step in {shown(expr)} is too large")
    return value


def _not_a_number(text: str, b: _Bounds, expr: str) -> str:
    upper = text.upper()
    if not text:
        return f"{b.name} field {shown(expr)} has an empty value"
    if upper in {"L", "LW"} or re.fullmatch(r"[0-9]+L", upper):
        return "`L` is not supported by Argo's cron parser"
    if re.fullmatch(r"[0-9]+W", upper):
        return "`W` (nearest weekday) is not supported by Argo's cron parser"
    if upper == "H":
        return "`H` (hashed value) is not supported by Argo's cron parser"
    if b.names is not None:
        first, last = next(iter(b.names)), next(reversed(list(b.names)))
        return f"{b.name} value {shown(text)} is not a number or a name ({first}-{last})"
    return f"{b.name} value {shown(text)} is not a number"


# --------------------------------------------------------------------------------------------
# Go time arithmetic on Unix seconds, in one zone
# --------------------------------------------------------------------------------------------


def _unix(moment: datetime) -> int:
    """Whole seconds since the epoch, rounded down like Go dropping t.Nanosecond()."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("start and end must be timezone-aware datetimes")
    return (moment - _EPOCH) // timedelta(seconds=1)


def _wall(t: int, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(t, tz)


def _offset(t: int, tz: tzinfo) -> int:
    offset = _wall(t, tz).utcoffset()
    return 0 if offset is None else offset // timedelta(seconds=1)


def _go_date(
    tz: tzinfo, year: int, month: int, day: int, *, hour: int = 0, minute: int = 0, second: int = 0
) -> int:
    """Go's time.Date: normalises overflowing months/days, then picks an offset its own way.

    Go takes the offset in force at the wall time read as if it were UTC, and keeps it if the
    result stays in that zone period, else uses the offset at the result. Skipped and repeated
    wall times therefore resolve unlike Python's `fold` rule, and differently east and west of
    UTC (a repeated 02:30 in Zurich is the later one, a repeated 01:30 in New York the earlier).
    """
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    days = date(year, month, 1).toordinal() - _EPOCH_ORDINAL + day - 1
    unix = days * 86400 + hour * 3600 + minute * 60 + second
    return unix - _offset(unix - _offset(unix, tz), tz)


def _add_date(t: int, tz: tzinfo, months: int = 0, days: int = 0) -> int:
    w = _wall(t, tz)
    return _go_date(
        tz, w.year, w.month + months, w.day + days, hour=w.hour, minute=w.minute, second=w.second
    )


# --------------------------------------------------------------------------------------------
# Next
# --------------------------------------------------------------------------------------------


def _day_matches(s: _Spec, w: date) -> bool:
    """robfig's dayMatches: AND when either day field is a star, else OR (classic cron)."""
    dom_match = bool(1 << w.day & s.dom)
    dow_match = bool(1 << (w.isoweekday() % 7) & s.dow)
    if s.dom & _STAR_BIT or s.dow & _STAR_BIT:
        return dom_match and dow_match
    return dom_match or dow_match


def _spec_next(s: _Spec, after: int, tz: tzinfo) -> int | None:
    """SpecSchedule.Next, step for step (None where robfig returns the zero time)."""
    t = after + 1
    added = False
    year_limit = _wall(t, tz).year + 5
    while True:  # the WRAP label
        w = _wall(t, tz)
        if w.year > year_limit:
            return None

        wrapped = False
        while not 1 << w.month & s.month:
            if not added:
                added = True
                t = _go_date(tz, w.year, w.month, 1)
            t = _add_date(t, tz, months=1)
            w = _wall(t, tz)
            if w.month == 1:
                wrapped = True
                break
        if wrapped:
            continue

        while not _day_matches(s, w):
            if not added:
                added = True
                t = _go_date(tz, w.year, w.month, w.day)
            t = _add_date(t, tz, days=1)
            w = _wall(t, tz)
            # robfig's repair for days whose midnight a DST change skipped or doubled.
            if w.hour != 0:
                t += (24 - w.hour) * 3600 if w.hour > 12 else -w.hour * 3600
                w = _wall(t, tz)
            if w.day == 1:
                wrapped = True
                break
        if wrapped:
            continue

        while not 1 << w.hour & s.hour:
            if not added:
                added = True
                t = _go_date(tz, w.year, w.month, w.day, hour=w.hour)
            t += 3600
            w = _wall(t, tz)
            if w.hour == 0:
                wrapped = True
                break
        if wrapped:
            continue

        while not 1 << w.minute & s.minute:
            if not added:
                added = True
                t -= t % 60
            t += 60
            w = _wall(t, tz)
            if w.minute == 0:
                wrapped = True
                break
        if wrapped:
            continue

        while w.second != 0:
            added = True
            t += 1
            w = _wall(t, tz)
            if w.second == 0:
                wrapped = True
                break
        if wrapped:
            continue
        return t


def next_runs(expression: str, timezone: str | None, start: datetime, count: int) -> list[datetime]:
    """The next `count` run times strictly after `start`, as Argo's controller computes them.

    Times are aware datetimes in the schedule's zone (`timezone`; None or "" means UTC here,
    while Argo itself uses the controller's zone). Each run is robfig's Next() of the previous
    one, so DST behaves like Argo: a run in a skipped wall-clock hour does not happen that day,
    and a run in a repeated hour happens twice. `@every` counts from `start` (Argo counts from
    when the controller registers the schedule). Fewer runs come back when robfig finds none
    within five years (e.g. `0 0 30 2 *`). Raises ValueError for an invalid expression or zone.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    runs: list[datetime] = []
    if count:
        for run in iter_runs(expression, timezone, start):
            runs.append(run)
            if len(runs) == count:
                break
    return runs


def iter_runs(expression: str, timezone: str | None, start: datetime) -> Iterator[datetime]:
    """Every run strictly after `start`, oldest first, lazily: `next_runs` without a count.

    Ends where robfig finds no next run within five years; `@every` never ends. Raises
    ValueError for an invalid expression or zone when first advanced.
    """
    schedule = _parse(expression)
    tz = load_location(timezone)
    t = _unix(start)
    while True:
        if isinstance(schedule, _Every):
            t += schedule.seconds
        else:
            found = _spec_next(schedule, t, tz)
            if found is None:
                return
            t = found
        yield _wall(t, tz)


def iter_merged_runs(
    expressions: list[str] | tuple[str, ...], timezone: str | None, start: datetime
) -> Iterator[datetime]:
    """The runs of several schedules of one CronWorkflow after `start`, oldest first, each
    instant once.

    Argo's cron controller adds one entry per schedule, and each fires `<name>-<unix seconds>`
    (workflow/cron/operator.go, getChildWorkflowName): a second schedule firing at the same
    second meets AlreadyExists and starts nothing.
    """
    streams = [iter_runs(expression, timezone, start) for expression in expressions]
    last: datetime | None = None
    import heapq  # imported when used: only several schedules are merged

    for run in heapq.merge(*streams, key=_unix):
        if last is None or _unix(run) != _unix(last):
            yield run
        last = run


# --------------------------------------------------------------------------------------------
# Weekly structure: the wall-clock slots of a week, and folding a weekday rule into the schedule
# --------------------------------------------------------------------------------------------

# Go's time.Format names for `Mon` (time/format.go, shortDayNames), Sunday first like Weekday().
GO_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_WEEK_MINUTES = 7 * 24 * 60
_ALL_DAYS = _bits(1, 31)
_ALL_MONTHS = _bits(1, 12)
_WEEKDAYS = _bits(1, 5)


def weekly_slots(expression: str) -> tuple[int, ...] | None:
    """Wall-clock minutes since Monday 00:00 at which the schedule fires, or None.

    None when the firing days depend on the date, not only on the weekday: a day-of-month or
    month that is not every day and every month (or `@every`, which follows no wall clock). In
    robfig's dayMatches a full day-of-month field matches every day whichever rule applies, so
    such a schedule fires at the same wall-clock times every week. Raises ValueError for an
    expression Argo would refuse.
    """
    try:
        spec = _parse(expression)
    except _CronError as err:
        raise ValueError(str(err)) from None
    if isinstance(spec, _Every):
        return None
    if spec.dom & _ALL_DAYS != _ALL_DAYS or spec.month & _ALL_MONTHS != _ALL_MONTHS:
        return None
    # dayMatches ANDs the day fields when either is a star (the full day-of-month always
    # matches, so the weekday decides) and ORs them otherwise (then every day matches).
    weekday_decides = bool(spec.dom & _STAR_BIT or spec.dow & _STAR_BIT)
    slots = []
    for day in range(7):  # Monday first
        if weekday_decides and not spec.dow & 1 << (day + 1) % 7:
            continue
        for hour in range(24):
            if spec.hour & 1 << hour:
                for minute in range(60):
                    if spec.minute & 1 << minute:
                        slots.append(day * 1440 + hour * 60 + minute)
    return tuple(slots)


def every_seconds(expression: str) -> int | None:
    """The delay of an `@every` schedule in whole seconds (robfig's rounding), else None."""
    try:
        spec = _parse(expression)
    except _CronError as err:
        raise ValueError(str(err)) from None
    return spec.seconds if isinstance(spec, _Every) else None


def fold_weekdays(expression: str) -> str | None:
    """The schedule limited to Monday-Friday by its day-of-week field, when that is exact.

    Exact when the day-of-month is `*` or `?`: robfig then ANDs the two day fields, so the
    firing days become exactly the weekdays among the schedule's own. With a restricted
    day-of-month robfig would OR them instead (classic cron), and `@every` has no day fields:
    None. The expression comes back unchanged when it already fires on weekdays only. Raises
    ValueError when the schedule fires on Saturdays and Sundays only.
    """
    try:
        spec = _parse(expression)
    except _CronError as err:
        raise ValueError(str(err)) from None
    if isinstance(spec, _Every) or not spec.dom & _STAR_BIT:
        return None
    days = spec.dow & _WEEKDAYS
    if not days:
        raise ValueError(f"`{expression}` runs only on Saturdays or Sundays")
    fields = _five_fields(expression)
    if days == spec.dow & ~_STAR_BIT & _bits(0, 6):
        return expression
    return " ".join([*fields[:4], _day_list(days)])


def month_days(expression: str) -> frozenset[int] | None:
    """The days of the month a schedule can fire on, when its day-of-month alone decides them.

    That is when the day-of-week is `*` (robfig then ANDs the day fields); None otherwise, and
    for `@every`.
    """
    try:
        spec = _parse(expression)
    except _CronError as err:
        raise ValueError(str(err)) from None
    if isinstance(spec, _Every) or not spec.dow & _STAR_BIT:
        return None
    return frozenset(day for day in range(1, 32) if spec.dom & 1 << day)


def _five_fields(expression: str) -> list[str]:
    """The five fields of an expression, a descriptor written out (robfig's parseDescriptor)."""
    written = {
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    }
    return re.split(_FIELD_SPLIT, written.get(expression, expression))


def _day_list(days: int) -> str:
    """A day-of-week bit set as cron text: runs of three or more days as ranges (`1-3,5`)."""
    values = [day for day in range(7) if days & 1 << day]
    parts: list[str] = []
    run = [values[0]]
    for value in values[1:]:
        if value == run[-1] + 1:
            run.append(value)
            continue
        parts.append(_day_range(run))
        run = [value]
    parts.append(_day_range(run))
    return ",".join(parts)


def _day_range(run: list[int]) -> str:
    if len(run) >= 3:
        return f"{run[0]}-{run[-1]}"
    return ",".join(str(day) for day in run)


def go_wall_time(timezone: str | None, wall: datetime) -> datetime:
    """A naive wall-clock time placed in the zone as Go's time.Date (and ParseInLocation) do.

    A wall time that does not exist or exists twice gets Go's offset, not Python's `fold`
    choice (see `_go_date`); the result is aware, in the zone.
    """
    tz = load_location(timezone)
    t = _go_date(
        tz,
        wall.year,
        wall.month,
        wall.day,
        hour=wall.hour,
        minute=wall.minute,
        second=wall.second,
    )
    return _wall(t, tz)


# --------------------------------------------------------------------------------------------
# DST transitions
# --------------------------------------------------------------------------------------------


class DstTransition(NamedTuple):
    """One UTC-offset change: the wall-clock window it skips or repeats.

    Runs listed by `next_runs` near such a change can look wrong (a daily run missing one day,
    or listed twice), so callers use these to explain them.
    """

    at: datetime
    """The first instant on the new offset, as an aware datetime in the zone."""
    offset_before: timedelta
    offset_after: timedelta

    @property
    def skipped(self) -> bool:
        """True when clocks jump forward, so the window's wall-clock times never happen."""
        return self.offset_after > self.offset_before

    @property
    def wall_start(self) -> datetime:
        """Start of the skipped or repeated wall-clock window (naive local time)."""
        utc = self.at.astimezone(_UTC).replace(tzinfo=None)
        return utc + min(self.offset_before, self.offset_after)

    @property
    def wall_end(self) -> datetime:
        """End (exclusive) of the skipped or repeated wall-clock window (naive local time)."""
        return self.wall_start + abs(self.offset_after - self.offset_before)

    def covers(self, moment: datetime) -> bool:
        """Whether `moment`'s wall-clock reading (in its own zone) falls in the window."""
        wall = moment.replace(tzinfo=None, fold=0)
        return self.wall_start <= wall < self.wall_end


_DST_SCAN_STEP = 86_400


def dst_transitions(timezone: str, start: datetime, end: datetime) -> list[DstTransition]:
    """Offset changes of `timezone` in (start, end], oldest first, so previews can flag DST days.

    Scans daily and bisects to the second: no zone in tzdata changes its offset twice in a day,
    and a day's step keeps a preview of many years of `@yearly` runs instant.
    """
    tz = load_location(timezone)
    t, stop = _unix(start), _unix(end)
    offset = _offset(t, tz)
    found: list[DstTransition] = []
    while t < stop:
        probe = min(t + _DST_SCAN_STEP, stop)
        new_offset = _offset(probe, tz)
        if new_offset != offset:
            low, high = t, probe
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(middle, tz) == offset:
                    low = middle
                else:
                    high = middle
            found.append(
                DstTransition(
                    at=_wall(high, tz),
                    offset_before=timedelta(seconds=offset),
                    offset_after=timedelta(seconds=new_offset),
                )
            )
            offset = new_offset
        t = probe
    return found


# --------------------------------------------------------------------------------------------
# The longest wait between two runs
# --------------------------------------------------------------------------------------------

# Sparse schedules (`0 0 29 2 *`) repeat over the leap-year cycle; robfig gives up on a schedule
# that finds no time within five years, so eight years from the start see every gap it can make.
_GAP_HORIZON_DAYS = 8 * 366
# Fires walked with robfig's Next around one clock change: enough for the skipped or repeated
# hour of a minute-by-minute schedule, few enough to stay fast.
_GAP_WALK_FIRES = 200
_GAP_WALK_MARGIN = 3 * 3600


def longest_gap(expressions: Sequence[str], timezone: str | None, start: datetime) -> int | None:
    """The longest wait in seconds between two consecutive runs of `expressions` together.

    See `_longest_gap`; the answer is kept, as a render asks it twice (the rule, a warning).
    """
    return _longest_gap(tuple(expressions), timezone, start)


@functools.lru_cache(maxsize=64)
def _longest_gap(expressions: tuple[str, ...], timezone: str | None, start: datetime) -> int | None:
    """The longest wait in seconds between two consecutive runs of `expressions` together.

    Over the eight years after `start`, as Argo's controller fires them (each schedule its own
    robfig entry, `cron/controller.go` AddJob per schedule). Away from clock changes a run's
    real time follows its wall-clock time, so those gaps come from the schedule's fields
    (robfig's `Next` visits exactly the wall-clock times whose month, day, hour and minute bits
    match, `spec.go`); across each clock change of the coming year the runs are walked with
    `Next` itself, which is where a skipped hour makes a daily run wait 47 hours and a repeated
    one makes a four-hourly run wait five. The result is never shorter than a real gap (it may
    be one clock change longer when the longest wall-clock gap spans a spring change). `@every`
    waits its delay; with other schedules the union waits at most the shortest of their
    longest gaps. None when the schedules fire fewer than twice.
    """
    parsed = [_parse(expression) for expression in expressions]
    tz = load_location(timezone)
    delays = [s.seconds for s in parsed if isinstance(s, _Every)]
    specs = [s for s in parsed if isinstance(s, _Spec)]
    gap = _wall_longest_gap(specs, start.astimezone(tz).date()) if specs else None
    if gap is not None and timezone:
        end = start + timedelta(days=366)
        for transition in dst_transitions(timezone, start, end):
            gap = max(gap, _longest_gap_around(specs, tz, _unix(transition.at), gap))
    if delays:
        return min([*delays, *([gap] if gap is not None else [])])
    return gap


def _minutes_of_day(s: _Spec) -> list[int]:
    return [
        hour * 60 + minute
        for hour in range(24)
        if s.hour >> hour & 1
        for minute in range(60)
        if s.minute >> minute & 1
    ]


_EVERY_DAY = _bits(1, 31)
_EVERY_MONTH = _bits(1, 12)


def _wall_longest_gap(specs: Sequence[_Spec], first_day: date) -> int | None:
    """The longest gap in wall-clock seconds between fires, as if the zone had no clock changes.

    When no schedule restricts the month or the day of the month, which days fire depends on
    the weekday alone, and two weeks show every gap.
    """
    minutes = [_minutes_of_day(s) for s in specs]
    weekly = all(
        s.dom & _EVERY_DAY == _EVERY_DAY and s.month & _EVERY_MONTH == _EVERY_MONTH for s in specs
    )
    days: dict[tuple[int, ...], tuple[int, int, int]] = {}
    longest = fires = 0
    last: int | None = None
    for offset in range(15 if weekly else _GAP_HORIZON_DAYS):
        day = date.fromordinal(first_day.toordinal() + offset)
        firing = tuple(
            i
            for i, s in enumerate(specs)
            if minutes[i] and 1 << day.month & s.month and _day_matches(s, day)
        )
        if not firing:
            continue
        if firing not in days:
            times = sorted({m for i in firing for m in minutes[i]})
            inner = max((b - a for a, b in pairwise(times)), default=0)
            days[firing] = (times[0], times[-1], inner)
        first, final, inner = days[firing]
        if last is not None:
            longest = max(longest, offset * 1440 + first - last)
        longest = max(longest, inner)
        fires += 1 + (final != first)
        last = offset * 1440 + final
    return longest * 60 if fires >= 2 else None


def _next_fire(specs: Sequence[_Spec], after: int, tz: tzinfo) -> int | None:
    found = [t for t in (_spec_next(s, after, tz) for s in specs) if t is not None]
    return min(found, default=None)


def _longest_gap_around(specs: Sequence[_Spec], tz: tzinfo, change: int, wall_gap: int) -> int:
    """The longest real gap between runs that `Next` finds across the clock change at `change`."""
    # Some run happens within any span longer than the wall-clock gap plus the clock change; the
    # last one before `change` is found by bisection, so dense schedules are not walked for long.
    low, high = change - wall_gap - _GAP_WALK_MARGIN, change
    if (_next_fire(specs, low, tz) or change + 1) > change:
        return 0
    while high - low > 1:
        middle = (low + high) // 2
        if (_next_fire(specs, middle, tz) or change + 1) > change:
            high = middle
        else:
            low = middle
    previous, longest = high, 0
    for _ in range(_GAP_WALK_FIRES):
        following = _next_fire(specs, previous, tz)
        if following is None:
            break
        longest = max(longest, following - previous)
        if following > change + _GAP_WALK_MARGIN:
            break
        previous = following
    return longest
