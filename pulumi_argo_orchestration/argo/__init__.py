"""Pure Argo and Kubernetes manifests from a validated spec: one module per Argo concept.

`manifests.render_pipeline` is the entry: RBAC, ConfigMaps, WorkflowTemplates and the
CronWorkflow in apply order, with the spec's warnings. Never imports Pulumi.
"""
