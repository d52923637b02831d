"""`SharedWorkflowTemplate`: a WorkflowTemplate several pipelines instantiate, with its account.

Pulumi's analyzer reads the `args` annotation, so no `from __future__ import annotations` here.
"""

from typing import Optional

import pulumi

from ..argo.manifests import shared_template_manifests
from ..spec.loading import load_shared_template
from ..spec.pipeline import SharedTemplate
from .args import SharedWorkflowTemplateArgs
from .kubernetes_resources import register_manifests
from .plain_inputs import require_plain

TYPE_TOKEN = "argo-orchestration:index:SharedWorkflowTemplate"


class SharedWorkflowTemplate(pulumi.ComponentResource):
    """A WorkflowTemplate with its executor ServiceAccount, Role and RoleBinding."""

    template_name: pulumi.Output[str]
    """Name of the WorkflowTemplate, for a pipeline child's `workflow_template`."""
    namespace: pulumi.Output[str]
    """Namespace of the template."""
    service_account_name: pulumi.Output[str]
    """The account the template's pods run under."""

    def __init__(
        self,
        resource_name: str,
        args: SharedWorkflowTemplateArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        require_plain(args)
        template = load_shared_template(
            dict(args) if not isinstance(args, SharedTemplate) else args
        )
        documents = shared_template_manifests(template)
        super().__init__(TYPE_TOKEN, resource_name, None, opts)
        resources = register_manifests(self, resource_name, documents, {"WorkflowTemplate"})
        self.template_name = resources[-1].id.apply(lambda _: template.name)
        self.namespace = pulumi.Output.from_input(template.namespace)
        self.service_account_name = pulumi.Output.from_input(template.account_name)
        self.register_outputs(
            {
                "template_name": self.template_name,
                "namespace": self.namespace,
                "service_account_name": self.service_account_name,
            }
        )
