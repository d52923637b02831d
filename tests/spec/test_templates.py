"""What a template may hold: script, volumes, containers, pod fields, retries and further Argo
fields, each refused with its path and a reason when Argo or the cluster would refuse it later."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_argo_orchestration import SpecError, load_pipeline
from pulumi_argo_orchestration.argo.manifests import render_pipeline, shared_template_manifests
from pulumi_argo_orchestration.spec import argo_fields
from pulumi_argo_orchestration.spec.models import Template
from tests.conftest import minimal_spec

WORKER = {"name": "worker", "image": "alpine:3.20"}


def problems(**template: Any) -> dict[str, str]:
    return problems_of(minimal_spec(templates=[{**WORKER, **template}]))


def problems_of(spec: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_pipeline(spec)
    return {p.path: p.message for p in caught.value.problems}


# --- further Argo fields ------------------------------------------------------------------------


def test_a_misspelled_further_field_is_named_with_the_one_meant():
    found = problems(
        argo={
            "container": {"volumeMount": [], "imagePullPolice": "Always"},
            "retryStrategy": {"limit": 1},
            "timeot": "1h",
        }
    )
    assert found == {
        "templates[0].argo.container.volumeMount": "unknown field (did you mean 'volumeMounts'?)",
        "templates[0].argo.container.imagePullPolice": (
            "unknown field (did you mean 'imagePullPolicy'?)"
        ),
        "templates[0].argo.retryStrategy": "set the template's own `retryStrategy` (a typed field)",
        "templates[0].argo.timeot": "unknown field (did you mean 'timeout'?)",
    }


@pytest.mark.parametrize("key", sorted(argo_fields.OWNED_TEMPLATE_FIELDS))
def test_fields_the_package_writes_are_refused_with_the_reason(key):
    found = problems(argo={key: {}})
    assert list(found) == [f"templates[0].argo.{key}"]
    assert found[f"templates[0].argo.{key}"].startswith("cannot be set here: ")


def test_the_typed_field_lists_are_the_models_own_argo_named_fields():
    """Each refused key is a field of Argo's Template or container, and a typed field here."""
    schema = argo_fields.validator("4").definitions
    model = {field.alias for field in Template.model_fields.values()}
    template_fields = set(schema[argo_fields.TEMPLATE]["properties"])
    container_fields = set(schema[argo_fields.CONTAINER]["properties"])
    typed, owned = set(argo_fields.TYPED_TEMPLATE_FIELDS), set(argo_fields.OWNED_TEMPLATE_FIELDS)
    assert typed <= model & template_fields
    assert model & template_fields <= typed | owned  # every model field Argo also has is refused
    assert set(argo_fields.TYPED_CONTAINER_FIELDS) == model & container_fields
    assert set(argo_fields.OWNED_TEMPLATE_FIELDS) <= template_fields


def test_the_main_containers_further_fields_go_under_its_kind():
    assert problems(argo={"script": {"lifecycle": {}}}) == {
        "templates[0].argo.script": (
            "this is a container template (it has no `source`): put the main container's "
            "further fields under `argo.container`"
        )
    }
    script = {"command": ["python"], "source": "print(1)", "argo": {"container": {"tty": True}}}
    assert problems(**script) == {
        "templates[0].argo.container": (
            "this is a script template (it has `source`): put the main container's further "
            "fields under `argo.script`"
        )
    }


def test_required_fields_the_package_writes_are_not_asked_for():
    spec = minimal_spec(templates=[{**WORKER, "argo": {"container": {"tty": True}}}])
    (template,) = [d for d in render_pipeline(spec).documents if d["kind"] == "WorkflowTemplate"]
    assert template["spec"]["templates"][0]["container"]["tty"] is True
    sidecar = {"name": "proxy", "image": "envoy", "argo": {"stdin": True}}
    assert load_pipeline(minimal_spec(templates=[{**WORKER, "sidecars": [sidecar]}]))


