"""`argo-orchestration render SPEC`: YAML on stdout, problems on stderr, exit status 1."""

from __future__ import annotations

import yaml

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.spec.loading import load_spec_file
from tests.conftest import EXAMPLES
from tests.support.cli_runner import invoke

SEED = EXAMPLES / "scheduled-sync" / "pipeline.yaml"


def test_render_prints_the_manifests():
    result = invoke("render", str(SEED))
    assert result.exit_code == 0, result.stderr
    assert list(yaml.safe_load_all(result.stdout)) == pipeline_manifests(load_spec_file(SEED))
    assert result.stderr == ""


def test_render_warns_when_no_timezone_is_set(tmp_path):
    spec = tmp_path / "p.yaml"
    spec.write_text(
        "name: p\nschedule: '@daily'\nstages: [[{name: a, workflowTemplate: t}]]\n",
        encoding="utf-8",
    )
    result = invoke("render", str(spec))
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: p: no `timezone`: the schedule runs in the Argo controller's time zone\n"
        "warning: p: stages[0][0] (a): WorkflowTemplate 't' must already exist in namespace "
        "'argo': this pipeline does not create it and it is not declared under "
        "`externalTemplates`, so its arguments are not checked\n"
    )
    documents = list(yaml.safe_load_all(result.stdout))
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    assert cron["spec"]["schedules"] == ["@daily"]
    assert "timezone" not in cron["spec"]  # the warning is about what is really emitted
    assert [d["kind"] for d in documents] == [
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "CronWorkflow",
    ]


def test_invalid_spec_exits_1_with_problems_on_stderr_only(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "name: Bad_Name\nschedule: '0 */4 * *'\nconcurrencyPolicy: replace\n"
        "stages: [[{name: a, workflowTemplate: t}], []]\n",
        encoding="utf-8",
    )
    result = invoke("render", str(spec))
    assert result.exit_code == 1
    assert result.stdout == ""
    for path in ("name:", "schedule:", "concurrencyPolicy:", "stages[1]:"):
        assert path in result.stderr
    assert "Traceback" not in result.stderr


def test_non_mapping_empty_and_binary_files_are_clear_errors(tmp_path):
    cases = {
        "list.yaml": b"- a\n- b\n",
        "empty.yaml": b"",
        "binary.yaml": bytes(range(256)),
        "broken.yaml": b"name: [unclosed\n",
    }
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        result = invoke("render", str(tmp_path / name))
        assert result.exit_code == 1, name
        assert result.stdout == ""
        assert name in result.stderr
    assert "line 2" in invoke("render", str(tmp_path / "broken.yaml")).stderr


def test_missing_file_is_a_usage_error():
    result = invoke("render", "does-not-exist.yaml")
    assert result.exit_code == 2
    assert "does-not-exist.yaml" in result.stderr


def test_help_lists_render():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "render" in result.stdout


def test_the_console_script_keeps_output_and_exit_status(tmp_path):
    # `run` (the console script) turns the exit-time collection off; output and status stay.
    import subprocess
    import sys

    script = "from pulumi_argo_orchestration.cli.main import run; run()"
    command = [sys.executable, "-c", script, "render"]
    good = subprocess.run([*command, str(SEED)], capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stderr
    assert list(yaml.safe_load_all(good.stdout)) == pipeline_manifests(load_spec_file(SEED))
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nschedule: '61 * * * *'\nstages: []\n", encoding="utf-8")
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert "name: 'Bad'" in failed.stderr and "schedule: invalid cron schedule" in failed.stderr
