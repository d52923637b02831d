"""The same documents built with Hera, the tool most Python users would pick instead.

Hera models the Argo objects (the CronWorkflow with its steps and resource templates, the
WorkflowTemplates with their containers); it has no model for Kubernetes RBAC, so the accounts,
Roles and RoleBindings are the plain mappings a Hera user would write. Each child's manifest is a
Hera `Workflow`, the way Hera documents resource templates that create workflows.

Two serialisations are timed: as Hera ships it (`to_yaml`, PyYAML's pure-Python dumper, for the
objects and for every child manifest) and with Hera's dicts dumped by our dumper
(`dump_document(s)`, libyaml), so the table separates what the dumper costs from what the model
costs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from hera.workflows import (
    Container,
    CronWorkflow,
    Parameter,
    Resource,
    RetryStrategy,
    Step,
    Steps,
    Workflow,
    WorkflowTemplate,
)
from hera.workflows import models as m

from pulumi_argo_orchestration.argo.yaml_text import dump_document, dump_documents

PART_OF = "app.kubernetes.io/part-of"
MANAGED_BY = "app.kubernetes.io/managed-by"
PARENT = "argo-orchestration/parent"
STEP = "argo-orchestration/step"
ARGO = "argoproj.io"
RBAC = "rbac.authorization.k8s.io"


def _pod_security() -> m.PodSecurityContext:
    return m.PodSecurityContext(
        run_as_non_root=True,
        run_as_user=65534,
        run_as_group=65534,
        seccomp_profile=m.SeccompProfile(type="RuntimeDefault"),
    )


def _container_security() -> m.SecurityContext:
    return m.SecurityContext(
        allow_privilege_escalation=False,
        capabilities=m.Capabilities(drop=["ALL"]),
        run_as_non_root=True,
        seccomp_profile=m.SeccompProfile(type="RuntimeDefault"),
    )


def _expression(key: str) -> str:
    return "{{=toJson(inputs.parameters['" + key + "'])}}"


def _meta(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(labels)}


def rbac_documents(spec: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Accounts, Roles and bindings as plain mappings: Hera has no model for them."""
    ns = spec["namespace"]
    executor = [
        {"apiGroups": [ARGO], "resources": ["workflowtaskresults"], "verbs": ["create", "patch"]}
    ]
    # `delete`: the children carry an owner reference (OwnerReferencesPermissionEnforcement).
    orchestrator = [
        {"apiGroups": [ARGO], "resources": ["workflows"], "verbs": ["create", "get", "delete"]}
    ]
    # The templates need no account of their own, so they share the pipeline's executor account.
    accounts = [
        (f"{spec['name']}-orchestrator", orchestrator + executor),
        (f"{spec['name']}-executor", executor),
    ]
    service_accounts = [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(name, ns, labels)}
        for name, _ in accounts
    ]
    roles = [
        {
            "apiVersion": f"{RBAC}/v1",
            "kind": "Role",
            "metadata": _meta(name, ns, labels),
            "rules": [{k: list(v) for k, v in rule.items()} for rule in rules],
        }
        for name, rules in accounts
    ]
    bindings = [
        {
            "apiVersion": f"{RBAC}/v1",
            "kind": "RoleBinding",
            "metadata": _meta(name, ns, labels),
            "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}],
        }
        for name, _ in accounts
    ]
    return [*service_accounts, *roles, *bindings]


def workflow_template(
    t: dict[str, Any], namespace: str, labels: dict[str, str]
) -> WorkflowTemplate:
    """One WorkflowTemplate with its single container."""
    retry = t["retryStrategy"]
    backoff = retry["backoff"]
    container = Container(
        name="main",
        image=t["image"],
        command=list(t["command"]),
        args=list(t["args"]),
        env=[m.EnvVar(name=e["name"], value=e["value"]) for e in t["env"]],
        resources=m.ResourceRequirements(
            requests={k: m.Quantity(v) for k, v in t["resources"]["requests"].items()},
            limits={k: m.Quantity(v) for k, v in t["resources"]["limits"].items()},
        ),
        security_context=_container_security(),
        retry_strategy=RetryStrategy(
            limit=retry["limit"],
            retry_policy=retry["retryPolicy"],
            backoff=m.Backoff(
                duration=backoff["duration"],
                factor=backoff["factor"],
                max_duration=backoff["maxDuration"],
            ),
        ),
    )
    return WorkflowTemplate(
        name=t["name"],
        namespace=namespace,
        labels=dict(labels),
        entrypoint="main",
        service_account_name=f"{labels[PART_OF]}-executor",  # the pipeline's shared account
        security_context=_pod_security(),
        arguments=[Parameter(name=p["name"], value=p["value"]) for p in t["parameters"]],
        templates=[container],
    )


