"""`ScheduledPipeline`: the Pulumi component for one scheduled orchestration.

A thin shell: validate with the pydantic model, build manifests with the pure functions, register
them. Pulumi's analyzer reads the `args` annotation, so this module has no
`from __future__ import annotations`.
"""

from collections.abc import Mapping
from typing import Any, Optional

import pulumi

from ..argo.manifests import render_pipeline
from ..spec import names
from ..spec.pipeline import Pipeline
from .args import ScheduledPipelineArgs
from .kubernetes_resources import register_manifests
from .plain_inputs import require_plain

TYPE_TOKEN = "argo-orchestration:index:ScheduledPipeline"


class ScheduledPipeline(pulumi.ComponentResource):
    """A CronWorkflow, the WorkflowTemplates it spawns and the RBAC both need.

    `args` takes snake_case keys (`ScheduledPipelineArgs`) or the camelCase mapping of a spec file;
    an invalid spec raises `SpecError` before any resource is registered.
    """

    cron_workflow_name: pulumi.Output[str]
    """Name of the CronWorkflow."""
    namespace: pulumi.Output[str]
    """Namespace of every object."""
    service_account_name: pulumi.Output[str]
    """The orchestrator's service account."""
    child_selector: pulumi.Output[str]
    """Label selector for every run and child: `kubectl get workflows -l <selector>`."""

    def __init__(
        self,
        resource_name: str,
        args: ScheduledPipelineArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        require_plain(args)
        rendered = render_pipeline(_plain_mapping(args))
        pipeline = rendered.pipeline
        super().__init__(TYPE_TOKEN, resource_name, None, opts)
        for warning in rendered.warnings:
            pulumi.log.warn(warning, resource=self)
        resources = register_manifests(self, resource_name, rendered.documents, {"CronWorkflow"})
        cron = resources[-1]
        self.cron_workflow_name = cron.id.apply(lambda _: pipeline.name)
        self.namespace = pulumi.Output.from_input(pipeline.namespace)
        self.service_account_name = pulumi.Output.from_input(pipeline.account_name)
        self.child_selector = pulumi.Output.from_input(names.child_selector(pipeline.name))
        self.register_outputs(
            {
                "cron_workflow_name": self.cron_workflow_name,
                "namespace": self.namespace,
                "service_account_name": self.service_account_name,
                "child_selector": self.child_selector,
            }
        )

    @classmethod
    def from_spec(
        cls,
        resource_name: str,
        spec: Pipeline,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> "ScheduledPipeline":
        """Build the component from an already validated pipeline model."""
        return cls(resource_name, spec, opts)  # type: ignore[arg-type]


def _plain_mapping(args: Any) -> Any:
    """Models pass through; mappings are copied so validation never mutates the caller's dict."""
    if isinstance(args, Mapping):
        return dict(args)
    return args
