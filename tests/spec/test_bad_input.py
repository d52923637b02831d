"""What people actually get wrong, written by hand: the exact field path and a message that helps.

Each case is a spec file, read the way `argo-orchestration render` reads it; the CLI must exit 1
with nothing on stdout and every problem (path: message) on stderr.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_argo_orchestration import SpecError
from pulumi_argo_orchestration.spec.loading import load_spec_file
from tests.support.cli_runner import invoke

VALID = """\
name: scheduled-sync
namespace: argo-workflows
schedule: "0 */4 * * *"
timezone: Europe/Zurich
stages:
  - - name: sync-config
      workflowTemplate: config-sync
  - - name: rebuild-cache
      workflowTemplate: cache-rebuild
"""
DNS = (
    "must be a lowercase DNS-1123 label: a-z, 0-9 and '-', starting and ending with a letter "
    "or digit"
)
MAPPING = "a pipeline spec must be a mapping of fields (name, schedule, stages, ...), got "

CASES: dict[str, tuple[str | bytes, dict[str, str]]] = {
    "four-field-schedule": (
        VALID.replace('"0 */4 * * *"', '"0 */4 * *"'),
        {
            "schedule": "invalid cron schedule '0 */4 * *': expected 5 fields "
            "(minute hour day-of-month month day-of-week), got 4"
        },
    ),
    "misspelled-timezone": (
        VALID.replace("Europe/Zurich", "Europe/Zurichh"),
        {
            "timezone": "unknown time zone 'Europe/Zurichh': use an IANA name such as "
            "'Europe/Zurich' or 'UTC'"
        },
    ),
    "offset-timezone": (
        VALID.replace("Europe/Zurich", "CET+1"),
        {
            "timezone": "unknown time zone 'CET+1': use an IANA name such as "
            "'Europe/Zurich' or 'UTC'"
        },
    ),
    "53-character-name": (
        VALID.replace("scheduled-sync", "s" * 53),
        {
            "name": "53 characters, at most 52 allowed: Argo names each run "
            "`<name>-<unix seconds>`, which must fit in 63 characters"
        },
    ),
    "uppercase-names": (
        VALID.replace("name: scheduled-sync", "name: Scheduled-Sync")
        .replace("argo-workflows", "Argo")
        .replace("name: rebuild-cache", "name: Rebuild-Cache")
        .replace("cache-rebuild", "Cache-Rebuild"),
        {
            "name": f"'Scheduled-Sync' {DNS} (try 'scheduled-sync')",
            "namespace": f"'Argo' {DNS} (try 'argo')",
            "stages[1][0].name": f"'Rebuild-Cache' {DNS} (try 'rebuild-cache')",
            "stages[1][0].workflowTemplate": "'Cache-Rebuild' must be a lowercase DNS-1123 "
            "subdomain: a-z, 0-9, '-' and '.', starting and ending with a letter or digit "
            "(try 'cache-rebuild')",
        },
    ),
    "duplicate-step-names": (
        VALID.replace("name: rebuild-cache", "name: sync-config"),
        {"stages[1][0].name": "duplicate step name 'sync-config' (first at stages[0][0].name)"},
    ),
    "stage-without-children": (
        VALID + "  - []\n",
        {"stages[2]": "a stage needs at least one child: remove it or add one"},
    ),
    "lowercase-concurrency-policy": (
        VALID + "concurrencyPolicy: replace\n",
        {
            "concurrencyPolicy": "'replace' is not allowed: use 'Allow', 'Forbid' or 'Replace' "
            "(did you mean 'Replace'? case matters)"
        },
    ),
    "undeclared-parameter": (
        VALID.replace(
            "workflowTemplate: config-sync",
            "workflowTemplate: config-sync\n      arguments:\n"
            '        since: "{{workflow.parameters.x}}"',
        ),
        {
            "stages[0][0].arguments.since": "references undeclared parameter 'x': declare it "
            "in the pipeline's `parameters`"
        },
    ),
    "not-a-mapping": ("- name: scheduled-sync\n- schedule: '@daily'\n", {"": MAPPING + "a list"}),
    "a-single-value": ("scheduled-sync\n", {"": MAPPING + "a single value (str)"}),
    "empty-file": ("", {"": MAPPING + "nothing (the file is empty or only comments)"}),
    "only-comments": ("# TODO\n", {"": MAPPING + "nothing (the file is empty or only comments)"}),
    "binary-file": (
        bytes(range(256)),
        {"": "not a text file (not UTF-8): expected a YAML pipeline spec"},
    ),
    "nul-bytes": (
        b"name: a\x00\n",
        {"": "not a text file (contains NUL bytes): expected a YAML pipeline spec"},
    ),
    "duplicate-key": (
        VALID + "name: other\n",
        {
            "": "line 10, column 1: duplicate key 'name' (first on line 1): YAML would "
            "silently keep only the last one"
        },
    ),
    "unquoted-star": (
        VALID.replace('"0 */4 * * *"', "*/5 * * * *"),
        {
            "": "line 3, column 12: not valid YAML: did not find expected alphabetic or numeric "
            "character (a value that starts with '*', '&' or '!' must be quoted, e.g. schedule: "
            '"*/5 * * * *")'
        },
    ),
    "misspelled-field": (
        VALID.replace("timezone:", "timeZone:"),
        {"timeZone": "unknown field"},
    ),
    "unclosed-tag-in-value": (
        VALID + "parameters:\n  - name: since\n    value: '{{workflow.creationTimestamp'\n",
        {
            "parameters[0].value": "has a '{{' with no closing '}}': Argo reads every value as "
            "a template (a '{{' cannot be escaped, argo #8253) and the substitution would fail"
        },
    ),
    "token-off-without-executor": (
        VALID + "automountServiceAccountToken: false\n",
        {
            "automountServiceAccountToken": "`automountServiceAccountToken: false` needs "
            "`executorServiceAccountName`: Argo's own containers (wait, or argoexec in a resource "
            "step) write workflowtaskresults with a service-account token, and Argo rejects the "
            "pod without one (executor.serviceAccountName must not be empty if "
            "automountServiceAccountToken is false)"
        },
    ),
}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_the_base_spec_is_valid(tmp_path):
    assert load_spec_file(write(tmp_path, "valid", VALID)).name == "scheduled-sync"


@pytest.mark.parametrize(("content", "expected"), CASES.values(), ids=CASES)
def test_exact_path_and_message(tmp_path, content, expected):
    path = write(tmp_path, "spec", content)
    with pytest.raises(SpecError) as caught:
        load_spec_file(path)
    assert {p.path: p.message for p in caught.value.problems} == expected
    assert caught.value.source == str(path)


@pytest.mark.parametrize(("content", "expected"), CASES.values(), ids=CASES)
def test_render_exits_1_with_every_problem_on_stderr_only(tmp_path, content, expected):
    path = write(tmp_path, "spec", content)
    result = invoke("render", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert str(path) in result.stderr
    for where, message in expected.items():
        assert (f"  - {where}: {message}" if where else f"  - {message}") in result.stderr
    assert "Traceback" not in result.stderr
