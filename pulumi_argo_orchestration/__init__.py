"""Scheduled, multi-stage Argo Workflows orchestrations as typed code.

The spec path (`load_pipeline`, `pipeline_manifests`) never imports Pulumi: names are re-exported
lazily (PEP 562), so `argo-orchestration render pipeline.yaml` stays fast and works without a
Pulumi engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__

_EXPORTS = {
    "Pipeline": "spec.pipeline",
    "Child": "spec.models",
    "Parameter": "spec.models",
    "Template": "spec.models",
    "RetryStrategy": "spec.models",
    "Backoff": "spec.models",
    "EnvVar": "spec.models",
    "EnvVarSource": "spec.models",
    "KeySelector": "spec.models",
    "Resources": "spec.models",
    "Toleration": "spec.models",
    "Task": "spec.models",
    "Semaphore": "spec.models",
    "Synchronization": "spec.models",
    "PodSecurity": "spec.models",
    "SeccompProfile": "spec.models",
    "ConcurrencyPolicy": "spec.models",
    "RetryPolicy": "spec.models",
    "ArgoVersion": "spec.models",
    "ExternalParameter": "spec.models",
    "ExternalTemplate": "spec.models",
    "StopStrategy": "spec.models",
    "TtlStrategy": "spec.models",
    "Container": "spec.models",
    "EnvFromReference": "spec.models",
    "EnvFromSource": "spec.models",
    "ImagePullPolicy": "spec.models",
    "Volume": "spec.models",
    "VolumeMount": "spec.models",
    "KeyToPath": "spec.models",
    "SecretVolumeSource": "spec.models",
    "ConfigMapVolumeSource": "spec.models",
    "PersistentVolumeClaimVolumeSource": "spec.models",
    "EmptyDirVolumeSource": "spec.models",
    "StorageMedium": "spec.models",
    "Outputs": "spec.models",
    "OutputParameter": "spec.models",
    "OutputSource": "spec.models",
    "PodMetadata": "spec.models",
    "PodGC": "spec.models",
    "PodGCStrategy": "spec.models",
    "LabelSelector": "spec.models",
    "SelectorRequirement": "spec.models",
    "SelectorOperator": "spec.models",
    "RetryAffinity": "spec.models",
    "NodeAntiAffinity": "spec.models",
    "Alerts": "spec.models",
    "AlertSeverities": "spec.models",
    "SpecError": "errors",
    "Problem": "errors",
    "load_pipeline": "spec.loading",
    "pipeline_manifests": "argo.manifests",
    "pipeline_warnings": "spec.warnings",
    "load_spec_file": "spec.loading",
    "dump_documents": "argo.yaml_text",
    "ScheduledPipeline": "components.scheduled_pipeline",
    "ScheduledPipelineArgs": "components.args",
    "SharedWorkflowTemplate": "components.shared_workflow_template",
    "SharedWorkflowTemplateArgs": "components.args",
}

__all__ = [
    "AlertSeverities",
    "Alerts",
    "ArgoVersion",
    "Backoff",
    "Child",
    "ConcurrencyPolicy",
    "ConfigMapVolumeSource",
    "Container",
    "EmptyDirVolumeSource",
    "EnvFromReference",
    "EnvFromSource",
    "EnvVar",
    "EnvVarSource",
    "ExternalParameter",
    "ExternalTemplate",
    "ImagePullPolicy",
    "KeySelector",
    "KeyToPath",
    "LabelSelector",
    "NodeAntiAffinity",
    "OutputParameter",
    "OutputSource",
    "Outputs",
    "Parameter",
    "PersistentVolumeClaimVolumeSource",
    "Pipeline",
    "PodGC",
    "PodGCStrategy",
    "PodMetadata",
    "PodSecurity",
    "Problem",
    "Resources",
    "RetryAffinity",
    "RetryPolicy",
    "RetryStrategy",
    "ScheduledPipeline",
    "ScheduledPipelineArgs",
    "SeccompProfile",
    "SecretVolumeSource",
    "SelectorOperator",
    "SelectorRequirement",
    "Semaphore",
    "SharedWorkflowTemplate",
    "SharedWorkflowTemplateArgs",
    "SpecError",
    "StopStrategy",
    "StorageMedium",
    "Synchronization",
    "Task",
    "Template",
    "Toleration",
    "TtlStrategy",
    "Volume",
    "VolumeMount",
    "dump_documents",
    "load_pipeline",
    "load_spec_file",
    "pipeline_manifests",
    "pipeline_warnings",
]

if TYPE_CHECKING:
    from .argo.manifests import pipeline_manifests
    from .argo.yaml_text import dump_documents
    from .components.args import ScheduledPipelineArgs, SharedWorkflowTemplateArgs
    from .components.scheduled_pipeline import ScheduledPipeline
    from .components.shared_workflow_template import SharedWorkflowTemplate
    from .errors import Problem, SpecError
    from .spec.loading import load_pipeline, load_spec_file
    from .spec.models import (
        Alerts,
        AlertSeverities,
        ArgoVersion,
        Backoff,
        Child,
        ConcurrencyPolicy,
        ConfigMapVolumeSource,
        Container,
        EmptyDirVolumeSource,
        EnvFromReference,
        EnvFromSource,
        EnvVar,
        EnvVarSource,
        ExternalParameter,
        ExternalTemplate,
        ImagePullPolicy,
        KeySelector,
        KeyToPath,
        LabelSelector,
        NodeAntiAffinity,
        OutputParameter,
        Outputs,
        OutputSource,
        Parameter,
        PersistentVolumeClaimVolumeSource,
        PodGC,
        PodGCStrategy,
        PodMetadata,
        PodSecurity,
        Resources,
        RetryAffinity,
        RetryPolicy,
        RetryStrategy,
        SeccompProfile,
        SecretVolumeSource,
        SelectorOperator,
        SelectorRequirement,
        Semaphore,
        StopStrategy,
        StorageMedium,
        Synchronization,
        Task,
        Template,
        Toleration,
        TtlStrategy,
        Volume,
        VolumeMount,
    )
    from .spec.pipeline import Pipeline
    from .spec.warnings import pipeline_warnings


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
