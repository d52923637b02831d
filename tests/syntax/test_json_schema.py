"""The package's validator for the shipped Argo schema subset, compared with `jsonschema`.

`jsonschema` (the field's library, in the test extra) is the reference: on every template of
Argo's own examples and on generated breakages of them, both give the same verdict and report
problems at the same places. Where ours is stricter on purpose (an integral float is not an
integer) the test says so.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration.spec import argo_fields
from pulumi_argo_orchestration.syntax.json_schema import MAX_DEPTH, Validator
from tests.conftest import ARGO_EXAMPLES, FIGURES, SHARED_ARGO, require_shared

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")
TEMPLATE = argo_fields.TEMPLATE


@cache
def reference(version: str) -> Any:
    """`jsonschema`'s validator for the same shipped file."""
    from importlib import resources

    from referencing.jsonschema import DRAFT202012

    package = resources.files("pulumi_argo_orchestration.spec") / "argo_schema"
    document = json.loads((package / argo_fields.SCHEMA_FILES[version]).read_text())
    document["$id"] = "urn:argo-subset"
    resource = DRAFT202012.create_resource(document)
    registry = referencing.Registry().with_resource("urn:argo-subset", resource)
    return jsonschema.Draft202012Validator(
        {"$ref": f"urn:argo-subset#/definitions/{TEMPLATE}"}, registry=registry
    )


def reference_paths(version: str, value: Any) -> set[tuple[Any, ...]]:
    """Where `jsonschema` finds problems, with a misspelled or missing field's own name added."""
    found = set()
    for error in reference(version).iter_errors(value):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            found |= {(*path, key) for key in error.instance if key not in known}
        elif error.validator == "required":
            found |= {(*path, key) for key in error.validator_value if key not in error.instance}
        else:
            found.add(path)
    return found


def our_paths(version: str, value: Any) -> set[tuple[Any, ...]]:
    return {path for path, _ in argo_fields.validator(version).problems(value, TEMPLATE)}


@cache
def example_templates() -> list[dict[str, Any]]:
    """Every template in Argo's examples (../shared/argo/examples)."""
    require_shared(ARGO_EXAMPLES)
    templates = []
    for path in sorted((SHARED_ARGO / "examples").rglob("*.yaml")):
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue
        for document in documents:
            if not isinstance(document, dict):
                continue
            spec = document.get("spec") or {}
            if document.get("kind") == "CronWorkflow":
                spec = spec.get("workflowSpec") or {}
            templates += [t for t in spec.get("templates") or [] if isinstance(t, dict)]
    return templates


@pytest.mark.parametrize("version", ["4", "3.5"])
def test_same_verdict_and_places_as_jsonschema_on_argos_examples(version):
    templates = example_templates()
    assert len(templates) >= 80
    rejected = 0
    for template in templates:
        assert our_paths(version, template) == reference_paths(version, template), template
        rejected += bool(our_paths(version, template))
        FIGURES["json schema: example templates compared with jsonschema"] += 1
    if version == "4":
        assert rejected == 0  # the strict v4 subset takes every one of Argo's own examples


def _breakages(template: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A template with one key renamed, one value of another type, or one key added."""

    def nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        found = [path]
        if isinstance(value, dict):
            for key, item in value.items():
                found += nodes(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                found += nodes(item, (*path, index))
        return found

    def parent(value: Any, path: tuple[Any, ...]) -> Any:
        for part in path[:-1]:
            value = value[part]
        return value

    every = [path for path in nodes(template) if path]
    replacements = st.sampled_from([1, 2.5, "text", True, None, [], {}, {"x": 1}, [1, "a"]])

    @st.composite
    def broken(draw: st.DrawFn) -> dict[str, Any]:
        result = copy.deepcopy(template)
        path = draw(st.sampled_from(every))
        holder = parent(result, path)
        action = draw(st.sampled_from(["rename", "retype", "add"]))
        if action == "rename" and isinstance(holder, dict):
            holder[path[-1] + draw(st.sampled_from(["s", "X", "_"]))] = holder.pop(path[-1])
        elif action == "add" and isinstance(holder, dict):
            holder[draw(st.sampled_from(["nmae", "imagePullPolicy", "extra"]))] = "x"
        else:
            holder[path[-1]] = draw(replacements)
        return result

    return broken()


@settings(deadline=None, max_examples=300, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_same_places_as_jsonschema_on_broken_examples(data):
    templates = [t for t in example_templates() if t.get("container") or t.get("script")]
    template = data.draw(st.sampled_from(templates))
    value = data.draw(_breakages(template))
    for version in ("4", "3.5"):
        ours, theirs = our_paths(version, value), reference_paths(version, value)
        # jsonschema accepts an integral float as an integer; the API server does not.
        if ours != theirs:
            assert ours - theirs and not theirs - ours, (value, ours, theirs)
            assert all(_integral_float(value, path) for path in ours - theirs), (ours, theirs)
    FIGURES["json schema: broken templates compared with jsonschema"] += 1


def _integral_float(value: Any, path: tuple[Any, ...]) -> bool:
    for part in path:
        value = value[part]
    return isinstance(value, float) and value.is_integer()


def test_an_integral_float_is_not_an_integer_here():
    template = {"name": "a", "container": {"image": "x", "ports": [{"containerPort": 80.0}]}}
    problems = argo_fields.validator("4").problems(template, TEMPLATE)
    assert problems == [
        (("container", "ports", 0, "containerPort"), "expected a whole number, got a number")
    ]
    assert list(reference("4").iter_errors(template)) == []


def test_messages_name_the_field_meant():
    validator = argo_fields.validator("4")
    template = {
        "container": {"image": "x", "volumeMount": [], "ImagePullPolicy": "Always"},
        "retryStrategy": {"limit": "2", "backoff": {"duartion": "1s"}},
        "sidecars": [{"image": "y"}],
        "activeDeadlineSeconds": [1],
        "zzz": 1,
    }
    assert sorted(validator.problems(template, TEMPLATE)) == [
        (("activeDeadlineSeconds",), "expected text or a whole number, got a list"),
        (("container", "ImagePullPolicy"), "unknown field (did you mean 'imagePullPolicy'?)"),
        (("container", "volumeMount"), "unknown field (did you mean 'volumeMounts'?)"),
        (("retryStrategy", "backoff", "duartion"), "unknown field (did you mean 'duration'?)"),
        (("sidecars", 0, "name"), "required field is missing"),
        (("zzz",), "unknown field"),
    ]


def test_enum_lists_the_allowed_values():
    """Only the v3.5 file has enums (v4's schema.json dropped them); same rule for both."""
    validator = Validator({"policy": {"type": "string", "enum": ["Always", "OnFailure"]}})
    assert validator.problems("Never", "policy") == [
        ((), "'Never' is not allowed: use 'Always' or 'OnFailure'")
    ]
    assert validator.problems("Always", "policy") == []
    assert "enum" in json.dumps(argo_fields.validator("3.5").definitions)


def test_non_text_keys_and_deep_nesting_are_one_problem_each():
    validator = Validator(
        {"open": {"type": "object", "additionalProperties": {"$ref": "#/definitions/open"}}}
    )
    assert validator.problems({1: {}}, "open") == [
        ((), "field names must be text, got a whole number 1")
    ]
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(MAX_DEPTH * 3):
        node["a"] = {}
        node = node["a"]
    (problem,) = validator.problems(deep, "open")
    assert problem[1] == f"nested more than {MAX_DEPTH} levels deep"
    assert len(problem[0]) <= MAX_DEPTH
