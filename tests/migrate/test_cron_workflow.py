"""Hand-written orchestrators read back into pipelines: what maps, what is refused, what changes."""

from __future__ import annotations

import textwrap

import pytest

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.migrate import rendered
from pulumi_argo_orchestration.migrate.importer import DECLARED, IMPORTED, PARTIAL, REFUSED
from tests.support.argo_substitution import run_child
from tests.support.importing import cannot, changes, import_yaml, refusals, spec

# The guide's form: a step calls a resource template that creates a Workflow from a template.
ORCHESTRATOR = """\
apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: nightly
  namespace: jobs
spec:
  schedules: ["0 3 * * *"]
  timezone: UTC
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 1
  suspend: false
  workflowSpec:
    serviceAccountName: nightly-orchestrator
    entrypoint: main
    arguments:
      parameters:
        - {name: day, value: monday}
    templates:
      - name: main
        steps:
          - - name: extract
              template: spawn
              arguments:
                parameters:
                  - {name: template, value: extract}
                  - {name: day, value: "{{workflow.parameters.day}}"}
            - name: audit
              template: spawn
              arguments:
                parameters:
                  - {name: template, value: audit}
                  - {name: day, value: "audit-{{workflow.parameters.day}}"}
          - - name: load
              template: spawn-load
      - name: spawn
        inputs:
          parameters: [{name: template}, {name: day}]
        resource:
          action: create
          setOwnerReference: true
          manifest: |
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: nightly-{{inputs.parameters.template}}-
            spec:
              arguments:
                parameters:
                  - name: day
                    value: {{inputs.parameters.day}}
              workflowTemplateRef:
                name: {{inputs.parameters.template}}
          successCondition: status.phase == Succeeded
          failureCondition: status.phase in (Failed, Error)
      - name: spawn-load
        resource:
          action: create
          setOwnerReference: true
          manifest: |
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: nightly-load-
              namespace: warehouse
            spec:
              arguments:
                parameters:
                  - name: day
                    value: "{{workflow.parameters.day}}"
              workflowTemplateRef: {name: load, clusterScope: true}
              activeDeadlineSeconds: 5400
          successCondition: status.phase == Succeeded
          failureCondition: status.phase in (Failed, Error)
"""


def test_steps_spawning_children_become_stages_with_their_arguments():
    result = import_yaml(ORCHESTRATOR)
    assert refusals(result) == []
    assert cannot(result) == []
    assert spec(result) == {
        "name": "nightly",
        "namespace": "jobs",
        "schedule": "0 3 * * *",
        "timezone": "UTC",
        "concurrencyPolicy": "Forbid",
        "parameters": [{"name": "day", "value": "monday"}],
        "stages": [
            [
                {
                    "name": "extract",
                    "workflowTemplate": "extract",
                    "arguments": {"day": "{{workflow.parameters.day}}"},
                },
                {
                    "name": "audit",
                    "workflowTemplate": "audit",
                    "arguments": {"day": "audit-{{workflow.parameters.day}}"},
                },
            ],
            [
                {
                    "name": "load",
                    "clusterWorkflowTemplate": "load",
                    "namespace": "warehouse",
                    "arguments": {"day": "{{workflow.parameters.day}}"},
                    "timeout": "1h30m",
                }
            ],
        ],
    }


def test_the_children_argo_creates_are_the_same_before_and_after(tmp_path):
    """Through the emulation of Argo's substitution: each step's child Workflow, as created."""
    import yaml

    original = yaml.safe_load(ORCHESTRATOR)
    result = import_yaml(ORCHESTRATOR)
    (cron,) = [
        d for d in pipeline_manifests(result.pipelines[0].spec) if d["kind"] == "CronWorkflow"
    ]
    for step in ("extract", "audit", "load"):
        before, after = run_child(original, step), run_child(cron, step)
        assert after["spec"]["workflowTemplateRef"] == before["spec"]["workflowTemplateRef"]
        assert after["spec"]["arguments"] == before["spec"]["arguments"]
        assert after["spec"].get("activeDeadlineSeconds") == before["spec"].get(
            "activeDeadlineSeconds"
        )


