"""Shared test helpers: the examples, and Argo's schemas from `../shared/argo`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_ARGO = ROOT.parent / "shared" / "argo"
EXAMPLE_SPECS = sorted(EXAMPLES.glob("*/pipeline.yaml"))
SHARED_MISSING = "../shared/argo not found: Argo's schemas and CRDs live beside the checkout"


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
    from pulumi_argo_orchestration.conformance import ArgoSchemas

    return ArgoSchemas.load(SHARED_ARGO)


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
