"""The checks every rendered pipeline must pass, shared by the conformance matrix and the fuzzer.

`check_pipeline` renders a spec and verifies every emitted document: Argo kinds against the
schema.json (closed objects) and CRDs of the Argo version the spec targets, each child manifest on
its own, core kinds with kubernetes-validate in strict mode. It also checks the safety
invariants: no wildcard and no cluster-wide RBAC, restricted pods wherever the spec asks for no
exception (every container, volume and annotation of the pod,
tests/support/pod_security_standard.py) and no violation beyond the exceptions a template names,
and every child manifest through both of Argo's passes (tests/argo_substitution.py). The schemas
come from the `schemas_for` fixture: without `../shared/argo` the test is skipped with the reason
after the other checks ran (failed, with `CI` set), never passed unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from pulumi_argo_orchestration import dump_documents, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.views.conformance import ArgoSchemas, _yaml_loader
from tests.conftest import FIGURES
from tests.support import argo_substitution as argo
from tests.support.pod_security_standard import (
    pod_violations,
    violations_allowed_by,
    workflow_template_pod,
)

_REFERENCE = re.compile(r"\{\{workflow\.parameters\.([-a-zA-Z0-9_]+)\}\}")
RESTRICTED_POD = {
    "runAsNonRoot": True,
    "runAsUser": 65534,
    "runAsGroup": 65534,
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def check_pipeline(
    spec: dict[str, Any], figure: str, schemas_for: Callable[[Any], ArgoSchemas]
) -> list[dict[str, Any]]:
    """Render `spec` and check everything above; counts the documents under `figure`."""
    pipeline = load_pipeline(spec)
    documents = pipeline_manifests(pipeline)
    printed = list(yaml.load_all(dump_documents(documents), Loader=_yaml_loader()))
    assert printed == documents
    FIGURES[f"{figure}: documents rendered"] += len(documents)
    _check_rbac(documents)
    _check_pods(spec, documents)
    _check_children(spec, printed)
    schemas = schemas_for(pipeline)  # skips here (fails in CI) without ../shared/argo
    problems = [p for document in documents for p in schemas.problems(document)]
    assert problems == [], problems
    FIGURES[f"{figure}: documents validated against Argo's schemas and CRDs"] += len(documents)
    return documents


def _check_rbac(documents: list[dict[str, Any]]) -> None:
    kinds = {d["kind"] for d in documents}
    assert not kinds & {"ClusterRole", "ClusterRoleBinding"}
    for role in (d for d in documents if d["kind"] == "Role"):
        for rule in role["rules"]:
            assert all("*" not in item for field in rule.values() for item in field), rule
            assert rule["apiGroups"] == ["argoproj.io"]


def _check_pods(spec: dict[str, Any], documents: list[dict[str, Any]]) -> None:
    security = {t["name"]: t.get("security") for t in spec.get("templates", [])}
    for document in documents:
        if document["kind"] == "CronWorkflow":
            assert document["spec"]["workflowSpec"]["securityContext"] == RESTRICTED_POD
        elif document["kind"] == "WorkflowTemplate":
            exceptions = security[document["metadata"]["name"]]
            pod = workflow_template_pod(document)
            assert pod_violations(pod) <= violations_allowed_by(exceptions or {})
            FIGURES["pods checked against the restricted Pod Security Standard"] += 1
            if exceptions is None:
                assert pod["securityContext"] == RESTRICTED_POD
                for container in [*pod["initContainers"], *pod["containers"]]:
                    assert container["securityContext"] == RESTRICTED_CONTAINER


def _check_children(spec: dict[str, Any], printed: list[dict[str, Any]]) -> None:
    (cron,) = [d for d in printed if d["kind"] == "CronWorkflow"]
    values = {p["name"]: p["value"] for p in spec.get("parameters", [])}
    for stage in spec["stages"]:
        for child in stage:
            for fake in (True, False):
                validated, _ = argo.validate_child(cron, child["name"], fake_arguments=fake)
                assert validated["kind"] == "Workflow"
            made = argo.run_child(cron, child["name"])
            ref = child.get("clusterWorkflowTemplate") or child.get("workflowTemplate")
            assert made["spec"]["workflowTemplateRef"]["name"] == ref
            arguments = made["spec"].get("arguments", {}).get("parameters", [])
            assert [a["name"] for a in arguments] == list(child.get("arguments", {}))
            for argument in arguments:
                expected = _REFERENCE.sub(
                    lambda m: values[m.group(1)], child["arguments"][argument["name"]]
                )
                if "{{" not in expected:  # otherwise Argo reads tags in the value itself
                    assert argument["value"] == expected
            FIGURES["children emulated through Argo's substitution"] += 1
