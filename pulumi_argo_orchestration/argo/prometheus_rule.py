"""The PrometheusRule (prometheus-operator, `monitoring.coreos.com/v1`) that `alerts:` emits.

Its `spec.groups` is a Prometheus rule file's `groups` list. The rules read what Argo's
controller really exports (`metrics.py`):

- **missed or late run**: the CronWorkflow's trigger counter did not grow within W, the longest
  wait between two runs of its schedules (robfig's semantics, clock changes included:
  `syntax.robfig_cron.longest_gap`) plus a grace. Argo counts a run when it submits it
  (`workflow/cron/operator.go`, `run`), not a tick suppressed by `suspend`, `when` or Forbid.
  `increase()` ignores a series' first sample, and a restarted controller (or a new leader)
  starts a new series whose first sample is the trigger itself, so a series that exists now but
  did not W ago counts as a trigger; a counter absent for W (no run since the controller
  started) fires the second rule;
- **skipped or replaced run** (Forbid, Replace): the concurrency-policy counter grew within W;
- **failing**: the pipeline's own gauge of failed runs since the last success (`run_metrics`)
  reached `failuresInARow`; it starts over when the controller restarts;
- **child overdue**: a step's realtime duration (`step_metrics`) passed the child's `timeout`
  plus a grace and still grows (a finished step's value stays frozen).
"""

from __future__ import annotations

from typing import Any

from ..spec import names
from ..spec.models import Alerts, ConcurrencyPolicy, PipelineFields
from ..syntax.go_duration import duration_seconds
from ..syntax.robfig_cron import longest_gap
from . import metrics

API_VERSION = "monitoring.coreos.com/v1"
KIND = "PrometheusRule"
# A realtime duration still grows when it rose over this window (several scrapes long).
GROWTH_WINDOW = "5m"
MISSED_RUN_ALERT = "ArgoOrchestrationRunMissed"
FAILING_ALERT = "ArgoOrchestrationRunsFailing"
CHILD_OVERDUE_ALERT = "ArgoOrchestrationChildOverdue"
POLICY_ALERTS = {
    ConcurrencyPolicy.FORBID: "ArgoOrchestrationRunSkipped",
    ConcurrencyPolicy.REPLACE: "ArgoOrchestrationRunReplaced",
}
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def prometheus_duration(seconds: int) -> str:
    """`4h15m`: Prometheus' duration syntax, units in descending order, no spaces."""
    if seconds <= 0:
        return "0s"
    parts = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def missed_run_window(pipeline: PipelineFields, alerts: Alerts) -> tuple[int, int] | None:
    """(longest gap between runs, alert window) in seconds; None if the schedules never repeat."""
    gap = longest_gap(pipeline.all_schedules, pipeline.timezone, names.SCHEDULE_GAP_REFERENCE)
    if gap is None:
        return None
    return gap, gap + (duration_seconds(alerts.missed_run_grace) or 0)


def child_timeouts(pipeline: PipelineFields) -> list[tuple[str, int]]:
    """(step, timeout in seconds) of every child that has a timeout, in spec order."""
    found = []
    for _, child in pipeline.children:
        seconds = metrics.watched_timeout(pipeline, child)
        if seconds is not None:
            found.append((child.name, seconds))
    return found


def prometheus_rule(pipeline: PipelineFields) -> dict[str, Any] | None:
    """The PrometheusRule of a pipeline with `alerts`, or None without."""
    alerts = pipeline.alerts
    if alerts is None:
        return None
    rules = _missed_run_rules(pipeline, alerts) if alerts.missed_runs else []
    rules.append(_failing_rule(pipeline, alerts))
    rules += _overdue_rules(pipeline, alerts)
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {
            "name": pipeline.name,
            "namespace": pipeline.namespace,
            "labels": {
                **names.common_labels(pipeline.name, pipeline.labels),
                **alerts.rule_labels,
            },
        },
        "spec": {
            "groups": [
                {"name": f"argo-orchestration.{pipeline.namespace}.{pipeline.name}", "rules": rules}
            ]
        },
    }


def _labels(
    pipeline: PipelineFields, alerts: Alerts, severity: str, **extra: str
) -> dict[str, str]:
    return {
        names.ALERT_SEVERITY_LABEL: severity,
        names.METRIC_PIPELINE_LABEL: pipeline.name,
        **extra,
        **alerts.labels,
    }


