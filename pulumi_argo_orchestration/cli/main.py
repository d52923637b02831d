"""The `argo-orchestration` command: render, validate, draw and preview pipelines offline.

A thin shell over `sources` (PATH → manifests), `output_dir`, and the views (graph, schedule);
`run` and `backfill` live in `runs`.
Exit status: 0 success, 1 invalid input (every problem on stderr, nothing on stdout, nothing
written), 2 a malformed command line.

Built on argparse, which imports in a fraction of click's time (`render` is meant to start
quickly), and only the parser of the command that runs is built.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import re
import sys
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..errors import shown
from .common import (
    _PATH_HELP,
    _existing_path,
    _fail,
    _load,
    _now,
    _output,
    _OutputFailed,
    _program_options,
    _UsageError,
)
from .rendering import ProgramOptions, RenderFailure
from .signals import Terminated, undo_on_sigterm
from .sources import render_path
from .time_arguments import iso_time

if TYPE_CHECKING:
    from datetime import datetime

PROG = "argo-orchestration"

DESCRIPTION = """\
Scheduled Argo Workflows orchestrations, offline: no cluster and no Pulumi CLI needed.

render, validate, graph and schedule take a pipeline spec file (YAML), a Pulumi
program directory with Pulumi.yaml, or a program's .py file; run and backfill take a
spec file; import reads Argo's own YAML. Exit status: 0 success, 1 invalid input
(problems on stderr, nothing written), 2 a malformed command line.
"""


class _Formatter(argparse.HelpFormatter):
    """argparse's help, laid out like click's was: at most 80 columns, paragraphs kept,
    `-c, --config KEY=VALUE`, and the commands listed without a `{render,...}` heading."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        # argparse's width (the terminal's, less 2), at most 80 so that help stays readable.
        kwargs.setdefault("width", max(min(_terminal_columns() - 2, 80), 50))
        kwargs.setdefault("max_help_position", 26)
        super().__init__(prog, **kwargs)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        paragraphs = re.split(r"\n\s*\n", text.strip())
        return "\n\n".join(
            textwrap.fill(
                " ".join(p.split()),
                width,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
            )
            for p in paragraphs
        )

    def _split_lines(self, text: str, width: int) -> list[str]:
        # Option help never breaks inside a hyphenated name such as `window-start`.
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        metavar = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {metavar}"

    def _iter_indented_subactions(
        self, action: argparse.Action
    ) -> Generator[argparse.Action, None, None]:
        if isinstance(action, argparse._SubParsersAction):
            yield from action._get_subactions()

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction):
            text = text.split("\n", 1)[1]  # the `COMMAND` line: the commands follow
        return text


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil on every start: argparse
    makes a formatter for each argument it is given."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (ValueError, OSError):
            columns = 0
    return columns or 80


def _parser(
    prog: str,
    description: str | None,
    new: Callable[..., argparse.ArgumentParser] = argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """A parser from `new` (ArgumentParser, or a subparsers' add_parser), with click's -h text."""
    parser = new(
        prog=prog,
        description=description,
        formatter_class=_Formatter,
        add_help=False,
        allow_abbrev=False,
    )
    parser.add_argument("-h", "--help", action="help", help="Show this message and exit.")
    return parser


# --- argument types: what click.Path, click.IntRange and callbacks checked ---------------------


def _output_dir(text: str) -> str:
    if os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"Directory {shown(text)} is a file.")
    return text


def _existing_dir(text: str) -> str:
    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"Directory {shown(text)} does not exist.")
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"Directory {shown(text)} is a file.")
    return text


def _run_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a valid integer.") from None
    if not 1 <= count <= 1000:
        raise argparse.ArgumentTypeError(f"{count} is not in the range 1<=x<=1000.")
    return count


# --- render ------------------------------------------------------------------------------------


