"""A matrix of pipelines, every option alone and combined, and every emitted document checked.

Each option group (stage layouts, cluster templates, parameters, templates, retries, time zones,
concurrency policies, schedules, accounts, pod security, alerts, ...) is tried alone on a base
spec, in every pair of groups (each variant of one meeting the other), and all together. Every
spec goes through tests/safety_checks.py: Argo kinds against schema.json (closed objects) and the
CRDs, each child manifest on its own, core kinds with kubernetes-validate (strict), plus the RBAC,
pod and substitution invariants. The number of documents checked is printed in the run's
"safety figures".
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.views.conformance import KUBERNETES_VERSION
from tests.argo.test_injection import HOSTILE
from tests.conftest import minimal_spec
from tests.support.safety_checks import check_pipeline
from tests.support.spec_strategies import honour_contracts

Spec = dict[str, Any]
Variant = tuple[str, Callable[[Spec], None]]


def _child(name: str, template: str = "worker", **fields: Any) -> Spec:
    return {"name": name, "workflowTemplate": template, **fields}


def _stages(layout: list[list[str]]) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        spec["stages"] = [[_child(name) for name in stage] for stage in layout]

    return apply


def _template(spec: Spec) -> Spec:
    if not spec.get("templates"):
        spec["templates"] = [{"name": "worker", "image": "alpine:3.20"}]
    return spec["templates"][0]  # type: ignore[no-any-return]


def _on_template(**fields: Any) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        _template(spec).update(copy.deepcopy(fields))

    return apply


def _add_to_template(**fields: Any) -> Callable[[Spec], None]:
    """Like `_on_template`, but lists (volumes, mounts, ...) are extended, not replaced."""

    def apply(spec: Spec) -> None:
        template = _template(spec)
        for key, value in copy.deepcopy(fields).items():
            if isinstance(value, list):
                template.setdefault(key, []).extend(value)
            else:
                template[key] = value

    return apply


def _top(**fields: Any) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        spec.update(copy.deepcopy(fields))

    return apply


def _cluster_template(spec: Spec) -> None:
    spec["stages"].append(
        [{"name": "cleanup", "clusterWorkflowTemplate": "scratch-cleanup"}, _child("audit")]
    )


def _parameters(values: list[str]) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        spec["parameters"] = [{"name": f"p{i}", "value": v} for i, v in enumerate(values)]
        for stage in spec["stages"]:
            for child in stage:
                child["arguments"] = {
                    "direct": "{{workflow.parameters.p0}}",
                    "composed": f"from {{{{workflow.parameters.p{len(values) - 1}}}}} on",
                    "literal": values[-1],
                }

    return apply


def _full_template(spec: Spec) -> None:
    _template(spec).update(
        {
            "command": ["python", "-c"],
            "args": ["import sys; print(sys.argv)", "{{workflow.parameters.day}}"],
            "parameters": [{"name": "day", "description": "the day"}, {"name": "x", "value": ""}],
            "env": [
                {"name": "LEVEL", "value": "info"},
                {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "t"}}},
                {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "m"}}},
            ],
            "resources": {"requests": {"cpu": "100m", "memory": 0.5}, "limits": {"cpu": 2}},
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "etl"}],
            "imagePullSecrets": ["registry"],
            "activeDeadlineSeconds": 3600,
            "labels": {"tier": "batch"},
        }
    )


def _further_fields(kind: str, fields: dict[str, Any]) -> Callable[[Spec], None]:
    """Merge further Argo fields into the template (`kind` "") or its first sidecar."""

    def apply(spec: Spec) -> None:
        template = _template(spec)
        if kind == "sidecar":
            template.setdefault("sidecars", []).append(
                {"name": "exporter", "image": "prom/statsd-exporter:v0.27.1"}
            )
            template = template["sidecars"][-1]
        template.setdefault("argo", {}).update(copy.deepcopy(fields))

    return apply


def _outputs(where: str) -> Callable[[Spec], None]:
    """The first child's template exports `row-count`; a new last stage reads it."""

    def apply(spec: Spec) -> None:
        _template(spec)["outputs"] = {
            "parameters": [
                {"name": "row-count", "valueFrom": {"path": "/tmp/row-count", "default": "0"}}
            ]
        }
        producer = spec["stages"][0][0]["name"]
        reference = f"{{{{steps.{producer}.outputs.parameters.row-count}}}}"
        child = _child("consume")
        if where == "arguments":
            child["arguments"] = {"rows": reference, "note": f"{reference} rows from {producer}"}
        else:
            child["when"] = f"'{reference}' != '0'"
        spec["stages"].append([child])

    return apply


