"""`argo-orchestration run` and `backfill`: what they print for every example, their errors and
exit statuses, and output that is the same on every invocation."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.syntax.rfc3339 import parse_rfc3339
from tests.cli.test_args import usage_error
from tests.conftest import EXAMPLE_SPECS, EXAMPLES
from tests.support.cli_runner import invoke

IDS = [spec.parent.name for spec in EXAMPLE_SPECS]
WINDOWED = EXAMPLES / "windowed-ingest" / "pipeline.yaml"
UTC = timezone.utc


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_run_prints_one_workflow_for_every_example(spec, schemas_for):
    pipeline = load_spec_file(spec)
    result = invoke("run", spec, "--scheduled-time", "2026-03-29T02:00:00Z")
    assert result.exit_code == 0, result.stderr
    (workflow,) = yaml.safe_load_all(result.stdout)
    assert workflow["kind"] == "Workflow"
    assert workflow["metadata"]["generateName"] == f"{pipeline.name}-"
    assert workflow["metadata"]["annotations"] == {
        "workflows.argoproj.io/scheduled-time": "2026-03-29T02:00:00Z"
    }
    assert schemas_for(pipeline).problems(workflow) == []


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_run_child_prints_each_steps_child_for_every_example(spec, schemas_for):
    pipeline = load_spec_file(spec)
    for _, child in pipeline.children:
        result = invoke(
            "run", spec, "--child", child.name, "--scheduled-time", "2026-03-29T02:00:00Z"
        )
        assert result.exit_code == 0, result.stderr
        (workflow,) = yaml.safe_load_all(result.stdout)
        assert workflow["metadata"]["labels"]["argo-orchestration/step"] == child.name
        assert workflow["spec"]["workflowTemplateRef"]["name"] == child.template_ref
        assert schemas_for(pipeline).problems(workflow) == []


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_backfill_works_on_every_example(spec):
    pipeline = load_spec_file(spec)
    args = ("--from", "2026-03-27T00:00:00Z", "--to", "2026-03-31T00:00:00Z", "--parallel", 2)
    result = invoke("backfill", spec, *args)
    if any(s.startswith("@every") for s in pipeline.all_schedules):
        assert result.exit_code == 1
        return
    assert result.exit_code == 0, result.stderr
    documents = list(yaml.safe_load_all(result.stdout))
    assert documents[0]["kind"] == "ConfigMap"
    names = [d["metadata"]["name"] for d in documents[1:]]
    assert names and all(name.startswith(f"{pipeline.name}-bf") for name in names)
    # The same range again prints the very same documents: kubectl create refuses them all.
    assert invoke("backfill", spec, *args).stdout == result.stdout
    assert result.stderr.splitlines()[0] == f"{pipeline.name}: {len(names)} runs to backfill"


def test_backfill_reports_the_skipped_days_and_the_missing_limit():
    result = invoke(
        "backfill", WINDOWED, "--from", "2026-12-24T00:00:00Z", "--to", "2026-12-29T00:00:00Z"
    )
    assert result.exit_code == 0
    names = [d["metadata"]["name"] for d in yaml.safe_load_all(result.stdout)]
    assert len(names) == 8  # Thursday and Monday, four runs each
    assert result.stderr.splitlines() == [
        "windowed-ingest: 8 runs to backfill",
        "windowed-ingest: skipped by the calendar: Fri 2026-12-25 (a skip date, 4 runs)",
        "warning: windowed-ingest: the 8 runs all start at once: --parallel N limits them",
    ]


def test_backfill_with_a_limit_on_an_orchestrator_template_warns_about_strict_references():
    result = invoke(
        "backfill", WINDOWED, "--from", "2026-12-24T00:00:00Z", "--to", "2026-12-25T00:00:00Z",
        "--parallel", 1,
    )  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == (
        "warning: windowed-ingest: with `templateReferencing: Strict` or `Secure` (Argo v3.7.14+, "
        "v4.0.5+) the controller refuses `synchronization` next to workflowTemplateRef unless "
        "WORKFLOW_USER_OVERRIDE_ALLOWLIST includes it (v3.7.17+, v4.0.8+)"
    )


def test_run_without_a_time_is_scheduled_now():
    before = datetime.now(UTC).replace(microsecond=0)
    result = invoke("run", WINDOWED)
    after = datetime.now(UTC)
    (workflow,) = yaml.safe_load_all(result.stdout)
    moment = parse_rfc3339(
        workflow["metadata"]["annotations"]["workflows.argoproj.io/scheduled-time"]
    )
    assert moment is not None
    assert before <= moment <= after


def test_run_takes_parameters_and_refuses_unknown_ones():
    result = invoke(
        "run",
        WINDOWED,
        "-p",
        "source=s3://events/replay",
        "-p",
        "window-start=2026-12-01T00:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    (workflow,) = yaml.safe_load_all(result.stdout)
    assert workflow["spec"]["arguments"] == {
        "parameters": [
            {"name": "source", "value": "s3://events/replay"},
            {"name": "window-start", "value": "2026-12-01T00:00:00Z"},
        ]
    }
    result = invoke("run", WINDOWED, "-p", "sorce=x", "-p", "window-end=yesterday")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"{WINDOWED}: cannot make the run (2 problems)",
        "  - -p sorce: the pipeline has no parameter 'sorce' (did you mean 'source'?); its "
        "parameters: source, window-start, window-end",
        "  - -p window-end: 'yesterday' is not an RFC 3339 time (e.g. 2026-03-29T00:00:00Z)",
    ]


def test_run_child_fills_in_the_window():
    result = invoke(
        "run", WINDOWED, "--child", "extract", "--scheduled-time", "2026-12-28T05:00:00Z"
    )
    assert result.exit_code == 0, result.stderr
    (workflow,) = yaml.safe_load_all(result.stdout)
    assert workflow["spec"]["arguments"]["parameters"] == [
        {"name": "source", "value": "s3://events/raw"},
        {"name": "since", "value": "2026-12-24T17:00:00Z"},  # after the holiday on the 25th
        {"name": "until", "value": "2026-12-28T05:00:00Z"},
    ]
    assert result.stderr == ""


def test_run_child_notes_what_only_the_orchestrator_knows():
    result = invoke("run", EXAMPLES / "dag-etl" / "pipeline.yaml", "--child", "notify")
    assert result.exit_code == 0, result.stderr
    assert "note: argument 'status' of step 'notify' holds {{workflow.status}}" in result.stderr


def test_an_invalid_spec_prints_its_problems_and_nothing_else(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: Broken\n", encoding="utf-8")
    for args in (
        ("run", broken),
        ("backfill", broken, "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z"),
    ):
        result = invoke(*args)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr.startswith(f"{broken}: invalid pipeline spec (")


def test_backfill_refuses_every_schedules(tmp_path):
    path = tmp_path / "every.yaml"
    path.write_text(
        "name: every\nschedule: '@every 4h'\ntimezone: UTC\n"
        "stages: [[{name: a, workflowTemplate: t}]]\n",
        encoding="utf-8",
    )
    result = invoke(
        "backfill", path, "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z"
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"{path}: cannot backfill (1 problem)",
        "  - schedule: `@every 4h` counts from when the controller last loaded the CronWorkflow, "
        "so the times it would have run cannot be known: backfill needs cron schedules",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z"],
         "--from must be before --to"),
        (["--from", "1969-12-31T00:00:00Z", "--to", "1970-01-02T00:00:00Z"],
         "argument --from: '1969-12-31T00:00:00Z' is not between 1970-01-01T00:00:00Z and "
         "2999-12-31T23:59:59Z"),
        (["--from", "2026-01-01T00:00:00Z", "--to", "9999-12-31T23:59:59Z"],
         "argument --to: '9999-12-31T23:59:59Z' is not between 1970-01-01T00:00:00Z and "
         "2999-12-31T23:59:59Z"),
        (["--from", "2026-01-01", "--to", "2026-01-02T00:00:00Z"],
         "argument --from: '2026-01-01' is not an RFC 3339 time with an offset "
         "(e.g. 2026-03-29T00:00:00Z)"),
        (["--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z", "--parallel", "0"],
         "argument --parallel: 0 is not in the range 1<=x<=1000."),
        (["--to", "2026-01-02T00:00:00Z"], "the following arguments are required: --from"),
        (["--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z", "-p", "source"],
         "argument -p/--parameter: expected NAME=VALUE, got 'source'"),
    ],
)  # fmt: skip
def test_backfill_usage_errors(args, message):
    assert usage_error(invoke("backfill", WINDOWED, *args), "backfill") == message


def test_run_takes_a_spec_file_not_a_program():
    message = usage_error(invoke("run", WINDOWED.parent), "run")
    program = f"'{WINDOWED.parent}' is a Pulumi program"
    assert message == f"argument SPEC: {program}: give the pipeline's spec file (YAML)"
    message = usage_error(invoke("run", WINDOWED, "--scheduled-time", "now"), "run")
    assert message == (
        "argument --scheduled-time: 'now' is not an RFC 3339 time with an offset "
        "(e.g. 2026-03-29T00:00:00Z)"
    )
    # Python's dates end with the year 9999; a run's window reaches back before its time.
    message = usage_error(
        invoke("run", WINDOWED, "--scheduled-time", "0001-01-01T00:00:00Z"), "run"
    )
    assert message == (
        "argument --scheduled-time: '0001-01-01T00:00:00Z' is not between 1970-01-01T00:00:00Z "
        "and 2999-12-31T23:59:59Z"
    )


@pytest.mark.parametrize("command", ["run", "backfill"])
def test_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"usage: argo-orchestration {command} [-h] [-p NAME=VALUE]")
    assert "-p, --parameter NAME=VALUE" in result.stdout
