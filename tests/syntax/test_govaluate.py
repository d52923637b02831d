"""`when:` syntax as govaluate reads it, and Go-style durations as whole seconds."""

from __future__ import annotations

import pytest

from pulumi_argo_orchestration.syntax.go_duration import duration_seconds
from pulumi_argo_orchestration.syntax.govaluate import GovaluateError, evaluate, tags, when_problem

# Conditions Argo's own docs and examples use, and other forms govaluate parses.
VALID = [
    "{{workflow.status}} == Succeeded",
    "{{workflow.status}} != Succeeded",
    "{{steps.flip-coin.outputs.result}} == heads",
    "( {{steps.flip-coin.outputs.result}} == tails ) && ( {{steps.again.outputs.result}} == tails)",
    "{{workflow.parameters.should-print}} == true",
    "'{{workflow.parameters.env}}' == 'prod-eu'",
    '"{{workflow.parameters.env}}" == "prod eu"',
    "{{workflow.parameters.count}} > 5 || {{workflow.parameters.force}} == true",
    "{{tasks.a.status}} in ('Succeeded', 'Skipped')",
    "{{workflow.parameters.tag}} =~ '^v[0-9]+'",
    "!{{workflow.parameters.skip}}",
    "!({{workflow.parameters.a}} == b)",
    "-{{workflow.parameters.n}} < 0",
    "{{workflow.parameters.n}} % 2 == 0",
    "v{{workflow.parameters.version}} == v2",
    "{{workflow.parameters.a}} ? {{workflow.parameters.b}} : c",
    "[weird name] == x",
    "'it\\'s' == x",
    "1.5 < 2",
]

INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("{{workflow.parameters.env}} = prod", "invalid operator '=': compare with '=='"),
    ("{{workflow.parameters.env}} === prod", "invalid operator '==='"),
    ("{{workflow.parameters.env}} == prod eu", "'eu' follows the value 'prod' without an operator"),
    ("{{workflow.status}} Succeeded", "follows the value"),
    ("'{{workflow.parameters.env}} == prod", "unclosed string literal"),
    ("({{workflow.parameters.a}} == b", "unbalanced parentheses"),
    ("{{workflow.parameters.a}} == b)", "unbalanced parentheses"),
    ("{{workflow.parameters.a}} ==", "ends with '=='"),
    ("{{workflow.parameters.a}} == b &&", "ends with '&&'"),
    ("== b", "cannot start with '=='"),
    ("!ready", "'!' cannot negate the string 'ready'"),
    ("{{workflow.parameters.v}} == 1.2.3", "'1.2.3' is not a number"),
    ("[unclosed == x", "unclosed '['"),
    ("(a == b)(c == d)", "'(' cannot follow ')'"),
    ("a == b ! c", "invalid operator '!'"),
    ("_private == x", "invalid operator '_'"),
]


@pytest.mark.parametrize("condition", VALID)
def test_govaluate_accepts(condition):
    assert when_problem(condition) is None


@pytest.mark.parametrize(("condition", "expected"), INVALID)
def test_govaluate_rejects(condition, expected):
    problem = when_problem(condition)
    assert problem is not None
    assert expected in problem


def test_a_tag_stands_for_one_value_wherever_it_is():
    # A tag glued to a word or inside quotes is still one value, never a syntax error.
    assert when_problem("x{{workflow.parameters.a}}y == z") is None
    assert when_problem("'{{workflow.parameters.a}} and more' == z") is None
    # Two tags in a row are two values: govaluate would need an operator between them.
    assert "without an operator" in when_problem("{{workflow.a}} {{workflow.b}} == c")


def test_tags_lists_trimmed_tag_contents():
    assert tags("{{ workflow.status }} == {{tasks.a.status}} {{=x}}") == [
        "workflow.status",
        "tasks.a.status",
        "=x",
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30", 30),
        ("30s", 30),
        ("20m", 1200),
        ("2h", 7200),
        ("1h30m", 5400),
        ("1.5h", 5400),
        ("2h45m30s", 9930),
        ("1500ms", 2),
        ("1ns", 1),
        ("0s", 0),
        ("90m0s", 5400),
    ],
)
def test_durations_become_whole_seconds_rounded_up(text, seconds):
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "m", "1d", "1 h", "-1h", "h1", "1h-30m", "1.h", "abc"])
def test_invalid_durations(text):
    assert duration_seconds(text) is None


# --- evaluating a substituted condition (what simulate needs) -------------------------------------

# (condition after Argo's substitution, its value) - govaluate's semantics: bare words are strings
# (Argo, steps.go shouldExecute), numbers are float64, `==` is reflect.DeepEqual (evaluationStage.go
# equalStage), comparators bind tighter than `&&`, which binds tighter than `||` (stagePlanner.go).
EVALUATED = [
    ("production == production", True),
    ("staging == production", False),
    ("Failed != Succeeded", True),
    ("Succeeded != Succeeded", False),
    ("'eu-west-1' == 'eu-west-1'", True),
    ("\"a b\" == 'a b'", True),
    ("5 > 3", True),
    ("5 == 5.0", True),
    ("5 == '5'", False),  # a number is never a string
    ("2 < 10", True),  # numbers, not text
    ("'2' < '10'", False),  # text order
    ("true", True),
    ("!(a == b)", True),
    ("a == b || c == c && d == e", False),  # && first: a==b || (c==c && d==e)
    ("(a == b || c == c) && d == d", True),
    ("'release-2' =~ '^release-[0-9]+$'", True),
    ("main !~ '^release'", True),
    ("-1 < 0", True),
]


@pytest.mark.parametrize(("condition", "value"), EVALUATED)
def test_evaluate(condition: str, value: bool) -> None:
    assert evaluate(condition) is value


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("a", "the condition is 'a', not true or false"),
        ("1 + 2 == 3", "'+' is not evaluated here: only comparisons and logic"),
        ("5 < a", "'<' needs two numbers or two strings"),
        ("a && b", "'&&' needs two booleans, not 'a' and 'b'"),
        ("release-2 == x", "'-' is not evaluated here: only comparisons and logic"),
        ("x ==", "the condition ends with '==': a value is missing after it"),
        ("a =~ '('", "invalid pattern '(': missing ), unterminated subpattern at position 0"),
    ],
)
def test_evaluate_refuses(condition: str, message: str) -> None:
    with pytest.raises(GovaluateError) as caught:
        evaluate(condition)
    assert str(caught.value) == message
