"""The README and docs/cli.md show the real output of `status`, `simulate`, `validate` and `graph`.

Every `$ argo-orchestration status|simulate ...` line in a console block is run (from the
repository root, 100 columns), and the lines under it must be what it prints; the alert rules
the README quotes must be in the rendered PrometheusRule. `UPDATE_GOLDEN=1` rewrites the outputs
in place: read the diff.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.spec.loading import load_spec_file
from tests.conftest import ROOT
from tests.support.cli_runner import invoke

DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "cli.md"]
CHECKED = ("status", "simulate", "validate", "graph")
# `broken.yaml` in the docs is this file; `...` in a documented output stands for lines left out.
BROKEN = ROOT / "tests" / "cli" / "fixtures" / "broken.yaml"
ELIDED = "..."
PROMPT = "$ argo-orchestration "


def examples(path: Path) -> list[tuple[str, str]]:
    """(command, documented output) for each checked command in the file's console blocks."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
        command, output = None, []
        for line in [*block.splitlines(), PROMPT]:
            if line.startswith(PROMPT):
                if command is not None and _checked(command):
                    found.append((command, "\n".join(output).rstrip("\n")))
                command, output = line.removeprefix(PROMPT), []
            else:
                output.append(line)
    return found


def _checked(command: str) -> bool:
    """A command of CHECKED whose inputs are here: not `--argo-schema` (Argo's files beside the
    checkout) or a program the docs only describe."""
    words = shlex.split(command)
    if words[0] not in CHECKED or "--argo-schema" in words:
        return False
    paths = [w for w in words[1:] if not w.startswith("-") and ("/" in w or w.endswith(".yaml"))]
    return all(w == "broken.yaml" or (ROOT / w).exists() for w in paths)


def run(command: str) -> str:
    words = shlex.split(command)
    head = None
    if "|" in words:
        pipe = words.index("|")
        assert words[pipe + 1 : pipe + 2] == ["head"], command
        head, words = int(words[pipe + 2].lstrip("-")), words[:pipe]
    result = invoke(*words)
    # `validate` exits 1 when it lists problems, which is what its examples show.
    assert result.exit_code == (1 if " problems in " in result.output else 0), result.output
    lines = result.output.rstrip("\n").split("\n")
    return "\n".join(lines[:head] if head else lines)


CASES = [(path, command, output) for path in DOCUMENTS for command, output in examples(path)]


def test_there_are_examples_of_every_checked_command():
    found = {(path.name, command.split()[0]) for path, command, _ in CASES}
    assert {("README.md", name) for name in ("status", "simulate", "validate")} <= found
    assert {("cli.md", name) for name in CHECKED} <= found


@pytest.mark.parametrize(
    ("path", "command", "documented"),
    CASES,
    ids=[f"{path.name}: {command[:60]}" for path, command, _ in CASES],
)
def test_the_documented_output_is_the_real_one(path, command, documented, monkeypatch, tmp_path):
    # In a directory of its own, with the examples and broken.yaml, so paths read as documented.
    for directory in ("examples", "tests"):
        (tmp_path / directory).symlink_to(ROOT / directory)
    (tmp_path / "broken.yaml").write_text(BROKEN.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    actual = run(command)
    documented_lines = documented.split("\n")
    marks = [i for i, line in enumerate(documented_lines) if line.strip() == ELIDED]
    if marks:
        # `...` (indented as the lines around it) keeps the lines before it and after it.
        (mark,) = marks
        after = len(documented_lines) - mark - 1
        lines = actual.split("\n")
        kept = [*lines[:mark], documented_lines[mark], *(lines[-after:] if after else [])]
        actual = "\n".join(kept)
    if os.environ.get("UPDATE_GOLDEN") and actual != documented:
        text = path.read_text(encoding="utf-8")
        old = f"{PROMPT}{command}\n{documented}\n"
        assert text.count(old) == 1, command
        path.write_text(text.replace(old, f"{PROMPT}{command}\n{actual}\n"), encoding="utf-8")
    assert actual == documented


def test_the_alert_rules_the_readme_quotes_are_the_rendered_ones():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n(# examples/dag-etl \(alerts:.*?)```", text, re.S)
    quoted = yaml.safe_load(block)
    documents = pipeline_manifests(load_spec_file(ROOT / "examples" / "dag-etl" / "pipeline.yaml"))
    (rule,) = [d for d in documents if d["kind"] == "PrometheusRule"]
    rendered = rule["spec"]["groups"][0]["rules"]
    assert len(quoted) == 2
    assert all(entry in rendered for entry in quoted)
