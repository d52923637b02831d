"""Optional and conditional children, exit notification, concurrency limits and child timeouts:
validation, rendering, Argo conformance and the Pulumi component."""

from __future__ import annotations

import ast
import inspect
import itertools
import json
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
from pulumi_argo_orchestration.components import args as pipeline_args
from pulumi_argo_orchestration.spec import models as model
from pulumi_argo_orchestration.spec.pipeline import Pipeline
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import EXAMPLE_SPECS, minimal_spec
from tests.support.argo_substitution import go_quote
from tests.support.cli_runner import invoke
from tests.support.field_docs import pulumi_docs

EXPRESSION = re.compile(r"\{\{=sprig\.quote\(inputs\.parameters\['([-a-zA-Z0-9_]+)'\]\)\}\}")
TAG = re.compile(r"\{\{.*?\}\}")


def child(name, **fields):
    return {"name": name, "workflowTemplate": "worker", **fields}


def problems(spec) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


def cron(spec):
    (document,) = [d for d in pipeline_manifests(spec) if d["kind"] == "CronWorkflow"]
    return document


def templates(spec):
    return {t["name"]: t for t in cron(spec)["spec"]["workflowSpec"]["templates"]}


def child_manifest(spawn):
    return yaml.safe_load(TAG.sub("placeholder", spawn["resource"]["manifest"]))


def argo_creates(spawn, inputs):
    """The child Workflow as Argo creates it: each expression tag is sprig.quote of its input."""
    text = EXPRESSION.sub(
        lambda m: f'"{go_quote(inputs[m.group(1)])}"', spawn["resource"]["manifest"]
    )
    return yaml.safe_load(text.replace("{{workflow.name}}", "nightly-1700000000"))


RICH = minimal_spec(
    parameters=[{"name": "env", "value": "prod"}],
    maxParallel=3,
    childTimeout="2h",
    stages=[
        [child("a", optional=True, timeout="90s"), child("b")],
        [
            child(
                "c",
                when="{{workflow.parameters.env}} == prod && {{steps.a.status}} == Succeeded",
                synchronization={
                    "semaphores": [
                        {"configMap": "limits", "key": "warehouse", "limit": 2},
                        {"configMap": "shared", "key": "api"},
                    ],
                    "mutexes": ["publisher"],
                },
            )
        ],
    ],
    onExit=child(
        "notify",
        optional=True,
        when="{{workflow.status}} != Succeeded",
        arguments={"status": "{{workflow.status}}", "failures": "{{workflow.failures}}"},
    ),
)


# The onExit child passes `status` and `failures`: the worker declares them (with defaults, so the
# stage children may leave them out), as argument contracts require.
WORKER = {
    "name": "worker",
    "image": "alpine",
    "parameters": [{"name": "status", "value": ""}, {"name": "failures", "value": ""}],
}


# --- optional and when -----------------------------------------------------------------------


def test_optional_continues_on_failure_and_when_guards_the_step():
    steps = templates(RICH)["main"]["steps"]
    assert steps[0][0] == {"name": "a", "template": "spawn-a", "continueOn": {"failed": True}}
    assert steps[0][1] == {"name": "b", "template": "spawn-b"}
    assert steps[1][0] == {
        "name": "c",
        "template": "spawn-c",
        "when": "{{workflow.parameters.env}} == prod && {{steps.a.status}} == Succeeded",
    }


def test_optional_and_when_on_dag_tasks():
    spec = minimal_spec(
        parameters=[{"name": "env", "value": "prod"}],
        tasks=[
            child("a", optional=True),
            child("b", dependsOn=["a"], when="'{{tasks.a.status}}' == Failed"),
        ],
    )
    del spec["stages"]
    assert templates(spec)["main"]["dag"]["tasks"] == [
        {"name": "a", "template": "spawn-a", "continueOn": {"failed": True}},
        {
            "name": "b",
            "template": "spawn-b",
            "dependencies": ["a"],
            "when": "'{{tasks.a.status}}' == Failed",
        },
    ]


