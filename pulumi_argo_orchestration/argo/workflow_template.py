"""WorkflowTemplates for the `templates:` a pipeline defines: one container or script, its pod.

The template's entrypoint `main` runs the main container (`container`, or `script` when the
template has `source`) with its sidecars and init containers, volumes, outputs and retries; the
WorkflowTemplate's `spec` carries what applies to every pod of the child Workflow (account,
securityContext, `podMetadata`, `podGC`, scheduling). Further Argo fields (`argo:`) were checked
by the spec and are added after the typed ones.
"""

from __future__ import annotations

import copy
from typing import Any

from ..spec.models import (
    Backoff,
    Container,
    EnvVar,
    Outputs,
    Parameter,
    PodGC,
    PodMetadata,
    PodSecurity,
    RetryStrategy,
    Template,
)
from . import pod_security

ENTRYPOINT = "main"


def workflow_template(
    template: Template,
    namespace: str,
    labels: dict[str, str],
    account: str,
    *,
    pod_metadata: PodMetadata | None = None,
    pod_gc: PodGC | None = None,
) -> dict[str, Any]:
    """The WorkflowTemplate manifest, its pods under `account`; parameters become arguments.

    Declaring them as `spec.arguments.parameters` lets each child Workflow override them with its
    own arguments and lets the container refer to them as `{{workflow.parameters.NAME}}`.
    `pod_metadata` and `pod_gc` are the pipeline's: the template's own pod metadata goes over it.
    """
    further = dict(template.argo)
    main_key = "script" if template.source is not None else "container"
    main: dict[str, Any] = {
        "name": ENTRYPOINT,
        main_key: container_spec(template, template.security, further.pop(main_key, None)),
    }
    if template.init_containers:
        main["initContainers"] = [
            container_spec(c, template.security, c.argo) for c in template.init_containers
        ]
    if template.sidecars:
        main["sidecars"] = [container_spec(c, template.security, c.argo) for c in template.sidecars]
    if template.volumes:
        main["volumes"] = [
            v.model_dump(by_alias=True, exclude_defaults=True, mode="json")
            for v in template.volumes
        ]
    if template.outputs is not None:
        main["outputs"] = _outputs(template.outputs)
    if template.affinity is not None:
        main["affinity"] = copy.deepcopy(template.affinity)
    if template.priority_class_name is not None:
        main["priorityClassName"] = template.priority_class_name
    if template.retry_strategy is not None:
        main["retryStrategy"] = _retry_strategy(template.retry_strategy)
    if template.active_deadline_seconds is not None:
        main["activeDeadlineSeconds"] = template.active_deadline_seconds
    main.update(copy.deepcopy(further))

    spec: dict[str, Any] = {
        "entrypoint": ENTRYPOINT,
        "serviceAccountName": account,
        **pod_security.token_settings(template),
        "securityContext": pod_security.pod_security_context(security=template.security),
    }
    metadata = pod_metadata_spec(pod_metadata, template.pod_metadata)
    if metadata:
        spec["podMetadata"] = metadata
    if pod_gc is not None:
        spec["podGC"] = pod_gc_spec(pod_gc)
    if template.parameters:
        spec["arguments"] = {"parameters": [_parameter(p) for p in template.parameters]}
    if template.node_selector:
        spec["nodeSelector"] = dict(template.node_selector)
    if template.tolerations:
        spec["tolerations"] = [
            t.model_dump(by_alias=True, exclude_none=True, mode="json")
            for t in template.tolerations
        ]
    if template.image_pull_secrets:
        spec["imagePullSecrets"] = [{"name": name} for name in template.image_pull_secrets]
    spec["templates"] = [main]
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {
            "name": template.name,
            "namespace": namespace,
            "labels": {**labels, **template.labels},
        },
        "spec": spec,
    }


def container_spec(
    container: Template | Container,
    security: PodSecurity | None,
    further: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A container (the main one, a sidecar or an init container) with the restricted settings.

    Every container of the pod gets the same container securityContext: the restricted profile
    checks each one (pod-security-admission policy/visitor.go visits init and regular containers).
    """
    out: dict[str, Any] = {}
    if isinstance(container, Container):
        out["name"] = container.name
    out["image"] = container.image
    if container.command is not None:
        out["command"] = list(container.command)
    if container.args is not None:
        out["args"] = list(container.args)
    if isinstance(container, Template) and container.source is not None:
        out["source"] = container.source
    if container.working_dir is not None:
        out["workingDir"] = container.working_dir
    if container.env:
        out["env"] = [_env(var) for var in container.env]
    if container.env_from:
        out["envFrom"] = [
            source.model_dump(by_alias=True, exclude_none=True, mode="json")
            for source in container.env_from
        ]
    if container.resources is not None:
        out["resources"] = container.resources.model_dump(exclude_defaults=True)
    if container.volume_mounts:
        out["volumeMounts"] = [
            mount.model_dump(by_alias=True, exclude_none=True, mode="json")
            for mount in container.volume_mounts
        ]
    if container.image_pull_policy is not None:
        out["imagePullPolicy"] = container.image_pull_policy.value
    out["securityContext"] = pod_security.container_security_context(security)
    out.update(copy.deepcopy(further or {}))
    return out


def pod_metadata_spec(*layers: PodMetadata | None) -> dict[str, Any]:
    """Argo's `podMetadata`: the layers' labels and annotations, later layers winning."""
    out: dict[str, Any] = {}
    for field in ("labels", "annotations"):
        merged: dict[str, str] = {}
        for layer in layers:
            if layer is not None:
                merged.update(getattr(layer, field))
        if merged:
            out[field] = merged
    return out


def pod_gc_spec(pod_gc: PodGC) -> dict[str, Any]:
    """Argo's `podGC`, as the spec wrote it."""
    return pod_gc.model_dump(by_alias=True, exclude_defaults=True, mode="json")


def _parameter(parameter: Parameter) -> dict[str, Any]:
    return parameter.model_dump(exclude_none=True)


def _env(var: EnvVar) -> dict[str, Any]:
    return var.model_dump(by_alias=True, exclude_none=True, mode="json")


def _outputs(outputs: Outputs) -> dict[str, Any]:
    """Each output parameter exported under its own name (`globalName`) into the child
    Workflow's `status.outputs`, where the orchestrator's spawn step reads it."""
    parameters = []
    for parameter in outputs.parameters:
        out: dict[str, Any] = {
            "name": parameter.name,
            "valueFrom": parameter.value_from.model_dump(exclude_none=True),
            "globalName": parameter.name,
        }
        if parameter.description is not None:
            out["description"] = parameter.description
        parameters.append(out)
    return {"parameters": parameters}


def _retry_strategy(retry: RetryStrategy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if retry.limit is not None:
        out["limit"] = retry.limit
    if retry.retry_policy is not None:
        out["retryPolicy"] = retry.retry_policy.value
    if retry.expression is not None:
        out["expression"] = retry.expression
    if retry.backoff is not None:
        out["backoff"] = _backoff(retry.backoff)
    if retry.affinity is not None:
        out["affinity"] = retry.affinity.model_dump(by_alias=True, exclude_none=True)
    return out


def _backoff(backoff: Backoff) -> dict[str, Any]:
    return backoff.model_dump(by_alias=True, exclude_none=True, mode="json")
