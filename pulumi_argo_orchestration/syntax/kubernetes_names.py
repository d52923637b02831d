"""Kubernetes' name and label grammar, and Go's time zone lookup, as the API server applies them.

The API server and Argo's controller reject bad names only at apply time, far from the spec that
caused them; checking here turns those late failures into validation errors with a field path.
Mirrors k8s.io/apimachinery/pkg/util/validation (IsDNS1123Label, IsDNS1123Subdomain,
IsQualifiedName, IsValidLabelValue).
"""

from __future__ import annotations

import re
from functools import lru_cache

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


@lru_cache(maxsize=256)
def is_iana_timezone(name: str) -> bool:
    """True when Go's time.LoadLocation (Argo's controller) would find this zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or name != name.strip() or name == "Local":
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
