"""Registers finished manifests as pulumi-kubernetes resources, parented to a component.

The manifests come from the same pure functions the CLI renders, so `pulumi up` and
`argo-orchestration render` cannot drift apart.
"""

from collections.abc import Sequence
from typing import Any, Optional

import pulumi
import pulumi_kubernetes as k8s

TOKEN_ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name"


def _metadata(document: dict[str, Any]) -> k8s.meta.v1.ObjectMetaArgs:
    meta = document["metadata"]
    return k8s.meta.v1.ObjectMetaArgs(
        name=meta.get("name"),
        namespace=meta.get("namespace"),
        labels=meta.get("labels"),
        annotations=meta.get("annotations"),
    )


def register_manifest(
    resource_name: str,
    document: dict[str, Any],
    opts: pulumi.ResourceOptions,
) -> pulumi.CustomResource:
    """One manifest as a typed pulumi-kubernetes resource (CustomResource for Argo kinds)."""
    kind = document["kind"]
    metadata = _metadata(document)
    if kind == "ServiceAccount":
        return k8s.core.v1.ServiceAccount(resource_name, metadata=metadata, opts=opts)
    if kind == "Secret":
        return k8s.core.v1.Secret(
            resource_name, metadata=metadata, type=document.get("type"), opts=opts
        )
    if kind == "ConfigMap":
        return k8s.core.v1.ConfigMap(
            resource_name, metadata=metadata, data=document.get("data"), opts=opts
        )
    if kind == "Role":
        rules = [
            k8s.rbac.v1.PolicyRuleArgs(
                api_groups=rule["apiGroups"], resources=rule["resources"], verbs=rule["verbs"]
            )
            for rule in document["rules"]
        ]
        return k8s.rbac.v1.Role(resource_name, metadata=metadata, rules=rules, opts=opts)
    if kind == "RoleBinding":
        ref = document["roleRef"]
        subjects = [
            k8s.rbac.v1.SubjectArgs(kind=s["kind"], name=s["name"], namespace=s.get("namespace"))
            for s in document["subjects"]
        ]
        return k8s.rbac.v1.RoleBinding(
            resource_name,
            metadata=metadata,
            role_ref=k8s.rbac.v1.RoleRefArgs(
                api_group=ref["apiGroup"], kind=ref["kind"], name=ref["name"]
            ),
            subjects=subjects,
            opts=opts,
        )
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=document["apiVersion"],
        kind=kind,
        metadata=metadata,
        spec=document["spec"],
        opts=opts,
    )


def register_manifests(
    component: pulumi.ComponentResource,
    component_name: str,
    documents: Sequence[dict[str, Any]],
    depends_on_previous: Optional[set[str]] = None,
) -> list[pulumi.CustomResource]:
    """Registers documents in order; kinds in `depends_on_previous` wait for all earlier ones.

    Names are `<component>-<object name>`: unique within a kind, readable in `pulumi preview`.
    Objects outside the first document's namespace (RBAC where children run) get
    `<component>-<namespace>-<object name>`, as one name may recur in several namespaces.
    """
    resources: list[pulumi.CustomResource] = []
    home = documents[0]["metadata"].get("namespace") if documents else None
    accounts: dict[str, pulumi.CustomResource] = {}
    for document in documents:
        depends = list(resources) if document["kind"] in (depends_on_previous or set()) else None
        # Kubernetes deletes a token Secret whose ServiceAccount does not exist yet.
        account = (document["metadata"].get("annotations") or {}).get(TOKEN_ACCOUNT_ANNOTATION)
        if document["kind"] == "Secret" and account in accounts:
            depends = [*(depends or []), accounts[account]]
        opts = pulumi.ResourceOptions(parent=component, depends_on=depends)
        metadata = document["metadata"]
        namespace = metadata.get("namespace")
        prefix = component_name if namespace == home else f"{component_name}-{namespace}"
        name = f"{prefix}-{metadata['name']}"
        resources.append(register_manifest(name, document, opts))
        if document["kind"] == "ServiceAccount":
            accounts[document["metadata"]["name"]] = resources[-1]
    return resources
