"""The Pulumi args of the reach features mirror the model: same keys, same docs, same output."""

from __future__ import annotations

import ast
import inspect

import pytest

from pulumi_argo_orchestration import (
    ArgoVersion,
    ScheduledPipeline,
    pipeline_manifests,
)
from pulumi_argo_orchestration.argo.apply_order import apply_rank as manifest_sort_key
from pulumi_argo_orchestration.components import args as pipeline_args
from pulumi_argo_orchestration.spec.models import (
    Child,
    ExternalParameter,
    ExternalTemplate,
    StopStrategy,
    TtlStrategy,
)
from pulumi_argo_orchestration.spec.pipeline import Pipeline
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import minimal_spec
from tests.support.annotations import type_hints
from tests.support.field_docs import field_docs, pulumi_docs

WHOLE = [
    (TtlStrategy, "TtlStrategyArgs"),
    (StopStrategy, "StopStrategyArgs"),
    (ExternalParameter, "ExternalParameterArgs"),
    (ExternalTemplate, "ExternalTemplateArgs"),
]
NEW_FIELDS = [
    (Child, "ChildArgs", ["namespace", "ttl_strategy"]),
    (
        Pipeline,
        "ScheduledPipelineArgs",
        ["argo_version", "when", "stop_strategy", "external_templates"],
    ),
]


def typed_dict_docs() -> dict[str, dict[str, str]]:
    """Attribute docstrings of every TypedDict in pipeline_args.py, read from its source."""
    tree = ast.parse(inspect.getsource(pipeline_args))
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            fields: dict[str, str] = {}
            for statement, following in zip(node.body, [*node.body[1:], None], strict=True):
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                ):
                    fields[statement.target.id] = inspect.cleandoc(following.value.value)
            docs[node.name] = fields
    return docs


@pytest.mark.parametrize(("model", "args"), WHOLE, ids=[a for _, a in WHOLE])
def test_new_args_have_the_models_keys_and_docs(model, args):
    docs = typed_dict_docs()[args]
    assert set(type_hints(getattr(pipeline_args, args))) == set(model.model_fields)
    assert docs == {
        name: inspect.cleandoc(field_docs(model).get(name, "")) for name in model.model_fields
    }
    assert inspect.cleandoc(getattr(pipeline_args, args).__doc__) == inspect.cleandoc(model.__doc__)


@pytest.mark.parametrize(("model", "args", "fields"), NEW_FIELDS, ids=[a for _, a, _ in NEW_FIELDS])
def test_new_fields_are_mirrored_with_the_same_docs(model, args, fields):
    docs = typed_dict_docs()[args]
    for name in fields:
        assert name in type_hints(getattr(pipeline_args, args))
        assert docs[name] == pulumi_docs(model)[name], name


def test_snake_case_args_render_like_the_camel_case_spec():
    camel = minimal_spec(
        argoVersion="4",
        when="{{= cronworkflow.failed < 3 }}",
        stopStrategy={"expression": "cronworkflow.failed >= 3"},
        stages=[
            [
                {
                    "name": "far",
                    "namespace": "etl",
                    "workflowTemplate": "loader",
                    "arguments": {"table": "t"},
                    "ttlStrategy": {"secondsAfterCompletion": 60},
                }
            ]
        ],
        externalTemplates=[
            {
                "name": "loader",
                "clusterScope": False,
                "parameters": [{"name": "table"}, {"name": "b", "hasDefault": True}],
            }
        ],
    )
    snake: pipeline_args.ScheduledPipelineArgs = {
        "name": "nightly",
        "schedule": "0 2 * * *",
        "timezone": "UTC",
        "argo_version": ArgoVersion.V4,
        "when": "{{= cronworkflow.failed < 3 }}",
        "stop_strategy": {"expression": "cronworkflow.failed >= 3"},
        "stages": [
            [
                {
                    "name": "far",
                    "namespace": "etl",
                    "workflow_template": "loader",
                    "arguments": {"table": "t"},
                    "ttl_strategy": {"seconds_after_completion": 60},
                }
            ]
        ],
        "external_templates": [
            {
                "name": "loader",
                "cluster_scope": False,
                "parameters": [{"name": "table"}, {"name": "b", "has_default": True}],
            }
        ],
    }
    run = run_pulumi(lambda: ScheduledPipeline("p", snake))
    assert run.manifests() == sorted(pipeline_manifests(camel), key=manifest_sort_key)