def _render_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", type=_existing_path, help=_PATH_HELP)
    _program_options(parser)
    parser.add_argument(
        "--show-secrets",
        action="store_true",
        help="Print secret values instead of the marker [secret].",
    )
    parser.add_argument(
        "-o",
        "--output-dir",
        dest="output_dir",
        metavar="DIR",
        type=_output_dir,
        help="Write one file per resource into DIR (replaced atomically) instead of stdout.",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=["yaml", "json"],
        default="yaml",
        help="YAML documents, or JSON (a v1 List on stdout, one object per file with -o). "
        "[default: yaml]",
    )


def render(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    timeout: float | None,
    show_secrets: bool,
    output_dir: str | None,
    fmt: str,
) -> None:
    """Print the Kubernetes manifests of PATH.

    PATH is a pipeline spec file (YAML), a Pulumi program directory with Pulumi.yaml
    (its `main:` is honoured), or a program's .py file. A program runs in-process under
    Pulumi's mocks, like `pulumi preview` without a cluster: every Kubernetes resource it
    declares (ours and plain pulumi-kubernetes ones) is printed. Supported offline: typed
    pulumi-kubernetes resources and CustomResource objects with an explicit metadata.name,
    and components built from them. Anything that needs a provider (auto-named resources,
    yaml/helm/kustomize resources, other providers, .get() reads, invokes) is one error
    listing all of them. Secret values print as [secret] unless --show-secrets.
    """
    from .output_dir import OutputError, format_documents, write_directory

    options = ProgramOptions(stack, config, secrets, show_secrets, timeout)
    rendered = _load(path, options)
    if output_dir is None:
        _output(format_documents(rendered.documents, fmt))
        return
    try:
        with undo_on_sigterm():  # the staging directory goes, as on Ctrl-C
            written = write_directory(output_dir, rendered.documents, fmt)
    except OutputError as error:
        _fail(f"{path}: {error}" if error.written else f"{path}: nothing written: {error}")
    _output("".join(f"{file}\n" for file in written))


# --- validate ----------------------------------------------------------------------------------


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", metavar="PATH", nargs="+", type=_existing_path, help=_PATH_HELP)
    _program_options(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="Also check the emitted manifests against Argo's JSON schema and CRDs "
        "(--argo-schema).",
    )
    parser.add_argument(
        "--argo-schema",
        dest="argo_schema",
        metavar="DIR",
        type=_existing_dir,
        help="Directory with Argo's schema.json (argo-workflows' api/jsonschema/schema.json) and "
        "crds/*.yaml (its manifests/base/crds/full/), of the Argo version you run.",
    )


def validate(
    *,
    paths: Sequence[str],
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    timeout: float | None,
    strict: bool,
    argo_schema: str | None,
) -> None:
    """Check every PATH and list every problem: file, field path, reason.

    Each PATH is a pipeline spec file, a Pulumi program directory or a program's .py file.
    Valid files are listed on stdout; problems go to stderr, one per line, and the exit
    status is 1 if there is any. The PATHs are checked as one deployment: an object that
    two of them declare (the same kind, namespace and name) is a problem.
    """
    if strict != (argo_schema is not None):
        raise _UsageError("--strict and --argo-schema DIR go together")
    from ..argo.collisions import Declarations

    schemas = _argo_schemas(argo_schema) if argo_schema else None
    options = ProgramOptions(stack, config, secrets, timeout=timeout)
    failed = 0
    total = 0
    # Files deployed together must not declare one object twice: each file's objects are
    # compared with those of the valid files before it.
    declared = Declarations()
    files: set[str] = set()
    for path in paths:
        problems, documents = _problems(path, options, schemas)
        count = len(documents)
        if not problems and os.path.realpath(path) not in files:  # a file named twice is one
            problems = [str(p) for p in declared.add(path, documents)]
        files.add(os.path.realpath(path))
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        if problems:
            failed += 1
            total += len(problems)
        else:
            _output(f"{path}: ok ({count} manifest{'s' if count != 1 else ''})\n")
    if failed:
        _fail(
            f"{total} problem{'s' if total != 1 else ''} in {failed} of {len(paths)} "
            f"file{'s' if len(paths) != 1 else ''}"
        )


