"""Readers of finished manifests: the graph, the schedule preview, conformance to Argo's schemas.

They read documents, not the spec, so a spec file and a Pulumi program look the same to them.
"""