def test_when_syntax_errors_are_field_errors():
    found = problems(minimal_spec(stages=[[child("a", when="{{workflow.status}} = x")]]))
    assert found == {
        "stages[0][0].when": "invalid `when` condition '{{workflow.status}} = x': "
        "invalid operator '=': compare with '=='"
    }


def test_when_references_are_checked_against_the_pipeline():
    found = problems(
        minimal_spec(
            parameters=[{"name": "env", "value": "prod"}],
            stages=[
                [
                    child("a", when="{{workflow.parameters.nope}} == x"),
                    child("b", when="{{steps.a.status}} == Succeeded"),
                ],
                [
                    child("c", when="{{steps.ghost.status}} == x"),
                    child("d", when="{{tasks.a.status}} == x"),
                    child("e", when="{{workflow.status}} == Failed"),
                    child("f", arguments={"why": "{{workflow.failures}}"}),
                ],
            ],
        )
    )
    assert found == {
        "stages[0][0].when": "references undeclared parameter 'nope': "
        "declare it in the pipeline's `parameters`",
        "stages[0][1].when": "`steps.a` has not run yet: "
        "only children of earlier stages can be referred to",
        "stages[1][0].when": "`steps.ghost` refers to no child of this pipeline",
        "stages[1][1].when": "`tasks.a`: this pipeline has `stages`, use `steps.a`",
        "stages[1][2].when": "`{{workflow.status}}` is set only for the `onExit` child",
        "stages[1][3].arguments.why": "`{{workflow.failures}}` is set only for the `onExit` child",
    }


def test_task_conditions_may_refer_only_to_their_dependencies():
    spec = minimal_spec(
        tasks=[
            child("a"),
            child("b", dependsOn=["a"]),
            child("c", dependsOn=["b"], when="{{tasks.a.status}} == Succeeded"),
            child("d", when="{{tasks.a.status}} == Succeeded"),
            child("e", dependsOn=["a"], arguments={"x": "{{steps.a.status}}"}),
        ],
        onExit=child("n", when="{{tasks.a.status}} == x"),
    )
    del spec["stages"]
    assert problems(spec) == {
        "tasks[3].when": "`tasks.a` is not among this task's dependencies: add it to `dependsOn`",
        "tasks[4].arguments.x": "`steps.a`: this pipeline has `tasks`, use `tasks.a`",
        "onExit.when": "`tasks.a` is not defined in the exit handler, where `onExit` runs",
    }


# --- onExit ----------------------------------------------------------------------------------


def test_on_exit_spawns_its_child_from_an_exit_handler_step():
    workflow = cron(RICH)["spec"]["workflowSpec"]
    assert workflow["onExit"] == "exit-handler"
    handler = templates(RICH)["exit-handler"]
    assert handler == {
        "name": "exit-handler",
        "steps": [
            [
                {
                    "name": "notify",
                    "template": "spawn-notify",
                    "arguments": {
                        "parameters": [
                            {"name": "status", "value": "{{workflow.status}}"},
                            {"name": "failures", "value": "{{workflow.failures}}"},
                        ]
                    },
                    "when": "{{workflow.status}} != Succeeded",
                    "continueOn": {"failed": True},
                }
            ]
        ],
    }
    # The exit child is not part of the entry template: it runs once, after it.
    names = [s["name"] for group in templates(RICH)["main"]["steps"] for s in group]
    assert "notify" not in names


def test_workflow_failures_reach_the_exit_child_verbatim():
    spawn = templates(RICH)["spawn-notify"]
    assert spawn["inputs"] == {"parameters": [{"name": "status"}, {"name": "failures"}]}
    manifest = spawn["resource"]["manifest"]
    assert "workflow.failures" not in manifest and "workflow.status" not in manifest
    failures = json.dumps(
        [{"displayName": 'a "quoted": name', "message": "line 1\nline 2: {x}", "phase": "Failed"}]
    )
    created = argo_creates(spawn, {"status": "Failed", "failures": failures})
    assert created["spec"]["arguments"]["parameters"] == [
        {"name": "status", "value": "Failed"},
        {"name": "failures", "value": failures},
    ]
    assert created["metadata"]["generateName"] == "nightly-notify-"


