"""The `argo-orchestration` command: render, validate, draw and preview pipelines offline.

A thin shell over `sources` (PATH → manifests), `render_output`, `graph` and `schedule_preview`.
Exit status: 0 success, 1 invalid input (every problem on stderr, nothing on stdout, nothing
written), 2 a malformed command line.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, NoReturn, TypeVar

import click

from .sources import ProgramOptions, Rendered, RenderFailure, render_path

F = TypeVar("F", bound=Callable[..., Any])

_PATH = click.Path(exists=True, path_type=str)
_PATH_HELP = (
    "PATH is a pipeline spec file (YAML), a Pulumi program directory with Pulumi.yaml "
    "(its `main:` is honoured), or a program's .py file."
)


def _assignments(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from .program import parse_assignment

    parsed: dict[str, str] = {}
    for text in values:
        try:
            key, value = parse_assignment(text)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from None
        parsed[key] = value
    return parsed


def _program_options(command: F) -> F:
    """--stack, --config and --secret: what a Pulumi program run sees as its config."""
    options = [
        click.option(
            "--stack",
            metavar="NAME",
            help="Read plain config values from Pulumi.<NAME>.yaml beside the program.",
        ),
        click.option(
            "--config",
            "-c",
            "config",
            multiple=True,
            metavar="KEY=VALUE",
            callback=_assignments,
            help="Set a config value (repeatable); KEY without a namespace is <project>:KEY.",
        ),
        click.option(
            "--secret",
            "secrets",
            multiple=True,
            metavar="KEY=VALUE",
            callback=_assignments,
            help="Set a secret config value (repeatable), seen by Config.require_secret.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _load(path: str, options: ProgramOptions, *, warn: bool = True) -> Rendered:
    """Manifests of PATH, or exit 1 with every problem on stderr."""
    from .program import is_program_path

    if options.given and not is_program_path(path):
        raise click.UsageError(
            "--stack, --config, --secret and --show-secrets apply to Pulumi programs, "
            f"and {path} is a spec file"
        )
    try:
        rendered = render_path(path, options)
    except RenderFailure as failure:
        _fail(failure.report())
    if warn:
        for warning in rendered.warnings:
            click.echo(f"warning: {warning}", err=True)
    return rendered


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pulumi-argo-orchestration")
def main() -> None:
    """Scheduled Argo Workflows orchestrations, offline: no cluster and no Pulumi CLI needed.

    Every command takes a pipeline spec file (YAML), a Pulumi program directory with
    Pulumi.yaml, or a program's .py file. Exit status: 0 success, 1 invalid input (problems
    on stderr, nothing written), 2 a malformed command line.
    """


@main.command(short_help="Print the Kubernetes manifests of a spec file or a Pulumi program.")
@click.argument("path", type=_PATH)
@_program_options
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Print secret values instead of the marker [secret].",
)
@click.option(
    "-o",
    "--output-dir",
    "output_dir",
    metavar="DIR",
    type=click.Path(path_type=str, file_okay=False),
    help="Write one file per resource into DIR (replaced atomically) instead of stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="YAML documents, or JSON (a v1 List on stdout, one object per file with -o).",
)
def render(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
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
    from .render_output import OutputError, format_documents, write_directory

    options = ProgramOptions(stack, config, secrets, show_secrets)
    rendered = _load(path, options)
    if output_dir is None:
        click.echo(format_documents(rendered.documents, fmt), nl=False)
        return
    try:
        written = write_directory(output_dir, rendered.documents, fmt)
    except OutputError as error:
        _fail(f"{path}: nothing written: {error}")
    for file in written:
        click.echo(str(file))


@main.command(short_help="Check spec files and programs; list every problem.")
@click.argument("paths", nargs=-1, required=True, type=_PATH)
@_program_options
@click.option(
    "--strict",
    is_flag=True,
    help="Also check the emitted manifests against Argo's JSON schema and CRDs (--argo-schema).",
)
@click.option(
    "--argo-schema",
    "argo_schema",
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=str),
    help="Directory laid out like Argo's repository: schema.json and crds/*.yaml.",
)
def validate(
    *,
    paths: tuple[str, ...],
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    strict: bool,
    argo_schema: str | None,
) -> None:
    """Check every PATH and list every problem: file, field path, reason.

    Each PATH is a pipeline spec file, a Pulumi program directory or a program's .py file.
    Valid files are listed on stdout; problems go to stderr, one per line, and the exit
    status is 1 if there is any.
    """
    if strict != (argo_schema is not None):
        raise click.UsageError("--strict and --argo-schema DIR go together")
    schemas = _argo_schemas(argo_schema) if argo_schema else None
    options = ProgramOptions(stack, config, secrets)
    failed = 0
    total = 0
    for path in paths:
        problems, count = _problems(path, options, schemas)
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        if problems:
            failed += 1
            total += len(problems)
        else:
            click.echo(f"{path}: ok ({count} manifest{'s' if count != 1 else ''})")
    if failed:
        _fail(
            f"{total} problem{'s' if total != 1 else ''} in {failed} of {len(paths)} "
            f"file{'s' if len(paths) != 1 else ''}"
        )


def _argo_schemas(directory: str) -> Any:
    from .conformance import ArgoSchemas

    try:
        return ArgoSchemas.load(directory)
    except ImportError as error:
        _fail(str(error))
    except (OSError, ValueError) as error:
        raise click.BadParameter(str(error), param_hint="--argo-schema") from None


def _problems(path: str, options: ProgramOptions, schemas: Any) -> tuple[list[str], int]:
    """Every problem of one PATH (program options are ignored for spec files), and its size."""
    try:
        rendered = render_path(path, options)
    except RenderFailure as failure:
        return list(failure.problems), 0
    for warning in rendered.warnings:
        click.echo(f"warning: {path}: {warning}", err=True)
    found = []
    if schemas is not None:
        found = [p for document in rendered.documents for p in schemas.problems(document)]
    return found, len(rendered.documents)


@main.command(short_help="Draw a pipeline as a Mermaid (or DOT) flowchart.")
@click.argument("path", type=_PATH)
@_program_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Mermaid flowchart (for Markdown) or Graphviz DOT (`dot -Tsvg`).",
)
def graph(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    fmt: str,
) -> None:
    """Draw the pipeline: trigger, orchestrator, stages, success and failure.

    A Mermaid `flowchart TD` in the spirit of Argo's Orchestration Flow: the CronWorkflow
    triggers the orchestrator, each stage's children run side by side, a stage that fails
    fails the pipeline. Several pipelines in one program are drawn as subgraphs.
    """
    from .graph import GraphError, render_graph

    rendered = _load(path, ProgramOptions(stack, config, secrets))
    try:
        click.echo(render_graph(rendered.documents, fmt), nl=False)
    except GraphError as error:
        _fail(f"{path}: {error}")


def _start_time(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime:
    if value is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 time (e.g. 2025-03-29T00:00:00+01:00)", ctx, param
        ) from None


@main.command(short_help="List the next run times, with DST warnings.")
@click.argument("path", type=_PATH)
@_program_options
@click.option(
    "--next",
    "count",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    metavar="N",
    help="How many runs to list.",
)
@click.option(
    "--from",
    "start",
    metavar="ISO-TIME",
    callback=_start_time,
    help="List runs after this time instead of now; without an offset it is read in the "
    "pipeline's time zone.",
)
def schedule(
    *,
    path: str,
    stack: str | None,
    config: dict[str, str],
    secrets: dict[str, str],
    count: int,
    start: datetime,
) -> None:
    """List the next N run times in the pipeline's time zone and in UTC.

    Times follow Argo's cron semantics (robfig/cron, the same code the validator uses).
    Warns on stderr when a listed day has a DST change that skips or repeats a run, and
    when the pipeline has no time zone (Argo then uses the controller's).
    """
    from .schedule_preview import format_preview, previews_from_manifests

    # The preview has its own, more specific, no-timezone warning.
    rendered = _load(path, ProgramOptions(stack, config, secrets), warn=False)
    try:
        previews = previews_from_manifests(rendered.documents, start, count)
    except (ValueError, OverflowError) as error:
        _fail(f"{path}: {error}")
    click.echo("\n".join(format_preview(p) for p in previews), nl=False)
    for p in previews:
        for warning in p.warnings:
            click.echo(f"warning: {warning}", err=True)


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
