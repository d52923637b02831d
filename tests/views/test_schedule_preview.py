"""`argo-orchestration schedule`: the listed runs are robfig/cron's (descriptors and `@every`
included), shown in the pipeline's zone and UTC, with DST and no-timezone warnings."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from pulumi_argo_orchestration.syntax.robfig_cron import next_runs
from pulumi_argo_orchestration.views.schedule_preview import preview
from tests.conftest import EXAMPLES
from tests.support.cli_runner import invoke

UTC = timezone.utc


def spec_file(tmp_path, schedules, zone):
    lines = ["name: nightly", "schedules:"]
    lines += [f"  - {s!r}" for s in schedules]
    if zone:
        lines.append(f"timezone: {zone}")
    lines.append("stages: [[{name: work, workflowTemplate: worker}]]")
    path = tmp_path / "pipeline.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(stdout):
    """The table's rows (after the title and the column header), split into cells."""
    lines = stdout.splitlines()
    return [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]


def cell(moment, seconds):
    return moment.strftime(f"%a %Y-%m-%d %H:%M{':%S' if seconds else ''} %Z")


# robfig/cron v3.0.1's own answers, as UTC instants: `cron.ParseStandard("CRON_TZ=<zone> <expr>")`
# (Argo's workflow/cron/operator.go) and `Next` six times from each start, run with Go 1.19 outside
# this repository. Descriptors, `@every` and both of Europe's 2025 DST changes are among them.
ROBFIG_NEXT_RUNS = {
    ("0 */4 * * *", "Europe/Zurich", "2025-03-29T12:00:00+00:00"): [
        "2025-03-29T15:00:00",
        "2025-03-29T19:00:00",
        "2025-03-29T23:00:00",
        "2025-03-30T02:00:00",
        "2025-03-30T06:00:00",
        "2025-03-30T10:00:00",
    ],
    ("0 */4 * * *", "Europe/Zurich", "2025-10-25T20:00:00Z"): [
        "2025-10-25T22:00:00",
        "2025-10-26T03:00:00",
        "2025-10-26T07:00:00",
        "2025-10-26T11:00:00",
        "2025-10-26T15:00:00",
        "2025-10-26T19:00:00",
    ],
    ("0 */4 * * *", "Europe/Zurich", "2024-02-27T23:59:59+05:30"): [
        "2024-02-27T19:00:00",
        "2024-02-27T23:00:00",
        "2024-02-28T03:00:00",
        "2024-02-28T07:00:00",
        "2024-02-28T11:00:00",
        "2024-02-28T15:00:00",
    ],
    ("*/20 2 * * *", "Europe/Zurich", "2025-03-29T12:00:00+00:00"): [
        "2025-03-31T00:00:00",
        "2025-03-31T00:20:00",
        "2025-03-31T00:40:00",
        "2025-04-01T00:00:00",
        "2025-04-01T00:20:00",
        "2025-04-01T00:40:00",
    ],
    ("*/20 2 * * *", "Europe/Zurich", "2025-10-25T20:00:00Z"): [
        "2025-10-26T00:00:00",
        "2025-10-26T00:20:00",
        "2025-10-26T00:40:00",
        "2025-10-26T01:00:00",
        "2025-10-26T01:20:00",
        "2025-10-26T01:40:00",
    ],
    ("*/20 2 * * *", "Europe/Zurich", "2024-02-27T23:59:59+05:30"): [
        "2024-02-28T01:00:00",
        "2024-02-28T01:20:00",
        "2024-02-28T01:40:00",
        "2024-02-29T01:00:00",
        "2024-02-29T01:20:00",
        "2024-02-29T01:40:00",
    ],
    ("30 2 * * 0", "America/Los_Angeles", "2025-03-29T12:00:00+00:00"): [
        "2025-03-30T09:30:00",
        "2025-04-06T09:30:00",
        "2025-04-13T09:30:00",
        "2025-04-20T09:30:00",
        "2025-04-27T09:30:00",
        "2025-05-04T09:30:00",
    ],
    ("30 2 * * 0", "America/Los_Angeles", "2025-10-25T20:00:00Z"): [
        "2025-10-26T09:30:00",
        "2025-11-02T10:30:00",
        "2025-11-09T10:30:00",
        "2025-11-16T10:30:00",
        "2025-11-23T10:30:00",
        "2025-11-30T10:30:00",
    ],
    ("30 2 * * 0", "America/Los_Angeles", "2024-02-27T23:59:59+05:30"): [
        "2024-03-03T10:30:00",
        "2024-03-17T09:30:00",
        "2024-03-24T09:30:00",
        "2024-03-31T09:30:00",
        "2024-04-07T09:30:00",
        "2024-04-14T09:30:00",
    ],
    ("0 9-17 * * mon-fri", "Australia/Sydney", "2025-03-29T12:00:00+00:00"): [
        "2025-03-30T22:00:00",
        "2025-03-30T23:00:00",
        "2025-03-31T00:00:00",
        "2025-03-31T01:00:00",
        "2025-03-31T02:00:00",
        "2025-03-31T03:00:00",
    ],
    ("0 9-17 * * mon-fri", "Australia/Sydney", "2025-10-25T20:00:00Z"): [
        "2025-10-26T22:00:00",
        "2025-10-26T23:00:00",
        "2025-10-27T00:00:00",
        "2025-10-27T01:00:00",
        "2025-10-27T02:00:00",
        "2025-10-27T03:00:00",
    ],
    ("0 9-17 * * mon-fri", "Australia/Sydney", "2024-02-27T23:59:59+05:30"): [
        "2024-02-27T22:00:00",
        "2024-02-27T23:00:00",
        "2024-02-28T00:00:00",
        "2024-02-28T01:00:00",
        "2024-02-28T02:00:00",
        "2024-02-28T03:00:00",
    ],
    ("0 0 29 2 *", "UTC", "2025-03-29T12:00:00+00:00"): [
        "2028-02-29T00:00:00",
        "2032-02-29T00:00:00",
        "2036-02-29T00:00:00",
        "2040-02-29T00:00:00",
        "2044-02-29T00:00:00",
        "2048-02-29T00:00:00",
    ],
    ("0 0 29 2 *", "UTC", "2025-10-25T20:00:00Z"): [
        "2028-02-29T00:00:00",
        "2032-02-29T00:00:00",
        "2036-02-29T00:00:00",
        "2040-02-29T00:00:00",
        "2044-02-29T00:00:00",
        "2048-02-29T00:00:00",
    ],
    ("0 0 29 2 *", "UTC", "2024-02-27T23:59:59+05:30"): [
        "2024-02-29T00:00:00",
        "2028-02-29T00:00:00",
        "2032-02-29T00:00:00",
        "2036-02-29T00:00:00",
        "2040-02-29T00:00:00",
        "2044-02-29T00:00:00",
    ],
    ("15 10 1,15 * *", "Asia/Kolkata", "2025-03-29T12:00:00+00:00"): [
        "2025-04-01T04:45:00",
        "2025-04-15T04:45:00",
        "2025-05-01T04:45:00",
        "2025-05-15T04:45:00",
        "2025-06-01T04:45:00",
        "2025-06-15T04:45:00",
    ],
    ("15 10 1,15 * *", "Asia/Kolkata", "2025-10-25T20:00:00Z"): [
        "2025-11-01T04:45:00",
        "2025-11-15T04:45:00",
        "2025-12-01T04:45:00",
        "2025-12-15T04:45:00",
        "2026-01-01T04:45:00",
        "2026-01-15T04:45:00",
    ],
    ("15 10 1,15 * *", "Asia/Kolkata", "2024-02-27T23:59:59+05:30"): [
        "2024-03-01T04:45:00",
        "2024-03-15T04:45:00",
        "2024-04-01T04:45:00",
        "2024-04-15T04:45:00",
        "2024-05-01T04:45:00",
        "2024-05-15T04:45:00",
    ],
    ("@hourly", "America/New_York", "2025-03-29T12:00:00+00:00"): [
        "2025-03-29T13:00:00",
        "2025-03-29T14:00:00",
        "2025-03-29T15:00:00",
        "2025-03-29T16:00:00",
        "2025-03-29T17:00:00",
        "2025-03-29T18:00:00",
    ],
    ("@hourly", "America/New_York", "2025-10-25T20:00:00Z"): [
        "2025-10-25T21:00:00",
        "2025-10-25T22:00:00",
        "2025-10-25T23:00:00",
        "2025-10-26T00:00:00",
        "2025-10-26T01:00:00",
        "2025-10-26T02:00:00",
    ],
    ("@hourly", "America/New_York", "2024-02-27T23:59:59+05:30"): [
        "2024-02-27T19:00:00",
        "2024-02-27T20:00:00",
        "2024-02-27T21:00:00",
        "2024-02-27T22:00:00",
        "2024-02-27T23:00:00",
        "2024-02-28T00:00:00",
    ],
    ("@daily", "Europe/London", "2025-03-29T12:00:00+00:00"): [
        "2025-03-30T00:00:00",
        "2025-03-30T23:00:00",
        "2025-03-31T23:00:00",
        "2025-04-01T23:00:00",
        "2025-04-02T23:00:00",
        "2025-04-03T23:00:00",
    ],
    ("@daily", "Europe/London", "2025-10-25T20:00:00Z"): [
        "2025-10-25T23:00:00",
        "2025-10-27T00:00:00",
        "2025-10-28T00:00:00",
        "2025-10-29T00:00:00",
        "2025-10-30T00:00:00",
        "2025-10-31T00:00:00",
    ],
    ("@daily", "Europe/London", "2024-02-27T23:59:59+05:30"): [
        "2024-02-28T00:00:00",
        "2024-02-29T00:00:00",
        "2024-03-01T00:00:00",
        "2024-03-02T00:00:00",
        "2024-03-03T00:00:00",
        "2024-03-04T00:00:00",
    ],
    ("@midnight", "Pacific/Chatham", "2025-03-29T12:00:00+00:00"): [
        "2025-03-30T10:15:00",
        "2025-03-31T10:15:00",
        "2025-04-01T10:15:00",
        "2025-04-02T10:15:00",
        "2025-04-03T10:15:00",
        "2025-04-04T10:15:00",
    ],
    ("@midnight", "Pacific/Chatham", "2025-10-25T20:00:00Z"): [
        "2025-10-26T10:15:00",
        "2025-10-27T10:15:00",
        "2025-10-28T10:15:00",
        "2025-10-29T10:15:00",
        "2025-10-30T10:15:00",
        "2025-10-31T10:15:00",
    ],
    ("@midnight", "Pacific/Chatham", "2024-02-27T23:59:59+05:30"): [
        "2024-02-28T10:15:00",
        "2024-02-29T10:15:00",
        "2024-03-01T10:15:00",
        "2024-03-02T10:15:00",
        "2024-03-03T10:15:00",
        "2024-03-04T10:15:00",
    ],
    ("@weekly", "Europe/Berlin", "2025-03-29T12:00:00+00:00"): [
        "2025-03-29T23:00:00",
        "2025-04-05T22:00:00",
        "2025-04-12T22:00:00",
        "2025-04-19T22:00:00",
        "2025-04-26T22:00:00",
        "2025-05-03T22:00:00",
    ],
    ("@weekly", "Europe/Berlin", "2025-10-25T20:00:00Z"): [
        "2025-10-25T22:00:00",
        "2025-11-01T23:00:00",
        "2025-11-08T23:00:00",
        "2025-11-15T23:00:00",
        "2025-11-22T23:00:00",
        "2025-11-29T23:00:00",
    ],
    ("@weekly", "Europe/Berlin", "2024-02-27T23:59:59+05:30"): [
        "2024-03-02T23:00:00",
        "2024-03-09T23:00:00",
        "2024-03-16T23:00:00",
        "2024-03-23T23:00:00",
        "2024-03-30T23:00:00",
        "2024-04-06T22:00:00",
    ],
    ("@monthly", "America/Havana", "2025-03-29T12:00:00+00:00"): [
        "2025-04-01T04:00:00",
        "2025-05-01T04:00:00",
        "2025-06-01T04:00:00",
        "2025-07-01T04:00:00",
        "2025-08-01T04:00:00",
        "2025-09-01T04:00:00",
    ],
    ("@monthly", "America/Havana", "2025-10-25T20:00:00Z"): [
        "2025-11-01T04:00:00",
        "2025-12-01T05:00:00",
        "2026-01-01T05:00:00",
        "2026-02-01T05:00:00",
        "2026-03-01T05:00:00",
        "2026-04-01T04:00:00",
    ],
    ("@monthly", "America/Havana", "2024-02-27T23:59:59+05:30"): [
        "2024-03-01T05:00:00",
        "2024-04-01T04:00:00",
        "2024-05-01T04:00:00",
        "2024-06-01T04:00:00",
        "2024-07-01T04:00:00",
        "2024-08-01T04:00:00",
    ],
    ("@yearly", "Australia/Lord_Howe", "2025-03-29T12:00:00+00:00"): [
        "2025-12-31T13:00:00",
        "2026-12-31T13:00:00",
        "2027-12-31T13:00:00",
        "2028-12-31T13:00:00",
        "2029-12-31T13:00:00",
        "2030-12-31T13:00:00",
    ],
    ("@yearly", "Australia/Lord_Howe", "2025-10-25T20:00:00Z"): [
        "2025-12-31T13:00:00",
        "2026-12-31T13:00:00",
        "2027-12-31T13:00:00",
        "2028-12-31T13:00:00",
        "2029-12-31T13:00:00",
        "2030-12-31T13:00:00",
    ],
    ("@yearly", "Australia/Lord_Howe", "2024-02-27T23:59:59+05:30"): [
        "2024-12-31T13:00:00",
        "2025-12-31T13:00:00",
        "2026-12-31T13:00:00",
        "2027-12-31T13:00:00",
        "2028-12-31T13:00:00",
        "2029-12-31T13:00:00",
    ],
    ("@annually", "UTC", "2025-03-29T12:00:00+00:00"): [
        "2026-01-01T00:00:00",
        "2027-01-01T00:00:00",
        "2028-01-01T00:00:00",
        "2029-01-01T00:00:00",
        "2030-01-01T00:00:00",
        "2031-01-01T00:00:00",
    ],
    ("@annually", "UTC", "2025-10-25T20:00:00Z"): [
        "2026-01-01T00:00:00",
        "2027-01-01T00:00:00",
        "2028-01-01T00:00:00",
        "2029-01-01T00:00:00",
        "2030-01-01T00:00:00",
        "2031-01-01T00:00:00",
    ],
    ("@annually", "UTC", "2024-02-27T23:59:59+05:30"): [
        "2025-01-01T00:00:00",
        "2026-01-01T00:00:00",
        "2027-01-01T00:00:00",
        "2028-01-01T00:00:00",
        "2029-01-01T00:00:00",
        "2030-01-01T00:00:00",
    ],
    ("@every 1h30m", "Asia/Kathmandu", "2025-03-29T12:00:00+00:00"): [
        "2025-03-29T13:30:00",
        "2025-03-29T15:00:00",
        "2025-03-29T16:30:00",
        "2025-03-29T18:00:00",
        "2025-03-29T19:30:00",
        "2025-03-29T21:00:00",
    ],
    ("@every 1h30m", "Asia/Kathmandu", "2025-10-25T20:00:00Z"): [
        "2025-10-25T21:30:00",
        "2025-10-25T23:00:00",
        "2025-10-26T00:30:00",
        "2025-10-26T02:00:00",
        "2025-10-26T03:30:00",
        "2025-10-26T05:00:00",
    ],
    ("@every 1h30m", "Asia/Kathmandu", "2024-02-27T23:59:59+05:30"): [
        "2024-02-27T19:59:59",
        "2024-02-27T21:29:59",
        "2024-02-27T22:59:59",
        "2024-02-28T00:29:59",
        "2024-02-28T01:59:59",
        "2024-02-28T03:29:59",
    ],
    ("@every 90s", "Europe/Zurich", "2025-03-29T12:00:00+00:00"): [
        "2025-03-29T12:01:30",
        "2025-03-29T12:03:00",
        "2025-03-29T12:04:30",
        "2025-03-29T12:06:00",
        "2025-03-29T12:07:30",
        "2025-03-29T12:09:00",
    ],
    ("@every 90s", "Europe/Zurich", "2025-10-25T20:00:00Z"): [
        "2025-10-25T20:01:30",
        "2025-10-25T20:03:00",
        "2025-10-25T20:04:30",
        "2025-10-25T20:06:00",
        "2025-10-25T20:07:30",
        "2025-10-25T20:09:00",
    ],
    ("@every 90s", "Europe/Zurich", "2024-02-27T23:59:59+05:30"): [
        "2024-02-27T18:31:29",
        "2024-02-27T18:32:59",
        "2024-02-27T18:34:29",
        "2024-02-27T18:35:59",
        "2024-02-27T18:37:29",
        "2024-02-27T18:38:59",
    ],
}
COUNT = 6


