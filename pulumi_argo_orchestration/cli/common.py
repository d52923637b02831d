"""What every command shares: the PATH argument, program options, loading PATH, failing.

`main` builds the parsers and dispatches; each command's module (`main` for the first four,
`status`, `simulate`) takes its arguments and helpers from here, so no command module imports
another.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import shown
from .rendering import DEFAULT_TIMEOUT, ProgramOptions, Rendered, RenderFailure
from .sources import render_path
from .usage import UsageError

if TYPE_CHECKING:
    from datetime import datetime


_UsageError = UsageError


def _existing_path(text: str) -> str:
    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"Path {shown(text)} does not exist.")
    return text


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a number of seconds.") from None
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a number of seconds (0 or more).")
    return seconds


def _now() -> datetime:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).replace(microsecond=0)


def _assignment(text: str) -> tuple[str, str]:
    from ..offline.project import parse_assignment

    try:
        return parse_assignment(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _Assignments(argparse.Action):
    """--config/--secret KEY=VALUE, repeatable: a dict, later values winning."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        key, value = values
        setattr(namespace, self.dest, {**getattr(namespace, self.dest), key: value})


def _program_options(parser: argparse.ArgumentParser) -> None:
    """--stack, --config and --secret: what a Pulumi program run sees as its config."""
    parser.add_argument(
        "--stack",
        metavar="NAME",
        help="Read plain config values from Pulumi.<NAME>.yaml beside the program.",
    )
    parser.add_argument(
        "-c",
        "--config",
        dest="config",
        action=_Assignments,
        type=_assignment,
        default={},
        metavar="KEY=VALUE",
        help="Set a config value (repeatable); KEY without a namespace is <project>:KEY.",
    )
    parser.add_argument(
        "--secret",
        dest="secrets",
        action=_Assignments,
        type=_assignment,
        default={},
        metavar="KEY=VALUE",
        help="Set a secret config value (repeatable), seen by Config.require_secret.",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="Stop a program that runs longer than this; 0 for no limit. "
        f"[default: {DEFAULT_TIMEOUT:g}]",
    )


_PATH_HELP = (
    "A pipeline spec file (YAML), a Pulumi program directory with Pulumi.yaml "
    "(its `main:` is honoured), or a program's .py file."
)


def _load(path: str, options: ProgramOptions, *, warn: bool = True) -> Rendered:
    """Manifests of PATH, or exit 1 with every problem on stderr."""
    from ..offline.project import is_program_path

    if options.given and not is_program_path(path):
        raise _UsageError(
            "--stack, --config, --secret, --timeout and --show-secrets apply to Pulumi programs, "
            f"and {path} is a spec file"
        )
    try:
        rendered = render_path(path, options)
    except RenderFailure as failure:
        _fail(failure.report())
    if warn:
        for warning in rendered.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return rendered


def _fail(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    sys.exit(1)


class _OutputFailed(Exception):
    """Standard output is closed or cannot take the output (a full disk): exit 1, no traceback."""


def _output(text: str) -> None:
    """Write to standard output; a closed or failing stdout is an error of its own."""
    if sys.stdout is None:
        raise _OutputFailed("standard output is closed")
    try:
        sys.stdout.write(text)
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # ValueError: a closed file object
        raise _OutputFailed(getattr(error, "strerror", None) or str(error)) from None
