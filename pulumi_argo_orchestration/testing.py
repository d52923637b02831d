"""Test your own stacks offline: run a Pulumi program under mocks and read back its manifests.

The public face of the offline engine that `argo-orchestration render` runs (`offline/engine.py`);
nothing here imports Pulumi until a program runs.

    from pulumi_argo_orchestration.testing import render_program, run_pulumi, synth

    manifests = render_program("infra/", stack="dev", config={"replicas": "2"})
    run = run_pulumi(lambda: ScheduledPipeline("etl", spec))
    documents = synth(lambda: ScheduledPipeline("etl", spec))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .offline.engine import (
    SECRET_MARKER,
    SUPPORTED,
    InvalidComponent,
    InvalidComponents,
    LogMessage,
    OfflineRenderError,
    OfflineRun,
    RegisteredResource,
    render_program,
    resource_manifest,
    run_program,
    run_pulumi,
)

__all__ = [
    "SECRET_MARKER",
    "SUPPORTED",
    "InvalidComponent",
    "InvalidComponents",
    "LogMessage",
    "OfflineRenderError",
    "OfflineRun",
    "RegisteredResource",
    "render_program",
    "resource_manifest",
    "run_program",
    "run_pulumi",
    "synth",
]


def synth(
    program: Callable[[], Any],
    *,
    config: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    show_secrets: bool = False,
) -> list[dict[str, Any]]:
    """The manifests `program` declares, in apply order: `run_pulumi(program).manifests()`."""
    run = run_pulumi(program, config=config, secrets=secrets)
    return run.manifests(show_secrets=show_secrets)
