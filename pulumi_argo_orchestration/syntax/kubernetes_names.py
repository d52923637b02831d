"""Kubernetes' name and label grammar, and Go's time zone lookup, as the API server applies them.

The API server and Argo's controller reject bad names only at apply time, far from the spec that
caused them; checking here turns those late failures into validation errors with a field path.
Mirrors k8s.io/apimachinery/pkg/util/validation (IsDNS1123Label, IsDNS1123Subdomain,
IsQualifiedName, IsValidLabelValue).
"""

from __future__ import annotations

import re
from datetime import tzinfo
from functools import lru_cache

from ..errors import shown

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_LABEL_CHARS = "must be {} characters of a-z, A-Z, 0-9, '-', '_', '.', alphanumeric at both ends"
_LABEL_NAME = r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"

DNS_LABEL_RULE = (
    "must be a lowercase DNS-1123 label: a-z, 0-9 and '-', "
    "starting and ending with a letter or digit"
)
DNS_SUBDOMAIN_RULE = (
    "must be a lowercase DNS-1123 subdomain: a-z, 0-9, '-' and '.', "
    "starting and ending with a letter or digit"
)


def is_dns_label(value: str) -> bool:
    """True for names Kubernetes accepts as a DNS-1123 label (length checked separately)."""
    return bool(re.fullmatch(_DNS_LABEL, value))


def is_dns_subdomain(value: str) -> bool:
    """True for names Kubernetes accepts as a DNS-1123 subdomain (length checked separately)."""
    return bool(re.fullmatch(_DNS_SUBDOMAIN, value))


def label_key_problem(key: str) -> str | None:
    """Why Kubernetes would reject this label key, or None."""
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not is_dns_subdomain(prefix)):
        return "the prefix before '/' must be a DNS-1123 subdomain"
    if not name or len(name) > 63 or not re.fullmatch(_LABEL_NAME, name):
        return f"the name {_LABEL_CHARS.format('1-63')}"
    return None


def label_value_problem(value: str) -> str | None:
    """Why Kubernetes would reject this label value, or None."""
    if value and (len(value) > 63 or not re.fullmatch(_LABEL_NAME, value)):
        return f"the value {_LABEL_CHARS.format('at most 63')}"
    return None


# The tz database's file name rules (its theory.html, "Names of timezones"): parts of ASCII
# letters, digits, '.', '-', '_' and '+' (legacy names such as Etc/GMT+5), none of them '.' or
# '..' (Go's LoadLocation refuses those too), no part longer than 14 characters.
_ZONE_NAME = r"(?!\.\.?(/|$))[A-Za-z0-9._+-]{1,14}(/(?!\.\.?(/|$))[A-Za-z0-9._+-]{1,14})*"
ZONE_NAME_MAX = 64  # the longest name in the database has 32 characters


def is_iana_timezone(name: str) -> bool:
    """True when Go's time.LoadLocation (Argo's controller) would find this zone.

    The name is checked against the database's naming rules before any file is looked up, so a
    directory of the database (`America`), a path or a very long name is simply not a zone.
    """
    if not name or len(name) > ZONE_NAME_MAX or name == "Local" or name in _NOT_ZONES:
        return False
    return bool(re.fullmatch(_ZONE_NAME, name)) and _zone_file_exists(name)


def load_location(name: str | None) -> tzinfo:
    """The zone Go's time.LoadLocation loads for `name` (UTC when empty), or ValueError."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    if not name:
        return timezone.utc
    if not is_iana_timezone(name):
        raise ValueError(f"unknown time zone {shown(name)}")
    return ZoneInfo(name)


def closest_timezone(name: str) -> str | None:
    """The zone a misspelt name most likely meant (`Europe/Zurch`, `europe/zurich`), or None."""
    if len(name) > ZONE_NAME_MAX or not re.fullmatch(_ZONE_NAME, name):
        return None  # a path, or no name at all: nothing to suggest
    from zoneinfo import available_timezones  # imported when used: a typo reads the database

    from .spelling import closest

    zones = sorted(z for z in available_timezones() if z not in _NOT_ZONES)
    region = [z for z in zones if z.startswith(name + "/")]
    return region[0] if region else closest(name, zones)


# Files beside the database that are not zones: `localtime` is this machine's zone (the
# controller's image has no such file), `posixrules` the default for POSIX TZ strings.
_NOT_ZONES = frozenset({"localtime", "posixrules"})


@lru_cache(maxsize=256)
def _zone_file_exists(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False  # OSError: a directory of the database, such as `America`
    return True
