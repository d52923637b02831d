"""Children in other namespaces: RBAC there, no owner reference, TTL cleanup, findable labels."""

from __future__ import annotations

import re

import pytest
import yaml

from pulumi_argo_orchestration import (
    ScheduledPipeline,
    SpecError,
    load_pipeline,
    pipeline_manifests,
    pipeline_warnings,
)
from pulumi_argo_orchestration.argo.apply_order import apply_rank as manifest_sort_key
from pulumi_argo_orchestration.argo.rbac import ORCHESTRATOR_RULES, SPAWN_RULES
from pulumi_argo_orchestration.spec.models import CROSS_NAMESPACE_TTL
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import minimal_spec

PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
# The run that spawned the child, as `child()` shows it: its name and uid are `{{...}}` tags.
OWNED_BY_RUN = [
    {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "name": "placeholder",
        "uid": "placeholder",
        "controller": True,
    }
]


def spec(**overrides):
    return minimal_spec(
        stages=[
            [{"name": "home", "workflowTemplate": "worker"}],
            [
                {"name": "load", "namespace": "warehouse", "workflowTemplate": "loader"},
                {"name": "load-more", "namespace": "warehouse", "workflowTemplate": "loader"},
                {"name": "report", "namespace": "analytics", "clusterWorkflowTemplate": "report"},
            ],
        ],
        **overrides,
    )


def by_kind(documents, kind):
    return [d for d in documents if d["kind"] == kind]


def spawners(documents):
    (cron,) = by_kind(documents, "CronWorkflow")
    return {t["name"]: t for t in cron["spec"]["workflowSpec"]["templates"] if "resource" in t}


def child(template):
    return yaml.safe_load(PLACEHOLDER.sub("placeholder", template["resource"]["manifest"]))


def test_orchestrator_gets_a_role_and_binding_in_each_child_namespace_and_nothing_broader():
    documents = pipeline_manifests(spec())
    placed = [(d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) for d in documents]
    foreign = [p for p in placed if p[1] != "argo"]
    assert foreign == [
        ("Role", "warehouse", "argo.nightly-orchestrator"),
        ("Role", "analytics", "argo.nightly-orchestrator"),
        ("RoleBinding", "warehouse", "argo.nightly-orchestrator"),
        ("RoleBinding", "analytics", "argo.nightly-orchestrator"),
    ]
    assert not [d for d in documents if d["kind"].startswith("Cluster")]
    for role in by_kind(documents, "Role"):
        if role["metadata"]["namespace"] != "argo":
            assert role["rules"] == [
                {
                    "apiGroups": ["argoproj.io"],
                    "resources": ["workflows"],
                    "verbs": ["create", "get"],
                }
            ]
        for rule in role["rules"]:
            assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"]


def test_foreign_binding_names_the_orchestrator_account_in_the_pipeline_namespace():
    documents = pipeline_manifests(spec(namespace="jobs", serviceAccountName="runner"))
    bindings = [
        b for b in by_kind(documents, "RoleBinding") if b["metadata"]["namespace"] != "jobs"
    ]
    assert len(bindings) == 2
    for binding in bindings:
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": "jobs.runner",
        }
        assert binding["subjects"] == [
            {"kind": "ServiceAccount", "name": "runner", "namespace": "jobs"}
        ]
    # Roles in the child namespaces carry the pipeline's labels, so one selector finds them all.
    assert all(b["metadata"]["labels"]["app.kubernetes.io/part-of"] == "nightly" for b in bindings)


