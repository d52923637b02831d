"""The public offline engine (`pulumi_argo_orchestration.testing`): config, secrets, isolation,
and one clear error for everything that needs a provider."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pulumi
import pulumi_kubernetes as k8s
import pytest
import yaml

from pulumi_argo_orchestration import ScheduledPipeline, SpecError
from pulumi_argo_orchestration.offline.engine import AUTONAMED_ANNOTATION
from pulumi_argo_orchestration.testing import (
    SECRET_MARKER,
    SUPPORTED,
    InvalidComponents,
    OfflineRenderError,
    render_program,
    run_program,
    run_pulumi,
)
from tests.conftest import EXAMPLES, minimal_spec


def config_map(name, data, opts=None, **metadata):
    return k8s.core.v1.ConfigMap(
        name, metadata={"name": name, "namespace": "demo", **metadata}, data=data, opts=opts
    )


def test_config_is_namespaced_like_pulumi_and_secrets_stay_secret():
    seen = {}

    def program():
        config = pulumi.Config()
        seen["project"] = pulumi.get_project()
        seen["stack"] = pulumi.get_stack()
        seen["team"] = config.require("team")
        seen["other"] = pulumi.Config("other").get("key")
        token = config.require_secret("token")
        config_map("settings", {"team": config.require("team"), "token": token})

    run = run_pulumi(
        program,
        project="demo",
        stack="dev",
        config={"team": "platform", "other:key": "v"},
        secrets={"token": "s3cr3t"},
    )
    assert seen == {"project": "demo", "stack": "dev", "team": "platform", "other": "v"}
    (resource,) = run.of_type("kubernetes:core/v1:ConfigMap")
    assert resource.secret_paths == (("data", "token"),)
    assert resource.inputs["data"] == {"team": "platform", "token": "s3cr3t"}
    (masked,) = run.manifests()
    assert masked["data"] == {"team": "platform", "token": SECRET_MARKER}
    (shown,) = run.manifests(show_secrets=True)
    assert shown["data"]["token"] == "s3cr3t"


def test_a_nested_secret_masks_only_itself():
    def program():
        secret = pulumi.Output.secret("hunter2")
        k8s.apps.v1.Deployment(
            "web",
            metadata={"name": "web", "namespace": "demo"},
            spec={
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "web",
                                "image": "nginx:1.27",
                                "env": [
                                    {"name": "PASSWORD", "value": secret},
                                    {"name": "MODE", "value": "prod"},
                                ],
                            }
                        ]
                    },
                },
            },
        )

    (document,) = run_pulumi(program).manifests()
    spec = document["spec"]
    assert spec["replicas"] == 2 and isinstance(spec["replicas"], int)
    container = spec["template"]["spec"]["containers"][0]
    assert container["env"] == [
        {"name": "PASSWORD", "value": SECRET_MARKER},
        {"name": "MODE", "value": "prod"},
    ]
    assert container["image"] == "nginx:1.27"


def test_kubernetes_secrets_are_masked_whole():
    def program():
        k8s.core.v1.Secret(
            "creds", metadata={"name": "creds", "namespace": "demo"}, string_data={"k": "v"}
        )

    (document,) = run_pulumi(program).manifests()
    assert document["stringData"] == SECRET_MARKER


def test_key_order_is_stable():
    def program():
        config_map("settings", {"zeta": "1", "alpha": "2", "mid": "3"}, labels={"b": "1"})

    (document,) = run_pulumi(program).manifests()
    assert list(document) == ["apiVersion", "kind", "metadata", "data"]
    assert list(document["metadata"]) == ["name", "namespace", "labels"]
    assert list(document["data"]) == ["alpha", "mid", "zeta"]


def unsupported_program():
    k8s.core.v1.ConfigMap("generated", metadata={"generateName": "gen-"}, data={"a": "b"})
    source = config_map("source", {"a": "b"})
    config_map("uses-uid", {"uid": source.metadata.uid})
    k8s.yaml.v2.ConfigGroup("group", yaml="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    k8s.helm.v3.Chart("chart", k8s.helm.v3.ChartOpts(chart="nginx"))
    k8s.core.v1.ConfigMapPatch("patch", metadata={"name": "x", "namespace": "demo"}, data={})
    pulumi.CustomResource("random:index/randomPassword:RandomPassword", "password", {"length": 8})
    k8s.core.v1.Namespace.get("existing", "default")
    pulumi.runtime.invoke("aws:index/getCallerIdentity:getCallerIdentity", {})
    provider = k8s.Provider("cluster", namespace="apps")
    k8s.core.v1.ConfigMap(
        "no-namespace",
        metadata={"name": "no-namespace"},
        opts=pulumi.ResourceOptions(provider=provider),
    )
    config_map("fine", {"a": "b"})
    pulumi.runtime.register_resource_transform(lambda args: None)
    config_map("transformed", {"a": "b"}, opts=pulumi.ResourceOptions(transforms=[lambda a: None]))


def test_everything_that_needs_a_provider_is_one_error_listing_all_of_it():
    run = run_pulumi(unsupported_program)
    with pytest.raises(OfflineRenderError) as caught:
        run.manifests()
    problems = caught.value.problems
    expected = {
        'kubernetes:core/v1:ConfigMap "generated": metadata.generateName is resolved',
        'kubernetes:core/v1:ConfigMap "uses-uid": data.uid: only known after deployment',
        'kubernetes:yaml/v2:ConfigGroup "group": yaml, helm and kustomize',
        'kubernetes:helm.sh/v3:Chart "chart": yaml, helm and kustomize',
        'kubernetes:core/v1:ConfigMapPatch "patch": patches an object',
        "random:index/randomPassword:RandomPassword \"password\": needs the 'random' provider",
        'kubernetes:core/v1:Namespace "existing": reads existing state',
        "function aws:index/getCallerIdentity:getCallerIdentity: provider functions",
        'kubernetes:core/v1:ConfigMap "no-namespace": no metadata.namespace, and its '
        "provider's default namespace ('apps')",
        'kubernetes:core/v1:ConfigMap "transformed": resource transforms are run by',
        "stack transforms (pulumi.runtime.register_resource_transform) are run by",
    }
    for fragment in expected:
        assert sum(p.startswith(fragment) for p in problems) == 1, (fragment, problems)
    assert len(problems) == len(expected)
    assert SUPPORTED in str(caught.value)


def test_the_default_providers_namespace_config_counts_too():
    def program():
        k8s.core.v1.ConfigMap("cm", metadata={"name": "cm"}, data={"a": "b"})
        k8s.core.v1.Namespace("ns", metadata={"name": "apps"})

    assert run_pulumi(program).problems() == []
    problems = run_pulumi(program, config={"kubernetes:namespace": "apps"}).problems()
    assert len(problems) == 1 and problems[0].startswith('kubernetes:core/v1:ConfigMap "cm"')


def test_a_crash_after_unsupported_declarations_reports_them_with_the_crash():
    def program():
        k8s.core.v1.ConfigMap("generated", metadata={"generateName": "gen-"}, data={"a": "b"})
        raise RuntimeError("boom")

    with pytest.raises(OfflineRenderError) as caught:
        run_pulumi(program)
    assert isinstance(caught.value.cause, RuntimeError)
    assert "the program then failed: RuntimeError: boom" in str(caught.value)


def test_program_errors_propagate_unchanged():
    with pytest.raises(SpecError, match="stages"):
        run_pulumi(lambda: ScheduledPipeline("etl", minimal_spec(stages=[])))
    with pytest.raises(ZeroDivisionError):
        run_pulumi(lambda: 1 / 0)


def test_runs_are_isolated_after_failures_too():
    stacks = []

    def program():
        stacks.append((pulumi.get_stack(), pulumi.Config().get("x")))
        config_map("cm", {"a": "b"})

    with pytest.raises(ZeroDivisionError):
        run_pulumi(lambda: (config_map("half", {"a": "b"}), 1 / 0))
    first = run_pulumi(program, stack="one", config={"x": "1"})
    second = run_pulumi(program, stack="two")
    assert stacks == [("one", "1"), ("two", None)]
    assert [r.name for r in first.resources] == [r.name for r in second.resources] == ["cm"]


def test_a_run_that_fails_inside_an_apply_does_not_fail_the_next_one():
    """Pulumi keeps one set of pending outputs for every context (runtime/settings.py): the
    failed apply's task stayed in it, and the next run raised its ZeroDivisionError."""

    def failing():
        broken = pulumi.Output.from_input("x").apply(lambda _: 1 / 0)
        config_map("a", {"k": broken})

    with pytest.raises(ZeroDivisionError):
        run_pulumi(failing, preview=False)
    run = run_pulumi(lambda: ScheduledPipeline("etl", minimal_spec()))
    assert len(run.kubernetes_resources()) == 4


