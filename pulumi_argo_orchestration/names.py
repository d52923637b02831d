"""Kubernetes and Argo naming rules, and the names and labels we derive from a pipeline.

The API server and Argo's controller reject bad names only at apply time, far from the spec that
caused them; checking here turns those late failures into validation errors with a field path.
"""

from __future__ import annotations

import re
from functools import lru_cache

CRON_WORKFLOW_NAME_MAX = 52  # spawned runs are `<name>-<unix seconds>`, within Workflow's 63
WORKFLOW_NAME_MAX = 63  # Argo's controller limit for Workflow and WorkflowTemplate names
GENERATED_SUFFIX = 5  # characters Kubernetes appends to a generateName prefix

MANAGED_BY = "pulumi-argo-orchestration"
PART_OF_LABEL = "app.kubernetes.io/part-of"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
PARENT_LABEL = "argo-orchestration/parent"
STEP_LABEL = "argo-orchestration/step"
# On children in another namespace than their parent: the parent's name alone is ambiguous there.
PARENT_NAMESPACE_LABEL = "argo-orchestration/parent-namespace"
RESERVED_LABELS = frozenset(
    {PART_OF_LABEL, MANAGED_BY_LABEL, PARENT_LABEL, STEP_LABEL, PARENT_NAMESPACE_LABEL}
)
OBJECT_NAME_MAX = 253

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


def _short_hash(text: str) -> str:
    # Imported here: only over-long names need it, and OpenSSL's loading shows in CLI start-up.
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:6]


def child_generate_name(pipeline: str, step: str) -> str:
    """`<pipeline>-<step>-`, shortened so the generated Workflow name stays within 63 characters.

    `{{workflow.name}}` cannot be the prefix: a cron run's name is already up to 63 characters.
    A shortened prefix keeps a hash of the full one, so two long step names stay distinguishable.
    """
    prefix = f"{pipeline}-{step}"
    limit = WORKFLOW_NAME_MAX - GENERATED_SUFFIX - 1
    if len(prefix) > limit:
        digest = _short_hash(prefix)
        prefix = f"{prefix[: limit - 7].rstrip('-')}-{digest}"
    return f"{prefix}-"


def common_labels(pipeline_name: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Labels on every object and run of a pipeline, so one selector finds all of them."""
    return {PART_OF_LABEL: pipeline_name, MANAGED_BY_LABEL: MANAGED_BY, **(extra or {})}


def child_selector(pipeline_name: str) -> str:
    """The label selector that lists every run and every child of a pipeline."""
    return f"{PART_OF_LABEL}={pipeline_name}"


def spawner_role_name(pipeline_namespace: str, account: str) -> str:
    """`<pipeline namespace>.<orchestrator account>`: the Role that lets it spawn children here.

    A namespace holds no '.', so two pipelines' Roles in one child namespace never share a name.
    """
    name = f"{pipeline_namespace}.{account}"
    if len(name) > OBJECT_NAME_MAX:
        digest = _short_hash(name)
        name = f"{name[: OBJECT_NAME_MAX - 7].rstrip('-.')}-{digest}"
    return name