def test_orchestrator_has_no_workflow_rights_at_home_when_no_child_runs_there():
    documents = pipeline_manifests(
        minimal_spec(stages=[[{"name": "far", "namespace": "elsewhere", "workflowTemplate": "t"}]])
    )
    home = {
        r["metadata"]["name"]: r["rules"]
        for r in by_kind(documents, "Role")
        if r["metadata"]["namespace"] == "argo"
    }
    assert home["nightly-orchestrator"] == [
        {
            "apiGroups": ["argoproj.io"],
            "resources": ["workflowtaskresults"],
            "verbs": ["create", "patch"],
        }
    ]
    with_home_child = pipeline_manifests(spec())
    (role,) = [
        r
        for r in by_kind(with_home_child, "Role")
        if r["metadata"]["name"] == "nightly-orchestrator"
    ]
    assert role["rules"] == [dict(rule) for rule in ORCHESTRATOR_RULES]
    # At home the children are owned by their run, which needs `delete` under
    # OwnerReferencesPermissionEnforcement; in other namespaces they are not, and it is not granted.
    assert ORCHESTRATOR_RULES[0]["verbs"] == ["create", "get", "delete"]
    assert list(SPAWN_RULES) == [
        {"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["create", "get"]}
    ]


def test_cross_namespace_child_is_not_owned_and_cleans_up_by_ttl():
    templates = spawners(pipeline_manifests(spec()))
    home = child(templates["spawn-home"])
    assert home["metadata"]["ownerReferences"] == OWNED_BY_RUN
    assert "ttlStrategy" not in home["spec"]

    for name, namespace in (("spawn-load", "warehouse"), ("spawn-report", "analytics")):
        resource = templates[name]["resource"]
        assert "setOwnerReference" not in resource
        assert resource["successCondition"] == "status.phase == Succeeded"
        workflow = child(templates[name])
        assert "ownerReferences" not in workflow["metadata"]
        assert workflow["metadata"]["namespace"] == namespace
        assert workflow["spec"]["ttlStrategy"] == {
            "secondsAfterCompletion": 604800,
            "secondsAfterSuccess": 86400,
        }
    assert CROSS_NAMESPACE_TTL == {"secondsAfterCompletion": 604800, "secondsAfterSuccess": 86400}


def test_cross_namespace_child_labels_find_it_from_the_pipeline_and_its_parent():
    workflow = child(spawners(pipeline_manifests(spec()))["spawn-load"])
    labels = workflow["metadata"]["labels"]
    assert labels["app.kubernetes.io/part-of"] == "nightly"
    assert labels["argo-orchestration/step"] == "load"
    assert labels["argo-orchestration/parent-namespace"] == "argo"
    raw = spawners(pipeline_manifests(spec()))["spawn-load"]["resource"]["manifest"]
    assert "argo-orchestration/parent: '{{workflow.name}}'" in raw
    home = child(spawners(pipeline_manifests(spec()))["spawn-home"])
    assert "argo-orchestration/parent-namespace" not in home["metadata"]["labels"]


def test_child_ttl_strategy_is_the_childs_own_when_set():
    custom = spec()
    custom["stages"][1][0]["ttlStrategy"] = {"secondsAfterFailure": 60, "secondsAfterSuccess": 0}
    custom["stages"][0][0]["ttlStrategy"] = {"secondsAfterCompletion": 3600}
    templates = spawners(pipeline_manifests(custom))
    assert child(templates["spawn-load"])["spec"]["ttlStrategy"] == {
        "secondsAfterSuccess": 0,
        "secondsAfterFailure": 60,
    }
    # A same-namespace child may set one too; it stays owned by its run.
    assert child(templates["spawn-home"])["spec"]["ttlStrategy"] == {"secondsAfterCompletion": 3600}
    assert child(templates["spawn-home"])["metadata"]["ownerReferences"] == OWNED_BY_RUN


def test_child_namespace_equal_to_the_pipelines_is_a_same_namespace_child():
    documents = pipeline_manifests(
        minimal_spec(stages=[[{"name": "a", "namespace": "argo", "workflowTemplate": "t"}]])
    )
    assert {d["metadata"]["namespace"] for d in documents} == {"argo"}
    assert child(spawners(documents)["spawn-a"])["metadata"]["ownerReferences"] == OWNED_BY_RUN


def problems(spec_):
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec_)
    return {p.path: p.message for p in caught.value.problems}


def test_cross_namespace_child_cannot_use_a_template_created_in_the_pipeline_namespace():
    found = problems(
        minimal_spec(
            stages=[[{"name": "far", "namespace": "etl", "workflowTemplate": "worker"}]],
            templates=[{"name": "worker", "image": "alpine"}],
        )
    )
    message = found["stages[0][0].namespace"]
    assert "'far' runs in namespace 'etl'" in message
    assert "WorkflowTemplate 'worker' is created in 'argo'" in message


def test_invalid_namespace_and_ttl_fields_are_reported_with_paths():
    found = problems(
        minimal_spec(
            stages=[
                [
                    {"name": "a", "namespace": "Bad_NS", "workflowTemplate": "t"},
                    {
                        "name": "c",
                        "workflowTemplate": "t",
                        "ttlStrategy": {"secondsAfterSuccess": -1, "secondsAfter": 1},
                    },
                ]
            ]
        )
    )
    assert set(found) == {
        "stages[0][0].namespace",
        "stages[0][1].ttlStrategy.secondsAfterSuccess",
        "stages[0][1].ttlStrategy.secondsAfter",
    }
    assert "DNS-1123" in found["stages[0][0].namespace"]


