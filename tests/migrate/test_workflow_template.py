"""WorkflowTemplates read back into spec templates: container, parameters, retries, security."""

from __future__ import annotations

from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.migrate.importer import IMPORTED, PARTIAL, REFUSED
from pulumi_argo_orchestration.migrate.spec_text import shared_template_spec
from tests.support.importing import cannot, changes, import_yaml, refusals

TEMPLATE = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: extract
  namespace: data
  labels: {team: data}
spec:
  entrypoint: run
  serviceAccountName: etl
  nodeSelector: {kubernetes.io/os: linux}
  tolerations: [{key: dedicated, operator: Equal, value: etl, effect: NoSchedule}]
  imagePullSecrets: [{name: registry}]
  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000}
  arguments:
    parameters: [{name: source, value: s3://raw, description: where from}]
  templates:
    - name: run
      inputs:
        parameters: [{name: source}, {name: day, default: today}]
      activeDeadlineSeconds: 3600
      retryStrategy:
        limit: "4"
        retryPolicy: OnTransientError
        backoff: {duration: 30, factor: "2", maxDuration: 10m}
      container:
        image: python:3.12-slim
        command: [python, -c]
        args: ["print('{{inputs.parameters.source}}', '{{inputs.parameters.day}}')"]
        env:
          - {name: TOKEN, valueFrom: {secretKeyRef: {name: warehouse, key: token}}}
          - {name: DAY, value: "{{inputs.parameters.day}}"}
        resources: {requests: {cpu: 100m}, limits: {memory: 128Mi}}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
"""


def test_a_container_template_maps_field_by_field():
    result = import_yaml(TEMPLATE)
    assert refusals(result) == []
    assert cannot(result) == []
    (template,) = result.templates
    assert shared_template_spec(template.spec) == {
        "name": "extract",
        "namespace": "data",
        "image": "python:3.12-slim",
        "command": ["python", "-c"],
        "args": ["print('{{workflow.parameters.source}}', '{{workflow.parameters.day}}')"],
        "parameters": [
            {"name": "source", "value": "s3://raw", "description": "where from"},
            {"name": "day", "value": "today"},
        ],
        "env": [
            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "warehouse", "key": "token"}}},
            {"name": "DAY", "value": "{{workflow.parameters.day}}"},
        ],
        "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "128Mi"}},
        "retryStrategy": {
            "limit": 4,
            "retryPolicy": "OnTransientError",
            "backoff": {"duration": "30", "factor": 2, "maxDuration": "10m"},
        },
        "activeDeadlineSeconds": 3600,
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [
            {"key": "dedicated", "operator": "Equal", "value": "etl", "effect": "NoSchedule"}
        ],
        "imagePullSecrets": ["registry"],
        "serviceAccountName": "etl",
        "security": {"runAsUser": 1000, "addCapabilities": ["NET_BIND_SERVICE"]},
        "labels": {"team": "data"},
    }


def test_the_rendered_template_keeps_the_inputs_security_settings():
    result = import_yaml(TEMPLATE)
    (template,) = result.templates
    (rendered,) = [
        d for d in shared_template_manifests(template.spec) if d["kind"] == "WorkflowTemplate"
    ]
    assert rendered["spec"]["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "runAsGroup": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    container = rendered["spec"]["templates"][0]["container"]["securityContext"]
    assert container["capabilities"] == {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
    assert (
        "in.yaml:0:spec.templates[0].container.securityContext: restricted Pod Security "
        "defaults: seccompProfile: {type: RuntimeDefault}"
    ) in changes(result)


def test_security_settings_the_spec_has_no_field_for_are_listed():
    text = TEMPLATE.replace(
        "  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000}",
        "  securityContext: {runAsUser: 1000, fsGroup: 2000, seccompProfile: {type: Localhost}}",
    ).replace("          allowPrivilegeEscalation: false", "          privileged: true")
    result = import_yaml(text)
    assert cannot(result) == [
        "in.yaml:0:spec.securityContext.seccompProfile: {type: Localhost}: rendered as "
        "{type: RuntimeDefault}",
        "in.yaml:0:spec.templates[0].container.securityContext.privileged: no equivalent in the "
        "pipeline spec",
    ]
    assert [d.outcome for d in result.documents] == [PARTIAL]


def test_container_fields_and_pod_volumes_are_carried_over():
    text = TEMPLATE.replace(
        "        image: python:3.12-slim\n",
        "        image: python:3.12-slim\n        workingDir: /work\n"
        "        volumeMounts: [{name: scratch, mountPath: /scratch}]\n",
    ).replace("  templates:\n", "  volumes: [{name: scratch, emptyDir: {}}]\n  templates:\n")
    result = import_yaml(text)
    assert cannot(result) == []
    (template,) = result.templates
    assert template.spec.working_dir == "/work"
    assert [m.mount_path for m in template.spec.volume_mounts] == ["/scratch"]
    assert [v.name for v in template.spec.volumes] == ["scratch"]
    (document,) = result.documents
    assert "in.yaml:0:spec.volumes: written on the entry template" in "\n".join(
        str(f) for f in document.findings.changes
    )


def test_fields_without_a_typed_place_become_further_fields_unless_refused_there():
    text = TEMPLATE.replace(
        "        image: python:3.12-slim\n",
        "        image: python:3.12-slim\n        ports: [{containerPort: 8080}]\n"
        "        lifecycle: {preStop: {httpGet: {port: 80, host: example.com}}}\n",
    ).replace(
        "      container:\n", "      podSpecPatch: '{}'\n      timeout: 1h\n      container:\n"
    )
    result = import_yaml(text)
    assert cannot(result) == [
        "in.yaml:0:spec.templates[0].container.lifecycle: naming a host is refused: the Pod "
        "Security Standard forbids it in probes and lifecycle handlers (the pod's own address "
        "is used)",
        "in.yaml:0:spec.templates[0].podSpecPatch: cannot be set here: a pod spec patch can "
        "change anything in the pod (host namespaces, privileged containers) unseen by the pod "
        "security checks: use the typed fields and `argo:`",
    ]
    (template,) = result.templates
    assert template.spec.argo == {
        "container": {"ports": [{"containerPort": 8080}]},
        "timeout": "1h",
    }


def test_a_template_without_entrypoint_is_reachable_only_by_template_ref():
    text = """\
    apiVersion: argoproj.io/v1alpha1
    kind: WorkflowTemplate
    metadata: {name: tools}
    spec:
      templates:
        - name: slack
          container: {image: curlimages/curl}
    """
    result = import_yaml(text)
    assert cannot(result) == [
        "in.yaml:0:spec.entrypoint: no entrypoint, so only `templateRef: {name: tools, template: "
        "slack}` could run it; the rendered template's entry is 'main'"
    ]
    assert [d.outcome for d in result.documents] == [PARTIAL]


def test_steps_or_a_dag_as_entry_are_refused_but_the_parameters_are_still_read():
    text = """\
    apiVersion: argoproj.io/v1alpha1
    kind: WorkflowTemplate
    metadata: {name: pipeline, namespace: data}
    spec:
      entrypoint: main
      arguments: {parameters: [{name: day}]}
      templates:
        - name: main
          inputs: {parameters: [{name: mode, value: full}]}
          steps: [[{name: a, template: work}]]
        - name: work
          container: {image: alpine}
    """
    result = import_yaml(text)
    assert refusals(result) == [
        "in.yaml:0:spec.templates[0].steps: the entry template 'main' has `steps`: a spec "
        "template is one container"
    ]
    assert [d.outcome for d in result.documents] == [REFUSED]
    assert result.templates == []


def test_a_cluster_workflow_template_is_never_created():
    text = TEMPLATE.replace("kind: WorkflowTemplate", "kind: ClusterWorkflowTemplate")
    result = import_yaml(text)
    assert refusals(result) == [
        "in.yaml:0:kind: the spec creates namespaced WorkflowTemplates only: a child that uses "
        "it declares it under `externalTemplates` (clusterScope: true), and it stays deployed "
        "as it is"
    ]


def test_a_template_the_model_refuses_is_reported_where_it_came_from():
    text = TEMPLATE.replace(
        "args: [\"print('{{inputs.parameters.source}}'",
        "args: [\"print('{{workflow.parameters.nope}}'",
    )
    result = import_yaml(text)
    assert refusals(result) == [
        "in.yaml:0:spec.templates[0].container.args[0]: references undeclared parameter 'nope': "
        "declare it in the template's `parameters` (spec field args[0])"
    ]
    assert [d.outcome for d in result.documents] == [REFUSED]


def test_our_own_template_comes_back_without_changes():
    result = import_yaml(TEMPLATE)
    (template,) = result.templates
    documents = shared_template_manifests(template.spec)
    from pulumi_argo_orchestration.argo.yaml_text import dump_documents

    again = import_yaml(dump_documents(documents))
    assert changes(again) == []
    assert [d.outcome for d in again.documents] == [IMPORTED]
    (same,) = again.templates
    assert same.spec == template.spec.model_copy(update={"create_service_account": True})
