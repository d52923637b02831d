"""The Argo guide's three orchestrators import to pipelines that run the same orchestration.

Each seed CronWorkflow and the CronWorkflow rendered from its import are read the way Argo reads
them: the schedule (v3.5's `schedule` is v4's one-item `schedules`), zone, policy and history
limits with Argo's defaults for what is left out (`workflow/cron/operator.go:269` and `:432-446`
at f016ad89), the stages in order with their parallel groups, and, for every step, the child
Workflow the controller would create (`tests/support/argo_substitution.run_child`: the step's
arguments, the spawn template's inputs and the manifest text substituted as Argo does): its
template reference, namespace and arguments.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.migrate.documents import read_files, read_objects
from pulumi_argo_orchestration.migrate.importer import import_input
from tests.conftest import SHARED_SEED, require_shared
from tests.support.argo_substitution import entry_steps, run_child

SEEDS = ["basic.yaml", "parallel.yaml", "params.yaml"]


@pytest.fixture(scope="module")
def seed_dir():
    return require_shared(SHARED_SEED)


def orchestration(cron: dict[str, Any]) -> dict[str, Any]:
    """What a CronWorkflow runs, as Argo reads it."""
    spec = cron["spec"]
    workflow = spec["workflowSpec"]
    main = {t["name"]: t for t in workflow["templates"]}[workflow["entrypoint"]]
    children = {}
    for step in entry_steps(cron):
        child = run_child(cron, step["name"])
        children[step["name"]] = {
            "workflowTemplateRef": child["spec"]["workflowTemplateRef"],
            "namespace": child["metadata"].get("namespace") or cron["metadata"]["namespace"],
            "arguments": {
                p["name"]: p["value"]
                for p in child["spec"].get("arguments", {}).get("parameters", [])
            },
        }
    return {
        "schedules": spec.get("schedules") or [spec["schedule"]],
        "timezone": spec.get("timezone"),
        "concurrencyPolicy": spec.get("concurrencyPolicy") or "Allow",
        "startingDeadlineSeconds": spec.get("startingDeadlineSeconds"),
        "history": (
            spec.get("successfulJobsHistoryLimit", 3),
            spec.get("failedJobsHistoryLimit", 1),
        ),
        "parameters": workflow.get("arguments", {}).get("parameters", []),
        "stages": [[step["name"] for step in group] for group in main["steps"]],
        "children": children,
    }


def the_cron(documents):
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    return cron


@pytest.mark.parametrize("seed", SEEDS)
def test_each_orchestrator_imports_to_a_pipeline_that_runs_the_same_orchestration(
    seed, seed_dir, argo_schemas
):
    path = seed_dir / seed
    result = import_input(read_files([path]))
    assert result.complete, [str(f) for d in result.documents for f in d.findings.cannot]
    (pipeline,) = result.pipelines
    documents = pipeline_manifests(pipeline.spec)
    original = the_cron(list(yaml.safe_load_all(path.read_text(encoding="utf-8"))))
    assert orchestration(the_cron(documents)) == orchestration(original)
    assert [p for d in documents for p in argo_schemas.problems(d)] == []


def test_the_seeds_compared_field_by_field(seed_dir):
    """The comparison itself, on what the guide's files hold (so it compares something)."""
    basic = orchestration(the_cron(yaml.safe_load_all((seed_dir / "basic.yaml").read_text())))
    assert basic["schedules"] == ["0 */4 * * *"]
    assert basic["timezone"] == "Europe/Zurich"
    assert (basic["concurrencyPolicy"], basic["history"]) == ("Replace", (3, 1))
    assert basic["stages"] == [["sync-config"], ["rebuild-cache"]]
    parallel = orchestration(the_cron(yaml.safe_load_all((seed_dir / "parallel.yaml").read_text())))
    assert parallel["stages"] == [["sync-users", "sync-permissions", "sync-config"], ["rebuild"]]
    assert parallel["children"]["rebuild"]["workflowTemplateRef"] == {"name": "cache-rebuild"}
    params = yaml.safe_load_all((seed_dir / "params.yaml").read_text())
    report = orchestration(the_cron(params))["children"]["report"]
    assert report["workflowTemplateRef"] == {"name": "generate-report"}
    assert list(report["arguments"]) == ["report-date"]


