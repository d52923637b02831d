"""`SharedWorkflowTemplate`: a WorkflowTemplate several pipelines instantiate, with its account.

Pulumi's analyzer reads the `args` annotation, so no `from __future__ import annotations` here.
"""

from typing import Any, Optional

import pulumi

from ..argo.manifests import shared_template_manifests
from ..errors import SpecError, report_invalid_component
from ..spec.loading import load_shared_template
from ..spec.pipeline import SharedTemplate
from .args import SharedWorkflowTemplateArgs
from .declarations import claim
from .inputs import split, unknown_output
from .kubernetes_resources import register_manifests
from .plan import Plan, Rendered

TYPE_TOKEN = "argo-orchestration:index:SharedWorkflowTemplate"


def render(spec: Any) -> Rendered:
    """The template's manifests: its account, Role, RoleBinding and the WorkflowTemplate."""
    template = load_shared_template(spec)
    return Rendered(template, shared_template_manifests(template), [])


class SharedWorkflowTemplate(pulumi.ComponentResource):
    """A WorkflowTemplate with its executor ServiceAccount, Role and RoleBinding."""

    template_name: pulumi.Output[str]
    """Name of the WorkflowTemplate, for a pipeline child's `workflow_template`."""
    namespace: pulumi.Output[str]
    """Namespace of the template (the input itself when it is an Output)."""
    service_account_name: pulumi.Output[str]
    """The account the template's pods run under."""

    def __init__(
        self,
        resource_name: str,
        args: SharedWorkflowTemplateArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        try:
            parts = split(
                dict(args) if not isinstance(args, SharedTemplate) else args, SharedTemplate
            )
            if parts.problems:
                raise SpecError(parts.problems)
            plan = Plan(parts, SharedTemplate, render)
            claim(f"SharedWorkflowTemplate {resource_name!r}", plan.rendered.documents)
        except SpecError as error:
            if not report_invalid_component(f'SharedWorkflowTemplate "{resource_name}"', error):
                raise
            # An offline run that lists every invalid component: go on, declaring nothing.
            super().__init__(TYPE_TOKEN, resource_name, None, opts)
            for output in type(self).__annotations__:
                setattr(self, output, unknown_output())
            return
        template: SharedTemplate = plan.rendered.spec
        super().__init__(TYPE_TOKEN, resource_name, None, opts)
        gate = plan.gate(self)
        resources = register_manifests(
            self,
            resource_name,
            plan,
            home=template.namespace,
            gate=gate,
            depends_on_previous=frozenset({"WorkflowTemplate"}),
        )
        self.template_name = resources[-1].id.apply(lambda _: template.name)
        self.namespace = plan.field("namespace", template.namespace)
        self.service_account_name = pulumi.Output.from_input(template.account_name)
        self.register_outputs(
            {
                "template_name": self.template_name,
                "namespace": self.namespace,
                "service_account_name": self.service_account_name,
            }
        )
