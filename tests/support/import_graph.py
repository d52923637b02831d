"""The package's import graph, read from source: every import, at module level, inside functions
and under `TYPE_CHECKING`, so a cycle cannot hide in a function body or a type-only import."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "pulumi_argo_orchestration"


@dataclass
class Module:
    name: str
    path: Path
    imports: set[str] = field(default_factory=set)
    """Modules of the package this one imports, anywhere in its source."""
    external: dict[str, bool] = field(default_factory=dict)
    """Top-level names of other distributions -> True when imported at module level."""


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _statements(tree: ast.AST, top: bool = True) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement below `tree`, with whether it runs when the module is imported."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, top
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _statements(node, False)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for statement in node.body:
                yield from _statements(ast.Module(body=[statement], type_ignores=[]), False)
            for statement in node.orelse:
                yield from _statements(ast.Module(body=[statement], type_ignores=[]), top)
        else:
            yield from _statements(node, top)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def load(root: Path) -> dict[str, Module]:
    """Every module under `root` (the package directory) with what it imports."""
    modules = {
        _module_name(root, path): Module(_module_name(root, path), path)
        for path in sorted(root.rglob("*.py"))
    }
    for name, module in modules.items():
        is_package = module.path.name == "__init__.py"
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        for node, top in _statements(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    _record(modules, module, alias.name, top)
                continue
            if node.level:
                base = name.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                _record(modules, module, candidate if candidate in modules else target, top)
    return modules


def _record(modules: dict[str, Module], module: Module, target: str, top: bool) -> None:
    if target in modules:
        if target != module.name:
            module.imports.add(target)
        return
    head = target.split(".", maxsplit=1)[0]
    if head != PACKAGE:
        module.external[head] = module.external.get(head, False) or top


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start, first in modules.items():
        if start in index:
            continue
        work = [(start, iter(sorted(first.imports)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(modules[nxt].imports))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def levels(modules: dict[str, Module]) -> dict[str, int]:
    """Longest import chain below each module (1 for a module importing none of ours)."""
    memo: dict[str, int] = {}

    def level(name: str, seen: frozenset[str]) -> int:
        if name in memo:
            return memo[name]
        below = [level(dep, seen | {name}) for dep in modules[name].imports if dep not in seen]
        memo[name] = 1 + max(below, default=0)
        return memo[name]

    return {name: level(name, frozenset()) for name in modules}


def reachable(modules: dict[str, Module], start: str) -> set[str]:
    """Every module `start` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for dep in modules[todo.pop()].imports:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def layer(name: str) -> str:
    """The subpackage a module belongs to, or `root`."""
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in SUBPACKAGES) else "root"


SUBPACKAGES = ("spec", "argo", "syntax", "views", "migrate", "components", "offline", "cli")
