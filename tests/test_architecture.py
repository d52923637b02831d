"""The layout is the architecture, and these rules keep it so (CONTRIBUTING.md, "Architecture").

Layers, bottom up: `syntax` (ports of upstream grammars) -> `spec` (the typed spec and its rules)
-> `argo` (pure manifests) -> `views` (readers of manifests), `migrate` (manifests back into
specs) -> `components`, `offline` (Pulumi) -> `cli`. A module imports only from its own layer and
the ones below; the imports are read from source, function bodies and `TYPE_CHECKING` blocks
included.
"""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT
from tests.support import import_graph

PACKAGE = ROOT / "pulumi_argo_orchestration"
MODULES = import_graph.load(PACKAGE)
# Each layer with the layers it may import from ("root": errors, _gc, _version).
ALLOWED = {
    "root": {"root"},
    "syntax": {"root", "syntax"},
    "spec": {"root", "syntax", "spec"},
    "argo": {"root", "syntax", "spec", "argo"},
    "views": {"root", "syntax", "spec", "argo", "views"},
    "components": {"root", "syntax", "spec", "argo", "components"},
    "offline": {"root", "syntax", "spec", "argo", "offline"},
    # Reads manifests back into specs: it asks `argo` what it renders, so it sits above it.
    "migrate": {"root", "syntax", "spec", "argo", "migrate"},
    "cli": {"root", "syntax", "spec", "argo", "views", "offline", "migrate", "cli"},
}
PURE = ("spec", "argo", "syntax", "views", "migrate")
PULUMI = {"pulumi", "pulumi_kubernetes", "grpc"}
# The root's public faces may reach into the layers they re-export.
FACADES = {"pulumi_argo_orchestration", "pulumi_argo_orchestration.testing"}
FACADE_TARGETS = {"__main__": {"components"}}


def test_the_graph_reads_every_module():
    assert len(MODULES) == len(list(PACKAGE.rglob("*.py")))
    assert "pulumi_argo_orchestration.spec.models" in MODULES


def test_no_import_cycle():
    assert import_graph.cycles(MODULES) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_imports_only_its_own_layer_and_below(name):
    if name in FACADES:
        return
    own = import_graph.layer(name)
    allowed = ALLOWED[own] | FACADE_TARGETS.get(name.rsplit(".", 1)[-1], set())
    wrong = sorted(dep for dep in MODULES[name].imports if import_graph.layer(dep) not in allowed)
    assert wrong == [], f"{name} ({own}) imports above its layer: {wrong}"


def test_the_pure_layers_never_reach_pulumi():
    for name in MODULES:
        if import_graph.layer(name) not in PURE:
            continue
        reached = {name, *import_graph.reachable(MODULES, name)}
        pulumi = sorted(
            f"{other} imports {ext}"
            for other in reached
            for ext in MODULES[other].external
            if ext in PULUMI
        )
        assert pulumi == [], f"{name} reaches Pulumi: {pulumi}"


def test_module_level_pulumi_imports_only_in_components_and_offline():
    found = sorted(
        name
        for name, module in MODULES.items()
        if any(module.external.get(ext) for ext in PULUMI)
        and import_graph.layer(name) not in ("components", "offline")
    )
    assert found == []


def test_at_most_ten_modules_at_the_package_root():
    root = [path.name for path in PACKAGE.glob("*.py")]
    assert len(root) <= 10, root


def test_the_cli_holds_no_rule_of_the_domain():
    """Rules report `Problem`s; the CLI only prints what the layers below return."""
    for path in (PACKAGE / "cli").glob("*.py"):
        tree = ast.parse(path.read_text())
        built = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("Problem", "SpecError")
        ]
        assert built == [], f"{path.name} builds problems at lines {built}"
        assert (
            "pydantic"
            not in import_graph.load(PACKAGE)[
                f"pulumi_argo_orchestration.cli.{path.stem}".removesuffix(".__init__")
            ].external
        )


def test_one_apply_order():
    """Render and the offline engine sort by the same key; nothing else defines a kind order."""
    from pulumi_argo_orchestration.argo import apply_order
    from pulumi_argo_orchestration.offline import engine

    assert engine.in_apply_order is apply_order.in_apply_order
    mentions = sorted(
        name
        for name, module in MODULES.items()
        if '"CronWorkflow",\n' in module.path.read_text() and name.endswith(("order", "engine"))
    )
    assert mentions == ["pulumi_argo_orchestration.argo.apply_order"]


def test_one_path_format():
    from pulumi_argo_orchestration import errors
    from pulumi_argo_orchestration.offline import engine
    from pulumi_argo_orchestration.views import conformance

    assert engine.format_path is errors.format_path
    assert conformance.format_path is errors.format_path
    defined = sorted(
        name
        for name, module in MODULES.items()
        if "def format_path" in module.path.read_text()
        or "def _format_path" in module.path.read_text()
    )
    assert defined == ["pulumi_argo_orchestration.errors"]
