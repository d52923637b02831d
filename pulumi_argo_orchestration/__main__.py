"""Entry point of the `argo-orchestration` Pulumi plugin (`python -m pulumi_argo_orchestration`).

Pulumi starts it through `python -m pulumi.run.plugin pulumi-argo-orchestration <engine>`; the
command line tool is `argo-orchestration`, not this module.
"""

from pulumi_argo_orchestration.components.provider import serve

if __name__ == "__main__":
    serve()
