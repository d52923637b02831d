"""Scheduled, multi-stage Argo Workflows orchestrations as typed code.

The spec path (`load_pipeline`, `pipeline_manifests`) never imports Pulumi: names are re-exported
lazily (PEP 562), so `argo-orchestration render pipeline.yaml` stays fast and works without a
Pulumi engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Pipeline": "model",
    "Child": "model",
    "Parameter": "model",
    "Template": "model",
    "RetryStrategy": "model",
    "Backoff": "model",
    "EnvVar": "model",
    "EnvVarSource": "model",
    "KeySelector": "model",
    "Resources": "model",
    "Toleration": "model",
    "Task": "model",
    "Semaphore": "model",
    "Synchronization": "model",
    "PodSecurity": "model",
    "SeccompProfile": "model",
    "ConcurrencyPolicy": "model",
    "RetryPolicy": "model",
    "ArgoVersion": "argo_version",
    "ExternalParameter": "model",
    "ExternalTemplate": "model",
    "StopStrategy": "model",
    "TtlStrategy": "model",
    "SpecError": "errors",
    "Problem": "errors",
    "load_pipeline": "manifests",
    "pipeline_manifests": "manifests",
    "pipeline_warnings": "manifests",
    "load_spec_file": "spec_file",
    "dump_documents": "yaml_output",
    "ScheduledPipeline": "scheduled_pipeline",
    "ScheduledPipelineArgs": "pipeline_args",
    "SharedWorkflowTemplate": "shared_workflow_template",
    "SharedWorkflowTemplateArgs": "pipeline_args",
}

__all__ = [
    "ArgoVersion",
    "Backoff",
    "Child",
    "ConcurrencyPolicy",
    "EnvVar",
    "EnvVarSource",
    "ExternalParameter",
    "ExternalTemplate",
    "KeySelector",
    "Parameter",
    "Pipeline",
    "PodSecurity",
    "Problem",
    "Resources",
    "RetryPolicy",
    "RetryStrategy",
    "ScheduledPipeline",
    "ScheduledPipelineArgs",
    "SeccompProfile",
    "Semaphore",
    "SharedWorkflowTemplate",
    "SharedWorkflowTemplateArgs",
    "SpecError",
    "StopStrategy",
    "Synchronization",
    "Task",
    "Template",
    "Toleration",
    "TtlStrategy",
    "dump_documents",
    "load_pipeline",
    "load_spec_file",
    "pipeline_manifests",
    "pipeline_warnings",
]

if TYPE_CHECKING:
    from .argo_version import ArgoVersion
    from .errors import Problem, SpecError
    from .manifests import load_pipeline, pipeline_manifests, pipeline_warnings
    from .model import (
        Backoff,
        Child,
        ConcurrencyPolicy,
        EnvVar,
        EnvVarSource,
        ExternalParameter,
        ExternalTemplate,
        KeySelector,
        Parameter,
        Pipeline,
        PodSecurity,
        Resources,
        RetryPolicy,
        RetryStrategy,
        SeccompProfile,
        Semaphore,
        StopStrategy,
        Synchronization,
        Task,
        Template,
        Toleration,
        TtlStrategy,
    )
    from .pipeline_args import ScheduledPipelineArgs, SharedWorkflowTemplateArgs
    from .scheduled_pipeline import ScheduledPipeline
    from .shared_workflow_template import SharedWorkflowTemplate
    from .spec_file import load_spec_file
    from .yaml_output import dump_documents


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