def test_no_exit_handler_without_on_exit():
    workflow = cron(minimal_spec())["spec"]["workflowSpec"]
    assert "onExit" not in workflow
    assert [t["name"] for t in workflow["templates"]] == ["main", "spawn-work"]


def exit_warnings(spec):
    return [w for w in pipeline_warnings(load_pipeline(spec)) if "onExit" in w and "Replace" in w]


def test_on_exit_with_replace_warns():
    warned = exit_warnings(minimal_spec(concurrencyPolicy="Replace", onExit=child("notify")))
    assert warned == [
        "nightly: `onExit` with `concurrencyPolicy: Replace`: Argo terminates a running workflow "
        "to replace it without running its exit handler, so replaced runs send no exit "
        "notification"
    ]
    assert exit_warnings(minimal_spec(concurrencyPolicy="Replace")) == []
    assert exit_warnings(minimal_spec(onExit=child("notify"))) == []


def test_render_prints_the_replace_warning(tmp_path):
    spec = tmp_path / "p.yaml"
    spec.write_text(
        yaml.safe_dump(minimal_spec(concurrencyPolicy="Replace", onExit=child("notify"))),
        encoding="utf-8",
    )
    result = invoke("render", str(spec))
    assert result.exit_code == 0
    assert "warning: nightly: `onExit` with `concurrencyPolicy: Replace`" in result.stderr


# --- maxParallel, timeouts -------------------------------------------------------------------


def test_max_parallel_is_the_entry_templates_parallelism():
    assert templates(RICH)["main"]["parallelism"] == 3
    assert "parallelism" not in templates(minimal_spec())["main"]
    assert "parallelism" not in templates(RICH)["exit-handler"]
    assert "maxParallel" in problems(minimal_spec(maxParallel=0))


def test_child_timeout_bounds_the_child_workflow_with_a_pipeline_default():
    assert child_manifest(templates(RICH)["spawn-a"])["spec"]["activeDeadlineSeconds"] == 90
    for name in ("spawn-b", "spawn-c", "spawn-notify"):
        assert child_manifest(templates(RICH)[name])["spec"]["activeDeadlineSeconds"] == 7200
    # The orchestrator's own templates stay unbounded: the child's deadline ends the child.
    assert "activeDeadlineSeconds" not in cron(RICH)["spec"]["workflowSpec"]
    without = child_manifest(templates(minimal_spec())["spawn-work"])["spec"]
    assert "activeDeadlineSeconds" not in without


def test_timeouts_are_validated():
    found = problems(minimal_spec(childTimeout="2 hours", stages=[[child("a", timeout="0s")]]))
    assert set(found) == {"childTimeout", "stages[0][0].timeout"}
    assert "positive Go duration" in found["childTimeout"]


# --- synchronization -------------------------------------------------------------------------


def test_synchronization_is_on_the_child_workflow_in_plural_form():
    spec = child_manifest(templates(RICH)["spawn-c"])["spec"]
    assert spec["synchronization"] == {
        "semaphores": [
            {"configMapKeyRef": {"name": "limits", "key": "warehouse"}},
            {"configMapKeyRef": {"name": "shared", "key": "api"}},
        ],
        "mutexes": [{"name": "publisher"}],
    }
    assert "synchronization" not in templates(RICH)["spawn-c"]
    assert "synchronization" not in cron(RICH)["spec"]["workflowSpec"]


def test_sized_semaphores_get_a_config_map_between_rbac_and_templates():
    spec = {
        **RICH,
        "templates": [WORKER],
    }
    documents = pipeline_manifests(spec)
    kinds = [d["kind"] for d in documents]
    assert kinds.index("ConfigMap") > max(i for i, k in enumerate(kinds) if k == "RoleBinding")
    assert kinds.index("ConfigMap") < kinds.index("WorkflowTemplate")
    (config_map,) = [d for d in documents if d["kind"] == "ConfigMap"]
    assert config_map == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "limits",
            "namespace": "argo",
            "labels": {
                "app.kubernetes.io/part-of": "nightly",
                "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
            },
        },
        "data": {"warehouse": "2"},
    }


