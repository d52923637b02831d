"""`argo-orchestration render` of Pulumi programs, and the output options of every render."""

from __future__ import annotations

import json
import os
import signal
import textwrap
import time

import pytest
import yaml

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.argo.apply_order import apply_rank as manifest_sort_key
from pulumi_argo_orchestration.cli import output_dir as render_output
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.testing import SUPPORTED, render_program
from tests.conftest import EXAMPLES
from tests.support.cli_runner import invoke, run_console

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


@pytest.mark.parametrize(("ending", "expected"), [("sys.exit(0)", 0), ("sys.exit()", 0)])
def test_a_program_that_exits_with_status_0_has_simply_ended(program, ending, expected):
    # As its process would end: what it declared until then is the render.
    source = (program / "__main__.py").read_text(encoding="utf-8")
    (program / "__main__.py").write_text(f"import sys\n{source}\n{ending}\n", encoding="utf-8")
    result = invoke("render", program)
    assert result.exit_code == expected, result.stderr
    assert data_of(result)["team"] == "none"


def test_a_program_that_exits_with_another_status_fails_at_that_line(program):
    (program / "__main__.py").write_text("import sys\nsys.exit(3)\n", encoding="utf-8")
    result = invoke("render", program)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{program}: the program failed\n"
        f"  - {program / '__main__.py'}:2: the program exited with status 3 (sys.exit)\n"
    )


def test_a_program_that_declares_nothing_renders_nothing_and_says_so(program, tmp_path):
    (program / "__main__.py").write_text("import pulumi\n", encoding="utf-8")
    out = tmp_path / "out"
    (out).mkdir()
    (out / "old.yaml").write_text("kind: ConfigMap\n", encoding="utf-8")
    result = invoke("render", program, "-o", out)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{program}: nothing to render\n"
        "  - the program declares no Kubernetes resources (no ScheduledPipeline, no typed "
        "pulumi-kubernetes resource): check that PATH is the program you meant\n"
    )
    assert [p.name for p in out.iterdir()] == ["old.yaml"]  # the previous render stays


def test_every_invalid_pipeline_is_reported_with_its_component_and_line(program):
    (program / "__main__.py").write_text(
        "from pulumi_argo_orchestration import ScheduledPipeline\n"
        "ScheduledPipeline('etl', {'name': 'Bad_Name', 'schedule': '0 */4 * *', 'stages': []})\n"
        "ok = ScheduledPipeline('ok', {'name': 'ok', 'schedule': '@daily', 'timezone': 'UTC',\n"
        "    'stages': [[{'name': 'a', 'workflow_template': 't'}]]})\n"
        "late = ScheduledPipeline('late', {'name': 'late', 'schedule': '@daily',\n"
        "    'timezone': 'Mars/Olympus', 'stages': [[{'name': 'a', 'workflow_template': 't'}]]})\n",
        encoding="utf-8",
    )
    result = invoke("render", program)
    assert (result.exit_code, result.stdout) == (1, "")
    where = program / "__main__.py"
    assert result.stderr.splitlines() == [
        f"{program}: 2 components with an invalid spec",
        f"  - {where}:2: ScheduledPipeline \"etl\": name: 'Bad_Name' must be a lowercase "
        "DNS-1123 label: a-z, 0-9 and '-', starting and ending with a letter or digit",
        f"  - {where}:2: ScheduledPipeline \"etl\": schedule: invalid cron schedule '0 */4 * *': "
        "expected 5 fields (minute hour day-of-month month day-of-week), got 4",
        f'  - {where}:2: ScheduledPipeline "etl": stages: a pipeline needs at least one stage '
        "with a child",
        f'  - {where}:5: ScheduledPipeline "late": timezone: unknown time zone '
        "'Mars/Olympus': use an IANA name such as 'Europe/Zurich' or 'UTC'",
    ]


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


def test_legal_names_too_long_for_a_file_name_are_shortened_with_a_hash(tmp_path):
    """A 253-character account name made `<namespace>.<kind>.<name>.yaml` 278 bytes: the
    file system refused it ("File name too long")."""
    spec = tmp_path / "long.yaml"
    long_a, long_b = "a" * 250 + "-one", "a" * 250 + "-two"
    spec.write_text(
        "name: nightly\nschedule: '@daily'\nstages: [[{name: a, workflowTemplate: t}]]\n"
        f"serviceAccountName: {long_a[:253]}\n"
        f"templates: [{{name: t, image: alpine, serviceAccountName: {long_b[:253]}}}]\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("render", spec, "-o", out)
    assert result.exit_code == 0, result.stderr
    files = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in out.iterdir()}
    assert all(len(name.encode()) <= render_output.NAME_MAX for name in files)
    accounts = {
        name: doc["metadata"]["name"]
        for name, doc in files.items()
        if doc["kind"] == "ServiceAccount"
    }
    assert sorted(accounts.values()) == sorted([long_a[:253], long_b[:253]])
    assert all(len(name) == 255 and name.endswith(".yaml") for name in accounts)
    assert render_output.file_names(list(files.values()), "yaml") == render_output.file_names(
        list(files.values()), "yaml"
    )


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


# --- programs that misbehave: each is a fixture of the adversarial run ---------------------------

CONFIG_MAP = (
    "import pulumi_kubernetes as k8s\n"
    "k8s.core.v1.ConfigMap('c', metadata={'name': 'c', 'namespace': 'd'}, data={'a': 'b'})\n"
)


