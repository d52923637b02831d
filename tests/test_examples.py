"""Every example is documentation that cannot rot: rendered, compared with its golden file,
checked against Argo's schemas, and its Pulumi program registers the same manifests.

An example is a spec file with an equivalent program, or programs only (a platform library and
the team stacks that use it): each stack renders through the CLI with its own stack config, its
library installed as a team would install it, and is compared with its golden file too.

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
from pulumi_argo_orchestration.argo.manifests import render_pipeline
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import EXAMPLE_SPECS, EXAMPLE_STACKS, EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
IDS = [spec.parent.name for spec in EXAMPLE_SPECS]


def test_every_example_is_a_spec_or_a_program_with_stacks():
    """No example directory escapes the tests below."""
    examples = {path for path in EXAMPLES.iterdir() if path.is_dir()}
    covered = {spec.parent for spec in EXAMPLE_SPECS} | {
        example for example, _, _ in EXAMPLE_STACKS
    }
    assert examples == covered
    assert {example.name for example, _, _ in EXAMPLE_STACKS} == {"platform-library"}
    assert len(EXAMPLE_STACKS) >= 2


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


STACK_IDS = [f"{example.name}/{project.name}/{stack}" for example, project, stack in EXAMPLE_STACKS]


def _render_stack(example, project, stack, monkeypatch):
    """`argo-orchestration render PROJECT --stack STACK`, the example's library installed."""
    from tests.support.cli_runner import invoke

    monkeypatch.syspath_prepend(str(example))
    result = invoke("render", str(project), "--stack", stack)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("example", "project", "stack"), EXAMPLE_STACKS, ids=STACK_IDS)
def test_example_stack_matches_golden_file(example, project, stack, monkeypatch):
    text = _render_stack(example, project, stack, monkeypatch)
    golden = GOLDEN / example.name / f"{project.name}.{stack}.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}: run with UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("example", "project", "stack"), EXAMPLE_STACKS, ids=STACK_IDS)
def test_example_stack_conforms_to_argo_schemas(example, project, stack, monkeypatch, argo_schemas):
    documents = list(yaml.safe_load_all(_render_stack(example, project, stack, monkeypatch)))
    assert {d["kind"] for d in documents} >= {"Namespace", "WorkflowTemplate", "CronWorkflow"}
    problems = [p for document in documents for p in argo_schemas.problems(document)]
    assert problems == []


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_a_spec_and_its_program_print_the_same_documents_and_warnings(spec):
    """The same documents on stdout in the same order (one apply order, argo/apply_order.py;
    keys within a document are sorted for a program, whose wire format keeps no order), and the
    same warnings on stderr, word for word: `ScheduledPipeline` logs the spec's warnings through
    `pulumi.log.warn`, and the offline engine hands them back."""
    from tests.support.cli_runner import invoke

    from_spec = invoke("render", spec)
    from_program = invoke("render", spec.parent)
    assert (from_spec.exit_code, from_program.exit_code) == (0, 0), from_program.stderr
    documents = list(yaml.safe_load_all(from_spec.stdout))
    assert list(yaml.safe_load_all(from_program.stdout)) == documents
    assert [d["kind"] for d in documents] == sorted(
        (d["kind"] for d in documents), key=lambda kind: manifest_sort_key({"kind": kind})
    )
    assert from_program.stderr == from_spec.stderr
    assert from_spec.stderr.count("warning: ") == len(
        render_pipeline(load_spec_file(spec)).warnings
    )
