"""Values given for one run (`-p NAME=VALUE`): the pipeline's parameters and its window, checked
like the spec's own values, every problem named."""

from __future__ import annotations

from pulumi_argo_orchestration import load_pipeline
from pulumi_argo_orchestration.spec.run_parameters import run_parameter_problems
from tests.conftest import minimal_spec

PARAMETERS = [{"name": "region", "value": "eu"}, {"name": "run-date", "value": "today"}]


def messages(spec, values) -> dict[str, str]:
    return {p.path: p.message for p in run_parameter_problems(load_pipeline(spec), values)}


def test_known_parameters_take_any_value_argo_can_carry():
    spec = minimal_spec(parameters=PARAMETERS)
    assert messages(spec, {"region": 'us "east"\n', "run-date": "{{workflow.name}}"}) == {}


def test_an_unknown_name_suggests_the_closest():
    spec = minimal_spec(parameters=PARAMETERS)
    assert messages(spec, {"regoin": "x", "zone": "y"}) == {
        "-p regoin": "the pipeline has no parameter 'regoin' (did you mean 'region'?); its "
        "parameters: region, run-date",
        "-p zone": "the pipeline has no parameter 'zone'; its parameters: region, run-date",
    }
    assert messages(minimal_spec(), {"region": "x"}) == {
        "-p region": "the pipeline has no parameter 'region'; it has none"
    }


def test_values_argo_cannot_substitute_are_refused():
    spec = minimal_spec(parameters=PARAMETERS)
    assert messages(spec, {"region": "a{{b", "run-date": "bell\a"}) == {
        "-p region": "has a '{{' with no closing '}}': Argo reads every value as a template "
        "(a '{{' cannot be escaped, argo #8253) and the substitution would fail",
        "-p run-date": "contains U+0007, which Argo cannot substitute: it escapes values with "
        "Go's strconv.Quote, whose escape for it is not JSON, so the step would fail",
    }


def test_tags_follow_the_rules_of_the_spec_s_parameter_values():
    """Argo templates a submitted value: only the references the spec could hold are kept."""
    spec = minimal_spec(parameters=PARAMETERS)
    assert messages(spec, {"region": "{{workflow.parameters.run-date}}"}) == {}
    found = messages(spec, {"region": "{{=1+1}}", "run-date": "{{workflow.parameters.run-date}}"})
    assert found == {
        "-p region": "`{{=1+1}}` is an expression, which Argo would evaluate: the value would not "
        "arrive as written. Here only variables resolve, e.g. `{{workflow.parameters.NAME}}` (a "
        "'{{' cannot be escaped (argo #8253))",
        "-p run-date": "parameter 'run-date' refers to itself",
    }
    assert messages(spec, {"region": "{{workflow.parameters.nope}}"})["-p region"].startswith(
        "references undeclared parameter 'nope'"
    )


def test_the_window_may_be_set_with_rfc3339_times():
    spec = minimal_spec(window={"length": "4h"})
    assert messages(spec, {"window-start": "2026-03-28T00:00:00Z"}) == {}
    assert messages(spec, {"window-end": "yesterday"}) == {
        "-p window-end": "'yesterday' is not an RFC 3339 time (e.g. 2026-03-29T00:00:00Z)"
    }
    assert messages(minimal_spec(), {"window-start": "2026-03-28T00:00:00Z"}) == {
        "-p window-start": "the pipeline has no parameter 'window-start'; it has none"
    }
