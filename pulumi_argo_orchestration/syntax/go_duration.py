"""Go-style durations (`30m`, `1h30m`, `90s`) as whole seconds for Argo's `activeDeadlineSeconds`.

Argo takes a Workflow's deadline as an integer number of seconds; specs read better as `2h`.
A bare number is seconds, as in Argo's retry backoff fields. `duration_text` goes the other way,
for specs read back from manifests.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

_UNIT_SECONDS = {
    "ns": Decimal("1e-9"),
    "us": Decimal("1e-6"),
    "µs": Decimal("1e-6"),
    "ms": Decimal("1e-3"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
}
_PART = r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)"
# Go's time.Duration is an int64 of nanoseconds: about 292 years.
GO_DURATION_MAX_SECONDS = (2**63 - 1) // 10**9
_WHOLE = r"^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$"


_LONGEST = 64
"""Characters of the longest duration read: Go's own overflow at 292 years is 20 digits, and
longer text would only cost time (turning digits into a number is quadratic in their count)."""


def duration_seconds(text: str, *, exact: bool = False) -> int | None:
    """Whole seconds, rounded up so a deadline is never shorter than asked; None if invalid.

    With `exact`, a duration that is not a whole number of seconds is None instead.
    """
    if len(text) > _LONGEST:
        return None
    if text.isdigit():
        return int(text)
    if not re.match(_WHOLE, text):
        return None
    total = sum(
        (Decimal(number) * _UNIT_SECONDS[unit] for number, unit in re.findall(_PART, text)),
        Decimal(0),
    )
    if exact and total != total.to_integral_value():
        return None
    return math.ceil(total)


def duration_text(seconds: int) -> str:
    """Whole seconds as Go writes a duration, without zero units: 7200 -> `2h`, 5400 -> `1h30m`.

    `duration_seconds(duration_text(n)) == n` for every n >= 0.
    """
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    return text + (f"{secs}s" if secs or not text else "")
