"""The manifests themselves: kinds, order, RBAC, CronWorkflow fields, the child Workflow."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import yaml

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.spec.names import child_generate_name
from tests.conftest import EXAMPLES, ROOT, minimal_spec

PLACEHOLDER = re.compile(r"\{\{.*?\}\}")


def seed():
    return pipeline_manifests(load_spec_file(EXAMPLES / "scheduled-sync" / "pipeline.yaml"))


def by_kind(documents, kind):
    return [d for d in documents if d["kind"] == kind]


def child_manifest(spawn_template):
    """Parse a resource manifest the way Argo's validation does: tags become placeholders."""
    return yaml.safe_load(PLACEHOLDER.sub("placeholder", spawn_template["resource"]["manifest"]))


def test_seed_emits_accounts_rbac_templates_then_the_cron_workflow():
    kinds = [(d["kind"], d["metadata"]["name"]) for d in seed()]
    assert kinds == [
        ("ServiceAccount", "orchestrator-sa"),
        ("ServiceAccount", "scheduled-sync-executor"),
        ("Role", "orchestrator-sa"),
        ("Role", "scheduled-sync-executor"),
        ("RoleBinding", "orchestrator-sa"),
        ("RoleBinding", "scheduled-sync-executor"),
        ("WorkflowTemplate", "config-sync"),
        ("WorkflowTemplate", "cache-rebuild"),
        ("CronWorkflow", "scheduled-sync"),
    ]
    assert {d["metadata"]["namespace"] for d in seed()} == {"argo-workflows"}


def test_cron_workflow_is_argo_v4_with_every_field_written_out():
    (cron,) = by_kind(seed(), "CronWorkflow")
    spec = cron["spec"]
    assert "schedule" not in spec
    assert spec["schedules"] == ["0 */4 * * *"]
    assert spec["timezone"] == "Europe/Zurich"
    assert spec["concurrencyPolicy"] == "Replace"
    assert spec["startingDeadlineSeconds"] == 60
    assert spec["successfulJobsHistoryLimit"] == 3
    assert spec["failedJobsHistoryLimit"] == 1
    assert spec["suspend"] is False
    workflow = spec["workflowSpec"]
    assert workflow["serviceAccountName"] == "orchestrator-sa"
    main = workflow["templates"][0]
    assert main["name"] == workflow["entrypoint"]
    assert [[step["name"] for step in group] for group in main["steps"]] == [
        ["sync-config"],
        ["rebuild-cache"],
    ]


def test_each_child_is_spawned_by_a_waiting_owned_resource_template():
    (cron,) = by_kind(seed(), "CronWorkflow")
    templates = {t["name"]: t for t in cron["spec"]["workflowSpec"]["templates"]}
    spawn = templates["spawn-sync-config"]["resource"]
    assert spawn["action"] == "create"
    assert "setOwnerReference" not in spawn  # the manifest carries the owner reference itself
    assert spawn["successCondition"] == "status.phase == Succeeded"
    assert spawn["failureCondition"] == "status.phase in (Failed, Error)"
    child = child_manifest(templates["spawn-sync-config"])
    assert child["kind"] == "Workflow"
    assert child["apiVersion"] == "argoproj.io/v1alpha1"
    assert child["metadata"]["generateName"] == "scheduled-sync-sync-config-"
    assert child["metadata"]["namespace"] == "argo-workflows"
    assert child["spec"] == {"workflowTemplateRef": {"name": "config-sync"}}
    manifest = spawn["manifest"]
    # The run owns its child (same namespace), written as text: no re-marshal by Argo.
    assert (
        "  ownerReferences:\n"
        "  - apiVersion: argoproj.io/v1alpha1\n"
        "    kind: Workflow\n"
        "    name: '{{workflow.name}}'\n"
        "    uid: '{{workflow.uid}}'\n"
        "    controller: true\n"
    ) in manifest
    assert "blockOwnerDeletion" not in manifest


def test_labels_find_every_run_and_every_child():
    documents = pipeline_manifests(minimal_spec(labels={"team": "platform"}))
    for document in documents:
        labels = document["metadata"]["labels"]
        assert labels["app.kubernetes.io/part-of"] == "nightly"
        assert labels["app.kubernetes.io/managed-by"] == "pulumi-argo-orchestration"
        assert labels["team"] == "platform"
    (cron,) = by_kind(documents, "CronWorkflow")
    assert cron["spec"]["workflowMetadata"]["labels"] == {
        "app.kubernetes.io/part-of": "nightly",
        "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
        "team": "platform",
    }
    spawn = cron["spec"]["workflowSpec"]["templates"][1]
    manifest = spawn["resource"]["manifest"]
    assert "argo-orchestration/parent: '{{workflow.name}}'" in manifest
    child = child_manifest(spawn)
    assert child["metadata"]["labels"]["argo-orchestration/step"] == "work"
    assert child["metadata"]["labels"]["app.kubernetes.io/part-of"] == "nightly"
    assert child["metadata"]["labels"]["team"] == "platform"