def _argo_schemas(directory: str) -> Any:
    from ..views.conformance import ArgoSchemas

    try:
        return ArgoSchemas.load(directory)
    except ImportError as error:
        _fail(str(error))
    except (OSError, ValueError) as error:
        raise _UsageError(f"argument --argo-schema: {error}") from None


def _problems(
    path: str, options: ProgramOptions, schemas: Any
) -> tuple[list[str], list[dict[str, Any]]]:
    """Every problem of one PATH (program options are ignored for spec files), and its documents."""
    try:
        rendered = render_path(path, options)
    except RenderFailure as failure:
        return list(failure.problems), []
    for warning in rendered.warnings:
        print(f"warning: {path}: {warning}", file=sys.stderr)
    found = []
    if schemas is not None:
        found = [p for document in rendered.documents for p in schemas.problems(document)]
    return found, rendered.documents


# --- graph -------------------------------------------------------------------------------------


def _graph_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", type=_existing_path, help=_PATH_HELP)
    _program_options(parser)
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=["mermaid", "dot"],
        default="mermaid",
        help="Mermaid flowchart (for Markdown) or Graphviz DOT (`dot -Tsvg`). [default: mermaid]",
    )


def graph(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    timeout: float | None,
    fmt: str,
) -> None:
    """Draw the pipeline: trigger, orchestrator, stages, success and failure.

    A Mermaid `flowchart TD` in the spirit of Argo's Orchestration Flow: the CronWorkflow
    triggers the orchestrator, each stage's children run side by side, a stage that fails
    fails the pipeline. Several pipelines in one program are drawn as subgraphs.
    """
    from ..views.graph import GraphError, render_graph

    rendered = _load(path, ProgramOptions(stack, config, secrets, timeout=timeout))
    try:
        _output(render_graph(rendered.documents, fmt))
    except GraphError as error:
        _fail(f"{path}: {error}")


# --- schedule ----------------------------------------------------------------------------------


def _schedule_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", type=_existing_path, help=_PATH_HELP)
    _program_options(parser)
    parser.add_argument(
        "--next",
        dest="count",
        type=_run_count,
        default=10,
        metavar="N",
        help="How many runs to list. [default: 10; 1<=x<=1000]",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="ISO-TIME",
        type=iso_time,
        help="List runs after this time instead of now; without an offset it is read in the "
        "pipeline's time zone.",
    )


def schedule(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    timeout: float | None,
    count: int,
    start: datetime | None,
) -> None:
    """List the next N run times in the pipeline's time zone and in UTC.

    Times follow Argo's cron semantics (robfig/cron, the same code the validator uses).
    Warns on stderr when a listed day has a DST change that skips or repeats a run, and
    when the pipeline has no time zone (Argo then uses the controller's).
    """
    from ..views.schedule_preview import format_preview, previews_from_manifests

    # The preview has its own, more specific, no-timezone warning.
    rendered = _load(path, ProgramOptions(stack, config, secrets, timeout=timeout), warn=False)
    try:
        previews = previews_from_manifests(rendered.documents, start or _now(), count)
    except (ValueError, OverflowError) as error:
        _fail(f"{path}: {error}")
    _output("\n".join(format_preview(p) for p in previews))
    for p in previews:
        for warning in p.warnings:
            print(f"warning: {warning}", file=sys.stderr)


# --- dispatch ----------------------------------------------------------------------------------

# name: (help line, arguments, command); listed in this order by --help.
# name -> (one line of help, arguments, function); a command in a module of its own is named as
# `module.ATTRIBUTE` (its (arguments, function) pair) and imported only when that command runs.
_Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[..., None]]
COMMANDS: dict[str, tuple[str, _Command | str]] = {
    "backfill": ("Print a Workflow for every run a schedule missed.", "runs.BACKFILL"),
    "graph": ("Draw a pipeline as a Mermaid (or DOT) flowchart.", (_graph_arguments, graph)),
    "import": (
        "Read Argo CronWorkflows and WorkflowTemplates into specs.",
        "import_command.COMMAND",
    ),
    "render": (
        "Print the Kubernetes manifests of a spec file or a Pulumi program.",
        (_render_arguments, render),
    ),
    "run": ("Print a Workflow that runs the pipeline, or one child, now.", "runs.RUN"),
    "schedule": (
        "List the next run times, with DST warnings.",
        (_schedule_arguments, schedule),
    ),
    "simulate": ("Simulate runs under Argo's rules, without a cluster.", "simulate.COMMAND"),
    "status": ("Show runs and their child Workflows, from JSON or kubectl.", "status.COMMAND"),
    "validate": (
        "Check spec files and programs; list every problem.",
        (_validate_arguments, validate),
    ),
}


