"""`argo-orchestration graph`: the drawings are parsed back into nodes and edges and checked
against the pipeline's stages, for Mermaid and for DOT."""

from __future__ import annotations

import re

import pytest

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.spec.calendar import effective_schedules
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.views.graph import GraphError, render_graph
from tests.conftest import EXAMPLE_SPECS, EXAMPLES, minimal_spec
from tests.support.cli_runner import invoke

IDS = [spec.parent.name for spec in EXAMPLE_SPECS]

_MERMAID_NODE = re.compile(
    r'^\s*(?P<id>\w+)(?P<open>\(\["|\["|\{"|\[\["|\(")(?P<label>.*?)(?:"\]\)|"\]|"\}|"\]\]|"\))$'
)
_MERMAID_EDGE = re.compile(r"^\s*(?P<a>\w+) -->(?:\|(?P<label>[^|]*)\|)? (?P<b>\w+)$")
_DOT_NODE = re.compile(r'^\s*(?P<id>\w+) \[label="(?P<label>(?:[^"\\]|\\.)*)", (?P<attrs>.*)\];$')
_DOT_EDGE = re.compile(r'^\s*(?P<a>\w+) -> (?P<b>\w+)(?: \[label="(?P<label>[^"]*)"\])?;$')
_SHAPES = {'(["': "rounded", '["': "box", '{"': "decision", '[["': "subroutine"}


def _unescape_mermaid(text):
    for entity, char in (("#quot;", '"'), ("#lt;", "<"), ("#gt;", ">"), ("#amp;", "&")):
        text = text.replace(entity, char)
    return text


def parse_mermaid(text):
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes, edges, classes = {}, [], {}
    for line in lines[1:]:
        if edge := _MERMAID_EDGE.match(line):
            edges.append((edge["a"], edge["b"], edge["label"]))
        elif node := _MERMAID_NODE.match(line):
            labels = [_unescape_mermaid(text) for text in node["label"].split("<br/>")]
            nodes[node["id"]] = (_SHAPES[node["open"]], labels)
        elif line.strip().startswith("class "):
            _, members, role = line.split()
            classes.update(dict.fromkeys(members.split(","), role))
        else:
            assert line.strip().startswith(("classDef ", "subgraph ", "end")), line
    return nodes, edges, classes


def parse_dot(text):
    lines = text.splitlines()
    assert lines[0].startswith("digraph ") and lines[-1] == "}"
    nodes, edges, ranks = {}, [], []
    for line in lines[1:-1]:
        if edge := _DOT_EDGE.match(line):
            edges.append((edge["a"], edge["b"], edge["label"]))
        elif node := _DOT_NODE.match(line):
            shape = re.search(r"shape=(\w+)", node["attrs"])[1]
            labels = node["label"].split("\\n")
            nodes[node["id"]] = (shape, [re.sub(r"\\(.)", r"\1", t) for t in labels])
        elif "rank=same" in line:
            ranks.append(re.findall(r"(\w+);", line.split("rank=same;")[1]))
    return nodes, edges, ranks


def sid(name, prefix=""):
    return prefix + "step_" + name.replace("-", "_")


def expected_edges(pipeline, prefix=""):
    """The seed's flow for a pipeline, as (source, target, label) triples, from the model."""
    p = prefix
    edges = [(p + "trigger", p + "orchestrator", None)]
    tasks = getattr(pipeline, "tasks", None)
    if tasks:
        optional = {task.name for task in tasks if getattr(task, "optional", False)}
        needed = {dep for task in tasks for dep in task.depends_on}
        for task in tasks:
            if not task.depends_on:
                edges.append((p + "orchestrator", sid(task.name, p), None))
            for dep in task.depends_on:
                label = "Done" if dep in optional else "Succeeded"
                edges.append((sid(dep, p), sid(task.name, p), label))
        for task in tasks:
            if task.name not in optional:
                edges.append((sid(task.name, p), p + "failed", "Fails"))
            if task.name not in needed:
                label = "Done" if task.name in optional else "Succeeded"
                edges.append((sid(task.name, p), p + "succeeded", label))
    else:
        previous, label = p + "orchestrator", None
        for index, stage in enumerate(pipeline.stages, 1):
            check = f"{p}check_{index}"
            edges += [(previous, sid(child.name, p), label) for child in stage]
            if label == "Yes":
                edges.append((previous, p + "failed", "No"))
            edges += [(sid(child.name, p), check, "Wait for completion") for child in stage]
            # Argo goes on past a stage whose children are all `continueOn.failed`.
            label = "Done" if all(child.optional for child in stage) else "Yes"
            previous = check
        edges.append((previous, p + "succeeded", label))
        if label == "Yes":
            edges.append((previous, p + "failed", "No"))
    if getattr(pipeline, "on_exit", None) is not None:
        edges += [
            (p + "succeeded", p + "exit_handler", "then"),
            (p + "failed", p + "exit_handler", "then"),
        ]
    return edges