VOLUMES = [
    {"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}},
    {"name": "creds", "secret": {"secretName": "warehouse", "defaultMode": 256}},
    {
        "name": "settings",
        "configMap": {"name": "settings", "items": [{"key": "a", "path": "a.yaml"}]},
    },
    {"name": "lake", "persistentVolumeClaim": {"claimName": "lake", "readOnly": True}},
]
OTHER_VOLUMES = [
    {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}},
    {"name": "vault", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True}},
    {
        "name": "info",
        "downwardAPI": {
            "items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]
        },
    },
    {
        "name": "work",
        "ephemeral": {
            "volumeClaimTemplate": {
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}},
                }
            }
        },
    },
    {"name": "model", "image": {"reference": "ghcr.io/acme/model:1", "pullPolicy": "IfNotPresent"}},
]
AFFINITY = {
    "nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [
                {
                    "matchExpressions": [
                        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}
                    ]
                }
            ]
        }
    },
    "podAntiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {
                "weight": 50,
                "podAffinityTerm": {
                    "topologyKey": "kubernetes.io/hostname",
                    "labelSelector": {"matchLabels": {"job": "extract"}},
                },
            }
        ]
    },
}


def _second_template(spec: Spec) -> None:
    _template(spec)
    spec["templates"].append({"name": "report.v2", "image": "busybox"})
    spec["stages"].append([_child("report", "report.v2")])


def _several_schedules(spec: Spec) -> None:
    spec.pop("schedule")
    spec["schedules"] = ["30 1 * * *", "30 13 * * 6"]


def _shared_account(spec: Spec) -> None:
    spec["serviceAccountName"] = "shared"
    _template(spec)["serviceAccountName"] = "shared"


def _long_names(spec: Spec) -> None:
    spec["name"] = "n" * 52
    spec["stages"].append([_child("s" * 63), _child("s" * 62 + "t")])


