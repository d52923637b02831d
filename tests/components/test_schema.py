"""The schema Pulumi's analyzer infers from the package: what TypeScript, YAML, Go, ... see.

Inputs are checked against the pydantic model, generically and recursively: every spec field is an
input named as in spec files, with the model's required-ness, description and type, and nothing
else is; a field is `plain` exactly when the model does not mark it as an input (`spec/inputs.py`),
so other languages can pass Outputs where the component takes them and nowhere else. So the
schema follows fields added to the model and the args alike. (Pulumi camel-cases the snake_case
name: a field whose spec spelling is Argo's `downwardAPI` is `downwardApi` there, and both reach
the same field.) A mapping of further Argo fields is `pulumi.json#/Any`.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache
from typing import Any, get_args, get_origin

import pytest
import yaml
from pydantic.alias_generators import to_camel

from pulumi_argo_orchestration import Pipeline, __version__, load_pipeline
from pulumi_argo_orchestration.components.provider import schema
from pulumi_argo_orchestration.spec.inputs import mark_of
from pulumi_argo_orchestration.spec.loading import load_shared_template
from pulumi_argo_orchestration.spec.pipeline import SharedTemplate
from tests.support import schema_docs
from tests.support.annotations import is_model, leaves, strip
from tests.support.field_docs import pulumi_docs

PIPELINE = "argo-orchestration:index:ScheduledPipeline"
TEMPLATE = "argo-orchestration:index:SharedWorkflowTemplate"
SPECS = {PIPELINE: Pipeline, TEMPLATE: SharedTemplate}
KINDS = {str: "string", int: "integer", float: "number", bool: "boolean"}


@cache
def _schema() -> dict[str, Any]:
    return schema()


def _type(ref: str) -> dict[str, Any]:
    token = ref.removeprefix("#/types/")
    definition: dict[str, Any] = _schema()["types"][token]
    return definition


def _check_properties(
    props: dict[str, Any], required: set[str], spec: type, path: str
) -> list[str]:
    problems = []
    fields = {to_camel(name): field for name, field in spec.model_fields.items()}
    docs = {to_camel(name): pulumi_docs(spec).get(name) for name in spec.model_fields}
    where = f"{path}." if path else ""
    for name in sorted(set(fields) ^ set(props)):
        side = "schema" if name in props else "model"
        problems.append(f"{where}{name}: only in the {side}")
    for name in [n for n in fields if n in props]:
        field, prop, at = fields[name], props[name], f"{where}{name}"
        if (name in required) != field.is_required():
            problems.append(f"{at}: required is {name in required}, model {field.is_required()}")
        if not prop.get("description") or prop.get("description") != docs[name]:
            problems.append(f"{at}: description {prop.get('description')!r}")
        mark = mark_of(field)
        problems += _check_plain(prop, mark is None or mark.items_only, at)
        problems += _check_type(prop, field.annotation, at, items_plain=mark is None)
    return problems


def _check_plain(prop: dict[str, Any], plain: bool, path: str) -> list[str]:
    if plain and prop.get("plain") is not True:
        return [f"{path}: not plain: other languages could pass an Output"]
    if not plain and prop.get("plain"):
        return [f"{path}: plain, but the component takes an Output here"]
    return []


def _check_type(
    prop: dict[str, Any], annotation: Any, path: str, items_plain: bool = True
) -> list[str]:
    tp = strip(annotation)
    origin = get_origin(tp)
    if tp is Any:
        return [] if prop.get("$ref") == "pulumi.json#/Any" else [f"{path}: {prop} is not Any"]
    if origin is list:
        if prop.get("type") != "array":
            return [f"{path}: {prop} is not an array"]
        at = f"{path}[]"
        return _check_plain(prop["items"], items_plain, at) + _check_type(
            prop["items"], get_args(tp)[0], at
        )
    if origin is dict:
        if prop.get("type") != "object" or "additionalProperties" not in prop:
            return [f"{path}: {prop} is not a map"]
        at = f"{path}{{}}"
        values = prop["additionalProperties"]
        return _check_plain(values, items_plain, at) + _check_type(values, get_args(tp)[1], at)
    if is_model(tp):
        if "$ref" not in prop:
            return [f"{path}: {prop} is not a reference to an object type"]
        definition = _type(prop["$ref"])
        required = set(definition.get("required", []))
        return _check_properties(definition.get("properties", {}), required, tp, path)
    if "$ref" in prop:
        values = {member["value"] for member in _type(prop["$ref"]).get("enum", [])}
        if not (isinstance(tp, type) and issubclass(tp, Enum)):
            return [f"{path}: schema enum for {tp}"]
        return [] if values == {m.value for m in tp} else [f"{path}: enum values {values}"]
    accepted = {KINDS[leaf] for leaf in leaves(tp) if leaf in KINDS}
    return [] if prop.get("type") in accepted else [f"{path}: {prop.get('type')} for {tp}"]


def test_the_package_and_its_resource_types():
    inferred = _schema()
    assert inferred["name"] == "argo-orchestration"
    assert inferred["version"] == __version__
    assert sorted(inferred["resources"]) == [PIPELINE, TEMPLATE]
    assert all(r["isComponent"] for r in inferred["resources"].values())


@pytest.mark.parametrize("token", sorted(SPECS))
def test_every_input_has_the_models_name_type_requiredness_and_description(token):
    resource = _schema()["resources"][token]
    required = set(resource.get("requiredInputs", []))
    problems = _check_properties(resource["inputProperties"], required, SPECS[token], "")
    assert not problems, "\n".join(problems)


def test_top_level_inputs_as_typescript_and_yaml_programs_write_them():
    """A spot check of the generic walk, in the names other languages use."""
    inputs = _schema()["resources"][PIPELINE]["inputProperties"]
    assert inputs["stages"]["items"]["items"]["$ref"].endswith(":index:ChildArgs")
    assert inputs["concurrencyPolicy"]["$ref"].endswith(":index:ConcurrencyPolicy")
    assert inputs["startingDeadlineSeconds"]["type"] == "integer"
    assert inputs["labels"]["additionalProperties"]["type"] == "string"
    assert inputs["tasks"]["items"]["$ref"].endswith(":index:TaskArgs")
    # `stages` or `tasks`: the model enforces exactly one, so neither is required on its own.
    assert _schema()["resources"][PIPELINE]["requiredInputs"] == ["name"]


STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
OUTPUTS = {
    PIPELINE: {
        "cronWorkflowName": STRING,
        "namespace": STRING,
        "serviceAccountName": STRING,
        "childSelector": STRING,
        "templateNames": STRINGS,
        "serviceAccountNames": STRINGS,
        "roleNames": STRINGS,
        "schedules": STRINGS,
        "listWorkflowsCommand": STRING,
    },
    TEMPLATE: {"templateName": STRING, "namespace": STRING, "serviceAccountName": STRING},
}


def _without_descriptions(prop: Any) -> Any:
    if isinstance(prop, dict):
        return {k: _without_descriptions(v) for k, v in prop.items() if k != "description"}
    return prop


@pytest.mark.parametrize("token", sorted(OUTPUTS))
def test_outputs_are_required_documented_strings_and_lists(token):
    resource = _schema()["resources"][token]
    assert list(resource["properties"]) == list(OUTPUTS[token])
    assert sorted(resource["required"]) == sorted(OUTPUTS[token])
    for name, prop in resource["properties"].items():
        assert _without_descriptions(prop) == OUTPUTS[token][name], name
        assert prop["description"], name


def test_the_docs_schema_reference_is_the_inferred_schema():
    written = schema_docs.current_block(schema_docs.DOCS.read_text())
    assert written == schema_docs.render(_schema()), "run `python -m tests.support.schema_docs`"


def test_the_docs_yaml_example_uses_the_schema_and_a_valid_spec():
    text = schema_docs.DOCS.read_text()
    programs = [
        yaml.safe_load(block)
        for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
        if "resources:" in block
    ]
    used = [
        resource
        for program in programs
        for resource in (program.get("resources") or {}).values()
        if resource["type"].startswith("argo-orchestration:")
    ]
    assert {resource["type"] for resource in used} == {PIPELINE, TEMPLATE}
    for resource in used:
        inputs = _schema()["resources"][resource["type"]]["inputProperties"]
        assert set(resource["properties"]) <= set(inputs)
        load = load_pipeline if resource["type"] == PIPELINE else load_shared_template
        load(resource["properties"])


def test_the_docs_list_exactly_the_fields_that_accept_outputs():
    from tests.support import input_docs

    written = input_docs.current_block(input_docs.DOCS.read_text())
    assert written == input_docs.render(), "run `python -m tests.support.input_docs`"
