"""Conformance checks against Argo's own schemas, CRDs and examples in ``../shared/argo``.

Those files are not part of the repository (Apache-2.0 copies kept beside the checkout), so every
test that needs them skips with a clear reason when the directory is absent.
"""

from __future__ import annotations

import copy
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_argo_orchestration.views import conformance
from pulumi_argo_orchestration.views.conformance import (
    KUBERNETES_VERSION,
    ArgoSchemas,
    validate_documents,
)
from tests.conftest import ROOT, SHARED_ARGO, require_shared

ARGO = SHARED_ARGO
ARGO_V35 = ARGO / "v3.5"
EXAMPLES = ARGO / "examples"

CHILD_MANIFEST = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: report-child-
  labels:
    argo-orchestration/parent: '{{workflow.name}}'
spec:
  workflowTemplateRef:
    name: daily-report
  activeDeadlineSeconds: {{inputs.parameters.deadline}}
  arguments:
    parameters:
      - name: report-date
        value: {{=sprig.quote(inputs.parameters['report-date'])}}
"""


def _require_argo(directory: Path = ARGO) -> Path:
    return require_shared(directory)


@pytest.fixture(scope="module")
def schemas() -> ArgoSchemas:
    return ArgoSchemas.load(_require_argo())


@pytest.fixture(scope="module")
def schemas_v35() -> ArgoSchemas:
    return ArgoSchemas.load(_require_argo(ARGO_V35))


def _example_documents() -> list[Any]:
    if not EXAMPLES.is_dir():
        return [pytest.param(None, id="examples-missing")]  # `schemas` skips, or fails in CI
    params = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        for index, document in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8"))):
            if document:
                name = f"{path.relative_to(EXAMPLES)}#{index}"
                params.append(pytest.param(document, id=name))
    return params


def _example(name: str) -> dict[str, Any]:
    path = _require_argo() / "examples" / name
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


def _cron() -> dict[str, Any]:
    return _example("cron-workflow.yaml")


def _with_child(manifest: str, action: str = "create") -> dict[str, Any]:
    cron = _cron()
    cron["spec"]["workflowSpec"]["templates"].append(
        {
            "name": "spawn",
            "inputs": {"parameters": [{"name": "report-date"}, {"name": "deadline"}]},
            "resource": {
                "action": action,
                "manifest": manifest,
                "successCondition": "status.phase == Succeeded",
            },
        }
    )
    return cron


ROLE: dict[str, Any] = {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "Role",
    "metadata": {"name": "orchestrator", "namespace": "argo"},
    "rules": [
        {"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["create", "get"]},
        {"apiGroups": ["argoproj.io"], "resources": ["workflowtaskresults"], "verbs": ["create"]},
    ],
}
SERVICE_ACCOUNT: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "ServiceAccount",
    "metadata": {"name": "orchestrator", "namespace": "argo", "labels": {"app": "nightly"}},
}
ROLE_BINDING: dict[str, Any] = {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "RoleBinding",
    "metadata": {"name": "orchestrator", "namespace": "argo"},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "orchestrator"},
    "subjects": [{"kind": "ServiceAccount", "name": "orchestrator", "namespace": "argo"}],
}


# --- positive cases: Argo's own examples ------------------------------------------------------


@pytest.mark.parametrize("document", _example_documents())
def test_argo_example_passes_strict_mode(schemas: ArgoSchemas, document: dict[str, Any]) -> None:
    assert document is not None, f"Argo's examples are missing: {EXAMPLES}"
    assert schemas.problems(document) == []


def test_examples_cover_every_argo_kind_and_resource_templates() -> None:
    """Guards the parametrised test above against silently checking (almost) nothing."""
    _require_argo()
    documents = [param.values[0] for param in _example_documents()]
    kinds = {document["kind"] for document in documents}
    assert {"CronWorkflow", "Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"} <= kinds
    assert len(documents) >= 50
    manifests = [
        template["resource"]["manifest"]
        for document in documents
        for template in document.get("spec", {}).get("templates", [])
        if "manifest" in template.get("resource", {})
    ]
    assert len(manifests) >= 10


def test_integer_retry_limit_in_examples_needs_the_int_or_string_patch(
    schemas: ArgoSchemas,
) -> None:
    """workflow-template/templates.yaml has ``limit: 10``; raw schema.json types it as string."""
    templates = yaml.safe_load_all(
        (_require_argo() / "examples/workflow-template/templates.yaml").read_text()
    )
    document = next(d for d in templates if "retryStrategy" in str(d))
    assert isinstance(document["spec"]["templates"][0]["retryStrategy"]["limit"], int)
    assert schemas.problems(document) == []
    document["spec"]["templates"][0]["retryStrategy"]["limit"] = 1.5
    assert any("retryStrategy.limit" in p for p in schemas.problems(document))


# --- negative cases: one mutation each ---------------------------------------------------------


def test_misspelled_field_fails(schemas: ArgoSchemas) -> None:
    cron = _cron()
    workflow_spec = cron["spec"]["workflowSpec"]
    workflow_spec["entrypointt"] = workflow_spec.pop("entrypoint")
    problems = schemas.problems(cron)
    assert any(
        p.startswith("CronWorkflow/hello-world: spec.workflowSpec: ")
        and "'entrypointt' was unexpected" in p
        for p in problems
    ), problems


def test_misspelled_metadata_field_fails_but_labels_stay_open(schemas: ArgoSchemas) -> None:
    cron = _cron()
    cron["metadata"]["labels"] = {"app.kubernetes.io/name": "nightly", "anything": "goes"}
    assert schemas.problems(cron) == []
    cron["metadata"]["lables"] = {"app": "nightly"}
    assert any("'lables' was unexpected" in p for p in schemas.problems(cron))


def test_concurrency_policy_must_match_the_crd_enum(schemas: ArgoSchemas) -> None:
    cron = _cron()
    cron["spec"]["concurrencyPolicy"] = "replace"
    problems = schemas.problems(cron)
    assert any(p.startswith("CronWorkflow/hello-world: spec.concurrencyPolicy: ") for p in problems)
    assert all("[CRD]" in p for p in problems), "schema.json has no enum: only the CRD can say"


def test_empty_schedules_fail(schemas: ArgoSchemas) -> None:
    cron = _cron()
    cron["spec"]["schedules"] = []
    assert any("spec.schedules: [] should be non-empty" in p for p in schemas.problems(cron))


def test_schedule_item_must_match_the_crd_pattern(schemas: ArgoSchemas) -> None:
    cron = _cron()
    cron["spec"]["schedules"] = ["0 0 2 * * *"]  # six fields: robfig's ParseStandard rejects it
    assert any("spec.schedules[0]" in p for p in schemas.problems(cron))


def test_singular_schedule_fails_v4_and_passes_v35(
    schemas: ArgoSchemas, schemas_v35: ArgoSchemas
) -> None:
    cron = _cron()
    cron["spec"]["schedule"] = cron["spec"].pop("schedules")[0]
    problems = schemas.problems(cron)
    assert any("'schedule' was unexpected" in p for p in problems), problems
    assert any("'schedules' is a required property [CRD]" in p for p in problems), problems
    assert schemas_v35.problems(cron) == []


def test_plural_schedules_fail_v35(schemas_v35: ArgoSchemas) -> None:
    assert any("'schedules' was unexpected" in p for p in schemas_v35.problems(_cron()))


def test_integer_and_string_quantities_pass(schemas: ArgoSchemas) -> None:
    cron = _cron()
    cron["spec"]["workflowSpec"]["templates"][0]["container"]["resources"] = {
        "requests": {"cpu": 1, "memory": "64Mi"},
        "limits": {"cpu": "500m", "memory": 134217728},
    }
    assert schemas.problems(cron) == []


def test_fractional_cpu_number_is_rejected_by_the_crd(schemas: ArgoSchemas) -> None:
    """The CRD types quantities as int-or-string: write ``"500m"``, not ``0.5``."""
    cron = _cron()
    cron["spec"]["workflowSpec"]["templates"][0]["container"]["resources"] = {
        "requests": {"cpu": 0.5}
    }
    problems = schemas.problems(cron)
    assert problems
    assert all("[CRD]" in p and "resources.requests.cpu" in p for p in problems)


# --- child manifests inside resource templates -------------------------------------------------


def test_child_manifest_with_expression_and_quoted_tags_passes(schemas: ArgoSchemas) -> None:
    assert schemas.problems(_with_child(CHILD_MANIFEST)) == []


def test_child_manifest_misspelled_field_fails_with_path_into_manifest(
    schemas: ArgoSchemas,
) -> None:
    document = _with_child(CHILD_MANIFEST.replace("  arguments:", "  argumentz:"))
    problems = schemas.problems(document)
    prefix = "CronWorkflow/hello-world: spec.workflowSpec.templates[1].resource.manifest: spec: "
    assert any(p.startswith(prefix) and "'argumentz' was unexpected" in p for p in problems), (
        problems
    )


def test_child_manifest_nested_misspelling_reports_nested_path(schemas: ArgoSchemas) -> None:
    document = _with_child(CHILD_MANIFEST.replace("value:", "valeu:"))
    problems = schemas.problems(document)
    where = "templates[1].resource.manifest: spec.arguments.parameters[0]: "
    assert any(where in p and "'valeu' was unexpected" in p for p in problems), problems


def test_child_manifest_invalid_yaml_fails(schemas: ArgoSchemas) -> None:
    broken = CHILD_MANIFEST.replace("  workflowTemplateRef:", "  workflowTemplateRef: [")
    problems = schemas.problems(_with_child(broken))
    assert len(problems) == 1
    assert problems[0].startswith(
        "CronWorkflow/hello-world: spec.workflowSpec.templates[1].resource.manifest: "
        "not valid YAML after replacing {{...}} tags: "
    )


def test_child_manifest_is_unparseable_without_placeholders() -> None:
    """Proves the placeholder step matters: the raw manifest is not YAML, the substituted one is."""
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(CHILD_MANIFEST)
    substituted = conformance._substitute_tags(CHILD_MANIFEST)
    child = yaml.safe_load(substituted)
    assert child["metadata"]["labels"]["argo-orchestration/parent"].startswith(
        "__argo__internal__placeholder-"
    )


def test_placeholders_follow_argo_and_repeat_per_distinct_tag() -> None:
    text = "a: {{= x }}\nb: {{=x}}\nc: '{{workflow.name}}'\nd: {{ workflow.name }}\ne: {{=y}}"
    assert conformance._substitute_tags(text) == (
        "a: __argo__internal__placeholder-0\n"
        "b: __argo__internal__placeholder-0\n"
        "c: '__argo__internal__placeholder-2'\n"
        "d: __argo__internal__placeholder-2\n"
        "e: __argo__internal__placeholder-1"
    )


def test_child_manifest_core_kind_is_checked_by_kubernetes_validate(schemas: ArgoSchemas) -> None:
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n"
    assert schemas.problems(_with_child(config_map)) == []
    problems = schemas.problems(_with_child(config_map.replace("\ndata:", "\ndataa:")))
    assert any("manifest: (root): " in p and "'dataa' was unexpected" in p for p in problems)


def test_child_manifest_needs_a_name(schemas: ArgoSchemas) -> None:
    nameless = CHILD_MANIFEST.replace("  generateName: report-child-\n", "")
    problems = schemas.problems(_with_child(nameless))
    assert any("metadata.name or metadata.generateName is required" in p for p in problems)


def test_patch_manifest_is_only_parsed(schemas: ArgoSchemas) -> None:
    patch = '[{"op": "add", "path": "/metadata/labels/x", "value": "{{workflow.name}}"}]'
    assert schemas.problems(_with_child(patch, action="patch")) == []
    assert schemas.problems(_with_child(patch + "]", action="patch"))


def test_resource_manifest_inside_inline_dag_template_is_checked(schemas: ArgoSchemas) -> None:
    cron = _cron()
    bad = CHILD_MANIFEST.replace("  arguments:", "  argumentz:")
    inline = {"resource": {"action": "create", "manifest": bad}}
    cron["spec"]["workflowSpec"]["templates"].append(
        {"name": "fan-out", "dag": {"tasks": [{"name": "spawn", "inline": inline}]}}
    )
    problems = schemas.problems(cron)
    assert any(
        "spec.workflowSpec.templates[1].dag.tasks[0].inline.resource.manifest: spec: " in p
        for p in problems
    ), problems


# --- core kinds --------------------------------------------------------------------------------


def test_kubernetes_version_is_shipped_by_kubernetes_validate() -> None:
    import kubernetes_validate

    assert kubernetes_validate.validate(SERVICE_ACCOUNT, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("document", [SERVICE_ACCOUNT, ROLE, ROLE_BINDING], ids=lambda d: d["kind"])
def test_valid_core_objects_pass(schemas: ArgoSchemas, document: dict[str, Any]) -> None:
    assert schemas.problems(document) == []


def test_role_with_misspelled_verbs_fails(schemas: ArgoSchemas) -> None:
    role = copy.deepcopy(ROLE)
    role["rules"][0]["verbz"] = role["rules"][0].pop("verbs")
    problems = schemas.problems(role)
    assert any(
        p.startswith("Role/orchestrator: rules[0]: ") and "'verbz' was unexpected" in p
        for p in problems
    ), problems
    assert any("'verbs' is a required property" in p for p in problems), problems


def test_unknown_top_level_kind_is_reported(schemas: ArgoSchemas) -> None:
    problems = schemas.problems(
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    )
    assert len(problems) == 1
    assert problems[0].startswith("Widget/w: (root): ")


# --- API behaviour -----------------------------------------------------------------------------


def test_validate_documents_collects_problems_of_every_document() -> None:
    directory = _require_argo()
    bad_cron = _cron()
    bad_cron["spec"]["suspendd"] = True
    bad_role = copy.deepcopy(ROLE)
    bad_role["rules"][0]["verbz"] = ["get"]
    problems = validate_documents([SERVICE_ACCOUNT, bad_cron, ROLE_BINDING, bad_role], directory)
    assert [p.split(":")[0] for p in problems] == [
        "CronWorkflow/hello-world",
        "Role/orchestrator",
    ]
    assert validate_documents([_cron(), ROLE, ROLE_BINDING, SERVICE_ACCOUNT], directory) == []


def test_load_is_cached_per_resolved_directory() -> None:
    directory = _require_argo()
    first = ArgoSchemas.load(directory)
    before = conformance._load_validators.cache_info().hits
    again = ArgoSchemas.load(directory / "v3.5" / "..")
    assert conformance._load_validators.cache_info().hits == before + 1
    assert again.directory == first.directory


def test_load_rejects_a_directory_without_schemas(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"schema\.json and crds/"):
        ArgoSchemas.load(tmp_path)


def test_validation_never_touches_the_network(
    schemas: ArgoSchemas, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during validation")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    cron = _cron()
    cron["spec"]["workflowSpec"]["podGC"] = {"strategy": "OnPodSuccess"}  # more $refs to follow
    assert schemas.problems(cron) == []
    assert schemas.problems(_with_child(CHILD_MANIFEST)) == []


def test_missing_strict_extra_gives_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "schema.json").write_text("{}")
    (tmp_path / "crds").mkdir()
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    with pytest.raises(ImportError, match=r"pip install 'pulumi-argo-orchestration\[strict\]'"):
        ArgoSchemas.load(tmp_path)


def test_module_imports_without_the_strict_extra() -> None:
    code = (
        "import sys\n"
        "for name in ('jsonschema', 'referencing', 'kubernetes_validate'):\n"
        "    sys.modules[name] = None\n"
        "import pulumi_argo_orchestration.views.conformance as c\n"
        "assert c.KUBERNETES_VERSION\n"
    )
    root = ROOT
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