GROUPS: dict[str, list[Variant]] = {
    "stages": [
        ("one-stage", _stages([["work"]])),
        ("five-stages", _stages([["a"], ["b"], ["c"], ["d"], ["e"]])),
        ("parallel-groups", _stages([["a", "b", "c"], ["d"], ["e", "f"]])),
    ],
    "cluster-templates": [("cluster-template", _cluster_template)],
    "templates": [
        ("template", _template),
        ("template-every-field", _full_template),
        ("two-templates", _second_template),
    ],
    "retries": [
        *(
            (f"retry-{policy}", _on_template(retryStrategy={"limit": 3, "retryPolicy": policy}))
            for policy in ("Always", "OnFailure", "OnError", "OnTransientError")
        ),
        (
            "backoff",
            _on_template(
                retryStrategy={
                    "limit": 4,
                    "backoff": {"duration": "30s", "factor": 2, "maxDuration": "10m"},
                }
            ),
        ),
        ("backoff-seconds", _on_template(retryStrategy={"backoff": {"duration": "10"}})),
        (
            "backoff-cap",
            _on_template(
                retryStrategy={"limit": 6, "backoff": {"duration": "10", "factor": 3, "cap": "1m"}}
            ),
        ),
        (
            "retry-expression-and-affinity",
            _on_template(
                retryStrategy={
                    "limit": 3,
                    "expression": 'asInt(lastRetry.exitCode) > 1 || lastRetry.status == "Error"',
                    "affinity": {"nodeAntiAffinity": {}},
                }
            ),
        ),
    ],
    "containers": [
        ("script", _on_template(command=["python"], source="print('rows')\n")),
        (
            "sidecar-and-init",
            _add_to_template(
                volumes=[{"name": "shared", "emptyDir": {}}],
                volumeMounts=[{"name": "shared", "mountPath": "/shared"}],
                initContainers=[
                    {
                        "name": "fetch",
                        "image": "alpine:3.20",
                        "command": ["sh", "-c", "echo ready > /shared/flag"],
                        "volumeMounts": [{"name": "shared", "mountPath": "/shared"}],
                    }
                ],
                sidecars=[
                    {
                        "name": "proxy",
                        "image": "envoyproxy/envoy:v1.31",
                        "envFrom": [{"configMapRef": {"name": "proxy"}}],
                        "imagePullPolicy": "IfNotPresent",
                        "argo": {"ports": [{"containerPort": 8080}], "mirrorVolumeMounts": True},
                    }
                ],
            ),
        ),
        (
            "main-container-fields",
            _further_fields(
                "",
                {
                    "container": {
                        "ports": [{"containerPort": 8080, "name": "http"}],
                        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                        "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}},
                    }
                },
            ),
        ),
    ],
    "volumes": [
        (
            "volumes-and-env-from",
            _add_to_template(
                volumes=VOLUMES,
                volumeMounts=[
                    {"name": "scratch", "mountPath": "/scratch"},
                    {"name": "creds", "mountPath": "/secrets", "readOnly": True},
                    {"name": "settings", "mountPath": "/etc/settings", "subPath": "a.yaml"},
                    {"name": "lake", "mountPath": "/lake"},
                ],
                envFrom=[{"secretRef": {"name": "warehouse"}, "prefix": "WH_"}],
                workingDir="/scratch",
                imagePullPolicy="Always",
            ),
        ),
        ("other-volume-sources", _add_to_template(volumes=OTHER_VOLUMES)),
    ],
    "pod": [
        (
            "pod-metadata",
            lambda spec: (
                _top(podMetadata={"labels": {"team": "data"}, "annotations": {"a.io/b": "c"}})(
                    spec
                ),
                _on_template(podMetadata={"labels": {"team": "etl", "job": "extract"}})(spec),
            ),
        ),
        ("affinity-and-priority", _on_template(affinity=AFFINITY, priorityClassName="batch-low")),
        (
            "pod-gc",
            _top(
                podGC={
                    "strategy": "OnPodSuccess",
                    "deleteDelayDuration": "30s",
                    "labelSelector": {
                        "matchLabels": {"team": "data"},
                        "matchExpressions": [{"key": "job", "operator": "Exists"}],
                    },
                }
            ),
        ),
    ],
    "outputs": [
        ("output-to-argument", _outputs("arguments")),
        ("output-in-when", _outputs("when")),
    ],
    "further-fields": [
        (
            "template-fields",
            _further_fields(
                "",
                {
                    "timeout": "2h",
                    "hostAliases": [{"ip": "10.0.0.5", "hostnames": ["warehouse.internal"]}],
                    "schedulerName": "default-scheduler",
                },
            ),
        ),
        (
            "sidecar-fields",
            _further_fields(
                "sidecar",
                {
                    "ports": [{"containerPort": 9102}],
                    "livenessProbe": {"tcpSocket": {"port": 9102}, "periodSeconds": 30},
                },
            ),
        ),
    ],
    "parameters": [
        ("parameters", _parameters(["2026-01-01", "s3://bucket/raw"])),
        ("hostile-parameters", _parameters([HOSTILE["injection"], HOSTILE["combined"]])),
    ],
    "timezone": [
        (f"tz-{zone}", _top(timezone=zone))
        for zone in ("UTC", "Europe/Zurich", "America/Argentina/Buenos_Aires", "Etc/GMT+1")
    ],
    "concurrency": [
        (f"policy-{policy}", _top(concurrencyPolicy=policy))
        for policy in ("Allow", "Forbid", "Replace")
    ],
    "schedules": [
        ("one-schedule", _top(schedule="0 */4 * * *")),
        ("several-schedules", _several_schedules),
        ("descriptor", _top(schedule="@every 1h30m")),
    ],
    "cron-fields": [
        (
            "deadline-and-history",
            _top(startingDeadlineSeconds=0, successfulJobsHistoryLimit=0, failedJobsHistoryLimit=5),
        ),
        ("suspended", _top(suspend=True)),
    ],
    "accounts": [
        ("own-account", _top(serviceAccountName="orchestrator-sa", createServiceAccount=False)),
        (
            "tokenless-orchestrator",
            _top(automountServiceAccountToken=False, executorServiceAccountName="runner"),
        ),
        (
            "tokenless-template",
            _on_template(
                automountServiceAccountToken=False,
                executorServiceAccountName="worker-runner",
                serviceAccountName="worker-sa",
            ),
        ),
        ("shared-account", _shared_account),
    ],
    "security": [
        ("root", _on_template(security={"runAsNonRoot": False, "runAsUser": 0})),
        (
            "escalation-and-capabilities",
            _on_template(
                security={"allowPrivilegeEscalation": True, "addCapabilities": ["NET_BIND_SERVICE"]}
            ),
        ),
        (
            "unconfined",
            _on_template(
                security={"seccompProfile": "Unconfined", "runAsUser": 1000, "runAsGroup": 0}
            ),
        ),
        ("run-as-image-user", _on_template(security={"runAsUser": "image", "fsGroup": 2000})),
    ],
    "metadata": [
        ("labels", _top(labels={"team": "platform", "example.com/cost-center": "42"})),
        ("namespace", _top(namespace="data-pipelines")),
        ("long-names", _long_names),
    ],
    "alerts": [
        ("alerts", _top(alerts=True)),
        (
            "alerts-tuned",
            _top(
                childTimeout="45m",
                alerts={
                    "failuresInARow": 1,
                    "namespaceLabel": "exported_namespace",
                    "labels": {"team": "data"},
                    "ruleLabels": {"release": "kube-prometheus-stack"},
                },
            ),
        ),
    ],
}
ORDER = list(GROUPS)  # stages first: later groups add to whatever stages exist


