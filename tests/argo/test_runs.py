"""Workflows for runs the CronWorkflow did not start: `scheduled_run`, `child_run` and the
backfill's `backfill_slots`/`backfill_manifests`.

The DST tables list the run times robfig/cron v3.0.1 itself fires (Go, with
`CRON_TZ=<zone>`; Zurich changes on 2026-03-29 01:00 UTC and 2026-10-25 01:00 UTC, New York on
2026-03-08 07:00 UTC and 2026-11-01 06:00 UTC): the skipped hour has no run, the repeated hour
runs twice, each run named by its own Unix second.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, dump_documents
from pulumi_argo_orchestration.argo.manifests import render_pipeline
from pulumi_argo_orchestration.argo.runs import (
    backfill_manifests,
    backfill_slots,
    child_run,
    scheduled_run,
)
from pulumi_argo_orchestration.spec.loading import load_spec_file
from tests.conftest import EXAMPLE_SPECS, minimal_spec
from tests.support import argo_substitution as argo

UTC = timezone.utc


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rendered(**overrides):
    return render_pipeline(minimal_spec(**overrides))


def unix(moments):
    return [int(moment.timestamp()) for moment in moments]


# (schedule, zone, from, to, the Unix seconds robfig fires in [from, to))
DST_BACKFILLS = [
    # 02:00 does not exist in Zurich on 2026-03-29: no run that day.
    ("0 2 * * *", "Europe/Zurich", utc(2026, 3, 27, 12), utc(2026, 3, 31, 0, 30),
     [1774659600, 1774828800, 1774915200]),
    # 02:00-03:00 happens twice on 2026-10-25: two runs, 02:00 CEST and 02:00 CET.
    ("0 2 * * *", "Europe/Zurich", utc(2026, 10, 24), utc(2026, 10, 27, 1),
     [1792800000, 1792886400, 1792890000, 1792976400]),
    ("30 2 * * *", "Europe/Zurich", utc(2026, 10, 24), utc(2026, 10, 26),
     [1792801800, 1792888200, 1792891800]),
    # Every four hours: 00:00 CET then 04:00 CEST three hours later; 00:00 CEST then 04:00 CET
    # five hours later.
    ("0 */4 * * *", "Europe/Zurich", utc(2026, 3, 28, 22), utc(2026, 3, 29, 7),
     [1774738800, 1774749600, 1774764000]),
    ("0 */4 * * *", "Europe/Zurich", utc(2026, 10, 24, 21), utc(2026, 10, 25, 8),
     [1792879200, 1792897200, 1792911600]),
    # 03:00 exists once either way.
    ("0 3 * * *", "Europe/Zurich", utc(2026, 10, 24), utc(2026, 10, 26, 3),
     [1792803600, 1792893600, 1792980000]),
    # New York repeats 01:00-02:00 on 2026-11-01 (05:30 and 06:30 UTC) and skips 02:00-03:00
    # on 2026-03-08 (no 02:30 that day).
    ("30 1 * * *", "America/New_York", utc(2026, 10, 31), utc(2026, 11, 2),
     [utc(2026, 10, 31, 5, 30).timestamp(), utc(2026, 11, 1, 5, 30).timestamp(),
      utc(2026, 11, 1, 6, 30).timestamp()]),
    ("30 2 * * *", "America/New_York", utc(2026, 3, 7), utc(2026, 3, 10),
     [utc(2026, 3, 7, 7, 30).timestamp(), utc(2026, 3, 9, 6, 30).timestamp()]),
]  # fmt: skip


@pytest.mark.parametrize(("schedule", "zone", "start", "end", "expected"), DST_BACKFILLS)
def test_backfill_lists_exactly_robfigs_runs_across_dst(schedule, zone, start, end, expected):
    pipeline = rendered(schedule=schedule, timezone=zone).pipeline
    kept, skipped = backfill_slots(pipeline, start, end)
    assert unix(kept) == [int(seconds) for seconds in expected]
    assert skipped == []


def test_from_is_included_and_to_excluded():
    pipeline = rendered(schedule="0 * * * *").pipeline
    kept, _ = backfill_slots(pipeline, utc(2026, 1, 1, 1), utc(2026, 1, 1, 4))
    assert kept == [utc(2026, 1, 1, 1), utc(2026, 1, 1, 2), utc(2026, 1, 1, 3)]
    # A moment after a run does not include it.
    kept, _ = backfill_slots(
        pipeline, datetime(2026, 1, 1, 1, 0, 0, 1, tzinfo=UTC), utc(2026, 1, 1, 3)
    )
    assert kept == [utc(2026, 1, 1, 2)]


def test_several_schedules_give_each_run_once():
    pipeline = rendered(schedule=None, schedules=["0 12 * * *", "0 12 * * 6"]).pipeline
    kept, _ = backfill_slots(pipeline, utc(2026, 1, 2), utc(2026, 1, 5))
    assert kept == [utc(2026, 1, 2, 12), utc(2026, 1, 3, 12), utc(2026, 1, 4, 12)]


def test_the_calendar_skips_the_runs_the_controller_would_skip():
    pipeline = rendered(
        schedule="0 9 * * *",
        timezone="Europe/Zurich",
        calendar={"skipDates": ["2026-12-24"], "weekdaysOnly": True},
    ).pipeline
    kept, skipped = backfill_slots(pipeline, utc(2026, 12, 21), utc(2026, 12, 29))
    assert [f"{k:%a %d %H:%M}" for k in kept] == [
        "Mon 21 09:00", "Tue 22 09:00", "Wed 23 09:00", "Fri 25 09:00", "Mon 28 09:00",
    ]  # fmt: skip
    # Weekends are folded into the schedule (`0 9 * * 1-5`): never fired, so never skipped.
    assert [(f"{s:%a %d}", reason) for s, reason in skipped] == [("Thu 24", "a skip date")]


def test_every_schedules_cannot_be_backfilled():
    pipeline = rendered(schedule="@every 4h").pipeline
    with pytest.raises(SpecError) as caught:
        backfill_slots(pipeline, utc(2026, 1, 1), utc(2026, 1, 2))
    assert [str(p) for p in caught.value.problems] == [
        "schedule: `@every 4h` counts from when the controller last loaded the CronWorkflow, so "
        "the times it would have run cannot be known: backfill needs cron schedules"
    ]


def test_a_range_too_large_is_refused():
    pipeline = rendered(schedule="* * * * *").pipeline
    with pytest.raises(SpecError) as caught:
        backfill_slots(pipeline, utc(2026, 1, 1), utc(2026, 2, 1))
    assert [str(p) for p in caught.value.problems] == [
        "--to: the range holds more than 10000 runs: backfill it in parts"
    ]


@pytest.mark.parametrize("parallel", [None, 2])
def test_a_backfill_whose_yaml_would_be_too_large_is_refused_before_it_is_built(
    monkeypatch, parallel
):
    """The first run's size times the runs: 10,000 runs of a large inline pipeline would be
    gigabytes. The runs differ only in names and times, so the estimate is close."""
    from pulumi_argo_orchestration.argo import runs

    built = []
    real = runs.scheduled_run
    monkeypatch.setattr(runs, "scheduled_run", lambda *a, **k: built.append(1) or real(*a, **k))
    spec = rendered(schedule="0 * * * *")
    start, end = utc(2026, 1, 1), utc(2026, 1, 2)  # 24 runs
    documents, _ = backfill_manifests(spec, start, end, parallel=parallel)
    total = len(dump_documents([d for d in documents if d["kind"] == "Workflow"]).encode())
    monkeypatch.setattr(runs, "BACKFILL_BYTES_MAX", total - 1)
    built.clear()
    with pytest.raises(SpecError) as caught:
        backfill_manifests(spec, start, end, parallel=parallel)
    (problem,) = caught.value.problems
    assert problem.path == "--to"
    assert problem.message.startswith("the 24 runs would print about 0 MiB of YAML (")
    assert problem.message.endswith(
        "KiB each), more than 0 MiB: backfill it in parts, or set `orchestratorTemplate: true` "
        "so each run only references the orchestrator"
    )
    assert built == [1]
    monkeypatch.setattr(runs, "BACKFILL_BYTES_MAX", total)
    assert backfill_manifests(spec, start, end, parallel=parallel)[0] == documents


def backfill_names(**overrides):
    documents, _ = backfill_manifests(
        rendered(**overrides), utc(2026, 10, 24), utc(2026, 10, 26), parallel=2
    )
    return [d["metadata"]["name"] for d in documents if d["kind"] == "Workflow"]


def test_names_come_from_the_pipeline_and_the_run_and_repeat_exactly():
    spec = {"schedule": "30 2 * * *", "timezone": "Europe/Zurich"}
    names = backfill_names(**spec)
    assert names == ["nightly-bf1792801800", "nightly-bf1792888200", "nightly-bf1792891800"]
    first = backfill_manifests(rendered(**spec), utc(2026, 10, 24), utc(2026, 10, 26), parallel=2)
    again = backfill_manifests(rendered(**spec), utc(2026, 10, 24), utc(2026, 10, 26), parallel=2)
    assert dump_documents(first[0]) == dump_documents(again[0])


def test_long_pipeline_names_write_the_run_in_base_36():
    name = "p" * 52
    names = backfill_names(name=name, schedule="30 2 * * *", timezone="Europe/Zurich")
    prefixes, suffixes = zip(*(n.rsplit("-bf", 1) for n in names), strict=True)
    assert set(prefixes) == {name}
    assert [int(suffix, 36) for suffix in suffixes] == [1792801800, 1792888200, 1792891800]
    assert all(suffix.isalnum() and suffix.islower() for suffix in suffixes)
    assert all(len(n) <= 63 for n in names)
    fifty = "q" * 50  # 50 + 3 + 10 digits fit in 63: 2026-10-24T02:30:00Z
    assert backfill_names(name=fifty, schedule="30 2 * * *")[0] == f"{fifty}-bf1792809000"


def test_backfill_names_cannot_be_cron_run_names():
    # A cron run is `<CronWorkflow>-<digits>` (workflow/cron/operator.go, getChildWorkflowName).
    for name in backfill_names(schedule="0 */6 * * *"):
        assert not name.rsplit("-", 1)[1].isdigit()


def test_each_run_is_a_scheduled_run_at_its_slot_and_holds_the_semaphore():
    documents, _ = backfill_manifests(
        rendered(schedule="0 2 * * *", labels={"team": "data"}),
        utc(2026, 1, 1),
        utc(2026, 1, 3),
        parallel=3,
    )
    config_map, first, second = documents
    assert config_map == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "nightly-backfill",
            "namespace": "argo",
            "labels": {
                "app.kubernetes.io/part-of": "nightly",
                "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
                "team": "data",
            },
        },
        "data": {"backfill": "3"},
    }
    assert first["metadata"]["annotations"] == {
        "workflows.argoproj.io/scheduled-time": "2026-01-01T02:00:00Z"
    }
    assert second["metadata"]["annotations"] == {
        "workflows.argoproj.io/scheduled-time": "2026-01-02T02:00:00Z"
    }
    assert first["spec"]["synchronization"] == {
        "semaphores": [{"configMapKeyRef": {"name": "nightly-backfill", "key": "backfill"}}]
    }


def test_without_a_limit_there_is_no_semaphore():
    documents, _ = backfill_manifests(
        rendered(schedule="0 2 * * *"), utc(2026, 1, 1), utc(2026, 1, 3)
    )
    assert [d["kind"] for d in documents] == ["Workflow", "Workflow"]
    assert all("synchronization" not in d["spec"] for d in documents)


def test_argo_v3_5_gets_its_singular_semaphore():
    documents, _ = backfill_manifests(
        rendered(schedule="0 2 * * *", argoVersion="3.5"),
        utc(2026, 1, 1),
        utc(2026, 1, 2),
        parallel=1,
    )
    assert documents[1]["spec"]["synchronization"] == {
        "semaphore": {"configMapKeyRef": {"name": "nightly-backfill", "key": "backfill"}}
    }


def test_a_scheduled_run_is_the_cron_workflows_run_without_the_cron_workflows_claim():
    spec = rendered(labels={"team": "data"}, parameters=[{"name": "region", "value": "eu"}])
    (cron,) = [d for d in spec.documents if d["kind"] == "CronWorkflow"]
    run = scheduled_run(spec, utc(2026, 3, 29, 2), {"region": "us"})
    assert run["apiVersion"] == "argoproj.io/v1alpha1"
    assert run["kind"] == "Workflow"
    assert run["metadata"] == {
        "generateName": "nightly-",
        "namespace": "argo",
        "labels": cron["spec"]["workflowMetadata"]["labels"],
        "annotations": {"workflows.argoproj.io/scheduled-time": "2026-03-29T02:00:00Z"},
    }
    assert "ownerReferences" not in run["metadata"]
    assert "workflows.argoproj.io/cron-workflow" not in run["metadata"]["labels"]
    expected = dict(cron["spec"]["workflowSpec"])
    expected["arguments"] = {"parameters": [{"name": "region", "value": "us"}]}
    assert run["spec"] == expected


def test_with_an_orchestrator_template_the_values_sit_beside_the_reference():
    spec = rendered(
        orchestratorTemplate=True,
        parameters=[{"name": "region", "value": "eu"}],
        window={"length": "4h"},
    )
    run = scheduled_run(spec, utc(2026, 3, 29, 2), {"region": "us"})
    assert run["spec"] == {
        "workflowTemplateRef": {"name": "nightly"},
        "arguments": {"parameters": [{"name": "region", "value": "us"}]},
    }
    assert scheduled_run(spec, utc(2026, 3, 29, 2))["spec"] == {
        "workflowTemplateRef": {"name": "nightly"}
    }


def test_unknown_parameters_are_refused_with_a_suggestion():
    spec = rendered(parameters=[{"name": "region", "value": "eu"}])
    with pytest.raises(SpecError) as caught:
        scheduled_run(spec, utc(2026, 3, 29), {"regoin": "us"})
    assert [str(p) for p in caught.value.problems] == [
        "-p regoin: the pipeline has no parameter 'regoin' (did you mean 'region'?); its "
        "parameters: region"
    ]


def test_a_backfilled_runs_children_receive_its_own_window():
    child = {
        "name": "work",
        "workflowTemplate": "worker",
        "arguments": {
            "since": "{{workflow.parameters.window-start}}",
            "until": "{{workflow.parameters.window-end}}",
        },
    }
    spec = rendered(
        schedule="0 */4 * * *",
        timezone="Europe/Zurich",
        window={"sincePreviousSchedule": True},
        stages=[[child]],
    )
    documents, _ = backfill_manifests(spec, utc(2026, 3, 28, 22), utc(2026, 3, 29, 7))
    windows = []
    for run in documents:
        as_cron = {"metadata": run["metadata"], "spec": {"workflowSpec": run["spec"]}}
        annotation = run["metadata"]["annotations"]["workflows.argoproj.io/scheduled-time"]
        received = argo.run_child(as_cron, "work", scheduled_time=annotation)
        windows.append({p["name"]: p["value"] for p in received["spec"]["arguments"]["parameters"]})
    assert windows == [
        {"since": "2026-03-28T19:00:00Z", "until": "2026-03-28T23:00:00Z"},
        {"since": "2026-03-28T23:00:00Z", "until": "2026-03-29T02:00:00Z"},  # 3 hours
        {"since": "2026-03-29T02:00:00Z", "until": "2026-03-29T06:00:00Z"},
    ]


def test_a_child_on_its_own_gets_the_arguments_the_orchestrator_would_give():
    spec = rendered(
        timezone="Europe/Zurich",
        window={"length": "4h"},
        parameters=[
            {"name": "region", "value": "eu"},
            {"name": "day", "value": "{{workflow.scheduledTime}}"},
        ],
        stages=[
            [
                {
                    "name": "work",
                    "workflowTemplate": "worker",
                    "timeout": "30m",
                    "arguments": {
                        "region": "{{workflow.parameters.region}}",
                        "day": "{{workflow.parameters.day}}",
                        "since": "{{workflow.parameters.window-start}}",
                        "run": "{{workflow.name}}",
                    },
                }
            ]
        ],
    )
    document, notes = child_run(spec.pipeline, "work", utc(2026, 3, 29, 2), {"region": "us"})
    assert document == {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "generateName": "nightly-work-",
            "namespace": "argo",
            "labels": {
                "app.kubernetes.io/part-of": "nightly",
                "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
                "argo-orchestration/step": "work",
            },
        },
        "spec": {
            "arguments": {
                "parameters": [
                    {"name": "region", "value": "us"},
                    {"name": "day", "value": "2026-03-29T02:00:00Z"},
                    {"name": "since", "value": "2026-03-28T22:00:00Z"},
                    {"name": "run", "value": "{{workflow.name}}"},
                ]
            },
            "workflowTemplateRef": {"name": "worker"},
            "activeDeadlineSeconds": 1800,
        },
    }
    assert notes == [
        "argument 'run' of step 'work' holds {{workflow.name}}, which a run of the orchestrator "
        "fills in: Argo fills it in from this Workflow's own run, or leaves it as it is"
    ]


def test_an_unknown_step_is_refused_with_a_suggestion():
    spec = rendered(stages=[[{"name": "extract", "workflowTemplate": "t"}]])
    with pytest.raises(SpecError) as caught:
        child_run(spec.pipeline, "extrct", utc(2026, 1, 1))
    assert [str(p) for p in caught.value.problems] == [
        "--child: the pipeline has no step 'extrct' (did you mean 'extract'?); its steps: extract"
    ]


@pytest.mark.parametrize("spec_path", EXAMPLE_SPECS, ids=[p.parent.name for p in EXAMPLE_SPECS])
def test_runs_of_every_example_conform_to_argos_schemas(spec_path, schemas_for):
    pipeline = load_spec_file(spec_path)
    schemas = schemas_for(pipeline)
    spec = render_pipeline(pipeline)
    documents = [scheduled_run(spec, utc(2026, 3, 29, 2))]
    documents += [
        child_run(pipeline, child.name, utc(2026, 3, 29, 2))[0] for _, child in pipeline.children
    ]
    if not any(s.startswith("@every") for s in pipeline.all_schedules):
        documents += backfill_manifests(spec, utc(2026, 3, 28), utc(2026, 3, 30), parallel=2)[0]
    for document in documents:
        assert schemas.problems(document) == []
        # And it reads back as the same object.
        assert yaml.safe_load(dump_documents([document])) == document
