"""Finding and filling Argo's `{{...}}` tags as fasttemplate scans them: to the first `}}`."""

from __future__ import annotations

from pulumi_argo_orchestration.syntax.template_text import fill_simple_tags, tags


def test_tags_in_order_up_to_the_first_closing_braces():
    text = "a {{workflow.name}} b {{= x }} c {{ open"
    assert tags(text) == ["{{workflow.name}}", "{{= x }}"]


def test_simple_tags_are_filled_by_their_trimmed_name():
    values = {"workflow.parameters.day": "2026-03-29", "workflow.scheduledTime": "T"}
    text = "{{workflow.parameters.day}}/{{ workflow.scheduledTime }}"
    assert fill_simple_tags(text, values) == "2026-03-29/T"


def test_expression_tags_and_unknown_names_stay_for_argo():
    values = {"workflow.parameters.day": "x"}
    text = "{{=workflow.parameters.day}} {{workflow.name}} {{workflow.parameters.day"
    assert fill_simple_tags(text, values) == text


def test_a_filled_value_is_not_scanned_again():
    values = {"workflow.parameters.a": "{{workflow.parameters.b}}", "workflow.parameters.b": "no"}
    assert fill_simple_tags("{{workflow.parameters.a}}", values) == "{{workflow.parameters.b}}"
