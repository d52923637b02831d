"""The rules only Argo's controller checks, enforced by our validation: one test per rule.

Neither Argo's JSON schema nor its CRDs state these; the controller applies them when a
CronWorkflow is created or scheduled (`workflow/validate/validate.go` in argoproj/argo-workflows),
long after `pulumi up` or `kubectl apply` reported success. Each test names the function and the
check it mirrors, rejects a spec that breaks it with the exact field path, and accepts the
boundary case.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.spec.names import child_generate_name
from tests.conftest import EXAMPLE_SPECS, minimal_spec
from tests.support import argo_substitution as argo


def problems(spec: Any) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


def template(**fields: Any) -> dict[str, Any]:
    return {"name": "worker", "image": "alpine:3.20", **fields}


def child(**fields: Any) -> dict[str, Any]:
    return {"name": "work", "workflowTemplate": "worker", **fields}


def test_cron_workflow_name_at_most_52_characters():
    """ValidateCronWorkflow: len(cronWf.Name) > maxCharsInCronWorkflowName (52) is an error."""
    found = problems(minimal_spec(name="a" * 53))
    assert found == {
        "name": "53 characters, at most 52 allowed: Argo names each run "
        "`<name>-<unix seconds>`, which must fit in 63 characters"
    }
    assert load_pipeline(minimal_spec(name="a" * 52)).name == "a" * 52


def test_workflow_template_name_at_most_63_characters():
    """ValidateWorkflowTemplate: len(wftmpl.Name) > maxCharsInObjectName (63) is an error."""
    found = problems(minimal_spec(templates=[template(name="t" * 64)]))
    assert found == {
        "templates[0].name": "64 characters, at most 63 allowed: Argo's limit for "
        "WorkflowTemplate names"
    }
    load_pipeline(minimal_spec(templates=[template(name="t" * 63)]))


def test_child_workflow_names_stay_within_63_characters():
    """ValidateWorkflow: len(wf.Name) > maxCharsInObjectName (63); Kubernetes adds 5 characters."""
    longest = child_generate_name("p" * 52, "s" * 63)
    assert len(longest) + 5 <= 63
    assert longest != child_generate_name("p" * 52, "s" * 62 + "t")


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [
        ("0 */4 * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
        ("0 0 2 * * *", "got 6: seconds field is not supported"),
        ("61 * * * *", "minute value 61 out of range 0-59"),
    ],
)
def test_schedules_parse_with_robfig_parse_standard(schedule, reason):
    """ValidateCronWorkflow: cron.ParseStandard(schedule) must succeed for every schedule."""
    found = problems(minimal_spec(schedule=schedule))
    assert list(found) == ["schedule"]
    assert found["schedule"].startswith(f"invalid cron schedule {schedule!r}: ")
    assert reason in found["schedule"]
    for accepted in ("@hourly", "@every 1h30m", "0 */4 * * *", "30 1 * * MON-FRI"):
        load_pipeline(minimal_spec(schedule=accepted))


@pytest.mark.parametrize(
    ("zone", "advice"),
    [
        ("Europe/Zurichh", "did you mean 'Europe/Zurich'?"),
        ("CET+1", "did you mean 'CET'?"),
        ("utc ", "use an IANA name such as 'Europe/Zurich' or 'UTC'"),
        ("Europe/", "use an IANA name such as 'Europe/Zurich' or 'UTC'"),
        ("localtime", "use an IANA name such as 'Europe/Zurich' or 'UTC'"),
        ("posixrules", "use an IANA name such as 'Europe/Zurich' or 'UTC'"),
    ],
)
def test_timezone_loads_with_go_time_load_location(zone, advice):
    """ValidateCronWorkflow: time.LoadLocation(cronWf.Spec.Timezone) must succeed."""
    found = problems(minimal_spec(timezone=zone))
    assert found == {"timezone": f"unknown time zone {zone!r}: {advice}"}
    for accepted in ("Europe/Zurich", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+1"):
        load_pipeline(minimal_spec(timezone=accepted))


def test_local_is_refused_although_go_loads_it():
    """time.LoadLocation("Local") is the controller's own zone: the same as no timezone, which
    the spec should say by leaving `timezone` out (render warns about that)."""
    assert "unknown time zone 'Local'" in problems(minimal_spec(timezone="Local"))["timezone"]


def test_concurrency_policy_is_allow_forbid_or_replace():
    """ValidateCronWorkflow: any other concurrencyPolicy is "not a valid concurrencyPolicy"."""
    found = problems(minimal_spec(concurrencyPolicy="replace"))
    assert found == {
        "concurrencyPolicy": "'replace' is not allowed: use 'Allow', 'Forbid' or 'Replace' "
        "(did you mean 'Replace'? case matters)"
    }


def test_starting_deadline_seconds_is_not_negative():
    """ValidateCronWorkflow: StartingDeadlineSeconds < 0 "must be positive"."""
    found = problems(minimal_spec(startingDeadlineSeconds=-1))
    assert found == {"startingDeadlineSeconds": "Input should be greater than or equal to 0"}
    assert load_pipeline(minimal_spec(startingDeadlineSeconds=0)).starting_deadline_seconds == 0


def test_schedule_and_schedules_are_not_both_set():
    """ValidateCronWorkflow: "cron workflow cant be configured with both Spec.Schedule and
    Spec.Schedules"."""
    assert problems(minimal_spec(schedules=["@daily"])) == {
        "schedules": "set either `schedule` or `schedules`, not both"
    }


