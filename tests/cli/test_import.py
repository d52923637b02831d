"""`argo-orchestration import`: specs on stdout, the report on stderr, the program on request."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pulumi_argo_orchestration import dump_documents, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.argo.apply_order import apply_rank
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.spec.loading import load_spec_file
from tests.conftest import EXAMPLES
from tests.migrate.test_cron_workflow import ORCHESTRATOR
from tests.support.cli_runner import invoke

TEMPLATE = """\
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: report, namespace: jobs}
spec:
  entrypoint: main
  templates:
    - name: main
      container: {image: alpine, command: [sh, -c], args: [echo ok]}
"""
PARTIAL = ORCHESTRATOR.replace(
    "metadata:\n  name: nightly\n", "metadata:\n  name: nightly\n  annotations: {owner: data}\n"
)


def identity(document):
    metadata = document["metadata"]
    return (apply_rank(document), metadata.get("namespace", ""), metadata["name"])


@pytest.fixture
def files(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_prints_the_spec_and_reports_on_stderr(files):
    result = invoke("import", files("cron.yaml", ORCHESTRATOR))
    assert result.exit_code == 0, result.stderr
    documents = list(yaml.safe_load_all(result.stdout))
    assert len(documents) == 1
    assert result.stdout.startswith("---\n# pipeline nightly, imported from ")
    assert load_pipeline(documents[0]).name == "nightly"
    lines = result.stderr.splitlines()
    assert lines[0].endswith("cron.yaml:0: CronWorkflow nightly: imported as pipeline nightly")
    assert lines[1] == "  changed on purpose by the rendered result:"
    assert lines[-1] == "1 document: 1 imported"


def test_anything_left_out_is_status_1_with_nothing_printed(files):
    path = files("cron.yaml", PARTIAL)
    result = invoke("import", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"    - {path}:0:metadata.annotations: no equivalent in the pipeline spec" in (
        result.stderr.splitlines()
    )
    assert result.stderr.splitlines()[-2:] == [
        "1 document: 1 partial; 1 field cannot be expressed",
        "nothing printed or written: the input cannot be imported whole (--allow-partial "
        "imports what can be)",
    ]


def test_allow_partial_imports_the_rest_and_still_lists_it(files):
    path = files("cron.yaml", PARTIAL)
    result = invoke("import", path, "--allow-partial")
    assert result.exit_code == 0
    assert load_pipeline(yaml.safe_load(result.stdout)).name == "nightly"
    assert f"    - {path}:0:metadata.annotations: no equivalent in the pipeline spec" in (
        result.stderr.splitlines()
    )


def test_a_refused_cron_is_status_1_even_with_allow_partial(files):
    cron = "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: c}\n"
    cron += "spec: {schedules: ['@daily'], workflowSpec: {workflowTemplateRef: {name: job}}}\n"
    result = invoke("import", files("cron.yaml", cron), "--allow-partial")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "nothing printed or written: no pipeline or template could be imported"
    )


def test_several_files_several_documents(files):
    result = invoke("import", files("cron.yaml", ORCHESTRATOR), files("t.yaml", TEMPLATE))
    assert result.exit_code == 0, result.stderr
    pipeline, template = yaml.safe_load_all(result.stdout)
    assert (pipeline["name"], template["name"]) == ("nightly", "report")
    assert "# shared template report (a SharedWorkflowTemplate in a program)" in result.stdout
    assert "t.yaml:0: WorkflowTemplate report: imported as shared template report" in (
        result.stderr
    )


def test_a_missing_file_or_a_directory_is_a_usage_error(tmp_path):
    missing = invoke("import", tmp_path / "nope.yaml")
    assert missing.exit_code == 2
    assert missing.stderr.splitlines()[-1].endswith(
        f"argument FILE: Path '{tmp_path / 'nope.yaml'}' does not exist."
    )
    directory = invoke("import", tmp_path)
    assert directory.exit_code == 2
    assert directory.stderr.splitlines()[-1].endswith(f"Path '{tmp_path}' is a directory.")
    program_file = tmp_path / "file"
    program_file.write_text("", encoding="utf-8")
    result = invoke("import", program_file, "--program", program_file)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(f"Directory '{program_file}' is a file.")


# --- --program -----------------------------------------------------------------------------------


def test_the_program_renders_what_the_specs_render(files, tmp_path):
    program = tmp_path / "program"
    result = invoke(
        "import", files("cron.yaml", ORCHESTRATOR), files("t.yaml", TEMPLATE), "--program", program
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in program.iterdir()) == ["Pulumi.yaml", "__main__.py"]
    assert result.stderr.splitlines()[-2:] == [
        f"wrote {program / 'Pulumi.yaml'}",
        f"wrote {program / '__main__.py'}",
    ]
    documents = list(yaml.safe_load_all(result.stdout))
    expected = pipeline_manifests(documents[0]) + shared_template_manifests(documents[1])
    rendered = invoke("render", program)
    assert rendered.exit_code == 0, rendered.stderr
    assert sorted(yaml.safe_load_all(rendered.stdout), key=identity) == sorted(
        expected, key=identity
    )


def test_the_program_of_a_rendered_example_renders_the_example(tmp_path):
    spec = EXAMPLES / "dag-etl" / "pipeline.yaml"
    documents = pipeline_manifests(load_spec_file(spec))
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(dump_documents(documents), encoding="utf-8")
    result = invoke("import", rendered, "--program", tmp_path / "program")
    assert result.exit_code == 0, result.stderr
    again = invoke("render", tmp_path / "program")
    assert again.exit_code == 0, again.stderr
    assert sorted(yaml.safe_load_all(again.stdout), key=identity) == sorted(documents, key=identity)


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
    reason="ruff is not installed",
)
def test_the_program_is_laid_out_as_ruff_lays_it_out(files, tmp_path):
    program = tmp_path / "program"
    invoke(
        "import", files("cron.yaml", ORCHESTRATOR), files("t.yaml", TEMPLATE), "--program", program
    )
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    # From the program's own directory, as its owner would run ruff: the package is third-party.
    for command in (["format", "--check", "--diff"], ["check", "--select", "F,I,W"]):
        checked = subprocess.run(
            [ruff, *command, "--isolated", "__main__.py"],
            capture_output=True, text=True, check=False, cwd=program,
        )  # fmt: skip
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_earlier_import_is_overwritten_anything_else_is_not(files, tmp_path):
    program = tmp_path / "program"
    cron = files("cron.yaml", ORCHESTRATOR)
    assert invoke("import", cron, "--program", program).exit_code == 0
    (program / "Pulumi.dev.yaml").write_text("config: {}\n", encoding="utf-8")
    (program / "__main__.py").write_text(
        (program / "__main__.py").read_text(encoding="utf-8") + "# edited\n", encoding="utf-8"
    )
    assert invoke("import", cron, "--program", program).exit_code == 0
    assert "# edited" not in (program / "__main__.py").read_text(encoding="utf-8")
    assert (program / "Pulumi.dev.yaml").read_text(encoding="utf-8") == "config: {}\n"

    other = tmp_path / "other"
    other.mkdir()
    (other / "__main__.py").write_text("print('mine')\n", encoding="utf-8")
    result = invoke("import", cron, "--program", other)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        f"{other}: nothing written: the directory is not empty and was not written by "
        "`argo-orchestration import`; choose a new or empty directory"
    )
    assert sorted(p.name for p in other.iterdir()) == ["__main__.py"]
    assert (other / "__main__.py").read_text(encoding="utf-8") == "print('mine')\n"


def test_nothing_is_written_when_the_input_cannot_be_imported_whole(files, tmp_path):
    program = tmp_path / "program"
    result = invoke("import", files("cron.yaml", PARTIAL), "--program", program)
    assert result.exit_code == 1
    assert not program.exists()


def test_the_documented_help_is_the_real_one(monkeypatch):
    from tests.conftest import ROOT

    monkeypatch.setenv("COLUMNS", "100")
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = text.split("$ argo-orchestration import --help\n", 1)[1].split("```", 1)[0]
    assert documented == invoke("import", "--help").stdout
