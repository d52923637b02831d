"""Outputs in a pipeline spec: values from other resources, secrets, unknowns in a preview.

Programs run under Pulumi's mocks (`tests/support/pulumi_engine.py` records what the engine
receives); `Source` stands for a resource of another provider (a build, an IAM role) whose
output feeds the pipeline and may be unknown in a preview.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pulumi
import pytest

from pulumi_argo_orchestration import ScheduledPipeline, SharedWorkflowTemplate, pipeline_manifests
from pulumi_argo_orchestration.argo.apply_order import apply_rank
from pulumi_argo_orchestration.errors import ResolvedValueError, SpecError
from pulumi_argo_orchestration.spec.control_flow import reads_outputs
from pulumi_argo_orchestration.spec.inputs import input_fields
from pulumi_argo_orchestration.spec.loading import load_spec_file
from pulumi_argo_orchestration.spec.pipeline import Pipeline
from pulumi_argo_orchestration.testing import SECRET_MARKER, run_pulumi
from tests.conftest import EXAMPLE_SPECS, minimal_spec
from tests.support.pulumi_engine import Source, run

ROLE_ARN = "arn:aws:iam::123456789012:role/etl"
IRSA = "eks.amazonaws.com/role-arn"


def spec(**overrides: Any) -> dict[str, Any]:
    """One template spawned here and one child in namespace `data` (a spawner Role there)."""
    base = minimal_spec(
        stages=[
            [
                {"name": "work", "workflowTemplate": "worker"},
                {"name": "far", "workflowTemplate": "remote", "namespace": "data"},
            ]
        ],
        templates=[{"name": "worker", "image": "registry.example/etl:1.4"}],
        externalTemplates=[{"name": "remote"}],
    )
    base.update(overrides)
    return base


def with_template(**fields: Any) -> dict[str, Any]:
    value = spec()
    value["templates"][0].update(fields)
    return value


# -- values in place, dependencies, names ---------------------------------------------------------


def test_outputs_register_the_same_manifests_as_their_values_and_depend_on_their_sources():
    def program() -> None:
        image = Source("image", "registry.example/etl:1.4")
        role = Source("role", ROLE_ARN)
        ScheduledPipeline(
            "etl", with_template(image=image.value, serviceAccountAnnotations={IRSA: role.value})
        )

    recorded = run(program, preview=False)
    assert recorded.error is None
    plain = with_template(serviceAccountAnnotations={IRSA: ROLE_ARN})
    expected = {(d["kind"], d["metadata"]["name"]): d for d in pipeline_manifests(plain)}
    children = [r for r in recorded.registrations if r.parent == "etl"]
    assert len(children) == len(expected)
    # Each object waits for every value the pipeline reads: it is validated as a whole.
    assert {r.dependencies >= {"image", "role"} for r in children} == {True}
    template = recorded.named("etl-worker")
    assert (
        template.inputs["spec"]["templates"][0]["container"]["image"] == "registry.example/etl:1.4"
    )
    assert template.property_dependencies["spec"] == {"image"}
    account = recorded.named("etl-worker-executor", "ServiceAccount")
    assert account.inputs["metadata"]["annotations"] == {IRSA: ROLE_ARN}
    assert account.property_dependencies["metadata"] == {"role"}
    orchestrator = recorded.named("etl-nightly-orchestrator", "ServiceAccount")
    assert orchestrator.property_dependencies.get("metadata", frozenset()) == frozenset()


def test_every_child_is_delete_before_replace_and_the_spawner_keeps_its_former_name():
    recorded = run(lambda: ScheduledPipeline("etl", spec()), preview=False)
    children = [r for r in recorded.registrations if r.parent == "etl"]
    assert children and all(r.delete_before_replace for r in children)
    spawners = [r for r in children if r.name == "etl-data-spawner"]
    assert sorted(r.type.rsplit(":", 1)[-1] for r in spawners) == ["Role", "RoleBinding"]
    for spawner in spawners:
        assert spawner.inputs["metadata"]["name"] == "argo.nightly-orchestrator"
        names = [alias.spec.name for alias in spawner.aliases if alias.spec.name]
        assert names == ["etl-data-argo.nightly-orchestrator"]


def test_a_namespace_output_keeps_every_pulumi_name_and_aliases_the_spawner_once_known():
    def program() -> None:
        namespace = Source("ns", "team-a")
        ScheduledPipeline("etl", spec(namespace=namespace.value))

    plain = {r.name for r in run(lambda: ScheduledPipeline("etl", spec())).registrations}
    up = run(program, preview=False)
    assert up.error is None
    assert {r.name for r in up.registrations} - {"ns"} == plain
    for spawner in (r for r in up.registrations if r.name == "etl-data-spawner"):
        assert spawner.inputs["metadata"] == {
            "name": "team-a.nightly-orchestrator",
            "namespace": "data",
            "labels": {
                "app.kubernetes.io/part-of": "nightly",
                "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
            },
        }
        assert [a.spec.name for a in spawner.aliases if a.spec.name] == [
            "etl-data-team-a.nightly-orchestrator"
        ]
    # In a preview the name is unknown, and so is the alias: Pulumi drops an unknown alias.
    preview = run(program, unknown={"ns"})
    spawner = next(r for r in preview.registrations if r.name == "etl-data-spawner")
    assert ("metadata", "name") in spawner.unknowns
    assert [a.spec.name for a in spawner.aliases if a.spec.name] == []


def test_every_input_field_of_every_example_may_be_an_output():
    """Each position the model marks as an input, in every example, given as an Output (every
    third one secret): the registered manifests are the plain render, the Pulumi names too."""
    for path in EXAMPLE_SPECS:
        pipeline = load_spec_file(path)
        plain = pipeline.model_dump(by_alias=True, exclude_defaults=True, mode="json")
        counted: list[int] = []

        def program(plain: dict[str, Any] = plain, counted: list[int] = counted) -> None:
            wrapped, count = _outputs_everywhere(copy.deepcopy(plain))
            counted.append(count)
            ScheduledPipeline("p", wrapped)

        expected = run_pulumi(lambda plain=plain: ScheduledPipeline("p", plain))
        actual = run_pulumi(program)
        (count,) = counted
        assert count, path.parent.name
        assert actual.manifests(show_secrets=True) == expected.manifests(), path.parent.name
        assert sorted((r.type, r.name) for r in actual.resources) == sorted(
            (r.type, r.name) for r in expected.resources
        )
        assert any(r.secret_paths for r in actual.resources) or count < 3


def _outputs_everywhere(tree: Any) -> tuple[Any, int]:
    """Wrap every value at a marked position in an Output: the field itself, or each item."""
    marks = dict(input_fields(Pipeline))
    count = 0

    def wrap(value: Any) -> Any:
        nonlocal count
        if isinstance(value, str) and reads_outputs(value):
            return value  # an output reference decides structure: it stays plain text
        count += 1
        return pulumi.Output.secret(value) if count % 3 == 0 else pulumi.Output.from_input(value)

    def walk(value: Any, path: str) -> Any:
        mark = marks.get(path)
        if mark is not None and not mark.items_only:
            return wrap(value)
        if mark is not None and isinstance(value, dict):
            return {key: wrap(item) for key, item in value.items()}
        if mark is not None and isinstance(value, list):
            return [wrap(item) for item in value]
        if isinstance(value, dict):  # a model's fields (mappings that are not marked are plain)
            return {k: walk(v, f"{path}.{k}" if path else k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, f"{path}[]") for v in value]
        return value

    return walk(tree, ""), count


def test_an_output_that_reads_another_childs_output_is_refused_by_path():
    """An output reference decides which outputs the spawn steps read, so it must be plain."""
    template = {"name": "extract", "image": "alpine:3.20", "command": ["sh"]}
    outputs = {"parameters": [{"name": "rows", "valueFrom": {"path": "/tmp/rows"}}]}
    reference = "{{steps.extract.outputs.parameters.rows}}"
    spec = minimal_spec(
        stages=[
            [{"name": "extract", "workflowTemplate": "extract"}],
            [
                {
                    "name": "load",
                    "workflowTemplate": "load",
                    "arguments": {"rows": pulumi.Output.from_input(reference)},
                }
            ],
        ],
        templates=[
            {**template, "outputs": outputs},
            {**template, "name": "load", "parameters": [{"name": "rows"}]},
        ],
    )
    with pytest.raises(Exception, match=re.escape("stages[1][0].arguments.rows: reads another")):
        run_pulumi(lambda: ScheduledPipeline("p", spec))


# -- previews with unknown values -----------------------------------------------------------------


def test_an_unknown_image_leaves_only_the_image_unknown_and_warnings_still_show():
    def program() -> None:
        image = Source("image")
        ScheduledPipeline("etl", {**with_template(image=image.value), "timezone": None})

    recorded = run(program, unknown={"image"})
    assert recorded.error is None
    unknown = {r.name: r.unknowns for r in recorded.registrations if r.unknowns}
    assert unknown == {"etl-worker": [("spec", "templates", 0, "container", "image")]}
    assert recorded.warnings == [
        ("nightly: no `timezone`: the schedule runs in the Argo controller's time zone", "etl"),
        (
            "nightly: children in namespace 'data' (far): the namespace must exist and the Argo "
            "controller must watch it; they cannot be owned by their run, so deleting a run "
            "leaves them to their ttlStrategy (default secondsAfterCompletion 604800, "
            "secondsAfterSuccess 86400)",
            "etl",
        ),
    ]


def test_an_unknown_namespace_leaves_every_namespace_and_what_holds_it_unknown():
    def program() -> None:
        namespace = Source("ns")
        ScheduledPipeline("etl", spec(namespace=namespace.value))

    recorded = run(program, unknown={"ns"})
    assert recorded.error is None
    for registration in recorded.registrations:
        if registration.parent != "etl":
            continue
        home = registration.inputs.get("metadata", {}).get("namespace") != "data"
        assert (("metadata", "namespace") in registration.unknowns) == home, registration.name
    (cron,) = recorded.of_kind("CronWorkflow")
    # The child manifest is YAML text holding the namespace: the whole text waits for it.
    assert ("spec", "workflowSpec", "templates", 1, "resource", "manifest") in cron.unknowns


def test_a_partly_unknown_list_is_validated_by_its_known_items_only():
    def program() -> None:
        day = Source("day")
        ScheduledPipeline("etl", with_template(args=["--day", day.value]))

    recorded = run(program, unknown={"day"})
    assert recorded.error is None
    template = recorded.named("etl-worker")
    assert template.unknowns == [("spec", "templates", 0, "container", "args", 1)]


# -- secrets --------------------------------------------------------------------------------------


def test_a_secret_stays_secret_at_its_own_place_and_in_offline_renders():
    def program() -> None:
        env = [{"name": "TOKEN", "value": pulumi.Output.secret("s3cr3t-value")}]
        ScheduledPipeline("etl", with_template(env=env))

    recorded = run(program, preview=False)
    template = recorded.named("etl-worker")
    assert template.secrets == [("spec", "templates", 0, "container", "env", 0, "value")]
    assert all(not r.secrets for r in recorded.registrations if r.name != "etl-worker")
    rendered = run_pulumi(program)
    (document,) = [d for d in rendered.manifests() if d["kind"] == "WorkflowTemplate"]
    assert document["spec"]["templates"][0]["container"]["env"] == [
        {"name": "TOKEN", "value": SECRET_MARKER}
    ]
    (shown,) = [d for d in rendered.manifests(show_secrets=True) if d["kind"] == "WorkflowTemplate"]
    assert shown["spec"]["templates"][0]["container"]["env"][0]["value"] == "s3cr3t-value"


def test_the_namespace_output_keeps_its_secrecy_and_dependencies():
    seen: dict[str, Any] = {}

    def program() -> None:
        namespace = Source("ns", "team-a")
        pipeline = ScheduledPipeline("etl", spec(namespace=pulumi.Output.secret(namespace.value)))
        pipeline.namespace.apply(lambda value: seen.setdefault("namespace", value))
        pulumi.Output.all(pipeline.namespace.is_secret(), pipeline.list_workflows_command).apply(
            lambda both: seen.update(secret=both[0], command=both[1])
        )

    assert run(program, preview=False).error is None
    assert seen == {
        "namespace": "team-a",
        "secret": True,
        "command": "kubectl get workflows -n team-a -l app.kubernetes.io/part-of=nightly; "
        "kubectl get workflows --all-namespaces -l "
        "app.kubernetes.io/part-of=nightly,argo-orchestration/parent-namespace=team-a",
    }


# -- validation: now when known, at deployment when not -------------------------------------------


def test_a_bad_resolved_value_fails_with_its_path_before_any_child_is_registered():
    def program() -> None:
        image = Source("image", "")
        ScheduledPipeline("etl", with_template(image=image.value))

    recorded = run(program, preview=False)
    assert isinstance(recorded.error, ResolvedValueError)
    assert isinstance(recorded.error, pulumi.RunError)
    assert not isinstance(recorded.error, ValueError)
    assert [str(p) for p in recorded.error.problems] == [
        "templates[0].image: String should have at least 1 character"
    ]
    assert sorted(r.name for r in recorded.registrations) == ["etl", "image"]


def test_a_value_known_in_a_preview_is_validated_in_the_preview():
    def program() -> None:
        namespace = Source("ns", "Bad_NS")
        ScheduledPipeline("etl", spec(namespace=namespace.value))

    recorded = run(program, preview=True)
    assert [str(p) for p in recorded.error.problems] == [
        "namespace: 'Bad_NS' must be a lowercase DNS-1123 label: a-z, 0-9 and '-', "
        "starting and ending with a letter or digit"
    ]
    assert sorted(r.name for r in recorded.registrations) == ["etl", "ns"]


def test_a_rule_across_fields_is_checked_on_resolved_values():
    def program() -> None:
        args = Source("args", ["--day", "{{workflow.parameters.nope}}"])
        ScheduledPipeline("etl", with_template(args=args.value))

    recorded = run(program, preview=False)
    assert [str(p) for p in recorded.error.problems] == [
        "templates[0].args[1]: references undeclared parameter 'nope': declare it in the "
        "template's `parameters`"
    ]


def test_a_secret_value_never_appears_in_an_error():
    def program() -> None:
        limits = {"cpu": pulumi.Output.secret("lots-of-cpu")}
        ScheduledPipeline("etl", with_template(resources={"limits": limits}))

    recorded = run(program, preview=False)
    (problem,) = recorded.error.problems
    assert problem.path == "templates[0].resources.limits.cpu"
    assert "lots-of-cpu" not in problem.message
    assert problem.message.startswith("invalid quantity [secret]: use a Kubernetes quantity")


def test_no_piece_of_a_secret_is_quoted_in_an_error():
    """A message may quote part of a value, e.g. the parameter a `{{...}}` inside it names."""

    def program() -> None:
        token = pulumi.Output.secret("pw-{{workflow.parameters.hunter2}}-x")
        ScheduledPipeline("etl", with_template(args=["--token", token]))

    recorded = run(program, preview=False)
    assert [str(p) for p in recorded.error.problems] == [
        "templates[0].args[1]: references undeclared parameter [secret]: declare it in the "
        "template's `parameters`"
    ]


def test_a_namespace_that_resolves_to_a_childs_is_named_with_the_child():
    def program() -> None:
        namespace = Source("ns", "data")
        ScheduledPipeline("etl", spec(namespace=namespace.value))

    recorded = run(program, preview=False)
    assert [str(p) for p in recorded.error.problems] == [
        "stages[0][1].namespace: 'data' is also the pipeline's namespace, which came from an "
        "Output: the objects were planned for a child in another namespace; leave this child's "
        "`namespace` out to run it in the pipeline's"
    ]
    assert sorted(r.name for r in recorded.registrations) == ["etl", "ns"]


def test_what_is_known_is_validated_at_once_and_stand_ins_never_show():
    """The WorkflowTemplate created here cannot serve a child elsewhere, whatever the namespace
    resolves to: the error comes at construction and names the field, not a stand-in."""
    value = spec(namespace=pulumi.Output.from_input("team-a"))
    value["stages"][0][1]["workflowTemplate"] = "worker"
    caught: list[SpecError] = []

    def program() -> None:
        try:
            ScheduledPipeline("etl", value)
        except SpecError as error:
            caught.append(error)

    recorded = run(program)
    (problem,) = caught[0].problems
    assert problem.path == "stages[0][1].namespace"
    assert "is created in <namespace, known at deployment>" in problem.message
    assert "pulumi-input" not in str(caught[0])
    assert recorded.registrations == []


def test_an_output_where_a_plain_value_is_needed_is_an_error_by_path():
    caught: list[SpecError] = []

    def program() -> None:
        value = spec(schedule=pulumi.Output.from_input("@daily"))
        value["stages"][0][1]["namespace"] = pulumi.Output.from_input("data")
        value["templates"][0]["serviceAccountAnnotations"] = pulumi.Output.from_input({})
        try:
            ScheduledPipeline("etl", value)
        except SpecError as error:
            caught.append(error)

    assert run(program).registrations == []
    assert [p.path for p in caught[0].problems] == [
        "schedule",
        "stages[0][1].namespace",
        "templates[0].serviceAccountAnnotations",
    ]
    assert all("decides which Kubernetes objects exist" in p.message for p in caught[0].problems)


def test_a_shared_template_takes_outputs_too():
    def program() -> None:
        namespace = Source("ns", "tools")
        image = Source("image")
        SharedWorkflowTemplate(
            "cleanup", {"name": "cleanup", "namespace": namespace.value, "image": image.value}
        )

    recorded = run(program, unknown={"image"})
    assert recorded.error is None
    (template,) = recorded.of_kind("WorkflowTemplate")
    assert template.unknowns == [("spec", "templates", 0, "container", "image")]
    assert template.inputs["metadata"]["namespace"] == "tools"
    assert template.dependencies == {"ns", "image", "cleanup-cleanup-executor"}


# -- warnings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_outputs", [False, True], ids=["plain", "outputs"])
def test_warnings_reach_pulumi_log_as_render_prints_them(with_outputs: bool):
    path = next(p for p in EXAMPLE_SPECS if p.parent.name == "cross-namespace")
    plain = load_spec_file(path).model_dump(by_alias=True, exclude_defaults=True, mode="json")
    from pulumi_argo_orchestration.argo.manifests import render_pipeline

    def program() -> None:
        value = _outputs_everywhere(copy.deepcopy(plain))[0] if with_outputs else plain
        ScheduledPipeline("etl", value)

    recorded = run(program, preview=False)
    assert recorded.warnings == [(w, "etl") for w in render_pipeline(plain).warnings]


def test_the_registered_documents_come_in_apply_order():
    run_ = run_pulumi(lambda: ScheduledPipeline("etl", spec(createNamespace=True)))
    manifests = run_.manifests()
    assert manifests == sorted(manifests, key=apply_rank)
    assert [d["metadata"]["name"] for d in manifests if d["kind"] == "Namespace"] == [
        "argo",
        "data",
    ]
