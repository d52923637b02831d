"""The Kubernetes "restricted" Pod Security Standard, applied to the pods our manifests make.

Follows kubernetes/pod-security-admission `policy/` (the checks of the restricted level and the
baseline checks it includes), reading each control the way `check_*.go` does:

- every init and regular container is visited (`visitor.go`), with the pod's `runAsNonRoot`,
  `runAsUser` and `seccompProfile` applying where a container sets none
  (`check_runAsNonRoot.go`, `check_runAsUser.go`, `check_seccompProfile_restricted.go`);
- `allowPrivilegeEscalation` must be explicitly false (`check_allowPrivilegeEscalation.go`);
- `capabilities.drop` must hold ALL, `add` at most NET_BIND_SERVICE
  (`check_capabilities_restricted.go`); no `privileged` (`check_privileged.go`), no `procMount`
  other than Default (`check_procMount_*.go`);
- volumes only of the restricted kinds (`check_restrictedVolumes.go`), no host ports
  (`check_hostPorts.go`), no host in probes or lifecycle handlers
  (`check_hostProbesAndhostLifecycle.go`), no host namespaces (`check_hostNamespaces.go`),
  AppArmor and seccomp annotations only with allowed values (`check_appArmorProfile.go`,
  `check_seccompProfile_baseline.go`), no sysctls outside the safe set and no SELinux user or
  role (`check_sysctls.go`, `check_seLinuxOptions.go`; we allow none of either).

A WorkflowTemplate's pod is assembled as Argo's controller builds it from the template
(workflow/controller/workflowpod.go): the spec's securityContext, volumes and `podMetadata`, the
main template's `container` or `script`, `initContainers`, `sidecars`, `volumes` and `metadata`.
Argo's own init and wait containers take the controller's `executor` settings (docs/security.md).
"""

from __future__ import annotations

from typing import Any

INHERITED = ("runAsNonRoot", "runAsUser", "seccompProfile")  # pod level unless overridden
RESTRICTED_VOLUMES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "image",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
_APPARMOR = "container.apparmor.security.beta.kubernetes.io/"
_SECCOMP = ("seccomp.security.alpha.kubernetes.io/pod", "container.seccomp.security.alpha")


def effective(pod: dict[str, Any], container: dict[str, Any]) -> dict[str, Any]:
    """The settings a container runs with: its own, else the pod's for the inherited fields."""
    merged = {key: pod[key] for key in INHERITED if key in pod}
    merged.update(container)
    return merged


def container_violations(settings: dict[str, Any]) -> set[str]:
    """Controls of the restricted profile a container's effective securityContext breaks."""
    broken = set()
    if settings.get("runAsNonRoot") is not True:
        broken.add("runAsNonRoot")
    if settings.get("runAsUser") == 0:
        broken.add("runAsUser")
    if settings.get("allowPrivilegeEscalation") is not False:
        broken.add("allowPrivilegeEscalation")
    capabilities = settings.get("capabilities") or {}
    if "ALL" not in (capabilities.get("drop") or []) or set(capabilities.get("add") or []) - {
        "NET_BIND_SERVICE"
    }:
        broken.add("capabilities")
    if (settings.get("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost"):
        broken.add("seccompProfile")
    if settings.get("privileged"):
        broken.add("privileged")
    if settings.get("procMount") not in (None, "Default"):
        broken.add("procMount")
    if (settings.get("windowsOptions") or {}).get("hostProcess"):
        broken.add("hostProcess")
    selinux = settings.get("seLinuxOptions") or {}
    if selinux.get("user") or selinux.get("role"):
        broken.add("seLinuxOptions")
    if (settings.get("appArmorProfile") or {}).get("type") not in (
        None,
        "RuntimeDefault",
        "Localhost",
    ):
        broken.add("appArmorProfile")
    return broken


def pod_violations(pod: dict[str, Any]) -> set[str]:
    """Controls of the restricted profile a pod spec (plus its annotations) breaks."""
    context = pod.get("securityContext") or {}
    broken: set[str] = set()
    for container in [*pod.get("initContainers", []), *pod.get("containers", [])]:
        broken |= container_violations(effective(context, container.get("securityContext") or {}))
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                broken.add("hostPorts")
        handlers = [container.get(p) for p in ("livenessProbe", "readinessProbe", "startupProbe")]
        lifecycle = container.get("lifecycle") or {}
        handlers += [lifecycle.get("postStart"), lifecycle.get("preStop")]
        for handler in handlers:
            for action in ("httpGet", "tcpSocket"):
                if ((handler or {}).get(action) or {}).get("host"):
                    broken.add("hostProbesAndHostLifecycle")
    if not pod.get("containers"):
        broken.add("noContainer")
    for volume in pod.get("volumes") or []:
        if set(volume) - {"name"} - RESTRICTED_VOLUMES:
            broken.add("restrictedVolumes")
    if any(pod.get(key) for key in ("hostNetwork", "hostPID", "hostIPC")):
        broken.add("hostNamespaces")
    if context.get("sysctls"):
        broken.add("sysctls")
    for key, value in (pod.get("annotations") or {}).items():
        local = value.startswith("localhost/")
        if key.startswith(_APPARMOR) and not local and value not in ("", "runtime/default"):
            broken.add("appArmorProfile")
        seccomp_ok = ("", "runtime/default", "docker/default")
        if key.startswith(_SECCOMP) and not local and value not in seccomp_ok:
            broken.add("seccompProfile")
    return broken


def workflow_template_pod(document: dict[str, Any]) -> dict[str, Any]:
    """The pod Argo builds for a WorkflowTemplate's one template (without Argo's containers)."""
    spec = document["spec"]
    (template,) = spec["templates"]
    main = template.get("container") or template.get("script")
    metadata = template.get("metadata") or {}
    return {
        "securityContext": spec.get("securityContext"),
        "annotations": {
            **(spec.get("podMetadata") or {}).get("annotations", {}),
            **metadata.get("annotations", {}),
        },
        "initContainers": template.get("initContainers", []),
        "containers": [{**main, "name": "main"}, *template.get("sidecars", [])],
        "volumes": [*spec.get("volumes", []), *template.get("volumes", [])],
    }


def violations_allowed_by(security: dict[str, Any]) -> set[str]:
    """The controls a template's `security:` exceptions may break, and no others."""
    allowed = set()
    if security.get("runAsNonRoot") is False:
        allowed.add("runAsNonRoot")
        if security.get("runAsUser") == 0:
            allowed.add("runAsUser")
    if security.get("allowPrivilegeEscalation"):
        allowed.add("allowPrivilegeEscalation")
    if set(security.get("addCapabilities") or []) - {"NET_BIND_SERVICE"}:
        allowed.add("capabilities")
    if security.get("seccompProfile") == "Unconfined":
        allowed.add("seccompProfile")
    return allowed
