"""`alerts` read back: the metrics it adds to the CronWorkflow and its PrometheusRule.

The importer takes the rendered metrics as `alerts` and reads the thresholds from the rule
(`migrate/prometheus_rule.py`, the inverse of `argo/prometheus_rule.py`); other custom metrics
and rules it did not render are reported, not kept silently.
"""

from __future__ import annotations

import copy

import yaml

from pulumi_argo_orchestration import dump_documents, pipeline_manifests
from pulumi_argo_orchestration.migrate.documents import read_objects
from pulumi_argo_orchestration.migrate.importer import import_input
from pulumi_argo_orchestration.spec.loading import load_pipeline
from tests.conftest import minimal_spec
from tests.support.importing import cannot, refusals

TUNED = {
    "missedRunGrace": "40m",
    "failuresInARow": 5,
    "childOverdueGrace": "2m",
    "namespaceLabel": "exported_namespace",
    "severity": {"missedRun": "info", "failing": "page", "childOverdue": "ticket"},
    "labels": {"team": "data"},
    "ruleLabels": {"release": "kube-prometheus-stack"},
}


def rendered(**fields):
    spec = minimal_spec(
        name="etl",
        namespace="data",
        schedule="30 2 * * *",
        timezone="Europe/Zurich",
        stages=[[{"name": "load", "workflowTemplate": "loader", "timeout": "1h"}]],
        **fields,
    )
    return load_pipeline(spec), pipeline_manifests(spec)


def imported(documents):
    text = dump_documents(documents)
    return import_input(read_objects("in.yaml", list(yaml.safe_load_all(text))))


def test_every_threshold_comes_back_from_the_rule():
    original, documents = rendered(alerts=TUNED)
    result = imported(documents)
    assert cannot(result) == [] and refusals(result) == []
    (pipeline,) = result.pipelines
    assert pipeline.spec.alerts == original.alerts
    assert pipeline_manifests(pipeline.spec) == documents


def test_without_missed_run_rules_missed_runs_is_off():
    original, documents = rendered(alerts={"missedRuns": False, "failuresInARow": 2})
    (pipeline,) = imported(documents).pipelines
    assert pipeline.spec.alerts == original.alerts


def test_metrics_alerts_did_not_render_are_reported():
    _, documents = rendered(alerts=True)
    documents = copy.deepcopy(documents)
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    workflow = cron["spec"]["workflowSpec"]
    workflow["metrics"]["prometheus"][0]["help"] = "something else"
    (spawn,) = [t for t in workflow["templates"] if t["name"] == "spawn-load"]
    spawn["metrics"]["prometheus"][0]["labels"].append({"key": "run", "value": "{{workflow.name}}"})
    result = imported(documents)
    assert cannot(result) == [
        "in.yaml:4:spec.workflowSpec.metrics: custom metrics on the orchestrator: the spec "
        "renders only those its `alerts` read (dropped)",
        "in.yaml:4:spec.workflowSpec.templates[1].metrics: custom metrics on a spawn template: "
        "the spec renders only those its `alerts` read (dropped)",
    ]


def test_a_rule_someone_else_wrote_is_not_imported():
    _, documents = rendered()
    foreign = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "team-rules", "namespace": "data"},
        "spec": {"groups": [{"name": "team", "rules": [{"alert": "X", "expr": "up == 0"}]}]},
    }
    result = imported([*documents, foreign])
    assert refusals(result) == [
        f"in.yaml:{len(documents)}:kind: PrometheusRule is not imported: import reads "
        "CronWorkflow, WorkflowTemplate and ClusterWorkflowTemplate"
    ]
    (pipeline,) = result.pipelines
    assert pipeline.spec.alerts is None
