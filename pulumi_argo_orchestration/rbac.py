"""ServiceAccounts, Roles and RoleBindings: exactly the rights Argo needs, nothing more.

The orchestrator's resource steps create child Workflows and poll them for their conditions; every
workflow pod's wait container writes `workflowtaskresults`. The controller resolves
`workflowTemplateRef` with its own rights, so no account needs rights on WorkflowTemplates.
"""

from __future__ import annotations

from typing import Any

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
ORCHESTRATOR_RULES: tuple[dict[str, Any], ...] = (*SPAWN_RULES, *EXECUTOR_RULES)


def _metadata(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(labels)}


def service_account(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """The account workflow pods run under (never `default`)."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _metadata(name, namespace, labels),
    }


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
