"""The WorkflowTemplates of real jobs, and results handed from one child to later ones.

Every document is also checked against Argo's schemas and CRDs elsewhere (the conformance
matrix); here the values: where each field lands, what is merged, what the spawn step reads.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from pulumi_argo_orchestration import dump_documents, pipeline_manifests
from pulumi_argo_orchestration.argo.child_workflow import output_json_path
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from tests.argo.test_injection import HOSTILE
from tests.conftest import minimal_spec
from tests.support import argo_substitution as argo

WORKER = {"name": "worker", "image": "python:3.12-slim"}


def documents_of(**spec: Any) -> dict[str, dict[str, Any]]:
    return {
        f"{d['kind']}/{d['metadata']['name']}": d for d in pipeline_manifests(minimal_spec(**spec))
    }


def main_template(template: dict[str, Any], **spec: Any) -> dict[str, Any]:
    document = documents_of(templates=[template], **spec)["WorkflowTemplate/worker"]
    (main,) = document["spec"]["templates"]
    return main


def test_source_makes_a_script_template():
    main = main_template({**WORKER, "command": ["python"], "source": "print(1)\n", "args": ["-u"]})
    assert list(main) == ["name", "script"]
    assert {k: main["script"][k] for k in ("image", "command", "args", "source")} == {
        "image": "python:3.12-slim",
        "command": ["python"],
        "args": ["-u"],
        "source": "print(1)\n",
    }


def test_every_typed_field_lands_where_argo_reads_it():
    template = {
        **WORKER,
        "workingDir": "/work",
        "imagePullPolicy": "IfNotPresent",
        "envFrom": [{"secretRef": {"name": "db", "optional": True}, "prefix": "DB_"}],
        "volumes": [
            {"name": "work", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
            {"name": "creds", "secret": {"secretName": "db", "items": [{"key": "k", "path": "k"}]}},
        ],
        "volumeMounts": [{"name": "work", "mountPath": "/work"}],
        "initContainers": [{"name": "fetch", "image": "alpine"}],
        "sidecars": [
            {"name": "proxy", "image": "envoy", "argo": {"ports": [{"containerPort": 80}]}}
        ],
        "outputs": {
            "parameters": [
                {
                    "name": "rows",
                    "valueFrom": {"path": "/tmp/rows", "default": "0"},
                    "description": "rows read",
                }
            ]
        },
        "affinity": {"nodeAffinity": {}},
        "priorityClassName": "batch-low",
        "retryStrategy": {
            "limit": 3,
            "expression": "asInt(lastRetry.exitCode) > 1",
            "affinity": {"nodeAntiAffinity": {}},
            "backoff": {"duration": "10s", "factor": 2, "cap": "1m", "maxDuration": "10m"},
        },
        "argo": {"timeout": "1h", "container": {"tty": True}},
    }
    main = main_template(template)
    assert list(main) == [
        "name",
        "container",
        "initContainers",
        "sidecars",
        "volumes",
        "outputs",
        "affinity",
        "priorityClassName",
        "retryStrategy",
        "timeout",
    ]
    container = main["container"]
    assert container["workingDir"] == "/work"
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["envFrom"] == [
        {"prefix": "DB_", "secretRef": {"name": "db", "optional": True}}
    ]
    assert container["volumeMounts"] == [{"name": "work", "mountPath": "/work"}]
    assert container["tty"] is True
    assert main["volumes"] == [
        {"name": "work", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
        {"name": "creds", "secret": {"secretName": "db", "items": [{"key": "k", "path": "k"}]}},
    ]
    assert [c["name"] for c in main["initContainers"]] == ["fetch"]
    assert main["sidecars"][0]["ports"] == [{"containerPort": 80}]
    assert main["outputs"] == {
        "parameters": [
            {
                "name": "rows",
                "valueFrom": {"path": "/tmp/rows", "default": "0"},
                "globalName": "rows",
                "description": "rows read",
            }
        ]
    }
    assert main["retryStrategy"] == {
        "limit": 3,
        "expression": "asInt(lastRetry.exitCode) > 1",
        "backoff": {"duration": "10s", "factor": 2, "maxDuration": "10m", "cap": "1m"},
        "affinity": {"nodeAntiAffinity": {}},
    }


def test_pod_metadata_of_the_pipeline_and_the_template_merge_template_winning():
    documents = documents_of(
        podMetadata={"labels": {"team": "data", "tier": "batch"}, "annotations": {"a.io/x": "1"}},
        templates=[{**WORKER, "podMetadata": {"labels": {"tier": "critical"}}}],
    )
    template = documents["WorkflowTemplate/worker"]["spec"]
    cron = documents["CronWorkflow/nightly"]["spec"]["workflowSpec"]
    assert template["podMetadata"] == {
        "labels": {"team": "data", "tier": "critical"},
        "annotations": {"a.io/x": "1"},
    }
    assert cron["podMetadata"] == {
        "labels": {"team": "data", "tier": "batch"},
        "annotations": {"a.io/x": "1"},
    }


def test_pod_gc_is_on_the_orchestrator_and_the_templates_but_not_in_child_manifests():
    pod_gc = {"strategy": "OnPodSuccess", "deleteDelayDuration": "30s"}
    documents = documents_of(podGC=pod_gc, templates=[WORKER])
    cron = documents["CronWorkflow/nightly"]["spec"]["workflowSpec"]
    assert cron["podGC"] == pod_gc
    assert documents["WorkflowTemplate/worker"]["spec"]["podGC"] == pod_gc
    for spawn in cron["templates"][1:]:
        assert "podGC" not in spawn["resource"]["manifest"]  # an external template keeps its own
    shared = shared_template_manifests({**WORKER, "podGC": {"strategy": "OnWorkflowSuccess"}})
    assert shared[-1]["spec"]["podGC"] == {"strategy": "OnWorkflowSuccess"}


def test_a_pipeline_without_the_new_fields_renders_as_before():
    main = main_template(WORKER)
    assert list(main) == ["name", "container"]
    spec = documents_of(templates=[WORKER])["WorkflowTemplate/worker"]["spec"]
    assert not {"podMetadata", "podGC"} & set(spec)


# --- outputs handed on ---------------------------------------------------------------------------

PRODUCER = {
    "name": "extract",
    "image": "python:3.12-slim",
    "outputs": {
        "parameters": [
            {"name": "row-count", "valueFrom": {"path": "/tmp/row-count"}},
            {"name": "unread", "valueFrom": {"path": "/tmp/unread"}},
        ]
    },
}
CONSUMER = {"name": "load", "image": "alpine", "parameters": [{"name": "rows"}, {"name": "note"}]}
READ = "{{steps.extract.outputs.parameters.row-count}}"


def handing_on() -> dict[str, Any]:
    return minimal_spec(
        stages=[
            [{"name": "extract", "workflowTemplate": "extract"}],
            [
                {
                    "name": "load",
                    "workflowTemplate": "load",
                    "arguments": {"rows": READ, "note": f"{READ} rows"},
                }
            ],
        ],
        templates=[PRODUCER, CONSUMER],
    )


def test_the_spawn_step_reads_exactly_the_outputs_later_children_use():
    (cron,) = [d for d in pipeline_manifests(handing_on()) if d["kind"] == "CronWorkflow"]
    spawners = {t["name"]: t for t in cron["spec"]["workflowSpec"]["templates"]}
    assert spawners["spawn-extract"]["outputs"] == {
        "parameters": [
            {
                "name": "row-count",
                "valueFrom": {
                    "jsonPath": '{.status.outputs.parameters[?(@.name=="row-count")].value}'
                },
            }
        ]
    }
    assert "outputs" not in spawners["spawn-load"]
    steps = spawners["main"]["steps"]
    assert steps[1][0]["arguments"]["parameters"][0] == {"name": "rows", "value": READ}


def test_the_json_path_has_the_braces_kubectl_needs():
    """Without braces kubectl prints the expression itself and succeeds (client-go
    util/jsonpath: text outside `{...}` is literal), so the output would be the path."""
    assert output_json_path("x") == '{.status.outputs.parameters[?(@.name=="x")].value}'
    assert re.fullmatch(r"\{[^{}]*\}", output_json_path("row-count"))


@pytest.mark.parametrize("value", ["42", *HOSTILE.values()], ids=["plain", *HOSTILE])
def test_an_output_reaches_the_later_child_exactly(value):
    """Argo resolves the reading step's arguments with the producer's outputs in scope
    (workflow/controller/steps.go, resolveReferences), then the spawn template quotes them."""
    printed = yaml.safe_load_all(dump_documents(pipeline_manifests(handing_on())))
    (cron,) = [d for d in printed if d["kind"] == "CronWorkflow"]
    child = argo.run_child(
        cron, "load", outputs={"steps.extract.outputs.parameters.row-count": value}
    )
    arguments = {p["name"]: p["value"] for p in child["spec"]["arguments"]["parameters"]}
    assert arguments == {"rows": value, "note": f"{value} rows"}


def test_the_producer_exports_each_output_under_its_own_name():
    documents = {d["metadata"].get("name"): d for d in pipeline_manifests(handing_on())}
    (main,) = documents["extract"]["spec"]["templates"]
    assert [(p["name"], p["globalName"]) for p in main["outputs"]["parameters"]] == [
        ("row-count", "row-count"),
        ("unread", "unread"),
    ]
