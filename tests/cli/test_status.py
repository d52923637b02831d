"""`argo-orchestration status`: reading Workflow JSON from a file, stdin or kubectl."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT
from tests.support.cli_runner import invoke

FIXTURES = ROOT / "tests" / "views" / "fixtures" / "status"
PARALLEL = EXAMPLES / "parallel-sync" / "pipeline.yaml"
CROSS = EXAMPLES / "cross-namespace" / "pipeline.yaml"
AT = "2026-01-01T07:10:00Z"


def test_from_a_file():
    result = invoke("status", PARALLEL, "--from-json", FIXTURES / "parallel-sync.json", "--at", AT)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (FIXTURES / "parallel-sync.txt").read_text()


def test_from_stdin_as_json(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO((FIXTURES / "parallel-sync.json").read_text()))
    result = invoke("status", PARALLEL, "--from-json", "-", "--format", "json", "--at", AT)
    assert result.exit_code == 0, result.stderr
    (pipeline,) = json.loads(result.stdout)
    assert [run["phase"] for run in pipeline["runs"]] == ["Running", "Succeeded", "Failed"]


def test_invalid_json_is_one_error_and_nothing_on_stdout(tmp_path):
    bad = tmp_path / "workflows.json"
    bad.write_text('{"kind": "CronWorkflowList", "items": [{"kind": "CronWorkflow"}]}')
    result = invoke("status", PARALLEL, "--from-json", bad)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{bad}: items[0] is not a Workflow (kind 'CronWorkflow')\n"


def test_an_unreadable_file(tmp_path):
    result = invoke("status", PARALLEL, "--from-json", tmp_path / "missing.json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"{tmp_path / 'missing.json'}: cannot read it: ")


def test_an_invalid_spec_is_reported_before_anything_is_read(tmp_path):
    spec = tmp_path / "pipeline.yaml"
    spec.write_text(
        "name: Bad_Name\nschedule: '0 * * *'\nstages: [[{name: a, workflowTemplate: t}]]\n"
    )
    result = invoke("status", spec, "--from-json", "-")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "name: 'Bad_Name' must be a lowercase DNS-1123 label" in result.stderr


def test_at_needs_an_offset():
    result = invoke(
        "status", PARALLEL, "--from-json", FIXTURES / "parallel-sync.json", "--at", "2026-01-01"
    )
    assert result.exit_code == 2
    assert "--at needs a time with an offset" in result.stderr


def _fake_kubectl(directory: Path, context_ok: bool = True, get_fails: bool = False) -> Path:
    """A `kubectl` that logs its arguments and prints the warehouse-refresh fixture's objects of
    the namespace asked for, as `kubectl get workflows -n NS -o json` would."""
    log = directory / "kubectl.log"
    script = directory / "kubectl"
    script.write_text(
        f"""#!{sys.executable}
import json, sys
with open({str(log)!r}, "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
if sys.argv[1:3] == ["config", "current-context"]:
    print("kind-argo")
    sys.exit(0 if {context_ok!r} else 1)
if {get_fails!r}:
    print('Error from server (Forbidden): workflows.argoproj.io is forbidden', file=sys.stderr)
    sys.exit(1)
namespace = sys.argv[sys.argv.index("--namespace") + 1]
data = json.load(open({str(FIXTURES / "warehouse-refresh.json")!r}))
data["items"] = [w for w in data["items"] if w["metadata"]["namespace"] == namespace]
print(json.dumps(data))
"""
    )
    script.chmod(0o755)
    return log


def test_kubectl_is_asked_in_every_namespace_the_pipeline_uses(tmp_path, monkeypatch):
    log = _fake_kubectl(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    result = invoke("status", CROSS, "--at", "2026-01-02T03:00:00Z")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (FIXTURES / "warehouse-refresh.txt").read_text()
    selector = "--selector app.kubernetes.io/part-of=warehouse-refresh --output json"
    assert log.read_text().splitlines() == [
        "config current-context",
        f"get workflows.argoproj.io --namespace argo {selector} --request-timeout=60s",
        f"get workflows.argoproj.io --namespace warehouse {selector} --request-timeout=60s",
        f"get workflows.argoproj.io --namespace analytics {selector} --request-timeout=60s",
    ]


def test_kubectl_errors_are_reported(tmp_path, monkeypatch):
    _fake_kubectl(tmp_path, get_fails=True)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    result = invoke("status", CROSS)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "kubectl get workflows -n argo failed: Error from server (Forbidden): "
        "workflows.argoproj.io is forbidden\n"
    )


@pytest.mark.parametrize("kubectl", ["absent", "no-context"])
def test_without_json_or_a_kubectl_context_it_is_a_usage_error(tmp_path, monkeypatch, kubectl):
    if kubectl == "no-context":
        _fake_kubectl(tmp_path, context_ok=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = invoke("status", PARALLEL)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(
        "argo-orchestration status: error: no --from-json FILE, and no kubectl with a current "
        "context to read the Workflows with: pass the output of `kubectl get workflows -n "
        "NAMESPACE -l app.kubernetes.io/part-of=NAME -o json`\n"
    )


def _on_a_terminal(env: dict[str, str]) -> bytes:
    """The command's output as a terminal receives it (stdout is a pseudo-terminal)."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pulumi_argo_orchestration.cli.main import run; run()",
            "status",
            str(CROSS),
            "--from-json",
            str(FIXTURES / "warehouse-refresh.json"),
            "--at",
            "2026-01-02T03:00:00Z",
        ],
        stdout=secondary,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks)


def test_colour_on_a_terminal_unless_no_color():
    coloured = _on_a_terminal({"NO_COLOR": ""})  # empty counts as unset (no-color.org)
    assert b"\x1b[31mFailed\x1b[0m" in coloured
    plain = _on_a_terminal({"NO_COLOR": "1"})
    assert b"\x1b[" not in plain and b"Failed" in plain


def test_an_orchestrator_template_reads_the_same_runs(tmp_path):
    spec = tmp_path / "pipeline.yaml"
    spec.write_text(PARALLEL.read_text() + "orchestratorTemplate: true\n")
    result = invoke("status", spec, "--from-json", FIXTURES / "parallel-sync.json", "--at", AT)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (FIXTURES / "parallel-sync.txt").read_text()


def test_times_past_what_a_date_holds_are_usage_errors():
    result = invoke("status", PARALLEL, "--from-json", FIXTURES / "parallel-sync.json", "--at",
                    "9999-12-31T23:59:59Z")  # fmt: skip
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "argo-orchestration status: error: argument --at: '9999-12-31T23:59:59Z' is not between "
        "1970-01-01T00:00:00Z and 2999-12-31T23:59:59Z"
    )


def test_json_nested_too_deeply_is_one_error(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    result = invoke("status", PARALLEL, "--from-json", deep, "--at", AT)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{deep}: JSON nested too deeply to be a Workflow list\n"
