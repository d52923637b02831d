"""Namespaces a pipeline creates when `createNamespace` is set: its own, then its children's.

Without it the namespaces must exist (a cluster administrator's, or another resource of the
stack whose name the pipeline reads). The Pod Security labels make the API server warn about, and
audit, any pod below the "restricted" standard, which this package's own pods meet; `enforce` is
left to the cluster's policy, since Argo's init and wait containers take their security context
from the controller's configuration, not from these manifests.
"""

from __future__ import annotations

from typing import Any

from ..spec.pipeline import Pipeline

POD_SECURITY_LABELS = {
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
}


def namespace(name: str, labels: dict[str, str]) -> dict[str, Any]:
    """A Namespace with the pipeline's labels and the restricted warn/audit labels."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {**labels, **POD_SECURITY_LABELS}},
    }


def namespace_manifests(pipeline: Pipeline, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The pipeline's namespace and every other one its children run in, if it creates them."""
    if not pipeline.create_namespace:
        return []
    return [namespace(ns, labels) for ns in [pipeline.namespace, *pipeline.child_namespaces]]