def test_every_event_loop_of_a_run_is_closed_when_it_ends(monkeypatch):
    """Left open, the garbage collector closes them at exit, after their descriptors:
    `Exception ignored in: BaseEventLoop.__del__ ... Invalid file descriptor: -1`."""
    import asyncio

    created = []
    new_event_loop = asyncio.new_event_loop

    def recording():
        loop = new_event_loop()
        created.append(loop)
        return loop

    monkeypatch.setattr(asyncio, "new_event_loop", recording)
    run_pulumi(lambda: ScheduledPipeline("etl", minimal_spec()))
    with pytest.raises(ZeroDivisionError):
        run_pulumi(lambda: (config_map("half", {"a": "b"}), 1 / 0))
    assert len(created) >= 2
    assert all(loop.is_closed() for loop in created)


def test_exit_status_0_ends_a_program_with_what_it_declared():
    def program():
        config_map("before", {"a": "b"})
        sys.exit(0)

    assert [r.name for r in run_pulumi(program).resources] == ["before"]
    with pytest.raises(SystemExit):
        run_pulumi(lambda: sys.exit(2))


def test_every_invalid_component_is_collected_with_its_line(tmp_path):
    program = write_program(
        tmp_path / "p",
        "from pulumi_argo_orchestration import ScheduledPipeline, SharedWorkflowTemplate\n"
        "a = ScheduledPipeline('a', {'name': 'a', 'schedule': 'never', 'stages': []})\n"
        "t = SharedWorkflowTemplate('t', {'name': 'T', 'image': 'alpine'})\n"
        "print(a.cron_workflow_name, t.template_name)\n",
    )
    with pytest.raises(SpecError):  # without collecting: the first one ends the program
        run_program(program)
    with pytest.raises(InvalidComponents) as caught:
        run_program(program, every_invalid_component=True)
    where = program / "__main__.py"
    assert [(c.component, c.location) for c in caught.value.components] == [
        ('ScheduledPipeline "a"', f"{where}:2"),
        ('SharedWorkflowTemplate "t"', f"{where}:3"),
    ]
    assert [p.path for p in caught.value.problems] == [
        f'{where}:2: ScheduledPipeline "a"',
        f'{where}:2: ScheduledPipeline "a"',
        f'{where}:3: SharedWorkflowTemplate "t"',
    ]
    assert caught.value.cause is None  # their outputs are unknown: the program went on