def children(pipeline):
    return list(getattr(pipeline, "tasks", None) or [c for stage in pipeline.stages for c in stage])


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_mermaid_follows_the_stages(spec):
    pipeline = load_spec_file(spec)
    nodes, edges, classes = parse_mermaid(render_graph(pipeline_manifests(pipeline)))
    assert edges == expected_edges(pipeline)
    assert set(nodes) == {n for edge in edges for n in edge[:2]}
    zone = pipeline.timezone
    assert nodes["trigger"][0] == "rounded"
    # The schedules as the CronWorkflow carries them: `weekdaysOnly` folded in.
    schedules = effective_schedules(pipeline)
    assert nodes["trigger"][1][: 1 + len(schedules)] == [
        f"CronWorkflow {pipeline.name}",
        *(f"{s} ({zone})" for s in schedules),
    ]
    assert nodes["succeeded"] == ("rounded", ["Pipeline Succeeds"])
    assert nodes["failed"] == ("rounded", ["Pipeline Fails"])
    for index, stage in enumerate(getattr(pipeline, "stages", None) or [], 1):
        shape, label = nodes[f"check_{index}"]
        assert shape == "decision"
        required = [child for child in stage if not child.optional]
        if not required:
            assert label == ["All done?" if len(stage) > 1 else "Done?"]
        elif len(required) < len(stage):
            assert label == ["Required ones succeeded?"]
        else:
            assert label == ["All succeeded?" if len(stage) > 1 else "Success?"]
    for child in children(pipeline):
        assert nodes[sid(child.name)][1][0].startswith(f"Spawn: {child.template_ref}")
        assert classes[sid(child.name)] == "child"
    assert (classes["trigger"], classes["succeeded"], classes["failed"]) == (
        "trigger",
        "success",
        "failure",
    )


def expected_ranks(pipeline):
    tasks = getattr(pipeline, "tasks", None)
    if not tasks:
        return [[sid(c.name) for c in stage] for stage in pipeline.stages if len(stage) > 1]
    depth = {}
    for task in tasks:  # the examples list a task after the tasks it depends on
        depth[task.name] = 1 + max((depth[d] for d in task.depends_on), default=-1)
    levels = {}
    for task in tasks:
        levels.setdefault(depth[task.name], []).append(sid(task.name))
    return [levels[k] for k in sorted(levels) if len(levels[k]) > 1]


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_dot_draws_the_same_graph_with_a_stages_children_side_by_side(spec):
    pipeline = load_spec_file(spec)
    documents = pipeline_manifests(pipeline)
    nodes, edges, ranks = parse_dot(render_graph(documents, "dot"))
    mermaid_nodes, mermaid_edges, _ = parse_mermaid(render_graph(documents))
    assert edges == mermaid_edges == expected_edges(pipeline)
    assert {k: v[1] for k, v in nodes.items()} == {k: v[1] for k, v in mermaid_nodes.items()}
    checks = [n for n in nodes if n.startswith("check_")]
    assert all(nodes[n][0] == "diamond" for n in checks)
    assert ranks == expected_ranks(pipeline)


def dag_documents():
    """A DAG orchestrator: a → (b, optional c) → d, with an exit handler, as Argo spells it."""
    stage = [{"name": n, "workflowTemplate": f"t-{n}"} for n in ("a", "b", "c", "d", "notify")]
    documents = pipeline_manifests(minimal_spec(stages=[stage]))
    workflow = documents[-1]["spec"]["workflowSpec"]
    main, *spawners = workflow["templates"]
    main.pop("steps")
    main["dag"] = {
        "tasks": [
            {"name": "a", "template": "spawn-a"},
            {"name": "b", "template": "spawn-b", "dependencies": ["a"]},
            {"name": "c", "template": "spawn-c", "depends": "a.Succeeded",
             "continueOn": {"failed": True}},
            {"name": "d", "template": "spawn-d", "dependencies": ["b", "c"],
             "when": "{{workflow.parameters.mode}} == full"},
        ]
    }  # fmt: skip
    exit_handler = {
        "name": "exit-handler",
        "steps": [[{"name": "notify", "template": "spawn-notify", "when": "x != y"}]],
    }
    workflow["templates"] = [main, exit_handler, *spawners]
    workflow["onExit"] = "exit-handler"
    return documents


