"""`ScheduledPipeline`: the Pulumi component for one scheduled orchestration.

A thin shell: split the args into plain values and Outputs, plan the manifests with the pure
functions (`plan.py`), register them. Pulumi's analyzer reads the `args` annotation and the
output annotations, so this module has no `from __future__ import annotations`.
"""

from typing import Any, Optional

import pulumi

from ..argo.manifests import render_pipeline
from ..errors import SpecError, report_invalid_component
from ..spec import names
from ..spec.pipeline import Pipeline
from .args import ScheduledPipelineArgs
from .declarations import claim
from .inputs import split, unknown_output
from .kubernetes_resources import register_manifests
from .plan import Plan, Rendered

TYPE_TOKEN = "argo-orchestration:index:ScheduledPipeline"


def render(spec: Any) -> Rendered:
    """The pipeline's manifests and warnings, as `argo-orchestration render` prints them."""
    return Rendered(*render_pipeline(spec))


def known(values: list[str]) -> "pulumi.Output[list[str]]":
    """A list known now as one Output: `Output.from_input` would make one per item."""
    return pulumi.Output.from_input(len(values)).apply(lambda _: values)


class ScheduledPipeline(pulumi.ComponentResource):
    """A CronWorkflow, the WorkflowTemplates it spawns and the RBAC both need.

    `args` takes snake_case keys (`ScheduledPipelineArgs`) or the camelCase mapping of a spec file.
    Fields that only flow into object content accept Outputs (the namespace, images, env values,
    label and annotation values, ...); a spec invalid with what is known raises `SpecError`
    before any resource is registered, and a value that resolves invalid fails `pulumi up`
    before any child is created.
    """

    cron_workflow_name: pulumi.Output[str]
    """Name of the CronWorkflow."""
    namespace: pulumi.Output[str]
    """Namespace of every object (the input itself when it is an Output)."""
    service_account_name: pulumi.Output[str]
    """The orchestrator's service account."""
    child_selector: pulumi.Output[str]
    """Label selector for every run and child: `kubectl get workflows -l <selector>`."""
    template_names: pulumi.Output[list[str]]
    """Names of the WorkflowTemplates the pipeline creates."""
    service_account_names: pulumi.Output[list[str]]
    """Names of the ServiceAccounts the pipeline creates."""
    role_names: pulumi.Output[list[str]]
    """Names of the Roles the pipeline creates, in its namespace and in its children's."""
    schedules: pulumi.Output[list[str]]
    """The cron schedules."""
    list_workflows_command: pulumi.Output[str]
    """The kubectl command that lists every run and child of the pipeline."""

    def __init__(
        self,
        resource_name: str,
        args: ScheduledPipelineArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        try:
            parts = split(dict(args) if not isinstance(args, Pipeline) else args, Pipeline)
            if parts.problems:
                raise SpecError(parts.problems)
            plan = Plan(parts, Pipeline, render)
            claim(f"ScheduledPipeline {resource_name!r}", plan.rendered.documents)
        except SpecError as error:
            if not report_invalid_component(f'ScheduledPipeline "{resource_name}"', error):
                raise
            # An offline run that lists every invalid pipeline: go on, declaring nothing.
            super().__init__(TYPE_TOKEN, resource_name, None, opts)
            for output in type(self).__annotations__:
                setattr(self, output, unknown_output())
            return
        pipeline: Pipeline = plan.rendered.spec
        super().__init__(TYPE_TOKEN, resource_name, None, opts)
        gate = plan.gate(self)
        resources = register_manifests(
            self,
            resource_name,
            plan,
            home=pipeline.namespace,
            gate=gate,
            depends_on_previous=frozenset({"CronWorkflow"}),
        )
        namespace: pulumi.Output[str] = plan.field("namespace", pipeline.namespace)
        cross_namespace = bool(pipeline.child_namespaces)

        def names_of(kind: str) -> pulumi.Output[list[str]]:
            names = [
                plan.value_at(i, ("metadata", "name"))
                for i, document in enumerate(plan.documents)
                if document["kind"] == kind
            ]
            if any(isinstance(name, pulumi.Output) for name in names):
                return pulumi.Output.all(*names)
            return known(names)

        self.cron_workflow_name = resources[-1].id.apply(lambda _: pipeline.name)
        self.namespace = namespace
        self.service_account_name = pulumi.Output.from_input(pipeline.account_name)
        self.child_selector = pulumi.Output.from_input(names.child_selector(pipeline.name))
        self.template_names = names_of("WorkflowTemplate")
        self.service_account_names = names_of("ServiceAccount")
        self.role_names = names_of("Role")
        self.schedules = known(list(pipeline.all_schedules))
        self.list_workflows_command = namespace.apply(
            lambda ns: names.list_workflows_command(pipeline.name, ns, cross_namespace)
        )
        self.register_outputs(
            {
                "cron_workflow_name": self.cron_workflow_name,
                "namespace": self.namespace,
                "service_account_name": self.service_account_name,
                "child_selector": self.child_selector,
                "template_names": self.template_names,
                "service_account_names": self.service_account_names,
                "role_names": self.role_names,
                "schedules": self.schedules,
                "list_workflows_command": self.list_workflows_command,
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
