"""Restricted pods by default, relaxed per template only through explicit `security` fields.

The pods we define are checked against the Kubernetes "restricted" Pod Security Standard
(https://kubernetes.io/docs/concepts/security/pod-security-standards/): the effective value of
each control for each container, container settings overriding pod settings as the kubelet
applies them. The orchestrator's pods run no container of ours: a resource step's only container
is Argo's argoexec, which Argo locks down itself unless the controller's `executor` configuration
says otherwise (workflowpod.go `newExecContainer`: "lock down resource pods by default" with
`common.MinimalCtrSC()`); docs/security.md says what to set there.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, load_pipeline, pipeline_manifests
from tests.conftest import ROOT, minimal_spec
from tests.support.pod_security_standard import (
    container_violations as restricted_violations,
)
from tests.support.pod_security_standard import (
    effective,
    pod_violations,
    workflow_template_pod,
)

# workflow/common: MinimalCtrSC, what Argo gives a resource step's argoexec container.
ARGO_MINIMAL_CONTAINER = {
    "capabilities": {"drop": ["ALL"]},
    "privileged": False,
    "runAsNonRoot": True,
    "runAsUser": 8737,
    "readOnlyRootFilesystem": True,
    "allowPrivilegeEscalation": False,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def pipeline(*templates: dict[str, Any], **overrides: Any) -> list[dict[str, Any]]:
    templates = templates or ({"name": "worker", "image": "alpine:3.20"},)
    stages = [[{"name": f"s{i}", "workflowTemplate": t["name"]}] for i, t in enumerate(templates)]
    return pipeline_manifests(minimal_spec(stages=stages, templates=list(templates), **overrides))


def template_containers(documents: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    (template,) = [
        d for d in documents if d["kind"] == "WorkflowTemplate" and d["metadata"]["name"] == name
    ]
    pod = workflow_template_pod(template)
    return [
        effective(pod["securityContext"], c["securityContext"])
        for c in [*pod["initContainers"], *pod["containers"]]
    ]


def orchestrator_containers(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every container of the orchestrator's pods, as Argo builds them."""
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    spec = cron["spec"]["workflowSpec"]
    containers = []
    for template in spec["templates"]:
        assert set(template) & {"steps", "resource"}, "the orchestrator runs no container of ours"
        assert not set(template) & {"container", "script", "containerSet", "podSpecPatch"}
        if "resource" in template:
            containers.append(effective(spec["securityContext"], ARGO_MINIMAL_CONTAINER))
    assert containers
    return containers


_APPARMOR = "container.apparmor.security.beta.kubernetes.io/"
SUBJECTS = {
    "workflow-template": lambda docs: template_containers(docs, "worker"),
    "orchestrator": orchestrator_containers,
}
DEFAULTS = {
    "runAsNonRoot": True,
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


@pytest.mark.parametrize("field", [*DEFAULTS, "runAsUser"])
@pytest.mark.parametrize("subject", SUBJECTS)
def test_each_restricted_control_holds_by_default(subject, field):
    for container in SUBJECTS[subject](pipeline()):
        if field == "runAsUser":  # non-root, so root-by-default images such as alpine start
            assert container["runAsUser"] not in (None, 0)
        else:
            assert container[field] == DEFAULTS[field]


def test_pod_level_defaults_are_written_out():
    documents = pipeline()
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    (template,) = [d for d in documents if d["kind"] == "WorkflowTemplate"]
    expected = {
        "runAsNonRoot": True,
        "runAsUser": 65534,
        "runAsGroup": 65534,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert cron["spec"]["workflowSpec"]["securityContext"] == expected
    assert template["spec"]["securityContext"] == expected


@pytest.mark.parametrize("subject", SUBJECTS)
def test_default_pods_meet_the_restricted_profile(subject):
    for container in SUBJECTS[subject](pipeline()):
        assert restricted_violations(container) == set()


RELAXATIONS = {
    "run-as-root": (
        {"runAsNonRoot": False, "runAsUser": 0},
        {"runAsNonRoot", "runAsUser"},
    ),
    "image-user": ({"runAsNonRoot": False}, {"runAsNonRoot"}),
    "other-uid": ({"runAsUser": 1000, "runAsGroup": 3000}, set()),
    "privilege-escalation": ({"allowPrivilegeEscalation": True}, {"allowPrivilegeEscalation"}),
    "bind-low-ports": ({"addCapabilities": ["NET_BIND_SERVICE"]}, set()),
    "sys-admin": ({"addCapabilities": ["SYS_ADMIN"]}, {"capabilities"}),
    "no-seccomp": ({"seccompProfile": "Unconfined"}, {"seccompProfile"}),
    "spelled-out-defaults": ({}, set()),
}


@pytest.mark.parametrize(("security", "relaxed"), RELAXATIONS.values(), ids=RELAXATIONS)
def test_a_template_relaxes_exactly_what_it_names(security, relaxed):
    documents = pipeline(
        {"name": "worker", "image": "alpine:3.20", "security": security},
        {"name": "strict", "image": "alpine:3.20"},
    )
    (container,) = template_containers(documents, "worker")
    assert restricted_violations(container) == relaxed
    # ... and nothing else: the other template and the orchestrator keep the defaults.
    for other in [*template_containers(documents, "strict"), *orchestrator_containers(documents)]:
        assert restricted_violations(other) == set()


def test_relaxed_values_are_rendered_as_written():
    documents = pipeline(
        {
            "name": "worker",
            "image": "alpine:3.20",
            "security": {
                "runAsUser": 1000,
                "runAsGroup": 3000,
                "allowPrivilegeEscalation": True,
                "addCapabilities": ["NET_BIND_SERVICE", "CHOWN"],
                "seccompProfile": "Unconfined",
            },
        }
    )
    (template,) = [d for d in documents if d["kind"] == "WorkflowTemplate"]
    assert template["spec"]["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "runAsGroup": 3000,
        "seccompProfile": {"type": "Unconfined"},
    }
    assert template["spec"]["templates"][0]["container"]["securityContext"] == {
        "allowPrivilegeEscalation": True,
        "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN"]},
        "runAsNonRoot": True,
        "seccompProfile": {"type": "Unconfined"},
    }