def test_a_sidecars_further_fields_are_checked_like_a_templates():
    found = problems(
        sidecars=[{"name": "proxy", "image": "envoy", "argo": {"port": [], "image": "x", "tty": 1}}]
    )
    assert found == {
        "templates[0].sidecars[0].argo.image": "set the container's own `image` (a typed field)",
        "templates[0].sidecars[0].argo.port": "unknown field (did you mean 'ports'?)",
        "templates[0].sidecars[0].argo.tty": "expected true or false, got a whole number",
    }


def test_further_fields_refer_to_declared_parameters_only():
    found = problems(
        argo={
            "container": {
                "lifecycle": {
                    "preStop": {"exec": {"command": ["echo", "{{workflow.parameters.day}}"]}}
                }
            }
        }
    )
    assert found == {
        "templates[0].argo.container.lifecycle.preStop.exec.command[1]": (
            "references undeclared parameter 'day': declare it in the template's `parameters`"
        )
    }


def test_a_field_of_another_argo_version_is_named_as_such():
    newer = {**WORKER, "argo": {"annotations": {"workflows.argoproj.io/display-name": "x"}}}
    assert problems_of(minimal_spec(argoVersion="3.5", templates=[newer])) == {
        "templates[0].argo.annotations": (
            "is not in Argo v3.5 (`argoVersion` is '3.5'); later Argo versions have it"
        )
    }
    older = {**WORKER, "argo": {"priority": 1}}
    assert problems_of(minimal_spec(templates=[older])) == {
        "templates[0].argo.priority": (
            "is not in Argo v4 (`argoVersion` is '4'); earlier Argo versions have it"
        )
    }
    assert load_pipeline(minimal_spec(argoVersion="3.5", templates=[older]))


NEWER = "is not in Argo v3.5 (`argoVersion` is '3.5'); later Argo versions have it"


def test_version_differences_inside_typed_schema_checked_fields():
    affinity = {
        "podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "zone", "matchLabelKeys": ["job"]}
            ]
        }
    }
    image_volume = {"name": "model", "image": {"reference": "ghcr.io/acme/model:1"}}
    spec = minimal_spec(
        argoVersion="3.5",
        templates=[{**WORKER, "affinity": affinity, "volumes": [image_volume]}],
    )
    assert problems_of(spec) == {
        "templates[0].affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
        ".matchLabelKeys": NEWER,
        "templates[0].volumes[0].image": NEWER,
    }
    spec["argoVersion"] = "4"
    assert load_pipeline(spec)


def test_a_shared_template_is_checked_for_argo_v4():
    with pytest.raises(SpecError) as caught:
        shared_template_manifests({**WORKER, "argo": {"priority": 1, "timout": "1h"}})
    assert {p.path: p.message for p in caught.value.problems} == {
        "argo.timout": "unknown field (did you mean 'timeout'?)",
    }
    with pytest.raises(SpecError) as caught:
        shared_template_manifests({**WORKER, "argo": {"priority": 1}})
    assert [p.path for p in caught.value.problems] == ["argo.priority"]


# --- typed fields -------------------------------------------------------------------------------


def test_a_script_needs_its_interpreter():
    assert problems(source="print(1)") == {
        "templates[0].command": (
            "a script template (`source`) needs `command`, the interpreter, e.g. [python] or "
            "[sh]: Argo runs it with the script file as the last argument, and without it the "
            "controller looks the image's entrypoint up in the registry"
        )
    }
    assert problems(command=["sh"], source="echo {{workflow.parameters.day}}") == {
        "templates[0].source": (
            "references undeclared parameter 'day': declare it in the template's `parameters`"
        )
    }