def test_what_the_render_changes_is_listed_with_its_place():
    result = import_yaml(ORCHESTRATOR)
    # Which form of the same owner reference the renderer writes: its own test, below.
    found = [c for c in changes(result) if not c.endswith("(the same owner)")]
    spawn = "in.yaml:0:spec.workflowSpec.templates[1]"
    load = "in.yaml:0:spec.workflowSpec.templates[2]"
    expected = [
        "in.yaml:0:metadata.labels: every object, run and child gets "
        "app.kubernetes.io/part-of=nightly and app.kubernetes.io/managed-by="
        "pulumi-argo-orchestration",
        "in.yaml:0:spec.workflowSpec.securityContext: the orchestrator's pods get the restricted "
        "defaults {runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: "
        "{type: RuntimeDefault}}",
        f"{spawn}.name: the spawn template is named 'spawn-extract': one per child",
        f"{spawn}.resource.manifest:metadata.generateName: "
        "'nightly-{{inputs.parameters.template}}-' becomes 'nightly-extract-'",
        f"{spawn}.resource.manifest:metadata.labels: the child gets the labels "
        "app.kubernetes.io/part-of, app.kubernetes.io/managed-by, argo-orchestration/parent and "
        "argo-orchestration/step, so one selector finds it",
        f"{spawn}.resource.manifest:spec.workflowTemplateRef.name: "
        "'{{inputs.parameters.template}}' is 'extract', the step's argument",
        f"{spawn}.resource.manifest:spec.arguments.parameters[0].value: substituted into the "
        "manifest as text; now a step argument the manifest reads through sprig.quote, so "
        "quotes and newlines cannot rewrite the child (argo #3449)",
        f"{spawn}.name: the spawn template is named 'spawn-audit': one per child",
        f"{spawn}.resource.manifest:metadata.generateName: "
        "'nightly-{{inputs.parameters.template}}-' becomes 'nightly-audit-'",
        f"{spawn}.resource.manifest:spec.workflowTemplateRef.name: "
        "'{{inputs.parameters.template}}' is 'audit', the step's argument",
        f"{load}.resource.manifest:metadata.labels: the child gets the labels "
        "app.kubernetes.io/part-of, app.kubernetes.io/managed-by, argo-orchestration/parent and "
        "argo-orchestration/step, so one selector finds it",
        f"{load}.resource.setOwnerReference: removed: Kubernetes forbids owner references across "
        "namespaces; the child's ttlStrategy deletes it",
        f"{load}.resource.manifest:spec.arguments.parameters[0].value: substituted into the "
        "manifest as text; now a step argument the manifest reads through sprig.quote, so "
        "quotes and newlines cannot rewrite the child (argo #3449)",
        f"{load}.resource.manifest:spec.ttlStrategy: added for a child in another namespace: "
        "{secondsAfterCompletion: 604800, secondsAfterSuccess: 86400} (it cannot be owned by "
        "its run)",
        "in.yaml:0:spec.workflowSpec.serviceAccountName: the spec renders ServiceAccount, Role "
        "and RoleBinding 'nightly-orchestrator': set `createServiceAccount: false` if the "
        "account exists already",
    ]
    assert found == expected


def test_a_different_spelling_of_the_same_owner_is_a_change_only_when_the_render_differs():
    """Argo's `setOwnerReference: true` and `metadata.ownerReferences` written in the manifest
    make the run the same owner; the report says so when the renderer writes the other form."""
    found = [c for c in changes(import_yaml(ORCHESTRATOR)) if c.endswith("(the same owner)")]
    if rendered.ownership().set_owner_reference:
        assert found == []
    else:
        assert found == [
            "in.yaml:0:spec.workflowSpec.templates[1].resource.setOwnerReference: written as "
            "`metadata.ownerReferences` in the manifest (the same owner)"
        ]


def test_a_child_without_an_owner_gets_one_and_the_report_says_so():
    text = ORCHESTRATOR.replace("          setOwnerReference: true\n", "", 1)
    assert (
        "in.yaml:0:spec.workflowSpec.templates[1].resource: the child is now owned by its run, so "
        "the CronWorkflow's history limits delete it with the run"
    ) in changes(import_yaml(text))


