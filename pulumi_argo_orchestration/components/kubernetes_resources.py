"""Registers a plan's manifests as pulumi-kubernetes resources, parented to a component.

The manifests come from the same pure functions the CLI renders, so `pulumi up` and
`argo-orchestration render` cannot drift apart. Values that are Outputs sit inside the documents
(`plan.with_outputs`); the Pulumi names come only from plain values.

Every object has a fixed name, so each is replaced delete-before-replace: a replacement the engine
decides (`--target-replace`, `replaceOnChanges`, a new provider) would otherwise create the new
object first, which pulumi-kubernetes 4.18-4.28 upserts onto the old one and then deletes with it
(pulumi-kubernetes #4522), and which 4.29+ refuses as AlreadyExists.
"""

from typing import Any, Optional

import pulumi
import pulumi_kubernetes as k8s

from ..argo.rbac import TOKEN_SECRET_ANNOTATION
from .plan import Plan

Document = dict[str, Any]


def register_manifest(
    resource_name: str, document: Document, opts: pulumi.ResourceOptions
) -> pulumi.CustomResource:
    """One manifest as a typed pulumi-kubernetes resource (CustomResource for Argo kinds).

    Fields are passed as the manifest spells them (camelCase): the SDK sends a mapping's keys
    unchanged, and any of them may be an Output.
    """
    kind = document["kind"]
    metadata = document["metadata"]
    if kind == "Namespace":
        return k8s.core.v1.Namespace(resource_name, metadata=metadata, opts=opts)
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
        return k8s.rbac.v1.Role(
            resource_name, metadata=metadata, rules=document["rules"], opts=opts
        )
    if kind == "RoleBinding":
        return k8s.rbac.v1.RoleBinding(
            resource_name,
            metadata=metadata,
            role_ref=document["roleRef"],
            subjects=document["subjects"],
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


def _is_spawner(document: Document, home: Any) -> bool:
    """A Role or RoleBinding in a child's namespace: the one that lets the orchestrator spawn."""
    return document["kind"] in ("Role", "RoleBinding") and (
        document["metadata"].get("namespace") != home
    )


def logical_name(component: str, plan: Plan, index: int, home: Any) -> str:
    """`<component>-<object name>`, `<component>-<namespace>-<object name>` outside `home`.

    One name may recur in several namespaces, hence the namespace for objects elsewhere. Names
    read only plain values: the spawner Role and RoleBinding are `<component>-<ns>-spawner`
    (their object name holds the pipeline's namespace, which may be an Output), and the
    namespaces a pipeline creates are `<component>-namespace[-<child namespace>]`.
    """
    document = plan.documents[index]
    metadata = document["metadata"]
    if document["kind"] == "Namespace":
        return (
            f"{component}-namespace"
            if metadata["name"] == home
            else (f"{component}-namespace-{metadata['name']}")
        )
    namespace = metadata.get("namespace")
    prefix = component if namespace == home else f"{component}-{namespace}"
    if _is_spawner(document, home):
        return f"{prefix}-spawner"
    if plan.depends_on_outputs(index, ("metadata", "name")):
        raise TypeError(f"the name of {document['kind']} {index} depends on an Output")
    return f"{prefix}-{metadata['name']}"


def _former_name(component: str, plan: Plan, index: int, home: Any) -> "pulumi.Input[Any]":
    """The spawner's former Pulumi name (`<component>-<ns>-<object name>`), as an alias.

    When the object name is an Output the alias is one too; Pulumi honours it during `up`,
    and a preview with the name still unknown shows a create and a delete instead.
    """
    namespace = plan.documents[index]["metadata"].get("namespace")
    name = plan.value_at(index, ("metadata", "name"))
    return pulumi.Output.from_input(name).apply(
        lambda text: pulumi.Alias(name=f"{component}-{namespace}-{text}")
    )


def register_manifests(
    component: pulumi.ComponentResource,
    component_name: str,
    plan: Plan,
    *,
    home: Any,
    gate: Optional["pulumi.Output[None]"],
    depends_on_previous: frozenset[str] = frozenset(),
) -> list[pulumi.CustomResource]:
    """Registers a plan's documents in order, each waiting for what it needs.

    Kinds in `depends_on_previous` wait for all earlier objects; a token Secret waits for its
    ServiceAccount (Kubernetes deletes a token Secret whose account does not exist yet); an
    object waits for the Namespace the component creates for it; and every object waits for
    the gate, so a value that resolves invalid stops them all.
    """
    documents = plan.with_outputs()
    resources: list[pulumi.CustomResource] = []
    accounts: dict[Any, pulumi.CustomResource] = {}
    namespaces: dict[Any, pulumi.CustomResource] = {}
    for index, document in enumerate(documents):
        planned = plan.documents[index]
        kind = planned["kind"]
        depends: list[Any] = list(resources) if kind in depends_on_previous else []
        account = (planned["metadata"].get("annotations") or {}).get(TOKEN_SECRET_ANNOTATION)
        if kind == "Secret" and account in accounts:
            depends.append(accounts[account])
        namespace = planned["metadata"].get("namespace")
        if namespace in namespaces:
            depends.append(namespaces[namespace])
        if gate is not None:
            depends.append(gate)
        aliases = (
            [_former_name(component_name, plan, index, home)]
            if _is_spawner(planned, home)
            else None
        )
        opts = pulumi.ResourceOptions(
            parent=component,
            depends_on=list({id(d): d for d in depends}.values()) or None,
            delete_before_replace=True,
            aliases=aliases,
        )
        name = logical_name(component_name, plan, index, home)
        resources.append(register_manifest(name, document, opts))
        if kind == "ServiceAccount":
            accounts[planned["metadata"]["name"]] = resources[-1]
        if kind == "Namespace":
            namespaces[planned["metadata"]["name"]] = resources[-1]
    return resources
