"""Import YAML written in a test, and read what came out."""

from __future__ import annotations

import textwrap
from typing import Any

from pulumi_argo_orchestration.migrate.documents import read_objects
from pulumi_argo_orchestration.migrate.importer import ImportResult, import_input
from pulumi_argo_orchestration.migrate.spec_text import pipeline_spec
from pulumi_argo_orchestration.spec.loading import parse_documents

SOURCE = "in.yaml"


def import_yaml(text: str) -> ImportResult:
    """Import the documents of `text`, as if read from a file named `in.yaml`."""
    return import_input(read_objects(SOURCE, parse_documents(textwrap.dedent(text), SOURCE)))


def spec(result: ImportResult, index: int = 0) -> dict[str, Any]:
    """A pipeline as the import prints it."""
    return pipeline_spec(result.pipelines[index].spec)


def refusals(result: ImportResult) -> list[str]:
    """Every reason a document was refused, as `where: message`."""
    return [str(f) for d in result.documents for f in d.findings.refusals]


def cannot(result: ImportResult) -> list[str]:
    """Every field left out, as `where: message`."""
    return [str(f) for d in result.documents for f in d.findings.cannot]


def changes(result: ImportResult) -> list[str]:
    """Every deliberate change, as `where: message`."""
    return [str(f) for d in result.documents for f in d.findings.changes]
