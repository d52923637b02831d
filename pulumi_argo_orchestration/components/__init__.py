"""Everything that imports Pulumi for `pulumi up`: the components, their args, the provider.

Thin shells over `argo.manifests.render_pipeline`: validate, register, log the warnings.
"""
