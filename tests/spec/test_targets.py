"""The Argo target: v4 by default, v3.5 on request, each validated against its own schemas."""

from __future__ import annotations

import copy

import pytest
import yaml

from pulumi_argo_orchestration import ArgoVersion, SpecError, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.argo.versions import for_target, singular_synchronization
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.spec.targets import (
    V4_MAX_TEMPLATES,
    plural_synchronization_problems,
)
from tests.conftest import EXAMPLES, minimal_spec


def problems(spec) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


def cron(documents):
    (document,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    return document


def test_default_target_is_the_v4_line():
    pipeline = load_pipeline(minimal_spec())
    assert pipeline.argo_version is ArgoVersion.V4
    spec = cron(pipeline_manifests(pipeline))["spec"]
    assert spec["schedules"] == ["0 2 * * *"]
    assert "schedule" not in spec


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("argoVersion: '3.5'", ArgoVersion.V3_5),
        ("argoVersion: 3.5", ArgoVersion.V3_5),
        ("argoVersion: 4", ArgoVersion.V4),
        ("argoVersion: 4.0", ArgoVersion.V4),
        ("argoVersion: '4'", ArgoVersion.V4),
    ],
)
def test_yaml_numbers_and_strings_name_the_same_version(text, expected):
    spec = {**minimal_spec(), **yaml.safe_load(text)}
    assert load_pipeline(spec).argo_version is expected


@pytest.mark.parametrize("value", ["3.6", "3", "v4", 3.4, "latest"])
def test_unknown_versions_are_rejected_with_the_choices(value):
    message = problems(minimal_spec(argoVersion=value))["argoVersion"]
    assert "'3.5'" in message
    assert "'4'" in message


def test_v3_5_writes_one_spec_schedule_in_the_place_of_schedules():
    for spelling in ({"schedule": "0 2 * * *"}, {"schedule": None, "schedules": ["0 2 * * *"]}):
        spec = cron(pipeline_manifests(minimal_spec(argoVersion="3.5", **spelling)))["spec"]
        assert spec["schedule"] == "0 2 * * *"
        assert "schedules" not in spec
        assert list(spec)[:2] == ["schedule", "timezone"]


def test_v3_5_rejects_more_than_one_schedule_and_v3_6_features_all_at_once():
    found = problems(
        minimal_spec(
            argoVersion="3.5",
            schedule=None,
            schedules=["0 2 * * *", "0 14 * * *"],
            when="{{= cronworkflow.failed < 3 }}",
            stopStrategy={"expression": "cronworkflow.failed >= 3"},
        )
    )
    assert set(found) == {"schedules", "when", "stopStrategy"}
    assert "one schedule (`spec.schedule`) and 2 are given" in found["schedules"]
    assert found["when"] == "`when` needs Argo v3.6 or later and `argoVersion` is '3.5'"
    assert "`stopStrategy` needs Argo v3.6 or later" in found["stopStrategy"]
    # The same spec is fine for v4.
    v4 = minimal_spec(
        schedule=None,
        schedules=["0 2 * * *", "0 14 * * *"],
        when="{{= cronworkflow.failed < 3 }}",
        stopStrategy={"expression": "cronworkflow.failed >= 3"},
    )
    assert load_pipeline(v4).argo_version is ArgoVersion.V4


def test_v3_5_output_conforms_to_v3_5_and_not_to_v4(argo_schemas, argo_v35_schemas):
    documents = pipeline_manifests(load_spec_file(EXAMPLES / "argo-v3.5" / "pipeline.yaml"))
    assert [p for d in documents for p in argo_v35_schemas.problems(d)] == []
    v4_problems = argo_schemas.problems(cron(documents))
    assert any("schedule" in p for p in v4_problems)


def test_v4_output_does_not_conform_to_v3_5(argo_v35_schemas):
    documents = pipeline_manifests(
        minimal_spec(stopStrategy={"expression": "cronworkflow.failed > 1"})
    )
    found = argo_v35_schemas.problems(cron(documents))
    assert any("schedules" in p for p in found)
    assert any("stopStrategy" in p for p in found)


def test_only_the_cron_workflow_differs_between_targets():
    spec = minimal_spec(
        templates=[{"name": "worker", "image": "alpine"}],
        stages=[
            [
                {"name": "work", "workflowTemplate": "worker"},
                {"name": "far", "namespace": "far", "workflowTemplate": "remote"},
            ]
        ],
    )
    v4 = pipeline_manifests(spec)
    v35 = pipeline_manifests({**spec, "argoVersion": "3.5"})
    assert [d for d in v4 if d["kind"] != "CronWorkflow"] == [
        d for d in v35 if d["kind"] != "CronWorkflow"
    ]
    assert cron(v4)["spec"]["workflowSpec"] == cron(v35)["spec"]["workflowSpec"]


# The plural synchronization hook: the model gains `synchronization` in another change; these
# tests drive the version functions with the camelCase dumps and documents they will see.

PLURAL = {
    "semaphores": [{"configMapKeyRef": {"name": "locks", "key": "etl"}}],
    "mutexes": [{"name": "db"}],
}


