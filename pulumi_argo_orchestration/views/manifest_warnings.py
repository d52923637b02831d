"""Warnings read from finished manifests, for the CronWorkflows a program declares by hand.

A `ScheduledPipeline` logs the spec's warnings itself (`spec.warnings`, through `pulumi.log`);
a CronWorkflow a program declares as a plain CustomResource has no spec, so what can be said
about it is read from its manifest, in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..spec.warnings import timezone_warning


def manifest_warnings(documents: Sequence[Mapping[str, Any]]) -> list[str]:
    """The spec's warnings that a CronWorkflow manifest shows: for now, a missing time zone."""
    warnings = []
    for document in documents:
        spec = document.get("spec") or {}
        if document.get("kind") == "CronWorkflow" and not spec.get("timezone"):
            warnings.append(timezone_warning((document.get("metadata") or {}).get("name")))
    return warnings
