"""DAG mode: the graph that `tasks[].dependsOn` draws, and what Argo would refuse in it.

Argo rejects a DAG with an unknown dependency or a cycle only when a run starts; a cycle can span
many tasks, so the error names every task in it and one path around it.

The Argo 3.5 target allows DAGs of any size (v4 caps them at 200 tasks), so everything here is
linear in tasks plus dependencies: cycles are Tarjan's strongly connected components, and the
question "does task T wait for task X" is answered only for the names that conditions and
arguments refer to, never through the full transitive closure.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from ..errors import Problem, shown, shown_list
from .models import Task

_PATH_SHOWN = 12  # tasks a cycle's path writes out; a longer one is cut in the middle


def dependency_problems(tasks: Sequence[Task]) -> list[Problem]:
    """Unknown or repeated dependencies, names Argo cannot depend on, and every cycle."""
    problems: list[Problem] = []
    known = {task.name for task in tasks}
    depended_on = {name for task in tasks for name in task.depends_on}
    listing = _known(tasks)
    for i, task in enumerate(tasks):
        seen: set[str] = set()
        for k, name in enumerate(task.depends_on):
            path = f"tasks[{i}].dependsOn[{k}]"
            if name not in known:
                problems.append(Problem(path, f"unknown task {shown(name)}: {listing}"))
            elif name in seen:
                problems.append(Problem(path, f"task {shown(name)} is listed twice"))
            seen.add(name)
        if task.name[:1].isdigit() and (task.depends_on or task.name in depended_on):
            problems.append(
                Problem(
                    f"tasks[{i}].name",
                    f"task {shown(task.name)} cannot start with a digit: Argo's dependency logic "
                    "reads it as a number",
                )
            )
    index = {task.name: i for i, task in enumerate(tasks)}
    for members, witness in cycles(_graph(tasks)):
        where = f"tasks[{index[members[0]]}].dependsOn"
        if len(members) == 1:
            problems.append(Problem(where, f"task {shown(members[0])} depends on itself"))
            continue
        problems.append(
            Problem(
                where,
                f"dependency cycle among tasks {shown_list(members)}: {_path_text(witness)} "
                "(each waits for the next)",
            )
        )
    return problems


def _known(tasks: Sequence[Task]) -> str:
    """`known tasks are 't0', 't1' ... and 9,995 more`: one message per unknown name must not
    grow with the size of the DAG."""
    return f"known tasks are {shown_list(dict.fromkeys(task.name for task in tasks))}"


def _path_text(path: Sequence[str]) -> str:
    """`a -> b -> a`, with at most a dozen hops written out."""
    if len(path) <= _PATH_SHOWN:
        return " -> ".join(path)
    hops = len(path) - 1
    return " -> ".join([*path[: _PATH_SHOWN - 1], f"... ({hops:,} steps)", path[-1]])


def _graph(tasks: Sequence[Task]) -> dict[str, list[str]]:
    """Each task's direct dependencies that exist, in spec order (duplicate names merged)."""
    known = {task.name for task in tasks}
    graph: dict[str, list[str]] = {}
    for task in tasks:
        edges = graph.setdefault(task.name, [])
        edges += [name for name in dict.fromkeys(task.depends_on) if name in known]
    return graph


def components(graph: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    """Strongly connected components (Tarjan, without recursion), each after every component it
    has an edge to: dependencies come before the tasks that wait for them."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(graph[root]))]
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in order:
                    order[nxt] = low[nxt] = len(order)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == order[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    yield component


def cycles(graph: Mapping[str, Sequence[str]]) -> list[tuple[list[str], list[str]]]:
    """Each cycle as (members in graph order, one closed path through them starting at the first).

    Members are a strongly connected component: every node that can reach, and be reached from,
    the first member. Reported once per component, so a knot of cycles is one error.
    """
    position = {node: i for i, node in enumerate(graph)}
    found = []
    for component in components(graph):
        if len(component) == 1 and component[0] not in graph[component[0]]:
            continue  # a single task that does not wait for itself
        members = sorted(component, key=position.__getitem__)
        found.append((members, _closed_path(graph, members[0], set(members))))
    found.sort(key=lambda cycle: position[cycle[0][0]])
    return found


def _closed_path(graph: Mapping[str, Sequence[str]], start: str, within: set[str]) -> list[str]:
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


def waits_for(tasks: Sequence[Task], wanted: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """For each task in `wanted`, which of the names wanted for it it waits for, directly or
    through other tasks.

    One pass over the components in dependency order, with a bit set per component over the
    names wanted anywhere (R of them): about (tasks + dependencies) * R / 64 machine words of
    work, and a component's bit set is dropped once every task waiting for it has been seen.
    Members of one cycle wait for each other.
    """
    graph = _graph(tasks)
    asked_names = sorted({name for asked in wanted.values() for name in asked})
    index = {name: i for i, name in enumerate(asked_names)}
    owner: dict[str, int] = {}
    members_of: list[list[str]] = []
    for number, component in enumerate(components(graph)):
        members_of.append(component)
        for member in component:
            owner[member] = number
    uses = [{owner[d] for member in component for d in graph[member]} for component in members_of]
    waiting = [0] * len(members_of)  # how many later components still need this one's bits
    for number, dependencies in enumerate(uses):
        for dependency in dependencies - {number}:
            waiting[dependency] += 1
    reached: dict[int, int] = {}  # component -> bits of the wanted names it is or waits for
    answers: dict[str, set[str]] = {}
    for number, component in enumerate(members_of):
        bits = 0
        for dependency in uses[number] - {number}:
            bits |= reached[dependency]
            waiting[dependency] -= 1
            if waiting[dependency] == 0:
                del reached[dependency]
        own = _bits(component, index)
        if number in uses[number]:
            bits |= own  # a cycle: its members wait for each other
        for member in component:
            if member in wanted:
                answers[member] = {name for name in wanted[member] if bits >> index[name] & 1}
        if waiting[number]:
            reached[number] = bits | own
    return answers


def _bits(component: Collection[str], index: Mapping[str, int]) -> int:
    """The bits of the component's members that are wanted names (most components have none)."""
    bits = 0
    for member in component:
        if member in index:
            bits |= 1 << index[member]
    return bits
