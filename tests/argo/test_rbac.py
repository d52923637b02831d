"""Least privilege: the exact rights of every account we create, and where tokens are mounted.

The orchestrator's resource steps create child Workflows and read them back for their success
and failure conditions; Argo's executor writes `workflowtaskresults` in every workflow pod
(Argo v3.4+). Nothing else is granted: no `*`, no ClusterRole, nothing on WorkflowTemplates
(the controller resolves `workflowTemplateRef` with its own rights).
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_argo_orchestration import SharedWorkflowTemplate, SpecError, pipeline_manifests
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import ROOT, minimal_spec

CREATE_GET_WORKFLOWS = {
    "apiGroups": ["argoproj.io"],
    "resources": ["workflows"],
    "verbs": ["create", "get"],
}
WRITE_TASK_RESULTS = {
    "apiGroups": ["argoproj.io"],
    "resources": ["workflowtaskresults"],
    "verbs": ["create", "patch"],
}
# At home the run owns its children; setting an ownerReference needs `delete` under
# OwnerReferencesPermissionEnforcement (OpenShift).
SPAWN_OWNED_WORKFLOWS = {
    "apiGroups": ["argoproj.io"],
    "resources": ["workflows"],
    "verbs": ["create", "get", "delete"],
}
ORCHESTRATOR = [SPAWN_OWNED_WORKFLOWS, WRITE_TASK_RESULTS]
EXECUTOR = [WRITE_TASK_RESULTS]


def spec_with_templates(**overrides: Any) -> dict[str, Any]:
    return minimal_spec(
        namespace="etl",
        stages=[
            [{"name": "a", "workflowTemplate": "extract"}],
            [{"name": "b", "workflowTemplate": "load"}],
        ],
        templates=[
            {"name": "extract", "image": "alpine:3.20"},
            {"name": "load", "image": "alpine:3.20", "serviceAccountName": "loader"},
        ],
        **overrides,
    )


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def rights(documents: list[dict[str, Any]]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Account -> (namespace, rules), following each RoleBinding to its Role."""
    roles = of_kind(documents, "Role")
    granted = {}
    for binding in of_kind(documents, "RoleBinding").values():
        role = roles[binding["roleRef"]["name"]]
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": role["metadata"]["name"],
        }
        (subject,) = binding["subjects"]
        assert subject["kind"] == "ServiceAccount"
        assert subject["namespace"] == binding["metadata"]["namespace"]
        assert role["metadata"]["namespace"] == binding["metadata"]["namespace"]
        granted[subject["name"]] = (role["metadata"]["namespace"], role["rules"])
    return granted


def test_each_role_has_exactly_the_rights_its_pods_use():
    documents = pipeline_manifests(spec_with_templates())
    assert rights(documents) == {
        "nightly-orchestrator": ("etl", ORCHESTRATOR),
        "nightly-executor": ("etl", EXECUTOR),
        "loader": ("etl", EXECUTOR),
    }
    assert set(of_kind(documents, "ServiceAccount")) == {
        "nightly-orchestrator",
        "nightly-executor",
        "loader",
    }
    (cron,) = of_kind(documents, "CronWorkflow").values()
    assert cron["spec"]["workflowSpec"]["serviceAccountName"] == "nightly-orchestrator"
    templates = of_kind(documents, "WorkflowTemplate")
    assert templates["extract"]["spec"]["serviceAccountName"] == "nightly-executor"
    assert templates["load"]["spec"]["serviceAccountName"] == "loader"


def test_nothing_is_cluster_wide_or_wildcarded():
    documents = pipeline_manifests(spec_with_templates(executorServiceAccountName="runner"))
    kinds = {d["kind"] for d in documents}
    assert not kinds & {"ClusterRole", "ClusterRoleBinding"}
    for role in of_kind(documents, "Role").values():
        for rule in role["rules"]:
            assert set(rule) == {"apiGroups", "resources", "verbs"}  # no resourceNames, no URLs
            for field in rule.values():
                assert "*" not in field and all("*" not in item for item in field)
            assert set(rule["verbs"]) <= {"create", "get", "patch", "delete"}
            assert rule["resources"] in (["workflows"], ["workflowtaskresults"])
            # `delete` only where children are owned by their run (OwnerReferencesPermission-
            # Enforcement), never on what Argo's executor writes.
            if "delete" in rule["verbs"]:
                assert rule["resources"] == ["workflows"]


def test_an_account_shared_by_the_orchestrator_and_a_template_gets_the_union_once():
    spec = spec_with_templates(serviceAccountName="loader")
    documents = pipeline_manifests(spec)
    assert rights(documents) == {
        "loader": ("etl", ORCHESTRATOR),
        "nightly-executor": ("etl", EXECUTOR),
    }
    assert list(of_kind(documents, "ServiceAccount")) == ["loader", "nightly-executor"]


def test_existing_accounts_are_not_created_but_still_get_their_role():
    documents = pipeline_manifests(spec_with_templates(createServiceAccount=False))
    assert set(of_kind(documents, "ServiceAccount")) == {"nightly-executor", "loader"}
    assert rights(documents)["nightly-orchestrator"] == ("etl", ORCHESTRATOR)


