"""The platform-library example's own rules: defaults a team cannot forget, exceptions it cannot
invent. Its stacks' manifests are checked in test_examples.py."""

from __future__ import annotations

import pulumi
import pytest

from pulumi_argo_orchestration import SpecError
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import EXAMPLES

CONFIG = {"acme:team": "ingest", "acme:costCenter": "4711", "acme:awsAccountId": "123456789012"}


@pytest.fixture
def acme(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES / "platform-library"))
    import acme_platform

    return acme_platform


def manifests(program):
    return run_pulumi(program, config=CONFIG).manifests()


def test_a_team_writes_its_steps_and_gets_the_organisations_defaults(acme):
    documents = manifests(
        lambda: acme.team_pipeline(
            "nightly",
            "0 2 * * *",
            [[acme.Step("extract", image="extract:1.4")], [acme.Step("load", image="load:2")]],
        )
    )
    kinds = {(d["kind"], d["metadata"]["name"]): d for d in documents}
    assert kinds["Namespace", "team-ingest"]
    cron = kinds["CronWorkflow", "nightly"]["spec"]
    assert (cron["timezone"], cron["concurrencyPolicy"]) == ("Europe/Zurich", "Forbid")
    assert (cron["successfulJobsHistoryLimit"], cron["failedJobsHistoryLimit"]) == (5, 3)
    extract = kinds["WorkflowTemplate", "nightly-extract"]
    assert extract["metadata"]["labels"]["acme.example/cost-center"] == "4711"
    (main,) = extract["spec"]["templates"]
    assert main["container"]["image"] == "registry.acme.example/ingest/extract:1.4"
    assert main["retryStrategy"] == {
        "limit": 2,
        "retryPolicy": "OnTransientError",
        "backoff": {"duration": "30s", "factor": 2, "maxDuration": "10m"},
    }
    # No step asked for cloud access: one shared executor account, no identity anywhere.
    accounts = [d for d in documents if d["kind"] == "ServiceAccount"]
    assert [a["metadata"]["name"] for a in accounts] == ["nightly-orchestrator", "nightly-executor"]
    assert all("annotations" not in a["metadata"] for a in accounts)


def test_an_image_from_a_build_output_is_taken_as_an_output(acme):
    def program():
        build = pulumi.Output.from_input("built/etl@sha256:" + "0123" * 16)
        acme.team_pipeline("nightly", "@daily", [[acme.Step("etl", image=build)]])

    (template,) = [d for d in manifests(program) if d["kind"] == "WorkflowTemplate"]
    assert (
        template["spec"]["templates"][0]["container"]["image"] == "built/etl@sha256:" + "0123" * 16
    )


def test_only_reviewed_pod_security_exceptions_exist_and_every_misuse_is_named(acme):
    stages = [
        [acme.Step("a", image="a:1", pod_security="privileged")],
        [acme.Step("b", image="b:1", pod_security="root")],
    ]
    with pytest.raises(SpecError) as caught:
        run_pulumi(lambda: acme.team_pipeline("nightly", "@daily", stages), config=CONFIG)
    offered = "bind-low-port, image-user"
    assert [str(p) for p in caught.value.problems] == [
        f"stages[0][0].pod_security: 'privileged' is not a pod-security exception the platform "
        f"offers ({offered}); ask the platform team to review a new one",
        f"stages[1][0].pod_security: 'root' is not a pod-security exception the platform offers "
        f"({offered}); ask the platform team to review a new one",
    ]
