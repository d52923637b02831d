"""Validation of the pipeline spec: every problem, each with its field path."""

from __future__ import annotations

import pytest

from pulumi_argo_orchestration import (
    Child,
    ConcurrencyPolicy,
    Pipeline,
    SpecError,
    load_pipeline,
    pipeline_manifests,
)
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.spec.pipeline import SharedTemplate
from tests.conftest import minimal_spec


def problems(spec) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


def test_minimal_spec_gets_documented_defaults():
    pipeline = load_pipeline(minimal_spec())
    assert pipeline.namespace == "argo"
    assert pipeline.concurrency_policy is ConcurrencyPolicy.ALLOW
    assert pipeline.successful_jobs_history_limit == 3
    assert pipeline.failed_jobs_history_limit == 1
    assert pipeline.suspend is False
    assert pipeline.account_name == "nightly-orchestrator"
    assert pipeline.all_schedules == ["0 2 * * *"]


def test_snake_case_and_camel_case_keys_are_the_same_spec():
    camel = load_pipeline(minimal_spec(concurrencyPolicy="Forbid", startingDeadlineSeconds=5))
    snake = load_pipeline(
        {
            **minimal_spec(),
            "concurrency_policy": "Forbid",
            "starting_deadline_seconds": 5,
        }
    )
    assert camel == snake


def test_every_problem_is_reported_with_its_path():
    found = problems(
        minimal_spec(
            name="Scheduled_Sync",
            schedule="0 */4 * *",
            timezone="Europe/Zurichh",
            concurrencyPolicy="replace",
            startingDeadlineSeconds=-1,
            stages=[[{"name": "a", "workflowTemplate": "t", "extra": 1}], []],
        )
    )
    assert set(found) == {
        "name",
        "schedule",
        "timezone",
        "concurrencyPolicy",
        "startingDeadlineSeconds",
        "stages[0][0].extra",
        "stages[1]",
    }
    assert "DNS-1123" in found["name"]
    assert "0 */4 * *" in found["schedule"]
    assert "Europe/Zurichh" in found["timezone"]
    assert "'Allow', 'Forbid' or 'Replace'" in found["concurrencyPolicy"]
    assert found["stages[0][0].extra"] == "unknown field"


def test_name_longer_than_52_characters_is_rejected():
    found = problems(minimal_spec(name="a" * 53))
    assert "52" in found["name"]
    load_pipeline(minimal_spec(name="a" * 52))


def test_whole_pipeline_rules_report_each_path():
    found = problems(
        minimal_spec(
            parameters=[{"name": "day", "value": "x"}, {"name": "day", "value": "y"}],
            stages=[
                [
                    {"name": "a", "workflowTemplate": "t"},
                    {"name": "a", "workflowTemplate": "t"},
                ],
                [
                    {"name": "b", "arguments": {"x": "{{workflow.parameters.missing}}"}},
                    {"name": "c", "workflowTemplate": "t", "clusterWorkflowTemplate": "u"},
                ],
            ],
        )
    )
    assert "duplicate parameter name 'day'" in found["parameters[1].name"]
    assert "duplicate step name 'a' (first at stages[0][0].name)" in found["stages[0][1].name"]
    assert "exactly one of" in found["stages[1][0]"]
    assert "exactly one of" in found["stages[1][1]"]
    assert "undeclared parameter 'missing'" in found["stages[1][0].arguments.x"]


def test_schedule_and_schedules_are_exclusive_and_one_is_required():
    assert (
        "at least one"
        in problems({k: v for k, v in minimal_spec().items() if k != "schedule"})["schedule"]
    )
    assert "not both" in problems(minimal_spec(schedules=["@daily"]))["schedules"]
    found = problems(minimal_spec(schedule=None, schedules=["@daily", "61 * * * *"]))
    assert set(found) == {"schedules[1]"}


def test_template_rules():
    found = problems(
        minimal_spec(
            templates=[
                {
                    "name": "worker",
                    "image": "alpine",
                    "args": ["{{workflow.parameters.nope}}"],
                    "env": [{"name": "A"}, {"name": "B", "valueFrom": {}}],
                    "resources": {"limits": {"memory": "lots"}},
                    "retryStrategy": {"limit": -1, "retryPolicy": "Sometimes"},
                },
                {"name": "worker", "image": "alpine"},
            ]
        )
    )
    assert set(found) == {
        "templates[0].resources.limits.memory",
        "templates[0].retryStrategy.limit",
        "templates[0].retryStrategy.retryPolicy",
    }
    found = problems(
        minimal_spec(
            templates=[
                {
                    "name": "worker",
                    "image": "alpine",
                    "args": ["{{workflow.parameters.nope}}"],
                    "env": [{"name": "A"}, {"name": "B", "valueFrom": {}}],
                },
                {"name": "worker", "image": "alpine"},
            ]
        )
    )
    assert set(found) == {
        "templates[0].args[0]",
        "templates[0].env[0]",
        "templates[0].env[1].valueFrom",
        "templates[1].name",
    }


