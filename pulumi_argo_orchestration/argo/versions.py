"""Finished v4 documents rewritten for an older Argo target: the one place for spelling differences.

The manifest builders speak Argo v4 (`spec.schedules`, plural `synchronization.semaphores` /
`mutexes`). For `argoVersion: "3.5"` the rules in `spec.targets` have already refused what v3.5
cannot run, so the rewrite here loses nothing: `spec.schedule` takes the one schedule and each
`synchronization` its one semaphore and mutex.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..spec.models import ArgoVersion
from ..spec.targets import PLURAL_SYNCHRONIZATION


def singular_synchronization(synchronization: Mapping[str, Any]) -> dict[str, Any]:
    """v3.6+ `{semaphores: [s], mutexes: [m]}` as v3.5's `{semaphore: s, mutex: m}`."""
    out: dict[str, Any] = {}
    for key, value in synchronization.items():
        singular = PLURAL_SYNCHRONIZATION.get(key)
        if singular is None:
            out[key] = value
        elif value:
            out[singular] = value[0]
    return out


def for_target(documents: list[dict[str, Any]], version: ArgoVersion) -> list[dict[str, Any]]:
    """The v4 documents rewritten for `version`; validated pipelines only (see target_problems)."""
    if version is not ArgoVersion.V3_5:
        return documents
    return [_to_v3_5(document) for document in documents]


def _to_v3_5(document: dict[str, Any]) -> dict[str, Any]:
    document = _singular_synchronizations(copy.deepcopy(document))
    spec = document.get("spec")
    if document.get("kind") == "CronWorkflow" and isinstance(spec, dict) and "schedules" in spec:
        # Rebuilt rather than patched so `schedule` keeps the place `schedules` had.
        document["spec"] = {
            ("schedule" if key == "schedules" else key): (value[0] if key == "schedules" else value)
            for key, value in spec.items()
        }
    return document


def _singular_synchronizations(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key == "synchronization" and isinstance(value, Mapping):
                node[key] = singular_synchronization(value)
            else:
                node[key] = _singular_synchronizations(value)
    elif isinstance(node, list):
        return [_singular_synchronizations(item) for item in node]
    return node
