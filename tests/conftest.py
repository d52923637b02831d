"""Shared test helpers: the examples, and Argo's schemas from `../shared/argo`."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the generated cases are the same on every run, so a submission's verdict does not depend
# on the draw; locally each run explores new cases (and keeps failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_ARGO = ROOT.parent / "shared" / "argo"
EXAMPLE_SPECS = sorted(EXAMPLES.glob("*/pipeline.yaml"))
# Examples without a spec file are Pulumi programs only (a platform library and the team stacks
# that use it): each (example, project directory, stack) renders through the CLI.
EXAMPLE_STACKS = sorted(
    (example, stack_file.parent, stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml"))
    for example in EXAMPLES.iterdir()
    if example.is_dir() and not (example / "pipeline.yaml").exists()
    for stack_file in example.rglob("Pulumi.*.yaml")
    if (stack_file.parent / "Pulumi.yaml").is_file()
)
SHARED_ARGO_V35 = SHARED_ARGO / "v3.5"
SHARED_MISSING = "../shared/argo not found: Argo's schemas and CRDs live beside the checkout"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "yaml"
SEED_MISSING = (
    "../shared/seed/yaml not found: the Argo guide's orchestrators live beside the checkout"
)
ARGO_EXAMPLES = SHARED_ARGO / "examples"
ARGO_EXAMPLES_MISSING = (
    "../shared/argo/examples not found: Argo's examples live beside the checkout"
)
SHARED_V35_MISSING = "../shared/argo/v3.5 not found: Argo v3.5.15's schema and CRDs live there"


#: What the safety tests checked in this run (documents validated, specs generated, values tried),
#: printed at the end so the figures are measured, not claimed.
FIGURES: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("-", "safety figures")
        for name, count in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {count}")


@pytest.fixture(scope="session")
def argo_schemas():
    """Argo's v4 JSON schema and CRDs, or a skip when `../shared/argo` is absent."""
    if not (SHARED_ARGO / "schema.json").is_file():
        pytest.skip(SHARED_MISSING)
    from pulumi_argo_orchestration.views.conformance import ArgoSchemas

    return ArgoSchemas.load(SHARED_ARGO)


@pytest.fixture(scope="session")
def argo_v35_schemas():
    """Argo v3.5.15's JSON schema and CRDs, or a skip when `../shared/argo/v3.5` is absent."""
    if not (SHARED_ARGO_V35 / "schema.json").is_file():
        pytest.skip(SHARED_V35_MISSING)
    from pulumi_argo_orchestration.views.conformance import ArgoSchemas

    return ArgoSchemas.load(SHARED_ARGO_V35)


@pytest.fixture(scope="session")
def schemas_for(request):
    """`schemas_for(pipeline)`: the schemas of the Argo version the pipeline targets."""

    def load(pipeline):
        version = getattr(pipeline.argo_version, "value", pipeline.argo_version)
        fixture = "argo_v35_schemas" if version == "3.5" else "argo_schemas"
        return request.getfixturevalue(fixture)

    return load


def minimal_spec(**overrides):
    """The smallest valid camelCase spec; overrides replace top-level fields."""
    spec = {
        "name": "nightly",
        "schedule": "0 2 * * *",
        "timezone": "UTC",
        "stages": [[{"name": "work", "workflowTemplate": "worker"}]],
    }
    spec.update(overrides)
    return spec
