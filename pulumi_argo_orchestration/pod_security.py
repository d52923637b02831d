"""Pod and container settings that meet the Kubernetes "restricted" Pod Security Standard.

`runAsNonRoot` alone makes root-by-default images (alpine, busybox) fail to start, so a non-root
`runAsUser` comes with it. Argo's own init and wait containers take theirs from the controller's
`executor` configuration, not from here.
"""

from __future__ import annotations

from typing import Any

DEFAULT_RUN_AS_USER = 65534  # `nobody`: exists in most base images


def pod_security_context(run_as_user: int = DEFAULT_RUN_AS_USER) -> dict[str, Any]:
    """Pod-level settings: non-root, and the runtime's default seccomp profile."""
    return {
        "runAsNonRoot": True,
        "runAsUser": run_as_user,
        "runAsGroup": run_as_user,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> dict[str, Any]:
    """Container-level settings: no privilege escalation, every capability dropped."""
    return {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
