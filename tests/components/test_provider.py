"""The component provider, driven the way Pulumi's engine drives it, offline.

Inputs are built as the engine sends them (a protobuf Struct: camelCase names, numbers as floats,
enums as strings, secrets wrapped, dependencies listed per property) and turned into Python values
by the provider server's own `_construct_inputs`; `construct` then runs under mocks.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.errors import InputPropertiesError
from pulumi.provider.server import ProviderServicer
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_argo_orchestration import (
    ConcurrencyPolicy,
    RetryPolicy,
    ScheduledPipeline,
    SpecError,
    load_pipeline,
    pipeline_manifests,
)
from pulumi_argo_orchestration.components import scheduled_pipeline
from pulumi_argo_orchestration.components.provider import ArgoOrchestrationProvider
from pulumi_argo_orchestration.testing import run_pulumi
from tests.conftest import EXAMPLES, ROOT
from tests.support import pulumi_engine as engine

PIPELINE = "argo-orchestration:index:ScheduledPipeline"
TEMPLATE = "argo-orchestration:index:SharedWorkflowTemplate"
SEED = yaml.safe_load((EXAMPLES / "scheduled-sync" / "pipeline.yaml").read_text())
OTHER_URN = "urn:pulumi:stack::project::kubernetes:core/v1:Namespace::data"


def _seed(**overrides: Any) -> dict[str, Any]:
    """The seed spec as a TypeScript or YAML program writes it: schema (camelCase) names."""
    spec = copy.deepcopy(SEED)
    spec["templates"][0]["retryStrategy"]["retryPolicy"] = "OnError"
    spec.update(overrides)
    return spec


def _secret(value: Any) -> dict[str, Any]:
    return {rpc._special_sig_key: rpc._special_secret_sig, "value": value}


async def _wire(inputs: dict[str, Any], depends: dict[str, list[str]] | None = None) -> Any:
    """What the provider server hands `construct` for a ConstructRequest with these inputs."""
    struct = struct_pb2.Struct()
    struct.update(inputs)
    request = provider_pb2.ConstructRequest(
        inputs=struct,
        inputDependencies={
            key: provider_pb2.ConstructRequest.PropertyDependencies(urns=urns)
            for key, urns in (depends or {}).items()
        },
    )
    return await ProviderServicer._construct_inputs(request.inputs, request.inputDependencies)


def _run_async(body: Any) -> Any:
    """Run a coroutine function as the Pulumi program; the runtime awaits outstanding tasks."""
    return run_pulumi(lambda: asyncio.ensure_future(body()))


def _construct(type_token: str, inputs: dict[str, Any], **wire: Any) -> Any:
    """Run construct under mocks; return (offline run, construct result or raised error)."""
    outcome: dict[str, Any] = {}

    async def program() -> None:
        provider = ArgoOrchestrationProvider()
        values = await _wire(inputs, **wire)
        try:
            result = provider.construct("etl", type_token, values, pulumi.ResourceOptions())
        except Exception as error:
            outcome["error"] = error
            return
        outcome["state"] = {key: await value.future() for key, value in result.state.items()}

    run = _run_async(program)
    return run, outcome


def test_construct_registers_what_the_cli_renders(monkeypatch):
    """Wire inputs reach the component as the caller wrote them and validate to the same spec.

    Pulumi's own input mapping is skipped (it cannot take Outputs): names stay camelCase, enums
    text and numbers floats (the wire has no integers), all of which the model reads.
    """
    received: list[Any] = []
    render = scheduled_pipeline.render_pipeline
    monkeypatch.setattr(
        scheduled_pipeline, "render_pipeline", lambda args: received.append(args) or render(args)
    )
    run, outcome = _construct(PIPELINE, _seed())

    assert "error" not in outcome
    (args,) = received
    assert args["concurrencyPolicy"] == "Replace"
    assert repr(args["startingDeadlineSeconds"]) == "60.0"
    pipeline = load_pipeline(args)
    assert repr(pipeline.starting_deadline_seconds) == "60"
    assert pipeline.concurrency_policy is ConcurrencyPolicy.REPLACE
    assert pipeline.templates[0].retry_strategy.retry_policy is RetryPolicy.ON_ERROR
    assert args["stages"][0][0] == {"name": "sync-config", "workflowTemplate": "config-sync"}

    key = lambda d: (d["kind"], d["metadata"]["name"])  # noqa: E731
    assert sorted(run.manifests(), key=key) == sorted(pipeline_manifests(_seed()), key=key)
    (component,) = run.of_type(PIPELINE)
    assert all(r.parent == component.urn for r in run.resources if r.custom)


def test_construct_returns_the_outputs_under_their_schema_names():
    _, outcome = _construct(PIPELINE, _seed())
    assert outcome["state"] == {
        "cronWorkflowName": "scheduled-sync",
        "namespace": "argo-workflows",
        "serviceAccountName": "orchestrator-sa",
        "childSelector": "app.kubernetes.io/part-of=scheduled-sync",
        "templateNames": ["config-sync", "cache-rebuild"],
        "serviceAccountNames": ["orchestrator-sa", "scheduled-sync-executor"],
        "roleNames": ["orchestrator-sa", "scheduled-sync-executor"],
        "schedules": ["0 */4 * * *"],
        "listWorkflowsCommand": (
            "kubectl get workflows -n argo-workflows -l app.kubernetes.io/part-of=scheduled-sync"
        ),
    }


def test_secret_and_dependent_inputs_are_rejected_by_path_before_anything_registers():
    """A secret or a dependency arrives as an Output: even where Pulumi's own mapping would
    crash (an integer) or drop the value (an object), the error names every such field."""
    inputs = _seed(timezone=_secret("Europe/Zurich"))
    inputs["templates"][1]["env"] = [{"name": "TOKEN", "value": _secret("s3cr3t")}]
    run, outcome = _construct(
        PIPELINE,
        inputs,
        depends={"startingDeadlineSeconds": [OTHER_URN], "concurrencyPolicy": [OTHER_URN]},
    )

    error = outcome["error"]
    assert isinstance(error, InputPropertiesError)
    # A nested secret makes its whole top-level property secret on the wire.
    assert {e["property_path"] for e in error.errors} == {
        "timezone",
        "templates",
        "startingDeadlineSeconds",
        "concurrencyPolicy",
    }
    assert all("plain value" in e["reason"] for e in error.errors)
    assert "invalid pipeline spec (4 problems)" in error.message
    assert run.resources == []


def test_an_object_input_from_another_resource_registers_its_values_and_dependency():
    """Pulumi's mapping would turn an Output object into `{}` and the limits would vanish."""
    inputs = {"name": "scratch", "image": "alpine:3.20", "resources": {"limits": {"cpu": "1"}}}
    run, outcome = _construct(TEMPLATE, inputs, depends={"resources": [OTHER_URN]})
    assert "error" not in outcome
    (template,) = run.of_type("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate")
    container = template.inputs["spec"]["templates"][0]["container"]
    assert container["resources"] == {"limits": {"cpu": "1"}}
    assert OTHER_URN in template.dependencies