def test_a_fresh_process_runs_two_programs_built_from_the_model():
    """The modules a program imports from this library stay, however it is installed: with an
    editable install the second program's `Pipeline` was another class than the library's."""
    code = (
        "from pulumi_argo_orchestration.testing import render_program\n"
        f"for name in ('retry-backoff', 'argument-contracts', 'retry-backoff'):\n"
        f"    print(len(render_program({str(EXAMPLES)!r} + '/' + name)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (0, "12\n8\n12\n"), result.stderr


def write_program(directory, body, name="demo"):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n", encoding="utf-8")
    (directory / "__main__.py").write_text(body, encoding="utf-8")
    return directory


PROGRAM = """
import os
import pulumi
import pulumi_kubernetes as k8s
import helper

config = pulumi.Config()
k8s.core.v1.ConfigMap(
    "cm",
    metadata={"name": "cm", "namespace": "demo"},
    data={
        "helper": helper.VALUE,
        "cwd": os.path.basename(os.getcwd()),
        "stack": pulumi.get_stack(),
        "replicas": config.get("replicas") or "1",
    },
)
"""


def test_render_program_runs_each_program_in_its_own_directory_and_forgets_its_modules(tmp_path):
    first = write_program(tmp_path / "first", PROGRAM)
    (first / "helper.py").write_text("VALUE = 'first'\n", encoding="utf-8")
    (first / "Pulumi.dev.yaml").write_text("config:\n  demo:replicas: 3\n", encoding="utf-8")
    second = write_program(tmp_path / "second", PROGRAM)
    (second / "helper.py").write_text("VALUE = 'second'\n", encoding="utf-8")
    cwd, path, argv = os.getcwd(), list(sys.path), list(sys.argv)

    (a,) = render_program(first, stack="dev")
    (b,) = render_program(second / "__main__.py", config={"replicas": "5"})

    assert a["data"] == {"cwd": "first", "helper": "first", "replicas": "3", "stack": "dev"}
    assert b["data"] == {"cwd": "second", "helper": "second", "replicas": "5", "stack": "stack"}
    assert (os.getcwd(), sys.path, sys.argv) == (cwd, path, argv)
    assert "helper" not in sys.modules


def test_run_program_exposes_the_registrations(tmp_path):
    program = write_program(
        tmp_path / "p",
        "from pulumi_argo_orchestration import ScheduledPipeline\n"
        f"ScheduledPipeline('etl', {minimal_spec()!r})\n",
    )
    run = run_program(program)
    (component,) = run.of_type("argo-orchestration:index:ScheduledPipeline")
    assert component.name == "etl"
    assert {d["kind"] for d in run.manifests()} == {
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "CronWorkflow",
    }


def test_synth_gives_the_manifests_a_spec_render_gives():
    """`testing.synth` gives the documents a spec render gives, in the same order."""
    from pulumi_argo_orchestration import ScheduledPipeline, pipeline_manifests
    from pulumi_argo_orchestration.testing import synth

    spec = yaml.safe_load((EXAMPLES / "parallel-sync" / "pipeline.yaml").read_text())
    assert synth(lambda: ScheduledPipeline("p", spec)) == pipeline_manifests(spec)


def test_an_auto_named_object_gets_the_providers_form_of_name_repeatably():
    """pulumi-kubernetes names it `<Pulumi name>-<8 random hex digits>` and annotates it
    (provider/pkg/metadata/naming.go, AssignNameIfAutonamable); offline the digits are a hash."""

    def program():
        auto = k8s.core.v1.ConfigMap("auto", metadata={"namespace": "demo"}, data={"a": "b"})
        config_map("reader", {"source": auto.metadata.name})

    first, second = run_pulumi(program).manifests(), run_pulumi(program).manifests()
    assert first == second
    auto, reader = sorted(first, key=lambda d: d["metadata"]["name"])
    name = auto["metadata"]["name"]
    assert re.fullmatch(r"auto-[0-9a-f]{8}", name)
    assert auto["metadata"]["annotations"] == {AUTONAMED_ANNOTATION: "true"}
    assert reader["data"] == {"source": name}
