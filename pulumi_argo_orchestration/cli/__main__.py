"""`python -m pulumi_argo_orchestration.cli`: the same as the `argo-orchestration` command."""

from .main import run

run()
