"""Every document of Argo's own examples either imports to specs whose render passes Argo's schema
and CRDs, or is refused with the list of what cannot be expressed, each at its YAML path.

`OUTCOMES` is the expected outcome of every document: none of Argo's CronWorkflow examples
orchestrates children (each run is a container, or instantiates a template itself), a Workflow
has no schedule, and a WorkflowTemplate imports when its entry is one container or script.
"""

from __future__ import annotations

from collections import Counter

import pytest

from pulumi_argo_orchestration.argo.manifests import pipeline_manifests, shared_template_manifests
from pulumi_argo_orchestration.migrate.documents import read_files
from pulumi_argo_orchestration.migrate.importer import IMPORTED, PARTIAL, REFUSED, import_input
from tests.conftest import ARGO_EXAMPLES, require_shared

UNREADABLE = "unreadable"
OUTCOMES = {
    "artifacts-workflowtemplate.yaml:0": REFUSED,  # containerSet entry
    "buildkit-template.yaml:0": REFUSED,  # DAG entry
    "ci-workflowtemplate.yaml:0": REFUSED,  # DAG entry
    "cluster-workflow-template/cluster-wftmpl-dag.yaml:0": REFUSED,  # Workflow
    "cluster-workflow-template/clustertemplates.yaml:0": REFUSED,  # ClusterWorkflowTemplate
    "cluster-workflow-template/clustertemplates.yaml:1": REFUSED,
    "cluster-workflow-template/clustertemplates.yaml:2": REFUSED,
    "cluster-workflow-template/clustertemplates.yaml:3": REFUSED,
    "cluster-workflow-template/clustertemplates.yaml:4": REFUSED,
    "cluster-workflow-template/mixed-cluster-namespaced-wftmpl-steps.yaml:0": REFUSED,
    "cluster-workflow-template/workflow-template-ref-with-entrypoint-arg-passing.yaml:0": REFUSED,
    "cluster-workflow-template/workflow-template-ref.yaml:0": REFUSED,
    "cron-backfill.yaml:0": IMPORTED,  # a script template
    "cron-backfill.yaml:1": REFUSED,  # CronWorkflow whose runs instantiate a template
    "cron-backfill.yaml:2": REFUSED,  # Workflow
    "cron-backfill.yaml:3": REFUSED,
    "cron-when.yaml:0": REFUSED,  # CronWorkflow running a container
    "cron-workflow-multiple-schedules.yaml:0": REFUSED,
    "cron-workflow.yaml:0": REFUSED,
    "daemoned-stateful-set-with-service.yaml:0": REFUSED,
    "dag-inline-clusterworkflowtemplate.yaml:0": REFUSED,
    "dag-inline-cronworkflow.yaml:0": REFUSED,
    "dag-inline-workflowtemplate.yaml:0": REFUSED,
    "k8s-jobs.yaml:0": REFUSED,
    "k8s-orchestration.yaml:0": REFUSED,
    "k8s-owner-reference.yaml:0": REFUSED,
    "k8s-patch-json-pod.yaml:0": REFUSED,
    "k8s-patch-json-workflow.yaml:0": UNREADABLE,  # `annotations` written twice
    "k8s-patch-merge-pod.yaml:0": REFUSED,
    "k8s-patch-pod.yaml:0": REFUSED,
    "k8s-resource-log-selector.yaml:0": REFUSED,
    "k8s-set-owner-reference.yaml:0": REFUSED,
    "k8s-wait-wf.yaml:0": REFUSED,
    "resource-delete-with-flags.yaml:0": REFUSED,
    "resource-flags.yaml:0": REFUSED,
    "retry-backoff.yaml:0": REFUSED,
    "retry-conditional.yaml:0": REFUSED,
    "retry-container-to-completion.yaml:0": REFUSED,
    "retry-container.yaml:0": REFUSED,
    "retry-on-error.yaml:0": REFUSED,
    "retry-script.yaml:0": REFUSED,
    "retry-with-steps.yaml:0": REFUSED,
    "workflow-event-binding/event-consumer-workfloweventbinding.yaml:0": REFUSED,
    "workflow-event-binding/event-consumer-workflowtemplate.yaml:0": REFUSED,  # steps entry
    "workflow-event-binding/github-path-filter-workfloweventbinding.yaml:0": REFUSED,
    "workflow-event-binding/github-path-filter-workflowtemplate.yaml:0": REFUSED,
    "workflow-of-workflows.yaml:0": REFUSED,  # the guide's form, but a Workflow: no schedule
    "workflow-template/dag.yaml:0": REFUSED,
    "workflow-template/hello-world.yaml:0": REFUSED,
    "workflow-template/input-artifacts.yaml:0": PARTIAL,  # its input artifact is left out
    "workflow-template/retry-with-steps.yaml:0": REFUSED,
    "workflow-template/steps.yaml:0": REFUSED,
    "workflow-template/templates.yaml:0": IMPORTED,
    "workflow-template/templates.yaml:1": PARTIAL,  # no entrypoint: reachable by templateRef only
    "workflow-template/templates.yaml:2": REFUSED,  # no entrypoint, several templates
    "workflow-template/templates.yaml:3": REFUSED,
    "workflow-template/templates.yaml:4": IMPORTED,
    "workflow-template/workflow-template-ref-with-entrypoint-arg-passing.yaml:0": REFUSED,
    "workflow-template/workflow-template-ref.yaml:0": REFUSED,
}
FILES = sorted({key.rsplit(":", 1)[0] for key in OUTCOMES})