def test_without_their_token_the_pods_accounts_get_no_rights():
    """With an executor account, Argo mounts its token into Argo's own containers only
    (workflowpod.go setupServiceAccount, newExecContainer): the rights move there."""
    spec = spec_with_templates(
        automountServiceAccountToken=False, executorServiceAccountName="nightly-runner"
    )
    spec["templates"][0].update(
        automountServiceAccountToken=False, executorServiceAccountName="extract-runner"
    )
    documents = pipeline_manifests(spec)
    assert rights(documents) == {
        "nightly-runner": ("etl", ORCHESTRATOR),
        "extract-runner": ("etl", EXECUTOR),
        "loader": ("etl", EXECUTOR),
    }
    assert set(of_kind(documents, "ServiceAccount")) == {
        "nightly-orchestrator",
        "nightly-runner",
        "extract-executor",
        "extract-runner",
        "loader",
    }
    secrets = of_kind(documents, "Secret")
    assert secrets == {
        f"{account}.service-account-token": {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": f"{account}.service-account-token",
                "namespace": "etl",
                "labels": {
                    "app.kubernetes.io/part-of": "nightly",
                    "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
                },
                "annotations": {"kubernetes.io/service-account.name": account},
            },
            "type": "kubernetes.io/service-account-token",
        }
        for account in ("nightly-runner", "extract-runner")
    }
    (cron,) = of_kind(documents, "CronWorkflow").values()
    workflow_spec = cron["spec"]["workflowSpec"]
    assert workflow_spec["serviceAccountName"] == "nightly-orchestrator"
    assert workflow_spec["automountServiceAccountToken"] is False
    assert workflow_spec["executor"] == {"serviceAccountName": "nightly-runner"}
    extract = of_kind(documents, "WorkflowTemplate")["extract"]["spec"]
    assert extract["automountServiceAccountToken"] is False
    assert extract["executor"] == {"serviceAccountName": "extract-runner"}
    load = of_kind(documents, "WorkflowTemplate")["load"]["spec"]
    assert "automountServiceAccountToken" not in load and "executor" not in load


def test_token_secrets_come_after_their_accounts():
    """Kubernetes removes a token Secret whose ServiceAccount does not exist."""
    spec = spec_with_templates(
        automountServiceAccountToken=False, executorServiceAccountName="nightly-runner"
    )
    kinds = [d["kind"] for d in pipeline_manifests(spec)]
    assert kinds.index("Secret") > max(
        i for i, kind in enumerate(kinds) if kind == "ServiceAccount"
    )

    from pulumi_argo_orchestration import ScheduledPipeline

    run = run_pulumi(lambda: ScheduledPipeline("etl", spec))
    (secret,) = run.of_type("kubernetes:core/v1:Secret")
    (account,) = [
        r
        for r in run.of_type("kubernetes:core/v1:ServiceAccount")
        if r.name == "etl-nightly-runner"
    ]
    assert account.urn in secret.dependencies
    assert secret.inputs["type"] == "kubernetes.io/service-account-token"


def test_shared_template_accounts_follow_the_same_rules():
    documents = shared_template_manifests(
        {
            "name": "scratch-cleanup",
            "namespace": "data",
            "image": "alpine:3.20",
            "automountServiceAccountToken": False,
            "executorServiceAccountName": "cleanup-runner",
        }
    )
    assert rights(documents) == {"cleanup-runner": ("data", EXECUTOR)}
    assert [d["kind"] for d in documents] == [
        "ServiceAccount",
        "ServiceAccount",
        "Secret",
        "Role",
        "RoleBinding",
        "WorkflowTemplate",
    ]
    run = run_pulumi(
        lambda: SharedWorkflowTemplate(
            "cleanup", {"name": "scratch-cleanup", "namespace": "data", "image": "alpine:3.20"}
        )
    )
    assert not run.of_type("kubernetes:core/v1:Secret")


@pytest.mark.parametrize("automount", [True, None])
def test_executor_account_alone_also_takes_the_rights(automount):
    """The executor token is mounted whenever executor.serviceAccountName is set."""
    spec = spec_with_templates(executorServiceAccountName="nightly-runner")
    if automount is not None:
        spec["automountServiceAccountToken"] = automount
    documents = pipeline_manifests(spec)
    assert rights(documents)["nightly-runner"] == ("etl", ORCHESTRATOR)
    assert "nightly-orchestrator" not in rights(documents)
    (cron,) = of_kind(documents, "CronWorkflow").values()
    assert cron["spec"]["workflowSpec"].get("automountServiceAccountToken") is automount


def test_the_documented_rbac_table_is_the_rbac_we_emit():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    rows = {
        cells[1].strip(): cells[3]
        for cells in (line.split("|") for line in text.splitlines() if line.startswith("| `"))
    }
    described = {
        "orchestrator": rows["`<pipeline>-orchestrator` (`serviceAccountName`)"],
        "shared executor": rows["`<pipeline>-executor`"],
        "executor": rows["`<template>-executor` (or the template's `serviceAccountName`)"],
    }
    for role, rules in (
        ("orchestrator", ORCHESTRATOR),
        ("shared executor", EXECUTOR),
        ("executor", EXECUTOR),
    ):
        written = [part.strip() for part in described[role].split("·")]
        assert written == [
            f"`{rule['resources'][0]}`: " + ", ".join(f"`{verb}`" for verb in rule["verbs"])
            for rule in rules
        ]


@pytest.mark.parametrize("where", ["", "templates[0]."])
def test_an_executor_account_too_long_for_its_token_secret_is_refused(where):
    """Its token Secret is `<account>.service-account-token`, an object name of at most 253."""
    longest = "e" * 231
    spec = spec_with_templates()
    target = spec["templates"][0] if where else spec
    target["executorServiceAccountName"] = longest
    secrets = of_kind(pipeline_manifests(spec), "Secret")
    assert f"{longest}.service-account-token" in secrets
    assert max(len(name) for name in secrets) == 253
    target["executorServiceAccountName"] = longest + "e"
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(spec)
    assert [str(p) for p in caught.value.problems] == [
        f"{where}executorServiceAccountName: 232 characters, at most 231 allowed: Argo reads the "
        "account's token from the Secret `<name>.service-account-token`, whose name must fit in "
        "253 characters"
    ]
