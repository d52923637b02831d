"""DAG mode: dependencies, cycles, and the DAG template they render to."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import SpecError, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.spec.dag import cycles, waits_for
from pulumi_argo_orchestration.spec.models import Task
from tests.conftest import minimal_spec


def dag_spec(*tasks, **overrides):
    spec = minimal_spec(tasks=list(tasks), **overrides)
    del spec["stages"]
    return spec


def task(name, *depends_on, **fields):
    out = {"name": name, "workflowTemplate": "worker", **fields}
    if depends_on:
        out["dependsOn"] = list(depends_on)
    return out


def problems(spec) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return [(p.path, p.message) for p in caught.value.problems]


def main_template(spec):
    (cron,) = [d for d in pipeline_manifests(spec) if d["kind"] == "CronWorkflow"]
    return cron["spec"]["workflowSpec"]["templates"][0]


def test_tasks_render_as_a_dag_with_dependencies():
    main = main_template(
        dag_spec(
            task("extract"), task("clean"), task("load", "extract", "clean"), task("report", "load")
        )
    )
    assert "steps" not in main
    assert main["dag"]["tasks"] == [
        {"name": "extract", "template": "spawn-extract"},
        {"name": "clean", "template": "spawn-clean"},
        {"name": "load", "template": "spawn-load", "dependencies": ["extract", "clean"]},
        {"name": "report", "template": "spawn-report", "dependencies": ["load"]},
    ]


def test_stages_and_tasks_are_exclusive_and_one_is_required():
    both = {**dag_spec(task("a")), "stages": [[{"name": "b", "workflowTemplate": "t"}]]}
    assert problems(both) == [("tasks", "set either `stages` or `tasks`, not both")]
    neither = minimal_spec()
    del neither["stages"]
    assert problems(neither) == [("stages", "set `stages` (steps in order) or `tasks` (a DAG)")]


def test_depends_on_is_only_for_tasks():
    spec = minimal_spec(stages=[[{"name": "a", "workflowTemplate": "t", "dependsOn": ["b"]}]])
    assert problems(spec) == [("stages[0][0].dependsOn", "only `tasks` can have `dependsOn`")]
    # From Python a Task object fits where a Child goes; its dependencies would be ignored there.
    from pydantic import ValidationError

    from pulumi_argo_orchestration import Child, Pipeline, Task
    from pulumi_argo_orchestration.spec.loading import problems_from_errors

    with pytest.raises(ValidationError) as caught:
        Pipeline(
            name="p",
            schedule="@daily",
            stages=[[Child(name="a", workflow_template="t")]],
            on_exit=Task(name="n", workflow_template="t", depends_on=["a"]),
        )
    assert [(p.path, p.message) for p in problems_from_errors(caught.value.errors())] == [
        ("onExit.dependsOn", "only `tasks` can have `dependsOn`")
    ]


def test_unknown_and_repeated_dependencies_name_their_entry():
    found = problems(dag_spec(task("a"), task("b", "a", "nope", "a")))
    assert found == [
        ("tasks[1].dependsOn[1]", "unknown task 'nope': known tasks are 'a', 'b'"),
        ("tasks[1].dependsOn[2]", "task 'a' is listed twice"),
    ]


def test_a_cycle_error_names_every_member_and_a_path_around_it():
    found = problems(
        dag_spec(
            task("a", "c"),
            task("b", "a"),
            task("c", "b"),
            task("d", "a"),  # depends on the cycle but is not part of it
            task("e", "e"),
        )
    )
    assert found == [
        (
            "tasks[0].dependsOn",
            "dependency cycle among tasks 'a', 'b', 'c': a -> c -> b -> a "
            "(each waits for the next)",
        ),
        ("tasks[4].dependsOn", "task 'e' depends on itself"),
    ]


def test_two_cycles_sharing_a_task_are_one_error_naming_all_of_them():
    found = problems(dag_spec(task("a", "b", "c"), task("b", "a"), task("c", "a")))
    assert len(found) == 1
    path, message = found[0]
    assert path == "tasks[0].dependsOn"
    assert message.startswith("dependency cycle among tasks 'a', 'b', 'c': a -> b -> a")


def test_task_names_starting_with_a_digit_cannot_be_dependencies():
    found = problems(dag_spec(task("1st"), task("b", "1st"), task("2nd")))
    assert found == [
        (
            "tasks[0].name",
            "task '1st' cannot start with a digit: Argo's dependency logic reads it as a number",
        )
    ]


def test_duplicate_task_names_are_reported():
    found = problems(dag_spec(task("a"), task("a")))
    assert ("tasks[1].name", "duplicate step name 'a' (first at tasks[0].name)") in found


def test_task_names_must_be_unique_with_the_on_exit_child_too():
    found = problems(dag_spec(task("a"), onExit={"name": "a", "workflowTemplate": "t"}))
    assert ("onExit.name", "duplicate step name 'a' (first at tasks[0].name)") in found


def test_waits_for_answers_only_what_is_asked():
    pipeline = load_pipeline(dag_spec(task("a"), task("b", "a"), task("c", "b"), task("d")))
    every = {"a", "b", "c", "d"}
    assert waits_for(pipeline.tasks or [], dict.fromkeys(every, every)) == {
        "a": set(),
        "b": {"a"},
        "c": {"a", "b"},
        "d": set(),
    }
    assert waits_for(pipeline.tasks or [], {"c": {"a", "d"}}) == {"c": {"a"}}


NAMES = [f"t{i}" for i in range(7)]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(NAMES), st.lists(st.sampled_from(NAMES), max_size=3), min_size=1
    )
)
def test_cycles_are_exactly_the_strongly_connected_knots(edges):
    graph = {node: list(dict.fromkeys(deps)) for node, deps in edges.items()}
    graph = {node: [d for d in deps if d in graph] for node, deps in graph.items()}

    def reaches(src, dst):
        seen, todo = set(), list(graph[src])
        while todo:
            node = todo.pop()
            if node == dst:
                return True
            if node not in seen:
                seen.add(node)
                todo += graph[node]
        return False

    cyclic = {node for node in graph if reaches(node, node)}
    found = cycles(graph)
    assert {node for members, _ in found for node in members} == cyclic
    for members, path in found:
        first = members[0]
        assert members == [
            n for n in graph if n == first or (reaches(first, n) and reaches(n, first))
        ]
        assert path[0] == path[-1] == first
        assert all(b in graph[a] for a, b in itertools.pairwise(path))
        assert set(path) <= set(members)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(NAMES), st.lists(st.sampled_from(NAMES), max_size=3), min_size=1
    ),
    st.dictionaries(st.sampled_from(NAMES), st.sets(st.sampled_from(NAMES))),
)
def test_waits_for_is_reachability(edges, asked):
    """Against a plain search from each task (cycles included: their members wait for each
    other, and for themselves)."""
    tasks = [
        Task(name=name, workflow_template="worker", depends_on=deps) for name, deps in edges.items()
    ]
    graph = {t.name: [d for d in dict.fromkeys(t.depends_on) if d in edges] for t in tasks}
    asked = {name: names for name, names in asked.items() if name in graph}

    def reached(start):
        seen, todo = set(), list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo += graph[node]
        return seen

    assert waits_for(tasks, asked) == {name: names & reached(name) for name, names in asked.items()}


def chain(count, **extra):
    tasks = [task("t0")] + [task(f"t{i}", f"t{i - 1}", **extra) for i in range(1, count)]
    return dag_spec(*tasks, argoVersion="3.5")


def test_a_long_chain_is_checked_without_the_transitive_closure():
    """3,000 tasks, each referring to the first one's status: 4.5 million (task, ancestor) pairs
    in the closure, of which only the 3,000 asked about are looked at."""
    when = {"when": "'{{tasks.t0.status}}' == Succeeded"}
    main = main_template(chain(3_000, **when))
    assert len(main["dag"]["tasks"]) == 3_000
    assert main["dag"]["tasks"][-1]["when"] == "'{{tasks.t0.status}}' == Succeeded"
    late = chain(3_000, **when)
    late["tasks"][1]["when"] = "'{{tasks.t2999.status}}' == Succeeded"
    assert problems(late) == [
        (
            "tasks[1].when",
            "`tasks.t2999` is not among this task's dependencies: add it to `dependsOn`",
        )
    ]


def test_an_unknown_dependency_names_a_few_tasks_not_all():
    spec = chain(10_000)
    spec["tasks"][-1]["dependsOn"] = ["nope"]
    assert problems(spec) == [
        (
            "tasks[9999].dependsOn[0]",
            "unknown task 'nope': known tasks are 't0', 't1', 't2', 't3', 't4' and 9,995 more",
        )
    ]
