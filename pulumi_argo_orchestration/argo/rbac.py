"""ServiceAccounts, Roles and RoleBindings: exactly the rights Argo needs, nothing more.

The orchestrator's resource steps create child Workflows and poll them for their conditions; every
workflow pod's wait container writes `workflowtaskresults`. The controller resolves
`workflowTemplateRef` with its own rights, so no account needs rights on WorkflowTemplates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from ..spec import names
from ..spec.pipeline import Pipeline
from .apply_order import in_apply_order

ARGO_GROUP = "argoproj.io"
# What the `wait` container of every workflow pod needs (Argo v3.4+).
EXECUTOR_RULES: tuple[dict[str, Any], ...] = (
    {"apiGroups": [ARGO_GROUP], "resources": ["workflowtaskresults"], "verbs": ["create", "patch"]},
)
# What a resource template with `action: create` and success/failure conditions needs, in the
# child's namespace.
SPAWN_RULES: tuple[dict[str, Any], ...] = (
    {"apiGroups": [ARGO_GROUP], "resources": ["workflows"], "verbs": ["create", "get"]},
)
# A child in its parent's namespace carries an ownerReference to its run (argo/child_workflow.py).
# Where the OwnerReferencesPermissionEnforcement admission plugin is on (OpenShift), only a user
# who may delete an object may set its ownerReferences ("cannot set an ownerRef on a resource you
# can't delete", plugin/pkg/admission/gc/gc_admission.go): hence `delete` on workflows there, and
# only there. Without `blockOwnerDeletion` no right on the owner's `workflows/finalizers` is needed.
OWNED_SPAWN_RULES: tuple[dict[str, Any], ...] = (
    {"apiGroups": [ARGO_GROUP], "resources": ["workflows"], "verbs": ["create", "get", "delete"]},
)
ORCHESTRATOR_RULES: tuple[dict[str, Any], ...] = (*OWNED_SPAWN_RULES, *EXECUTOR_RULES)


# Argo finds an executor account's token in this Secret (util/secrets, TokenNameForServiceAccount):
# since Kubernetes 1.24 no token Secret is created for an account unless one is declared.
TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token"
TOKEN_SECRET_ANNOTATION = "kubernetes.io/service-account.name"


class Account(NamedTuple):
    """A ServiceAccount a spec uses, with the rules its token needs (none: never mounted)."""

    name: str
    create: bool
    rules: tuple[dict[str, Any], ...]
    token_secret: bool = False
    annotations: tuple[tuple[str, str], ...] = ()


def pod_accounts(
    account: str,
    executor: str | None,
    create: bool,
    rules: tuple[dict[str, Any], ...],
    annotations: dict[str, str] | None = None,
) -> list[Account]:
    """The accounts of one workflow spec: its pods' own, and the executor's when it names one.

    With `executor.serviceAccountName`, Argo's own containers authenticate with the executor's
    token, so the rights belong there and the pods' own account needs none. Annotations (a
    cloud identity) go on the pods' own account: the one the main container runs under.
    """
    own = tuple((annotations or {}).items())
    if executor is None:
        return [Account(account, create, rules, annotations=own)]
    return [
        Account(account, create, (), annotations=own),
        Account(executor, create, rules, token_secret=True),
    ]


def account_manifests(
    accounts: Iterable[Account], namespace: str, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """ServiceAccounts, token Secrets, Roles, RoleBindings; an account named twice is merged."""
    merged: dict[str, Account] = {}
    for account in accounts:
        first = merged.get(account.name)
        if first is None:
            merged[account.name] = account
            continue
        extra = tuple(rule for rule in account.rules if rule not in first.rules)
        merged[account.name] = first._replace(
            rules=first.rules + extra,
            token_secret=first.token_secret or account.token_secret,
            annotations=tuple({**dict(first.annotations), **dict(account.annotations)}.items()),
        )
    created = [a for a in merged.values() if a.create]
    granted = [a for a in merged.values() if a.rules]
    return [
        *(service_account(a.name, namespace, labels, dict(a.annotations)) for a in created),
        *(token_secret(a.name, namespace, labels) for a in created if a.token_secret),
        *(role(a.name, namespace, labels, a.rules) for a in granted),
        *(role_binding(a.name, namespace, labels, a.name, a.name) for a in granted),
    ]


def token_secret(account: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """A long-lived token for an executor account; Kubernetes fills in the token itself."""
    metadata = _metadata(names.token_secret_name(account), namespace, labels)
    metadata["annotations"] = {TOKEN_SECRET_ANNOTATION: account}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": TOKEN_SECRET_TYPE}


def _metadata(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(labels)}


def service_account(
    name: str, namespace: str, labels: dict[str, str], annotations: dict[str, str] | None = None
) -> dict[str, Any]:
    """The account workflow pods run under (never `default`), with its cloud identity if any."""
    metadata = _metadata(name, namespace, labels)
    if annotations:
        metadata["annotations"] = dict(annotations)
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata}


def role(
    name: str, namespace: str, labels: dict[str, str], rules: tuple[dict[str, Any], ...]
) -> dict[str, Any]:
    """A namespaced Role; rules are copied so callers cannot alias the module constants."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": _metadata(name, namespace, labels),
        "rules": [{key: list(value) for key, value in rule.items()} for rule in rules],
    }