def test_volumes_and_mounts_must_match_up():
    found = problems(
        volumes=[
            {"name": "a", "emptyDir": {}, "secret": {"secretName": "s"}},
            {"name": "a", "emptyDir": {}},
            {"name": "var-run-argo", "emptyDir": {}},
            {"name": "empty"},
        ],
        volumeMounts=[
            {"name": "a", "mountPath": "/data"},
            {"name": "a", "mountPath": "/data"},
            {"name": "b", "mountPath": "/b"},
        ],
        sidecars=[{"name": "s", "image": "x", "volumeMounts": [{"name": "c", "mountPath": "/c"}]}],
    )
    one_source = (
        "set exactly one source: persistentVolumeClaim, secret, configMap, emptyDir, csi, "
        "downwardAPI, ephemeral, projected or image"
    )
    assert found == {
        "templates[0].volumes[1].name": (
            "duplicate volume name 'a' (first at templates[0].volumes[0].name)"
        ),
        "templates[0].volumes[0]": one_source,
        "templates[0].volumes[2].name": (
            "'var-run-argo' is a volume Argo adds to its pods: choose another name"
        ),
        "templates[0].volumes[3]": one_source,
        "templates[0].volumeMounts[1].mountPath": (
            "'/data' is already mounted (volumeMounts[0]): Argo refuses the template"
        ),
        "templates[0].volumeMounts[2].name": (
            "mounts volume 'b', which the template's `volumes` do not declare"
        ),
        "templates[0].sidecars[0].volumeMounts[0].name": (
            "mounts volume 'c', which the template's `volumes` do not declare"
        ),
    }


def test_mount_and_file_paths_are_checked_where_written():
    found = problems(
        volumes=[
            {
                "name": "s",
                "secret": {
                    "secretName": "s",
                    "items": [{"key": "k", "path": "../k"}],
                    "defaultMode": 1000,
                },
            }
        ],
        volumeMounts=[{"name": "s", "mountPath": "data", "subPath": "/abs"}],
    )
    assert found == {
        "templates[0].volumes[0].secret.items[0].path": (
            "'../k' must be a relative path without '..' elements"
        ),
        "templates[0].volumes[0].secret.defaultMode": "Input should be less than or equal to 511",
        "templates[0].volumeMounts[0].mountPath": (
            "'data' must be an absolute path, e.g. '/tmp/result'"
        ),
        "templates[0].volumeMounts[0].subPath": (
            "'/abs' must be a relative path without '..' elements"
        ),
    }


def test_container_names_are_unique_and_not_argos():
    found = problems(
        initContainers=[{"name": "prep", "image": "x"}],
        sidecars=[{"name": "prep", "image": "x"}, {"name": "artifact-plugin-s3", "image": "x"}],
    )
    assert found == {
        "templates[0].sidecars[1].name": (
            "'artifact-plugin-s3' is a container name Argo uses itself: main, init, wait, "
            "supervisor and names starting with 'artifact-plugin-' or 'init-artifact-' are "
            "reserved"
        ),
    }
    found = problems(
        initContainers=[{"name": "prep", "image": "x"}], sidecars=[{"name": "prep", "image": "x"}]
    )
    assert found == {
        "templates[0].sidecars[0].name": (
            "duplicate container name 'prep' (first at templates[0].initContainers[0].name)"
        )
    }


def test_env_from_names_exactly_one_source():
    found = problems(
        envFrom=[{"prefix": "A_"}, {"configMapRef": {"name": "c"}, "secretRef": {"name": "s"}}],
        sidecars=[{"name": "s", "image": "x", "env": [{"name": "A"}]}],
    )
    assert found == {
        "templates[0].envFrom[0]": "set exactly one of `configMapRef` or `secretRef`",
        "templates[0].envFrom[1]": "set exactly one of `configMapRef` or `secretRef`",
        "templates[0].sidecars[0].env[0]": "set exactly one of `value` or `valueFrom`",
    }


def test_pod_metadata_leaves_argos_own_keys_alone():
    found = problems(
        podMetadata={
            "labels": {"workflows.argoproj.io/completed": "true", "ok": "Bad Value"},
            "annotations": {"workflows.argoproj.io/node-name": "x", "bad key": "v"},
        }
    )
    argo_own = "keys under workflows.argoproj.io/ are Argo's own: its controller reads them"
    assert found == {
        "templates[0].podMetadata.labels['workflows.argoproj.io/completed']": argo_own,
        "templates[0].podMetadata.labels.ok": (
            "the value must be at most 63 characters of a-z, A-Z, 0-9, '-', '_', '.', "
            "alphanumeric at both ends"
        ),
        "templates[0].podMetadata.annotations['workflows.argoproj.io/node-name']": argo_own,
        "templates[0].podMetadata.annotations['bad key']": (
            "the name must be 1-63 characters of a-z, A-Z, 0-9, '-', '_', '.', alphanumeric at "
            "both ends"
        ),
    }


