"""Every example is documentation that cannot rot: rendered, compared with its golden file,
checked against Argo's schemas, and its Pulumi program registers the same manifests.

Regenerate the golden files after an intended change:
`UPDATE_GOLDEN=1 pytest tests/test_examples.py`.
"""

from __future__ import annotations

import os
import runpy

import pytest
import yaml

from pulumi_argo_orchestration import dump_documents, pipeline_manifests
from pulumi_argo_orchestration.argo.apply_order import apply_rank as manifest_sort_key
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import EXAMPLE_SPECS, ROOT

GOLDEN = ROOT / "tests" / "golden"
IDS = [spec.parent.name for spec in EXAMPLE_SPECS]


def test_there_are_examples():
    assert {
        "scheduled-sync",
        "parallel-sync",
        "daily-report",
        "retry-backoff",
        "cross-namespace",
        "argument-contracts",
        "argo-v3.5",
        "run-control",
    } <= set(IDS)


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_example_matches_golden_file(spec):
    text = dump_documents(pipeline_manifests(load_spec_file(spec)))
    golden = GOLDEN / f"{spec.parent.name}.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}: run with UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")
    assert list(yaml.safe_load_all(text)) == pipeline_manifests(load_spec_file(spec))


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_example_conforms_to_argo_schemas(spec, schemas_for):
    """Each example against the schemas of the Argo version it targets (`argoVersion`)."""
    pipeline = load_spec_file(spec)
    schemas = schemas_for(pipeline)
    documents = pipeline_manifests(pipeline)
    problems = [p for document in documents for p in schemas.problems(document)]
    assert problems == []


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_example_program_registers_the_spec_files_manifests(spec):
    program = spec.parent / "__main__.py"
    run = run_pulumi(lambda: runpy.run_path(str(program), run_name="__main__"))
    expected = sorted(pipeline_manifests(load_spec_file(spec)), key=manifest_sort_key)
    assert run.manifests() == expected


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_example_program_directory_renders_like_its_spec_file(spec, tmp_path):
    from tests.support.cli_runner import invoke

    outputs = {}
    for form, path in (("program", spec.parent), ("spec", spec)):
        result = invoke("render", str(path))
        assert result.exit_code == 0, result.stderr
        outputs[form] = sorted(yaml.safe_load_all(result.stdout), key=manifest_sort_key)
        written = invoke("render", str(path), "-o", str(tmp_path / form))
        assert written.exit_code == 0, written.stderr
    assert outputs["program"] == outputs["spec"]
    files = {form: sorted(p.name for p in (tmp_path / form).iterdir()) for form in outputs}
    assert files["program"] == files["spec"]
    for name in files["spec"]:
        program_file, spec_file = (tmp_path / form / name for form in ("program", "spec"))
        assert yaml.safe_load(program_file.read_text()) == yaml.safe_load(spec_file.read_text())