@pytest.mark.parametrize(("expression", "zone", "start"), list(ROBFIG_NEXT_RUNS))
def test_listed_runs_are_robfigs_next_runs(tmp_path, expression, zone, start):
    path = spec_file(tmp_path, [expression], zone)
    result = invoke("schedule", path, "--next", COUNT, "--from", start)
    assert result.exit_code == 0, result.stderr
    expected = [
        datetime.fromisoformat(instant).replace(tzinfo=UTC)
        for instant in ROBFIG_NEXT_RUNS[expression, zone, start]
    ]
    seconds = any(run.second for run in expected)
    table = rows(result.stdout)
    assert [row[0] for row in table] == [
        cell(run.astimezone(ZoneInfo(zone)), seconds) for run in expected
    ]
    assert [row[1] for row in table] == [cell(run, seconds) for run in expected]


def test_several_schedules_are_merged_in_time_order_and_named(tmp_path):
    path = spec_file(tmp_path, ["30 1 * * *", "30 13 * * 6"], "Europe/Berlin")
    result = invoke("schedule", path, "--next", 5, "--from", "2025-10-24T00:00:00+02:00")
    assert result.exit_code == 0
    table = rows(result.stdout)
    assert [row[2] for row in table] == [
        "30 1 * * *", "30 1 * * *", "30 13 * * 6", "30 1 * * *", "30 1 * * *",
    ]  # fmt: skip
    assert table[2][0] == "Sat 2025-10-25 13:30 CEST"