def test_a_dag_draws_each_task_after_the_ones_it_depends_on():
    documents = dag_documents()
    nodes, edges, classes = parse_mermaid(render_graph(documents))
    assert edges == [
        ("trigger", "orchestrator", None),
        ("orchestrator", "step_a", None),
        ("step_a", "step_b", "Succeeded"),
        ("step_a", "step_c", "Succeeded"),
        ("step_b", "step_d", "Succeeded"),
        ("step_c", "step_d", "Done"),
        ("step_a", "failed", "Fails"),
        ("step_b", "failed", "Fails"),
        ("step_d", "failed", "Fails"),
        ("step_d", "succeeded", "Succeeded"),
        ("succeeded", "exit_handler", "then"),
        ("failed", "exit_handler", "then"),
    ]
    assert nodes["step_c"][1] == ["Spawn: t-c", "step c", "optional: may fail"]
    assert nodes["step_d"][1] == [
        "Spawn: t-d",
        "step d",
        "when {{workflow.parameters.mode}} == full",
    ]
    assert nodes["exit_handler"] == (
        "subroutine",
        ["Exit handler: exit-handler", "Spawn: t-notify", "step notify", "when x != y"],
    )
    assert classes["step_a"] == "child"
    _, dot_edges, ranks = parse_dot(render_graph(documents, "dot"))
    assert dot_edges == edges
    assert ranks == [["step_b", "step_c"]]


def test_parallel_children_share_their_predecessor_and_their_check():
    pipeline = load_spec_file(EXAMPLES / "parallel-sync" / "pipeline.yaml")
    _, edges, _ = parse_mermaid(render_graph(pipeline_manifests(pipeline)))
    syncs = {"step_sync_users", "step_sync_permissions", "step_sync_config"}
    assert {b for a, b, _ in edges if a == "orchestrator"} == syncs
    assert {a for a, b, _ in edges if b == "check_1"} == syncs
    assert {b for a, b, label in edges if a == "check_1"} == {"step_rebuild", "failed"}


def test_labels_name_the_step_when_it_differs_and_cluster_templates():
    pipeline = load_spec_file(EXAMPLES / "retry-backoff" / "pipeline.yaml")
    nodes, _, _ = parse_mermaid(render_graph(pipeline_manifests(pipeline)))
    assert nodes["step_extract"][1] == ["Spawn: extract"]
    assert nodes["step_cleanup"][1] == [
        "Spawn: scratch-cleanup (cluster template)",
        "step cleanup",
    ]


def test_several_pipelines_become_subgraphs_with_their_own_ids():
    one = load_spec_file(EXAMPLES / "scheduled-sync" / "pipeline.yaml")
    two = load_spec_file(EXAMPLES / "daily-report" / "pipeline.yaml")
    text = render_graph([*pipeline_manifests(one), *pipeline_manifests(two)])
    _, edges, _ = parse_mermaid(text)
    assert edges == expected_edges(one, "p1_") + expected_edges(two, "p2_")
    assert 'subgraph p1_pipeline["scheduled-sync"]' in text
    assert text.count("\n    end\n") == 2


def test_no_timezone_and_quotes_in_labels_are_drawn_safely():
    documents = pipeline_manifests(minimal_spec(timezone=None))
    documents[-1]["spec"]["workflowSpec"]["templates"][0]["steps"][0][0]["when"] = (
        "'{{workflow.parameters.mode}}' == \"full\""
    )
    mermaid = render_graph(documents)
    assert "== #quot;full#quot;" in mermaid  # a bare quote would end Mermaid's label
    nodes, _, _ = parse_mermaid(mermaid)
    assert nodes["trigger"][1][1] == "0 2 * * * (controller time zone)"
    assert nodes["step_work"][1][-1] == "when '{{workflow.parameters.mode}}' == \"full\""
    dot = render_graph(documents, "dot")
    assert '== \\"full\\"' in dot
    dot_nodes, _, _ = parse_dot(dot)
    assert dot_nodes["step_work"][1] == nodes["step_work"][1]


def test_nothing_to_draw_is_an_error():
    with pytest.raises(GraphError, match="no CronWorkflow"):
        render_graph([{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {}}])


