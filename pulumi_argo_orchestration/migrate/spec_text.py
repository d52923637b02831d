"""Imported specs as text: camelCase, defaults left out, fields in the order the README writes them.

The text comes from the validated model (`model_dump(exclude_defaults=True)`), so it is the spec
the model would read back, with the spellings the model normalises already normalised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..argo.yaml_text import dump_document
from ..spec.pipeline import Pipeline, SharedTemplate
from .importer import ImportResult

# The order of the README's and the examples' spec files; a field not listed (a new one) follows
# the listed ones in the model's order.
PIPELINE_ORDER = (
    "name",
    "namespace",
    "createNamespace",
    "argoVersion",
    "schedule",
    "schedules",
    "timezone",
    "concurrencyPolicy",
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
    "suspend",
    "when",
    "stopStrategy",
    "serviceAccountName",
    "createServiceAccount",
    "automountServiceAccountToken",
    "executorServiceAccountName",
    "serviceAccountAnnotations",
    "labels",
    "parameters",
    "maxParallel",
    "childTimeout",
    "stages",
    "tasks",
    "onExit",
    "templates",
    "externalTemplates",
)
CHILD_ORDER = (
    "name",
    "workflowTemplate",
    "clusterWorkflowTemplate",
    "namespace",
    "arguments",
    "dependsOn",
    "optional",
    "when",
    "timeout",
    "ttlStrategy",
    "synchronization",
)
TEMPLATE_ORDER = (
    "name",
    "namespace",
    "image",
    "command",
    "args",
    "parameters",
    "env",
    "resources",
    "retryStrategy",
    "activeDeadlineSeconds",
    "nodeSelector",
    "tolerations",
    "imagePullSecrets",
    "serviceAccountName",
    "createServiceAccount",
    "automountServiceAccountToken",
    "executorServiceAccountName",
    "serviceAccountAnnotations",
    "security",
    "labels",
)


def pipeline_spec(pipeline: Pipeline) -> dict[str, Any]:
    """The pipeline as a spec file holds it."""
    data = _ordered(_dump(pipeline), PIPELINE_ORDER)
    if "stages" in data:
        data["stages"] = [[_ordered(c, CHILD_ORDER) for c in stage] for stage in data["stages"]]
    if "tasks" in data:
        data["tasks"] = [_ordered(task, CHILD_ORDER) for task in data["tasks"]]
    if "onExit" in data:
        data["onExit"] = _ordered(data["onExit"], CHILD_ORDER)
    if "templates" in data:
        data["templates"] = [_ordered(t, TEMPLATE_ORDER) for t in data["templates"]]
    return data


def shared_template_spec(template: SharedTemplate) -> dict[str, Any]:
    """The shared template as a `SharedWorkflowTemplate`'s arguments hold it."""
    return _ordered(_dump(template), TEMPLATE_ORDER)


def specs_text(result: ImportResult) -> str:
    """One YAML document per spec, each headed by a comment saying what it is and where from."""
    parts = []
    for pipeline in result.pipelines:
        body = dump_document(pipeline_spec(pipeline.spec))
        heading = f"pipeline {pipeline.spec.name}, imported from {pipeline.where}"
        parts.append(f"---\n# {heading}\n{body}")
    for template in result.templates:
        body = dump_document(shared_template_spec(template.spec))
        heading = (
            f"shared template {template.spec.name} (a SharedWorkflowTemplate in a program), "
            f"imported from {template.where}"
        )
        parts.append(f"---\n# {heading}\n{body}")
    return "".join(parts)


def _dump(model: Pipeline | SharedTemplate) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    return data


def _ordered(data: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    rank = {key: index for index, key in enumerate(order)}
    return dict(sorted(data.items(), key=lambda item: rank.get(item[0], len(order))))