def child_workflow(
    pipeline: str, namespace: str, labels: dict[str, str], child: dict[str, Any]
) -> Workflow:
    """The Workflow a resource template creates; argument values come from expression tags."""
    return Workflow(
        generate_name=f"{pipeline}-{child['name']}-",
        namespace=namespace,
        labels={**labels, PARENT: "{{workflow.name}}", STEP: child["name"]},
        owner_references=[
            m.OwnerReference(
                api_version="argoproj.io/v1alpha1",
                kind="Workflow",
                name="{{workflow.name}}",
                uid="{{workflow.uid}}",
                controller=True,
            )
        ],
        arguments=[Parameter(name=key, value=_expression(key)) for key in child["arguments"]],
        workflow_template_ref=m.WorkflowTemplateRef(name=child["workflowTemplate"]),
    )


def cron_workflow(
    spec: dict[str, Any], labels: dict[str, str], manifest: Callable[[Workflow], Any]
) -> CronWorkflow:
    """The orchestrator: a step group per stage, a resource template per child.

    `manifest` turns each child Workflow into what `Resource.manifest` gets: the Workflow itself
    (Hera then dumps it with `to_yaml`) or YAML text made by another dumper.
    """
    name, ns = spec["name"], spec["namespace"]
    children = [child for stage in spec["stages"] for child in stage]
    steps = Steps(
        name="main",
        sub_steps=[
            [
                Step(
                    name=child["name"],
                    template=f"spawn-{child['name']}",
                    arguments=[Parameter(name=k, value=v) for k, v in child["arguments"].items()],
                )
                for child in stage
            ]
            for stage in spec["stages"]
        ],
    )
    spawners = [
        Resource(
            name=f"spawn-{child['name']}",
            inputs=[Parameter(name=key) for key in child["arguments"]],
            action="create",
            success_condition="status.phase == Succeeded",
            failure_condition="status.phase in (Failed, Error)",
            manifest=manifest(child_workflow(name, ns, labels, child)),
        )
        for child in children
    ]
    return CronWorkflow(
        name=name,
        namespace=ns,
        labels=dict(labels),
        schedules=[spec["schedule"]],
        timezone=spec["timezone"],
        concurrency_policy=spec["concurrencyPolicy"],
        starting_deadline_seconds=spec["startingDeadlineSeconds"],
        successful_jobs_history_limit=3,
        failed_jobs_history_limit=1,
        cron_suspend=False,
        service_account_name=f"{name}-orchestrator",
        entrypoint="main",
        security_context=_pod_security(),
        arguments=[Parameter(name=p["name"], value=p["value"]) for p in spec["parameters"]],
        templates=[steps, *spawners],
    )


def _labels(spec: dict[str, Any]) -> dict[str, str]:
    return {PART_OF: spec["name"], MANAGED_BY: "pulumi-argo-orchestration", **spec["labels"]}


def render_shipped(spec: dict[str, Any]) -> str:
    """Hera as shipped: `to_yaml` on every object (children included), `yaml.dump` for RBAC."""
    labels = _labels(spec)
    ns = spec["namespace"]
    texts = [yaml.dump(doc, sort_keys=False) for doc in rbac_documents(spec, labels)]
    texts += [workflow_template(t, ns, labels).to_yaml() for t in spec["templates"]]
    cron = cron_workflow(spec, labels, lambda child: child)
    if spec["argoVersion"] == "3.5":  # Hera v7 writes only v4's `schedules`: what to_yaml does
        texts.append(yaml.dump(_for_v3_5(cron.to_dict()), sort_keys=False))
    else:
        texts.append(cron.to_yaml())
    return "".join(f"---\n{text}" for text in texts)


def _for_v3_5(document: dict[str, Any]) -> dict[str, Any]:
    """Argo 3.5's `spec.schedule` in place of `schedules`, as a Hera user targeting it writes."""
    document["spec"] = {
        ("schedule" if key == "schedules" else key): (value[0] if key == "schedules" else value)
        for key, value in document["spec"].items()
    }
    return document


def _with_workflow_metadata(cron: CronWorkflow, spec: dict[str, Any]) -> dict[str, Any]:
    """Hera's CronWorkflow has no field for `spec.workflowMetadata`: set it on the dict."""
    document: dict[str, Any] = cron.to_dict()
    document["spec"]["workflowMetadata"] = {"labels": dict(_labels(spec))}
    return _for_v3_5(document) if spec["argoVersion"] == "3.5" else document


def build_dicts(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Hera's dicts for every document, child manifests dumped by our dumper."""
    labels = _labels(spec)
    ns = spec["namespace"]
    documents = rbac_documents(spec, labels)
    documents += [workflow_template(t, ns, labels).to_dict() for t in spec["templates"]]
    cron = cron_workflow(spec, labels, lambda child: dump_document(child.to_dict()))
    documents.append(_with_workflow_metadata(cron, spec))
    return documents


def render_same_dumper(spec: dict[str, Any]) -> str:
    """Hera's dicts dumped by our dumper, child manifests included."""
    return dump_documents(build_dicts(spec))