def test_rbac_is_exactly_what_the_orchestrator_and_executors_need():
    documents = seed()
    roles = {r["metadata"]["name"]: r["rules"] for r in by_kind(documents, "Role")}
    assert roles["orchestrator-sa"] == [
        {
            "apiGroups": ["argoproj.io"],
            "resources": ["workflows"],
            "verbs": ["create", "get", "delete"],
        },
        {
            "apiGroups": ["argoproj.io"],
            "resources": ["workflowtaskresults"],
            "verbs": ["create", "patch"],
        },
    ]
    # Both templates share one executor account: the same two rights, granted once.
    assert roles["scheduled-sync-executor"] == [
        {
            "apiGroups": ["argoproj.io"],
            "resources": ["workflowtaskresults"],
            "verbs": ["create", "patch"],
        }
    ]
    templates = by_kind(documents, "WorkflowTemplate")
    assert {t["spec"]["serviceAccountName"] for t in templates} == {"scheduled-sync-executor"}
    for binding in by_kind(documents, "RoleBinding"):
        name = binding["metadata"]["name"]
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": name,
        }
        assert binding["subjects"] == [
            {"kind": "ServiceAccount", "name": name, "namespace": "argo-workflows"}
        ]
    assert not by_kind(documents, "ClusterRole")


def test_existing_accounts_still_get_their_role_and_binding():
    documents = pipeline_manifests(
        minimal_spec(
            serviceAccountName="shared-sa",
            createServiceAccount=False,
            templates=[
                {"name": "worker", "image": "alpine", "createServiceAccount": False},
            ],
        )
    )
    assert by_kind(documents, "ServiceAccount") == []
    assert [r["metadata"]["name"] for r in by_kind(documents, "Role")] == [
        "shared-sa",
        "worker-executor",
    ]
    assert [b["subjects"][0]["name"] for b in by_kind(documents, "RoleBinding")] == [
        "shared-sa",
        "worker-executor",
    ]


def test_arguments_reach_the_child_through_input_parameters_and_to_json():
    documents = pipeline_manifests(load_spec_file(EXAMPLES / "daily-report" / "pipeline.yaml"))
    (cron,) = by_kind(documents, "CronWorkflow")
    workflow = cron["spec"]["workflowSpec"]
    assert workflow["arguments"] == {
        "parameters": [{"name": "run-date", "value": "{{workflow.creationTimestamp}}"}]
    }
    step = workflow["templates"][0]["steps"][0][0]
    assert step["arguments"] == {
        "parameters": [{"name": "report-date", "value": "{{workflow.parameters.run-date}}"}]
    }
    spawn = workflow["templates"][1]
    assert spawn["inputs"] == {"parameters": [{"name": "report-date"}]}
    manifest = spawn["resource"]["manifest"]
    assert "value: {{=sprig.quote(inputs.parameters['report-date'])}}\n" in manifest
    assert "run-date" not in manifest
    child = child_manifest(spawn)
    assert child["spec"]["arguments"] == {
        "parameters": [{"name": "report-date", "value": "placeholder"}]
    }


def test_cluster_templates_set_cluster_scope():
    documents = pipeline_manifests(
        minimal_spec(stages=[[{"name": "clean", "clusterWorkflowTemplate": "cleanup"}]])
    )
    (cron,) = by_kind(documents, "CronWorkflow")
    child = child_manifest(cron["spec"]["workflowSpec"]["templates"][1])
    assert child["spec"]["workflowTemplateRef"] == {"name": "cleanup", "clusterScope": True}


def test_generate_name_stays_within_argo_workflow_name_limit():
    pipeline = "p" * 52
    step = "s" * 63
    prefix = child_generate_name(pipeline, step)
    assert prefix.endswith("-")
    assert len(prefix) + 5 <= 63
    assert prefix != child_generate_name(pipeline, "s" * 62 + "t")
    assert child_generate_name("short", "step") == "short-step-"


def test_workflow_template_carries_container_parameters_and_retries():
    documents = pipeline_manifests(load_spec_file(EXAMPLES / "retry-backoff" / "pipeline.yaml"))
    templates = {t["metadata"]["name"]: t for t in by_kind(documents, "WorkflowTemplate")}
    extract = templates["extract"]["spec"]
    assert extract["serviceAccountName"] == "nightly-etl-executor"
    assert extract["arguments"] == {"parameters": [{"name": "source"}]}
    main = extract["templates"][0]
    assert main["retryStrategy"] == {
        "limit": 4,
        "retryPolicy": "OnTransientError",
        "backoff": {"duration": "30s", "factor": 2, "maxDuration": "10m"},
    }
    assert main["activeDeadlineSeconds"] == 3600
    assert main["container"]["env"] == [
        {
            "name": "WAREHOUSE_TOKEN",
            "valueFrom": {"secretKeyRef": {"name": "warehouse", "key": "token"}},
        },
        {"name": "LOG_LEVEL", "value": "info"},
    ]
    load = templates["load"]["spec"]
    assert load["serviceAccountName"] == "etl-loader"
    assert load["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert load["tolerations"] == [
        {"key": "dedicated", "operator": "Equal", "value": "etl", "effect": "NoSchedule"}
    ]
    assert load["imagePullSecrets"] == [{"name": "registry-credentials"}]


RENDER_EVERY_EXAMPLE = """
import sys
from pulumi_argo_orchestration import dump_documents, pipeline_manifests
from pulumi_argo_orchestration.spec.loading import load_spec_file
for path in sys.argv[1:]:
    sys.stdout.write(dump_documents(pipeline_manifests(load_spec_file(path))))
"""


def test_output_is_the_same_whatever_the_hash_seed():
    """Two processes, two string-hash seeds: a set or dict ordered by hash anywhere between the
    spec and the text would show here, not in two renders within one process."""
    specs = [str(path) for path in sorted(EXAMPLES.glob("*/pipeline.yaml"))]
    outputs = []
    for seed_value in ("0", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", RENDER_EVERY_EXAMPLE, *specs],
            capture_output=True, text=True, check=False, cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed_value, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n---\n") + 1 == sum(
        len(pipeline_manifests(load_spec_file(spec))) for spec in specs
    )
