"""What people actually get wrong, written by hand: the exact field path and a message that helps.

Each case is a spec file, read the way `argo-orchestration render` reads it; the CLI must exit 1
with nothing on stdout and every problem (path: message) on stderr.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, load_pipeline
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.spec.yaml_input import expanded_size
from tests.conftest import EXAMPLE_SPECS
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
        {"timezone": "unknown time zone 'Europe/Zurichh': did you mean 'Europe/Zurich'?"},
    ),
    "unknown-timezone": (
        VALID.replace("Europe/Zurich", "Nowhere/Atall"),
        {
            "timezone": "unknown time zone 'Nowhere/Atall': use an IANA name such as "
            "'Europe/Zurich' or 'UTC'"
        },
    ),
    "offset-timezone": (
        VALID.replace("Europe/Zurich", "CET+1"),
        {"timezone": "unknown time zone 'CET+1': did you mean 'CET'?"},
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
        {"timeZone": "unknown field (did you mean 'timezone'?)"},
    ),
    "misspelled-nested-field": (
        VALID + "stopStrategy: {expresion: 'true'}\n",
        {"stopStrategy.expresion": "unknown field (did you mean 'expression'?)"},
    ),
    "unknown-field-as-written": (
        VALID + "podGC: {strategy: OnPodSuccess, k1x: 1}\n",
        {"podGC.k1x": "unknown field"},
    ),
    "quoted-boolean": (
        VALID + 'suspend: "yes"\norchestratorTemplate: 1\n',
        {
            "suspend": "expected true or false, got 'yes': quoted, YAML reads it as text; write "
            "true or false without quotes",
            "orchestratorTemplate": "expected true or false, got 1",
        },
    ),
    "two-documents": (
        VALID + "---\n" + VALID,
        {
            "": "line 10, column 1: a second YAML document ('---'): a spec file holds one spec; "
            "put each in a file of its own"
        },
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

# Adversarial input (generated where big): every one is a clear message, in bounded time and memory.
ZONE = "unknown time zone {}: use an IANA name such as 'Europe/Zurich' or 'UTC'"
REGION = (
    "unknown time zone 'America': a region of the database: name one of its zones, e.g. "
    "'America/Adak'"
)


def alias_bomb(levels: int, field: str = "concurrencyPolicy") -> str:
    """`field: *aN`, where each anchor holds ten of the one before: 10**(N+1) leaves."""
    anchors = ['  &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"],']
    anchors += [f"  &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]," for i in range(1, levels + 1)]
    return VALID + "x: [\n" + "\n".join(anchors) + f"\n]\n{field}: *a{levels}\n"


BOMB_ECHO = (
    "[[[...], [...], [...], ...], [[...], [...], [...], ...], [[...], [...], [...]..."
    " is not allowed: use 'Allow', 'Forbid' or 'Replace'"
)
CASES.update(
    {
        "alias-bomb-in-an-enum-field": (
            alias_bomb(3),
            {"x": "unknown field", "concurrencyPolicy": BOMB_ECHO},
        ),
        "alias-inside-its-own-anchor": (
            VALID + "concurrencyPolicy: &a [*a]\n",
            {"concurrencyPolicy": "[[[...]]] is not allowed: use 'Allow', 'Forbid' or 'Replace'"},
        ),
        "5000-digit-integer": (
            VALID + f"startingDeadlineSeconds: {'9' * 5000}\n",
            {
                "": "line 10, column 26: the integer "
                f"'{'9' * 80}...' (5,000 characters) is out of range: Kubernetes and Argo hold "
                "integers in 64 bits (at most 2**63 - 1)"
            },
        ),
        "integer-past-64-bits": (
            VALID + f"startingDeadlineSeconds: {2**63}\n",
            {
                "": f"line 10, column 26: the integer '{2**63}' is out of range: Kubernetes and "
                "Argo hold integers in 64 bits (at most 2**63 - 1)"
            },
        ),
        "nested-1000-deep": (
            VALID + "labels: " + "[" * 1000 + "]" * 1000 + "\n",
            {
                "": "line 10, column 1008: not valid YAML: exceeded maximum nesting depth",
            },
        ),
        "timezone-that-is-a-directory": (
            VALID.replace("Europe/Zurich", "America"),
            {"timezone": REGION},
        ),
        "timezone-of-256-characters": (
            VALID.replace("Europe/Zurich", "A" * 256),
            {"timezone": ZONE.format(f"'{'A' * 80}...' (256 characters)")},
        ),
        "timezone-as-a-long-path": (
            VALID.replace("Europe/Zurich", "America/" * 2000 + "X"),
            {"timezone": ZONE.format(f"'{('America/' * 10)[:80]}...' (16,001 characters)")},
        ),
        "timezone-leaving-the-database": (
            VALID.replace("Europe/Zurich", "../../etc/localtime"),
            {"timezone": ZONE.format("'../../etc/localtime'")},
        ),
        "huge-label-key": (
            VALID + f"labels:\n  ? {'k' * 100_000}\n  : v\n",
            {
                "labels": f"label '{'k' * 80}...' "
                "(100,000 characters): the name must be 1-63 characters of a-z, A-Z, 0-9, '-', "
                "'_', '.', alphanumeric at both ends"
            },
        ),
    }
)


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


def naive_expanded_size(node):
    """The size `expanded_size` computes, the obvious way: recursion over the expansion."""
    if isinstance(node, yaml.ScalarNode):
        return 1 + len(node.value)
    children = [p for pair in node.value for p in pair] if node.id == "mapping" else node.value
    return 1 + sum(naive_expanded_size(child) for child in children)


@pytest.mark.parametrize("levels", [0, 1, 2, 3])
def test_expanded_size_counts_every_alias_as_written_out(levels):
    node = yaml.compose(alias_bomb(levels), Loader=yaml.SafeLoader)
    assert expanded_size(node) == naive_expanded_size(node)


def test_an_alias_bomb_past_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, "bomb", alias_bomb(8))  # 10**9 leaves in 580 bytes
    size = expanded_size(yaml.compose(path.read_text(), Loader=yaml.SafeLoader))
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}: line 1, column 1: with its aliases (*name) expanded the document would take "
        f"about {size:,} bytes, more than the 8 MiB an input file may hold\n"
        "1 problem in 1 of 1 file\n"
    )
    assert size > 8_000_000_000


def test_a_file_past_the_size_limit_is_read_no_further(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(VALID + "# " + "x" * (8 * 2**20) + "\n", encoding="utf-8")
    result = invoke("render", path)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.endswith(
        "  - larger than 8 MiB: not a YAML pipeline spec (Kubernetes stores an object in at "
        "most 1.5 MiB)\n"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_an_endless_device_is_read_no_further():
    result = invoke("render", "/dev/zero")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "larger than 8 MiB: not a YAML pipeline spec" in result.stderr


def test_validate_goes_on_after_a_file_with_a_bad_time_zone(tmp_path):
    bad = write(tmp_path, "bad", VALID.replace("Europe/Zurich", "America"))
    good = write(tmp_path, "good", VALID)
    result = invoke("validate", bad, good)
    assert result.exit_code == 1
    assert result.stdout == f"{good}: ok (4 manifests)\n"
    assert [line for line in result.stderr.splitlines() if "warning" not in line] == [
        f"{bad}: timezone: {REGION}",
        "1 problem in 1 of 2 files",
    ]


def _leaf_paths(value, path=()):
    """Every scalar's path in a spec, and every mapping key's (as `(path, key)`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, ("key", key))
            yield from _leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaf_paths(item, (*path, index))
    else:
        yield path


