"""Features that meet: locks on cross-namespace children, and locks for the Argo v3.5 target."""

from __future__ import annotations

import re

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, pipeline_manifests
from tests.conftest import SHARED_ARGO_V35, minimal_spec, require_shared

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
    from pulumi_argo_orchestration.views.conformance import ArgoSchemas

    schemas = ArgoSchemas.load(require_shared(SHARED_ARGO_V35))
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


# --- a real job's templates: every field of the template model at once ---------------------------

JOB_FIELDS = {
    "pipeline": {"podMetadata", "podGC"},
    "template": {
        "source",
        "workingDir",
        "imagePullPolicy",
        "envFrom",
        "volumes",
        "volumeMounts",
        "sidecars",
        "initContainers",
        "outputs",
        "podMetadata",
        "affinity",
        "priorityClassName",
        "argo",
    },
    "retryStrategy": {"expression", "affinity", "backoff"},
    "security": {"runAsUser", "fsGroup"},
}


def _data_platform() -> dict:
    from tests.conftest import EXAMPLES

    return yaml.safe_load((EXAMPLES / "data-platform" / "pipeline.yaml").read_text())


def test_the_data_platform_example_uses_every_job_field():
    spec = _data_platform()
    templates = spec["templates"]
    assert JOB_FIELDS["pipeline"] <= set(spec)
    assert JOB_FIELDS["template"] <= {key for t in templates for key in t}
    assert JOB_FIELDS["retryStrategy"] <= {k for t in templates for k in t.get("retryStrategy", {})}
    assert JOB_FIELDS["security"] <= {k for t in templates for k in t.get("security", {})}
    assert any("cap" in t.get("retryStrategy", {}).get("backoff", {}) for t in templates)
    readers = [c for stage in spec["stages"] for c in stage if "outputs.parameters" in str(c)]
    assert readers  # an output handed to a later child


def test_every_job_field_renders_conforming_restricted_documents(schemas_for):
    """The spec with every new field: Argo's schema and CRDs (strict), each child manifest, and
    the restricted Pod Security Standard over every pod (tests/support/safety_checks.py)."""
    from tests.support.safety_checks import check_pipeline

    documents = check_pipeline(_data_platform(), "job fields", schemas_for)
    assert {d["kind"] for d in documents} >= {"WorkflowTemplate", "CronWorkflow"}


def test_every_job_field_but_backoff_cap_also_runs_on_argo_v3_5():
    spec = _data_platform()
    spec["argoVersion"] = "3.5"
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(spec)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "templates[0].retryStrategy.backoff.cap",
            "`cap` needs Argo v3.7 or later and `argoVersion` is '3.5'",
        )
    ]
    del spec["templates"][0]["retryStrategy"]["backoff"]["cap"]
    documents = pipeline_manifests(spec)
    from pulumi_argo_orchestration.views.conformance import ArgoSchemas

    schemas = ArgoSchemas.load(require_shared(SHARED_ARGO_V35))
    assert [p for d in documents for p in schemas.problems(d)] == []


def test_a_misspelled_and_a_privileged_further_field_are_refused_with_their_paths():
    spec = _data_platform()
    spec["templates"][1]["argo"] = {
        "container": {
            "terminationMessagePolicy": "FallbackToLogsOnError",
            "terminationMesagePath": "/dev/termination-log",
            "securityContext": {"privileged": True},
        }
    }
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(spec)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "templates[1].argo.container.securityContext.privileged",
            "privileged containers are refused: they lift every protection of the restricted "
            "Pod Security Standard, and no `security:` exception allows them",
        ),
        (
            "templates[1].argo.container.terminationMesagePath",
            "unknown field (did you mean 'terminationMessagePath'?)",
        ),
    ]
