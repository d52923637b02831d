"""`alerts:`: the PrometheusRule, the Argo custom metrics it reads, and Prometheus' verdict on both.

The rules are checked with promtool (`check rules --lint-fatal`) and run against synthetic series
(`test rules`) that show each alert firing and not firing. The series follow what Argo exports:
`argo_workflows_cronworkflows_triggered_total{name, namespace}` grows by one per submitted run
(`workflow/cron/operator.go`, `run`), a restarted controller starts a new series, the custom
gauges carry the labels the manifests declare.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, pipeline_manifests
from pulumi_argo_orchestration.argo import metrics, prometheus_rule
from pulumi_argo_orchestration.argo.manifests import render_pipeline
from tests.conftest import minimal_spec
from tests.support import promtool

STAGES = [
    [
        {"name": "sync-users", "workflowTemplate": "user-sync", "timeout": "30m"},
        {"name": "sync-config", "workflowTemplate": "config-sync"},
    ]
]


def spec(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "parallel-sync",
        "namespace": "argo-workflows",
        "schedule": "0 */4 * * *",
        "timezone": "Europe/Zurich",
        "concurrencyPolicy": "Forbid",
        "stages": STAGES,
        "alerts": True,
    }
    return minimal_spec(**{**fields, **overrides})


def kinds(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in documents if d["kind"] == kind]


def the_rule(**overrides: Any) -> dict[str, Any]:
    (rule,) = kinds(pipeline_manifests(spec(**overrides)), "PrometheusRule")
    return rule


def rules_by_alert(rule: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in rule["spec"]["groups"][0]["rules"]:
        found.setdefault(entry["alert"], []).append(entry)
    return found


# --- what is emitted ------------------------------------------------------------------------------


def test_no_alerts_no_rule_and_no_metrics():
    documents = pipeline_manifests(spec(alerts=False))
    assert kinds(documents, "PrometheusRule") == []
    (cron,) = kinds(documents, "CronWorkflow")
    workflow = cron["spec"]["workflowSpec"]
    assert "metrics" not in workflow
    assert all("metrics" not in template for template in workflow["templates"])


def test_the_rule_object():
    rule = the_rule(labels={"team": "platform"}, alerts={"ruleLabels": {"release": "kps"}})
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["metadata"] == {
        "name": "parallel-sync",
        "namespace": "argo-workflows",
        "labels": {
            "app.kubernetes.io/part-of": "parallel-sync",
            "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
            "team": "platform",
            "release": "kps",
        },
    }
    (group,) = rule["spec"]["groups"]
    assert group["name"] == "argo-orchestration.argo-workflows.parallel-sync"
    assert {alert: len(entries) for alert, entries in rules_by_alert(rule).items()} == {
        "ArgoOrchestrationRunMissed": 2,
        "ArgoOrchestrationRunSkipped": 1,
        "ArgoOrchestrationRunsFailing": 1,
        "ArgoOrchestrationChildOverdue": 1,  # only sync-users has a timeout
    }


def test_the_missed_run_window_is_the_longest_gap_plus_the_grace():
    # 0 */4 in Europe/Zurich waits five hours when the clocks go back (2026-10-25 00:00 -> 04:00).
    missed = rules_by_alert(the_rule())["ArgoOrchestrationRunMissed"]
    assert "[5h15m]" in missed[0]["expr"] and "offset 5h15m" in missed[0]["expr"]
    assert missed[1]["for"] == "5h15m"
    assert missed[1]["expr"] == (
        'absent(argo_workflows_cronworkflows_triggered_total{namespace="argo-workflows", '
        'name="parallel-sync"})\n'
    )
    longer = rules_by_alert(the_rule(alerts={"missedRunGrace": "1h"}))
    assert longer["ArgoOrchestrationRunMissed"][1]["for"] == "6h"
    utc = rules_by_alert(the_rule(timezone="UTC"))
    assert utc["ArgoOrchestrationRunMissed"][1]["for"] == "4h15m"


def test_thresholds_labels_and_severities_are_tunable():
    rule = the_rule(
        alerts={
            "failuresInARow": 2,
            "childOverdueGrace": "0s",
            "namespaceLabel": "exported_namespace",
            "severity": {"missedRun": "info", "failing": "page", "childOverdue": "ticket"},
            "labels": {"team": "platform"},
        }
    )
    found = rules_by_alert(rule)
    (failing,) = found["ArgoOrchestrationRunsFailing"]
    assert failing["expr"].endswith(") >= 2\n")
    assert failing["labels"] == {
        "severity": "page",
        "pipeline": "parallel-sync",
        "team": "platform",
    }
    assert 'exported_namespace="argo-workflows"' in found["ArgoOrchestrationRunMissed"][0]["expr"]
    assert "by (exported_namespace, name)" in found["ArgoOrchestrationRunMissed"][0]["expr"]
    assert found["ArgoOrchestrationRunMissed"][0]["labels"]["severity"] == "info"
    (overdue,) = found["ArgoOrchestrationChildOverdue"]
    assert ") > 1800\n" in overdue["expr"]
    assert overdue["labels"] == {
        "severity": "ticket",
        "pipeline": "parallel-sync",
        "step": "sync-users",
        "team": "platform",
    }


def test_replace_alerts_on_a_replaced_run_and_allow_on_neither():
    replaced = rules_by_alert(the_rule(concurrencyPolicy="Replace"))
    (entry,) = replaced["ArgoOrchestrationRunReplaced"]
    assert 'concurrency_policy="Replace"' in entry["expr"]
    assert "its exit handler did not run" in entry["annotations"]["summary"]
    allowed = rules_by_alert(the_rule(concurrencyPolicy="Allow"))
    assert not {"ArgoOrchestrationRunReplaced", "ArgoOrchestrationRunSkipped"} & set(allowed)


def test_missed_runs_can_be_turned_off_and_are_off_while_suspended():
    assert "ArgoOrchestrationRunMissed" not in rules_by_alert(
        the_rule(alerts={"missedRuns": False})
    )
    rendered = render_pipeline(spec(suspend=True))
    (rule,) = kinds(rendered.documents, "PrometheusRule")
    assert set(rules_by_alert(rule)) == {
        "ArgoOrchestrationRunsFailing",
        "ArgoOrchestrationChildOverdue",
    }
    assert (
        "parallel-sync: `alerts`: no missed-run alert while `suspend: true` (a suspended "
        "CronWorkflow starts no run)"
    ) in rendered.warnings


def test_when_and_stop_strategy_warn_that_skipped_runs_look_missed():
    rendered = render_pipeline(spec(when="{{= cronworkflow.failed < 3 }}"))
    assert (
        "parallel-sync: `alerts`: runs that `when` skips start nothing, so the missed-run alert "
        "fires for them; set `alerts.missedRuns: false` if they are expected"
    ) in rendered.warnings
    quiet = render_pipeline(
        spec(when="{{= cronworkflow.failed < 3 }}", alerts={"missedRuns": False})
    )
    assert not [w for w in quiet.warnings if "`alerts`" in w]


def test_a_schedule_that_never_repeats_gets_no_missed_run_alert_and_a_warning():
    rendered = render_pipeline(spec(schedule="0 0 30 2 *"))
    (rule,) = kinds(rendered.documents, "PrometheusRule")
    assert "ArgoOrchestrationRunMissed" not in rules_by_alert(rule)
    assert (
        "parallel-sync: `alerts`: the schedule fires fewer than twice in eight years, so there "
        "is no missed-run alert"
    ) in rendered.warnings


def test_every_child_with_a_timeout_gets_an_overdue_rule():
    rule = the_rule(
        childTimeout="2h",
        onExit={"name": "notify", "workflowTemplate": "notify", "timeout": "5m"},
    )
    overdue = rules_by_alert(rule)["ArgoOrchestrationChildOverdue"]
    limits = {
        entry["labels"]["step"]: int(re.search(r"\) > (\d+)\n", entry["expr"]).group(1))
        for entry in overdue
    }
    assert limits == {"sync-users": 2100, "sync-config": 7500, "notify": 600}


# --- the metrics the rules read ------------------------------------------------------------------


def test_the_orchestrator_counts_failed_runs_since_the_last_success():
    (cron,) = kinds(pipeline_manifests(spec()), "CronWorkflow")
    labels = [
        {"key": "pipeline", "value": "parallel-sync"},
        {"key": "pipeline_namespace", "value": "argo-workflows"},
    ]
    help_text = "Runs of an argo-orchestration pipeline that failed since its last successful run"
    assert cron["spec"]["workflowSpec"]["metrics"] == {
        "prometheus": [
            {
                "name": "orchestration_consecutive_failures",
                "help": help_text,
                "labels": labels,
                "when": "{{workflow.status}} != Succeeded",
                "gauge": {"realtime": False, "operation": "Add", "value": "1"},
            },
            {
                "name": "orchestration_consecutive_failures",
                "help": help_text,
                "labels": labels,
                "when": "{{workflow.status}} == Succeeded",
                "gauge": {"realtime": False, "operation": "Set", "value": "0"},
            },
        ]
    }


def test_each_spawn_template_with_a_timeout_measures_its_step_in_real_time():
    (cron,) = kinds(pipeline_manifests(spec()), "CronWorkflow")
    templates = {t["name"]: t for t in cron["spec"]["workflowSpec"]["templates"]}
    assert templates["spawn-sync-users"]["metrics"] == {
        "prometheus": [
            {
                "name": "orchestration_step_duration_seconds",
                "help": (
                    "Seconds an argo-orchestration step has been waiting for its child Workflow"
                ),
                "labels": [
                    {"key": "pipeline", "value": "parallel-sync"},
                    {"key": "pipeline_namespace", "value": "argo-workflows"},
                    {"key": "step", "value": "sync-users"},
                ],
                "gauge": {"realtime": True, "value": "{{duration}}"},
            }
        ]
    }
    assert "metrics" not in templates["spawn-sync-config"]  # no timeout: no rule reads it
    assert "metrics" not in templates["main"]


def _all_metrics(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    (cron,) = kinds(documents, "CronWorkflow")
    workflow = cron["spec"]["workflowSpec"]
    found = list(workflow["metrics"]["prometheus"])
    for template in workflow["templates"]:
        found += (template.get("metrics") or {}).get("prometheus", [])
    return found


def test_metric_names_labels_and_help_follow_argos_rules():
    """workflow/metrics/util.go IsValidMetricName; one help text per name (metrics_custom.go)."""
    first = _all_metrics(pipeline_manifests(spec()))
    other = _all_metrics(
        pipeline_manifests(spec(name="other", namespace="data", stages=[STAGES[0][:1]]))
    )
    helps: dict[str, set[str]] = {}
    for metric in first + other:
        assert re.fullmatch(metrics.VALID_NAME, metric["name"]), metric["name"]
        for label in metric["labels"]:
            assert re.fullmatch(metrics.VALID_NAME, label["key"]), label["key"]
            assert label["key"] != "namespace"
        assert "realtime" in metric["gauge"]  # required by Argo's schema and CRDs
        if metric["gauge"]["realtime"]:
            assert metric["gauge"]["value"] == "{{duration}}"
        helps.setdefault(metric["name"], set()).add(metric["help"])
    assert {name: len(texts) for name, texts in helps.items()} == {
        "orchestration_consecutive_failures": 1,
        "orchestration_step_duration_seconds": 1,
    }


def test_the_rules_read_the_names_argo_exports():
    text = yaml.safe_dump(the_rule())
    used = set(re.findall(r"argo_workflows_[a-z_]+", text))
    assert used == {
        "argo_workflows_cronworkflows_triggered_total",
        "argo_workflows_cronworkflows_concurrencypolicy_triggered",
        "argo_workflows_orchestration_consecutive_failures",
        "argo_workflows_orchestration_step_duration_seconds",
    }


def test_argo_v35_is_refused():
    with pytest.raises(SpecError) as caught:
        pipeline_manifests(spec(argoVersion="3.5"))
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "alerts",
            "`alerts` needs Argo v3.6 or later and `argoVersion` is '3.5': the missed-run alert "
            "reads argo_workflows_cronworkflows_triggered_total, which v3.5's controller does "
            "not export",
        )
    ]


def test_the_documents_pass_argos_schemas_and_the_operators_crd(argo_schemas):
    documents = pipeline_manifests(
        spec(onExit={"name": "notify", "workflowTemplate": "notify", "timeout": "5m"})
    )
    assert [p for document in documents for p in argo_schemas.problems(document)] == []


def test_the_prometheus_rule_schema_catches_typos_and_bad_durations(argo_schemas):
    rule = the_rule()
    group = rule["spec"]["groups"][0]
    group["rules"][1]["for"] = "5h 15m"
    group["rules"][2]["fro"] = "1m"
    rule["spec"]["groups"].append({"name": group["name"], "rules": []})
    source = "[prometheus-operator 0.82.2 PrometheusRule CRD]"
    assert argo_schemas.problems(rule) == [
        "PrometheusRule/parallel-sync: spec.groups[0].rules[1].for: '5h 15m' does not match "
        "'^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?"
        f"(([0-9]+)ms)?)$' {source}",
        "PrometheusRule/parallel-sync: spec.groups[0].rules[2]: Additional properties are not "
        f"allowed ('fro' was unexpected) {source}",
        "PrometheusRule/parallel-sync: spec.groups[1].name: duplicate group name "
        f"'argo-orchestration.argo-workflows.parallel-sync' {source}",
    ]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (59, "59s"), (900, "15m"), (18900, "5h15m"), (169200 + 900, "1d23h15m")],
)
def test_prometheus_durations(seconds, text):
    assert prometheus_rule.prometheus_duration(seconds) == text


# --- promtool: the rules are valid and fire when they should ------------------------------------

LABELS = 'namespace="argo-workflows", name="parallel-sync"'
TRIGGERED = f"argo_workflows_cronworkflows_triggered_total{{{LABELS}, pod=POD}}"
FORBID = (
    f"argo_workflows_cronworkflows_concurrencypolicy_triggered{{{LABELS}, "
    'concurrency_policy="Forbid", pod=POD}'
)
FAILURES = (
    'argo_workflows_orchestration_consecutive_failures{pipeline="parallel-sync", '
    'pipeline_namespace="argo-workflows", pod=POD}'
)
STEP = (
    'argo_workflows_orchestration_step_duration_seconds{pipeline="parallel-sync", '
    'pipeline_namespace="argo-workflows", step="sync-users", pod=POD}'
)
MISSED = {
    "severity": "warning",
    "pipeline": "parallel-sync",
    **dict(re.findall(r'(\w+)="([^"]+)"', LABELS)),
}


def series(template: str, pod: str, values: str) -> dict[str, str]:
    return {"series": template.replace("POD", f'"{pod}"'), "values": values}


def fires(
    at: str, alert: str, labels: dict[str, str] | None = None, **templated: str
) -> dict[str, Any]:
    """The alert at `at`: absent without labels, else with them and the rule's annotations.

    `templated` gives the annotations whose `{{ $value }}` promtool expands.
    """
    if labels is None:
        return {"eval_time": at, "alertname": alert, "exp_alerts": []}
    (entry,) = (
        rule
        for rule in rules_by_alert(the_rule())[alert]
        if rule["labels"].get("reason") == labels.get("reason")
    )
    annotations = {**entry["annotations"], **templated}
    return {
        "eval_time": at,
        "alertname": alert,
        "exp_alerts": [{"exp_labels": labels, "exp_annotations": annotations}],
    }


# Each case: a description, the input series, and what each alert does when (W = 5h15m = 315m).
CASES: list[tuple[str, list[dict[str, str]], list[dict[str, Any]]]] = [
    (
        "runs at 0m and 240m; the 480m run is missed, so the alert fires once 240m + W passed",
        [series(TRIGGERED, "a", "1x239 2x400")],
        [
            fires("300m", "ArgoOrchestrationRunMissed"),
            fires("550m", "ArgoOrchestrationRunMissed"),
            fires("560m", "ArgoOrchestrationRunMissed", {**MISSED, "reason": "no-run-in-window"}),
        ],
    ),
    (
        "a new leader's series starts with the 240m run: no false alarm, then the missed 480m run",
        [series(TRIGGERED, "a", "1x60 stale"), series(TRIGGERED, "b", "_x240 1x400")],
        [
            fires("250m", "ArgoOrchestrationRunMissed"),
            fires("480m", "ArgoOrchestrationRunMissed"),
            fires("560m", "ArgoOrchestrationRunMissed", {**MISSED, "reason": "no-run-in-window"}),
        ],
    ),
    (
        "no run since the controller started: pending for W, then firing",
        [series(TRIGGERED.replace("parallel-sync", "other"), "a", "1x400")],
        [
            fires("310m", "ArgoOrchestrationRunMissed"),
            fires("320m", "ArgoOrchestrationRunMissed", {**MISSED, "reason": "no-run-since-start"}),
        ],
    ),
    (
        "a first run within W keeps the pipeline from alerting",
        [series(TRIGGERED, "a", "_x200 1x200")],
        [fires("320m", "ArgoOrchestrationRunMissed")],
    ),
    (
        "Forbid skips the 240m tick (the counter is born at 1), the alert clears after W",
        [series(TRIGGERED, "a", "1x400"), series(FORBID, "a", "_x240 1x400")],
        [
            fires("230m", "ArgoOrchestrationRunSkipped"),
            fires(
                "245m",
                "ArgoOrchestrationRunSkipped",
                {**MISSED, "concurrency_policy": "Forbid"},
            ),
            fires("600m", "ArgoOrchestrationRunSkipped"),
        ],
    ),
    (
        "Forbid skipped a tick more than W ago and skips again at 400m: the counter grows",
        [series(TRIGGERED, "a", "1x500"), series(FORBID, "a", "1x399 2x100")],
        [
            fires("390m", "ArgoOrchestrationRunSkipped"),
            fires(
                "405m",
                "ArgoOrchestrationRunSkipped",
                {**MISSED, "concurrency_policy": "Forbid"},
            ),
        ],
    ),
    (
        "three failed runs in a row fire, a success resets the count",
        [series(FAILURES, "a", "1x9 2x10 3x10 0x10")],
        [
            fires("15m", "ArgoOrchestrationRunsFailing"),
            fires(
                "25m",
                "ArgoOrchestrationRunsFailing",
                {
                    "severity": "critical",
                    "pipeline": "parallel-sync",
                    "pipeline_namespace": "argo-workflows",
                },
                summary="parallel-sync failed 3 runs in a row",
            ),
            fires("35m", "ArgoOrchestrationRunsFailing"),
        ],
    ),
    (
        "a step still running 35 minutes (timeout 30m + 5m) is overdue",
        [series(STEP, "a", "0+60x60")],
        [
            fires("34m", "ArgoOrchestrationChildOverdue"),
            fires(
                "40m",
                "ArgoOrchestrationChildOverdue",
                {
                    "severity": "warning",
                    "pipeline": "parallel-sync",
                    "pipeline_namespace": "argo-workflows",
                    "step": "sync-users",
                },
                summary="parallel-sync step sync-users has run for 40m 0s",
            ),
        ],
    ),
    (
        "a step that ended after 40 minutes keeps its frozen value and is not overdue",
        [series(STEP, "a", "0+60x40 2400x60")],
        [fires("60m", "ArgoOrchestrationChildOverdue")],
    ),
]


@pytest.fixture(scope="module")
def rule_file(tmp_path_factory) -> Path:
    return promtool.write_rule_file(the_rule(), tmp_path_factory.mktemp("rules") / "rules.yaml")


def test_promtool_accepts_the_rules_with_lint_fatal(rule_file):
    checked = promtool.run("check", "rules", "--lint-fatal", rule_file.name, cwd=rule_file.parent)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 5 rules found" in checked.stdout


@pytest.mark.parametrize(("case", "inputs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_promtool_runs_the_rules_on_synthetic_series(rule_file, case, inputs, expected):
    tests = {
        "rule_files": [rule_file.name],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": inputs, "alert_rule_test": expected}],
    }
    test_file = rule_file.parent / f"test-{abs(hash(case))}.yaml"
    test_file.write_text(yaml.safe_dump(tests, sort_keys=False))
    ran = promtool.run("test", "rules", test_file.name, cwd=rule_file.parent)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_promtool_catches_a_rule_that_fires_too_early(rule_file, tmp_path):
    """The series tests can fail: with a window too short, the steady case alerts at 550m."""
    text = rule_file.read_text().replace("5h15m", "5h")
    short = tmp_path / "rules.yaml"
    short.write_text(text)
    tests = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": CASES[0][1], "alert_rule_test": CASES[0][2]}],
    }
    (tmp_path / "tests.yaml").write_text(yaml.safe_dump(tests, sort_keys=False))
    ran = promtool.run("test", "rules", "tests.yaml", cwd=tmp_path)
    assert ran.returncode == 1
    assert "FAILED" in ran.stdout + ran.stderr


def test_promtool_accepts_the_exported_namespace_variant(tmp_path):
    rule = the_rule(alerts={"namespaceLabel": "exported_namespace"})
    path = promtool.write_rule_file(rule, tmp_path / "rules.yaml")
    checked = promtool.run("check", "rules", "--lint-fatal", path.name, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    inputs = [
        series(
            TRIGGERED.replace('namespace="', 'exported_namespace="'),
            "a",
            "1x239 2x400",
        )
    ]
    expected = [
        fires("550m", "ArgoOrchestrationRunMissed"),
        fires(
            "560m",
            "ArgoOrchestrationRunMissed",
            {
                "severity": "warning",
                "pipeline": "parallel-sync",
                "exported_namespace": "argo-workflows",
                "name": "parallel-sync",
                "reason": "no-run-in-window",
            },
        ),
    ]
    tests = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": inputs, "alert_rule_test": expected}],
    }
    (tmp_path / "tests.yaml").write_text(yaml.safe_dump(tests, sort_keys=False))
    ran = promtool.run("test", "rules", "tests.yaml", cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr


@pytest.mark.parametrize("example", ["parallel-sync", "dag-etl"])
def test_promtool_accepts_the_examples_rules(example, tmp_path):
    from pulumi_argo_orchestration.spec.loading import load_spec_file
    from tests.conftest import EXAMPLES

    documents = pipeline_manifests(load_spec_file(EXAMPLES / example / "pipeline.yaml"))
    (rule,) = kinds(documents, "PrometheusRule")
    path = promtool.write_rule_file(rule, tmp_path / "rules.yaml")
    checked = promtool.run("check", "rules", "--lint-fatal", path.name, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_missing_promtool_fails_under_ci_unless_it_cannot_be_installed(monkeypatch):
    monkeypatch.setattr(promtool.shutil, "which", lambda name: None)
    monkeypatch.delenv("PROMTOOL_UNAVAILABLE", raising=False)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="promtool not found"):
        promtool.promtool()
    monkeypatch.setenv("PROMTOOL_UNAVAILABLE", "no apt-get here")
    with pytest.raises(pytest.skip.Exception, match="no apt-get here"):
        promtool.promtool()
    monkeypatch.delenv("CI")
    monkeypatch.delenv("PROMTOOL_UNAVAILABLE")
    with pytest.raises(pytest.skip.Exception, match="install Debian's `prometheus` package"):
        promtool.promtool()
