"""`argo-orchestration simulate`: a pipeline's runs under Argo's rules, without a cluster.

The rules are `views.simulation`'s, the output `views.timeline`'s; this module reads the
scenario from the command line.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import shown
from .common import (
    _PATH_HELP,
    _existing_path,
    _fail,
    _load,
    _now,
    _output,
    _program_options,
    _UsageError,
)
from .sources import ProgramOptions
from .time_arguments import iso_time

if TYPE_CHECKING:
    from datetime import datetime

MAX_RUNS = 100


def _failure(text: str) -> tuple[str, int | None]:
    step, _, attempts = text.partition(":")
    if not step or (attempts and not (attempts.isdigit() and int(attempts) >= 1)):
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not STEP or STEP:ATTEMPTS (a whole number of failed attempts, "
            "at least 1)"
        )
    return step, int(attempts) if attempts else None


def _duration(text: str) -> int:
    from ..syntax.go_duration import duration_seconds

    seconds = duration_seconds(text)
    if seconds is None or seconds < 1:
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not a positive duration such as 90s, 5m or 1h30m"
        )
    return seconds


def _slow(text: str) -> tuple[str, int]:
    step, equals, duration = text.partition("=")
    if not step or not equals:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not STEP=DURATION, e.g. load=2h")
    return step, _duration(duration)


def _runs(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_RUNS:
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not a whole number from 1 to {MAX_RUNS}"
        )
    return int(text)


def arguments(parser: argparse.ArgumentParser) -> None:
    """`simulate PATH [--fail STEP[:ATTEMPTS]] [--slow STEP=DURATION] [--runs N] ...`."""
    parser.add_argument("path", metavar="PATH", type=_existing_path, help=_PATH_HELP)
    _program_options(parser)
    parser.add_argument(
        "--fail",
        dest="failures",
        action="append",
        type=_failure,
        default=[],
        metavar="STEP[:ATTEMPTS]",
        help="Fail the child's first ATTEMPTS attempts, or every attempt (repeatable).",
    )
    parser.add_argument(
        "--slow",
        dest="durations",
        action="append",
        type=_slow,
        default=[],
        metavar="STEP=DURATION",
        help="Each attempt of that child takes DURATION, e.g. 2h (repeatable).",
    )
    parser.add_argument(
        "--runs",
        type=_runs,
        default=1,
        metavar="N",
        help=f"Simulate N schedule ticks. [default: 1; 1<=N<={MAX_RUNS}]",
    )
    parser.add_argument(
        "--duration",
        dest="attempt_seconds",
        type=_duration,
        default=60,
        metavar="DURATION",
        help="How long every other attempt takes. [default: 1m]",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="ISO-TIME",
        type=iso_time,
        help="Start at the first tick after this time instead of now.",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=["text", "mermaid"],
        default="text",
        help="A timeline, or a Mermaid gantt chart. [default: text]",
    )


def simulate(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    timeout: float | None,
    failures: list[tuple[str, int | None]],
    durations: list[tuple[str, int]],
    runs: int,
    attempt_seconds: int,
    start: datetime | None,
    fmt: str,
) -> None:
    """Print what the pipeline's runs would do under Argo's rules, with no cluster.

    Stages run in order, the children of a stage side by side; a failed child stops the
    later stages unless it is optional; `when` and DAG dependencies skip and omit children;
    retries follow each template's retryStrategy (limit, policy, backoff duration, factor,
    cap, maxDuration), timeouts end a child, the exit handler sees workflow.status. Over
    several ticks, concurrencyPolicy (Allow, Forbid, Replace) and startingDeadlineSeconds
    decide what starts. Every child attempt succeeds after --duration unless --fail or
    --slow say otherwise. Each rule cites the Argo source it follows (docs/monitoring.md).
    """
    from ..views.simulation import Scenario, SimulationError, plans_from_manifests
    from ..views.simulation import simulate as run_simulation
    from ..views.timeline import format_mermaid, format_text

    if start is not None and start.tzinfo is None:
        raise _UsageError("--from needs a time with an offset, e.g. 2026-01-01T08:00:00+01:00")
    rendered = _load(path, ProgramOptions(stack, config, secrets, timeout=timeout), warn=False)
    scenario = Scenario(
        failures=dict(failures),
        durations=dict(durations),
        attempt_seconds=attempt_seconds,
        runs=runs,
    )
    try:
        plans = plans_from_manifests(rendered.documents)
        for plan in plans:
            scenario.check(plan)
    except SimulationError as error:
        if "has no step" in str(error):
            raise _UsageError(str(error)) from None
        _fail(f"{path}: {error}")
    origin = start or _now()
    try:
        simulations = [run_simulation(plan, scenario, origin) for plan in plans]
    except SimulationError as error:
        _fail(f"{path}: {error}")
    show = format_mermaid if fmt == "mermaid" else format_text
    _output("\n".join(show(s) for s in simulations))


COMMAND = (arguments, simulate)
