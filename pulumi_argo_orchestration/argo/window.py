"""The orchestrator parameters `window-start` and `window-end`: expr expressions Argo evaluates.

Argo keeps a Workflow argument's text as the parameter's value (workflow/controller/operator.go,
`setGlobalParameters`) and evaluates its `{{=...}}` tags with the other global variables before
the steps run (`substituteGlobalVariables`), so a child argument
`{{workflow.parameters.window-start}}` receives the computed time, not the expression.

`{{workflow.scheduledTime}}` is the Workflow's annotation `workflows.argoproj.io/scheduled-time`
(`setGlobalParameters`): the cron controller sets it to the run's slot, and so do `run` and
`backfill`. A Workflow submitted without it (the orchestrator's WorkflowTemplate from the UI)
falls back to its creation time through expr's `??`. Its creationTimestamp is a map of formats
in the expression environment (util/expand drops a key that has children), hence `.RFC3339`.

The functions are expr's own builtins (expr-lang/expr builtin/builtin.go: `date`, `duration`,
`timezone`) and Go's time methods. Traps avoided: `.Add(-duration(...))` does not compile, so a
window subtracts with `-`; `date(s)` returns the controller's zone when the offset matches it,
so every result ends in `.UTC()`; `let` fails on Argo v4's missing-identifier check. `argo.window`
and `spec.window.window_start` are checked against each other, and against Argo's own engine.
"""

from __future__ import annotations

from typing import Any

from ..spec import names
from ..spec.models import PipelineFields
from ..spec.window import FixedWindow, WallClockWindow, WindowPlan, describe_window, window_plan
from ..syntax.go_duration import duration_text

RFC3339_LAYOUT = "2006-01-02T15:04:05Z07:00"
_WALL_LAYOUT = "2006-01-02 15:04:05"
SCHEDULED_TIME = "workflow.scheduledTime ?? workflow.creationTimestamp.RFC3339"


def window_parameters(pipeline: PipelineFields) -> list[dict[str, Any]]:
    """The two orchestrator parameters of the pipeline's `window` (none without one)."""
    plan = window_plan(pipeline)
    if pipeline.window is None or plan is None:
        return []
    words = describe_window(pipeline.window).removeprefix("window: ")
    return [
        {
            "name": names.WINDOW_START,
            "value": window_start_expression(plan),
            "description": f"Start of the run's time window (RFC 3339, UTC): {words}",
        },
        {
            "name": names.WINDOW_END,
            "value": window_end_expression(),
            "description": "End of the run's time window (RFC 3339, UTC): its scheduled time",
        },
    ]


def window_end_expression() -> str:
    """The scheduled time, as RFC 3339 in UTC."""
    return "{{=date(" + SCHEDULED_TIME + ").UTC().Format('" + RFC3339_LAYOUT + "')}}"


def window_start_expression(plan: WindowPlan) -> str:
    """The window's start, as RFC 3339 in UTC: the arithmetic of `spec.window.window_start`."""
    if isinstance(plan, FixedWindow):
        gap = f"duration('{duration_text(plan.seconds)}')"
        return (
            "{{=(date(" + SCHEDULED_TIME + ") - " + gap + ").UTC().Format('"
            f"{RFC3339_LAYOUT}')" + "}}"
        )
    start = _table_start(plan) + f".UTC().Format('{RFC3339_LAYOUT}')"
    if plan.after_skips:
        # The first run after skip dates: its start, looked up by the run's own time.
        table = ", ".join(f"'{run}': '{begins}'" for run, begins in plan.after_skips)
        run = f"date({SCHEDULED_TIME}).UTC().Format('{RFC3339_LAYOUT}')"
        start = f"{{{table}}}[{run}] ?? {start}"
    return "{{=" + start + "}}"


def _table_start(plan: WallClockWindow) -> str:
    """The scheduled time less the gap its wall-clock time has (on the wall clock, read back in
    the zone, or in absolute time)."""
    # Without a time zone the schedule follows the controller's: Go's `Local`.
    zone = plan.zone or "Local"
    local = f"date({SCHEDULED_TIME}).In(timezone('{zone}'))"
    usual = f"'{plan.usual}m'"
    if plan.layout is None:
        gap = f"duration({usual})"
    else:
        table = ", ".join(f"'{key}': '{minutes}m'" for key, minutes in plan.gaps)
        gap = f"duration({{{table}}}[{local}.Format('{plan.layout}')] ?? {usual})"
    if plan.absolute:
        return f"(date({SCHEDULED_TIME}) - {gap})"
    wall = f"date({local}.Format('{_WALL_LAYOUT}'))"
    return f"date(({wall} - {gap}).Format('{_WALL_LAYOUT}'), '{_WALL_LAYOUT}', '{zone}')"
