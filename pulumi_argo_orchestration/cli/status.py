"""`argo-orchestration status`: a pipeline's runs and children, from Workflow JSON or kubectl.

The reading is `views.run_status`; this module finds the JSON (a file, stdin, or `kubectl get
workflows` when kubectl has a current context) and prints the tree or JSON.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

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
    import subprocess
    from datetime import datetime

# A kubectl List of a busy pipeline is megabytes; anything past this is refused, not read.
MAX_INPUT_BYTES = 256 * 1024 * 1024
KUBECTL_TIMEOUT_SECONDS = 60


def arguments(parser: argparse.ArgumentParser) -> None:
    """`status PATH [--from-json FILE|-] [--format text|json] [--at ISO-TIME]`."""
    parser.add_argument("path", metavar="PATH", type=_existing_path, help=_PATH_HELP)
    _program_options(parser)
    parser.add_argument(
        "--from-json",
        dest="from_json",
        metavar="FILE",
        help="Workflows as `kubectl get workflows -n NAMESPACE -l app.kubernetes.io/part-of="
        "NAME -o json` prints them; `-` reads stdin. Without it, kubectl is run when it has a "
        "current context.",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=["text", "json"],
        default="text",
        help="A tree per run (coloured on a terminal unless NO_COLOR is set), or JSON for "
        "scripts. [default: text]",
    )
    parser.add_argument(
        "--at",
        metavar="ISO-TIME",
        type=iso_time,
        help="Measure what still runs up to this time instead of now.",
    )


def status(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    timeout: float | None,
    from_json: str | None,
    fmt: str,
    at: datetime | None,
) -> None:
    """Show each run of the pipeline, newest first: its stages in order and each child.

    For every child: phase, start, duration, retries, message and the child Workflow's
    name; a stage that never ran shows as `skipped`. Children still running after their run
    ended, or whose run is gone, are listed as orphans. The Workflows come from --from-json
    (a file or `-` for stdin, the output of `kubectl get workflows -l <selector> -o json`),
    or from kubectl itself when it is on PATH with a current context.
    """
    from ..views.graph import GraphError
    from ..views.run_status import (
        StatusInputError,
        format_status,
        status_to_json,
        statuses_from_manifests,
        workflows_from_data,
        workflows_from_json,
    )

    # The spec's warnings are about deploying it, not about reading its runs.
    rendered = _load(path, ProgramOptions(stack, config, secrets, timeout=timeout), warn=False)
    moment = at or _now()
    if moment.tzinfo is None:
        raise _UsageError("--at needs a time with an offset, e.g. 2026-01-01T08:00:00+01:00")
    try:
        if from_json is not None:
            workflows = workflows_from_json(_read(from_json))
        else:
            workflows = workflows_from_data({"items": _kubectl_workflows(rendered.documents)})
        statuses = statuses_from_manifests(rendered.documents, workflows, moment)
    except StatusInputError as error:
        _fail(f"{from_json or 'kubectl'}: {error}")
    except GraphError as error:
        _fail(f"{path}: {error}")
    if fmt == "json":
        _output(status_to_json(statuses))
        return
    # No stdout at all (`>&-`) is for `_output` to report.
    colour = sys.stdout is not None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    _output("\n".join(format_status(s, colour) for s in statuses))


def _read(source: str) -> str:
    try:
        if source == "-":
            text = sys.stdin.read(MAX_INPUT_BYTES + 1)
        else:
            with open(source, encoding="utf-8") as file:
                text = file.read(MAX_INPUT_BYTES + 1)
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"{source}: cannot read it: {error}")
    if len(text) > MAX_INPUT_BYTES:
        _fail(f"{source}: more than {MAX_INPUT_BYTES} bytes: read fewer Workflows")
    return text


def _kubectl_workflows(documents: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Every Workflow of each pipeline, per namespace its runs and children live in."""
    # Imported here, like everything only one command needs: every command pays for the rest.
    import shutil

    from ..spec.names import child_selector
    from ..views.graph import flows_from_manifests
    from ..views.run_status import StatusInputError, workflows_from_json

    kubectl = shutil.which("kubectl")
    if kubectl is None or _run([kubectl, "config", "current-context"]).returncode != 0:
        raise _UsageError(
            "no --from-json FILE, and no kubectl with a current context to read the Workflows "
            "with: pass the output of `kubectl get workflows -n NAMESPACE -l "
            "app.kubernetes.io/part-of=NAME -o json`"
        )
    crons = [d for d in documents if d.get("kind") == "CronWorkflow"]
    items: list[Any] = []
    for flow, cron in zip(flows_from_manifests(documents), crons, strict=True):
        home = str(cron["metadata"].get("namespace") or "default")
        steps = [*(s for stage in flow.stages for s in stage), *flow.tasks, *flow.exit_steps]
        namespaces = dict.fromkeys([home, *(s.namespace for s in steps if s.namespace)])
        for namespace in namespaces:
            command = [
                kubectl,
                "get",
                "workflows.argoproj.io",
                "--namespace",
                namespace,
                "--selector",
                child_selector(flow.name),
                "--output",
                "json",
                f"--request-timeout={KUBECTL_TIMEOUT_SECONDS}s",
            ]
            done = _run(command)
            if done.returncode != 0:
                _fail(f"kubectl get workflows -n {namespace} failed: {done.stderr.strip()}")
            try:
                items += workflows_from_json(done.stdout)
            except StatusInputError as error:
                _fail(f"kubectl get workflows -n {namespace}: {error}")
    return items


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    import subprocess

    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=KUBECTL_TIMEOUT_SECONDS + 10,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _fail(f"{command[0]} {command[1]}: {error}")


COMMAND = (arguments, status)
