"""`argo-orchestration simulate`: the command line over `views.simulation` and `views.timeline`."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES
from tests.support.cli_runner import invoke

SEED = EXAMPLES / "scheduled-sync" / "pipeline.yaml"
RETRY = EXAMPLES / "retry-backoff" / "pipeline.yaml"
FROM = "2026-01-01T00:00:00+01:00"


def test_a_failure_stops_the_next_stage_and_the_retries_are_listed():
    result = invoke("simulate", SEED, "--fail", "sync-config", "--from", FROM)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[5:] == [
        "run 1  scheduled-sync-1767236400  Failed  Thu 04:00:00 -> Thu 04:05:10 (5m10s)",
        "  child 'sync-config' failed",
        "  stage 1",
        "    sync-config    Failed     +0s -> +5m10s  4 attempts",
        "                   attempt 1  +0s -> +1m00s  Failed: Error (exit code 1); waits 10s",
        "                   attempt 2  +1m10s -> +2m10s  Failed: Error (exit code 1); waits 20s",
        "                   attempt 3  +2m30s -> +3m30s  Failed: Error (exit code 1); waits 40s",
        "                   attempt 4  +4m10s -> +5m10s  Failed: Error (exit code 1)",
        "                   child Failed: No more retries left",
        "  stage 2",
        "    rebuild-cache  skipped    never ran: stage 1 failed",
    ]


def test_failing_some_attempts_only():
    result = invoke("simulate", SEED, "--fail", "sync-config:1", "--from", FROM)
    lines = result.stdout.splitlines()
    assert "                   attempt 2  +1m10s -> +2m10s  Succeeded" in lines
    assert "    rebuild-cache  Succeeded  +2m10s -> +3m10s" in lines


def test_replace_over_several_ticks():
    result = invoke("simulate", SEED, "--slow", "sync-config=5h", "--runs", "2", "--from", FROM)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:7] == [
        "scheduled-sync: 2 ticks of 0 */4 * * * (Europe/Zurich) from Thu 2026-01-01 04:00:00 "
        "CET; concurrencyPolicy Replace, startingDeadlineSeconds 60",
        "each child attempt takes 1m00s; sync-config 5h00m00s",
        "",
        "Thu 2026-01-01 04:00:00 CET  run 1 starts",
        "Thu 2026-01-01 08:00:00 CET  Replace: terminates run 1",
        "Thu 2026-01-01 08:00:00 CET  run 2 starts",
        "",
    ]
    assert "                   its child Workflow runs on until Thu 09:00:00 (Succeeded)" in lines


def test_a_mermaid_gantt_chart():
    result = invoke("simulate", RETRY, "--fail", "load:2", "--from", FROM, "--format", "mermaid")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "gantt\n"
        "    title nightly-etl simulated runs (Europe/Berlin)\n"
        "    dateFormat YYYY-MM-DD HH:mm:ss\n"
        "    axisFormat %H:%M\n"
        "    section run 1 Succeeded\n"
        "    extract Succeeded :done, 2026-01-01 01:30:00, 2026-01-01 01:31:00\n"
        "    load attempt 1 Failed :crit, 2026-01-01 01:31:00, 2026-01-01 01:32:00\n"
        "    load waits :2026-01-01 01:32:00, 2026-01-01 01:32:10\n"
        "    load attempt 2 Failed :crit, 2026-01-01 01:32:10, 2026-01-01 01:33:10\n"
        "    load waits :2026-01-01 01:33:10, 2026-01-01 01:33:40\n"
        "    load attempt 3 Succeeded :done, 2026-01-01 01:33:40, 2026-01-01 01:34:40\n"
        "    cleanup Succeeded :done, 2026-01-01 01:34:40, 2026-01-01 01:35:40\n"
    )


def test_skipped_and_terminated_children_in_the_chart():
    result = invoke(
        "simulate", SEED, "--slow", "sync-config=5h", "--runs", "2", "--from", FROM,
        "--format", "mermaid",
    )  # fmt: skip
    assert result.stdout.splitlines()[4:8] == [
        "    section run 1 Failed",
        "    sync-config Failed :crit, 2026-01-01 04:00:00, 2026-01-01 08:00:00",
        "    sync-config child runs on :active, 2026-01-01 08:00:00, 2026-01-01 09:00:00",
        "    rebuild-cache not run :milestone, 2026-01-01 08:00:00, 0s",
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--fail", "a:0"], "argument --fail: 'a:0' is not STEP or STEP:ATTEMPTS (a whole number "
         "of failed attempts, at least 1)"),
        (["--slow", "a"], "argument --slow: 'a' is not STEP=DURATION, e.g. load=2h"),
        (["--slow", "a=soon"], "argument --slow: 'soon' is not a positive duration such as 90s, "
         "5m or 1h30m"),
        (["--runs", "0"], "argument --runs: '0' is not a whole number from 1 to 100"),
        (["--fail", "nope"], "scheduled-sync has no step 'nope': its steps are sync-config, "
         "rebuild-cache"),
    ],
)  # fmt: skip
def test_a_malformed_scenario_is_a_usage_error(arguments, message):
    result = invoke("simulate", SEED, *arguments)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == f"argo-orchestration simulate: error: {message}"


def test_an_invalid_spec_is_reported_with_status_1(tmp_path):
    spec = tmp_path / "pipeline.yaml"
    spec.write_text("name: x\nschedule: '61 * * * *'\nstages: [[{name: a, workflowTemplate: t}]]\n")
    result = invoke("simulate", spec)
    assert (result.exit_code, result.stdout) == (1, "")
    assert "schedule: invalid cron schedule '61 * * * *'" in result.stderr


def test_a_terminated_childs_own_retries_are_not_drawn_in_its_run():
    """After Replace terminated the run, the child's later attempts and waits are its own."""
    result = invoke(
        "simulate", SEED, "--slow", "sync-config=5h", "--fail", "sync-config:2", "--runs", "2",
        "--from", FROM, "--format", "mermaid",
    )  # fmt: skip
    assert result.stdout.splitlines()[4:9] == [
        "    section run 1 Failed",
        "    sync-config attempt 1 Failed :crit, 2026-01-01 04:00:00, 2026-01-01 08:00:00",
        "    sync-config child runs on :active, 2026-01-01 08:00:00, 2026-01-01 19:00:30",
        "    rebuild-cache not run :milestone, 2026-01-01 08:00:00, 0s",
        "    section run 2 Succeeded",
    ]


