"""Pod and container settings that meet the Kubernetes "restricted" Pod Security Standard.

`runAsNonRoot` alone makes root-by-default images (alpine, busybox, python) fail to start, and
so does an image whose USER is a name (`USER dbt`): the kubelet cannot tell it is not root
(pkg/kubelet/kuberuntime/security_context_others.go, `verifyRunAsNonRoot`). So a non-root
`runAsUser` comes with it, 65534 (`nobody`), which starts all of them but replaces the image's own
user: files the image gave that user are then read-only, and HOME may not exist. For an image
with a numeric non-root USER, `security.runAsUser: image` keeps that user (`runAsNonRoot` alone).

A template relaxes a setting only through its explicit `security` fields (`model.PodSecurity`);
without them every pod gets the restricted values, and every container of the pod (sidecars and
init containers too: Argo's `templateDefaults` do not reach them) gets the container settings.
Argo's own init and wait containers take theirs from the controller's `executor` configuration,
not from here.
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
    user: int | None
    if security.run_as_user == "image":
        user = None  # the image's own USER; the kubelet checks it is numeric and not 0
    elif security.run_as_user is None and security.run_as_non_root:
        user = run_as_user
    else:
        user = security.run_as_user
    if user is not None:
        context["runAsUser"] = user
    group = security.run_as_group if security.run_as_group is not None else user
    if group is not None:
        context["runAsGroup"] = group
    if security.fs_group is not None:
        context["fsGroup"] = security.fs_group
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