def test_at_least_one_schedule():
    """ValidateCronWorkflow (v4): "cron workflow must have at least one schedule"."""
    assert problems(minimal_spec(schedule=None, schedules=[])) == {
        "schedule": "set `schedule` or `schedules` (at least one)"
    }


@pytest.mark.parametrize("name", ["Sync_Config", "-sync", "sync.config", "s" * 64])
def test_step_names_are_workflow_field_names(name):
    """validateSteps -> isValidWorkflowFieldName: [a-zA-Z0-9][-a-zA-Z0-9]*, at most 128.

    Ours is stricter, a lowercase DNS-1123 label of at most 63: the name is also a label value
    and part of the child's generateName.
    """
    found = problems(minimal_spec(stages=[[child(name=name)]]))
    assert list(found) == ["stages[0][0].name"]
    assert "DNS-1123" in found["stages[0][0].name"] or "at most 63" in found["stages[0][0].name"]


def test_step_names_are_unique():
    """validateSteps: "templates.%s.steps[%d].name '%s' is not unique"."""
    found = problems(minimal_spec(stages=[[child()], [child(), child(name="other")]]))
    assert found == {"stages[1][0].name": "duplicate step name 'work' (first at stages[0][0].name)"}


@pytest.mark.parametrize("name", ["run date", "run.date", "datum/zeit", ""])
def test_parameter_names_are_param_or_artifact_names(name):
    """validateWorkflowFieldNames -> isValidParamOrArtifactName: ^[-a-zA-Z0-9_]+$."""
    message = f"invalid parameter name {name!r}: use letters, digits, '-' and '_' (Argo's rule)"
    assert problems(minimal_spec(parameters=[{"name": name, "value": "x"}])) == {
        "parameters[0].name": message
    }
    assert problems(minimal_spec(templates=[template(parameters=[{"name": name}])])) == {
        "templates[0].parameters[0].name": message
    }
    # A key that is not a plain word is quoted in the path, so `run.date` stays one key.
    assert problems(minimal_spec(stages=[[child(arguments={name: "x"})]])) == {
        f"stages[0][0].arguments[{name!r}]": message
    }
    load_pipeline(minimal_spec(parameters=[{"name": "Run_Date-1", "value": "x"}]))


