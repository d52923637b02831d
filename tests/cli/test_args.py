"""The command line itself: what argparse checks and prints for `argo-orchestration` (paths that
must exist, ranges, times, KEY=VALUE, usage errors with status 2, --help and --version)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pulumi_argo_orchestration import __version__
from tests.conftest import EXAMPLES, ROOT
from tests.support.cli_runner import invoke, run_console

SEED = EXAMPLES / "scheduled-sync" / "pipeline.yaml"
# the commands that take a PATH
COMMANDS = ["render", "validate", "graph", "schedule", "status", "simulate"]
# Commands that take one pipeline spec file (no Pulumi program options).
SPEC_COMMANDS = ["run", "backfill"]
ALL_COMMANDS = sorted([*COMMANDS, *SPEC_COMMANDS, "import"])


def usage_error(result, command=""):
    """Status 2, nothing on stdout, the command's usage line and `error:` on stderr."""
    prog = f"argo-orchestration {command}".strip()
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"usage: {prog} ")
    return result.stderr.splitlines()[-1].removeprefix(f"{prog}: error: ")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_path_is_a_usage_error_that_names_it(command):
    message = usage_error(invoke(command, "no-such-pipeline.yaml"), command)
    assert message == "argument PATH: Path 'no-such-pipeline.yaml' does not exist."


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_needs_a_path(command):
    message = usage_error(invoke(command), command)
    assert message == "the following arguments are required: PATH"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--next", "0"], "argument --next: 0 is not in the range 1<=x<=1000."),
        (["--next", "1001"], "argument --next: 1001 is not in the range 1<=x<=1000."),
        (["--next", "many"], "argument --next: 'many' is not a valid integer."),
        (
            ["--from", "tomorrow"],
            "argument --from: 'tomorrow' is not an ISO 8601 time (e.g. 2025-03-29T00:00:00+01:00)",
        ),
    ],
)
def test_schedule_checks_its_options(args, message):
    assert usage_error(invoke("schedule", SEED, *args), "schedule") == message


def test_schedule_accepts_the_bounds_and_a_z_suffix():
    for count in ("1", "1000"):
        result = invoke("schedule", SEED, "--next", count, "--from", "2025-01-01T00:00:00z")
        assert result.exit_code == 0, result.stderr
        assert f"next {count} runs of" in result.stdout.splitlines()[0]


def test_an_unknown_format_lists_the_choices():
    message = usage_error(invoke("graph", SEED, "--format", "png"), "graph")
    assert message == "argument --format: invalid choice: 'png' (choose from 'mermaid', 'dot')"


def test_an_assignment_without_equals_is_a_usage_error():
    message = usage_error(invoke("render", EXAMPLES / "scheduled-sync", "-c", "team"), "render")
    assert message == "argument -c/--config: expected KEY=VALUE, got 'team'"


def test_program_options_on_a_spec_file_say_why(tmp_path):
    message = usage_error(invoke("render", SEED, "--show-secrets"), "render")
    assert message == (
        "--stack, --config, --secret, --timeout and --show-secrets apply to Pulumi programs, "
        f"and {SEED} is a spec file"
    )


def test_output_dir_must_not_be_a_file(tmp_path):
    file = tmp_path / "file"
    file.write_text("", encoding="utf-8")
    message = usage_error(invoke("render", SEED, "-o", file), "render")
    assert message == f"argument -o/--output-dir: Directory '{file}' is a file."
    assert file.read_text(encoding="utf-8") == ""


def test_argo_schema_must_be_an_existing_directory(tmp_path):
    missing = tmp_path / "missing"
    message = usage_error(
        invoke("validate", "--strict", "--argo-schema", missing, SEED), "validate"
    )
    assert message == f"argument --argo-schema: Directory '{missing}' does not exist."
    message = usage_error(invoke("validate", "--strict", "--argo-schema", SEED, SEED), "validate")
    assert message == f"argument --argo-schema: Directory '{SEED}' is a file."
    message = usage_error(invoke("validate", "--strict", SEED), "validate")
    assert message == "--strict and --argo-schema DIR go together"


def test_options_may_come_before_between_and_after_paths():
    first, second = EXAMPLES / "scheduled-sync", EXAMPLES / "daily-report"
    result = invoke("validate", first, "--stack", "nope", second)
    assert result.exit_code == 1  # --stack reached both programs, which have no such stack
    assert result.stderr.splitlines() == [
        f"{first}: no stack file for stack 'nope'",
        f"{second}: no stack file for stack 'nope'",
        "2 problems in 2 of 2 files",
    ]
    assert invoke("render", SEED, "--format", "json").stdout.startswith("{")
    assert invoke("render", "--format", "json", SEED).stdout.startswith("{")


def test_an_unknown_command_or_option_is_a_usage_error():
    message = usage_error(invoke("deploy", SEED))
    assert message == (
        "argument COMMAND: invalid choice: 'deploy' "
        "(choose from 'backfill', 'graph', 'import', 'render', 'run', 'schedule', "
        "'simulate', 'status', 'validate')"
    )
    assert usage_error(invoke("render", SEED, "--colour"), "render") == (
        "unrecognized arguments: --colour"
    )
    assert usage_error(invoke("render", SEED, SEED), "render") == (
        f"unrecognized arguments: {SEED}"
    )


