"""`argo-orchestration render` of Pulumi programs, and the output options of every render."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.argo.apply_order import apply_rank as manifest_sort_key
from pulumi_argo_orchestration.cli import output_dir as render_output
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.testing import SUPPORTED, render_program
from tests.conftest import EXAMPLES
from tests.support.cli_runner import invoke

SEED = EXAMPLES / "scheduled-sync" / "pipeline.yaml"

PROGRAM = """
import pulumi
import pulumi_kubernetes as k8s

config = pulumi.Config()
print("this line must not reach stdout")
k8s.core.v1.ConfigMap(
    "settings",
    metadata={"name": "settings", "namespace": "demo"},
    data={
        "team": config.get("team") or "none",
        "region": pulumi.Config("aws").get("region") or "none",
        "token": config.get_secret("token") or "none",
    },
)
"""


@pytest.fixture
def program(tmp_path):
    directory = tmp_path / "demo"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: demo\nruntime: python\n", encoding="utf-8")
    (directory / "__main__.py").write_text(textwrap.dedent(PROGRAM), encoding="utf-8")
    return directory


def data_of(result):
    (document,) = yaml.safe_load_all(result.stdout)
    return document["data"]


def test_a_program_renders_its_resources_and_its_prints_go_to_stderr(program):
    result = invoke("render", program)
    assert result.exit_code == 0, result.stderr
    assert "this line must not reach stdout" in result.stderr
    assert data_of(result) == {"team": "none", "region": "none", "token": "none"}
    assert list(yaml.safe_load_all(result.stdout)) == render_program(program)


def test_config_and_secrets_as_pulumi_config_sees_them(program):
    result = invoke(
        "render", program, "--config", "team=platform", "-c", "aws:region=eu-west-1",
        "--secret", "token=s3cr3t",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert data_of(result) == {"team": "platform", "region": "eu-west-1", "token": "[secret]"}
    assert "s3cr3t" not in result.stdout
    shown = invoke("render", program, "--secret", "token=s3cr3t", "--show-secrets")
    assert data_of(shown)["token"] == "s3cr3t"


def test_stack_reads_plain_values_and_names_every_secure_key(program):
    (program / "Pulumi.dev.yaml").write_text(
        "config:\n  demo:team: data\n  aws:region: us-east-1\n", encoding="utf-8"
    )
    result = invoke("render", program, "--stack", "dev", "-c", "aws:region=eu-central-1")
    assert result.exit_code == 0, result.stderr
    assert data_of(result) == {"team": "data", "region": "eu-central-1", "token": "none"}

    (program / "Pulumi.prod.yaml").write_text(
        "config:\n  demo:team: data\n  demo:token:\n    secure: AAABAKx\n"
        "  aws:secretKey:\n    secure: AAABAKy\n",
        encoding="utf-8",
    )
    failed = invoke("render", program, "--stack", "prod")
    assert failed.exit_code == 1
    assert failed.stdout == ""
    assert "demo:token: `secure:` value cannot be decrypted" in failed.stderr
    assert "aws:secretKey: `secure:` value cannot be decrypted" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_program_options_on_a_spec_file_and_bad_assignments_are_usage_errors(program):
    assert invoke("render", SEED, "--stack", "dev").exit_code == 2
    assert invoke("render", SEED, "--show-secrets").exit_code == 2
    bad = invoke("render", program, "--config", "team")
    assert bad.exit_code == 2
    assert "expected KEY=VALUE" in bad.stderr


def test_root_project_renders_the_example_its_main_names():
    from tests.conftest import ROOT

    result = invoke("render", ROOT)
    assert result.exit_code == 0, result.stderr
    expected = sorted(pipeline_manifests(load_spec_file(SEED)), key=manifest_sort_key)
    assert list(yaml.safe_load_all(result.stdout)) == expected


def test_unsupported_declarations_are_one_error_and_nothing_is_printed(program):
    (program / "__main__.py").write_text(
        "import pulumi_kubernetes as k8s\n"
        "k8s.core.v1.ConfigMap('gen', metadata={'generateName': 'gen-'}, data={'a': 'b'})\n"
        "k8s.yaml.v2.ConfigFile('file', file='app.yaml')\n"
        "k8s.core.v1.ConfigMap('ok', metadata={'name': 'ok'}, data={'a': 'b'})\n",
        encoding="utf-8",
    )
    result = invoke("render", program)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"{program}: 2 declarations cannot be rendered offline (no provider runs)"
    assert lines[1].startswith('  - kubernetes:core/v1:ConfigMap "gen": metadata.generateName')
    assert lines[2].startswith('  - kubernetes:yaml/v2:ConfigFile "file": yaml, helm')
    assert lines[3] == SUPPORTED


def test_a_failing_program_points_at_its_line_without_a_traceback(program):
    (program / "__main__.py").write_text("import pulumi\n\nundefined_name\n", encoding="utf-8")
    result = invoke("render", program)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "the program failed" in result.stderr
    assert "__main__.py:3: NameError: name 'undefined_name' is not defined" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_program_that_exits_is_a_failure_not_an_empty_success(program):
    (program / "__main__.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    result = invoke("render", program)
    assert result.exit_code == 1
    assert "__main__.py:2: SystemExit: 0" in result.stderr


def test_an_invalid_spec_inside_a_program_lists_its_problems(program):
    (program / "__main__.py").write_text(
        "from pulumi_argo_orchestration import ScheduledPipeline\n"
        "ScheduledPipeline('etl', {'name': 'Bad_Name', 'schedule': '0 */4 * *', 'stages': []})\n",
        encoding="utf-8",
    )
    result = invoke("render", program)
    assert result.exit_code == 1
    assert "invalid pipeline spec (3 problems)" in result.stderr
    for path in ("name:", "schedule:", "stages:"):
        assert f"  - {path}" in result.stderr


def test_json_on_stdout_is_a_kubernetes_list():
    result = invoke("render", SEED, "--format", "json")
    assert result.exit_code == 0
    listing = json.loads(result.stdout)
    assert (listing["apiVersion"], listing["kind"]) == ("v1", "List")
    assert listing["items"] == pipeline_manifests(load_spec_file(SEED))


def test_output_directory_has_one_readable_file_per_resource(tmp_path):
    out = tmp_path / "out"
    result = invoke("render", SEED, "-o", out)
    assert result.exit_code == 0, result.stderr
    documents = pipeline_manifests(load_spec_file(SEED))
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(documents)
    assert "argo-workflows.cronworkflow.scheduled-sync.yaml" in files
    assert "argo-workflows.serviceaccount.orchestrator-sa.yaml" in files
    for document in documents:
        meta = document["metadata"]
        name = f"{meta['namespace']}.{document['kind'].lower()}.{meta['name']}.yaml"
        assert yaml.safe_load((out / name).read_text(encoding="utf-8")) == document
    assert sorted(result.stdout.split()) == sorted(str(out / f) for f in files)


def test_rendering_again_replaces_the_directory_and_leaves_no_temporary_files(tmp_path):
    out = tmp_path / "out"
    assert invoke("render", EXAMPLES / "parallel-sync" / "pipeline.yaml", "-o", out).exit_code == 0
    assert invoke("render", SEED, "-o", out, "--format", "json").exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert all(n.endswith(".json") and "parallel-sync" not in n for n in names)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_invalid_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad_Name\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("render", bad, "-o", out)
    assert result.exit_code == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_a_failure_while_writing_keeps_the_previous_render(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert invoke("render", SEED, "-o", out).exit_code == 0
    before = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    calls = []

    def failing(document, fmt):
        calls.append(document)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return "{}\n"

    monkeypatch.setattr(render_output, "format_document", failing)
    result = invoke("render", EXAMPLES / "parallel-sync" / "pipeline.yaml", "-o", out)
    assert result.exit_code == 1
    assert "nothing written" in result.stderr and "No space left on device" in result.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_directory_with_other_files_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("render", SEED, "-o", out)
    assert result.exit_code == 1
    assert "notes.txt" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_same_kind_and_name_in_two_api_groups_get_their_group_in_the_file_name():
    documents = [
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "a"}},
        {"apiVersion": "example.com/v1", "kind": "Workflow", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}},
    ]
    assert render_output.file_names(documents, "yaml") == [
        "_cluster.workflow.argoproj.io.a.yaml",
        "_cluster.workflow.example.com.a.yaml",
        "_cluster.namespace.apps.yaml",
    ]
    with pytest.raises(render_output.OutputError, match="same object"):
        render_output.file_names([documents[0], documents[0]], "yaml")
