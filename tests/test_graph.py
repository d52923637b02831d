"""`argo-orchestration graph`: the drawings are parsed back into nodes and edges and checked
against the pipeline's stages, for Mermaid and for DOT."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.cli import main
from pulumi_argo_orchestration.graph import GraphError, render_graph
from pulumi_argo_orchestration.spec_file import load_spec_file
from tests.conftest import EXAMPLE_SPECS, EXAMPLES, minimal_spec

IDS = [spec.parent.name for spec in EXAMPLE_SPECS]

_MERMAID_NODE = re.compile(
    r'^\s*(?P<id>\w+)(?P<open>\(\["|\["|\{"|\[\["|\(")(?P<label>.*?)(?:"\]\)|"\]|"\}|"\]\]|"\))$'
)
_MERMAID_EDGE = re.compile(r"^\s*(?P<a>\w+) -->(?:\|(?P<label>[^|]*)\|)? (?P<b>\w+)$")
_DOT_NODE = re.compile(r'^\s*(?P<id>\w+) \[label="(?P<label>(?:[^"\\]|\\.)*)", (?P<attrs>.*)\];$')
_DOT_EDGE = re.compile(r'^\s*(?P<a>\w+) -> (?P<b>\w+)(?: \[label="(?P<label>[^"]*)"\])?;$')
_SHAPES = {'(["': "rounded", '["': "box", '{"': "decision", '[["': "subroutine"}


def parse_mermaid(text):
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes, edges, classes = {}, [], {}
    for line in lines[1:]:
        if edge := _MERMAID_EDGE.match(line):
            edges.append((edge["a"], edge["b"], edge["label"]))
        elif node := _MERMAID_NODE.match(line):
            labels = node["label"].split("<br/>")
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
            nodes[node["id"]] = (shape, node["label"].split("\\n"))
        elif "rank=same" in line:
            ranks.append(re.findall(r"(\w+);", line.split("rank=same;")[1]))
    return nodes, edges, ranks


def expected_edges(pipeline, prefix=""):
    """The seed's flow for a pipeline's stages, as (source, target, label) triples."""
    p = prefix

    def step(child):
        return p + "step_" + child.name.replace("-", "_")

    edges = [(p + "trigger", p + "orchestrator", None)]
    previous, label = p + "orchestrator", None
    for index, stage in enumerate(pipeline.stages, 1):
        check = f"{p}check_{index}"
        edges += [(previous, step(child), label) for child in stage]
        if label:
            edges.append((previous, p + "failed", "No"))
        edges += [(step(child), check, "Wait for completion") for child in stage]
        previous, label = check, "Yes"
    edges += [(previous, p + "succeeded", "Yes"), (previous, p + "failed", "No")]
    return edges


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_mermaid_follows_the_stages(spec):
    pipeline = load_spec_file(spec)
    nodes, edges, classes = parse_mermaid(render_graph(pipeline_manifests(pipeline)))
    assert edges == expected_edges(pipeline)
    assert set(nodes) == {n for edge in edges for n in edge[:2]}
    assert nodes["trigger"] == (
        "rounded",
        [f"CronWorkflow {pipeline.name}"]
        + [f"{s} ({pipeline.timezone})" for s in pipeline.all_schedules],
    )
    assert nodes["succeeded"] == ("rounded", ["Pipeline Succeeds"])
    assert nodes["failed"] == ("rounded", ["Pipeline Fails"])
    for index, stage in enumerate(pipeline.stages, 1):
        shape, label = nodes[f"check_{index}"]
        assert shape == "decision"
        assert label == ["All succeeded?" if len(stage) > 1 else "Success?"]
        for child in stage:
            step_id = "step_" + child.name.replace("-", "_")
            assert nodes[step_id][1][0].startswith(f"Spawn: {child.template_ref}")
            assert classes[step_id] == "child"
    assert (classes["trigger"], classes["succeeded"], classes["failed"]) == (
        "trigger",
        "success",
        "failure",
    )


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_dot_draws_the_same_graph_with_a_stages_children_side_by_side(spec):
    pipeline = load_spec_file(spec)
    documents = pipeline_manifests(pipeline)
    nodes, edges, ranks = parse_dot(render_graph(documents, "dot"))
    mermaid_nodes, mermaid_edges, _ = parse_mermaid(render_graph(documents))
    assert edges == mermaid_edges == expected_edges(pipeline)
    assert {k: v[1] for k, v in nodes.items()} == {k: v[1] for k, v in mermaid_nodes.items()}
    assert all(nodes[f"check_{i}"][0] == "diamond" for i in range(1, len(pipeline.stages) + 1))
    parallel = [
        ["step_" + c.name.replace("-", "_") for c in stage]
        for stage in pipeline.stages
        if len(stage) > 1
    ]
    assert ranks == parallel


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
    nodes, _, _ = parse_mermaid(render_graph(documents))
    assert nodes["trigger"][1][1] == "0 2 * * * (controller time zone)"
    assert nodes["step_work"][1][-1] == "when '{{workflow.parameters.mode}}' == #quot;full#quot;"
    dot_nodes, _, _ = parse_dot(render_graph(documents, "dot"))
    assert dot_nodes["step_work"][1][-1] == "when '{{workflow.parameters.mode}}' == \\\"full\\\""


def test_nothing_to_draw_is_an_error():
    with pytest.raises(GraphError, match="no CronWorkflow"):
        render_graph([{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {}}])


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


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
        "only when {{= cronworkflow.failed #lt; 3 }}",
        "stops when cronworkflow.failed #gt;= 3",
    ]
    assert nodes["step_work"][1] == ["Spawn: worker", "in namespace team-a", "step work"]