def test_no_command_prints_the_help_on_stderr_with_status_2():
    result = invoke()
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == invoke("--help").stdout


def test_version():
    result = invoke("--version")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"argo-orchestration, version {__version__}\n",
        "",
    )


def test_help_lists_the_commands_with_their_summaries(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # each summary on one line
    result = invoke("-h")
    assert result.exit_code == 0
    assert result.stdout.startswith("usage: argo-orchestration [-h] [--version] COMMAND ...\n")
    assert "Scheduled Argo Workflows orchestrations, offline" in result.stdout
    lines = [line.split(None, 1) for line in result.stdout.split("commands:\n")[1].splitlines()]
    assert [line[0] for line in lines] == ALL_COMMANDS
    assert dict(lines)["schedule"] == "List the next run times, with DST warnings."


def test_render_help_lists_its_options():
    result = invoke("render", "--help")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith("usage: argo-orchestration render [-h]")
    assert "Print the Kubernetes manifests of PATH.\n\nPATH is a pipeline spec" in result.stdout
    for option in (
        "-h, --help",
        "--stack NAME",
        "-c, --config KEY=VALUE",
        "--secret KEY=VALUE",
        "--show-secrets",
        "-o, --output-dir DIR",
        "--format {yaml,json}",
    ):
        assert f"\n  {option} " in result.stdout, option
    assert "[default: yaml]" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = invoke(command, "-h")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"usage: argo-orchestration {command} [-h]")
    assert "--stack NAME" in result.stdout


def test_help_is_at_most_80_columns_wide_on_a_wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    for args in (["-h"], *([command, "-h"] for command in ALL_COMMANDS)):
        lines = invoke(*args).stdout.splitlines()
        assert max(map(len, lines)) <= 80, args


def test_the_module_runs_as_a_script_without_importing_click():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    version = subprocess.run(
        [sys.executable, "-m", "pulumi_argo_orchestration.cli.main", "--version"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert (version.returncode, version.stdout) == (
        0,
        f"argo-orchestration, version {__version__}\n",
    )
    check = (
        "import sys; from pulumi_argo_orchestration.cli.main import run\n"
        "try: run()\n"
        "finally: print('click' in sys.modules, file=sys.stderr)\n"
    )
    rendered = subprocess.run(
        [sys.executable, "-c", check, "render", str(SEED)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stderr.splitlines()[-1] == "False"


def test_a_reader_that_goes_away_ends_the_command_quietly_with_status_1():
    # `argo-orchestration render ... | head -1`: no BrokenPipeError traceback, as with click.
    process = subprocess.Popen(
        [sys.executable, "-c", "from pulumi_argo_orchestration.cli.main import run; run()",
         "render", str(EXAMPLES / "parallel-sync" / "pipeline.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    process.stdout.close()  # before the command writes: it starts in a fraction of a second
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert (process.wait(), stderr) == (1, "")


@pytest.mark.parametrize(
    "command",
    [
        ["render", SEED],
        ["validate", SEED],
        ["graph", SEED],
        ["status", SEED, "--from-json", ROOT / "tests/views/fixtures/status/scheduled-sync.json"],
    ],
)
@pytest.mark.parametrize("when", ["before start-up", "after start-up"])
def test_a_closed_stdout_is_an_error_not_a_traceback(command, when):
    # `argo-orchestration render ... >&-`: Python starts with sys.stdout None; closed later, its
    # descriptor is gone (EBADF).
    code = "from pulumi_argo_orchestration.cli.main import run; run()"
    if when == "after start-up":
        code = f"import os; os.close(1); {code}"
    closed = subprocess.run(
        [sys.executable, "-c", code, *map(str, command)],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=(lambda: os.close(1)) if when == "before start-up" else None,
    )  # fmt: skip
    assert closed.returncode == 1
    assert closed.stderr.startswith("argo-orchestration: cannot write the output: ")
    assert "Traceback" not in closed.stderr


# Every command that prints: its output goes through `cli.common._output`.
PRINTING = {
    "render": ["render", SEED],
    "run": ["run", SEED],
    "backfill": [
        "backfill",
        SEED,
        "--from",
        "2026-01-01T00:00:00Z",
        "--to",
        "2026-01-01T09:00:00Z",
    ],
    "simulate": ["simulate", SEED, "--from", "2026-01-01T00:00:00Z"],
    "schedule": ["schedule", SEED],
    "graph": ["graph", SEED],
    "status": [
        "status",
        SEED,
        "--from-json",
        ROOT / "tests/views/fixtures/status/scheduled-sync.json",
    ],
}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", sorted(PRINTING))
def test_a_full_disk_is_an_error_not_a_traceback(command):
    with open("/dev/full", "w") as full:
        result = run_console(*PRINTING[command], stdout=full)
    assert (result.returncode, result.stderr.splitlines()[-1:]) == (
        1,
        ["argo-orchestration: cannot write the output: No space left on device"],
    )
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_import_to_a_full_disk_is_an_error_not_a_traceback(tmp_path):
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(run_console("render", SEED).stdout)
    with open("/dev/full", "w") as full:
        result = run_console("import", rendered, stdout=full)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "argo-orchestration: cannot write the output: No space left on device"
    )


def test_the_documented_help_is_the_real_one(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = text.split("$ argo-orchestration --help\n", 1)[1].split("```", 1)[0]
    assert documented == invoke("--help").stdout
