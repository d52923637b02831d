"""The order objects are applied in: what a thing uses exists before it.

A ServiceAccount before its token Secret (Kubernetes deletes a token Secret whose account does not
exist), RBAC before the workflows that need it, ConfigMaps that size semaphores before the
children that hold them, WorkflowTemplates before the CronWorkflow that spawns them. `render`
prints a pipeline's documents in this order and the offline engine sorts a program's resources
by it; the sort is stable, so objects of one kind keep the order they were built or registered in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# `None` stands for every kind not listed (a Deployment, a PrometheusRule): after what they may
# use, before the Argo objects.
KIND_ORDER: tuple[str | None, ...] = (
    "Namespace",
    "ServiceAccount",
    "Secret",
    "ClusterRole",
    "Role",
    "ClusterRoleBinding",
    "RoleBinding",
    "ConfigMap",
    None,
    "WorkflowTemplate",
    "ClusterWorkflowTemplate",
    "CronWorkflow",
)
_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}


def apply_rank(document: Mapping[str, Any]) -> int:
    """The document's place in KIND_ORDER; the sort key of `in_apply_order`."""
    return _RANK.get(document.get("kind"), _RANK[None])


def in_apply_order(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents sorted by kind, each kind in the order given."""
    return sorted(documents, key=apply_rank)