def test_nested_output_values_are_reported_with_their_full_path():
    """With output values, an Output can sit deep inside plain lists and objects: where the
    field decides objects or names, the error names its full path."""
    outcome: dict[str, Any] = {}

    async def program() -> None:
        values = await _wire(_seed())
        values["templates"][1]["name"] = pulumi.Output.secret("cache-rebuild")
        values["templates"][1]["env"] = [{"name": "TOKEN", "value": pulumi.Output.secret("x")}]
        try:
            ArgoOrchestrationProvider().construct("etl", PIPELINE, values)
        except InputPropertiesError as error:
            outcome["paths"] = [e["property_path"] for e in error.errors or []]

    run = _run_async(program)
    assert outcome["paths"] == ["templates[1].name"]
    assert run.resources == []


def test_an_invalid_spec_is_reported_per_property():
    run, outcome = _construct(PIPELINE, _seed(schedule="0 */4 * *", namespace="Argo"))
    error = outcome["error"]
    assert isinstance(error, InputPropertiesError)
    assert [e["property_path"] for e in error.errors] == ["namespace", "schedule"]
    assert "invalid pipeline spec (2 problems)" in error.message
    assert run.resources == []


def test_shared_workflow_template_through_the_provider():
    inputs = {
        "name": "scratch-cleanup",
        "namespace": "data",
        "image": "alpine:3.20",
        "retryStrategy": {"limit": 2, "retryPolicy": "Always"},
        "tolerations": [{"key": "spot", "operator": "Exists", "effect": "NoSchedule"}],
    }
    run, outcome = _construct(TEMPLATE, inputs)
    assert outcome["state"] == {
        "templateName": "scratch-cleanup",
        "namespace": "data",
        "serviceAccountName": "scratch-cleanup-executor",
    }
    (template,) = [d for d in run.manifests() if d["kind"] == "WorkflowTemplate"]
    (step,) = template["spec"]["templates"]
    assert step["retryStrategy"] == {"limit": 2, "retryPolicy": "Always"}


