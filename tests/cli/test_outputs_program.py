"""`render` of a program whose pipeline reads other resources' Outputs, as real stacks do.

The program creates its namespace, an auto-named ConfigMap that a template reads through
`valueFrom`, takes the image from another resource's output and a role ARN from a stack secret
for the cloud identity. Offline, every value is in place (the ConfigMap under the name the
provider's auto-naming would give it), every object depends on what it read, and a bad value
fails with the field path, as `pulumi up` would.
"""

from __future__ import annotations

import textwrap

import pytest
import yaml

from pulumi_argo_orchestration.offline.engine import AUTONAMED_ANNOTATION
from pulumi_argo_orchestration.testing import SECRET_MARKER, run_program
from tests.support.cli_runner import invoke

PROGRAM = """
import pulumi
import pulumi_kubernetes as k8s
from pulumi_argo_orchestration import ScheduledPipeline

config = pulumi.Config()
namespace = k8s.core.v1.Namespace("etl", metadata={"name": config.get("namespace") or "etl"})
settings = k8s.core.v1.ConfigMap(  # no metadata.name: the provider names it
    "settings", metadata={"namespace": namespace.metadata.name}, data={"level": "info"}
)
build = k8s.core.v1.ConfigMap(  # stands for a build whose output is the image it published
    "build",
    metadata={"name": "build", "namespace": namespace.metadata.name},
    data={"image": "registry.example/etl:2.1"},
)
pipeline = ScheduledPipeline(
    "nightly",
    {
        "name": "nightly",
        "namespace": namespace.metadata.name,
        "schedule": "0 2 * * *",
        "stages": [[{"name": "load", "workflowTemplate": "loader"}]],
        "templates": [
            {
                "name": "loader",
                "image": build.data["image"],
                "env": [
                    {
                        "name": "LEVEL",
                        "valueFrom": {
                            "configMapKeyRef": {"name": settings.metadata.name, "key": "level"}
                        },
                    }
                ],
                "serviceAccountAnnotations": {
                    "eks.amazonaws.com/role-arn": config.require_secret("roleArn")
                },
            }
        ],
    },
)
pulumi.export("runs", pipeline.list_workflows_command)
"""
ROLE_ARN = "arn:aws:iam::123456789012:role/loader"


@pytest.fixture
def program(tmp_path):
    directory = tmp_path / "outputs"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: outputs\nruntime: python\n", encoding="utf-8")
    (directory / "__main__.py").write_text(textwrap.dedent(PROGRAM), encoding="utf-8")
    return directory


def by_kind(documents):
    return {(d["kind"], d["metadata"]["name"]): d for d in documents}


def test_every_value_read_from_another_resource_is_in_place(program):
    result = invoke("render", program, "--secret", f"roleArn={ROLE_ARN}")
    assert result.exit_code == 0, result.stderr
    documents = by_kind(yaml.safe_load_all(result.stdout))
    (settings_name,) = [name for kind, name in documents if name.startswith("settings-")]
    settings = documents["ConfigMap", settings_name]
    assert len(settings_name) == len("settings-") + 8
    assert settings["metadata"]["annotations"] == {AUTONAMED_ANNOTATION: "true"}
    template = documents["WorkflowTemplate", "loader"]
    container = template["spec"]["templates"][0]["container"]
    assert template["metadata"]["namespace"] == "etl"
    assert container["image"] == "registry.example/etl:2.1"
    assert container["env"] == [
        {"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": settings_name, "key": "level"}}}
    ]
    account = documents["ServiceAccount", "loader-executor"]
    assert account["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": SECRET_MARKER}
    shown = invoke("render", program, "--secret", f"roleArn={ROLE_ARN}", "--show-secrets")
    account = by_kind(yaml.safe_load_all(shown.stdout))["ServiceAccount", "loader-executor"]
    assert account["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": ROLE_ARN}
    # The warning `pulumi up` shows is printed by render, once.
    assert result.stderr.count("no `timezone`") == 1


def test_every_object_depends_on_what_it_read(program):
    run = run_program(program, secrets={"roleArn": ROLE_ARN})
    urns = {r.name: r.urn for r in run.resources}
    children = [r for r in run.resources if r.parent == urns["nightly"]]
    assert children
    for child in children:
        assert {urns["etl"], urns["settings"], urns["build"]} <= set(child.dependencies), child.name
    (account,) = [
        r
        for r in run.of_type("kubernetes:core/v1:ServiceAccount")
        if r.inputs["metadata"]["name"] == "loader-executor"
    ]
    assert account.secret_paths == (("metadata", "annotations", "eks.amazonaws.com/role-arn"),)


def test_a_bad_value_fails_with_its_field_path_and_nothing_is_printed(program):
    result = invoke(
        "render", program, "--secret", f"roleArn={ROLE_ARN}", "--config", "namespace=Bad_NS"
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{program}: invalid pipeline spec (1 problem)",
        "  - namespace: 'Bad_NS' must be a lowercase DNS-1123 label: a-z, 0-9 and '-', starting "
        "and ending with a letter or digit",
    ]
