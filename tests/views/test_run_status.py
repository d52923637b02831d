"""`status`: runs and children read from recorded Workflow JSON, as the tree and as JSON.

The fixtures in `fixtures/status/` are `kubectl get workflows -o json` Lists written from Argo's
status fields (`pkg/apis/workflow/v1alpha1/workflow_types.go`): node ids as `Workflow.NodeID`
(FNV-1a of the node name), node names as `steps.go` / `dag.go` / `GenerateOnExitNodeName` build
them, resource steps as Pod nodes, retried templates as a Retry node with attempts `(n)`, no node
for a stage after a failed one. Each object is validated against Argo's Workflow CRD and
schema.json (closed objects) below. They hold: a Running run, a Succeeded one with 1 retry and
compressed nodes, one Failed after retries with a skipped stage, an orphan whose run is gone
(parallel-sync); a run terminated by Replace whose child still runs, a run whose own spec is
trimmed (scheduled-sync); an Error child and children in two other namespaces
(warehouse-refresh); a DAG with an optional failure, a `when`-skipped task and exit handler
(dag-etl).
"""

from __future__ import annotations

import base64
import copy
import functools
import gzip
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.views.run_status import (
    StatusInputError,
    _printable,
    format_status,
    human_duration,
    status_to_json,
    statuses_from_manifests,
    workflows_from_data,
    workflows_from_json,
)
from tests.conftest import EXAMPLES, FIGURES

FIXTURES = Path(__file__).parent / "fixtures" / "status"
# (example, fixture, the time durations of running things are measured to)
CASES = {
    "parallel-sync": ("parallel-sync", "2026-01-01T07:10:00+00:00"),
    "scheduled-sync": ("scheduled-sync", "2026-01-01T03:10:00+00:00"),
    "warehouse-refresh": ("cross-namespace", "2026-01-02T03:00:00+00:00"),
    "dag-etl": ("dag-etl", "2026-01-02T03:00:00+00:00"),
}


def fixture(name: str) -> list[dict]:
    return workflows_from_json((FIXTURES / f"{name}.json").read_text())


@functools.cache
def _documents(example: str) -> list[dict]:
    return pipeline_manifests(load_spec_file(EXAMPLES / example / "pipeline.yaml"))


def statuses(name: str, workflows: list[dict] | None = None):
    example, at = CASES[name]
    documents = _documents(example)
    return statuses_from_manifests(
        documents, fixture(name) if workflows is None else workflows, datetime.fromisoformat(at)
    )


def tree(name: str, workflows: list[dict] | None = None) -> str:
    return "\n".join(format_status(s) for s in statuses(name, workflows))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_fixture_is_a_valid_argo_workflow_list(name, argo_schemas):
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    assert (data["apiVersion"], data["kind"]) == ("v1", "List")
    problems = [p for item in data["items"] for p in argo_schemas.problems(item)]
    assert problems == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_tree(name):
    """The tree of each fixture, as `fixtures/status/<name>.txt` holds it (UPDATE_GOLDEN=1
    rewrites them: read the diff)."""
    expected = FIXTURES / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(tree(name), encoding="utf-8")
    assert tree(name) == expected.read_text(encoding="utf-8")


def _steps(run: dict) -> dict[str, tuple]:
    return {
        step["step"]: (
            step["phase"],
            step["ran"],
            [(c["name"], c["namespace"], c["phase"], c["retries"]) for c in step["children"]],
        )
        for stage in run["stages"]
        for step in stage["steps"]
    }


