"""The structural schema of a PrometheusRule, so `validate --strict` checks what `alerts:` emits.

Transcribed from the `openAPIV3Schema` of the CustomResourceDefinition
`prometheusrules.monitoring.coreos.com` v1 in prometheus-operator
(`example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml`, operator 0.82.2,
controller-gen v0.17.3; Apache License 2.0, (c) The Prometheus Operator Authors), with the
descriptions left out, `additionalProperties: false` added so a misspelt field is an error, as
the Argo checks do, and the CRD's `^(?i)(abort|warn)?$` written `(?i)^(abort|warn)?$`, the same
pattern in the spelling Python's `re` accepts. The CRD's list-map key (group names unique) is
checked by `group_name_problems`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import shown

API_VERSION = "monitoring.coreos.com/v1"
KIND = "PrometheusRule"
SOURCE = "prometheus-operator 0.82.2 PrometheusRule CRD"

_DURATION = {
    "type": "string",
    "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?"
    r"(([0-9]+)ms)?)$",
}
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}

_RULE = {
    "type": "object",
    "required": ["expr"],
    "additionalProperties": False,
    "properties": {
        "alert": {"type": "string"},
        "annotations": _STRING_MAP,
        "expr": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "for": _DURATION,
        "keep_firing_for": {**_DURATION, "minLength": 1},
        "labels": _STRING_MAP,
        "record": {"type": "string"},
    },
}
_GROUP = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "interval": _DURATION,
        "labels": _STRING_MAP,
        "limit": {"type": "integer"},
        "name": {"type": "string", "minLength": 1},
        "partial_response_strategy": {"type": "string", "pattern": "(?i)^(abort|warn)?$"},
        "query_offset": _DURATION,
        "rules": {"type": "array", "items": _RULE},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"groups": {"type": "array", "items": _GROUP}},
        },
    },
}


def is_prometheus_rule(document: Mapping[str, Any]) -> bool:
    """True for a `monitoring.coreos.com/v1` PrometheusRule."""
    return document.get("apiVersion") == API_VERSION and document.get("kind") == KIND


def group_name_problems(document: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """(path, message) for each group whose name an earlier group already has."""
    spec = document.get("spec")
    groups = spec.get("groups") if isinstance(spec, Mapping) else None
    if not isinstance(groups, list):
        return []
    seen: set[Any] = set()
    found = []
    for index, group in enumerate(groups):
        name = group.get("name") if isinstance(group, Mapping) else None
        if name in seen:
            found.append((("spec", "groups", index, "name"), f"duplicate group name {shown(name)}"))
        seen.add(name)
    return found