def test_an_owner_reference_written_in_the_manifest_is_the_same_owner():
    text = ORCHESTRATOR.replace("          setOwnerReference: true\n", "", 1).replace(
        "              generateName: nightly-{{inputs.parameters.template}}-\n",
        "              generateName: nightly-{{inputs.parameters.template}}-\n"
        "              ownerReferences:\n"
        "                - apiVersion: argoproj.io/v1alpha1\n"
        "                  kind: Workflow\n"
        "                  name: '{{workflow.name}}'\n"
        "                  uid: '{{workflow.uid}}'\n"
        "                  controller: true\n"
        "                  blockOwnerDeletion: true\n",
    )
    result = import_yaml(text)
    assert cannot(result) == []
    assert not [c for c in changes(result) if "the child is now owned by its run" in c]


def test_someone_elses_owner_reference_cannot_be_expressed():
    text = ORCHESTRATOR.replace(
        "              generateName: nightly-{{inputs.parameters.template}}-\n",
        "              generateName: nightly-{{inputs.parameters.template}}-\n"
        "              ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: x, uid: y}]\n",
    )
    assert cannot(import_yaml(text)) == [
        "in.yaml:0:spec.workflowSpec.templates[1].resource.manifest:metadata.ownerReferences: "
        "owner references other than the spawning run's: the spec makes the run own each child "
        "in its namespace, and nothing else"
    ]


def test_a_shared_spawn_template_is_reported_once_for_all_its_steps():
    text = ORCHESTRATOR.replace(
        "        inputs:\n          parameters: [{name: template}, {name: day}]\n",
        "        inputs:\n          parameters: [{name: template}, {name: day}]\n"
        "        retryStrategy: {limit: 2}\n",
    )
    assert cannot(import_yaml(text)) == [
        "in.yaml:0:spec.workflowSpec.templates[1].retryStrategy: no equivalent in the pipeline spec"
    ]


def test_argo_v35_schedule_is_written_as_v4_schedules():
    text = ORCHESTRATOR.replace('schedules: ["0 3 * * *"]', 'schedule: "0 3 * * *"')
    result = import_yaml(text)
    assert spec(result)["schedule"] == "0 3 * * *"
    assert "argoVersion" not in spec(result)
    assert (
        "in.yaml:0:spec.schedule: Argo v3.5's spelling: written as v4's `schedules: [...]` "
        '(`argoVersion: "3.5"` keeps `schedule`)'
    ) in changes(result)
    (cron,) = [
        d for d in pipeline_manifests(result.pipelines[0].spec) if d["kind"] == "CronWorkflow"
    ]
    assert cron["spec"]["schedules"] == ["0 3 * * *"]


def test_dag_tasks_with_depends_become_tasks_with_depends_on():
    text = """\
    apiVersion: argoproj.io/v1alpha1
    kind: CronWorkflow
    metadata: {name: etl, namespace: data}
    spec:
      schedules: ["@daily"]
      timezone: UTC
      workflowSpec:
        entrypoint: flow
        onExit: spawn-notify
        arguments: {parameters: [{name: env, value: prod}]}
        templates:
          - name: flow
            parallelism: 2
            dag:
              tasks:
                - {name: a, template: spawn-a}
                - {name: b, template: spawn-a, depends: a, continueOn: {failed: true}}
                - name: c
                  template: spawn-a
                  depends: "a && b"
                  when: "{{workflow.parameters.env}} == prod"
                - {name: d, template: spawn-a, depends: "a.Failed || b"}
          - name: spawn-a
            resource:
              action: create
              manifest: |
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {generateName: a-}
                spec: {workflowTemplateRef: {name: work}, activeDeadlineSeconds: 600}
              successCondition: status.phase == Succeeded
              failureCondition: status.phase in (Failed, Error)
          - name: spawn-notify
            resource:
              action: create
              manifest: |
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {generateName: n-}
                spec: {workflowTemplateRef: {name: notify}, activeDeadlineSeconds: 60}
              successCondition: status.phase == Succeeded
              failureCondition: status.phase in (Failed, Error)
    """
    result = import_yaml(text)
    assert cannot(result) == [
        "in.yaml:0:spec.workflowSpec.templates[0].dag.tasks[3].depends: 'a.Failed || b': only "
        "task names joined by `&&` map to `dependsOn`"
    ]
    assert spec(result)["maxParallel"] == 2
    assert spec(result)["childTimeout"] == "10m"
    assert spec(result)["tasks"] == [
        {"name": "a", "workflowTemplate": "work"},
        {"name": "b", "workflowTemplate": "work", "dependsOn": ["a"], "optional": True},
        {
            "name": "c",
            "workflowTemplate": "work",
            "dependsOn": ["a", "b"],
            "when": "{{workflow.parameters.env}} == prod",
        },
        {"name": "d", "workflowTemplate": "work"},
    ]
    assert spec(result)["onExit"] == {
        "name": "notify",
        "workflowTemplate": "notify",
        "timeout": "1m",
    }
    assert (
        "in.yaml:0:spec.workflowSpec.templates[2]: the exit handler is a steps template "
        "'exit-handler' whose one step spawns the child"
    ) in changes(result)