def test_pod_gc_is_checked_where_written():
    found = problems_of(
        minimal_spec(
            podGC={
                "strategy": "OnPodSucess",
                "deleteDelayDuration": "30",
                "labelSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]},
            }
        )
    )
    assert found == {
        "podGC.strategy": (
            "'OnPodSucess' is not allowed: use 'OnPodCompletion', 'OnPodSuccess', "
            "'OnWorkflowCompletion' or 'OnWorkflowSuccess'"
        ),
        "podGC.deleteDelayDuration": (
            "invalid duration '30': use a Go duration with its unit ('30s', '5m', '1h30m')"
        ),
    }
    found = problems_of(
        minimal_spec(
            podGC={
                "strategy": "OnPodSuccess",
                "labelSelector": {
                    "matchExpressions": [
                        {"key": "a", "operator": "In"},
                        {"key": "b", "operator": "Exists", "values": ["x"]},
                    ]
                },
            }
        )
    )
    assert found == {
        "podGC.labelSelector.matchExpressions[0].values": "`In` needs values",
        "podGC.labelSelector.matchExpressions[1].values": "`Exists` takes no values",
    }


def test_run_as_user_is_a_uid_or_image():
    message = (
        "is not allowed: use a UID greater than or equal to 0, or 'image' to keep the image's "
        "own numeric USER"
    )
    for value in ("imag", -1, True, 1.5):
        found = problems(security={"runAsUser": value})
        assert found == {"templates[0].security.runAsUser": f"{value!r} {message}"}
    assert load_pipeline(minimal_spec(templates=[{**WORKER, "security": {"runAsUser": "1000"}}]))


def test_retry_fields_are_checked_where_written():
    found = problems(
        retryStrategy={
            "expression": "lastRetry.exitcode > 1",
            "affinity": {"nodeAntiAffinity": {"x": 1}},
            "backoff": {"factor": 2, "cap": "soon"},
        }
    )
    assert found == {
        "templates[0].retryStrategy.expression": (
            "unknown variable `lastRetry.exitcode` (did you mean `lastRetry.exitCode`?): Argo "
            "sets retries, lastRetry.exitCode, lastRetry.status, lastRetry.duration, "
            "lastRetry.message (all text)"
        ),
        "templates[0].retryStrategy.affinity.nodeAntiAffinity.x": "unknown field",
        "templates[0].retryStrategy.backoff.duration": "required field is missing",
        "templates[0].retryStrategy.backoff.cap": (
            "invalid duration 'soon': use seconds ('30') or a Go duration ('10s', '2m', '1h30m')"
        ),
    }


def test_backoff_cap_needs_argo_3_7():
    retry = {"limit": 3, "backoff": {"duration": "10s", "factor": 2, "cap": "1m"}}
    spec = minimal_spec(argoVersion="3.5", templates=[{**WORKER, "retryStrategy": retry}])
    assert problems_of(spec) == {
        "templates[0].retryStrategy.backoff.cap": (
            "`cap` needs Argo v3.7 or later and `argoVersion` is '3.5'"
        )
    }


@pytest.mark.parametrize(
    ("retry", "warning"),
    [
        ({"limit": 3}, None),
        ({"retryPolicy": "Always"}, "so Argo retries a failing step without end"),
        (
            {"backoff": {"duration": "10s", "maxDuration": "10m"}},
            "so Argo retries a failing step until backoff.maxDuration (10m) has passed, "
            "immediately: backoff waits only while the attempts are at most `limit`",
        ),
    ],
)
def test_a_retry_strategy_without_limit_is_a_warning(retry, warning):
    rendered = render_pipeline(minimal_spec(templates=[{**WORKER, "retryStrategy": retry}]))
    found = [w for w in rendered.warnings if "retryStrategy" in w]
    expected = [f"nightly: templates[0] (worker): its retryStrategy has no `limit`, {warning}"]
    assert found == (expected if warning else [])