def test_reserved_and_malformed_labels_are_rejected():
    found = problems(minimal_spec(labels={"app.kubernetes.io/part-of": "x"}))
    assert "'app.kubernetes.io/part-of' is set by pulumi-argo-orchestration" in found["labels"]
    found = problems(minimal_spec(labels={"bad key!": "v"}))
    assert "label 'bad key!': the name must be" in found["labels"]
    found = problems(minimal_spec(labels={"team": "has space"}))
    assert "label 'team': the value must be" in found["labels"]


def test_argo_s_own_label_keys_are_refused_on_runs_and_templates():
    """A run labelled `workflows.argoproj.io/completed: "true"` is one Argo's informer skips."""
    argo_own = "keys under workflows.argoproj.io/ are Argo's own: its controller reads them"
    key = "workflows.argoproj.io/completed"
    found = problems(minimal_spec(labels={key: "true"}))
    assert found == {"labels": f"label {key!r}: {argo_own}"}
    spec = minimal_spec(
        templates=[{"name": "worker", "image": "alpine:3.20", "labels": {key: "t"}}]
    )
    assert problems(spec) == {"templates[0].labels": f"label {key!r}: {argo_own}"}
    other = {"workflows.argoproj.io.team/x": "y"}
    assert load_pipeline(minimal_spec(labels=other)).labels == other


def test_pipeline_parameters_need_a_value():
    assert (
        "needs a value" in problems(minimal_spec(parameters=[{"name": "p"}]))["parameters[0].value"]
    )


def test_not_a_mapping():
    for value in (None, [1, 2], "text"):
        found = problems(value)
        assert "must be a mapping" in found[""]


def test_pipeline_model_can_be_built_in_python():
    from pulumi_argo_orchestration import Child

    pipeline = Pipeline(
        name="py-built",
        schedule="@hourly",
        stages=[[Child(name="one", workflow_template="t")]],
    )
    assert load_pipeline(pipeline) is pipeline


# --- models that skipped validation are validated again ----------------------------------------


def built_unchecked():
    """The ways Python builds a Pipeline without pydantic's validation (model_construct,
    model_copy with an update), as a library user might."""
    good = load_pipeline(minimal_spec())
    return {
        "model_construct": Pipeline.model_construct(
            name="BAD NAME!",
            schedule="0 2 * * *",
            stages=[[{"name": "a", "workflowTemplate": "t"}]],
        ),
        "model_copy": good.model_copy(update={"name": "BAD NAME!"}),
        "nested": good.model_copy(update={"stages": [[Child.model_construct(name="BAD NAME!")]]}),
    }


@pytest.mark.parametrize("how", ["model_construct", "model_copy", "nested"])
def test_pipeline_manifests_validates_a_model_built_without_validation(how):
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(built_unchecked()[how])
    (problem,) = caught.value.problems
    assert problem.path == ("stages[0][0].name" if how == "nested" else "name")
    assert problem.message.startswith("'BAD NAME!' must be a lowercase DNS-1123 label")


def test_an_incomplete_model_is_one_spec_error_not_an_attribute_error():
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(Pipeline.model_construct(schedule="@daily"))
    assert [str(p) for p in caught.value.problems] == ["name: required field is missing"]
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(
            load_pipeline(minimal_spec()).model_copy(
                update={"stages": [[Child.model_construct(workflow_template="t")]]}
            )
        )
    assert [str(p) for p in caught.value.problems] == [
        "stages[0][0].name: required field is missing"
    ]
    with pytest.raises(SpecError) as caught:
        shared_template_manifests(SharedTemplate.model_construct(name="t", image=""))
    assert [p.path for p in caught.value.problems] == ["image"]


def test_a_validated_model_is_not_validated_twice():
    pipeline = load_pipeline(minimal_spec())
    assert load_pipeline(pipeline) is pipeline
    assert load_pipeline(pipeline.model_copy()) is not pipeline  # a copy is checked again
