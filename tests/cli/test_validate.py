"""`argo-orchestration validate PATH...`: every problem of every file, one line each."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLE_SPECS, EXAMPLES, SHARED_ARGO, require_shared
from tests.support.cli_runner import invoke


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=[spec.parent.name for spec in EXAMPLE_SPECS])
def test_every_example_is_valid_in_both_forms(spec):
    # One run per form: files validated together are one deployment, and the two forms of an
    # example (or two examples sharing a template) declare the same objects.
    for path in (spec, spec.parent):
        result = invoke("validate", path)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines() == [f"{path}: ok ({_count(path)} manifests)"]
        assert all(line.startswith("warning: ") for line in result.stderr.splitlines())
    together = invoke("validate", spec, spec.parent)
    assert together.exit_code == 1
    assert f"is declared by both {spec} and {spec.parent}" in together.stderr


def _count(path):
    from pulumi_argo_orchestration import pipeline_manifests
    from pulumi_argo_orchestration.spec.loading import load_spec_file

    spec = path if path.suffix == ".yaml" else path / "pipeline.yaml"
    return len(pipeline_manifests(load_spec_file(spec)))


def test_every_problem_in_every_file_has_file_path_and_reason(tmp_path):
    first = write(
        tmp_path / "first.yaml",
        "name: Bad_Name\nschedule: '0 */4 * *'\nstages: [[{name: a, workflowTemplate: t}]]\n",
    )
    second = write(
        tmp_path / "second.yaml",
        "name: ok\nschedule: '@daily'\ntimezone: Mars/Olympus\nconcurrencyPolicy: replace\n"
        "stages: [[{name: a, workflowTemplate: t, retries: 3}]]\n",
    )
    good = EXAMPLES / "daily-report" / "pipeline.yaml"
    result = invoke("validate", first, good, second)
    assert result.exit_code == 1
    assert result.stdout == f"{good}: ok (8 manifests)\n"
    lines = result.stderr.splitlines()
    assert lines[-1] == "5 problems in 2 of 3 files"
    problems = lines[:-1]
    assert [line.split(": ", 2)[:2] for line in problems] == [
        [str(first), "name"],
        [str(first), "schedule"],
        [str(second), "timezone"],
        [str(second), "concurrencyPolicy"],
        [str(second), "stages[0][0].retries"],
    ]
    assert all("\n" not in line and line.split(": ", 2)[2] for line in problems)


def test_programs_report_their_spec_problems_and_unsupported_declarations(tmp_path):
    bad_spec = tmp_path / "bad-spec"
    write(bad_spec / "Pulumi.yaml", "name: bad-spec\nruntime: python\n")
    write(
        bad_spec / "__main__.py",
        "from pulumi_argo_orchestration import ScheduledPipeline\n"
        "ScheduledPipeline('etl', {'name': 'etl', 'schedule': '@daily', 'timezone': 'UTC',\n"
        "    'stages': [[{'name': 'Work', 'workflow_template': 't'}]]})\n",
    )
    helm = tmp_path / "helm"
    write(helm / "Pulumi.yaml", "name: helm\nruntime: python\n")
    write(
        helm / "__main__.py",
        "import pulumi_kubernetes as k8s\nk8s.helm.v4.Chart('argo', chart='argo-workflows')\n",
    )
    result = invoke("validate", bad_spec, helm)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    where = bad_spec / "__main__.py"
    assert lines[0].startswith(
        f'{bad_spec}: {where}:2: ScheduledPipeline "etl": stages[0][0].name: '
    )
    assert lines[1].startswith(f'{helm}: kubernetes:helm.sh/v4:Chart "argo": yaml, helm')
    assert lines[2] == "2 problems in 2 of 2 files"


def test_strict_checks_the_manifests_against_argos_schemas(tmp_path):
    require_shared()
    program = tmp_path / "raw"
    write(program / "Pulumi.yaml", "name: raw\nruntime: python\n")
    write(
        program / "__main__.py",
        "import pulumi_kubernetes as k8s\n"
        "k8s.apiextensions.CustomResource('cron', api_version='argoproj.io/v1alpha1',\n"
        "    kind='CronWorkflow', metadata={'name': 'raw', 'namespace': 'argo'},\n"
        "    spec={'schedules': ['@daily'], 'concurrencyPolicy': 'replace',\n"
        "          'workflowSpec': {'entrypoint': 'main', 'templates': [{'name': 'main',\n"
        "              'container': {'image': 'alpine:3.20'}}]}})\n",
    )
    seed = EXAMPLES / "scheduled-sync" / "pipeline.yaml"
    lenient = invoke("validate", program, seed)
    assert lenient.exit_code == 0, lenient.stderr
    strict = invoke("validate", "--strict", "--argo-schema", SHARED_ARGO, program, seed)
    assert strict.exit_code == 1
    assert strict.stdout == f"{seed}: ok (9 manifests)\n"
    lines = strict.stderr.splitlines()
    assert lines[0] == f"warning: {program}: raw: no `timezone`: " + (
        "the schedule runs in the Argo controller's time zone"
    )
    assert lines[1].startswith(f"{program}: CronWorkflow/raw: spec.concurrencyPolicy: 'replace'")
    assert lines[-1] == f"{len(lines) - 2} problem{'s' if len(lines) > 3 else ''} in 1 of 2 files"


def test_strict_and_argo_schema_go_together(tmp_path):
    seed = EXAMPLES / "scheduled-sync" / "pipeline.yaml"
    assert invoke("validate", "--strict", seed).exit_code == 2
    assert invoke("validate", "--argo-schema", tmp_path, seed).exit_code == 2
    empty = invoke("validate", "--strict", "--argo-schema", tmp_path, seed)
    assert empty.exit_code == 2
    assert "not an Argo schema directory" in empty.stderr


def test_validate_needs_a_path():
    assert invoke("validate").exit_code == 2
