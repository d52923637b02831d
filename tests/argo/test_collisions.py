"""One Kubernetes object declared twice is refused, naming both owners: in `render` and
`validate` (a program, or several files at once) and in the components of one Pulumi run."""

from __future__ import annotations

import textwrap

import pytest

from pulumi_argo_orchestration import (
    ScheduledPipeline,
    SharedWorkflowTemplate,
    SpecError,
    pipeline_manifests,
)
from pulumi_argo_orchestration.argo.collisions import collision_problems, object_key
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import minimal_spec
from tests.support.cli_runner import invoke

TEMPLATE = {"name": "worker", "image": "alpine:3.20"}
PIPELINE = minimal_spec(templates=[TEMPLATE])


def test_objects_are_named_by_group_kind_namespace_and_name():
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role"}
    key = object_key({**role, "metadata": {"name": "r", "namespace": "ns"}})
    assert key == ("rbac.authorization.k8s.io", "Role", "ns", "r")
    assert key.describe() == "Role ns/r"


def test_two_owners_of_one_object_are_both_named():
    first = pipeline_manifests(PIPELINE)
    second = shared_template_manifests({**TEMPLATE, "namespace": "argo"})
    found = [p.message for p in collision_problems([("pipeline a", first), ("shared b", second)])]
    assert found == [
        f"{what} is declared by both pipeline a and shared b: a cluster holds one object of that "
        "name, so one would overwrite the other; rename one of them (or give it another namespace)"
        # The pipeline's templates share its executor account: only the template is the same.
        for what in ("WorkflowTemplate argo/worker",)
    ]
    other_namespace = shared_template_manifests({**TEMPLATE, "namespace": "elsewhere"})
    assert collision_problems([("a", first), ("b", other_namespace)]) == []


def test_components_of_one_run_cannot_declare_the_same_object():
    def program():
        ScheduledPipeline("first", PIPELINE)
        SharedWorkflowTemplate("shared", {**TEMPLATE, "namespace": "argo"})

    with pytest.raises(SpecError) as caught:
        run_pulumi(program)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 1
    assert all(
        "declared by both ScheduledPipeline 'first' and SharedWorkflowTemplate 'shared'" in m
        for m in messages
    )


def test_the_refused_component_registers_nothing_and_other_runs_are_not_affected():
    seen = []

    def program():
        ScheduledPipeline("first", PIPELINE)
        try:
            ScheduledPipeline("again", PIPELINE)
        except SpecError as error:
            seen.append(error)

    run = run_pulumi(program)
    (error,) = seen
    assert (
        "CronWorkflow argo/nightly is declared by both ScheduledPipeline 'first' and "
        "ScheduledPipeline 'again'"
    ) in str(error)
    assert [r.name for r in run.resources if r.type.endswith("ScheduledPipeline")] == ["first"]
    # A second run in the same process starts afresh.
    assert run_pulumi(lambda: ScheduledPipeline("first", PIPELINE)).resources


def test_validate_refuses_two_files_that_declare_one_object(tmp_path):
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    spec = "name: nightly\nschedule: '@daily'\nstages: [[{name: a, workflowTemplate: t}]]\n"
    first.write_text(spec, encoding="utf-8")
    second.write_text(spec.replace("name: a,", "name: b,"), encoding="utf-8")
    result = invoke("validate", first, second)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert errors[0] == (
        f"{second}: ServiceAccount argo/nightly-orchestrator is declared by both {first} and "
        f"{second}: a cluster holds one object of that name, so one would overwrite the other; "
        "rename one of them (or give it another namespace)"
    )
    assert errors[-1] == "4 problems in 1 of 2 files"
    assert result.stdout == f"{first}: ok (4 manifests)\n"
    # One file named twice is one file; in another namespace the second pipeline is separate.
    assert invoke("validate", first, first).exit_code == 0
    second.write_text(spec + "namespace: other\n", encoding="utf-8")
    assert invoke("validate", first, second).exit_code == 0