def test_empty_ttl_strategy_would_never_delete_the_child():
    found = problems(
        minimal_spec(
            stages=[[{"name": "b", "namespace": "ok", "workflowTemplate": "t", "ttlStrategy": {}}]]
        )
    )
    assert set(found) == {"stages[0][0].ttlStrategy"}
    assert "at least one of `secondsAfterCompletion`" in found["stages[0][0].ttlStrategy"]


def test_parent_namespace_label_is_reserved():
    found = problems(minimal_spec(labels={"argo-orchestration/parent-namespace": "x"}))
    assert "set by pulumi-argo-orchestration" in found["labels"]


def test_warnings_name_each_child_namespace_and_the_cleanup():
    warnings = [
        w for w in pipeline_warnings(load_pipeline(spec())) if "controller must watch it" in w
    ]
    (warehouse,) = [w for w in warnings if "'warehouse'" in w]
    assert "(load, load-more)" in warehouse
    assert "ttlStrategy" in warehouse
    assert any("'analytics' (report)" in w for w in warnings)
    assert not any("'argo'" in w for w in warnings)


def test_warning_when_a_cross_namespace_ttl_never_deletes_some_children():
    custom = spec()
    custom["stages"][1][0]["ttlStrategy"] = {"secondsAfterSuccess": 60}
    custom["stages"][1][1]["ttlStrategy"] = {"secondsAfterSuccess": 60, "secondsAfterFailure": 60}
    custom["stages"][1][2]["ttlStrategy"] = {"secondsAfterCompletion": 60}
    warnings = pipeline_warnings(load_pipeline(custom))
    never = {w.split(": ")[1]: w for w in warnings if "never deleted" in w}
    assert set(never) == {"stages[1][0] (load)", "stages[1][1] (load-more)"}
    assert "ends Failed or Error" in never["stages[1][0] (load)"]
    assert "ends Error" in never["stages[1][1] (load-more)"]


def test_cross_namespace_documents_conform_to_argo_v4(argo_schemas):
    documents = pipeline_manifests(spec())
    assert [p for d in documents for p in argo_schemas.problems(d)] == []


def test_cross_namespace_documents_conform_to_argo_v3_5(argo_v35_schemas):
    documents = pipeline_manifests(spec(argoVersion="3.5"))
    assert [p for d in documents for p in argo_v35_schemas.problems(d)] == []


def test_pulumi_registers_foreign_rbac_under_names_that_include_the_namespace():
    """The spawner Role in a child's namespace is `<component>-<namespace>-spawner`: its object
    name holds the pipeline's namespace, which may be an Output (tests/components/test_outputs.py
    checks the alias to the former `<component>-<namespace>-<object name>`)."""
    run = run_pulumi(lambda: ScheduledPipeline("etl", spec()))
    roles = sorted(r.name for r in run.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role"))
    assert roles == ["etl-analytics-spawner", "etl-nightly-orchestrator", "etl-warehouse-spawner"]
    expected = sorted(pipeline_manifests(spec()), key=manifest_sort_key)
    assert run.manifests() == expected


def test_render_prints_the_cross_namespace_warnings_on_stderr_only():
    from pulumi_argo_orchestration.spec.loading import load_spec_file
    from tests.conftest import EXAMPLES
    from tests.support.cli_runner import invoke

    path = EXAMPLES / "cross-namespace" / "pipeline.yaml"
    result = invoke("render", str(path))
    assert result.exit_code == 0, result.stderr
    assert "warning: warehouse-refresh: children in namespace 'warehouse'" in result.stderr
    assert "warning: warehouse-refresh: children in namespace 'analytics'" in result.stderr
    assert list(yaml.safe_load_all(result.stdout)) == pipeline_manifests(load_spec_file(path))


def test_spawner_role_names_stay_within_253_characters_and_distinct():
    from pulumi_argo_orchestration.spec.names import spawner_role_name

    assert spawner_role_name("argo", "runner") == "argo.runner"
    long_a, long_b = "a" * 252 + "x", "a" * 252 + "y"
    name_a, name_b = spawner_role_name("n" * 63, long_a), spawner_role_name("n" * 63, long_b)
    assert len(name_a) == len(name_b) == 253
    assert name_a != name_b
    assert name_a.startswith("n" * 63 + ".")