def test_a_skipped_wall_clock_time_is_warned_about(tmp_path):
    path = spec_file(tmp_path, ["30 2 * * *"], "Europe/Zurich")
    result = invoke("schedule", path, "--next", 3, "--from", "2025-03-29T00:00:00+01:00")
    assert [row[0] for row in rows(result.stdout)] == [
        "Sat 2025-03-29 02:30 CET",
        "Mon 2025-03-31 02:30 CEST",
        "Tue 2025-04-01 02:30 CEST",
    ]
    assert result.stderr == (
        "warning: nightly: on Sun 2025-03-30 the clocks in Europe/Zurich jump forward and "
        "02:00-03:00 does not exist: `30 2 * * *` does not run at 02:30 that day\n"
    )


def test_a_repeated_wall_clock_time_is_warned_about(tmp_path):
    path = spec_file(tmp_path, ["*/30 * * * *"], "America/New_York")
    result = invoke("schedule", path, "--next", 6, "--from", "2025-11-02T00:45:00-04:00")
    assert [row[0] for row in rows(result.stdout)] == [
        "Sun 2025-11-02 01:00 EDT",
        "Sun 2025-11-02 01:30 EDT",
        "Sun 2025-11-02 01:00 EST",
        "Sun 2025-11-02 01:30 EST",
        "Sun 2025-11-02 02:00 EST",
        "Sun 2025-11-02 02:30 EST",
    ]
    assert result.stderr == (
        "warning: nightly: on Sun 2025-11-02 the clocks in America/New_York go back and "
        "01:00-02:00 happens twice: `*/30 * * * *` runs 4 times in it "
        "(01:00 EDT, 01:30 EDT, 01:00 EST, 01:30 EST)\n"
    )


