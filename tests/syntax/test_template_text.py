"""Finding and filling Argo's `{{...}}` tags as fasttemplate scans them: to the first `}}`, in one
scan of the text.

fasttemplate (valyala/fasttemplate template.go, `ExecuteFunc`) looks for the start tag, then for
the first end tag after it, and stops when there is none. The regular expressions this package
used before (`\\{\\{(.*?)\\}\\}` with DOTALL, and the govaluate word form) give the same tags but
rescan the rest of the text from every unclosed `{{`: they are the oracle here, on short texts.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration.syntax import govaluate, template_text
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


LAZY_TAG = r"(?s)\{\{(.*?)\}\}"
TAG_IN_A_WORD = r"(?s)[\w.]*\{\{.*?\}\}[\w.]*"
PIECES = st.sampled_from(["{{", "}}", "{", "}", "a", "1", ".", "_", " ", "\n", "é", "=", "x"])
TEXTS = st.lists(PIECES, max_size=14).map("".join)


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_tags_are_the_lazy_expressions_matches(text):
    assert template_text.tag_bodies(text) == [match.strip() for match in re.findall(LAZY_TAG, text)]
    assert template_text.replace_tags(text, lambda body: f"<{body}>") == re.sub(
        LAZY_TAG, lambda match: f"<{match.group(1)}>", text
    )
    assert template_text.unclosed_tag(text) == ("{{" in re.sub(LAZY_TAG, "", text))


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_a_tag_glued_to_a_word_is_one_value(text):
    sentinel = govaluate._VALUE_SENTINEL
    assert govaluate._tags_as_values(text) == re.sub(TAG_IN_A_WORD, sentinel, text)


def test_fasttemplate_cases():
    assert template_text.tag_spans("a {{x}} b {{ y }}") == [(2, 7), (10, 17)]
    assert template_text.tag_bodies("{{a {{b}} c}}") == ["a {{b"]  # tags do not nest
    assert template_text.tag_bodies("{{a}} {{b") == ["a"]
    assert template_text.unclosed_tag("{{a}} {{b")
    assert not template_text.unclosed_tag("}} {{a}}")


def test_many_unclosed_tags_are_one_scan():
    """120,000 characters of `{{x`: the lazy expression took a minute on these, and `when`
    fields get them from the spec file."""
    text = "{{x" * 40_000
    assert template_text.tag_bodies(text) == []
    assert template_text.unclosed_tag(text)
    assert govaluate.when_problem(text) is not None