@pytest.mark.parametrize(
    ("workflow_spec", "refusal"),
    [
        (
            "{workflowTemplateRef: {name: job}}",
            "in.yaml:0:spec.workflowSpec.workflowTemplateRef: each run instantiates the template "
            "'job' itself, which spawns no child Workflow: not an orchestrator (import that "
            "template's orchestration, if it has one)",
        ),
        (
            "{entrypoint: main, templates: [{name: main, container: {image: alpine}}]}",
            "in.yaml:0:spec.workflowSpec.templates[0].container: the entry template 'main' runs "
            "a container itself, with no steps or DAG spawning children: not an orchestrator",
        ),
        (
            "{entrypoint: main, templates: [{name: main, steps: [[{name: a, template: b}]]}, "
            "{name: b, container: {image: alpine}}]}",
            "in.yaml:0:spec.workflowSpec: not an orchestrator: no step creates a Workflow from a "
            "WorkflowTemplate with a resource template, and the spec's runs only spawn such "
            "children",
        ),
        (
            "{entrypoint: nowhere, templates: []}",
            "in.yaml:0:spec.workflowSpec.entrypoint: no entry template 'nowhere'",
        ),
    ],
)
def test_a_cron_workflow_that_spawns_no_child_is_refused(workflow_spec, refusal):
    text = f"""\
    apiVersion: argoproj.io/v1alpha1
    kind: CronWorkflow
    metadata: {{name: job, namespace: jobs}}
    spec:
      schedules: ["@daily"]
      workflowSpec: {workflow_spec}
    """
    result = import_yaml(text)
    assert refusals(result) == [refusal]
    assert result.pipelines == []
    assert [d.outcome for d in result.documents] == [REFUSED]


def test_a_step_that_runs_something_else_is_dropped_and_listed():
    text = ORCHESTRATOR.replace(
        "          - - name: load\n              template: spawn-load\n",
        "          - - name: load\n              template: spawn-load\n"
        "            - name: notify\n              templateRef: {name: tools, template: slack}\n",
    )
    result = import_yaml(text)
    assert cannot(result) == [
        "in.yaml:0:spec.workflowSpec.templates[0].steps[1][1]: step 'notify' runs `templateRef` "
        "in the orchestrator instead of spawning a child Workflow: the spec's steps only spawn "
        "children (dropped)"
    ]
    assert [d.outcome for d in result.documents] == [PARTIAL]
    assert [child["name"] for child in spec(result)["stages"][1]] == ["load"]


def test_a_value_only_the_spawn_template_knows_cannot_move_to_the_step():
    text = ORCHESTRATOR.replace(
        "                    value: {{inputs.parameters.day}}\n",
        "                    value: {{inputs.parameters.day}}\n"
        "                  - name: pod\n"
        "                    value: '{{pod.name}}'\n",
    )
    assert cannot(import_yaml(text)) == [
        "in.yaml:0:spec.workflowSpec.templates[1].resource.manifest:spec.arguments.parameters[1]"
        ".value: {{pod.name}} reads the spawn template's own variables: it cannot move to the "
        "step that passes the child's arguments"
    ]


def test_what_the_model_refuses_is_reported_where_it_came_from():
    text = ORCHESTRATOR.replace("          - - name: extract\n", "          - - name: Extract\n")
    result = import_yaml(text)
    assert refusals(result) == [
        "in.yaml:0:spec.workflowSpec.templates[0].steps[0][0].name: 'Extract' must be a "
        "lowercase DNS-1123 label: a-z, 0-9 and '-', starting and ending with a letter or digit "
        "(try 'extract') (spec field stages[0][0].name)"
    ]
    assert result.pipelines == []


