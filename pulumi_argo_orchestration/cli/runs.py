"""`run` and `backfill`: Workflows to pipe into `kubectl create -f -`, from a spec file.

A thin shell over `argo.runs`: it reads the spec file, parses times and `-p` values, prints the
documents on stdout and what was skipped on stderr. Invalid input exits 1 with every problem and
prints nothing; a malformed command line exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import shown
from .common import _output
from .time_arguments import rfc3339_time
from .usage import UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from ..argo.manifests import RenderedPipeline

_SPEC_HELP = "A pipeline spec file (YAML)."
_PARALLEL_MAX = 1000


def _spec_file(text: str) -> str:
    import os

    from ..offline.project import is_program_path

    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"Path {shown(text)} does not exist.")
    if is_program_path(text):
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is a Pulumi program: give the pipeline's spec file (YAML)"
        )
    return text


def _parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {shown(text)}")
    return name, value


def _parallel(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a valid integer.") from None
    if not 1 <= count <= _PARALLEL_MAX:
        raise argparse.ArgumentTypeError(f"{count} is not in the range 1<=x<={_PARALLEL_MAX}.")
    return count


class _Parameters(argparse.Action):
    """-p NAME=VALUE, repeatable: a dict, later values winning."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        name, value = values
        setattr(namespace, self.dest, {**getattr(namespace, self.dest), name: value})


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC", type=_spec_file, help=_SPEC_HELP)
    parser.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        action=_Parameters,
        type=_parameter,
        default={},
        metavar="NAME=VALUE",
        help="A value for a parameter of the pipeline (repeatable), checked like the spec's "
        "values. The window's window-start and window-end take RFC 3339 times.",
    )


def _load(path: str) -> RenderedPipeline:
    from .sources import RenderFailure, render_spec_file

    try:
        return render_spec_file(path)
    except RenderFailure as failure:
        _fail(failure.report())


def _fail(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    sys.exit(1)


def _problems(path: str, what: str, error: Any) -> NoReturn:
    count = len(error.problems)
    lines = [f"{path}: {what} ({count} problem{'s' if count != 1 else ''})"]
    lines += [f"  - {problem}" for problem in error.problems]
    _fail("\n".join(lines))


def _print(documents: list[dict[str, Any]]) -> None:
    from ..argo.yaml_text import dump_documents

    if documents:
        _output(dump_documents(documents))


# --- run ---------------------------------------------------------------------------------------


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    _common_arguments(parser)
    parser.add_argument(
        "--child",
        metavar="STEP",
        help="Print the child Workflow of this step instead, with the arguments the "
        "orchestrator would give it.",
    )
    parser.add_argument(
        "--scheduled-time",
        dest="scheduled",
        metavar="TIME",
        type=rfc3339_time,
        help="The run's scheduled time, which ends its window: RFC 3339, e.g. "
        "2026-03-29T00:00:00Z. [default: now]",
    )


def run(
    *, spec: str, parameters: dict[str, str], child: str | None, scheduled: datetime | None
) -> None:
    """Print a Workflow that runs the pipeline now: `... | kubectl create -f -`.

    The Workflow is what a scheduled run of the CronWorkflow starts: its spec, its labels and
    the annotation workflows.argoproj.io/scheduled-time, from which Argo sets
    {{workflow.scheduledTime}} and the pipeline's window. It is not counted as one of the
    CronWorkflow's runs (no cron-workflow label, no owner). With --child STEP, the child
    Workflow of one step instead, to test it on its own; its arguments are filled in as the
    orchestrator would, from the spec's parameters, -p values and the window.
    """
    from ..argo import runs
    from ..errors import SpecError

    rendered = _load(spec)
    when = scheduled or _now()
    try:
        if child is None:
            documents = [runs.scheduled_run(rendered, when, parameters)]
        else:
            document, notes = runs.child_run(rendered.pipeline, child, when, parameters)
            documents = [document]
            for note in notes:
                print(f"note: {note}", file=sys.stderr)
    except SpecError as error:
        _problems(spec, "cannot make the run", error)
    _print(documents)


def _now() -> datetime:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).replace(microsecond=0)


# --- backfill ----------------------------------------------------------------------------------


def _backfill_arguments(parser: argparse.ArgumentParser) -> None:
    _common_arguments(parser)
    parser.add_argument(
        "--from",
        dest="start",
        metavar="TIME",
        type=rfc3339_time,
        required=True,
        help="The first scheduled time to run, included (RFC 3339, e.g. 2026-03-29T00:00:00Z).",
    )
    parser.add_argument(
        "--to",
        dest="end",
        metavar="TIME",
        type=rfc3339_time,
        required=True,
        help="The end of the range, excluded (RFC 3339).",
    )
    parser.add_argument(
        "--parallel",
        metavar="N",
        type=_parallel,
        help=f"Run at most N at once, through a semaphore and its ConfigMap, printed first. "
        f"[1<=N<={_PARALLEL_MAX}; default: no limit]",
    )


def backfill(
    *,
    spec: str,
    parameters: dict[str, str],
    start: datetime,
    end: datetime,
    parallel: int | None,
) -> None:
    """Print a Workflow for every run the schedules fire from --from up to --to.

    Run times follow Argo's cron semantics in the pipeline's time zone (robfig/cron, DST
    included, as `schedule` lists them); runs the calendar skips are left out and listed on
    stderr. Each Workflow is named after the pipeline and its run (<pipeline>-bf<unix
    seconds>) and carries the run as its scheduled time, so its window is the run's: pipe
    into `kubectl create -f -`, and a second backfill of the same range creates nothing twice
    (AlreadyExists). @every schedules cannot be backfilled.
    """
    from ..argo import runs
    from ..errors import SpecError
    from ..views.schedule_preview import skipped_days

    if start >= end:
        raise UsageError("--from must be before --to")
    rendered = _load(spec)
    try:
        documents, skipped = runs.backfill_manifests(
            rendered, start, end, parameters, parallel=parallel
        )
    except SpecError as error:
        _problems(spec, "cannot backfill", error)
    _print(documents)
    name = rendered.pipeline.name
    count = sum(1 for document in documents if document["kind"] == "Workflow")
    print(f"{name}: {count} run{'s' if count != 1 else ''} to backfill", file=sys.stderr)
    for line in skipped_days(skipped):
        print(f"{name}: skipped by the calendar: {line}", file=sys.stderr)
    if parallel is None and count > 1:
        print(
            f"warning: {name}: the {count} runs all start at once: --parallel N limits them",
            file=sys.stderr,
        )
    if parallel is not None and rendered.pipeline.orchestrator_template:
        print(
            f"warning: {name}: with `templateReferencing: Strict` or `Secure` (Argo v3.7.14+, "
            "v4.0.5+) the controller refuses `synchronization` next to workflowTemplateRef "
            "unless WORKFLOW_USER_OVERRIDE_ALLOWLIST includes it (v3.7.17+, v4.0.8+)",
            file=sys.stderr,
        )


# (arguments, command) for the command table in main.py.
RUN: tuple[Callable[[argparse.ArgumentParser], None], Callable[..., None]] = (_run_arguments, run)
BACKFILL: tuple[Callable[[argparse.ArgumentParser], None], Callable[..., None]] = (
    _backfill_arguments,
    backfill,
)
