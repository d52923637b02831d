"""Executor accounts shared by a pipeline's templates, cloud identities, created namespaces.

Every executor needs the same two rights, so templates that need no account of their own share
one (`<pipeline>-executor`); a template with its own annotations (a cloud identity), its own
account name or token settings keeps its own, so the identity reaches only its pods.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_argo_orchestration import SpecError, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.testing import run_pulumi
from tests.argo.test_rbac import EXECUTOR, ORCHESTRATOR, of_kind, rights
from tests.conftest import minimal_spec

IRSA = "eks.amazonaws.com/role-arn"
ROLE_ARN = "arn:aws:iam::123456789012:role/loader"


def spec(*templates: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    names = [t["name"] for t in templates]
    return minimal_spec(
        namespace="etl",
        stages=[[{"name": f"run-{n}", "workflowTemplate": n}] for n in names],
        templates=[{"image": "alpine:3.20", **t} for t in templates],
        **overrides,
    )


def problems(value: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(value)
    return [str(problem) for problem in caught.value.problems]


def test_templates_without_needs_of_their_own_share_one_account_role_and_binding():
    documents = pipeline_manifests(spec(*({"name": f"t{i}"} for i in range(5))))
    assert rights(documents) == {
        "nightly-orchestrator": ("etl", ORCHESTRATOR),
        "nightly-executor": ("etl", EXECUTOR),
    }
    assert len(of_kind(documents, "ServiceAccount")) == 2
    accounts = {
        t["spec"]["serviceAccountName"] for t in of_kind(documents, "WorkflowTemplate").values()
    }
    assert accounts == {"nightly-executor"}


def test_a_cloud_identity_gets_its_own_account_and_reaches_no_other_pod():
    documents = pipeline_manifests(
        spec({"name": "extract"}, {"name": "load", "serviceAccountAnnotations": {IRSA: ROLE_ARN}})
    )
    accounts = of_kind(documents, "ServiceAccount")
    assert accounts["load-executor"]["metadata"]["annotations"] == {IRSA: ROLE_ARN}
    assert "annotations" not in accounts["nightly-executor"]["metadata"]
    assert "annotations" not in accounts["nightly-orchestrator"]["metadata"]
    assert rights(documents)["load-executor"] == ("etl", EXECUTOR)
    templates = of_kind(documents, "WorkflowTemplate")
    assert templates["load"]["spec"]["serviceAccountName"] == "load-executor"
    assert templates["extract"]["spec"]["serviceAccountName"] == "nightly-executor"


def test_pipeline_annotations_go_on_the_orchestrators_account():
    gsa = {"iam.gke.io/gcp-service-account": "orchestrator@proj.iam.gserviceaccount.com"}
    documents = pipeline_manifests(spec({"name": "a"}, serviceAccountAnnotations=gsa))
    accounts = of_kind(documents, "ServiceAccount")
    assert accounts["nightly-orchestrator"]["metadata"]["annotations"] == gsa
    assert "annotations" not in accounts["nightly-executor"]["metadata"]


def test_with_an_executor_account_the_identity_stays_on_the_pods_own_account():
    documents = pipeline_manifests(
        spec(
            {
                "name": "load",
                "serviceAccountAnnotations": {IRSA: ROLE_ARN},
                "automountServiceAccountToken": False,
                "executorServiceAccountName": "load-argo",
            }
        )
    )
    accounts = of_kind(documents, "ServiceAccount")
    assert accounts["load-executor"]["metadata"]["annotations"] == {IRSA: ROLE_ARN}
    assert "annotations" not in accounts["load-argo"]["metadata"]


def test_a_shared_template_annotates_its_own_account():
    documents = shared_template_manifests(
        {"name": "scratch", "image": "alpine:3.20", "serviceAccountAnnotations": {IRSA: ROLE_ARN}}
    )
    (account,) = of_kind(documents, "ServiceAccount").values()
    assert account["metadata"]["name"] == "scratch-executor"
    assert account["metadata"]["annotations"] == {IRSA: ROLE_ARN}


def test_annotations_need_an_account_created_here():
    template = {
        "name": "a",
        "createServiceAccount": False,
        "serviceAccountAnnotations": {IRSA: ROLE_ARN},
    }
    value = spec(template, serviceAccountAnnotations={IRSA: ROLE_ARN}, createServiceAccount=False)
    reason = (
        "the account is not created here (`createServiceAccount: false`), so there is no "
        "ServiceAccount to annotate: annotate it where it is created, or create it here"
    )
    assert problems(value) == [
        f"serviceAccountAnnotations: {reason}",
        f"templates[0].serviceAccountAnnotations: {reason}",
    ]


def test_one_account_cannot_carry_two_identities():
    assert problems(
        spec(
            {"name": "a", "serviceAccountName": "shared", "serviceAccountAnnotations": {IRSA: "x"}},
            {"name": "b", "serviceAccountName": "shared", "serviceAccountAnnotations": {IRSA: "y"}},
        )
    ) == [
        "templates[0].serviceAccountAnnotations: ServiceAccount 'shared' is also the account of "
        "templates[1], with other annotations, and one account has one set: give this one its "
        "own account (`serviceAccountName`) or the same annotations"
    ]


def test_an_identity_cannot_land_on_the_account_other_templates_share():
    """A template named like the pipeline would own `<pipeline>-executor`, the shared account."""
    assert problems(
        spec({"name": "other"}, {"name": "nightly", "serviceAccountAnnotations": {IRSA: "x"}})
    ) == [
        "templates[1].serviceAccountAnnotations: ServiceAccount 'nightly-executor' is also the "
        "account of templates[0], with other annotations, and one account has one set: give "
        "this one its own account (`serviceAccountName`) or the same annotations"
    ]


def test_templates_never_share_the_orchestrators_rights_by_default():
    assert problems(spec({"name": "a"}, serviceAccountName="nightly-executor")) == [
        "serviceAccountName: 'nightly-executor' is the account the pipeline's templates share; "
        "the orchestrator's account may create Workflows, which their pods must not: choose "
        "another name"
    ]


def test_annotation_keys_follow_kubernetes_rules():
    assert problems(spec({"name": "a", "serviceAccountAnnotations": {"bad key": "v"}})) == [
        "templates[0].serviceAccountAnnotations: annotation 'bad key': the name must be 1-63 "
        "characters of a-z, A-Z, 0-9, '-', '_', '.', alphanumeric at both ends"
    ]


# -- createNamespace ------------------------------------------------------------------------------


def test_namespaces_exist_already_unless_the_pipeline_creates_them():
    value = spec({"name": "a"})
    value["stages"].append([{"name": "far", "workflowTemplate": "x", "namespace": "data"}])
    assert not of_kind(pipeline_manifests(value), "Namespace")
    documents = pipeline_manifests({**value, "createNamespace": True})
    assert [d["kind"] for d in documents[:2]] == ["Namespace", "Namespace"]
    namespaces = of_kind(documents, "Namespace")
    assert list(namespaces) == ["etl", "data"]
    assert namespaces["etl"] == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": "etl",
            "labels": {
                "app.kubernetes.io/part-of": "nightly",
                "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        },
    }


def test_every_object_waits_for_the_namespace_the_pipeline_creates_for_it():
    from pulumi_argo_orchestration import ScheduledPipeline

    value = spec({"name": "a"}, createNamespace=True)
    value["stages"].append([{"name": "far", "workflowTemplate": "x", "namespace": "data"}])
    run = run_pulumi(lambda: ScheduledPipeline("etl", value))
    created = {
        r.inputs["metadata"]["name"]: r.urn for r in run.of_type("kubernetes:core/v1:Namespace")
    }
    assert sorted(r.name for r in run.of_type("kubernetes:core/v1:Namespace")) == [
        "etl-namespace",
        "etl-namespace-data",
    ]
    for resource in run.kubernetes_resources():
        namespace = resource.inputs["metadata"].get("namespace")
        if namespace is not None:
            assert created[namespace] in resource.dependencies, resource.name
