"""`orchestratorTemplate: true`: the orchestrator as a WorkflowTemplate named after the pipeline,
referenced by the CronWorkflow with nothing beside the reference that Argo's `templateReferencing:
Strict` refuses (workflow/util/merge.go, `allowedUserOverrideFields`); everything else as without.
"""

from __future__ import annotations

import pytest

from pulumi_argo_orchestration import SpecError, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.argo.apply_order import apply_rank
from tests.conftest import EXAMPLES, minimal_spec

# What a Workflow may set beside workflowTemplateRef under Strict/Secure (Argo v3.7.14+, v4.0.5+).
STRICT_ALLOWED = {
    "arguments", "entrypoint", "shutdown", "suspend", "activeDeadlineSeconds", "priority",
    "ttlStrategy", "podGC", "volumeClaimGC", "archiveLogs", "workflowMetadata",
    "workflowTemplateRef", "metrics", "artifactGC",
}  # fmt: skip
SPEC = minimal_spec(
    parameters=[{"name": "region", "value": "eu"}],
    window={"length": "4h"},
    calendar={"skipDates": ["2026-12-25"]},
    labels={"team": "data"},
    onExit={"name": "notify", "workflowTemplate": "notifier"},
    stages=[
        [{"name": "work", "workflowTemplate": "worker", "synchronization": {"mutexes": ["m"]}}]
    ],
)


def by_kind(documents, kind):
    return [d for d in documents if d["kind"] == kind]


def test_the_orchestrator_becomes_a_workflow_template_named_after_the_pipeline():
    inline = pipeline_manifests(SPEC)
    templated = pipeline_manifests({**SPEC, "orchestratorTemplate": True})
    (inline_cron,) = by_kind(inline, "CronWorkflow")
    (cron,) = by_kind(templated, "CronWorkflow")
    (template,) = by_kind(templated, "WorkflowTemplate")
    assert template["metadata"] == {
        "name": "nightly",
        "namespace": "argo",
        "labels": inline_cron["metadata"]["labels"],
    }
    # The template's spec is the inline workflowSpec, and labels a run submitted from it.
    assert template["spec"] == {
        "workflowMetadata": inline_cron["spec"]["workflowMetadata"],
        **inline_cron["spec"]["workflowSpec"],
    }
    assert cron["spec"]["workflowSpec"] == {"workflowTemplateRef": {"name": "nightly"}}
    assert set(cron["spec"]["workflowSpec"]) <= STRICT_ALLOWED
    # The CronWorkflow is otherwise the same, and so is everything else it deploys.
    assert {k: v for k, v in cron["spec"].items() if k != "workflowSpec"} == {
        k: v for k, v in inline_cron["spec"].items() if k != "workflowSpec"
    }
    assert [d for d in templated if d is not template and d is not cron] == [
        d for d in inline if d is not inline_cron
    ]


def test_the_template_is_applied_before_the_cron_workflow():
    documents = pipeline_manifests({**SPEC, "orchestratorTemplate": True})
    kinds = [d["kind"] for d in documents]
    assert kinds.index("WorkflowTemplate") < kinds.index("CronWorkflow")
    assert [apply_rank(d) for d in documents] == sorted(apply_rank(d) for d in documents)


def test_off_by_default():
    assert load_pipeline(minimal_spec()).orchestrator_template is False
    documents = pipeline_manifests(minimal_spec())
    (cron,) = by_kind(documents, "CronWorkflow")
    assert "templates" in cron["spec"]["workflowSpec"]
    assert by_kind(documents, "WorkflowTemplate") == []


def test_nothing_else_may_take_the_pipelines_name():
    spec = minimal_spec(
        orchestratorTemplate=True,
        templates=[{"name": "nightly", "image": "alpine:3.20"}],
        stages=[[{"name": "again", "workflowTemplate": "nightly"}]],
    )
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    why = "`orchestratorTemplate: true` gives that name to the orchestrator's WorkflowTemplate"
    assert {p.path: p.message for p in caught.value.problems} == {
        "templates[0].name": f"'nightly' is the pipeline's name, and {why}",
        "stages[0][0].workflowTemplate": f"'nightly' is the orchestrator itself ({why}): a child "
        "that runs it would start the whole pipeline again",
    }


@pytest.mark.parametrize("version", ["4", "3.5"])
def test_orchestrator_templates_conform_to_argos_schemas(version, schemas_for):
    spec = {**minimal_spec(argoVersion=version), "orchestratorTemplate": True}
    pipeline = load_pipeline(spec)
    schemas = schemas_for(pipeline)
    for document in pipeline_manifests(pipeline):
        assert schemas.problems(document) == []


def test_the_example_uses_it():
    from pulumi_argo_orchestration.spec.loading import load_spec_file

    pipeline = load_spec_file(EXAMPLES / "windowed-ingest" / "pipeline.yaml")
    assert pipeline.orchestrator_template
