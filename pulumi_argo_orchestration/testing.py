"""Run a Pulumi program offline under `pulumi.runtime.set_mocks` and read back what it declared.

No Pulumi CLI, no cluster: the mock monitor records every registration (type, name, parent,
dependencies, inputs), and Kubernetes resources are turned back into manifests. Each run gets a
fresh `contextvars.Context`, because Pulumi's runtime keeps its root stack and config in context
variables that would otherwise leak from one run into the next.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KUBERNETES_PREFIX = "kubernetes:"


@dataclass(frozen=True)
class RegisteredResource:
    """One resource the program registered, as the engine would have seen it."""

    urn: str
    type: str
    name: str
    parent: str
    dependencies: tuple[str, ...]
    custom: bool
    protect: bool
    provider: str
    inputs: dict[str, Any]


@dataclass
class OfflineRun:
    """Everything a program registered, in registration order."""

    resources: list[RegisteredResource] = field(default_factory=list)

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        """The resources of one type token, e.g. `kubernetes:core/v1:ServiceAccount`."""
        return [r for r in self.resources if r.type == type_token]

    def by_urn(self, urn: str) -> RegisteredResource:
        """The resource with this URN."""
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def manifests(self) -> list[dict[str, Any]]:
        """Kubernetes resources as manifests, in apply order (kind, then namespace and name)."""
        documents = [
            resource_manifest(r) for r in self.resources if r.type.startswith(KUBERNETES_PREFIX)
        ]
        return sorted(documents, key=manifest_sort_key)


_KIND_RANK = {
    kind: rank
    for rank, kind in enumerate(
        (
            "Namespace",
            "ServiceAccount",
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "ConfigMap",
            "Secret",
            "WorkflowTemplate",
            "ClusterWorkflowTemplate",
            "CronWorkflow",
        )
    )
}


def manifest_sort_key(document: dict[str, Any]) -> tuple[int, str, str, str]:
    """Apply order: accounts and RBAC before what uses them, CronWorkflows last."""
    meta = document.get("metadata") or {}
    return (
        _KIND_RANK.get(document.get("kind", ""), len(_KIND_RANK) - 1),
        document.get("kind", ""),
        meta.get("namespace") or "",
        meta.get("name") or "",
    )


def resource_manifest(resource: RegisteredResource) -> dict[str, Any]:
    """A pulumi-kubernetes resource's inputs as the manifest it would apply."""
    inputs = dict(resource.inputs)
    head = {"apiVersion": inputs.pop("apiVersion", None), "kind": inputs.pop("kind", None)}
    if head["apiVersion"] is None or head["kind"] is None:
        # kubernetes:<group>/<version>:<Kind>; the core group is spelled `core` in the token.
        _, group_version, kind = resource.type.split(":", 2)
        group, _, version = group_version.rpartition("/")
        head = {"apiVersion": version if group == "core" else group_version, "kind": kind}
    metadata = inputs.pop("metadata", {}) or {}
    return {**head, "metadata": metadata, **inputs}


def run_pulumi(
    program: Callable[[], Any],
    *,
    project: str = "project",
    stack: str = "stack",
    config: dict[str, str] | None = None,
) -> OfflineRun:
    """Run `program` under mocks and return what it registered.

    `config` keys are `<namespace>:<key>` as in `Pulumi.<stack>.yaml`. Errors raised by the
    program, or while registering its resources, propagate unchanged.
    """
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime import rpc
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    run = OfflineRun()

    class _EchoMocks(pulumi_mocks.Mocks):
        """Every resource's outputs are its inputs; its ID is its name."""

        def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
            return {}, None

    class _RecordingMonitor(pulumi_mocks.MockMonitor):
        """`MockResourceArgs` carries no parent or dependencies: read them from the request."""

        def RegisterResource(self, request: Any) -> Any:
            response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
            if request.type != "pulumi:pulumi:Stack":
                run.resources.append(
                    RegisteredResource(
                        urn=response.urn,
                        type=request.type,
                        name=request.name,
                        parent=request.parent,
                        dependencies=tuple(request.dependencies),
                        custom=bool(request.custom),
                        protect=bool(request.protect),
                        provider=request.provider,
                        inputs=rpc.deserialize_properties(request.object),
                    )
                )
            return response

    mocks = _EchoMocks()

    def _in_fresh_context() -> None:
        pulumi_mocks.set_mocks(
            mocks, project, stack, preview=False, monitor=_RecordingMonitor(mocks)
        )
        set_all_config(dict(config or {}))
        _sync_await(run_pulumi_func(program))

    contextvars.Context().run(_in_fresh_context)
    return run
