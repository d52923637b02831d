"""Times on the command line: how each command reads them and the range they must lie in."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import shown

if TYPE_CHECKING:
    from datetime import datetime


# From the Unix epoch, where Kubernetes timestamps and the run names
# (`<pipeline>-bf<unix seconds>`) begin, to the year 3000, which leaves room for the windows,
# retries and durations added to them before Python's dates end with the year 9999.
EARLIEST_TIME = "1970-01-01T00:00:00Z"
LATEST_TIME = "2999-12-31T23:59:59Z"


def time_in_range(moment: datetime, value: str) -> datetime:
    """`moment` when it lies between EARLIEST_TIME and LATEST_TIME, else an argument error."""
    from datetime import datetime, timezone

    utc = timezone.utc
    earliest = datetime(1970, 1, 1, tzinfo=utc)
    latest = datetime(2999, 12, 31, 23, 59, 59, tzinfo=utc)
    if moment.tzinfo is None:
        # A time without an offset is read in the pipeline's zone: its wall clock is compared.
        earliest, latest = earliest.replace(tzinfo=None), latest.replace(tzinfo=None)
    if not earliest <= moment <= latest:
        raise argparse.ArgumentTypeError(
            f"{shown(value)} is not between {EARLIEST_TIME} and {LATEST_TIME}"
        )
    return moment


def iso_time(value: str) -> datetime:
    """--from/--at: ISO 8601, an offset optional (then read in the pipeline's zone)."""
    from datetime import datetime

    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{shown(value)} is not an ISO 8601 time (e.g. 2025-03-29T00:00:00+01:00)"
        ) from None
    return time_in_range(moment, value)


def rfc3339_time(text: str) -> datetime:
    """run and backfill times: RFC 3339 with an offset, as Argo's scheduled-time."""
    from ..syntax.rfc3339 import EXAMPLE, parse_rfc3339

    moment = parse_rfc3339(text)
    if moment is None:
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not an RFC 3339 time with an offset (e.g. {EXAMPLE})"
        )
    return time_in_range(moment, text)
