"""The `argo-orchestration` command: render pipeline specs to Kubernetes YAML without a cluster."""

from __future__ import annotations

import sys

import click

from .errors import SpecError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pulumi-argo-orchestration")
def main() -> None:
    """Scheduled Argo Workflows orchestrations: render, validate and inspect pipeline specs."""


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=str))
def render(path: str) -> None:
    """Print the manifests of the pipeline spec PATH as multi-document YAML.

    Invalid input prints every problem on stderr and exits with status 1; nothing goes to stdout.
    """
    from .manifests import pipeline_manifests, pipeline_warnings
    from .spec_file import load_spec_file
    from .yaml_output import dump_documents

    try:
        pipeline = load_spec_file(path)
    except SpecError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for warning in pipeline_warnings(pipeline):
        click.echo(f"warning: {warning}", err=True)
    click.echo(dump_documents(pipeline_manifests(pipeline)), nl=False)
