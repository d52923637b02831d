"""Every `{{...}}` in a spec is resolved as Argo resolves it, in the place it is read in.

The variables each place has come from Argo's source (spec/references.py cites it); a name Argo
does not set there is an error with the field path, with "did you mean" when it is a typo.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_argo_orchestration import SpecError, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.spec import references
from pulumi_argo_orchestration.syntax import template_text
from tests.conftest import minimal_spec

CRON_LABEL = "workflows.argoproj.io/cron-workflow"  # set by Argo on a cron run (convert.go)
SCHEDULED = "workflows.argoproj.io/scheduled-time"


def problems(spec: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


def with_template(**fields: Any) -> dict[str, Any]:
    template = {
        "name": "worker",
        "image": "alpine:3.20",
        "parameters": [{"name": "region", "value": "eu-west-1"}],
        **fields,
    }
    return minimal_spec(templates=[template])


# --- the tag scanner follows fasttemplate ------------------------------------------------------


def test_tags_run_to_the_first_closing_braces_and_an_unclosed_one_is_no_tag():
    assert template_text.tags("a{{b}} {{ c }}{{d") == ["{{b}}", "{{ c }}"]
    assert template_text.tags("'{{\"{{workflow.name}}'") == ['{{"{{workflow.name}}']
    assert template_text.variable_name(" \u00a0workflow.name\t") == "workflow.name"
    assert template_text.is_expression("=1+1") and not template_text.is_expression(" =1+1")


# --- a template's container: what the user wrote ----------------------------------------


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "{{workflow.paramters.region}}",
            "`{{workflow.paramters.region}}` is not a variable Argo sets in WorkflowTemplate "
            "'worker': did you mean `{{workflow.parameters.region}}`?",
        ),
        (
            "{{worklfow.parameters.region}}",
            "`{{worklfow.parameters.region}}` is not a variable Argo sets in WorkflowTemplate "
            "'worker': did you mean `{{workflow.parameters.region}}`?",
        ),
        (
            "{{inputs.parameters.region}}",
            "`{{inputs.parameters.region}}`: a template here has no inputs; parameters are "
            "workflow arguments, read as `{{workflow.parameters.region}}`",
        ),
        (
            "{{workflow.parameters.regoin}}",
            "references undeclared parameter 'regoin': declare it in the template's "
            "`parameters` (did you mean 'region'?)",
        ),
        (
            "{{workflow.creationTimestamp.Q}}",
            "`{{workflow.creationTimestamp.Q}}`: Argo formats `workflow.creationTimestamp."
            "<format>` only for B, b, m, A, a, d, H, I, M, S, Y, y, p, Z, z, L, s, RFC3339",
        ),
        (
            "{{workflow.scheduledTime}}",
            "`{{workflow.scheduledTime}}` is set only for the CronWorkflow's own runs: pass it to "
            "the child as an argument",
        ),
        ("{{retries}}", "`{{retries}}` is not a variable Argo sets in WorkflowTemplate 'worker'"),
        (
            "{{=sprig.upper(inputs.parameters.region)}}",
            "`{{=sprig.upper(inputs.parameters.region)}}`: a template here has no inputs; "
            "parameters are workflow arguments, read as `workflow.parameters['NAME']`",
        ),
        (
            "{{=sprig.upper(workflow.parameters['regio'])}}",
            "references undeclared parameter 'regio': declare it in the template's `parameters` "
            "(did you mean 'region'?)",
        ),
        (
            "x {{ y",
            "has a '{{' with no closing '}}': Argo reads every string as a template (a '{{' "
            "cannot be escaped (argo #8253)) and the substitution would fail",
        ),
    ],
)
def test_a_template_reference_argo_would_not_resolve_is_an_error(written, message):
    assert problems(with_template(args=[f"echo {written}"])) == {"templates[0].args[0]": message}


def test_what_argo_sets_in_a_container_passes():
    good = [
        "{{workflow.parameters.region}}",
        "{{ workflow.parameters.region }}",
        "{{workflow.parameters}}",
        "{{workflow.name}} {{workflow.namespace}} {{workflow.uid}}",
        "{{workflow.creationTimestamp.Y}}-{{workflow.creationTimestamp.m}}",
        "{{workflow.creationTimestamp.RFC3339}} {{workflow.creationTimestamp.s}}",
        "{{pod.name}} {{node.name}} {{workflow.status}} {{workflow.duration}}",
        "{{workflow.labels.argo-orchestration/step}}",
        "{{=sprig.upper(workflow.parameters.region)}}",
        "{{=sprig.upper(workflow.parameters['region'])}}",
        "}} braces { alone }",
    ]
    spec = with_template(
        args=good, retryStrategy={"limit": 2}, command=["{{retries}} {{lastRetry.exitCode}}"]
    )
    assert load_pipeline(spec).templates[0].args == good


def test_every_string_of_a_template_is_resolved_not_only_its_container():
    spec = with_template(
        nodeSelector={"zone": "{{workflow.paramters.region}}"},
        tolerations=[{"key": "{{pod.name}}", "operator": "Exists"}],
        env=[{"name": "REGION", "value": "{{inputs.parameters.region}}"}],
        image="registry.example.com/{{workflow.parameters.nope}}:1",
    )
    spec["templates"][0]["parameters"].append(
        {"name": "again", "value": "x", "description": "{{=1+1}}"}
    )
    assert problems(spec) == {
        "templates[0].image": "references undeclared parameter 'nope': declare it in the "
        "template's `parameters`",
        "templates[0].env[0].value": "`{{inputs.parameters.region}}`: a template here has no "
        "inputs; parameters are workflow arguments, read as `{{workflow.parameters.region}}`",
        "templates[0].nodeSelector.zone": "`{{workflow.paramters.region}}` is not a variable "
        "Argo sets in WorkflowTemplate 'worker': did you mean `{{workflow.parameters.region}}`?",
        "templates[0].tolerations[0].key": "`{{pod.name}}` is set only in the template Argo "
        "runs (its containers, script, volumes, outputs), not in the WorkflowTemplate's spec",
        "templates[0].parameters[1].description": "`{{=1+1}}` is an expression, which Argo "
        "would evaluate: the value would not arrive as written. Here only variables resolve, "
        "e.g. `{{workflow.parameters.NAME}}` (a '{{' cannot be escaped (argo #8253))",
    }


def test_a_parameter_default_may_use_the_runs_globals_but_not_itself():
    spec = with_template()
    spec["templates"][0]["parameters"] = [
        {"name": "day", "value": "{{workflow.creationTimestamp.Y}}"},
        {"name": "loop", "value": "{{workflow.parameters.loop}}"},
    ]
    assert problems(spec) == {
        "templates[0].parameters[1].value": "parameter 'loop' refers to itself"
    }


def test_a_shared_template_is_checked_the_same_way():
    with pytest.raises(SpecError) as caught:
        shared_template_manifests(
            {"name": "shared", "image": "alpine", "args": ["{{workflow.paramters.x}}"]}
        )
    assert [str(p) for p in caught.value.problems] == [
        "args[0]: `{{workflow.paramters.x}}` is not a variable Argo sets in WorkflowTemplate "
        "'shared'"
    ]


# --- the orchestrator: parameter values, arguments, conditions ---------------------------------


def test_arguments_and_conditions_resolve_in_the_orchestrator():
    spec = minimal_spec(
        parameters=[
            {"name": "region", "value": "eu"},
            {"name": "day", "value": "{{workflow.scheduledTime}}"},
            {"name": "bad", "value": "{{steps.a.status}}"},
        ],
        stages=[
            [
                {
                    "name": "a",
                    "workflowTemplate": "w",
                    "arguments": {"r": "{{workflow.parameters.regoin}}"},
                }
            ],
            [
                {
                    "name": "b",
                    "workflowTemplate": "w",
                    "when": "{{steps.a.statsu}} == Succeeded",
                    "arguments": {
                        "id": "{{steps.a.id}} {{workflow.labels." + CRON_LABEL + "}}",
                        "run": "{{workflow.name}} {{workflow.annotations." + SCHEDULED + "}}",
                        "pod": "{{pod.name}}",
                        "out": "{{steps.a.outputs.result}}",
                    },
                }
            ],
        ],
    )
    assert problems(spec) == {
        "parameters[2].value": "`{{steps.a.status}}`: Argo resolves `steps.*` only in a child's "
        "`arguments` and `when`",
        "stages[0][0].arguments.r": "references undeclared parameter 'regoin': declare it in the "
        "pipeline's `parameters` (did you mean 'region'?)",
        "stages[1][0].when": "`{{steps.a.statsu}}` is not something Argo records of a child's "
        "step: did you mean `{{steps.a.status}}`?",
        "stages[1][0].arguments.pod": "`{{pod.name}}` is not a variable Argo sets in the "
        "orchestrator",
        "stages[1][0].arguments.out": "`steps.a.outputs.result`: a child hands on only its "
        "template's output parameters, `steps.a.outputs.parameters.NAME`",
    }


def test_a_misspelt_child_is_suggested():
    spec = minimal_spec(
        stages=[
            [{"name": "sync-config", "workflowTemplate": "w"}],
            [{"name": "b", "workflowTemplate": "w", "when": "{{steps.sync-confg.status}} == x"}],
        ]
    )
    assert problems(spec) == {
        "stages[1][0].when": "`steps.sync-confg` refers to no child of this pipeline "
        "(did you mean `steps.sync-config`?)"
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{{=1+1}}", "`{{=1+1}}` is an expression, which Argo would evaluate"),
        ("a{{b", "has a '{{' with no closing '}}'"),
        ("'{{\"{{workflow.name}}'", '`{{"{{workflow.name}}` is not a variable: Argo reads a tag'),
        ("{{}}", "`{{}}` is not a variable Argo sets in the orchestrator"),
    ],
)
def test_a_brace_argo_would_read_is_refused_in_every_value(value, message):
    found = problems(
        minimal_spec(
            parameters=[{"name": "p", "value": value, "description": value}],
            stages=[[{"name": "a", "workflowTemplate": "w", "arguments": {"x": value}}]],
        )
    )
    assert set(found) >= {"parameters[0].value", "stages[0][0].arguments.x"}
    assert all(message in text for text in found.values())


def test_a_value_may_use_the_variables_argo_resolves_there():
    spec = minimal_spec(
        parameters=[
            {
                "name": "day",
                "value": "{{workflow.creationTimestamp.Y}}-{{workflow.creationTimestamp.m}}",
            },
            {"name": "run", "value": "{{workflow.name}} of {{workflow.parameters.day}}"},
        ],
        stages=[
            [
                {
                    "name": "a",
                    "workflowTemplate": "w",
                    "arguments": {"x": "{{workflow.parameters.run}}"},
                }
            ],
            [{"name": "b", "workflowTemplate": "w", "arguments": {"x": "{{steps.a.finishedAt}}"}}],
        ],
        onExit={
            "name": "tell",
            "workflowTemplate": "w",
            "arguments": {"s": "{{workflow.status}}", "f": "{{workflow.failures}}"},
        },
    )
    assert len(pipeline_manifests(spec)) > 0


def test_the_scopes_list_what_argo_sets():
    """The variables come from Argo's setGlobalParameters and strftime.FormatChars."""
    assert "workflow.creationTimestamp.Y" in references.RUN_GLOBALS
    assert (
        len([v for v in references.RUN_GLOBALS if v.startswith("workflow.creationTimestamp.")])
        == 18
    )
    assert references.NODE_ATTRIBUTES == ("status", "id", "startedAt", "finishedAt", "hostNodeName")


