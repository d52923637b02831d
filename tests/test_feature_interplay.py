"""Features that meet: locks on cross-namespace children, and locks for the Argo v3.5 target."""

from __future__ import annotations

import re

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, pipeline_manifests
from tests.conftest import SHARED_ARGO, SHARED_MISSING, minimal_spec

LOCKED = {
    "name": "a",
    "workflowTemplate": "t",
    "namespace": "other",
    "synchronization": {
        "semaphores": [{"configMap": "limits", "key": "warehouse", "limit": 2}],
        "mutexes": ["publisher"],
    },
}


def child_spec(documents):
    cron = documents[-1]
    spawn = cron["spec"]["workflowSpec"]["templates"][1]
    manifest = re.sub(r"\{\{.*?\}\}", "placeholder", spawn["resource"]["manifest"])
    return yaml.safe_load(manifest)["spec"]


def test_semaphore_config_map_lives_in_the_child_namespace():
    documents = pipeline_manifests(minimal_spec(stages=[[LOCKED]]))
    (config_map,) = [d for d in documents if d["kind"] == "ConfigMap"]
    assert config_map["metadata"]["namespace"] == "other"
    assert config_map["data"] == {"warehouse": "2"}


def test_v4_child_holds_plural_locks():
    spec = child_spec(pipeline_manifests(minimal_spec(stages=[[LOCKED]])))
    assert spec["synchronization"] == {
        "semaphores": [{"configMapKeyRef": {"name": "limits", "key": "warehouse"}}],
        "mutexes": [{"name": "publisher"}],
    }


def test_v3_5_child_manifest_spells_locks_in_the_singular():
    documents = pipeline_manifests(minimal_spec(argoVersion="3.5", stages=[[LOCKED]]))
    assert child_spec(documents)["synchronization"] == {
        "semaphore": {"configMapKeyRef": {"name": "limits", "key": "warehouse"}},
        "mutex": {"name": "publisher"},
    }
    if not (SHARED_ARGO / "v3.5" / "schema.json").is_file():
        pytest.skip(SHARED_MISSING)
    from pulumi_argo_orchestration.views.conformance import ArgoSchemas

    schemas = ArgoSchemas.load(SHARED_ARGO / "v3.5")
    assert [p for d in documents for p in schemas.problems(d)] == []


def test_v3_5_rejects_more_than_one_lock_of_a_kind():
    two = {**LOCKED, "synchronization": {"mutexes": ["one", "two"]}}
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(minimal_spec(argoVersion="3.5", stages=[[two]]))
    assert any(p.path.startswith("stages[0][0].synchronization") for p in caught.value.problems)


def test_cross_namespace_spawning_rights_go_to_the_executor_account_when_named():
    documents = pipeline_manifests(
        minimal_spec(
            automountServiceAccountToken=False,
            executorServiceAccountName="nightly-runner",
            stages=[[{"name": "a", "workflowTemplate": "t", "namespace": "other"}]],
        )
    )
    (binding,) = [
        d for d in documents if d["kind"] == "RoleBinding" and d["metadata"]["namespace"] == "other"
    ]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "nightly-runner", "namespace": "argo"}
    ]
    (role,) = [
        d for d in documents if d["kind"] == "Role" and d["metadata"]["namespace"] == "other"
    ]
    assert role["rules"] == [
        {"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["create", "get"]}
    ]
    assert [d["kind"] for d in documents] == sorted(
        (d["kind"] for d in documents),
        key=["ServiceAccount", "Secret", "Role", "RoleBinding", "CronWorkflow"].index,
    )