def test_the_image_user_runs_when_non_root_is_switched_off():
    documents = pipeline(
        {"name": "worker", "image": "alpine:3.20", "security": {"runAsNonRoot": False}}
    )
    (template,) = [d for d in documents if d["kind"] == "WorkflowTemplate"]
    assert template["spec"]["securityContext"] == {
        "runAsNonRoot": False,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


@pytest.mark.parametrize(
    ("security", "path", "message"),
    [
        (
            {"runAsUser": 0},
            "templates[0].security.runAsUser",
            "0 is root, which `runAsNonRoot: true` forbids",
        ),
        ({"runAsUser": -1}, "templates[0].security.runAsUser", "greater than or equal to 0"),
        (
            {"addCapabilities": ["ALL"]},
            "templates[0].security.addCapabilities[0]",
            "ALL would undo `drop: [ALL]`",
        ),
        (
            {"addCapabilities": ["net_bind_service"]},
            "templates[0].security.addCapabilities[0]",
            "use the capital name",
        ),
        ({"seccompProfile": "Localhost"}, "templates[0].security.seccompProfile", "'Localhost'"),
        ({"privileged": True}, "templates[0].security.privileged", "unknown field"),
    ],
)
def test_unsafe_or_unclear_relaxations_are_refused(security, path, message):
    spec = minimal_spec(templates=[{"name": "worker", "image": "alpine", "security": security}])
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    found = {p.path: p.message for p in caught.value.problems}
    assert list(found) == [path]
    assert message in found[path]


def test_the_documented_executor_configuration_is_restricted():
    """docs/security.md tells operators what to put in the controller's `executor` key."""
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```yaml\n")[1:]]
    (config_map,) = [yaml.safe_load(b) for b in blocks if "workflow-controller-configmap" in b]
    executor = yaml.safe_load(config_map["data"]["executor"])
    assert restricted_violations(executor["securityContext"]) == set()
    assert "readOnlyRootFilesystem" not in executor["securityContext"]


JOB = {
    "name": "worker",
    "image": "python:3.12-slim",
    "command": ["python"],
    "source": "print('hello')",
    "volumes": [
        {"name": "scratch", "emptyDir": {}},
        {"name": "creds", "secret": {"secretName": "warehouse"}},
        {"name": "lake", "persistentVolumeClaim": {"claimName": "lake"}},
    ],
    "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
    "sidecars": [{"name": "proxy", "image": "envoyproxy/envoy:v1.31"}],
    "initContainers": [{"name": "fetch", "image": "alpine:3.20"}],
    "podMetadata": {"annotations": {_APPARMOR + "main": "runtime/default"}},
    "argo": {"script": {"ports": [{"containerPort": 8080}]}},
}


def worker_pod(documents: list[dict[str, Any]]) -> dict[str, Any]:
    (template,) = [
        d
        for d in documents
        if d["kind"] == "WorkflowTemplate" and d["metadata"]["name"] == "worker"
    ]
    return workflow_template_pod(template)


def test_sidecars_and_init_containers_get_the_restricted_container_settings():
    """Argo's templateDefaults do not reach them, so each one carries its own."""
    pod = worker_pod(pipeline(JOB))
    assert [c["name"] for c in pod["initContainers"]] == ["fetch"]
    assert [c["name"] for c in pod["containers"]] == ["main", "proxy"]
    for container in [*pod["initContainers"], *pod["containers"]]:
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
    assert pod_violations(pod) == set()


@pytest.mark.parametrize(("security", "relaxed"), RELAXATIONS.values(), ids=RELAXATIONS)
def test_a_relaxation_reaches_every_container_of_the_pod_and_nothing_else(security, relaxed):
    pod = worker_pod(pipeline({**JOB, "security": security}))
    for container in [*pod["initContainers"], *pod["containers"]]:
        assert (
            restricted_violations(effective(pod["securityContext"], container["securityContext"]))
            == relaxed
        )
    assert pod_violations(pod) == relaxed


def test_run_as_image_user_keeps_the_images_numeric_user_and_stays_restricted():
    """`runAsNonRoot` alone: the kubelet starts an image whose USER is a non-zero number and
    refuses root or a named USER (pkg/kubelet/kuberuntime, verifyRunAsNonRoot)."""
    pod = worker_pod(pipeline({**JOB, "security": {"runAsUser": "image"}}))
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert pod_violations(pod) == set()
    group = worker_pod(
        pipeline({**JOB, "security": {"runAsUser": "image", "runAsGroup": 1000, "fsGroup": 1000}})
    )
    assert group["securityContext"] == {
        "runAsNonRoot": True,
        "runAsGroup": 1000,
        "fsGroup": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def test_fs_group_lets_the_default_user_write_to_a_volume():
    pod = worker_pod(pipeline({**JOB, "security": {"fsGroup": 65534}}))
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 65534,
        "runAsGroup": 65534,
        "fsGroup": 65534,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


@pytest.mark.parametrize(
    ("further", "path", "message"),
    [
        (
            {"container": {"securityContext": {"privileged": True}}},
            "templates[0].argo.container.securityContext.privileged",
            "privileged containers are refused",
        ),
        (
            {"container": {"securityContext": {"runAsUser": 0}}},
            "templates[0].argo.container.securityContext.runAsUser",
            "use the template's `security.runAsUser`",
        ),
        (
            {"container": {"securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}},
            "templates[0].argo.container.securityContext.capabilities",
            "use the template's `security.addCapabilities`",
        ),
        (
            {"securityContext": {"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]}},
            "templates[0].argo.securityContext",
            "the package writes the pod's securityContext from `security:`",
        ),
        (
            {"podSpecPatch": '{"hostNetwork": true}'},
            "templates[0].argo.podSpecPatch",
            "unseen by the pod security checks",
        ),
        (
            {"container": {"ports": [{"containerPort": 80, "hostPort": 80}]}},
            "templates[0].argo.container.ports[0].hostPort",
            "host ports are refused",
        ),
        (
            {"container": {"livenessProbe": {"httpGet": {"port": 80, "host": "10.0.0.1"}}}},
            "templates[0].argo.container.livenessProbe.httpGet.host",
            "naming a host is refused",
        ),
        (
            {"container": {"lifecycle": {"preStop": {"tcpSocket": {"port": 80, "host": "x"}}}}},
            "templates[0].argo.container.lifecycle.preStop.tcpSocket.host",
            "naming a host is refused",
        ),
        (
            {"metadata": {"annotations": {_APPARMOR + "main": "unconfined"}}},
            "templates[0].argo.metadata",
            "`podMetadata`",
        ),
        (
            {"volumes": [{"name": "root", "hostPath": {"path": "/"}}]},
            "templates[0].argo.volumes",
            "set the template's own `volumes`",
        ),
    ],
)
def test_further_fields_cannot_lift_a_restriction(further, path, message):
    spec = minimal_spec(templates=[{"name": "worker", "image": "alpine", "argo": further}])
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    found = {p.path: p.message for p in caught.value.problems}
    assert list(found) == [path]
    assert message in found[path]


@pytest.mark.parametrize(
    ("template", "path", "message"),
    [
        (
            {"volumes": [{"name": "root", "hostPath": {"path": "/"}}]},
            "templates[0].volumes[0].hostPath",
            "`hostPath` volumes are refused: the restricted Pod Security Standard allows",
        ),
        (
            {"volumes": [{"name": "share", "nfs": {"server": "x", "path": "/"}}]},
            "templates[0].volumes[0].nfs",
            "`nfs` volumes are refused",
        ),
        (
            {
                "sidecars": [
                    {"name": "p", "image": "x", "argo": {"securityContext": {"privileged": True}}}
                ]
            },
            "templates[0].sidecars[0].argo.securityContext.privileged",
            "privileged containers are refused",
        ),
        (
            {"podMetadata": {"annotations": {_APPARMOR + "main": "unconfined"}}},
            f"templates[0].podMetadata.annotations['{_APPARMOR}main']",
            "AppArmor profiles",
        ),
        (
            {
                "podMetadata": {
                    "annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}
                }
            },
            "templates[0].podMetadata.annotations['seccomp.security.alpha.kubernetes.io/pod']",
            "`security.seccompProfile` sets the profile",
        ),
    ],
)
def test_typed_fields_cannot_lift_a_restriction(template, path, message):
    spec = minimal_spec(templates=[{"name": "worker", "image": "alpine", **template}])
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    found = {p.path: p.message for p in caught.value.problems}
    assert list(found) == [path]
    assert message in found[path]