def test_dst_changes_beyond_the_listed_runs_or_missing_the_schedule_are_not_warned(tmp_path):
    daily = spec_file(tmp_path, ["30 2 * * *"], "Europe/Zurich")
    before = invoke("schedule", daily, "--next", 2, "--from", "2025-03-27T12:00:00+01:00")
    assert before.exit_code == 0 and before.stderr == ""
    seed = invoke(
        "schedule", EXAMPLES / "scheduled-sync", "--next", 12, "--from", "2025-03-29T12:00Z"
    )
    assert seed.exit_code == 0 and seed.stderr == ""  # 0 */4 never hits 02:00-03:00
    assert "Sun 2025-03-30 04:00 CEST" in seed.stdout


def test_every_counts_from_the_start_and_says_so(tmp_path):
    path = spec_file(tmp_path, ["@every 90s"], "Europe/Zurich")
    result = invoke("schedule", path, "--next", 2, "--from", "2025-03-30T01:59:00+01:00")
    assert [row[1] for row in rows(result.stdout)] == [
        "Sun 2025-03-30 01:00:30 UTC",
        "Sun 2025-03-30 01:02:00 UTC",
    ]
    assert "`@every 90s` counts from when the controller loads the CronWorkflow" in result.stderr
    assert "clocks" not in result.stderr  # a constant delay ignores the wall clock