def test_a_python_program_passing_an_output_gets_a_spec_error_naming_it():
    caught: list[SpecError] = []

    def program() -> None:
        spec = {
            "name": "nightly",
            "schedule": "0 2 * * *",
            "timezone": pulumi.Output.from_input("UTC"),
            "stages": [[{"name": "work", "workflow_template": pulumi.Output.secret("worker")}]],
        }
        try:
            ScheduledPipeline("etl", spec)
        except SpecError as error:
            caught.append(error)

    run = run_pulumi(program)
    assert [p.path for p in caught[0].problems] == ["timezone", "stages[0][0].workflow_template"]
    assert run.resources == []


@pytest.mark.parametrize("module", ["pulumi.run.plugin", "pulumi_argo_orchestration"])
def test_the_plugin_entry_point_serves_the_argo_orchestration_schema(module):
    """As Pulumi's language host starts the plugin from the repository root, answer GetSchema.

    `pulumi.run.plugin` would host the components under the distribution's name if the package
    exported them eagerly; it must defer to our `__main__`, which names the provider.
    """
    args = [sys.executable, "-m", module]
    if module == "pulumi.run.plugin":
        args.append("pulumi-argo-orchestration")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [*args, "127.0.0.1:1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as plugin:
        try:
            port = plugin.stdout.readline().strip()
            assert port.isdigit(), plugin.stderr.read()
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                response = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=30)
                info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=30)
        finally:
            plugin.kill()
    served = json.loads(response.schema)
    assert served["name"] == "argo-orchestration"
    assert sorted(served["resources"]) == [PIPELINE, TEMPLATE]
    assert info.version == served["version"]


def test_the_plugin_layout_is_what_pulumi_expects():
    """PulumiPlugin.yaml at the root; no root `__main__.py`, so Pulumi runs the buildable package
    through `pulumi.run.plugin` and the root Pulumi.yaml program keeps its own entry point."""
    tomllib = pytest.importorskip("tomllib")
    plugin = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    runtime = plugin["runtime"]
    assert (runtime if isinstance(runtime, str) else runtime["name"]) == "python"
    assert not (ROOT / "__main__.py").exists()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["build-system"]["build-backend"]
    module = pyproject["project"]["name"].replace("-", "_")
    assert (ROOT / module / "__main__.py").is_file()
    program = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert Path(ROOT / program["main"]).resolve() != ROOT.resolve()


def _output_value(value: Any = None, *, secret: bool = False, depends: tuple[str, ...] = ()) -> Any:
    """An Output as an engine that supports output values sends it (nested anywhere)."""
    wire: dict[str, Any] = {rpc._special_sig_key: rpc._special_output_value_sig}
    if value is not None:
        wire["value"] = value
    if secret:
        wire["secret"] = True
    if depends:
        wire["dependencies"] = list(depends)
    return wire


def _with_outputs(image: str) -> dict[str, Any]:
    inputs = _seed()
    template = inputs["templates"][0]
    template["image"] = _output_value(image, depends=(OTHER_URN,))
    template["env"] = [{"name": "TOKEN", "value": _output_value("s3cr3t", secret=True)}]
    template["tolerations"] = [
        {"key": "spot", "operator": "Exists", "tolerationSeconds": _output_value(60)}
    ]
    return inputs


def test_construct_receives_outputs_for_value_fields_and_registers_them_in_place():
    run, outcome = _construct(PIPELINE, _with_outputs("registry.example/sync:2"))
    assert "error" not in outcome
    (template,) = [
        r
        for r in run.of_type("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate")
        if r.inputs["metadata"]["name"] == "config-sync"
    ]
    spec = template.inputs["spec"]
    container = spec["templates"][0]["container"]
    assert container["image"] == "registry.example/sync:2"
    assert container["env"] == [{"name": "TOKEN", "value": "s3cr3t"}]
    assert spec["tolerations"] == [{"key": "spot", "operator": "Exists", "tolerationSeconds": 60}]
    assert template.secret_paths == (("spec", "templates", 0, "container", "env", 0, "value"),)
    assert OTHER_URN in template.dependencies


def test_a_bad_output_value_fails_construct_per_property_before_any_child():
    """The gate raises once the value resolves, after `construct` returned: the provider server
    awaits the outputs and outstanding work inside Construct and reports InputPropertiesError
    per property (pulumi/provider/server.py, `Construct`)."""

    async def program() -> None:
        values = await _wire(_with_outputs(""))
        ArgoOrchestrationProvider().construct("etl", PIPELINE, values, pulumi.ResourceOptions())

    recorded = engine.run(lambda: asyncio.ensure_future(program()), preview=False)
    error = recorded.error
    assert isinstance(error, InputPropertiesError)
    assert error.errors == [
        {"property_path": "templates[0].image", "reason": "String should have at least 1 character"}
    ]
    assert [r.type for r in recorded.registrations] == [PIPELINE]
