"""The PrometheusRule of `alerts`, read back into `alerts` (inverse of argo/prometheus_rule.py).

Only our own rule for the pipeline is read (labelled `app.kubernetes.io/part-of=<pipeline>`): its
thresholds are where the renderer wrote them (the failing rule's `>= N`, the missed-run rule's
window less the schedule's longest gap, an overdue rule's limit less its child's timeout), its
severities and extra labels on the rules, `ruleLabels` on the object. A rule written by hand is
another document the spec cannot carry; import reports it and leaves it out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..argo import prometheus_rule as rendered
from ..spec import names
from ..syntax.go_duration import duration_text
from ..syntax.robfig_cron import longest_gap

_PROMETHEUS_UNITS = {"y": 31536000, "w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_RULE_OWN_LABELS = {
    names.ALERT_SEVERITY_LABEL,
    names.ALERT_REASON_LABEL,
    names.METRIC_PIPELINE_LABEL,
    names.METRIC_STEP_LABEL,
}


def _seconds(text: Any) -> int | None:
    """A Prometheus duration (`1d23h15m`) in seconds."""
    if not isinstance(text, str) or not re.fullmatch(r"(\d+[ywdhms])+", text):
        return None
    return sum(int(n) * _PROMETHEUS_UNITS[u] for n, u in re.findall(r"(\d+)([ywdhms])", text))


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _gap(spec: Mapping[str, Any]) -> int | None:
    """The longest gap of the schedules imported so far (None when they are not valid)."""
    schedules = spec.get("schedules")
    if not isinstance(schedules, list):
        schedules = [spec.get("schedule")]
    zone = spec.get("timezone")
    try:
        return longest_gap(
            [str(s) for s in schedules if s],
            str(zone) if zone else None,
            names.SCHEDULE_GAP_REFERENCE,
        )
    except ValueError:
        return None  # the model reports the schedule itself


def alert_settings(
    body: Mapping[str, Any], spec: Mapping[str, Any], timeouts: Mapping[str, int]
) -> dict[str, Any]:
    """The `alerts` mapping that renders the rule `body`, for the pipeline `spec` (camelCase,
    as imported so far) whose children have the `timeouts` (seconds, by step)."""
    groups = _map(body.get("spec")).get("groups")
    group = _map(groups[0]) if isinstance(groups, list) and groups else {}
    rules = group.get("rules")
    by_alert: dict[str, list[Mapping[str, Any]]] = {}
    for entry in rules if isinstance(rules, list) else []:
        if isinstance(entry, Mapping):
            by_alert.setdefault(str(entry.get("alert")), []).append(entry)
    settings: dict[str, Any] = {}
    severity: dict[str, Any] = {}
    failing = (by_alert.get(rendered.FAILING_ALERT) or [{}])[0]
    labels = _map(failing.get("labels"))
    if labels.get(names.ALERT_SEVERITY_LABEL):
        severity["failing"] = labels[names.ALERT_SEVERITY_LABEL]
    extra = {k: v for k, v in labels.items() if k not in _RULE_OWN_LABELS}
    if extra:
        settings["labels"] = extra
    count = re.search(r">= (\d+)\s*$", str(failing.get("expr") or ""))
    if count:
        settings["failuresInARow"] = int(count.group(1))
    missed = by_alert.get(rendered.MISSED_RUN_ALERT) or []
    gap = _gap(spec)
    if missed:
        found = _map(missed[0].get("labels")).get(names.ALERT_SEVERITY_LABEL)
        if found:
            severity["missedRun"] = found
        label = re.search(r"by \((\w+), name\)", str(missed[0].get("expr") or ""))
        if label:
            settings["namespaceLabel"] = label.group(1)
        window = _seconds(next((m.get("for") for m in missed if m.get("for")), None))
        if window is not None and gap is not None:
            settings["missedRunGrace"] = duration_text(max(window - gap, 0))
    elif not spec.get("suspend") and gap is not None:
        settings["missedRuns"] = False
    for entry in by_alert.get(rendered.CHILD_OVERDUE_ALERT) or []:
        entry_labels = _map(entry.get("labels"))
        if entry_labels.get(names.ALERT_SEVERITY_LABEL):
            severity["childOverdue"] = entry_labels[names.ALERT_SEVERITY_LABEL]
        step = str(entry_labels.get(names.METRIC_STEP_LABEL))
        limit = re.search(r"\) > (\d+)\n", str(entry.get("expr") or ""))
        if limit and step in timeouts:
            grace = max(int(limit.group(1)) - timeouts[step], 0)
            settings["childOverdueGrace"] = duration_text(grace)
            break
    if severity:
        settings["severity"] = severity
    object_labels = _map(_map(body.get("metadata")).get("labels"))
    own = {**names.common_labels(str(spec.get("name"))), **_map(spec.get("labels"))}
    rule_labels = {k: v for k, v in object_labels.items() if own.get(k) != v}
    if rule_labels:
        settings["ruleLabels"] = rule_labels
    return settings