def test_parameter_names_are_unique():
    """validateWorkflowFieldNames: "[%d].name '%s' is not unique" (arguments and inputs)."""
    pair = [{"name": "day", "value": "1"}, {"name": "day", "value": "2"}]
    assert problems(minimal_spec(parameters=pair)) == {
        "parameters[1].name": "duplicate parameter name 'day' (first at parameters[0].name)"
    }
    assert problems(minimal_spec(templates=[template(parameters=pair)])) == {
        "templates[0].parameters[1].name": "duplicate parameter name 'day' "
        "(first at templates[0].parameters[0].name)"
    }


def test_workflow_arguments_have_values():
    """validateArgumentsValues: spec.arguments parameters need a value (a WorkflowTemplate's
    need not: allowEmptyValues when validating templates)."""
    assert problems(minimal_spec(parameters=[{"name": "day"}])) == {
        "parameters[0].value": "a pipeline parameter needs a value"
    }
    load_pipeline(
        minimal_spec(
            templates=[template(parameters=[{"name": "day"}])],
            stages=[[{"name": "work", "workflowTemplate": "worker", "arguments": {"day": "x"}}]],
        )
    )


def test_step_arguments_resolve():
    """validateSteps -> resolveAllVariables: "failed to resolve {{workflow.parameters.x}}"."""
    spec = minimal_spec(stages=[[child(arguments={"day": "{{workflow.parameters.x}}"})]])
    assert problems(spec) == {
        "stages[0][0].arguments.day": "references undeclared parameter 'x': declare it in "
        "the pipeline's `parameters`"
    }
    load_pipeline({**spec, "parameters": [{"name": "x", "value": "1"}]})


def test_retry_policy_is_one_argo_knows():
    """validateTemplateHolder: "%s is not a valid RetryPolicy"."""
    found = problems(minimal_spec(templates=[template(retryStrategy={"retryPolicy": "Never"})]))
    assert found == {
        "templates[0].retryStrategy.retryPolicy": "'Never' is not allowed: use 'Always', "
        "'OnFailure', 'OnError' or 'OnTransientError'"
    }


def test_active_deadline_seconds_is_positive():
    """validateLeaf: "activeDeadlineSeconds must be a positive integer > 0"."""
    found = problems(minimal_spec(templates=[template(activeDeadlineSeconds=0)]))
    assert found == {
        "templates[0].activeDeadlineSeconds": "Input should be greater than or equal to 1"
    }


def test_no_token_without_an_executor_account():
    """workflowpod.go setupServiceAccount (and validate.go in Argo 3.x): "executor.
    serviceAccountName must not be empty if automountServiceAccountToken is false"."""
    for prefix, spec in (
        ("", minimal_spec(automountServiceAccountToken=False)),
        (
            "templates[0].",
            minimal_spec(templates=[template(automountServiceAccountToken=False)]),
        ),
    ):
        found = problems(spec)
        assert list(found) == [f"{prefix}automountServiceAccountToken"]
        assert found[f"{prefix}automountServiceAccountToken"].startswith(
            "`automountServiceAccountToken: false` needs `executorServiceAccountName`"
        )


@pytest.mark.parametrize("spec_file", EXAMPLE_SPECS, ids=[p.parent.name for p in EXAMPLE_SPECS])
def test_resource_manifests_parse_after_expressions_become_placeholders(spec_file):
    """validateLeaf: the manifest, after SubstituteResourceManifestExpressions, "must be a
    valid yaml"; checked with placeholder inputs (FakeArguments) and the real arguments."""
    from pulumi_argo_orchestration.spec.loading import load_spec_file

    documents = yaml.safe_load_all(
        yaml.safe_dump_all(pipeline_manifests(load_spec_file(spec_file)))
    )
    cron = argo.inline_cron(list(documents))
    steps = [step["name"] for step in argo.entry_steps(cron)]
    assert steps
    for step in steps:
        for fake in (True, False):
            parsed, _ = argo.validate_child(cron, step, fake_arguments=fake)
            assert parsed["kind"] == "Workflow"
            assert parsed["metadata"]["generateName"]