def test_render_of_a_program_names_both_owners(tmp_path):
    directory = tmp_path / "demo"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: demo\nruntime: python\n", encoding="utf-8")
    (directory / "__main__.py").write_text(
        textwrap.dedent(
            """
            import pulumi_kubernetes as k8s
            from pulumi_argo_orchestration import ScheduledPipeline

            ScheduledPipeline("etl", {
                "name": "nightly", "schedule": "@daily",
                "stages": [[{"name": "a", "workflow_template": "t"}]],
            })
            k8s.core.v1.ServiceAccount(
                "mine", metadata={"name": "nightly-orchestrator", "namespace": "argo"}
            )
            """
        ),
        encoding="utf-8",
    )
    result = invoke("render", directory)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{directory}: 1 object is declared twice" in result.stderr
    assert (
        "  - ServiceAccount argo/nightly-orchestrator is declared by both ScheduledPipeline 'etl' "
        "and ServiceAccount 'mine'"
    ) in result.stderr


def test_objects_whose_namespace_is_an_output_are_not_compared_before_it_resolves():
    """The planned documents hold a stand-in where the namespace is an Output (plan.py): two
    pipelines with Output namespaces would look alike, so they are left to deployment."""
    import pulumi

    def program():
        for name, namespace in (("first", "team-a"), ("second", "team-b")):
            ScheduledPipeline(name, {**PIPELINE, "namespace": pulumi.Output.from_input(namespace)})

    run = run_pulumi(program)
    # Registrations reach the monitor in the order their inputs resolve: compare as a set.
    assert {r.name for r in run.resources if r.type.endswith("ScheduledPipeline")} == {
        "first",
        "second",
    }


@pytest.mark.parametrize("pipeline", ["nightly", "other"])
def test_two_components_of_one_name_are_refused(tmp_path, pipeline):
    """Two `ScheduledPipeline("p", ...)`: one URN for two resources, whether or not their
    objects collide too. Pulumi refuses a duplicate URN at `pulumi up`; render says so first."""
    directory = tmp_path / "demo"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: demo\nruntime: python\n", encoding="utf-8")
    (directory / "__main__.py").write_text(
        textwrap.dedent(
            f"""
            from pulumi_argo_orchestration import ScheduledPipeline

            for name in ("nightly", {pipeline!r}):
                ScheduledPipeline("p", {{
                    "name": name, "schedule": "@daily",
                    "stages": [[{{"name": "a", "workflow_template": "t"}}]],
                }})
            """
        ),
        encoding="utf-8",
    )
    result = invoke("render", directory)
    assert (result.exit_code, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    if pipeline == "nightly":  # the same objects too: the components' own check names them
        assert lines[0] == f"{directory}: 1 component with an invalid spec"
        assert "CronWorkflow argo/nightly is declared by ScheduledPipeline 'p' twice" in lines[4]
    else:  # only the URN: what the engine would refuse
        assert lines == [
            f"{directory}: 1 resource declared twice",
            '  - argo-orchestration:index:ScheduledPipeline "p": declared twice (urn:pulumi:stack::'
            "demo::argo-orchestration:index:ScheduledPipeline::p): `pulumi up` would stop at the "
            'second ("Duplicate resource URN"); give one of them another name',
        ]


def test_components_of_one_name_under_different_parents_are_two_resources(tmp_path):
    """A URN holds every ancestor's type: `p` at the top and `p` inside a component `w` differ
    (Pulumi's mocks keep only the parent's last type; the check rebuilds the chain)."""
    directory = tmp_path / "demo"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: demo\nruntime: python\n", encoding="utf-8")
    (directory / "__main__.py").write_text(
        textwrap.dedent(
            """
            import pulumi
            from pulumi_argo_orchestration import ScheduledPipeline

            def spec(namespace):
                return {
                    "name": "nightly", "namespace": namespace, "schedule": "@daily",
                    "stages": [[{"name": "a", "workflow_template": "t"}]],
                    "templates": [{"name": "t", "image": "alpine:3.20"}],
                }

            class Wrap(pulumi.ComponentResource):
                def __init__(self, name):
                    super().__init__("acme:index:Wrap", name)
                    ScheduledPipeline("p", spec("b"), opts=pulumi.ResourceOptions(parent=self))

            ScheduledPipeline("p", spec("a"))
            Wrap("w")
            """
        ),
        encoding="utf-8",
    )
    result = invoke("render", directory)
    assert (result.exit_code, result.stderr.count("declared twice")) == (0, 0), result.stderr
    assert result.stdout.count("kind: CronWorkflow") == 2
