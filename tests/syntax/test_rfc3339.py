"""RFC 3339 times as `argo submit --scheduled-time` reads them and the cron controller writes them
(Go's `time.RFC3339`: an offset is required, `Z` for UTC, whole seconds when written)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pulumi_argo_orchestration.syntax.rfc3339 import (
    format_rfc3339,
    parse_rfc3339,
    seconds_ceiling,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-29T00:00:00Z", datetime(2026, 3, 29, tzinfo=UTC)),
        ("2026-03-29t00:00:00z", datetime(2026, 3, 29, tzinfo=UTC)),
        ("2026-03-29 02:00:00+02:00", datetime(2026, 3, 29, tzinfo=UTC)),
        ("2026-03-28T19:00:00-05:00", datetime(2026, 3, 29, tzinfo=UTC)),
        ("2026-03-29T00:00:00.5Z", datetime(2026, 3, 29, 0, 0, 0, 500000, tzinfo=UTC)),
        # A fraction below the microsecond rounds up: the time is never read as earlier.
        ("2026-03-29T00:00:00.0000001Z", datetime(2026, 3, 29, 0, 0, 0, 1, tzinfo=UTC)),
    ],
)
def test_parse_reads_the_instant(text, expected):
    assert parse_rfc3339(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-29T00:00:00",  # no offset
        "2026-03-29T00:00Z",  # no seconds
        "2026-03-29",
        "2026-02-30T00:00:00Z",
        "2026-03-29T24:00:00Z",
        "2026-03-29T00:00:00+24:00",
        "0000-01-01T00:00:00Z",
        "tomorrow",
        "",
    ],
)
def test_parse_refuses_what_is_not_rfc3339(text):
    assert parse_rfc3339(text) is None


def test_format_is_gos_rfc3339_in_utc():
    zurich = timezone(timedelta(hours=2))
    assert format_rfc3339(datetime(2026, 3, 29, 4, 0, 0, 999999, tzinfo=zurich)) == (
        "2026-03-29T02:00:00Z"
    )
    with pytest.raises(ValueError, match="time zone"):
        format_rfc3339(datetime(2026, 3, 29))


def test_seconds_ceiling():
    whole = datetime(2026, 3, 29, tzinfo=UTC)
    assert seconds_ceiling(whole) == whole
    assert seconds_ceiling(whole + timedelta(microseconds=1)) == whole + timedelta(seconds=1)
