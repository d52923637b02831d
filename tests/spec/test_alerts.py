"""`alerts:` in a spec: `true`, `false` or a mapping of thresholds, every mistake named by path."""

from __future__ import annotations

import pytest

from pulumi_argo_orchestration import SpecError
from pulumi_argo_orchestration.spec.loading import load_pipeline
from pulumi_argo_orchestration.spec.models import Alerts, AlertSeverities
from tests.conftest import minimal_spec


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, Alerts()),
        (False, None),
        (None, None),
        ({}, Alerts()),
        ({"failuresInARow": 2}, Alerts(failures_in_a_row=2)),
    ],
)
def test_true_takes_every_default_and_false_none(value, expected):
    assert load_pipeline(minimal_spec(alerts=value)).alerts == expected


def test_the_defaults():
    alerts = Alerts()
    assert (
        alerts.missed_runs,
        alerts.missed_run_grace,
        alerts.failures_in_a_row,
        alerts.child_overdue_grace,
        alerts.namespace_label,
        alerts.severity,
        alerts.labels,
        alerts.rule_labels,
    ) == (
        True,
        "15m",
        3,
        "5m",
        "namespace",
        AlertSeverities(missed_run="warning", failing="critical", child_overdue="warning"),
        {},
        {},
    )


def test_the_python_spelling_and_the_spec_spelling_agree():
    spelled = {
        "missedRunGrace": "1h",
        "namespaceLabel": "exported_namespace",
        "severity": {"childOverdue": "info"},
        "ruleLabels": {"release": "kube-prometheus-stack"},
    }
    assert load_pipeline(minimal_spec(alerts=spelled)).alerts == Alerts(
        missed_run_grace="1h",
        namespace_label="exported_namespace",
        severity=AlertSeverities(child_overdue="info"),
        rule_labels={"release": "kube-prometheus-stack"},
    )


def test_every_problem_is_listed_with_its_path():
    with pytest.raises(SpecError) as caught:
        load_pipeline(
            minimal_spec(
                alerts={
                    "failuresInARow": 0,
                    "missedRunGrace": "soon",
                    "namespaceLabel": "k8s-namespace",
                    "severity": {"failing": ""},
                    "labels": {"severity": "page", "2fa": "x", "team": "data"},
                    "ruleLabels": {"app.kubernetes.io/part-of": "x"},
                    "threshold": 1,
                }
            )
        )
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "alerts.missedRunGrace",
            "invalid duration 'soon': use seconds ('30') or a Go duration ('10s', '2m', '1h30m')",
        ),
        ("alerts.failuresInARow", "Input should be greater than or equal to 1"),
        (
            "alerts.namespaceLabel",
            "invalid Prometheus label name 'k8s-namespace': use letters, digits and '_', not "
            "starting with a digit or '__'",
        ),
        ("alerts.severity.failing", "String should have at least 1 character"),
        (
            "alerts.labels.severity",
            "alert label 'severity' is set by the alert rules themselves and cannot be overridden",
        ),
        (
            "alerts.labels.2fa",
            "invalid Prometheus label name '2fa': use letters, digits and '_', not starting with "
            "a digit or '__'",
        ),
        (
            "alerts.ruleLabels",
            "label 'app.kubernetes.io/part-of' is set by pulumi-argo-orchestration itself and "
            "cannot be overridden",
        ),
        ("alerts.threshold", "unknown field"),
    ]


def test_a_value_that_is_neither_a_switch_nor_a_mapping():
    with pytest.raises(SpecError) as caught:
        load_pipeline(minimal_spec(alerts="yes"))
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "alerts",
            "use `true`, `false` or a mapping of thresholds (missedRunGrace, failuresInARow, ...)",
        )
    ]