def test_json_parallel_sync():
    (pipeline,) = json.loads(status_to_json(statuses("parallel-sync")))
    assert (pipeline["pipeline"], pipeline["namespace"], pipeline["at"]) == (
        "parallel-sync",
        "argo-workflows",
        "2026-01-01T07:10:00Z",
    )
    running, succeeded, failed = pipeline["runs"]
    assert [(r["name"], r["phase"]) for r in pipeline["runs"]] == [
        ("parallel-sync-1767250800", "Running"),
        ("parallel-sync-1767236400", "Succeeded"),
        ("parallel-sync-1767222000", "Failed"),
    ]
    assert running["finishedAt"] is None and running["durationSeconds"] == 595
    assert _steps(running)["rebuild"] == (
        "Running",
        True,
        [("parallel-sync-rebuild-j2q7n", "argo-workflows", "Running", 0)],
    )
    assert _steps(succeeded)["sync-users"][2] == [
        ("parallel-sync-sync-users-b2k9q", "argo-workflows", "Succeeded", 1)
    ]
    assert succeeded["notes"] == ["nodes read from compressedNodes (the Workflow was too large)"]
    assert [(s["name"], s["phase"]) for s in failed["stages"]] == [
        ("stage 1", "Failed"),
        ("stage 2", "skipped"),
    ]
    assert _steps(failed)["sync-permissions"] == (
        "Failed",
        True,
        [("parallel-sync-sync-permissions-q9w4z", "argo-workflows", "Failed", 2)],
    )
    rebuild = failed["stages"][1]["steps"][0]
    assert (rebuild["phase"], rebuild["ran"], rebuild["message"], rebuild["children"]) == (
        "skipped",
        False,
        "never ran: stage 1 failed",
        [],
    )
    permissions = failed["stages"][0]["steps"][1]
    assert permissions["children"][0]["message"] == "No more retries left"
    assert permissions["message"] == (
        "failure condition 'status.phase in (Error,Failed)' evaluated true"
    )
    (orphan,) = pipeline["orphans"]
    assert (orphan["step"], orphan["parent"], orphan["child"]["name"], orphan["reason"]) == (
        "rebuild",
        "parallel-sync-1767207600",
        "parallel-sync-rebuild-z9y8x",
        "its run parallel-sync-1767207600 is not among the Workflows read (deleted?)",
    )


def test_json_a_replaced_run_and_its_child_still_running():
    (pipeline,) = json.loads(status_to_json(statuses("scheduled-sync")))
    running, terminated = pipeline["runs"]
    assert terminated["message"] == "Stopped with strategy 'Terminate'"
    assert _steps(terminated) == {
        "sync-config": (
            "Failed",
            True,
            [("scheduled-sync-sync-config-6hq2w", "argo-workflows", "Running", 2)],
        ),
        "rebuild-cache": ("skipped", False, []),
    }
    assert _steps(running)["rebuild-cache"] == ("waiting", False, [])
    (orphan,) = pipeline["orphans"]
    assert orphan["reason"] == (
        "still running after its run scheduled-sync-1767222000 ended Failed"
    )


def test_json_children_in_other_namespaces_and_an_error():
    (pipeline,) = json.loads(status_to_json(statuses("warehouse-refresh")))
    (run,) = pipeline["runs"]
    assert _steps(run) == {
        "extract": (
            "Succeeded",
            True,
            [("warehouse-refresh-extract-n4b6m", "argo", "Succeeded", 0)],
        ),
        "load-warehouse": (
            "Failed",
            True,
            [("warehouse-refresh-load-warehouse-t7p3c", "warehouse", "Error", 0)],
        ),
        "refresh-dashboards": (
            "Succeeded",
            True,
            [("warehouse-refresh-refresh-dashboards-q2w9e", "analytics", "Succeeded", 0)],
        ),
    }
    assert pipeline["orphans"] == []


def test_json_a_dag_with_an_optional_failure_a_when_and_the_exit_handler():
    (pipeline,) = json.loads(status_to_json(statuses("dag-etl")))
    (run,) = pipeline["runs"]
    assert [(s["name"], s["phase"]) for s in run["stages"]] == [
        ("tasks", "Succeeded"),
        ("onExit", "Succeeded"),
    ]
    steps = {s["step"]: s for stage in run["stages"] for s in stage["steps"]}
    assert (steps["enrich"]["phase"], steps["enrich"]["optional"]) == ("Failed", True)
    assert (steps["report"]["phase"], steps["report"]["ran"], steps["report"]["message"]) == (
        "Skipped",
        False,
        "when 'staging == production' evaluated false",
    )
    assert steps["notify"]["phase"] == "Skipped" and steps["notify"]["durationSeconds"] is None


def test_children_are_matched_by_label_not_by_name(argo_schemas):
    """A child renamed out of its generateName pattern is still found by its labels."""
    workflows = fixture("parallel-sync")
    child = next(w for w in workflows if w["metadata"]["name"] == "parallel-sync-rebuild-j2q7n")
    child["metadata"]["name"] = "renamed-by-hand"
    (pipeline,) = json.loads(status_to_json(statuses("parallel-sync", workflows)))
    assert _steps(pipeline["runs"][0])["rebuild"][2][0][0] == "renamed-by-hand"


