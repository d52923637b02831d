"""Running a Pulumi program without the engine: Pulumi.yaml and stack config, and the mocks.

`render` runs programs through here; `pulumi_argo_orchestration.testing` is its public face.
"""