def test_the_template_argo_runs_has_its_locals_in_every_field_the_spec_does_not():
    """Scripts, sidecars, init containers, outputs and `argo:` fields are part of the template
    Argo substitutes with the node's locals; the WorkflowTemplate's spec gets the globals only."""
    spec = with_template(
        command=["sh"],
        source="echo {{pod.name}} {{inputs.parameters.region}}",
        sidecars=[{"name": "proxy", "image": "envoy", "args": ["{{workflow.paramters.region}}"]}],
        initContainers=[{"name": "setup", "image": "alpine", "args": ["{{retries}}"]}],
        outputs={
            "parameters": [
                {
                    "name": "rows",
                    "valueFrom": {"path": "/tmp/rows", "default": "{{workflow.nothing-here}}"},
                }
            ]
        },
        argo={"script": {"terminationMessagePath": "/tmp/{{node.name}}/{{workflow.nme}}"}},
        podMetadata={"annotations": {"run": "{{pod.name}}"}},
    )
    assert problems(spec) == {
        "templates[0].source": "`{{inputs.parameters.region}}`: a template here has no inputs; "
        "parameters are workflow arguments, read as `{{workflow.parameters.region}}`",
        "templates[0].sidecars[0].args[0]": "`{{workflow.paramters.region}}` is not a variable "
        "Argo sets in WorkflowTemplate 'worker': did you mean `{{workflow.parameters.region}}`?",
        "templates[0].initContainers[0].args[0]": "`{{retries}}` is not a variable Argo sets in "
        "WorkflowTemplate 'worker'",
        "templates[0].outputs.parameters[0].valueFrom.default": "`{{workflow.nothing-here}}` "
        "is not a variable Argo sets in WorkflowTemplate 'worker'",
        "templates[0].argo.script.terminationMessagePath": "`{{workflow.nme}}` is not a "
        "variable Argo sets in WorkflowTemplate 'worker': did you mean `{{workflow.name}}`?",
        "templates[0].podMetadata.annotations.run": "`{{pod.name}}` is set only in the template "
        "Argo runs (its containers, script, volumes, outputs), not in the WorkflowTemplate's spec",
    }


def test_text_argo_never_templates_is_not_checked_as_argo_text():
    """ServiceAccount annotations and alert labels are other objects: a `{{` there is not Argo's
    (Prometheus has its own `{{ $labels.x }}`)."""
    spec = with_template(serviceAccountAnnotations={"note": "{{ not argo }}"})
    spec["serviceAccountAnnotations"] = {"note": "{{ not argo }}"}
    assert load_pipeline(spec).templates[0].service_account_annotations == {
        "note": "{{ not argo }}"
    }