def test_plural_synchronization_with_one_lock_each_becomes_singular():
    assert singular_synchronization(PLURAL) == {
        "semaphore": {"configMapKeyRef": {"name": "locks", "key": "etl"}},
        "mutex": {"name": "db"},
    }
    assert singular_synchronization({"mutexes": []}) == {}


def test_plural_synchronization_problems_name_the_path_of_each_lock_list():
    dump = {
        "synchronization": {"mutexes": [{"name": "a"}, {"name": "b"}]},
        "stages": [
            [{"name": "x", "synchronization": {"semaphores": [{"database": {"key": "k"}}]}}]
        ],
        "templates": [{"synchronization": PLURAL}],
    }
    found = {p.path: p.message for p in plural_synchronization_problems(dump)}
    assert set(found) == {
        "synchronization.mutexes",
        "stages[0][0].synchronization.semaphores[0].database",
    }
    assert "one mutex per `synchronization` and 2 are given" in found["synchronization.mutexes"]
    assert "Argo v3.6 or later" in found["stages[0][0].synchronization.semaphores[0].database"]


def test_for_target_makes_plural_synchronization_valid_for_v3_5(argo_schemas, argo_v35_schemas):
    document = cron(pipeline_manifests(minimal_spec()))
    document["spec"]["workflowSpec"]["synchronization"] = copy.deepcopy(PLURAL)
    document["spec"]["workflowSpec"]["templates"][0]["synchronization"] = {
        "mutexes": [{"name": "m"}]
    }
    assert argo_schemas.problems(document) == []
    assert argo_v35_schemas.problems(document) != []
    (converted,) = for_target([document], ArgoVersion.V3_5)
    assert converted["spec"]["workflowSpec"]["synchronization"] == singular_synchronization(PLURAL)
    assert argo_v35_schemas.problems(converted) == []
    # The input is left alone; v4 documents pass through unchanged.
    assert document["spec"]["workflowSpec"]["synchronization"] == PLURAL
    assert for_target([document], ArgoVersion.V4) == [document]


# --- Argo v4's CRD caps ------------------------------------------------------------------------


def children(count, **child):
    return [[{"name": f"c{i}", "workflowTemplate": "t", **child} for i in range(count)]]


def test_the_template_count_is_the_one_the_cron_workflow_has():
    largest = minimal_spec(stages=children(199))
    templates = cron(pipeline_manifests(largest))["spec"]["workflowSpec"]["templates"]
    assert len(templates) == V4_MAX_TEMPLATES == 200
    # The exit child is a child too: 197 in stages, one in onExit, and the exit handler.
    with_exit = minimal_spec(stages=children(197), onExit={"name": "e", "workflowTemplate": "t"})
    templates = cron(pipeline_manifests(with_exit))["spec"]["workflowSpec"]["templates"]
    assert len(templates) == 200


def test_v4_refuses_more_templates_than_its_crd_allows_naming_the_limit():
    assert problems(minimal_spec(stages=children(200))) == {
        "stages": "Argo v4 allows at most 200 templates in a workflow (its CRD's `maxItems`; the "
        "API server would refuse the CronWorkflow), and this pipeline needs 201: `main` and one "
        "spawn template for each of its 200 children. Split it into pipelines of at most 199 "
        "children"
    }
    exit_child = {"name": "e", "workflowTemplate": "t"}
    found = problems(minimal_spec(stages=children(198), onExit=exit_child))
    assert (
        "needs 201: `main`, the exit handler and one spawn template for each of its 199"
        in (found["stages"])
    )


def test_v4_refuses_a_dag_of_more_than_200_tasks_and_500_arguments():
    arguments = {f"a{i}": "x" for i in range(501)}
    found = problems(minimal_spec(stages=children(1, arguments=arguments)))
    assert found == {
        "stages[0][0].arguments": "Argo v4 allows at most 500 input parameters in a template "
        "(its CRD's `maxItems`), and each of the 501 arguments of this child is one in its spawn "
        "template"
    }
    dag = minimal_spec(tasks=children(201)[0])
    del dag["stages"]
    with pytest.raises(SpecError) as caught:
        load_pipeline(dag)
    assert [p.path for p in caught.value.problems] == ["tasks", "tasks"]
    assert caught.value.problems[0].message.startswith("Argo v4 allows at most 200 templates")
    assert caught.value.problems[1].message == (
        "Argo v4 allows at most 200 tasks in a DAG (its CRD's `maxItems`), and there are 201"
    )


def test_v3_5_has_no_such_caps(argo_v35_schemas):
    spec = minimal_spec(stages=children(250), argoVersion="3.5")
    document = cron(pipeline_manifests(spec))
    assert len(document["spec"]["workflowSpec"]["templates"]) == 251
    assert argo_v35_schemas.problems(document) == []


def test_strict_names_the_cap_instead_of_cutting_the_message(argo_schemas):
    document = cron(pipeline_manifests(minimal_spec(stages=children(199))))
    templates = document["spec"]["workflowSpec"]["templates"]
    templates.append({**copy.deepcopy(templates[-1]), "name": "spawn-extra"})
    found = [p for p in argo_schemas.problems(document) if "spec.workflowSpec.templates:" in p]
    assert found, argo_schemas.problems(document)
    assert all("is too long (maxItems 200)" in p for p in found)
    assert all(len(p) < 400 for p in found)
