"""RFC 3339 times, as Argo writes and reads `workflows.argoproj.io/scheduled-time`.

The cron controller writes the annotation with Go's `Format(time.RFC3339)`: whole seconds, and
`Z` for UTC (workflow/common/convert.go, ConvertCronWorkflowToWorkflowWithProperties), and
`argo submit --scheduled-time` refuses a value that does not parse as RFC 3339
(cmd/argo/commands/submit.go). Times on the command line are read with the same grammar: a date,
`T` (or a space, or `t`), a time with optional fractional seconds, and `Z` or an offset.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

_UTC = timezone.utc
_RFC3339 = (
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)
EXAMPLE = "2026-03-29T00:00:00Z"


def parse_rfc3339(text: str) -> datetime | None:
    """The aware time `text` names, or None when it is not RFC 3339 (an offset is required).

    Fractional seconds are rounded up to the microsecond, so a time never reads as earlier than
    written: `--from 00:00:00.0000001` does not include a run at 00:00:00.
    """
    match = re.fullmatch(_RFC3339, text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if zulu:
        zone = _UTC
    else:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-offset if sign == "-" else offset)
    microsecond = math.ceil(int(fraction.ljust(9, "0")) / 1000) if fraction else 0
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError:
        return None
    return moment + timedelta(microseconds=microsecond)


def format_rfc3339(moment: datetime) -> str:
    """Go's `t.UTC().Format(time.RFC3339)`: whole seconds, in UTC, with `Z`."""
    if moment.tzinfo is None:
        raise ValueError("an RFC 3339 time needs a time zone")
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seconds_ceiling(moment: datetime) -> datetime:
    """The first whole second at or after `moment` (runs are scheduled on whole seconds)."""
    if moment.microsecond:
        return moment.replace(microsecond=0) + timedelta(seconds=1)
    return moment