def _replaced(spec, path, replacement):
    spec = copy.deepcopy(spec)
    *parents, last = path
    node = spec
    for part in parents:
        node = node[part]
    if isinstance(last, tuple):  # a key
        node[replacement if isinstance(replacement, str) else str(replacement)[:1]] = node.pop(
            last[1]
        )
    else:
        node[last] = replacement
    return spec


BOMB: list = ["lol"] * 10
for _ in range(4):
    BOMB = [BOMB] * 10  # 10**5 leaves sharing five lists, as a YAML alias bomb builds them
HUGE_VALUES = {
    "text": "{{x" * 40_000,
    "digits": "9" * 5000,
    "integer": 10**5000,
    "alias bomb": BOMB,
}


@pytest.mark.parametrize("example", EXAMPLE_SPECS, ids=lambda p: p.parent.name)
def test_no_message_repeats_more_than_a_bounded_part_of_any_value(example):
    """Every scalar and key of each example replaced, one at a time, by 120,000 characters, a
    5,000-digit integer and a 100,000-leaf list: each problem stays one short line."""
    spec = yaml.safe_load(example.read_text(encoding="utf-8"))
    tried = 0
    for path in _leaf_paths(spec):
        for replacement in HUGE_VALUES.values():
            if isinstance(path[-1], tuple) and not isinstance(replacement, str):
                continue
            try:
                load_pipeline(_replaced(spec, path, replacement))
            except SpecError as error:
                assert error.problems
                longest = max(len(str(problem)) for problem in error.problems)
                assert longest <= 700, (path, str(error)[:2000])
            tried += 1
    assert tried > 50
