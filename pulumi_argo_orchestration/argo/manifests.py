"""From a validated pipeline to its Kubernetes manifests, in apply order.

Pure and deterministic: the Pulumi components and the CLI both call `pipeline_manifests`, so what
`pulumi up` creates and what `render` prints are the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .._gc import gc_paused
from ..spec import names
from ..spec.loading import load_pipeline, load_shared_template
from ..spec.pipeline import Pipeline, SharedTemplate
from ..spec.warnings import pipeline_warnings
from . import namespaces, rbac, synchronization, versions
from .apply_order import in_apply_order
from .cron_workflow import cron_workflow
from .orchestrator import orchestrator_workflow_template
from .prometheus_rule import prometheus_rule
from .workflow_template import workflow_template


class RenderedPipeline(NamedTuple):
    """A pipeline's manifests in apply order, with the warnings `render` and `pulumi up` show."""

    pipeline: Pipeline
    documents: list[dict[str, Any]]
    warnings: list[str]


def shared_template_manifests(spec: SharedTemplate | Mapping[str, Any]) -> list[dict[str, Any]]:
    """A shared WorkflowTemplate with its executor account, Role and RoleBinding."""
    template = load_shared_template(spec)
    labels = names.common_labels(template.name)
    accounts = rbac.pod_accounts(
        template.account_name,
        template.executor_service_account_name,
        template.create_service_account,
        rbac.EXECUTOR_RULES,
        template.service_account_annotations,
    )
    documents = rbac.account_manifests(accounts, template.namespace, labels)
    documents.append(
        workflow_template(
            template, template.namespace, labels, template.account_name, pod_gc=template.pod_gc
        )
    )
    return documents


@gc_paused
def render_pipeline(spec: Pipeline | Mapping[str, Any]) -> RenderedPipeline:
    """Validate a spec and build everything the CLI and the components need from it."""
    pipeline = load_pipeline(spec)
    labels = names.common_labels(pipeline.name, pipeline.labels)
    config_maps = synchronization.config_maps(pipeline.children, pipeline.namespace, labels)
    templates = [
        workflow_template(
            t,
            pipeline.namespace,
            labels,
            pipeline.template_account(t),
            pod_metadata=pipeline.pod_metadata,
            pod_gc=pipeline.pod_gc,
        )
        for t in pipeline.templates
    ]
    if pipeline.orchestrator_template:
        templates.append(orchestrator_workflow_template(pipeline))
    documents = [
        *namespaces.namespace_manifests(pipeline, labels),
        *rbac.rbac_manifests(pipeline),
        *config_maps,
        *templates,
        cron_workflow(pipeline),
    ]
    rule = prometheus_rule(pipeline)
    if rule is not None:
        documents.append(rule)
    documents = in_apply_order(versions.for_target(documents, pipeline.argo_version))
    return RenderedPipeline(pipeline, documents, pipeline_warnings(pipeline))


def pipeline_manifests(spec: Pipeline | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every manifest of a pipeline, in apply order: RBAC, ConfigMaps, templates, CronWorkflow."""
    return render_pipeline(spec).documents
