"""The README's Pulumi quick start works as written: its Pulumi.yaml and program, with the stack
configuration it sets, render offline to the objects the README says a first `pulumi up`
creates."""

from __future__ import annotations

import re
import textwrap

import yaml

from pulumi_argo_orchestration.testing import SECRET_MARKER
from tests.conftest import ROOT
from tests.support.cli_runner import invoke

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Use it in your Pulumi project", 1)[1].split("\n## ", 1)[0]


def _blocks(language: str) -> list[str]:
    return [
        textwrap.dedent(block)
        for block in re.findall(rf"```{language}\n(.*?)```", SECTION, re.DOTALL)
    ]


def _stack_config() -> list[str]:
    """The `pulumi config set` lines of the quick start, as `render` options."""
    (commands,) = [block for block in _blocks("sh") if "pulumi config set" in block]
    options = []
    for line in commands.splitlines():
        words = line.split()
        if words[:3] == ["pulumi", "config", "set"]:
            secret = words[3] == "--secret"
            key, value = words[4:6] if secret else words[3:5]
            options += ["--secret" if secret else "--config", f"{key}={value}"]
    return options


def test_the_requirements_name_the_package_and_pulumi_keeps_the_virtualenv():
    (requirements,) = [b for b in _blocks("text") if "pulumi-argo-orchestration" in b]
    assert "pulumi-argo-orchestration @ git+https://" in requirements
    (project,) = [yaml.safe_load(b) for b in _blocks("yaml") if "runtime:" in b]
    assert project["runtime"] == {"name": "python", "options": {"virtualenv": "venv"}}


def test_the_program_renders_what_the_readme_says_a_first_up_creates(tmp_path):
    (project,) = [b for b in _blocks("yaml") if "runtime:" in b]
    (program,) = _blocks("python")
    (tmp_path / "Pulumi.yaml").write_text(project, encoding="utf-8")
    (tmp_path / "__main__.py").write_text(program, encoding="utf-8")

    result = invoke("render", tmp_path, *_stack_config())
    assert result.exit_code == 0, result.stderr
    documents = list(yaml.safe_load_all(result.stdout))
    assert [(d["kind"], d["metadata"]["name"]) for d in documents] == [
        ("Namespace", "data"),
        ("ServiceAccount", "nightly-orchestrator"),
        ("ServiceAccount", "loader-executor"),
        ("Role", "nightly-orchestrator"),
        ("Role", "loader-executor"),
        ("RoleBinding", "nightly-orchestrator"),
        ("RoleBinding", "loader-executor"),
        ("WorkflowTemplate", "loader"),
        ("CronWorkflow", "nightly"),
    ]
    loader = documents[2]["metadata"]
    assert loader["annotations"] == {"eks.amazonaws.com/role-arn": SECRET_MARKER}
    assert {d["metadata"].get("namespace", "data") for d in documents} == {"data"}
