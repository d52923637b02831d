"""The input marks: where a spec may hold a value known only at deployment, and its stand-ins.

The components build a spec with stand-ins at its Outputs (`placeholder`, variants `a` and `b`) to
validate what is known and to find where each value lands; a stand-in the model refused would
break every program using that field, and two that render alike would hide where it lands. So
every marked position, in specs that use every marked field, is checked both ways.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.spec.inputs import (
    INPUT,
    INPUT_ITEMS,
    input_fields,
    mark_of,
    placeholder,
    position,
)
from pulumi_argo_orchestration.spec.loading import load_pipeline, load_shared_template
from pulumi_argo_orchestration.spec.models import Resources, Template, Toleration
from pulumi_argo_orchestration.spec.pipeline import Pipeline, SharedTemplate

SIDECAR = {
    "name": "proxy",
    "image": "registry.example/proxy:1",
    "command": ["proxy"],
    "args": ["--port", "5432"],
    "workingDir": "/srv",
    "env": [
        {"name": "A", "value": "1"},
        {"name": "B", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
        {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "c"}}},
    ],
    "envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "creds"}}],
    "resources": {"requests": {"cpu": "10m"}, "limits": {"memory": "64Mi"}},
}
TEMPLATE = {
    "name": "worker",
    "image": "registry.example/worker:1",
    "command": ["run"],
    "args": ["--day", "{{workflow.parameters.day}}"],
    "parameters": [{"name": "day", "value": "today"}],
    "env": [
        {"name": "A", "value": "1"},
        {"name": "B", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
        {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "c"}}},
    ],
    "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "1Gi"}},
    "nodeSelector": {"pool": "batch"},
    "tolerations": [
        {
            "key": "spot",
            "operator": "Equal",
            "value": "yes",
            "effect": "NoExecute",
            "tolerationSeconds": 30,
        }
    ],
    "imagePullSecrets": ["registry"],
    "labels": {"team": "data"},
    "serviceAccountAnnotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/worker"},
    "workingDir": "/work",
    "envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "creds"}}],
    "volumes": [
        {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
        {"name": "creds", "secret": {"secretName": "creds"}},
        {"name": "settings", "configMap": {"name": "settings"}},
    ],
    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
    "podMetadata": {"labels": {"tier": "batch"}, "annotations": {"example.com/owner": "data"}},
    "priorityClassName": "batch",
    "sidecars": [SIDECAR],
    "initContainers": [{**SIDECAR, "name": "prepare"}],
}
SCRIPT = {
    "name": "scripted",
    "image": "python:3.12-slim",
    "command": ["python"],
    "source": "print('hello')",
}
PIPELINE: dict[str, Any] = {
    "name": "nightly",
    "namespace": "etl",
    "schedule": "0 2 * * *",
    "timezone": "UTC",
    "labels": {"cost-center": "42"},
    "serviceAccountAnnotations": {"iam.gke.io/gcp-service-account": "o@p.iam.gserviceaccount.com"},
    "parameters": [{"name": "day", "value": "today"}],
    "podMetadata": {"labels": {"tier": "orchestration"}, "annotations": {"example.com/on": "x"}},
    "stages": [
        [{"name": "work", "workflowTemplate": "worker", "arguments": {"day": "x"}}],
        [{"name": "script", "workflowTemplate": "scripted"}],
    ],
    "onExit": {"name": "notify", "workflowTemplate": "worker", "arguments": {"day": "y"}},
    "templates": [TEMPLATE, SCRIPT],
}
DAG = {
    **{k: v for k, v in PIPELINE.items() if k != "stages"},
    "tasks": [{"name": "work", "workflowTemplate": "worker", "arguments": {"day": "x"}}],
}
SHARED = {**TEMPLATE, "namespace": "tools"}
CASES = [
    ("stages", Pipeline, PIPELINE, load_pipeline, pipeline_manifests),
    ("tasks", Pipeline, DAG, load_pipeline, pipeline_manifests),
    ("shared", SharedTemplate, SHARED, load_shared_template, shared_template_manifests),
    (
        "shared-script",
        SharedTemplate,
        {**SCRIPT, "namespace": "tools"},
        load_shared_template,
        shared_template_manifests,
    ),
]


def _positions(tree: Any, model: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in `tree` where `model` accepts an Output."""
    found = position(model, path) if path else None
    here = [path] if found is not None and found.accepts_input else []
    if isinstance(tree, dict):
        return here + [p for k, v in tree.items() for p in _positions(v, model, (*path, k))]
    if isinstance(tree, list):
        return here + [p for i, v in enumerate(tree) for p in _positions(v, model, (*path, i))]
    return here