def test_cli_draws_spec_files_and_programs_alike():
    directory = EXAMPLES / "parallel-sync"
    from_spec = invoke("graph", directory / "pipeline.yaml")
    from_program = invoke("graph", directory)
    assert from_spec.exit_code == from_program.exit_code == 0
    assert from_spec.stdout == from_program.stdout
    assert from_spec.stdout.startswith("flowchart TD\n")
    dot = invoke("graph", directory, "--format", "dot")
    assert dot.stdout.startswith('digraph "parallel-sync" {')
    assert invoke("graph", directory, "--format", "png").exit_code == 2


def test_run_control_and_children_in_other_namespaces_are_labelled():
    documents = pipeline_manifests(minimal_spec())
    cron = documents[-1]
    cron["spec"]["when"] = "{{= cronworkflow.failed < 3 }}"
    cron["spec"]["stopStrategy"] = {"expression": "cronworkflow.failed >= 3"}
    spawn = cron["spec"]["workflowSpec"]["templates"][1]
    manifest = spawn["resource"]["manifest"]
    assert "  namespace: argo\n" in manifest
    spawn["resource"]["manifest"] = manifest.replace("  namespace: argo\n", "  namespace: team-a\n")
    nodes, _, _ = parse_mermaid(render_graph(documents))
    assert nodes["trigger"][1] == [
        "CronWorkflow nightly",
        "0 2 * * * (UTC)",
        "only when {{= cronworkflow.failed < 3 }}",
        "stops when cronworkflow.failed >= 3",
    ]
    assert nodes["step_work"][1] == ["Spawn: worker", "in namespace team-a", "step work"]


def test_calendar_window_and_orchestrator_template_are_drawn():
    spec = minimal_spec(
        timezone="Europe/Zurich",
        orchestratorTemplate=True,
        window={"length": "4h"},
        when="{{= cronworkflow.failed < 3 }}",
        calendar={"weekdaysOnly": True, "skipDates": ["2026-12-25"]},
    )
    for fmt, parse in (("mermaid", parse_mermaid), ("dot", parse_dot)):
        nodes = parse(render_graph(pipeline_manifests(spec), fmt))[0]
        assert nodes["trigger"][1] == [
            "CronWorkflow nightly",
            "0 2 * * 1-5 (Europe/Zurich)",
            "calendar: weekdays only; not on 2026-12-25",
            # The spec's own `when`, without the calendar's part of the CronWorkflow's.
            "only when {{= cronworkflow.failed < 3 }}",
        ]
        assert nodes["orchestrator"][1] == [
            "Orchestrator: main",
            "WorkflowTemplate nightly",
            "concurrencyPolicy: Allow",
            "window: the 4h before the scheduled time",
        ]
        assert nodes["step_work"][1] == ["Spawn: worker", "step work"]


def test_a_referenced_template_missing_from_the_documents_is_an_error():
    documents = pipeline_manifests(minimal_spec(orchestratorTemplate=True))
    without = [d for d in documents if d["kind"] != "WorkflowTemplate"]
    with pytest.raises(GraphError, match=r"^nightly: its WorkflowTemplate 'nightly' is not among"):
        render_graph(without)


def test_a_stage_of_optional_children_goes_on_whatever_they_do():
    """`continueOn.failed` on every child of a stage: the run never fails there."""
    spec = minimal_spec(
        stages=[
            [{"name": "a", "workflowTemplate": "worker", "optional": True}],
            [{"name": "b", "workflowTemplate": "worker"}],
        ]
    )
    nodes, edges, _ = parse_mermaid(render_graph(pipeline_manifests(spec)))
    assert nodes["check_1"][1] == ["Done?"]
    assert ("check_1", "step_b", "Done") in edges
    assert ("check_1", "failed", "No") not in edges
    assert ("check_2", "failed", "No") in edges


def test_a_pipeline_of_optional_children_only_draws_no_failure():
    optional = {"workflowTemplate": "worker", "optional": True}
    dag = minimal_spec(tasks=[{"name": "a", **optional}])
    del dag["stages"]
    for spec in (
        minimal_spec(stages=[[{"name": "a", **optional}], [{"name": "b", **optional}]]),
        dag,
    ):
        for fmt, parse in (("mermaid", parse_mermaid), ("dot", parse_dot)):
            nodes, edges, _ = parse(render_graph(pipeline_manifests(spec), fmt))
            assert "failed" not in nodes
            assert all("failed" not in edge[:2] for edge in edges)
            assert nodes["succeeded"][1] == ["Pipeline Succeeds"]