def test_another_pipelines_workflows_are_ignored():
    workflows = fixture("parallel-sync") + fixture("dag-etl")
    assert tree("parallel-sync", workflows) == tree("parallel-sync")


def test_a_step_that_ran_twice_lists_both_children():
    """argo #7355: a resource step whose pod is re-run creates a second child."""
    workflows = fixture("parallel-sync")
    first = next(w for w in workflows if w["metadata"]["name"] == "parallel-sync-rebuild-j2q7n")
    second = copy.deepcopy(first)
    second["metadata"]["name"] = "parallel-sync-rebuild-s3c0n"
    second["metadata"]["creationTimestamp"] = "2026-01-01T07:04:00Z"
    text = tree("parallel-sync", [*workflows, second])
    assert (
        "   └─ rebuild           Running    08:03:11  6m49s  parallel-sync-rebuild-s3c0n\n"
        "      also spawned parallel-sync-rebuild-j2q7n (Running): the step ran twice\n"
    ) in text


def test_unknown_node_types_and_phases_are_shown_as_they_come():
    workflows = fixture("parallel-sync")
    run = next(w for w in workflows if w["metadata"]["name"] == "parallel-sync-1767250800")
    for node in run["status"]["nodes"].values():
        if node["displayName"] == "rebuild":
            node["type"], node["phase"] = "Resource", "Suspended"
    assert "   └─ rebuild           Suspended  08:03:11" in tree("parallel-sync", workflows)


def test_offloaded_nodes_are_said_to_be_elsewhere():
    workflows = fixture("warehouse-refresh")
    run = workflows[0]
    del run["status"]["nodes"]
    run["status"]["offloadNodeStatusVersion"] = "fnv:1234"
    text = tree("warehouse-refresh", workflows)
    assert (
        "│ note: node status offloaded to the controller's database: steps not shown "
        "(`argo get` reads them)\n"
    ) in text
    # The children are still found by their labels.
    assert "   ├─ load-warehouse      Error" in text


@pytest.mark.parametrize(
    ("payload", "note"),
    [
        (base64.b64encode(b"\x28\xb5\x2f\xfd" + b"zstd").decode(), "a compression other than gzip"),
        ("not base64!", "is not base64"),
        (base64.b64encode(gzip.compress(b"[1, 2")).decode(), "holds no JSON"),
    ],
)
def test_unreadable_compressed_nodes_are_reported_not_fatal(payload, note):
    workflows = fixture("warehouse-refresh")
    del workflows[0]["status"]["nodes"]
    workflows[0]["status"]["compressedNodes"] = payload
    assert note in tree("warehouse-refresh", workflows)


def test_a_zip_bomb_is_not_inflated(monkeypatch):
    from pulumi_argo_orchestration.views import run_status

    monkeypatch.setattr(run_status, "MAX_NODES_BYTES", 1000)
    workflows = fixture("warehouse-refresh")
    nodes = json.dumps(workflows[0]["status"].pop("nodes")).encode()
    workflows[0]["status"]["compressedNodes"] = base64.b64encode(gzip.compress(nodes)).decode()
    assert "compressedNodes inflate past 1000 bytes: steps not shown" in tree(
        "warehouse-refresh", workflows
    )


def test_colour_only_when_asked():
    (status,) = statuses("warehouse-refresh")
    plain, coloured = format_status(status), format_status(status, colour=True)
    assert "\033[" not in plain
    assert "\033[31mFailed\033[0m" in coloured
    assert coloured.replace("\033[31m", "").replace("\033[32m", "").replace("\033[0m", "") == plain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 "
         "(char 1)"),
        ('{"kind": "CronWorkflow"}', "expected a Workflow or a list of Workflows, as `kubectl get "
         "workflows -o json` prints them"),
        ('{"items": [{"kind": "Pod"}]}', "items[0] is not a Workflow (kind 'Pod')"),
        ('{"items": [{"kind": "Workflow", "metadata": {}}]}', "items[0] has no metadata.name"),
    ],
)  # fmt: skip
def test_input_that_is_not_workflows(text, message):
    with pytest.raises(StatusInputError) as caught:
        workflows_from_json(text)
    assert str(caught.value) == message


