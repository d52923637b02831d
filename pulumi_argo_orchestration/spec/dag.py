"""DAG mode: the graph that `tasks[].dependsOn` draws, and what Argo would refuse in it.

Argo rejects a DAG with an unknown dependency or a cycle only when a run starts; a cycle can span
many tasks, so the error names every task in it and one path around it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from ..errors import Problem
from .models import Task


def dependency_problems(tasks: Sequence[Task]) -> list[Problem]:
    """Unknown or repeated dependencies, names Argo cannot depend on, and every cycle."""
    problems: list[Problem] = []
    known = {task.name for task in tasks}
    depended_on = {name for task in tasks for name in task.depends_on}
    for i, task in enumerate(tasks):
        seen: set[str] = set()
        for k, name in enumerate(task.depends_on):
            path = f"tasks[{i}].dependsOn[{k}]"
            if name not in known:
                problems.append(Problem(path, f"unknown task {name!r}: {_known(tasks)}"))
            elif name in seen:
                problems.append(Problem(path, f"task {name!r} is listed twice"))
            seen.add(name)
        if task.name[:1].isdigit() and (task.depends_on or task.name in depended_on):
            problems.append(
                Problem(
                    f"tasks[{i}].name",
                    f"task {task.name!r} cannot start with a digit: Argo's dependency logic "
                    "reads it as a number",
                )
            )
    index = {task.name: i for i, task in enumerate(tasks)}
    for members, witness in cycles(_graph(tasks)):
        where = f"tasks[{index[members[0]]}].dependsOn"
        if len(members) == 1:
            problems.append(Problem(where, f"task {members[0]!r} depends on itself"))
            continue
        names = ", ".join(repr(name) for name in members)
        problems.append(
            Problem(
                where,
                f"dependency cycle among tasks {names}: {' -> '.join(witness)} "
                "(each waits for the next)",
            )
        )
    return problems


def _known(tasks: Sequence[Task]) -> str:
    return "known tasks are " + ", ".join(repr(task.name) for task in tasks)


def _graph(tasks: Sequence[Task]) -> dict[str, list[str]]:
    """Each task's direct dependencies that exist, in spec order (duplicate names merged)."""
    known = {task.name for task in tasks}
    graph: dict[str, list[str]] = {}
    for task in tasks:
        edges = graph.setdefault(task.name, [])
        edges += [name for name in dict.fromkeys(task.depends_on) if name in known]
    return graph


def reachable(graph: dict[str, list[str]]) -> dict[str, set[str]]:
    """For each node, every node reachable through one or more edges (iterative BFS)."""
    out: dict[str, set[str]] = {}
    for start, edges in graph.items():
        seen: set[str] = set()
        queue = deque(edges)
        while queue:
            node = queue.popleft()
            if node not in seen:
                seen.add(node)
                queue.extend(graph.get(node, ()))
        out[start] = seen
    return out


def cycles(graph: dict[str, list[str]]) -> list[tuple[list[str], list[str]]]:
    """Each cycle as (members in graph order, one closed path through them starting at the first).

    Members are a strongly connected component: every node that can reach, and be reached from,
    the first member. Reported once per component, so a knot of cycles is one error.
    """
    reach = reachable(graph)
    grouped: set[str] = set()
    found = []
    for node in graph:
        if node in grouped or node not in reach[node]:
            continue
        members = [other for other in graph if other in reach[node] and node in reach[other]]
        grouped.update(members)
        found.append((members, _closed_path(graph, node, set(members))))
    return found


def _closed_path(graph: dict[str, list[str]], start: str, within: set[str]) -> list[str]:
    """Shortest path from `start` back to itself inside `within`."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph[node]:
            if nxt not in within:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return [start]  # not reached: `start` is in a cycle


def transitive_dependencies(tasks: Sequence[Task]) -> dict[str, set[str]]:
    """For each task, every task it waits for directly or indirectly."""
    return reachable(_graph(tasks))