def test_a_template_the_children_use_becomes_the_pipelines_and_contracts_are_checked():
    template = """\
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: WorkflowTemplate
    metadata: {name: extract, namespace: jobs}
    spec:
      entrypoint: run
      templates:
        - name: run
          inputs: {parameters: [{name: day}, {name: table}]}
          container: {image: alpine, args: ["{{inputs.parameters.table}}"]}
    """
    result = import_yaml(ORCHESTRATOR + textwrap.dedent(template))
    assert refusals(result) == [
        "in.yaml:0:spec.workflowSpec.templates[0].steps[0][0]: child 'extract' does not pass "
        "parameter 'table', which WorkflowTemplate 'extract' requires (it has no default) (spec "
        "field stages[0][0].arguments)",
        "in.yaml:1: not imported: its pipeline 'nightly' is refused",
    ]
    assert [d.outcome for d in result.documents] == [REFUSED, REFUSED]


def test_templates_are_attached_shared_or_declared_as_the_children_use_them():
    templates = """\
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: WorkflowTemplate
    metadata: {name: extract, namespace: jobs}
    spec:
      entrypoint: run
      templates:
        - name: run
          inputs: {parameters: [{name: day}]}
          container: {image: alpine, args: ["{{inputs.parameters.day}}"]}
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: WorkflowTemplate
    metadata: {name: audit, namespace: jobs}
    spec:
      entrypoint: run
      arguments: {parameters: [{name: day}, {name: mode, value: full}]}
      templates:
        - name: run
          steps: [[{name: a, template: b}]]
        - name: b
          container: {image: alpine}
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: ClusterWorkflowTemplate
    metadata: {name: load}
    spec:
      entrypoint: run
      templates:
        - name: run
          inputs: {parameters: [{name: day}]}
          container: {image: alpine}
    """
    result = import_yaml(ORCHESTRATOR + textwrap.dedent(templates))
    outcomes = [(d.outcome, d.result) for d in result.documents]
    assert outcomes == [
        (IMPORTED, "pipeline nightly"),
        (IMPORTED, "a template of pipeline nightly"),
        (DECLARED, "an externalTemplates entry of nightly"),
        (DECLARED, "an externalTemplates entry of nightly"),
    ]
    imported = spec(result)
    assert [t["name"] for t in imported["templates"]] == ["extract"]
    assert imported["templates"][0]["args"] == ["{{workflow.parameters.day}}"]
    assert imported["externalTemplates"] == [
        {"name": "audit", "parameters": [{"name": "day"}, {"name": "mode", "hasDefault": True}]},
        {"name": "load", "clusterScope": True, "parameters": [{"name": "day"}]},
    ]


# --- orchestrator templates, calendars and windows ---


def rendered_text(**spec_fields):
    from pulumi_argo_orchestration import dump_documents
    from tests.conftest import minimal_spec

    return dump_documents(pipeline_manifests(minimal_spec(**spec_fields)))


def test_calendar_window_and_the_specs_own_when_come_back():
    fields = {
        "timezone": "Europe/Zurich",
        "when": "{{= cronworkflow.failed < 3 }}",
        "window": {"length": "4h"},
        "calendar": {"skipDates": ["2026-12-25"], "lastDayOfMonth": True},
        "parameters": [{"name": "region", "value": "eu"}],
        "orchestratorTemplate": True,
    }
    result = import_yaml(rendered_text(**fields))
    assert refusals(result) == cannot(result) == []
    imported = spec(result)
    assert imported["when"] == "{{= cronworkflow.failed < 3 }}"
    assert imported["window"] == {"length": "4h"}
    assert imported["calendar"] == {"skipDates": ["2026-12-25"], "lastDayOfMonth": True}
    assert imported["parameters"] == [{"name": "region", "value": "eu"}]  # not the window's
    assert imported["orchestratorTemplate"] is True
    outcomes = {(d.kind, d.result) for d in result.documents}
    assert ("WorkflowTemplate", "the orchestrator of pipeline nightly") in outcomes


def test_an_annotation_that_is_not_a_calendar_is_dropped_and_listed():
    text = rendered_text(calendar={"skipDates": ["2026-12-25"]}).replace(
        '{"skipDates":["2026-12-25"]}', '{"skipDates":["25.12."]}'
    )
    result = import_yaml(text)
    assert cannot(result) == [
        "in.yaml:3:metadata.annotations['argo-orchestration/calendar']: not the `calendar` of a "
        "spec: dropped"
    ]