def test_semaphore_config_maps_need_no_rights_for_any_account():
    with_locks = pipeline_manifests(RICH)
    without = pipeline_manifests(minimal_spec())
    roles = [d["rules"] for d in with_locks if d["kind"] == "Role"]
    assert roles == [d["rules"] for d in without if d["kind"] == "Role"]
    assert all(r["resources"] != ["configmaps"] for rules in roles for r in rules)


def test_one_config_map_collects_every_sized_key():
    spec = minimal_spec(
        stages=[
            [
                child(
                    "a",
                    synchronization={"semaphores": [{"configMap": "l", "key": "x", "limit": 1}]},
                ),
                child(
                    "b",
                    synchronization={"semaphores": [{"configMap": "l", "key": "y", "limit": 4}]},
                ),
                child(
                    "c",
                    synchronization={"semaphores": [{"configMap": "l", "key": "x", "limit": 1}]},
                ),
            ]
        ]
    )
    (config_map,) = [d for d in pipeline_manifests(spec) if d["kind"] == "ConfigMap"]
    assert config_map["data"] == {"x": "1", "y": "4"}


def test_synchronization_problems():
    found = problems(
        minimal_spec(
            stages=[
                [
                    child("a", synchronization={}),
                    child(
                        "b",
                        synchronization={
                            "semaphores": [
                                {"configMap": "l", "key": "k", "limit": 1},
                                {"configMap": "l", "key": "k", "limit": 2},
                                {"configMap": "l", "key": "other"},
                            ],
                            "mutexes": ["m", "m"],
                        },
                    ),
                ]
            ]
        )
    )
    at = "stages[0][1].synchronization"
    assert found == {
        "stages[0][0].synchronization": "set at least one of `semaphores` or `mutexes`",
        f"{at}.semaphores[1]": "semaphore l/k is listed twice",
        f"{at}.semaphores[1].limit": f"semaphore l/k is sized 1 at {at}.semaphores[0].limit: "
        "one ConfigMap key holds one size",
        f"{at}.mutexes[1]": "mutex 'm' is listed twice",
        f"{at}.semaphores[2].limit": "this pipeline creates ConfigMap 'l' (a `limit` is set "
        "elsewhere), so key 'other' needs a `limit` too, or use a ConfigMap created outside it",
    }


def test_lock_names_cannot_carry_argo_tags():
    found = problems(
        minimal_spec(stages=[[child("a", synchronization={"mutexes": ["{{workflow.name}}"]})]])
    )
    assert set(found) == {"stages[0][0].synchronization.mutexes[0]"}


# --- Argo conformance, Pulumi, Python API ----------------------------------------------------


def test_every_document_and_child_manifest_conforms(argo_schemas):
    spec = {**RICH, "templates": [WORKER]}
    documents = pipeline_manifests(spec)
    assert [p for d in documents for p in argo_schemas.problems(d)] == []
    # The checker really looks inside child manifests: break one and it says so.
    broken = json.loads(json.dumps(cron(spec)))
    (spawn,) = [t for t in broken["spec"]["workflowSpec"]["templates"] if t["name"] == "spawn-c"]
    spawn["resource"]["manifest"] = spawn["resource"]["manifest"].replace("mutexes", "mutex_es")
    assert any("mutex_es" in p for p in argo_schemas.problems(broken))


def test_component_registers_the_config_map_before_the_cron_workflow():
    run = run_pulumi(lambda: ScheduledPipeline("etl", RICH))
    (config_map,) = run.of_type("kubernetes:core/v1:ConfigMap")
    assert config_map.inputs["data"] == {"warehouse": "2"}
    (cron_workflow,) = run.of_type("kubernetes:argoproj.io/v1alpha1:CronWorkflow")
    assert config_map.urn in cron_workflow.dependencies
    assert [d["kind"] for d in run.manifests()] == [d["kind"] for d in pipeline_manifests(RICH)]