def _missed_run_rules(pipeline: PipelineFields, alerts: Alerts) -> list[dict[str, Any]]:
    if pipeline.suspend:
        return []  # the spec warns: a suspended CronWorkflow triggers nothing
    window = missed_run_window(pipeline, alerts)
    if window is None:
        return []
    gap, total = window
    w = prometheus_duration(total)
    by = f"{alerts.namespace_label}, {metrics.CRON_NAME_LABEL}"
    selector = (
        f'{{{alerts.namespace_label}="{pipeline.namespace}", '
        f'{metrics.CRON_NAME_LABEL}="{pipeline.name}"}}'
    )
    triggered = f"{metrics.CRON_TRIGGERED}{selector}"
    schedules = ", ".join(pipeline.all_schedules)
    zone = pipeline.timezone or "the controller's time zone"
    why = (
        f"{schedules} ({zone}) waits at most {prometheus_duration(gap)} between runs; the "
        f"alert allows {prometheus_duration(total - gap)} more. Suspended, stopped, "
        "`when`-skipped or Forbid-skipped ticks start no run."
    )
    severity = alerts.severity.missed_run
    rules: list[dict[str, Any]] = [
        {
            "alert": MISSED_RUN_ALERT,
            "expr": (
                f"sum by ({by}) (increase({triggered}[{w}])) == 0\n"
                f"unless on ({by})\n"
                f"({triggered} unless {triggered} offset {w})\n"
            ),
            "labels": _labels(
                pipeline, alerts, severity, **{names.ALERT_REASON_LABEL: "no-run-in-window"}
            ),
            "annotations": {
                "summary": f"{pipeline.name} has started no scheduled run for {w}",
                "description": why,
            },
        },
        {
            "alert": MISSED_RUN_ALERT,
            "expr": f"absent({triggered})\n",
            "for": w,
            "labels": _labels(
                pipeline, alerts, severity, **{names.ALERT_REASON_LABEL: "no-run-since-start"}
            ),
            "annotations": {
                "summary": f"{pipeline.name} has started no scheduled run since the Argo "
                f"controller started, {w} ago or more",
                "description": why,
            },
        },
    ]
    alert = POLICY_ALERTS.get(pipeline.concurrency_policy)
    if alert is not None:
        acted = (
            f"{metrics.CONCURRENCY_POLICY_TRIGGERED}{selector[:-1]}, "
            f'{metrics.CONCURRENCY_POLICY_LABEL}="{pipeline.concurrency_policy.value}"}}'
        )
        policy_by = f"{by}, {metrics.CONCURRENCY_POLICY_LABEL}"
        what = {
            ConcurrencyPolicy.FORBID: "skipped a scheduled run: the previous one was still running",
            ConcurrencyPolicy.REPLACE: "terminated a running run to start the next one (its "
            "exit handler did not run)",
        }[pipeline.concurrency_policy]
        rules.append(
            {
                "alert": alert,
                "expr": (
                    f"sum by ({policy_by}) (increase({acted}[{w}])) > 0\n"
                    f"or\n"
                    f"count by ({policy_by}) ({acted} unless {acted} offset {w})\n"
                ),
                "labels": _labels(pipeline, alerts, severity),
                "annotations": {
                    "summary": f"{pipeline.name}: concurrencyPolicy "
                    f"{pipeline.concurrency_policy.value} {what}",
                },
            }
        )
    return rules


def _failing_rule(pipeline: PipelineFields, alerts: Alerts) -> dict[str, Any]:
    by = f"{names.METRIC_PIPELINE_LABEL}, {names.METRIC_NAMESPACE_LABEL}"
    selector = (
        f'{{{names.METRIC_PIPELINE_LABEL}="{pipeline.name}", '
        f'{names.METRIC_NAMESPACE_LABEL}="{pipeline.namespace}"}}'
    )
    failures = metrics.exported(metrics.CONSECUTIVE_FAILURES)
    return {
        "alert": FAILING_ALERT,
        "expr": f"max by ({by}) ({failures}{selector}) >= {alerts.failures_in_a_row}\n",
        "labels": _labels(pipeline, alerts, alerts.severity.failing),
        "annotations": {
            "summary": f"{pipeline.name} failed {{{{ $value }}}} runs in a row",
            "description": f"Alerts at {alerts.failures_in_a_row} failed or errored runs without "
            "a success in between (a replaced run counts as failed); the count starts over "
            "when the Argo controller restarts.",
        },
    }


def _overdue_rules(pipeline: PipelineFields, alerts: Alerts) -> list[dict[str, Any]]:
    by = f"{names.METRIC_PIPELINE_LABEL}, {names.METRIC_NAMESPACE_LABEL}, {names.METRIC_STEP_LABEL}"
    duration = metrics.exported(metrics.STEP_DURATION)
    grace = duration_seconds(alerts.child_overdue_grace) or 0
    rules = []
    for step, timeout in child_timeouts(pipeline):
        selector = (
            f'{{{names.METRIC_PIPELINE_LABEL}="{pipeline.name}", '
            f'{names.METRIC_NAMESPACE_LABEL}="{pipeline.namespace}", '
            f'{names.METRIC_STEP_LABEL}="{step}"}}'
        )
        limit = timeout + grace
        rules.append(
            {
                "alert": CHILD_OVERDUE_ALERT,
                "expr": (
                    f"max by ({by}) ({duration}{selector}) > {limit}\n"
                    f"and on ({by})\n"
                    f"max by ({by}) (delta({duration}{selector}[{GROWTH_WINDOW}])) > 0\n"
                ),
                "labels": _labels(
                    pipeline,
                    alerts,
                    alerts.severity.child_overdue,
                    **{names.METRIC_STEP_LABEL: step},
                ),
                "annotations": {
                    "summary": f"{pipeline.name} step {step} has run for "
                    "{{ $value | humanizeDuration }}",
                    "description": f"Its child's timeout is {prometheus_duration(timeout)} "
                    f"(activeDeadlineSeconds {timeout}): Argo should have failed it by now. The "
                    "child may be stuck before it started (a lock, a missing template) or its "
                    "step cannot see it end.",
                },
            }
        )
    return rules
