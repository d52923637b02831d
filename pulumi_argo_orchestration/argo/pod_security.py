"""Pod and container settings that meet the Kubernetes "restricted" Pod Security Standard.

`runAsNonRoot` alone makes root-by-default images (alpine, busybox) fail to start, so a non-root
`runAsUser` comes with it. A template relaxes a setting only through its explicit `security`
fields (`model.PodSecurity`); without them every pod gets the restricted values. Argo's own init
and wait containers take theirs from the controller's `executor` configuration, not from here.
"""

from __future__ import annotations

from typing import Any

from ..spec.models import PipelineFields, PodSecurity, Template

DEFAULT_RUN_AS_USER = 65534  # `nobody`: exists in most base images
RUNTIME_DEFAULT = "RuntimeDefault"


def pod_security_context(
    run_as_user: int = DEFAULT_RUN_AS_USER, security: PodSecurity | None = None
) -> dict[str, Any]:
    """Pod-level settings: non-root, and the runtime's default seccomp profile."""
    if security is None:
        return {
            "runAsNonRoot": True,
            "runAsUser": run_as_user,
            "runAsGroup": run_as_user,
            "seccompProfile": {"type": RUNTIME_DEFAULT},
        }
    context: dict[str, Any] = {"runAsNonRoot": security.run_as_non_root}
    user = security.run_as_user
    if user is None and security.run_as_non_root:
        user = run_as_user
    if user is not None:
        context["runAsUser"] = user
    group = security.run_as_group if security.run_as_group is not None else user
    if group is not None:
        context["runAsGroup"] = group
    context["seccompProfile"] = {"type": security.seccomp_profile.value}
    return context


def container_security_context(security: PodSecurity | None = None) -> dict[str, Any]:
    """Container-level settings: no privilege escalation, every capability dropped."""
    capabilities: dict[str, Any] = {"drop": ["ALL"]}
    if security is not None and security.add_capabilities:
        capabilities["add"] = list(security.add_capabilities)
    return {
        "allowPrivilegeEscalation": security.allow_privilege_escalation if security else False,
        "capabilities": capabilities,
        "runAsNonRoot": security.run_as_non_root if security else True,
        "seccompProfile": {"type": security.seccomp_profile.value if security else RUNTIME_DEFAULT},
    }


def token_settings(spec: PipelineFields | Template) -> dict[str, Any]:
    """`automountServiceAccountToken` and `executor`, as WorkflowSpec spells them, when set.

    With `executor.serviceAccountName`, Argo mounts that account's token into its own containers
    only (workflowpod.go, `setupServiceAccount` and `newExecContainer`), so the pod's own account
    can go without a token.
    """
    settings: dict[str, Any] = {}
    if spec.automount_service_account_token is not None:
        settings["automountServiceAccountToken"] = spec.automount_service_account_token
    if spec.executor_service_account_name is not None:
        settings["executor"] = {"serviceAccountName": spec.executor_service_account_name}
    return settings
