"""The Prometheus metrics a pipeline's alerts read: Argo's own, and the custom ones it adds.

**Names.** The controller exports every metric, its own and custom ones alike, as
`argo_workflows_<name>` (`workflow/controller/controller.go`, the telemetry namespace
`argo_workflows`; v3.5: `Namespace: "argo", Subsystem: "workflows"` in `workflow/metrics/util.go`)
and adds no suffix: v3.6-v4.0 build the exporter `WithoutCounterSuffixes()` and `WithoutUnits()`,
v4.1 with `UnderscoreEscapingWithoutSuffixes` (`util/telemetry/exporter_prometheus.go`). So the
trigger counter is `argo_workflows_cronworkflows_triggered_total` (its `_total` is part of the
instrument name) while the policy counter has no `_total`. Both exist from v3.6 (v3.6:
`workflow/metrics/counter_cronworkflow_*.go`; v3.7+: `util/telemetry/metrics_list.go`); v3.5 has no
CronWorkflow metric at all, which is why `alerts` needs v3.6.

**Custom metrics** (`metrics.prometheus`, `pkg/apis/workflow/v1alpha1/workflow_types.go`):
- names and label keys match `^[a-zA-Z_][a-zA-Z0-9_]*$` without `:` (`workflow/metrics/util.go`,
  `IsValidMetricName`); `help` is required, and one name keeps one help text and one type across
  the whole controller (`workflow/metrics/metrics_custom.go`, `matchExistingMetric`), so help
  strings never name a pipeline;
- `gauge.realtime` must be present: the Go field has no `omitempty`, so Argo's schema and CRDs
  require it; a realtime gauge's value is exactly `{{duration}}` (`operator.go`,
  `computeMetrics`: "real time metrics can only be used with metric variables");
- Workflow-level metrics are computed once, when the run is complete, after its exit handler
  (`operator.go`, end of `operate`), with `workflow.status` the main node's phase;
  template-level ones when the node completes, realtime ones when it starts (`operator.go`,
  `executeTemplate`); all values live in the controller's memory and start over when it
  restarts or another replica becomes leader.
- No run name as a label: with Argo's default `metricsTTL` of 0 every run would leave a series.
"""

from __future__ import annotations

from typing import Any

from ..spec import names
from ..spec.models import Child, PipelineFields
from ..syntax.go_duration import duration_seconds

PREFIX = "argo_workflows_"
# Argo's controller metrics the rules read (v3.6+; labels `name`, `namespace`, and
# `concurrency_policy` on the second): util/telemetry/metrics_list.go.
CRON_TRIGGERED = f"{PREFIX}cronworkflows_triggered_total"
CONCURRENCY_POLICY_TRIGGERED = f"{PREFIX}cronworkflows_concurrencypolicy_triggered"
CRON_NAME_LABEL = "name"
CONCURRENCY_POLICY_LABEL = "concurrency_policy"

# The custom metrics, as declared in the manifests (exported with PREFIX).
CONSECUTIVE_FAILURES = "orchestration_consecutive_failures"
STEP_DURATION = "orchestration_step_duration_seconds"
HELP = {
    CONSECUTIVE_FAILURES: "Runs of an argo-orchestration pipeline that failed since its last "
    "successful run",
    STEP_DURATION: "Seconds an argo-orchestration step has been waiting for its child Workflow",
}
# workflow/metrics/util.go IsValidMetricName: Prometheus' legacy rule, and no ':'.
VALID_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"


def exported(name: str) -> str:
    """The name Prometheus sees for a custom metric."""
    return f"{PREFIX}{name}"


def _metric(name: str, labels: dict[str, str], **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "help": HELP[name],
        "labels": [{"key": key, "value": value} for key, value in labels.items()],
        **fields,
    }


def _pipeline_labels(pipeline: str, namespace: str) -> dict[str, str]:
    return {names.METRIC_PIPELINE_LABEL: pipeline, names.METRIC_NAMESPACE_LABEL: namespace}


def run_metrics(pipeline: PipelineFields) -> dict[str, Any]:
    """The orchestrator's `spec.metrics`: failed runs since the last success, per pipeline.

    PromQL cannot count "in a row" from counters, so a gauge does: +1 for each run that does not
    succeed, back to 0 on a success. The two entries share name, help and labels, so they update
    one series; `when` is Argo's govaluate, bare words being strings (`steps.go`,
    `shouldExecute`). A run replaced by `concurrencyPolicy: Replace` ends Failed and counts.
    """
    return run_metrics_of(pipeline.name, pipeline.namespace)


def run_metrics_of(pipeline: str, namespace: str) -> dict[str, Any]:
    """`run_metrics` of the pipeline `pipeline` in `namespace` (what `import` recognises)."""
    labels = _pipeline_labels(pipeline, namespace)
    return {
        "prometheus": [
            _metric(
                CONSECUTIVE_FAILURES,
                labels,
                when="{{workflow.status}} != Succeeded",
                gauge={"realtime": False, "operation": "Add", "value": "1"},
            ),
            _metric(
                CONSECUTIVE_FAILURES,
                labels,
                when="{{workflow.status}} == Succeeded",
                gauge={"realtime": False, "operation": "Set", "value": "0"},
            ),
        ]
    }


def watched_timeout(pipeline: PipelineFields, child: Child) -> int | None:
    """The child's timeout in seconds when it has one: only those steps are measured."""
    return duration_seconds(child.timeout or pipeline.child_timeout or "") or None


def step_metrics(pipeline: PipelineFields, child: Child) -> dict[str, Any] | None:
    """A spawn template's `metrics`: how long its step has waited for the child, in real time.

    The realtime value is `time.Since(startedAt)` while the step runs and freezes at its
    duration once it ends (`workflow/controller/steps.go`, the `duration` metric variable), so
    the overdue rule also asks that it still grows. None for a child without a timeout: no rule
    would read it.
    """
    if watched_timeout(pipeline, child) is None:
        return None
    return step_metrics_of(pipeline.name, pipeline.namespace, child.name)


def step_metrics_of(pipeline: str, namespace: str, step: str) -> dict[str, Any]:
    """`step_metrics` of one step (what `import` recognises)."""
    labels = {**_pipeline_labels(pipeline, namespace), names.METRIC_STEP_LABEL: step}
    return {
        "prometheus": [
            _metric(STEP_DURATION, labels, gauge={"realtime": True, "value": "{{duration}}"})
        ]
    }
