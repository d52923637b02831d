"""Checks for Argo's expr expressions: the CronWorkflow's run control (`when` and
`stopStrategy.expression`, Argo v3.6+) and a template's `retryStrategy.expression`.

Argo evaluates both only at schedule time, with nothing but the `cronworkflow.*` variables in
scope; a typo surfaces then, as an error condition on the CronWorkflow, and the run does not start.
The two fields are written differently (workflow/cron/operator.go):

- `when` is a template: its `{{...}}` tags are replaced first, then the text is evaluated as a
  boolean, e.g. `{{= cronworkflow.failed < 3 }}`;
- `stopStrategy.expression` is a bare expr expression, e.g. `cronworkflow.failed >= 3`.

A retry `expression` is a bare expr expression too, evaluated after each failed attempt with the
`retries` and `lastRetry.*` variables (workflow/controller/operator.go,
`buildRetryStrategyLocalScope`; names in util/variables/keys/retries.go, and in v3.5
workflow/common/common.go). Every value is text: compare numbers through `asInt(...)`.

We cannot run expr here, so we check what is checkable: not empty, tags closed, parentheses
balanced, and every variable one Argo provides.
"""

from __future__ import annotations

import re

from ..errors import Problem, shown
from .spelling import closest
from .template_text import replace_tags, tag_spans