def test_one_workflow_on_its_own_is_read_too():
    (run,) = workflows_from_data(fixture("dag-etl")[0])
    assert run["metadata"]["name"] == "dag-etl-1767316500"


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, ""), (0, "0s"), (56, "56s"), (193, "3m13s"), (14397, "3h59m57s")]
)
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a document a value sits (a run's spec only down to its templates)."""
    found = [path] if path else []
    if len(path) >= 4 and "spec" in path:
        return found
    if isinstance(value, dict):
        found += [p for key, item in value.items() for p in _paths(item, (*path, key))]
    elif isinstance(value, list):
        found += [p for index, item in enumerate(value) for p in _paths(item, (*path, index))]
    return found


PLACES = _paths(fixture("parallel-sync"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PLACES), _JSON), min_size=1, max_size=3))
def test_any_value_anywhere_is_read_without_a_traceback(changes):
    """Real Workflows with values replaced anywhere: a status, or one clear error."""
    workflows: Any = fixture("parallel-sync")
    for path, value in changes:
        target = workflows
        for key in path[:-1]:
            if not isinstance(target, (dict, list)):
                break
            try:
                target = target[key]
            except (KeyError, IndexError, TypeError):
                break
        else:
            if isinstance(target, dict) or (
                isinstance(target, list) and isinstance(path[-1], int) and path[-1] < len(target)
            ):
                target[path[-1]] = value
    try:
        found = statuses("parallel-sync", workflows_from_data({"items": workflows}))
    except StatusInputError:
        return
    FIGURES["status: altered Workflow lists read"] += 1
    format_status(found[0])
    status_to_json(found)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_orchestrator_template_shows_the_same_runs(name):
    """With `orchestratorTemplate: true` the plan is read through the CronWorkflow's
    workflowTemplateRef; the status is the one of the inline orchestrator."""
    example, at = CASES[name]
    spec = load_spec_file(EXAMPLES / example / "pipeline.yaml")
    documents = pipeline_manifests(spec.model_copy(update={"orchestrator_template": True}))
    assert any(
        d["kind"] == "WorkflowTemplate" and d["metadata"]["name"] == spec.name for d in documents
    )
    found = statuses_from_manifests(documents, fixture(name), datetime.fromisoformat(at))
    assert "\n".join(format_status(s) for s in found) == tree(name)


def test_control_characters_from_the_cluster_are_shown_escaped():
    """A message or name holding ESC or a bidi override cannot act on the terminal."""
    workflows = fixture("scheduled-sync")
    hostile = json.dumps("Stopped\u001b[2J\u202eevil\r\nfake line")[1:-1]
    assert _printable("a\u2028b\u200bc\ufeff") == "a\\u2028b\\u200bc\\ufeff"
    text = json.dumps(workflows).replace("Stopped with strategy 'Terminate'", hostile)
    plain = tree("scheduled-sync", json.loads(text))
    assert "\u001b" not in plain and "\u202e" not in plain and "\r" not in plain
    assert "Stopped\\x1b[2J\\u202eevil\\r\\nfake line" in plain
    assert plain.replace("Stopped\\x1b[2J\\u202eevil\\r\\nfake line", "Stopped with strategy "
                         "'Terminate'") == tree("scheduled-sync")  # fmt: skip
    coloured = "\n".join(
        format_status(s, colour=True) for s in statuses("scheduled-sync", json.loads(text))
    )
    assert "\u001b[2J" not in coloured and "\u001b[" in coloured


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]
)
def test_go_s_zero_time_and_the_ends_of_the_calendar_are_unknown_times(moment):
    """Go writes its zero time for "not set"; shown in another zone either end overflows."""
    workflows = fixture("scheduled-sync")
    for workflow in workflows:
        workflow.setdefault("status", {})["startedAt"] = moment
        workflow["status"]["finishedAt"] = moment
    found = statuses("scheduled-sync", workflows)
    assert all(run.started is None for status in found for run in status.runs)
    assert format_status(found[0]) and status_to_json(found)


def test_a_run_spec_nested_too_deeply_falls_back_to_the_rendered_plan():
    workflows = fixture("scheduled-sync")
    deep = {"name": "s", "resource": {"action": "create", "manifest": "[" * 2000}}
    for workflow in workflows:
        workflow["spec"] = {
            "entrypoint": "main",
            "templates": [{"name": "main", "steps": [[{"name": "x", "template": "s"}]]}, deep],
        }
    assert tree("scheduled-sync", workflows)
