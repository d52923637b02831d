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


# What the tests read beside the checkout, and why a test cannot run without it.
_SHARED_REASONS = {
    SHARED_ARGO: SHARED_MISSING,
    SHARED_ARGO_V35: SHARED_V35_MISSING,
    ARGO_EXAMPLES: ARGO_EXAMPLES_MISSING,
    SHARED_SEED: SEED_MISSING,
}


def require_shared(directory: Path = SHARED_ARGO) -> Path:
    """`directory` beside the checkout (`../shared/...`) when it is there (Argo's schema
    directories must hold `schema.json`); otherwise the test skips with the reason, or, with `CI`
    set, fails: CI has the files, so their absence is an error there, not a reason to check less.
    """
    needs_schema = directory in (SHARED_ARGO, SHARED_ARGO_V35)
    present = (directory / "schema.json").is_file() if needs_schema else directory.is_dir()
    if not present:
        reason = _SHARED_REASONS.get(directory, SHARED_MISSING)
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: these checks must run)", pytrace=False)
        pytest.skip(reason)
    return directory


@pytest.fixture(scope="session")
def argo_schemas():
    """Argo's v4 JSON schema and CRDs (see `require_shared` when `../shared/argo` is absent)."""
    from pulumi_argo_orchestration.views.conformance import ArgoSchemas

    return ArgoSchemas.load(require_shared(SHARED_ARGO))


@pytest.fixture(scope="session")
def argo_v35_schemas():
    """Argo v3.5.15's JSON schema and CRDs (`../shared/argo/v3.5`, see `require_shared`)."""
    from pulumi_argo_orchestration.views.conformance import ArgoSchemas

    return ArgoSchemas.load(require_shared(SHARED_ARGO_V35))


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