def build(variants: list[Variant]) -> Spec:
    spec = copy.deepcopy(minimal_spec(templates=[{"name": "worker", "image": "alpine:3.20"}]))
    for _, apply in sorted(variants, key=lambda v: ORDER.index(_group_of(v[0]))):
        apply(spec)
    return honour_contracts(spec)


def _group_of(variant: str) -> str:
    return next(g for g, variants in GROUPS.items() if any(v[0] == variant for v in variants))


def matrix() -> list[tuple[str, Spec]]:
    specs = [("base", build([]))]
    for variants in GROUPS.values():
        specs += [(name, build([(name, apply)])) for name, apply in variants]
    for first, second in itertools.combinations(GROUPS, 2):  # every variant meets the other group
        for index in range(max(len(GROUPS[first]), len(GROUPS[second]))):
            a = GROUPS[first][index % len(GROUPS[first])]
            b = GROUPS[second][index % len(GROUPS[second])]
            specs.append((f"{a[0]} & {b[0]}", build([a, b])))
    widest = max(len(variants) for variants in GROUPS.values())
    for index in range(widest):
        chosen = [variants[index % len(variants)] for variants in GROUPS.values()]
        specs.append((f"all-{index}", build(chosen)))
    return specs


MATRIX = matrix()


@pytest.mark.parametrize("spec", [s for _, s in MATRIX], ids=[n for n, _ in MATRIX])
def test_every_document_conforms(spec, schemas_for):
    check_pipeline(spec, "matrix", schemas_for)


def test_the_matrix_covers_every_option_alone_in_pairs_and_together():
    names = [name for name, _ in MATRIX]
    every_variant = {v[0] for variants in GROUPS.values() for v in variants}
    assert every_variant <= set(names)  # alone
    combined: set[str] = set()
    for index in range(max(len(v) for v in GROUPS.values())):
        combined |= {variants[index % len(variants)][0] for variants in GROUPS.values()}
    assert combined == every_variant  # each one inside a spec with every other group
    pairs = {tuple(name.split(" & ")) for name in names if " & " in name}
    for first, second in itertools.combinations(GROUPS, 2):
        met = {(a, b) for a, b in pairs if _group_of(a) == first and _group_of(b) == second}
        assert {a for a, _ in met} == {v[0] for v in GROUPS[first]}
        assert {b for _, b in met} == {v[0] for v in GROUPS[second]}
    documents = sum(len(pipeline_manifests(spec)) for _, spec in MATRIX)
    assert len(MATRIX) >= 250 and documents >= 2000, (len(MATRIX), documents)


def test_core_kinds_get_kubernetes_validates_verdict(argo_schemas):
    """The schemas are kubernetes-validate's strict files, compiled once: same verdict as its
    own `validate`, on every core document of the matrix and on broken copies of them."""
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    schemas = argo_schemas
    core = {
        json.dumps(d, sort_keys=True): d
        for _, spec in MATRIX[:60]
        for d in pipeline_manifests(spec)
        if d["apiVersion"] in ("v1", "rbac.authorization.k8s.io/v1")
    }
    broken = []
    for document in list(core.values())[:20]:
        misspelled = copy.deepcopy(document)
        misspelled["metadata"]["nmae"] = "x"
        wrong_type = copy.deepcopy(document)
        wrong_type["metadata"]["labels"] = ["not", "a", "map"]
        broken += [misspelled, wrong_type]
    assert len(core) >= 10

    def verdicts(document: Spec) -> tuple[bool, bool]:
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            accepted = True
        except kubernetes_validate.ValidationError:
            accepted = False
        return accepted, schemas.problems(document) == []

    assert all(verdicts(d) == (True, True) for d in core.values())
    assert all(verdicts(d) == (False, False) for d in broken)
