"""The Pulumi components under mocks: types, names, parents, dependencies, outputs, options."""

from __future__ import annotations

import pulumi
import pytest

from pulumi_argo_orchestration import (
    ScheduledPipeline,
    SharedWorkflowTemplate,
    SpecError,
    load_pipeline,
    pipeline_manifests,
)
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import minimal_spec

COMPONENT = "argo-orchestration:index:ScheduledPipeline"
SPEC = minimal_spec(templates=[{"name": "worker", "image": "alpine:3.20"}])


def test_component_registers_typed_resources_parented_to_it():
    run = run_pulumi(lambda: ScheduledPipeline("etl", SPEC))
    (component,) = run.of_type(COMPONENT)
    assert component.name == "etl"
    children = [r for r in run.resources if r.parent == component.urn]
    assert sorted((r.type, r.name) for r in children) == sorted(
        [
            ("kubernetes:core/v1:ServiceAccount", "etl-nightly-orchestrator"),
            ("kubernetes:core/v1:ServiceAccount", "etl-nightly-executor"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "etl-nightly-orchestrator"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "etl-nightly-executor"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "etl-nightly-orchestrator"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "etl-nightly-executor"),
            ("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate", "etl-worker"),
            ("kubernetes:argoproj.io/v1alpha1:CronWorkflow", "etl-nightly"),
        ]
    )
    assert len(children) == len(run.resources) - 1
    assert all(r.custom for r in children)


def test_cron_workflow_depends_on_templates_and_rbac():
    run = run_pulumi(lambda: ScheduledPipeline("etl", SPEC))
    (cron,) = run.of_type("kubernetes:argoproj.io/v1alpha1:CronWorkflow")
    others = {r.urn for r in run.resources if r.custom and r is not cron}
    assert set(cron.dependencies) == others
    (template,) = run.of_type("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate")
    assert template.dependencies == ()


def test_the_orchestrator_template_is_created_before_the_cron_workflow():
    # The cron controller validates against its informer's templates: a CronWorkflow that
    # arrives before its template is refused until the next resync (workflow/cron/operator.go).
    spec = {
        **SPEC,
        "orchestrator_template": True,
        "window": {"since_previous_schedule": True},
        "calendar": {"skip_dates": ["2026-12-25"], "weekdays_only": True},
    }
    run = run_pulumi(lambda: ScheduledPipeline("etl", spec))
    (cron,) = run.of_type("kubernetes:argoproj.io/v1alpha1:CronWorkflow")
    templates = {r.name: r for r in run.of_type("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate")}
    assert set(templates) == {"etl-worker", "etl-nightly"}
    assert templates["etl-nightly"].urn in cron.dependencies
    key = lambda d: (d["kind"], d["metadata"]["name"])  # noqa: E731
    assert sorted(run.manifests(), key=key) == sorted(pipeline_manifests(spec), key=key)


def test_registered_manifests_equal_the_rendered_ones():
    run = run_pulumi(lambda: ScheduledPipeline("etl", SPEC))
    rendered = pipeline_manifests(SPEC)
    key = lambda d: (d["kind"], d["metadata"]["name"])  # noqa: E731
    assert sorted(run.manifests(), key=key) == sorted(rendered, key=key)


def test_outputs_resolve():
    seen: dict[str, str] = {}

    def program():
        pipeline = ScheduledPipeline("etl", SPEC)
        for name in ("cron_workflow_name", "namespace", "service_account_name", "child_selector"):
            getattr(pipeline, name).apply(lambda value, name=name: seen.__setitem__(name, value))

    run_pulumi(program)
    assert seen == {
        "cron_workflow_name": "nightly",
        "namespace": "argo",
        "service_account_name": "nightly-orchestrator",
        "child_selector": "app.kubernetes.io/part-of=nightly",
    }


def test_snake_case_dict_and_from_spec_register_the_same_resources():
    snake = {
        "name": "nightly",
        "schedule": "0 2 * * *",
        "timezone": "UTC",
        "stages": [[{"name": "work", "workflow_template": "worker"}]],
    }
    a = run_pulumi(lambda: ScheduledPipeline("etl", snake))
    b = run_pulumi(lambda: ScheduledPipeline.from_spec("etl", load_pipeline(minimal_spec())))
    assert [(r.type, r.name, r.inputs) for r in a.resources] != []
    assert sorted(a.manifests(), key=str) == sorted(b.manifests(), key=str)


def test_invalid_spec_raises_before_anything_is_registered():
    registered = []

    def program():
        try:
            ScheduledPipeline("etl", minimal_spec(schedule="0 */4 * *"))
        except SpecError as error:
            registered.append(error)

    run = run_pulumi(program)
    assert run.resources == []
    assert registered[0].problems[0].path == "schedule"


def test_invalid_spec_error_propagates_out_of_the_program():
    with pytest.raises(SpecError, match="stages"):
        run_pulumi(lambda: ScheduledPipeline("etl", minimal_spec(stages=[])))


def test_options_flow_through_to_the_component_and_children():
    def program():
        ScheduledPipeline("etl", SPEC, pulumi.ResourceOptions(protect=True))

    run = run_pulumi(program)
    assert run.resources
    assert all(r.protect for r in run.resources)
    unprotected = run_pulumi(lambda: ScheduledPipeline("etl", SPEC))
    assert not any(r.protect for r in unprotected.resources)


def test_provider_option_reaches_every_kubernetes_resource():
    import pulumi_kubernetes as k8s

    def program():
        provider = k8s.Provider("cluster", namespace="ignored")
        ScheduledPipeline("etl", SPEC, pulumi.ResourceOptions(providers=[provider]))

    run = run_pulumi(program)
    kubernetes = [r for r in run.resources if r.type.startswith("kubernetes:") and r.custom]
    kubernetes = [r for r in kubernetes if r.type != "pulumi:providers:kubernetes"]
    assert kubernetes
    assert all("::cluster::" in r.provider for r in kubernetes), {r.provider for r in kubernetes}


def test_runs_are_isolated_from_each_other():
    first = run_pulumi(lambda: ScheduledPipeline("one", SPEC))
    second = run_pulumi(lambda: ScheduledPipeline("two", SPEC))
    assert {r.name for r in second.resources}.isdisjoint({r.name for r in first.resources})
    assert len(first.resources) == len(second.resources) == 9


def test_shared_workflow_template_component():
    run = run_pulumi(
        lambda: SharedWorkflowTemplate(
            "cleanup", {"name": "scratch-cleanup", "namespace": "data", "image": "alpine:3.20"}
        )
    )
    (component,) = run.of_type("argo-orchestration:index:SharedWorkflowTemplate")
    kinds = sorted(d["kind"] for d in run.manifests())
    assert kinds == ["Role", "RoleBinding", "ServiceAccount", "WorkflowTemplate"]
    assert all(r.parent == component.urn for r in run.resources if r.custom)
    (template,) = run.of_type("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate")
    assert len(template.dependencies) == 3


def test_from_spec_validates_a_model_built_without_validation_and_registers_nothing():
    unchecked = load_pipeline(minimal_spec()).model_copy(update={"name": "BAD NAME!"})
    registered = []

    def program():
        try:
            ScheduledPipeline.from_spec("etl", unchecked)
        except SpecError as error:
            registered.append(error)

    run = run_pulumi(program)
    (error,) = registered
    assert [p.path for p in error.problems] == ["name"]
    assert run.resources == []