def _command(name: str) -> _Command:
    """A command's arguments and function, importing its module if it has one."""
    found = COMMANDS[name][1]
    if isinstance(found, str):
        from importlib import import_module

        module, attribute = found.split(".")
        command: _Command = getattr(import_module(f".{module}", __package__), attribute)
        return command
    return found


def _command_parser(
    name: str, new: Callable[..., argparse.ArgumentParser] = argparse.ArgumentParser
) -> argparse.ArgumentParser:
    arguments, command = _command(name)
    parser = _parser(f"{PROG} {name}", command.__doc__, new)
    arguments(parser)
    return parser


def _main_parser() -> argparse.ArgumentParser:
    parser = _parser(PROG, DESCRIPTION)
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s, version {__version__}",
        help="Show the version and exit.",
    )
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for name, (help_line, _) in COMMANDS.items():
        _command_parser(name, functools.partial(commands.add_parser, name, help=help_line))
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line `argv` (default: `sys.argv[1:]`).

    Returns on success; exit status 1 (invalid input) and 2 (a malformed command line) are
    SystemExit, as is `--help`'s and `--version`'s 0.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        name = args[0]
        parser = _command_parser(name)
        # Options may come between paths, as in `validate a.yaml --strict ... b.yaml`. Only
        # the commands taking several paths need that: intermixed parsing formats the usage
        # line up front.
        several = name in ("validate", "import")
        parse = parser.parse_intermixed_args if several else parser.parse_args
        options = vars(parse(args[1:]))
    else:
        parser = _main_parser()
        if not args:
            parser.print_help(sys.stderr)
            sys.exit(2)
        options = vars(parser.parse_args(args))  # --help, --version and errors exit here
        name = options.pop("command")
        if name is None:
            parser.error("a COMMAND is required")
        parser = _command_parser(name)  # for the usage line of the command's errors
    try:
        _command(name)[1](**options)
        _flush_output()
    except _UsageError as error:
        parser.error(str(error))
    except BrokenPipeError:
        # The reader went away (`| head`): no traceback, and no second error at exit.
        _discard_output()
        sys.exit(1)
    except _OutputFailed as error:
        _discard_output()
        _fail(f"{PROG}: cannot write the output: {error}")
    except KeyboardInterrupt:
        print("Aborted!", file=sys.stderr)
        sys.exit(1)
    except Terminated:
        # Everything the command had started is undone by now (staging directories, a program's
        # process); end as a process killed by SIGTERM would, by the shell's convention.
        print("Terminated!", file=sys.stderr)
        sys.exit(128 + 15)


def _flush_output() -> None:
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:
        raise _OutputFailed(getattr(error, "strerror", None) or str(error)) from None


def _discard_output() -> None:
    """Point stdout at /dev/null, so the flush at exit cannot fail a second time."""
    try:
        fileno = sys.stdout.fileno() if sys.stdout is not None else -1
    except (OSError, ValueError):  # not a real file (tests capture it), or closed
        return
    if fileno >= 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fileno)
        os.close(devnull)


def run() -> None:
    """The `argo-orchestration` console script: `main`, then a quick exit."""
    try:
        main()
    finally:
        # The process ends here. Python's exit-time cyclic collection would walk every object
        # the model classes and their schema created, about 2% of a `render`, only to free
        # memory the operating system takes back anyway. Not in `main`: tests and other
        # callers run it in a process that goes on.
        gc.disable()


if __name__ == "__main__":
    run()
