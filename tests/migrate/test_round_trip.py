"""Importing what this package rendered gives back the spec: render(import(render(s))) == render(s).

The model dumps are compared too, with the one field no manifest carries set aside:
`externalTemplates` are declarations for checking children's arguments and are rendered nowhere.
Other spellings that render alike (`schedules: [x]` and `schedule: x`, a default account named
explicitly, a timeout written `120m` or `2h`) come back in one form; the property test checks
that every such form renders the same.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from pulumi_argo_orchestration import dump_documents, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.migrate.documents import read_objects
from pulumi_argo_orchestration.migrate.importer import IMPORTED, import_input
from pulumi_argo_orchestration.migrate.spec_text import pipeline_spec
from pulumi_argo_orchestration.spec.loading import load_spec_file
from tests.conftest import EXAMPLE_SPECS
from tests.support.spec_strategies import valid_specs

IDS = [spec.parent.name for spec in EXAMPLE_SPECS]


def imported(documents, source="rendered.yaml"):
    """Import documents as `render` prints them (the YAML text, parsed again)."""
    text = dump_documents(documents)
    return import_input(read_objects(source, list(yaml.safe_load_all(text))))


def findings(result):
    return [
        str(finding)
        for document in result.documents
        for finding in (
            *document.findings.refusals,
            *document.findings.cannot,
            *document.findings.changes,
        )
    ]


def comparable(pipeline):
    """The model dump, without what no manifest carries."""
    dump = pipeline.model_dump(by_alias=True, mode="json")
    dump["externalTemplates"] = []
    return dump


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_importing_a_rendered_example_gives_back_its_spec(spec):
    original = load_spec_file(spec)
    documents = pipeline_manifests(original)
    result = imported(documents)
    assert findings(result) == []
    assert {d.outcome for d in result.documents} == {IMPORTED}
    assert result.templates == []
    (pipeline,) = result.pipelines
    assert comparable(pipeline.spec) == comparable(original)
    assert pipeline_manifests(pipeline.spec) == documents
    # Through the text printed on stdout, too.
    assert pipeline_manifests(load_pipeline(pipeline_spec(pipeline.spec))) == documents


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=IDS)
def test_the_cron_workflow_alone_renders_the_same_cron_workflow(spec):
    documents = pipeline_manifests(load_spec_file(spec))
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    # With `orchestratorTemplate` the orchestrator is the WorkflowTemplate it references.
    ref = cron["spec"]["workflowSpec"].get("workflowTemplateRef", {}).get("name")
    orchestrator = [
        d for d in documents if d["kind"] == "WorkflowTemplate" and d["metadata"]["name"] == ref
    ]
    result = imported([*orchestrator, cron])
    (pipeline,) = result.pipelines
    (again,) = [d for d in pipeline_manifests(pipeline.spec) if d["kind"] == "CronWorkflow"]
    assert again == cron
    assert [d for d in pipeline_manifests(pipeline.spec) if d in orchestrator] == orchestrator


def test_a_cron_workflow_referencing_a_template_that_is_not_there_is_refused():
    documents = pipeline_manifests(
        {**load_spec_file(EXAMPLE_SPECS[0]).model_dump(), "orchestrator_template": True}
    )
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    result = imported([cron])
    assert result.pipelines == []
    (document,) = result.documents
    assert document.outcome == "refused"


def test_without_its_rbac_the_report_says_the_accounts_are_rendered():
    spec = next(s for s in EXAMPLE_SPECS if s.parent.name == "scheduled-sync")
    documents = pipeline_manifests(load_spec_file(spec))
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    assert findings(imported([cron])) == [
        "rendered.yaml:0:spec.workflowSpec.serviceAccountName: the spec renders ServiceAccount, "
        "Role and RoleBinding 'orchestrator-sa': set `createServiceAccount: false` if the "
        "account exists already"
    ]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_specs())
def test_any_valid_spec_renders_the_same_after_a_round_trip(spec):
    documents = pipeline_manifests(spec)
    result = imported(documents)
    assert findings(result) == []
    (pipeline,) = result.pipelines
    assert dump_documents(pipeline_manifests(load_pipeline(pipeline_spec(pipeline.spec)))) == (
        dump_documents(documents)
    )


def test_cloud_identities_shared_accounts_and_created_namespaces_come_back():
    """The orchestrator's and a template's annotations come back from their rendered
    ServiceAccounts, `createNamespace` from the rendered Namespaces; a template on the shared
    account and one named `<template>-executor` without needing it keep their spellings apart,
    since they render different accounts."""
    original = load_pipeline(
        {
            "name": "nightly",
            "schedule": "0 2 * * *",
            "timezone": "UTC",
            "serviceAccountAnnotations": {
                "iam.gke.io/gcp-service-account": "o@p.iam.gserviceaccount.com"
            },
            "stages": [
                [
                    {"name": "a", "workflowTemplate": "shared"},
                    {"name": "b", "workflowTemplate": "identity"},
                    {"name": "c", "workflowTemplate": "named"},
                    {"name": "d", "workflowTemplate": "remote", "namespace": "data"},
                ]
            ],
            "createNamespace": True,
            "externalTemplates": [{"name": "remote"}],
            "templates": [
                {"name": "shared", "image": "alpine:3.20"},
                {
                    "name": "identity",
                    "image": "alpine:3.20",
                    "serviceAccountAnnotations": {
                        "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x"
                    },
                },
                {"name": "named", "image": "alpine:3.20", "serviceAccountName": "named-executor"},
            ],
        }
    )
    documents = pipeline_manifests(original)
    result = imported(documents)
    assert findings(result) == []
    (pipeline,) = result.pipelines
    assert comparable(pipeline.spec) == comparable(original)
    assert pipeline_manifests(pipeline.spec) == documents
