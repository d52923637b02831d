"""Argument contracts: a child passes every required parameter of its template and no other."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pulumi_argo_orchestration import (
    ExternalParameter,
    ExternalTemplate,
    Pipeline,
    SpecError,
    load_pipeline,
    pipeline_manifests,
    pipeline_warnings,
)
from pulumi_argo_orchestration.spec.loading import problems_from_errors
from pulumi_argo_orchestration.spec.models import Child
from tests.conftest import minimal_spec

WORKER = {
    "name": "worker",
    "image": "alpine:3.20",
    "parameters": [{"name": "day"}, {"name": "mode", "value": "full"}],
}
EXTERNAL = [
    {"name": "loader", "parameters": [{"name": "table"}, {"name": "batch", "hasDefault": True}]},
    {"name": "notify", "clusterScope": True, "parameters": [{"name": "channel"}]},
]


def problems(spec) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


def with_children(*children, **overrides):
    return minimal_spec(
        stages=[list(children)], templates=[WORKER], externalTemplates=EXTERNAL, **overrides
    )


def test_children_that_honour_their_contracts_are_valid():
    pipeline = load_pipeline(
        with_children(
            {"name": "a", "workflowTemplate": "worker", "arguments": {"day": "mon"}},
            {
                "name": "b",
                "workflowTemplate": "worker",
                "arguments": {"day": "mon", "mode": "delta"},
            },
            {"name": "c", "workflowTemplate": "loader", "arguments": {"table": "orders"}},
            {"name": "d", "clusterWorkflowTemplate": "notify", "arguments": {"channel": "#ops"}},
        )
    )
    assert [p.name for p in pipeline.external_templates[0].parameters] == ["table", "batch"]
    assert pipeline.external_templates[0].parameters[1].has_default is True
    assert pipeline.external_templates[1].cluster_scope is True


def test_missing_required_parameter_names_child_template_and_parameter():
    found = problems(with_children({"name": "nightly-load", "workflowTemplate": "worker"}))
    assert found == {
        "stages[0][0].arguments": "child 'nightly-load' does not pass parameter 'day', which "
        "WorkflowTemplate 'worker' requires (it has no default)"
    }


def test_unknown_argument_names_child_template_and_parameter():
    found = problems(
        with_children(
            {
                "name": "load",
                "workflowTemplate": "loader",
                "arguments": {"table": "orders", "tabel": "x"},
            }
        )
    )
    assert found == {
        "stages[0][0].arguments.tabel": "child 'load' passes parameter 'tabel', which "
        "WorkflowTemplate 'loader' does not declare (it declares 'table', 'batch')"
    }


def test_every_broken_contract_is_reported_at_once():
    found = problems(
        with_children(
            {"name": "a", "workflowTemplate": "worker", "arguments": {"extra": "1"}},
            {"name": "b", "workflowTemplate": "loader"},
            {"name": "c", "clusterWorkflowTemplate": "notify", "arguments": {"chanel": "x"}},
        )
    )
    assert set(found) == {
        "stages[0][0].arguments",
        "stages[0][0].arguments.extra",
        "stages[0][1].arguments",
        "stages[0][2].arguments",
        "stages[0][2].arguments.chanel",
    }
    assert "ClusterWorkflowTemplate 'notify' requires" in found["stages[0][2].arguments"]
    assert (
        "'notify' does not declare (it declares 'channel')"
        in found["stages[0][2].arguments.chanel"]
    )


def test_template_without_parameters_accepts_no_arguments():
    found = problems(
        minimal_spec(
            stages=[[{"name": "a", "workflowTemplate": "plain", "arguments": {"x": "1"}}]],
            templates=[{"name": "plain", "image": "alpine"}],
        )
    )
    assert "does not declare (it declares no parameters)" in found["stages[0][0].arguments.x"]


def test_scope_decides_which_declaration_applies():
    # A ClusterWorkflowTemplate named like a namespaced one is a different template.
    spec = minimal_spec(
        stages=[[{"name": "a", "clusterWorkflowTemplate": "worker", "arguments": {"any": "1"}}]],
        templates=[WORKER],
    )
    load_pipeline(spec)
    found = problems(
        minimal_spec(
            stages=[[{"name": "a", "workflowTemplate": "notify", "arguments": {"any": "1"}}]],
            externalTemplates=[{"name": "notify", "parameters": [{"name": "channel"}]}],
        )
    )
    assert set(found) == {"stages[0][0].arguments", "stages[0][0].arguments.any"}


def test_undeclared_templates_are_not_checked_but_warned_about():
    pipeline = load_pipeline(
        minimal_spec(
            stages=[[{"name": "a", "workflowTemplate": "elsewhere", "arguments": {"x": "1"}}]]
        )
    )
    (warning,) = [w for w in pipeline_warnings(pipeline) if "externalTemplates" in w]
    assert warning == (
        "nightly: stages[0][0] (a): WorkflowTemplate 'elsewhere' must already exist in namespace "
        "'argo': this pipeline does not create it and it is not declared under "
        "`externalTemplates`, so its arguments are not checked"
    )
    cluster = load_pipeline(
        minimal_spec(stages=[[{"name": "a", "clusterWorkflowTemplate": "elsewhere"}]])
    )
    (warning,) = [w for w in pipeline_warnings(cluster) if "externalTemplates" in w]
    assert "ClusterWorkflowTemplate 'elsewhere' must already exist: this pipeline" in warning
    declared = load_pipeline(
        with_children({"name": "c", "workflowTemplate": "loader", "arguments": {"table": "t"}})
    )
    assert not [w for w in pipeline_warnings(declared) if "externalTemplates" in w]


def test_external_declarations_are_checked_themselves():
    found = problems(
        minimal_spec(
            templates=[WORKER],
            externalTemplates=[
                {"name": "worker"},
                {"name": "loader", "parameters": [{"name": "a"}, {"name": "a"}]},
                {"name": "loader"},
                {"name": "loader", "clusterScope": True},
                {"name": "Bad_Name", "parameters": [{"name": "ok", "hasDefualt": True}]},
            ],
        )
    )
    assert set(found) == {
        "externalTemplates[4].name",
        "externalTemplates[4].parameters[0].hasDefualt",
    }
    found = problems(
        minimal_spec(
            stages=[[{"name": "work", "workflowTemplate": "elsewhere"}]],
            templates=[WORKER],
            externalTemplates=[
                {"name": "worker"},
                {"name": "loader", "parameters": [{"name": "a"}, {"name": "a"}]},
                {"name": "loader"},
                {"name": "loader", "clusterScope": True},
            ],
        )
    )
    assert set(found) == {
        "externalTemplates[0].name",
        "externalTemplates[1].parameters[1].name",
        "externalTemplates[2].name",
    }
    assert "created by this pipeline (templates[0])" in found["externalTemplates[0].name"]
    assert "first at externalTemplates[1].name" in found["externalTemplates[2].name"]


def test_contracts_hold_for_models_built_in_python():
    with pytest.raises(ValidationError) as caught:
        Pipeline(
            name="py",
            schedule="@daily",
            stages=[[Child(name="a", workflow_template="ext", arguments={"b": "1"})]],
            external_templates=[
                ExternalTemplate(name="ext", parameters=[ExternalParameter(name="a")])
            ],
        )
    paths = {p.path for p in problems_from_errors(caught.value.errors())}
    assert paths == {"stages[0][0].arguments", "stages[0][0].arguments.b"}


def test_contracts_change_no_manifest(argo_schemas):
    """Declarations only check; the rendered documents stay the same and conform."""
    child = {"name": "c", "workflowTemplate": "loader", "arguments": {"table": "t"}}
    declared = pipeline_manifests(minimal_spec(stages=[[child]], externalTemplates=EXTERNAL))
    assert declared == pipeline_manifests(minimal_spec(stages=[[child]]))
    assert [p for d in declared for p in argo_schemas.problems(d)] == []


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("config-snyc", "config-sync"),  # two neighbours swapped
        ("config-syn", "config-sync"),  # one removed
        ("config-synnc", "config-sync"),  # one added
        ("config-sinc", "config-sync"),  # one changed
        ("onfig-sync", "config-sync"),
    ],
)
def test_a_template_one_typo_from_a_known_one_is_an_error(written, meant):
    spec = minimal_spec(
        stages=[[{"name": "a", "workflowTemplate": written}]],
        templates=[{"name": "config-sync", "image": "alpine"}],
    )
    assert problems(spec) == {
        "stages[0][0].workflowTemplate": f"WorkflowTemplate {written!r} is neither created by "
        f"this pipeline nor declared under `externalTemplates`: did you mean {meant!r}? (If "
        f"{written!r} exists already, declare it under `externalTemplates`.)"
    }


def test_declared_cluster_templates_are_compared_with_cluster_references_only():
    spec = minimal_spec(
        stages=[
            [
                {"name": "a", "clusterWorkflowTemplate": "notfiy"},
                {"name": "b", "workflowTemplate": "notfiy"},
            ]
        ],
        externalTemplates=[{"name": "notify", "clusterScope": True}],
    )
    assert problems(spec) == {
        "stages[0][0].clusterWorkflowTemplate": "ClusterWorkflowTemplate 'notfiy' is neither "
        "created by this pipeline nor declared under `externalTemplates`: did you mean "
        "'notify'? (If 'notfiy' exists already, declare it under `externalTemplates`.)"
    }


def test_a_name_two_typos_away_or_close_to_two_names_only_warns():
    for stages, templates in (
        ([[{"name": "a", "workflowTemplate": "cnofig-snyc"}]], ["config-sync"]),
        ([[{"name": "a", "workflowTemplate": "load-c"}]], ["load-a", "load-b"]),
        ([[{"name": "a", "workflowTemplate": "x"}]], ["a"]),  # too short to guess
    ):
        spec = minimal_spec(
            stages=stages, templates=[{"name": n, "image": "alpine"} for n in templates]
        )
        warnings = pipeline_warnings(load_pipeline(spec))
        assert any("must already exist in namespace 'argo'" in w for w in warnings)


def test_one_edit_apart_is_damerau_distance_one():
    from pulumi_argo_orchestration.spec.contracts import one_edit_apart

    assert one_edit_apart("ab", "ba") and one_edit_apart("abc", "ab") and one_edit_apart("a", "")
    assert not one_edit_apart("abc", "abc") and not one_edit_apart("abcd", "badc")
    assert not one_edit_apart("abc", "cba") and not one_edit_apart("abc", "a")