def test_the_three_together_share_the_template_two_of_them_use(seed_dir, argo_schemas):
    result = import_input(read_files([seed_dir / seed for seed in SEEDS]))
    assert result.complete
    assert [p.spec.name for p in result.pipelines] == [
        "scheduled-sync",
        "parallel-sync",
        "daily-report",
    ]
    (template,) = result.templates
    assert (template.spec.name, template.spec.namespace) == ("config-sync", "argo-workflows")
    users = {p.spec.name for p in result.pipelines if p.spec.external_templates}
    assert users == {"scheduled-sync", "parallel-sync"}
    documents = [
        *shared_template_manifests(template.spec),
        *(d for p in result.pipelines for d in pipeline_manifests(p.spec)),
    ]
    assert [p for d in documents for p in argo_schemas.problems(d)] == []


def test_the_three_together_declare_each_object_once(seed_dir):
    """The seed's orchestrators share `orchestrator-sa`; each spec renders its account's Role and
    RoleBinding, so the first keeps the account and the others get their own, with the change
    listed. Applied together (or as one Pulumi program) no object is declared twice."""
    result = import_input(read_files([seed_dir / seed for seed in SEEDS]))
    accounts = {p.spec.name: p.spec.account_name for p in result.pipelines}
    assert accounts == {
        "scheduled-sync": "orchestrator-sa",
        "parallel-sync": "parallel-sync-orchestrator",
        "daily-report": "daily-report-orchestrator",
    }
    changes = [
        f.message
        for d in result.documents
        for f in d.findings.changes
        if "also the account" in f.message
    ]
    assert changes == [
        f"'orchestrator-sa' is also the account of pipeline 'scheduled-sync' in 'argo-workflows', "
        f"and each spec renders the Role and RoleBinding of its account: this one runs as its own "
        f"'{name}-orchestrator', with the same rights"
        for name in ("parallel-sync", "daily-report")
    ]
    keys = [
        (d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"])
        for p in result.pipelines
        for d in pipeline_manifests(p.spec)
    ]
    assert len(keys) == len(set(keys))


def test_the_seed_template_keeps_its_container_and_retries(seed_dir):
    result = import_input(read_files([seed_dir / "params.yaml"]))
    (template,) = result.templates
    assert template.spec.model_dump(by_alias=True, exclude_defaults=True, mode="json") == {
        "name": "config-sync",
        "namespace": "argo-workflows",
        "image": "alpine:3.20",
        "command": ["sh", "-c", "echo syncing"],
        "retryStrategy": {"limit": 3, "backoff": {"duration": "10s", "factor": 2}},
    }


def _crons(seed_dir, *named: tuple[str, str | None]) -> list[dict[str, Any]]:
    """Copies of the basic seed CronWorkflow, each with a name and an account (None: none)."""
    (basic,) = [d for d in yaml.safe_load_all((seed_dir / "basic.yaml").read_text()) if d]
    crons = []
    for name, account in named:
        cron = copy.deepcopy(basic)
        cron["metadata"]["name"] = name
        workflow = cron["spec"]["workflowSpec"]
        workflow.pop("serviceAccountName")
        if account is not None:
            workflow["serviceAccountName"] = account
        crons.append(cron)
    return crons


@pytest.mark.parametrize(
    ("named", "accounts"),
    [
        # b's own default would be c's account: it gets the next free name.
        ([("a", "shared"), ("b", "shared"), ("c", "b-orchestrator")],
         {"a": "shared", "b": "b-orchestrator-2", "c": "b-orchestrator"}),
        # c's default is the account a and b share.
        ([("a", "c-orchestrator"), ("b", "c-orchestrator"), ("c", None)],
         {"a": "c-orchestrator", "b": "b-orchestrator", "c": "c-orchestrator-2"}),
    ],
)  # fmt: skip
def test_an_account_given_to_a_second_pipeline_is_one_no_other_uses(seed_dir, named, accounts):
    result = import_input(read_objects("crons.yaml", _crons(seed_dir, *named)))
    found = {p.spec.name: p.spec.account_name for p in result.pipelines}
    assert found == accounts
    keys = [
        (d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"])
        for p in result.pipelines
        for d in pipeline_manifests(p.spec)
    ]
    assert len(keys) == len(set(keys))


def test_a_cron_workflow_given_twice_is_refused(seed_dir):
    result = import_input(read_objects("crons.yaml", _crons(seed_dir, ("a", None), ("a", None))))
    assert [p.spec.name for p in result.pipelines] == ["a"]
    assert not result.complete