def role_binding(
    name: str,
    namespace: str,
    labels: dict[str, str],
    role_name: str,
    account: str,
    *,
    account_namespace: str | None = None,
) -> dict[str, Any]:
    """Binds a Role to one ServiceAccount (of this namespace unless `account_namespace` is set)."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": _metadata(name, namespace, labels),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role_name},
        "subjects": [
            {"kind": "ServiceAccount", "name": account, "namespace": account_namespace or namespace}
        ],
    }


def rbac_manifests(pipeline: Pipeline) -> list[dict[str, Any]]:
    """ServiceAccounts, token Secrets, Roles, RoleBindings: orchestrator first, then executors.

    The orchestrator may create and read Workflows only where its children run: its own namespace
    when a child runs there (and delete them there, which setting the owner reference of a child
    requires under OwnerReferencesPermissionEnforcement), and a Role plus RoleBinding in each other
    child namespace, where children are not owned. The
    account that spawns is the executor account when one is named, since Argo's own containers
    then authenticate with its token. Templates that need no account of their own share one
    executor account: every executor needs the same rights, so one account, Role and RoleBinding
    grant them once instead of once per template.
    """
    labels = names.common_labels(pipeline.name, pipeline.labels)
    ns = pipeline.namespace
    spawns_here = any((child.namespace or ns) == ns for _, child in pipeline.children)
    accounts = pod_accounts(
        pipeline.account_name,
        pipeline.executor_service_account_name,
        pipeline.create_service_account,
        ORCHESTRATOR_RULES if spawns_here else EXECUTOR_RULES,
        pipeline.service_account_annotations,
    )
    for template in pipeline.templates:
        if not template.needs_own_account:
            accounts.append(Account(pipeline.shared_executor_account, True, EXECUTOR_RULES))
            continue
        accounts += pod_accounts(
            template.account_name,
            template.executor_service_account_name,
            template.create_service_account,
            EXECUTOR_RULES,
            template.service_account_annotations,
        )
    documents = account_manifests(accounts, ns, labels)
    spawning_account = pipeline.executor_service_account_name or pipeline.account_name
    spawner = names.spawner_role_name(ns, spawning_account)
    for child_ns in pipeline.child_namespaces:
        documents.append(role(spawner, child_ns, labels, SPAWN_RULES))
        documents.append(
            role_binding(spawner, child_ns, labels, spawner, spawning_account, account_namespace=ns)
        )
    # Stable: each kind keeps its order, home namespace first, then child namespaces.
    return in_apply_order(documents)