@pytest.fixture(scope="module")
def examples():
    return require_shared(ARGO_EXAMPLES)


def test_the_table_lists_every_example_file(examples):
    found = sorted(str(p.relative_to(examples)) for p in examples.rglob("*.yaml"))
    assert found == FILES


@pytest.mark.parametrize("name", FILES)
def test_each_example_imports_valid_specs_or_says_what_cannot_be_expressed(
    name, examples, argo_schemas
):
    result = import_input(read_files([examples / name]))
    outcomes = {f"{name}:{d.where.document}": d.outcome for d in result.documents}
    outcomes |= {f"{name}:{f.where.document}": UNREADABLE for f in result.unreadable}
    assert outcomes == {k: v for k, v in OUTCOMES.items() if k.rsplit(":", 1)[0] == name}
    for document in result.documents:
        findings = document.findings
        assert {f.where.document_key for f in findings.refusals + findings.cannot} <= {
            document.where.document_key
        }
        if document.outcome == REFUSED:
            assert findings.refusals, document
        if document.outcome == PARTIAL:
            assert findings.cannot and not findings.refusals, document
        if document.outcome == IMPORTED:
            assert not findings.cannot and not findings.refusals, document
    rendered = [d for t in result.templates for d in shared_template_manifests(t.spec)]
    rendered += [d for p in result.pipelines for d in pipeline_manifests(p.spec)]
    assert bool(rendered) == any(o in (IMPORTED, PARTIAL) for o in outcomes.values())
    assert [p for d in rendered for p in argo_schemas.problems(d)] == []


def test_the_outcomes_by_kind(examples):
    """The counts the documentation gives."""
    counts: Counter[tuple[str, str]] = Counter()
    for name in FILES:
        result = import_input(read_files([examples / name]))
        counts.update((d.kind, d.outcome) for d in result.documents)
        counts.update(("Workflow", UNREADABLE) for _ in result.unreadable)
    assert dict(counts) == {
        ("ClusterWorkflowTemplate", REFUSED): 6,
        ("CronWorkflow", REFUSED): 5,
        ("Workflow", REFUSED): 32,
        ("Workflow", UNREADABLE): 1,
        ("WorkflowEventBinding", REFUSED): 2,
        ("WorkflowTemplate", IMPORTED): 3,
        ("WorkflowTemplate", PARTIAL): 2,
        ("WorkflowTemplate", REFUSED): 8,
    }


def test_the_workflow_of_workflows_lacks_only_a_schedule(examples):
    result = import_input(read_files([examples / "workflow-of-workflows.yaml"]))
    (document,) = result.documents
    assert [str(f) for f in document.findings.refusals] == [
        f"{examples / 'workflow-of-workflows.yaml'}:0:kind: a Workflow runs once and has no "
        "schedule: import reads CronWorkflows (put this spec under a CronWorkflow's "
        "`workflowSpec` to import it)"
    ]
    assert document.findings.cannot == []


def test_a_cron_that_runs_a_container_is_refused_with_the_reason(examples):
    result = import_input(read_files([examples / "cron-workflow.yaml"]))
    (document,) = result.documents
    assert [(f.where.path, f.message) for f in document.findings.refusals] == [
        (
            ("spec", "workflowSpec", "templates", 0, "container"),
            "the entry template 'hello-world-with-time' runs a container itself, with no steps "
            "or DAG spawning children: not an orchestrator",
        )
    ]
    assert result.pipelines == []


def test_an_input_artifact_is_listed_where_it_was(examples):
    result = import_input(read_files([examples / "workflow-template/input-artifacts.yaml"]))
    (document,) = result.documents
    assert [(f.where.path, f.message) for f in document.findings.cannot] == [
        (("spec", "templates", 0, "inputs", "artifacts"), "no equivalent in the pipeline spec"),
        (("spec", "arguments", "artifacts"), "no equivalent in the pipeline spec"),
    ]