def write_program(directory, source):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {directory.name}\nruntime: python\n")
    (directory / "__main__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return directory


def test_nothing_a_program_writes_reaches_stdout(tmp_path):
    """Descriptor 1 itself, the interpreter's original stdout, a subprocess and an atexit
    handler: the YAML on stdout stays the manifests alone, and all of it reaches stderr."""
    program = write_program(
        tmp_path / "noisy",
        CONFIG_MAP + "import atexit, os, subprocess, sys\n"
        "os.write(1, b'fd-1\\n')\n"
        "sys.__stdout__.write('dunder-stdout\\n'); sys.__stdout__.flush()\n"
        "print('print')\n"
        "subprocess.run([sys.executable, '-c', 'print(\"subprocess\")'], check=True)\n"
        "atexit.register(lambda: os.write(1, b'atexit\\n'))\n",
    )
    result = run_console("render", program)
    assert result.returncode == 0, result.stderr
    assert list(yaml.safe_load_all(result.stdout)) == [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"},
         "data": {"a": "b"}},
    ]  # fmt: skip
    for line in ("fd-1", "dunder-stdout", "print", "subprocess", "atexit"):
        assert f"{line}\n" in result.stderr


@pytest.mark.parametrize(
    ("ending", "reason"),
    [
        ("class Stop(BaseException):\n    pass\nraise Stop('stop')\n", "5: Stop: stop"),
        ("raise GeneratorExit('bye')\n", "3: GeneratorExit: bye"),
        ("raise KeyboardInterrupt\n", "3: KeyboardInterrupt"),
        ("import sys\nsys.exit('bad config')\n", "4: the program exited (sys.exit): bad config"),
    ],
    ids=["own-base-exception", "generator-exit", "keyboard-interrupt", "exit-with-message"],
)
def test_a_program_that_ends_with_any_base_exception_fails_at_its_line(tmp_path, ending, reason):
    program = write_program(tmp_path / "ends", CONFIG_MAP + ending)
    result = invoke("render", program)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{program}: the program failed\n  - {program / '__main__.py'}:{reason}\n"
    )


def test_a_program_that_ends_its_process_is_a_failure_not_the_commands_status(tmp_path):
    program = write_program(tmp_path / "exits", CONFIG_MAP + "import os\nos._exit(3)\n")
    result = run_console("render", program)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{program}: the program failed\n"
        "  - it ended its process with exit status 3 before it finished (os._exit, or a crash)\n"
    )


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_a_program_that_never_ends_is_stopped_after_the_timeout(tmp_path):
    """With what it started: its sleeping subprocess is stopped too (the process group)."""
    started = tmp_path / "sleeper.pid"
    program = write_program(
        tmp_path / "loops",
        CONFIG_MAP + "import pathlib, subprocess, sys\n"
        "sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"pathlib.Path({str(started)!r}).write_text(str(sleeper.pid))\n"
        "while True:\n    pass\n",
    )
    result = invoke("render", program, "--timeout", "3")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{program}: the program failed\n"
        "  - it did not finish within 3 seconds and was stopped (--timeout SECONDS allows "
        "longer, 0 no limit)\n"
    )
    sleeper = int(started.read_text())  # the program did start it before it was stopped
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(sleeper, 0)
        except ProcessLookupError:
            break
        if _zombie(sleeper):  # killed, waiting for an init that does not reap it
            break
        time.sleep(0.05)
    else:
        os.kill(sleeper, signal.SIGKILL)
        pytest.fail("the program's subprocess outlived it")


def test_a_program_that_patches_the_library_cannot_change_the_next_verdict(tmp_path):
    patcher = write_program(
        tmp_path / "patcher",
        CONFIG_MAP + "from pulumi_argo_orchestration.syntax import kubernetes_names\n"
        "kubernetes_names.is_dns_label = lambda value: True\n",
    )
    invalid = write_program(
        tmp_path / "invalid",
        """\
        from pulumi_argo_orchestration import ScheduledPipeline
        ScheduledPipeline('etl', {'name': 'Not_A_Label', 'schedule': '@daily',
            'timezone': 'UTC', 'stages': [[{'name': 'a', 'workflow_template': 't'}]]})
        """,
    )
    result = invoke("validate", patcher, invalid)
    assert result.exit_code == 1
    assert result.stdout == f"{patcher}: ok (1 manifest)\n"
    assert "ScheduledPipeline \"etl\": name: 'Not_A_Label' must be a lowercase" in result.stderr


def test_where_no_program_server_runs_each_program_gets_an_interpreter_of_its_own(
    tmp_path, monkeypatch
):
    """The path for systems without fork and descriptor passing: the same guarantees."""
    from pulumi_argo_orchestration.cli import program_process

    monkeypatch.setattr(program_process, "_server", lambda: None)
    noisy = write_program(
        tmp_path / "noisy", CONFIG_MAP + "import os\nos.write(1, b'fd-1\\n')\nos._exit(0)\n"
    )
    ends = write_program(tmp_path / "ends", CONFIG_MAP + "import os\nos._exit(3)\n")
    loops = write_program(tmp_path / "loops", CONFIG_MAP + "while True:\n    pass\n")
    result = invoke("validate", noisy, ends, loops, "--timeout", "2")
    assert result.exit_code == 1
    assert result.stdout == ""  # os._exit(0) before answering is no answer either
    assert "fd-1\n" in result.stderr
    assert f"{ends}: it ended its process with exit status 3 before it finished" in result.stderr
    assert f"{loops}: it did not finish within 2 seconds and was stopped" in result.stderr
