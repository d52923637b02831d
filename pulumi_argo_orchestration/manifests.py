"""From a validated pipeline to its Kubernetes manifests, in apply order.

Pure and deterministic: the Pulumi components and the CLI both call `pipeline_manifests`, so what
`pulumi up` creates and what `render` prints are the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from . import names, rbac
from .cron_workflow import cron_workflow
from .errors import SpecError
from .gc_pause import gc_paused
from .model import Pipeline, SharedTemplate, problems_from_errors
from .workflow_template import workflow_template

KIND_ORDER = ("ServiceAccount", "Role", "RoleBinding", "WorkflowTemplate", "CronWorkflow")


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


def _top_level_problem(spec: object) -> Any:
    from .errors import Problem

    kind = "empty" if spec is None else type(spec).__name__
    return Problem("", f"a pipeline spec must be a mapping of fields, got {kind}")


def pipeline_warnings(pipeline: Pipeline) -> list[str]:
    """Things that are valid but likely to surprise at run time."""
    warnings = []
    if pipeline.timezone is None:
        warnings.append(
            f"{pipeline.name}: no `timezone`: the schedule runs in the Argo controller's time zone"
        )
    return warnings


def rbac_manifests(pipeline: Pipeline) -> list[dict[str, Any]]:
    """ServiceAccounts, then Roles, then RoleBindings: orchestrator first, then each executor."""
    labels = names.common_labels(pipeline.name, pipeline.labels)
    ns = pipeline.namespace
    accounts: list[tuple[str, bool, tuple[dict[str, Any], ...]]] = [
        (pipeline.account_name, pipeline.create_service_account, rbac.ORCHESTRATOR_RULES)
    ]
    seen = {pipeline.account_name}
    for template in pipeline.templates:
        if template.account_name not in seen:
            seen.add(template.account_name)
            accounts.append(
                (template.account_name, template.create_service_account, rbac.EXECUTOR_RULES)
            )
    service_accounts = [
        rbac.service_account(name, ns, labels) for name, create, _ in accounts if create
    ]
    roles = [rbac.role(name, ns, labels, rules) for name, _, rules in accounts]
    bindings = [rbac.role_binding(name, ns, labels, name, name) for name, _, _ in accounts]
    return [*service_accounts, *roles, *bindings]


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
    ns = template.namespace
    account = template.account_name
    documents = (
        [rbac.service_account(account, ns, labels)] if template.create_service_account else []
    )
    documents += [
        rbac.role(account, ns, labels, rbac.EXECUTOR_RULES),
        rbac.role_binding(account, ns, labels, account, account),
        workflow_template(template, ns, labels),
    ]
    return documents


@gc_paused
def pipeline_manifests(spec: Pipeline | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every manifest of a pipeline, in apply order: accounts, RBAC, templates, CronWorkflow."""
    pipeline = load_pipeline(spec)
    labels = names.common_labels(pipeline.name, pipeline.labels)
    templates = [workflow_template(t, pipeline.namespace, labels) for t in pipeline.templates]
    return [*rbac_manifests(pipeline), *templates, cron_workflow(pipeline)]