def test_snake_case_python_and_camel_case_specs_are_the_same():
    snake = {
        "name": "nightly",
        "schedule": "0 2 * * *",
        "timezone": "UTC",
        "max_parallel": 2,
        "child_timeout": "1h",
        "tasks": [
            {"name": "a", "workflow_template": "t"},
            {
                "name": "b",
                "workflow_template": "t",
                "depends_on": ["a"],
                "synchronization": {"semaphores": [{"config_map": "l", "key": "k", "limit": 1}]},
            },
        ],
        "on_exit": {"name": "n", "workflow_template": "t"},
    }
    camel = {
        "name": "nightly",
        "schedule": "0 2 * * *",
        "timezone": "UTC",
        "maxParallel": 2,
        "childTimeout": "1h",
        "tasks": [
            {"name": "a", "workflowTemplate": "t"},
            {
                "name": "b",
                "workflowTemplate": "t",
                "dependsOn": ["a"],
                "synchronization": {"semaphores": [{"configMap": "l", "key": "k", "limit": 1}]},
            },
        ],
        "onExit": {"name": "n", "workflowTemplate": "t"},
    }
    assert load_pipeline(snake) == load_pipeline(camel)


def _typed_dict_docs() -> dict[str, dict[str, str]]:
    """Field docstrings of every TypedDict in pipeline_args.py, inherited ones included."""
    tree = ast.parse(inspect.getsource(pipeline_args))
    own: dict[str, dict[str, str]] = {}
    bases: dict[str, list[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]
        docs = own.setdefault(node.name, {})
        for field, doc in itertools.pairwise(node.body):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
            ):
                docs[field.target.id] = doc.value.value

    def collect(name: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for base in bases.get(name, []):
            out.update(collect(base))
        out.update(own.get(name, {}))
        return out

    return {name: collect(name) for name in own}


@pytest.mark.parametrize(
    ("spec_class", "args_class"),
    [
        (model.Child, "ChildArgs"),
        (model.Task, "TaskArgs"),
        (model.Semaphore, "SemaphoreArgs"),
        (model.Synchronization, "SynchronizationArgs"),
        (Pipeline, "ScheduledPipelineArgs"),
    ],
)
def test_pulumi_args_carry_the_models_field_docs(spec_class, args_class):
    fields = spec_class.model_fields
    documented = {name: doc for name, doc in pulumi_docs(spec_class).items() if name in fields}
    assert documented, f"{spec_class.__name__} documents no field"
    args_docs = _typed_dict_docs()[args_class]
    assert {name: args_docs.get(name) for name in documented} == documented


def test_control_flow_examples_exist():
    assert {"dag-etl", "guarded-sync"} <= {spec.parent.name for spec in EXAMPLE_SPECS}


# --- outputs handed on to later children ---------------------------------------------------------

PRODUCER = {
    "name": "worker",
    "image": "alpine:3.20",
    "parameters": [{"name": "rows", "value": ""}],
    "outputs": {"parameters": [{"name": "row-count", "valueFrom": {"path": "/tmp/rows"}}]},
}
READ = "{{steps.extract.outputs.parameters.row-count}}"


def handed_on(stages, **overrides):
    return minimal_spec(stages=stages, templates=[PRODUCER], **overrides)


def test_a_later_child_reads_an_earlier_childs_declared_output():
    spec = handed_on([[child("extract")], [child("load", arguments={"rows": READ})]])
    assert load_pipeline(spec)
    dag = minimal_spec(
        stages=None,
        tasks=[
            child("extract"),
            child("mid", dependsOn=["extract"]),
            child("load", dependsOn=["mid"], arguments={"rows": READ.replace("steps.", "tasks.")}),
        ],
        templates=[PRODUCER],
    )
    assert load_pipeline(dag)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        (
            [[child("extract"), child("load", arguments={"rows": READ})]],
            "`steps.extract` has not run yet: only children of earlier stages can be referred to",
        ),
        (
            [[child("load", arguments={"rows": READ})], [child("extract")]],
            "`steps.extract` has not run yet: only children of earlier stages can be referred to",
        ),
        (
            [[child("extrakt")], [child("load", arguments={"rows": READ})]],
            "`steps.extract` refers to no child of this pipeline (did you mean `steps.extrakt`?)",
        ),
        (
            [
                [child("extract")],
                [child("load", arguments={"rows": READ.replace("row-count", "rowcount")})],
            ],
            "`steps.extract.outputs.parameters.rowcount`: WorkflowTemplate 'worker' exports no "
            "output parameter 'rowcount' (it exports 'row-count')",
        ),
        (
            [
                [child("extract")],
                [
                    child(
                        "load", arguments={"rows": READ.replace(".parameters.row-count", ".result")}
                    )
                ],
            ],
            "`steps.extract.outputs.result`: a child hands on only its template's output "
            "parameters, `steps.extract.outputs.parameters.NAME`",
        ),
        (
            [[child("extract", optional=True)], [child("load", arguments={"rows": READ})]],
            "`steps.extract.outputs.parameters.row-count`: child 'extract' has `optional: true`: "
            "when it fails, the pipeline goes on without its outputs and the step reading them "
            "errors",
        ),
        (
            [
                [child("extract", when="'{{workflow.name}}' != ''")],
                [child("load", arguments={"rows": READ})],
            ],
            "`steps.extract.outputs.parameters.row-count`: child 'extract' has a `when` "
            "condition: when it is skipped there is no output to read and the step reading it "
            "errors (Argo before v3.7.16 and v4.0.7 leaves the reference unresolved, later "
            "versions fail it)",
        ),
        (
            [
                [child("extract", ttlStrategy={"secondsAfterCompletion": 0})],
                [child("load", arguments={"rows": READ})],
            ],
            "`steps.extract.outputs.parameters.row-count`: child 'extract' is deleted as soon as "
            "it succeeds (its ttlStrategy), before its spawn step can read its outputs: keep it "
            "a while",
        ),
        (
            [
                [{"name": "extract", "clusterWorkflowTemplate": "shared"}],
                [child("load", arguments={"rows": READ})],
            ],
            "`steps.extract.outputs.parameters.row-count`: the outputs of 'shared', the template "
            "of child 'extract', are unknown: define it under `templates` or declare its "
            "`outputs` under `externalTemplates`",
        ),
    ],
    ids=[
        "same-stage",
        "later-stage",
        "unknown-child",
        "undeclared",
        "not-a-parameter",
        "optional",
        "when",
        "deleted-at-once",
        "unknown-template",
    ],
)
def test_output_references_are_checked_like_every_other(stages, message):
    assert (
        problems(handed_on(stages)) == {"stages[1][0].arguments.rows": message}
        or problems(handed_on(stages)) == {"stages[0][1].arguments.rows": message}
        or problems(handed_on(stages)) == {"stages[0][0].arguments.rows": message}
    )


def test_output_references_in_conditions_and_dag_dependencies():
    spec = handed_on(
        [[child("extract")], [child("load", when=f"'{READ}' != '0'")]],
    )
    assert load_pipeline(spec)
    dag = minimal_spec(
        stages=None,
        tasks=[
            child("extract"),
            child("load", arguments={"rows": READ.replace("steps.", "tasks.")}),
        ],
        templates=[PRODUCER],
    )
    assert problems(dag) == {
        "tasks[1].arguments.rows": (
            "`tasks.extract` is not among this task's dependencies: add it to `dependsOn`"
        )
    }


def test_external_templates_declare_their_outputs():
    spec = minimal_spec(
        stages=[
            [{"name": "extract", "workflowTemplate": "ingest"}],
            [child("load", arguments={"rows": READ})],
        ],
        templates=[PRODUCER],
        externalTemplates=[{"name": "ingest", "outputs": ["row-count", "bytes", "row-count"]}],
    )
    assert problems(spec) == {
        "externalTemplates[0].outputs[2]": (
            "duplicate output name 'row-count' (first at externalTemplates[0].outputs[0])"
        )
    }
    spec["externalTemplates"][0]["outputs"] = ["row-count", "bytes"]
    assert load_pipeline(spec)