def _field_pattern(path: tuple[Any, ...], model: Any) -> str:
    """`templates[].env[].value`: the marked field at or above a position (an item: its field)."""
    marked = {pattern for pattern, _ in input_fields(model)}
    found = ""
    for k in range(1, len(path) + 1):
        text = ""
        for part in position(model, path[:k]).spec_path:
            text += "[]" if isinstance(part, int) else (f".{part}" if text else part)
        if text in marked:
            found = text
    return found


def _set(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    tree = copy.deepcopy(tree)
    node = tree
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return tree


def test_the_specs_below_use_every_marked_field():
    used = {
        _field_pattern(p, model) for _, model, tree, _, _ in CASES for p in _positions(tree, model)
    }
    marked = {p for model in (Pipeline, SharedTemplate) for p, _ in input_fields(model)}
    assert marked - used == set()


@pytest.mark.parametrize(
    ("label", "model", "tree", "load", "build"), CASES, ids=[c[0] for c in CASES]
)
def test_every_stand_in_is_valid_and_the_two_render_differently(label, model, tree, load, build):
    load(tree)
    positions = _positions(tree, model)
    assert positions
    for n, path in enumerate(positions):
        annotation = position(model, path).annotation
        a, b = (placeholder(annotation, n, variant) for variant in "ab")
        with_a, with_b = _set(tree, path, a), _set(tree, path, b)
        rendered_a, rendered_b = build(load(with_a)), build(load(with_b))
        assert rendered_a != rendered_b, (path, a, b)
        assert [d["kind"] for d in rendered_a] == [d["kind"] for d in build(load(tree))], path


def test_positions_read_both_spellings_and_keep_keys_as_written():
    snake = position(Pipeline, ("templates", 0, "service_account_annotations", "a.b/c_d"))
    camel = position(Pipeline, ("templates", 0, "serviceAccountAnnotations", "a.b/c_d"))
    assert snake == camel
    assert snake.spec_path == ("templates", 0, "serviceAccountAnnotations", "a.b/c_d")
    assert snake.accepts_input
    assert not position(Pipeline, ("templates", 0, "service_account_annotations")).accepts_input
    assert position(Pipeline, ("templates", 0, "no_such_field")) is None
    assert position(Pipeline, ("stages", "x")) is None
    assert not position(Pipeline, ("stages", 0, 0, "namespace")).accepts_input
    assert position(Pipeline, ("stages", 0, 0, "arguments", "day")).accepts_input


def test_an_object_that_accepts_an_output_accepts_one_in_each_of_its_fields():
    """Otherwise a caller could pass the whole object as an Output but not one field of it."""
    for model, field in ((Template, "resources"), (Template, "tolerations")):
        assert mark_of(model.model_fields[field]) == INPUT
    for inner in (Resources, Toleration):
        assert {mark_of(info) for info in inner.model_fields.values()} == {INPUT}


def test_mappings_whose_keys_matter_take_outputs_only_as_values():
    for model, field in (
        (Pipeline, "labels"),
        (Pipeline, "service_account_annotations"),
        (Template, "labels"),
        (Template, "service_account_annotations"),
    ):
        assert mark_of(model.model_fields[field]) == INPUT_ITEMS, field