def test_an_orchestrator_template_simulates_like_the_inline_orchestrator(tmp_path):
    spec = tmp_path / "pipeline.yaml"
    spec.write_text(SEED.read_text() + "orchestratorTemplate: true\n")
    inline = invoke("simulate", SEED, "--fail", "sync-config:1", "--from", FROM)
    referenced = invoke("simulate", spec, "--fail", "sync-config:1", "--from", FROM)
    assert (referenced.exit_code, referenced.stderr) == (0, "")
    assert referenced.stdout == inline.stdout


def test_a_backoff_that_grows_past_the_year_9999_is_one_error(tmp_path):
    spec = tmp_path / "pipeline.yaml"
    spec.write_text(
        SEED.read_text().replace("limit: 3", "limit: 100").replace("factor: 2", "factor: 10")
    )
    result = invoke("simulate", spec, "--fail", "sync-config", "--from", FROM)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{spec}: the simulated runs go on past the year 9999 (retries whose backoff grows "
        "without a cap, or long --slow durations): simulate fewer runs, or give the backoff a cap\n"
    )
    result = invoke("simulate", SEED, "--slow", "sync-config=99999999999h", "--from", FROM)
    assert (result.exit_code, result.stdout) == (1, "")
    assert "past the year 9999" in result.stderr


def test_a_start_outside_the_range_of_times_is_a_usage_error():
    result = invoke("simulate", SEED, "--from", "9999-12-31T23:00:00Z")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(
        "argument --from: '9999-12-31T23:00:00Z' is not between 1970-01-01T00:00:00Z and "
        "2999-12-31T23:59:59Z"
    )


def test_a_start_without_an_offset_is_a_usage_error():
    result = invoke("simulate", SEED, "--from", "2026-06-01T00:00:00")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "argo-orchestration simulate: error: --from needs a time with an offset, e.g. "
        "2026-01-01T08:00:00+01:00"
    )