def test_no_timezone_lists_utc_and_warns(tmp_path):
    path = spec_file(tmp_path, ["@daily"], None)
    result = invoke("schedule", path, "--next", 2, "--from", "2025-01-01T12:00:00")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].strip() == "UTC"
    assert [row[0] for row in rows(result.stdout)] == [
        "Thu 2025-01-02 00:00 UTC",
        "Fri 2025-01-03 00:00 UTC",
    ]
    assert result.stderr.count("no `timezone`") == 1


def test_a_naive_start_is_read_in_the_pipelines_zone():
    runs = preview("p", ["0 * * * *"], "Asia/Tokyo", datetime(2025, 1, 1, 9, 30), 1).runs
    assert runs[0].at == datetime(2025, 1, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_a_schedule_that_never_fires_says_so(tmp_path):
    path = spec_file(tmp_path, ["0 0 30 2 *"], "UTC")
    result = invoke("schedule", path, "--from", "2025-01-01T00:00:00Z")
    assert result.exit_code == 0
    assert "(no runs: the schedule never fires)" in result.stdout


def test_programs_preview_like_their_spec_files():
    directory = EXAMPLES / "retry-backoff"
    args = ["--next", 4, "--from", "2025-06-01T00:00:00Z"]
    from_spec = invoke("schedule", directory / "pipeline.yaml", *args)
    from_program = invoke("schedule", directory, *args)
    assert from_spec.exit_code == from_program.exit_code == 0
    assert from_spec.stdout == from_program.stdout
    assert from_spec.stdout.startswith(
        "nightly-etl: next 4 runs of 30 1 * * *, 30 13 * * 6 (Europe/Berlin), "
        "after Sun 2025-06-01 02:00 CEST\n"
    )


@pytest.mark.parametrize(
    "args",
    [["--next", "0"], ["--next", "many"], ["--from", "tomorrow"], ["--from", "2025-13-01"]],
)
def test_bad_options_are_usage_errors(args):
    result = invoke("schedule", EXAMPLES / "scheduled-sync" / "pipeline.yaml", *args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_a_cron_level_when_is_mentioned():
    result = preview(
        "p", ["30 1 * * *"], "Europe/Zurich", datetime(2025, 1, 1, tzinfo=UTC), 1,
        when="{{= cronworkflow.failed < 3 }}",
    )  # fmt: skip
    assert result.warnings == (
        "p: a run starts only when `when` holds ({{= cronworkflow.failed < 3 }}); "
        "the times below are when the schedule fires",
    )


def test_a_program_with_an_unloadable_zone_or_schedule_is_a_clear_error(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: raw\nruntime: python\n", encoding="utf-8")
    program = tmp_path / "__main__.py"
    source = (
        "import pulumi_kubernetes as k8s\n"
        "k8s.apiextensions.CustomResource('cron', api_version='argoproj.io/v1alpha1',\n"
        "    kind='CronWorkflow', metadata={'name': 'raw', 'namespace': 'argo'},\n"
        "    spec={'schedules': [SCHEDULE], 'timezone': ZONE, 'workflowSpec': {}})\n"
    )
    for schedule, zone, message in [
        ("'@daily'", "'Mars/Olympus'", "unknown time zone 'Mars/Olympus'"),
        ("'0 2 * *'", "'UTC'", "expected 5 fields"),
    ]:
        program.write_text(
            source.replace("SCHEDULE", schedule).replace("ZONE", zone), encoding="utf-8"
        )
        result = invoke("schedule", tmp_path)
        assert result.exit_code == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr


# --- calendars and windows ---

WINDOWED = EXAMPLES / "windowed-ingest"


def table_rows(stdout):
    """Rows of the table when notes come before it and skipped days after it."""
    lines = [
        line
        for line in stdout.splitlines()[1:]
        if not line.startswith(("  calendar:", "  window:", "  skipped"))
    ]
    return [re.split(r"\s{2,}", line.strip()) for line in lines[1:]]


def test_a_calendars_skipped_days_are_absent_and_named():
    result = invoke(
        "schedule", WINDOWED / "pipeline.yaml", "--next", 8, "--from", "2026-12-24T00:00:00Z"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:3] == [
        "  calendar: weekdays only; not on 2026-12-25, 2026-12-26, 2027-01-01",
        "  window: since the previous scheduled run",
    ]
    rows = table_rows(result.stdout)
    assert [row[0] for row in rows] == [
        "Thu 2026-12-24 06:00 CET", "Thu 2026-12-24 10:00 CET", "Thu 2026-12-24 14:00 CET",
        "Thu 2026-12-24 18:00 CET", "Mon 2026-12-28 06:00 CET", "Mon 2026-12-28 10:00 CET",
        "Mon 2026-12-28 14:00 CET", "Mon 2026-12-28 18:00 CET",
    ]  # fmt: skip
    # Each window starts at the previous run; Monday's at Thursday's last, the holiday included.
    assert [row[2] for row in rows] == [
        "Wed 2026-12-23 18:00 CET", "Thu 2026-12-24 06:00 CET", "Thu 2026-12-24 10:00 CET",
        "Thu 2026-12-24 14:00 CET", "Thu 2026-12-24 18:00 CET", "Mon 2026-12-28 06:00 CET",
        "Mon 2026-12-28 10:00 CET", "Mon 2026-12-28 14:00 CET",
    ]  # fmt: skip
    assert lines[-1] == "  skipped by the calendar: Fri 2026-12-25 (a skip date, 4 runs)"


def test_the_listed_runs_are_robfigs_runs_the_calendar_keeps():
    from pulumi_argo_orchestration.spec.calendar import effective_schedules, skip_reason
    from pulumi_argo_orchestration.spec.loading import load_spec_file

    pipeline = load_spec_file(WINDOWED / "pipeline.yaml")
    start = datetime(2026, 12, 20, tzinfo=UTC)
    result = invoke(
        "schedule", WINDOWED / "pipeline.yaml", "--next", 40, "--from", start.isoformat()
    )
    kept = [
        run
        for run in next_runs(effective_schedules(pipeline)[0], pipeline.timezone, start, 80)
        if skip_reason(pipeline.calendar, run.date()) is None
    ][:40]
    assert [row[0] for row in table_rows(result.stdout)] == [cell(run, False) for run in kept]


def test_a_program_shows_the_same_calendar_and_window_as_its_spec_file():
    args = ("--next", 5, "--from", "2026-12-24T12:00:00Z")
    spec = invoke("schedule", WINDOWED / "pipeline.yaml", *args)
    program = invoke("schedule", WINDOWED, *args)
    assert program.exit_code == spec.exit_code == 0
    assert program.stdout == spec.stdout


def test_a_window_missing_its_previous_run_is_marked(tmp_path):
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        "name: nightly\nschedule: '30 2 * * *'\ntimezone: Europe/Zurich\n"
        "window: {sincePreviousSchedule: true}\n"
        "stages: [[{name: work, workflowTemplate: worker}]]\n",
        encoding="utf-8",
    )
    result = invoke("schedule", path, "--next", 3, "--from", "2026-03-28T00:00:00Z")
    assert [row[2] for row in table_rows(result.stdout)] == [
        "Fri 2026-03-27 02:30 CET",
        "Sun 2026-03-29 03:30 CEST *",
        "Mon 2026-03-30 02:30 CEST",
    ]
    assert (
        "warning: nightly: the window of the run at Mon 2026-03-30 02:30 CEST starts at Sun "
        "2026-03-29 03:30 CEST, not at the previous run (Sat 2026-03-28 02:30 CET): DST changes "
        "the time between them\n"
    ) in result.stderr


def test_the_preview_keeps_the_runs_the_calendar_skips_apart():
    from pulumi_argo_orchestration.spec.models import Calendar

    listed = preview(
        "p",
        ["0 0 * * *"],
        "UTC",
        datetime(2026, 12, 24, 12, tzinfo=UTC),
        1,
        calendar=Calendar.model_validate({"skipDates": ["2026-12-25"]}),
    )
    assert [run.at.day for run in listed.runs] == [26]
    assert [(s.day, reason) for s, reason in listed.skipped] == [(25, "a skip date")]
