"""WorkflowTemplates for the `templates:` a pipeline defines: one container, its inputs, retries."""

from __future__ import annotations

from typing import Any

from ..spec.models import Backoff, EnvVar, Parameter, RetryStrategy, Template
from . import pod_security

ENTRYPOINT = "main"


def workflow_template(
    template: Template, namespace: str, labels: dict[str, str], account: str
) -> dict[str, Any]:
    """The WorkflowTemplate manifest, its pods under `account`; parameters become arguments.

    Declaring them as `spec.arguments.parameters` lets each child Workflow override them with its
    own arguments and lets the container refer to them as `{{workflow.parameters.NAME}}`.
    """
    container: dict[str, Any] = {"image": template.image}
    if template.command is not None:
        container["command"] = list(template.command)
    if template.args is not None:
        container["args"] = list(template.args)
    if template.env:
        container["env"] = [_env(var) for var in template.env]
    if template.resources is not None:
        container["resources"] = template.resources.model_dump(exclude_defaults=True)
    container["securityContext"] = pod_security.container_security_context(template.security)

    main: dict[str, Any] = {"name": ENTRYPOINT, "container": container}
    if template.retry_strategy is not None:
        main["retryStrategy"] = _retry_strategy(template.retry_strategy)
    if template.active_deadline_seconds is not None:
        main["activeDeadlineSeconds"] = template.active_deadline_seconds

    spec: dict[str, Any] = {
        "entrypoint": ENTRYPOINT,
        "serviceAccountName": account,
        **pod_security.token_settings(template),
        "securityContext": pod_security.pod_security_context(security=template.security),
    }
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


def _parameter(parameter: Parameter) -> dict[str, Any]:
    return parameter.model_dump(exclude_none=True)


def _env(var: EnvVar) -> dict[str, Any]:
    return var.model_dump(by_alias=True, exclude_none=True, mode="json")


def _retry_strategy(retry: RetryStrategy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if retry.limit is not None:
        out["limit"] = retry.limit
    if retry.retry_policy is not None:
        out["retryPolicy"] = retry.retry_policy.value
    if retry.backoff is not None:
        out["backoff"] = _backoff(retry.backoff)
    return out


def _backoff(backoff: Backoff) -> dict[str, Any]:
    return backoff.model_dump(by_alias=True, exclude_none=True, mode="json")
