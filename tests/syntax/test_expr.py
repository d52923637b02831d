"""Run control: the CronWorkflow's `when` and `stopStrategy`, rendered and validated."""

from __future__ import annotations

import pytest

from pulumi_argo_orchestration import SpecError, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.syntax.expr import stop_expression_problems, when_problems
from tests.conftest import minimal_spec

DST_GUARD = (
    "{{= cronworkflow.lastScheduledTime == nil"
    " || (now() - cronworkflow.lastScheduledTime).Hours() >= 2 }}"
)


def cron_spec(spec):
    (cron,) = [d for d in pipeline_manifests(spec) if d["kind"] == "CronWorkflow"]
    return cron["spec"]


def test_when_and_stop_strategy_are_written_after_suspend():
    spec = cron_spec(
        minimal_spec(when=DST_GUARD, stopStrategy={"expression": "cronworkflow.failed >= 3"})
    )
    assert spec["when"] == DST_GUARD
    assert spec["stopStrategy"] == {"expression": "cronworkflow.failed >= 3"}
    keys = list(spec)
    assert keys.index("suspend") + 1 == keys.index("when")
    assert keys.index("when") + 1 == keys.index("stopStrategy")


def test_without_run_control_nothing_is_written():
    spec = cron_spec(minimal_spec())
    assert "when" not in spec
    assert "stopStrategy" not in spec


def test_run_control_conforms_to_argo_v4(argo_schemas):
    documents = pipeline_manifests(
        minimal_spec(when=DST_GUARD, stopStrategy={"expression": "cronworkflow.succeeded >= 1"})
    )
    assert [p for d in documents for p in argo_schemas.problems(d)] == []


@pytest.mark.parametrize(
    "text",
    [
        DST_GUARD,
        "{{= cronworkflow.failed < 3 }}",
        "{{cronworkflow.failed}} < 3",
        "{{= cronworkflow.labels.team == 'search' }}",
        "{{= cronworkflow.lastScheduledTime.Hour() != 1 }}",
        "{{= cronworkflow.name == 'a' && sprig.trim(cronworkflow.namespace) != '' }}",
    ],
)
def test_runnable_when_templates_pass(text):
    assert when_problems(text, "when") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("true", "has no `{{...}}` tag"),
        ("cronworkflow.failed < 3", "resolve only inside `{{...}}` tags"),
        ("{{= cronworkflow.failed < 3 ", "without its `}}`"),
        ("{{= (cronworkflow.failed < 3 }}", "unclosed `(`"),
        ("{{= cronworkflow.failed < 3) }}", "unmatched `)`"),
        ("{{= cronworkflow.faild < 3 }}", "unknown variable `cronworkflow.faild`"),
        ("{{= failed < 3 }}", "unknown variable `failed`: write `cronworkflow.failed`"),
        ("{{= workflow.name != '' }}", "only cronworkflow.* variables are set here"),
        ("{{= cronworkflow.failed.count > 1 }}", "`cronworkflow.failed` has no field `count`"),
        ("{{ cronworkflow.labels }}", "is not a variable Argo sets for `when`"),
        ("{{workflow.scheduledTime}} != ''", "is not a variable Argo sets for `when`"),
        ("{{=  }}", "empty expression"),
    ],
)
def test_when_mistakes_are_explained(text, expected):
    found = when_problems(text, "when")
    assert found, text
    assert all(p.path == "when" for p in found)
    assert any(expected in p.message for p in found), [p.message for p in found]


@pytest.mark.parametrize(
    "text",
    [
        "cronworkflow.failed >= 3",
        "cronworkflow.succeeded >= 1 || cronworkflow.failed > 2",
        "let total = cronworkflow.failed + cronworkflow.succeeded; total >= 10",
        "cronworkflow.labels['stop'] == 'true'",
    ],
)
def test_runnable_stop_expressions_pass(text):
    assert stop_expression_problems(text, "stopStrategy.expression") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("{{= cronworkflow.failed >= 3 }}", "bare expression, not a `{{...}}` template"),
        ("failed >= 3", "write `cronworkflow.failed`"),
        ("succeeded >= 1", "write `cronworkflow.succeeded`"),
        ("true", "references no `cronworkflow.*` variable"),
        ("cronworkflow.failures >= 3", "unknown variable `cronworkflow.failures`"),
        ("(cronworkflow.failed >= 3", "unclosed `(`"),
        ("inputs.parameters.x == '1'", "only cronworkflow.* variables are set here"),
    ],
)
def test_stop_expression_mistakes_are_explained(text, expected):
    found = stop_expression_problems(text, "stopStrategy.expression")
    assert any(expected in p.message for p in found), [p.message for p in found]


def test_string_literals_are_not_read_as_variables():
    assert when_problems("{{= cronworkflow.name != 'workflow.name' }}", "when") == []
    assert stop_expression_problems('cronworkflow.name == "failed"', "s") == []


def test_spec_errors_carry_both_paths_at_once():
    with pytest.raises(SpecError) as caught:
        load_pipeline(
            minimal_spec(when="cronworkflow.failed < 3", stopStrategy={"expression": "failed > 2"})
        )
    found = {p.path: p.message for p in caught.value.problems}
    assert set(found) == {"when", "stopStrategy.expression"}


def test_stop_strategy_needs_an_expression():
    with pytest.raises(SpecError) as caught:
        load_pipeline(minimal_spec(stopStrategy={"condition": "cronworkflow.failed > 2"}))
    found = {p.path: p.message for p in caught.value.problems}
    assert found == {
        "stopStrategy.expression": "required field is missing",
        "stopStrategy.condition": "unknown field",
    }
