"""A simulation (`simulation.py`) as text and as a Mermaid gantt chart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from .run_status import human_duration
from .simulation import (
    NOT_RUN,
    OMITTED,
    SKIPPED,
    SUCCEEDED,
    ChildTimeline,
    RunTimeline,
    Simulation,
)

FORMATS = ("text", "mermaid")


def _offset(seconds: int) -> str:
    return f"+{human_duration(seconds)}"


def _stamp(moment: datetime, day: bool = False) -> str:
    return moment.strftime("%a %Y-%m-%d %H:%M:%S %Z" if day else "%a %H:%M:%S")


def format_text(simulation: Simulation) -> str:
    """The ticks, then each run: its stages, each child with its attempts and waits."""
    plan = simulation.plan
    zone = plan.timezone or "UTC"
    policy = f"concurrencyPolicy {plan.concurrency_policy}"
    if plan.starting_deadline is not None:
        policy += f", startingDeadlineSeconds {plan.starting_deadline}"
    lines = [
        f"{plan.name}: {simulation.tick_count} tick{'s' if simulation.tick_count != 1 else ''} of "
        f"{', '.join(plan.schedules)} ({zone}) from {_stamp(simulation.origin, day=True)}; "
        f"{policy}",
        _assumptions(simulation),
    ]
    lines += [f"note: {note}" for note in simulation.notes]
    lines.append("")
    for tick in simulation.ticks:
        lines.append(f"{_stamp(simulation.moment(tick.at), day=True)}  {tick.what}")
    for run in simulation.runs:
        lines.append("")
        lines += _run_lines(simulation, run)
    return "\n".join(lines) + "\n"


def _assumptions(simulation: Simulation) -> str:
    scenario = simulation.scenario
    parts = [f"each child attempt takes {human_duration(scenario.attempt_seconds)}"]
    parts += [f"{step} {human_duration(seconds)}" for step, seconds in scenario.durations.items()]
    for step, attempts in scenario.failures.items():
        if attempts is None:
            parts.append(f"{step} fails every attempt")
        else:
            parts.append(f"{step} fails {attempts} attempt{'s' if attempts != 1 else ''}")
    return "; ".join(parts)


def _run_lines(simulation: Simulation, run: RunTimeline) -> list[str]:
    start, end = simulation.moment(run.start), simulation.moment(run.end)
    what = " (started late)" if run.late else ""
    lines = [
        f"run {run.number}  {run.name}  {run.phase}  {_stamp(start)} -> {_stamp(end)} "
        f"({human_duration(run.end - run.start)}){what}"
    ]
    if run.message:
        lines.append(f"  {run.message}")
    width = max((len(c.step) for c in run.children), default=0)
    group = None
    for child in run.children:
        if child.group != group:
            group = child.group
            title = group
            if group == "onExit":
                title = f"onExit (workflow.status {run.workflow_status})"
            lines.append(f"  {title}")
        lines += _child_lines(simulation, run, child, width)
    return lines


def _child_lines(
    simulation: Simulation, run: RunTimeline, child: ChildTimeline, width: int
) -> list[str]:
    pad = " " * (4 + width + 2)
    head = f"    {child.step.ljust(width)}  {child.phase.ljust(9)}"
    if child.start is None or child.end is None:
        return [f"{head}  {child.message or ''}".rstrip()]
    span = f"{_offset(child.start - run.start)} -> {_offset(child.end - run.start)}"
    attempts = child.attempts
    summary = ""
    if len(attempts) > 1:
        summary = f"{len(attempts)} attempts"
    if child.phase in (SKIPPED, OMITTED):
        return [f"{head}  {span}  {child.message or ''}".rstrip(), *(pad + n for n in child.notes)]
    lines = [f"{head}  {span}  {summary}".rstrip()]
    if len(attempts) > 1:
        for number, attempt in enumerate(attempts, 1):
            text = (
                f"attempt {number}  {_offset(attempt.start - run.start)} -> "
                f"{_offset(attempt.end - run.start)}  {attempt.phase}"
            )
            if attempt.message and attempt.phase != SUCCEEDED:
                text += f": {attempt.message}"
            if attempt.wait:
                text += f"; waits {human_duration(attempt.wait)}"
            lines.append(pad + text)
    elif attempts and attempts[0].message and attempts[0].phase != SUCCEEDED:
        lines.append(pad + attempts[0].message)
    last = attempts[-1].message if attempts else None
    if child.child_message and child.child_phase != SUCCEEDED and child.child_message != last:
        lines.append(pad + f"child {child.child_phase}: {child.child_message}")
    if child.message and child.phase != child.child_phase:
        lines.append(pad + child.message)
    if child.child_end is not None and child.child_end > child.end:
        at = simulation.moment(child.child_end)
        lines.append(pad + f"its child Workflow runs on until {_stamp(at)} ({child.child_phase})")
    if child.optional and child.phase == "Failed":
        lines.append(pad + "optional: the run goes on")
    lines += [pad + note for note in child.notes if "runs on" not in note]
    return lines


# --- Mermaid -------------------------------------------------------------------------------------

_MERMAID_TIME = "%Y-%m-%d %H:%M:%S"


def _mermaid_name(text: str) -> str:
    """Gantt task names end at `:` and `#` starts a comment: keep to words."""
    return re.sub(r"[:#;]", " ", text)


def format_mermaid(simulation: Simulation) -> str:
    """A gantt chart: a section per run, a bar per attempt and per backoff wait."""
    plan = simulation.plan
    lines = [
        "gantt",
        f"    title {_mermaid_name(plan.name)} simulated runs ({plan.timezone or 'UTC'})",
        "    dateFormat YYYY-MM-DD HH:mm:ss",
        "    axisFormat %H:%M",
    ]
    for run in simulation.runs:
        lines.append(f"    section run {run.number} {run.phase}")
        for child in run.children:
            lines += _mermaid_child(simulation, run, child)
    return "\n".join(lines) + "\n"


def _bar(simulation: Simulation, label: str, tags: Sequence[str], start: int, end: int) -> str:
    """One task line; a zero-length one is a milestone."""
    begin = simulation.moment(start).strftime(_MERMAID_TIME)
    if end <= start:
        tags, until = ["milestone", *tags], "0s"
    else:
        until = simulation.moment(end).strftime(_MERMAID_TIME)
    return f"    {_mermaid_name(label)} :{''.join(t + ', ' for t in tags)}{begin}, {until}"


def _mermaid_child(simulation: Simulation, run: RunTimeline, child: ChildTimeline) -> list[str]:
    if child.phase == NOT_RUN or child.start is None or child.end is None:
        at = run.end
        return [_bar(simulation, f"{child.step} not run", [], at, at)]
    if child.phase in (SKIPPED, OMITTED):
        return [_bar(simulation, f"{child.step} {child.phase}", [], child.start, child.start)]
    lines = []
    several = len(child.attempts) > 1
    for number, attempt in enumerate(child.attempts, 1):
        if attempt.start >= child.end:
            break  # after a terminated run: the child's own time, drawn below
        name = f"{child.step} attempt {number}" if several else child.step
        # An attempt its run's termination cut short shows the step's end, not the child's.
        phase = attempt.phase if attempt.end <= child.end else child.phase
        tag = ["done"] if phase == SUCCEEDED else ["crit"]
        end = min(attempt.end, child.end)
        lines.append(_bar(simulation, f"{name} {phase}", tag, attempt.start, end))
        if attempt.wait and attempt.end < child.end:
            until = min(attempt.end + attempt.wait, child.end)
            lines.append(_bar(simulation, f"{child.step} waits", [], attempt.end, until))
    if child.child_end is not None and child.child_end > child.end:
        lines.append(
            _bar(simulation, f"{child.step} child runs on", ["active"], child.end, child.child_end)
        )
    return lines