VARIABLE_ROOT = "cronworkflow"
# Set by expressionEnv() in Argo's workflow/cron/operator.go.
VARIABLES = (
    "name",
    "namespace",
    "labels",
    "annotations",
    "failed",
    "succeeded",
    "lastScheduledTime",
)
# Plain `{{...}}` tags see the flat keys only (`labels` and `annotations` as JSON text).
PLAIN_TAG_KEYS = frozenset(
    f"{VARIABLE_ROOT}.{key}"
    for key in (
        "name",
        "namespace",
        "failed",
        "succeeded",
        "lastScheduledTime",
        "labels.json",
        "annotations.json",
    )
)
_MAP_VARIABLES = frozenset({"labels", "annotations"})
RETRY_VARIABLES = (
    "retries",
    "lastRetry.exitCode",
    "lastRetry.status",
    "lastRetry.duration",
    "lastRetry.message",
)
# expr's operator words and literals: not variables.
_KEYWORDS = frozenset(
    {
        "true",
        "false",
        "nil",
        "and",
        "or",
        "not",
        "in",
        "matches",
        "contains",
        "startsWith",
        "endsWith",
        "let",
        "if",
        "else",
    }
)
_STRING = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`"
_NAME = r"(?<![\w.$#])([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)(\s*\()?"
_LET = r"\blet\s+([A-Za-z_]\w*)\s*="
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_KNOWN = ", ".join(f"{VARIABLE_ROOT}.{name}" for name in VARIABLES)


def when_problems(text: str, path: str) -> list[Problem]:
    """Problems of a CronWorkflow `when` template; empty when it looks runnable."""
    if not text.strip():
        return [Problem(path, "is empty: leave `when` out to start a run on every schedule")]
    tags = [text[start + 2 : end - 2] for start, end in tag_spans(text)]
    outside = replace_tags(text, lambda _: " ")
    if "{{" in outside or "}}" in outside:
        return [Problem(path, "has a `{{` without its `}}` (or the reverse)")]
    if VARIABLE_ROOT in re.sub(_STRING, "", outside):
        return [
            Problem(
                path,
                f"`{VARIABLE_ROOT}.*` variables resolve only inside `{{{{...}}}}` tags: "
                "write e.g. `{{= cronworkflow.failed < 3 }}`",
            )
        ]
    if not tags:
        return [
            Problem(
                path,
                "has no `{{...}}` tag, so it is the same at every schedule: write an expression "
                "tag such as `{{= cronworkflow.failed < 3 }}`, or use `suspend`",
            )
        ]
    problems: list[Problem] = []
    for tag in tags:
        body = tag.strip()
        if body.startswith("="):
            problems += _expression_problems(body[1:], path)
        elif body not in PLAIN_TAG_KEYS:
            problems.append(
                Problem(
                    path,
                    f"{shown('{{' + body + '}}', code=True)} is not a variable Argo sets for "
                    "`when`: use one of "
                    f"{', '.join(sorted(PLAIN_TAG_KEYS))}, or an expression tag `{{{{= ... }}}}`",
                )
            )
    return problems


def stop_expression_problems(text: str, path: str) -> list[Problem]:
    """Problems of a `stopStrategy.expression`; empty when it looks runnable."""
    if not text.strip():
        return [Problem(path, "is empty: write a condition such as `cronworkflow.failed >= 3`")]
    if "{{" in text or "}}" in text:
        return [
            Problem(
                path,
                "is a bare expression, not a `{{...}}` template (unlike `when`): "
                "write e.g. `cronworkflow.failed >= 3`",
            )
        ]
    problems = _expression_problems(text, path)
    if not problems and not _variables(text):
        problems.append(
            Problem(
                path,
                f"references no `{VARIABLE_ROOT}.*` variable, so it is the same after every run: "
                "use e.g. `cronworkflow.failed >= 3`, or `suspend` to stop scheduling",
            )
        )
    return problems


def retry_expression_problems(text: str) -> list[str]:
    """Problems of a `retryStrategy.expression`; empty when it looks runnable."""
    if not text.strip():
        return ["is empty: leave `expression` out to retry whatever `retryPolicy` allows"]
    if "{{" in text or "}}" in text:
        return [
            "is a bare expression, not a `{{...}}` template: write e.g. "
            "`asInt(lastRetry.exitCode) > 1`"
        ]
    code = re.sub(_STRING, '""', text)
    problems = []
    unbalanced = _unbalanced(code)
    if unbalanced:
        problems.append(unbalanced)
    bound = set(re.findall(_LET, code))
    known = ", ".join(RETRY_VARIABLES)
    for root, members, called in _names(code):
        name = f"{root}{members}"
        if root in bound or called or name in RETRY_VARIABLES:
            continue
        hint = closest(name, list(RETRY_VARIABLES))
        meant = f" (did you mean `{hint}`?)" if hint else ""
        problems.append(f"unknown variable `{name}`{meant}: Argo sets {known} (all text)")
    return problems


def _expression_problems(expression: str, path: str) -> list[Problem]:
    code = re.sub(_STRING, '""', expression)
    if not code.strip():
        return [Problem(path, "has an empty expression")]
    problems = []
    unbalanced = _unbalanced(code)
    if unbalanced:
        problems.append(Problem(path, unbalanced))
    bound = set(re.findall(_LET, code))
    for root, members, called in _names(code):
        name = f"{root}{members}"
        if root in bound or (called and root != VARIABLE_ROOT):
            continue  # a let-bound name, or a function such as now() or sprig.trim()
        if root != VARIABLE_ROOT:
            hint = (
                f"write `{VARIABLE_ROOT}.{root}`"
                if root in VARIABLES
                else f"only {VARIABLE_ROOT}.* variables are set here"
            )
            problems.append(Problem(path, f"unknown variable {shown(name, code=True)}: {hint}"))
            continue
        parts = members.split(".")[1:]
        if parts and parts[0] not in VARIABLES:
            problems.append(
                Problem(path, f"unknown variable {shown(name, code=True)}: Argo sets {_KNOWN}")
            )
        elif len(parts) > 1 and not called and parts[0] not in _MAP_VARIABLES:
            field = shown(parts[1], code=True)
            problems.append(Problem(path, f"`{root}.{parts[0]}` has no field {field}"))
    return problems


def _variables(code: str) -> list[tuple[str, str]]:
    """Dotted names that are read, not called: `(root, '.member...')`."""
    return [(root, members) for root, members, called in _names(code) if not called]


def _names(code: str) -> list[tuple[str, str, bool]]:
    """Every dotted name outside string literals: `(root, '.member...', followed by '(')`."""
    code = re.sub(_STRING, '""', code)
    return [
        (root, members, bool(call))
        for root, members, call in re.findall(_NAME, code)
        if root not in _KEYWORDS
    ]


def _unbalanced(code: str) -> str | None:
    stack: list[str] = []
    for char in code:
        if char in "([{":
            stack.append(char)
        elif char in _BRACKETS and (not stack or stack.pop() != _BRACKETS[char]):
            return f"has an unmatched `{char}`"
    return f"has an unclosed `{stack[-1]}`" if stack else None
