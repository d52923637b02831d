"""From a validated pipeline to its Kubernetes manifests, in apply order.

Pure and deterministic: the Pulumi components and the CLI both call `pipeline_manifests`, so what
`pulumi up` creates and what `render` prints are the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from . import argo_version, contracts, names, rbac, synchronization
from .child_workflow import CROSS_NAMESPACE_TTL
from .control_flow import control_flow_warnings
from .cron_workflow import cron_workflow
from .errors import Problem, SpecError
from .gc_pause import gc_paused
from .model import Pipeline, SharedTemplate, problems_from_errors
from .workflow_template import workflow_template

KIND_ORDER = (
    "ServiceAccount",
    "Secret",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "WorkflowTemplate",
    "CronWorkflow",
)


@gc_paused
def load_pipeline(spec: Pipeline | Mapping[str, Any], source: str | None = None) -> Pipeline:
    """Validate a spec (camelCase or snake_case keys) into a Pipeline, or raise SpecError."""
    if isinstance(spec, Pipeline):
        return spec
    if not isinstance(spec, Mapping):
        raise SpecError(
            [_top_level_problem(spec)],
            source,
        )
    try:
        return Pipeline.model_validate(dict(spec))
    except ValidationError as error:
        raise SpecError(problems_from_errors(error.errors()), source) from None


def _top_level_problem(spec: object) -> Problem:
    kinds = {type(None): "nothing (the file is empty or only comments)", list: "a list"}
    kind = kinds.get(type(spec), f"a single value ({type(spec).__name__})")
    return Problem(
        "", f"a pipeline spec must be a mapping of fields (name, schedule, stages, ...), got {kind}"
    )


def pipeline_warnings(pipeline: Pipeline) -> list[str]:
    """Things that are valid but likely to surprise at run time."""
    warnings = []
    if pipeline.timezone is None:
        warnings.append(
            f"{pipeline.name}: no `timezone`: the schedule runs in the Argo controller's time zone"
        )
    warnings += _child_warnings(pipeline)
    warnings += control_flow_warnings(pipeline)
    return warnings


def _child_warnings(pipeline: Pipeline) -> list[str]:
    warnings = []
    for namespace in child_namespaces(pipeline):
        steps = ", ".join(
            child.name
            for _, child in pipeline.children
            if (child.namespace or pipeline.namespace) == namespace
        )
        default = ", ".join(f"{key} {value}" for key, value in CROSS_NAMESPACE_TTL.items())
        warnings.append(
            f"{pipeline.name}: children in namespace {namespace!r} ({steps}): the namespace must "
            "exist and the Argo controller must watch it; they cannot be owned by their run, so "
            f"deleting a run leaves them to their ttlStrategy (default {default})"
        )
    known = contracts.contracts(pipeline)
    for path, child in pipeline.children:
        ttl = child.ttl_strategy
        if (
            ttl is not None
            and (child.namespace or pipeline.namespace) != pipeline.namespace
            and ttl.seconds_after_completion is None
        ):
            never = "Error" if ttl.seconds_after_failure is not None else "Failed or Error"
            if ttl.seconds_after_success is None:
                never = "Succeeded"
            warnings.append(
                f"{pipeline.name}: {path} ({child.name}): its ttlStrategy has no "
                f"secondsAfterCompletion, so a child that ends {never} is never deleted"
            )
        if child.template_ref and (child.cluster_scope, child.template_ref) not in known:
            kind = "ClusterWorkflowTemplate" if child.cluster_scope else "WorkflowTemplate"
            warnings.append(
                f"{pipeline.name}: {path} ({child.name}): {kind} {child.template_ref!r} is not "
                "declared under `externalTemplates`, so its arguments are not checked"
            )
    return warnings


def child_namespaces(pipeline: Pipeline) -> list[str]:
    """Namespaces other than the pipeline's that children run in, in spec order."""
    found = [child.namespace for _, child in pipeline.children if child.namespace]
    return [ns for ns in dict.fromkeys(found) if ns != pipeline.namespace]


def rbac_manifests(pipeline: Pipeline) -> list[dict[str, Any]]:
    """ServiceAccounts, token Secrets, Roles, RoleBindings: orchestrator first, then executors.

    The orchestrator may create and read Workflows only where its children run: its own namespace
    when a child runs there, and a Role plus RoleBinding in each other child namespace. The
    account that spawns is the executor account when one is named, since Argo's own containers
    then authenticate with its token.
    """
    labels = names.common_labels(pipeline.name, pipeline.labels)
    ns = pipeline.namespace
    spawns_here = any((child.namespace or ns) == ns for _, child in pipeline.children)
    accounts = rbac.pod_accounts(
        pipeline.account_name,
        pipeline.executor_service_account_name,
        pipeline.create_service_account,
        rbac.ORCHESTRATOR_RULES if spawns_here else rbac.EXECUTOR_RULES,
    )
    for template in pipeline.templates:
        accounts += rbac.pod_accounts(
            template.account_name,
            template.executor_service_account_name,
            template.create_service_account,
            rbac.EXECUTOR_RULES,
        )
    documents = rbac.account_manifests(accounts, ns, labels)
    spawning_account = pipeline.executor_service_account_name or pipeline.account_name
    spawner = names.spawner_role_name(ns, spawning_account)
    for child_ns in child_namespaces(pipeline):
        documents.append(rbac.role(spawner, child_ns, labels, rbac.SPAWN_RULES))
        documents.append(
            rbac.role_binding(
                spawner, child_ns, labels, spawner, spawning_account, account_namespace=ns
            )
        )
    # Stable: each kind keeps its order, home namespace first, then child namespaces.
    return sorted(documents, key=lambda document: KIND_ORDER.index(document["kind"]))


def load_shared_template(
    spec: SharedTemplate | Mapping[str, Any], source: str | None = None
) -> SharedTemplate:
    """Validate a shared template spec, or raise SpecError."""
    if isinstance(spec, SharedTemplate):
        return spec
    if not isinstance(spec, Mapping):
        raise SpecError([_top_level_problem(spec)], source)
    try:
        return SharedTemplate.model_validate(dict(spec))
    except ValidationError as error:
        raise SpecError(problems_from_errors(error.errors()), source) from None


def shared_template_manifests(spec: SharedTemplate | Mapping[str, Any]) -> list[dict[str, Any]]:
    """A shared WorkflowTemplate with its executor account, Role and RoleBinding."""
    template = load_shared_template(spec)
    labels = names.common_labels(template.name)
    accounts = rbac.pod_accounts(
        template.account_name,
        template.executor_service_account_name,
        template.create_service_account,
        rbac.EXECUTOR_RULES,
    )
    documents = rbac.account_manifests(accounts, template.namespace, labels)
    documents.append(workflow_template(template, template.namespace, labels))
    return documents


@gc_paused
def pipeline_manifests(spec: Pipeline | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every manifest of a pipeline, in apply order: RBAC, ConfigMaps, templates, CronWorkflow."""
    pipeline = load_pipeline(spec)
    labels = names.common_labels(pipeline.name, pipeline.labels)
    config_maps = synchronization.config_maps(pipeline.children, pipeline.namespace, labels)
    templates = [workflow_template(t, pipeline.namespace, labels) for t in pipeline.templates]
    documents = [*rbac_manifests(pipeline), *config_maps, *templates, cron_workflow(pipeline)]
    return argo_version.for_target(documents, pipeline.argo_version)
