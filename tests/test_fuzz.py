"""Fuzzing with hypothesis: generated specs, valid and invalid, well over a thousand per run.

Valid specs render to documents that pass every conformance and safety check
(tests/safety_checks.py). Invalid ones raise SpecError, never another exception, with the field
path of each breakage; the CLI then exits 1 with nothing on stdout (and writes nothing to
`-o DIR` once that option exists), and the Pulumi component registers no resource at all.
Example counts are fixed and deadlines off, so a run takes the same time on any machine.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings

from pulumi_argo_orchestration import (
    ScheduledPipeline,
    SpecError,
    load_pipeline,
    pipeline_manifests,
)
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import FIGURES, minimal_spec
from tests.support.cli_runner import invoke
from tests.support.safety_checks import check_pipeline
from tests.support.spec_strategies import breakage_sets, broken, garbled_specs, valid_specs

VALID_EXAMPLES = 400
INVALID_EXAMPLES = 500
GARBLED_EXAMPLES = 200
CLI_EXAMPLES = 60
PULUMI_EXAMPLES = 40

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


@settings(FUZZ, max_examples=VALID_EXAMPLES)
@given(spec=valid_specs())
@example(
    spec=minimal_spec(
        templates=[{"name": "worker", "image": "a", "resources": {"requests": {"cpu": 0.5}}}]
    )
)
def test_valid_specs_render_to_conforming_documents(spec, schemas_for):
    check_pipeline(spec, "fuzz", schemas_for)
    FIGURES["fuzz: valid specs generated"] += 1


@settings(FUZZ, max_examples=INVALID_EXAMPLES)
@given(spec=valid_specs(), breakages=breakage_sets())
def test_broken_specs_name_every_broken_field(spec, breakages):
    bad, expected = broken(spec, breakages)
    with pytest.raises(SpecError) as caught:
        load_pipeline(bad)
    found = {problem.path for problem in caught.value.problems}
    assert expected <= found, (sorted(expected), str(caught.value))
    assert all(problem.message for problem in caught.value.problems)
    with pytest.raises(SpecError):
        pipeline_manifests(bad)
    FIGURES["fuzz: invalid specs generated"] += 1


@settings(FUZZ, max_examples=GARBLED_EXAMPLES)
@given(spec=garbled_specs())
def test_arbitrary_data_is_a_spec_error_or_a_valid_spec(spec, schemas_for):
    try:
        pipeline = load_pipeline(spec)
    except SpecError as error:
        assert error.problems and all(p.message for p in error.problems)
        if not isinstance(spec, dict):
            assert [p.path for p in error.problems] == [""]
    else:
        check_pipeline(pipeline.model_dump(by_alias=True, exclude_none=True), "fuzz", schemas_for)
    FIGURES["fuzz: arbitrary documents generated"] += 1


@settings(FUZZ, max_examples=CLI_EXAMPLES)
@given(spec=valid_specs(), breakages=breakage_sets())
def test_cli_render_exits_1_and_prints_nothing_for_invalid_specs(spec, breakages):
    bad, expected = broken(spec, breakages)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "pipeline.yaml"
        path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
        result = invoke("render", str(path))
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert all(f"  - {where}: " in result.stderr for where in expected), result.stderr
        out = Path(directory) / "out"
        result = invoke("render", "-o", str(out), str(path))
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert not out.exists()
    FIGURES["fuzz: invalid specs given to the CLI"] += 1


@settings(FUZZ, max_examples=PULUMI_EXAMPLES)
@given(spec=valid_specs(), breakages=breakage_sets())
def test_invalid_specs_register_no_resource_under_pulumi_mocks(spec, breakages):
    bad, _ = broken(spec, breakages)
    errors: list[SpecError] = []

    def program() -> None:
        try:
            ScheduledPipeline("fuzzed", bad)
        except SpecError as error:
            errors.append(error)

    run = run_pulumi(program)
    assert run.resources == []
    assert len(errors) == 1
    with pytest.raises(SpecError):
        run_pulumi(lambda: ScheduledPipeline("fuzzed", bad))
    FIGURES["fuzz: invalid specs given to the Pulumi component"] += 1


def test_every_breakage_is_drawn_and_caught_alone():
    """The catalogue itself: each breakage, applied alone to a full spec, gives its path."""
    from tests.support.spec_strategies import BREAKAGES

    base: dict[str, Any] = minimal_spec(
        parameters=[{"name": "day", "value": "1"}],
        stages=[[{"name": "work", "workflowTemplate": "worker", "arguments": {"d": "x"}}]],
        templates=[{"name": "worker", "image": "alpine", "parameters": [{"name": "d"}]}],
    )
    for breakage in BREAKAGES:
        bad, expected = broken(base, [breakage])
        with pytest.raises(SpecError) as caught:
            load_pipeline(bad)
        assert {p.path for p in caught.value.problems} == expected, breakage.name
