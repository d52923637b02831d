"""Reading Argo manifests back into pipeline specs: `argo-orchestration import`.

Pure like `argo/`, one layer above it: the importer reads CronWorkflows, WorkflowTemplates and
ClusterWorkflowTemplates (hand-written, or rendered by this package) and writes the specs that
render to the same orchestration, with every field it cannot carry reported by its YAML path.
"""
