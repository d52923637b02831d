"""`argo-orchestration import`: Argo YAML in, pipeline specs out (and a Pulumi program).

A shell over `migrate/`: it reads the files, prints the specs and the report, writes the program
directory, and picks the exit status. The importer is imported when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from ..errors import shown
from .common import _output


def arguments(parser: argparse.ArgumentParser) -> None:
    """FILE..., --program DIR, --allow-partial."""
    parser.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        type=_existing_file,
        help="YAML with CronWorkflows, WorkflowTemplates and ClusterWorkflowTemplates "
        "(several documents, or a kubectl List, per file).",
    )
    parser.add_argument(
        "--program",
        metavar="DIR",
        type=_program_dir,
        help="Also write a Pulumi program (Pulumi.yaml, __main__.py) into DIR: new, empty, or "
        "written by an earlier import.",
    )
    parser.add_argument(
        "--allow-partial",
        dest="allow_partial",
        action="store_true",
        help="Import what can be imported; what cannot is still listed on stderr.",
    )


def import_files(*, files: Sequence[str], program: str | None, allow_partial: bool) -> None:
    """Print the pipeline specs equivalent to Argo manifests; report what changes.

    Reads CronWorkflows (Argo v4 `schedules` or v3.5 `schedule`) whose steps or DAG tasks
    spawn child Workflows from WorkflowTemplates with resource templates, and the
    WorkflowTemplates and ClusterWorkflowTemplates they use. Prints one spec per pipeline
    and per shared template on stdout. On stderr, per document: every field the spec
    cannot express, by its place (FILE:DOCUMENT:PATH, documents counted from 0), and what
    the rendered result changes on purpose (labels, child names, owner references, RBAC,
    restricted pod defaults, arguments passed through sprig.quote). Anything left out is
    exit status 1 with nothing printed, unless --allow-partial.
    """
    from ..migrate.documents import read_files
    from ..migrate.importer import import_input
    from ..migrate.report import report_text
    from ..migrate.spec_text import specs_text

    result = import_input(read_files(files))
    sys.stderr.write(report_text(result))
    if not result.complete and not allow_partial:
        _fail("nothing printed or written: the input cannot be imported whole (--allow-partial "
              "imports what can be)")  # fmt: skip
    if not result.produced:
        _fail("nothing printed or written: no pipeline or template could be imported")
    if program is not None:
        from ..migrate.program import program_files

        try:
            written = _write_program(Path(program), program_files(result))
        except OSError as error:
            _fail(f"{program}: nothing written: {error.strerror or error}")
        except _NotOurs as error:
            _fail(f"{program}: nothing written: {error}")
        for path in written:
            print(f"wrote {path}", file=sys.stderr)
    _output(specs_text(result))


class _NotOurs(Exception):
    """The program directory holds something an import did not write."""


def _write_program(directory: Path, files: Mapping[str, str]) -> list[Path]:
    """Write the files into `directory`, each replaced atomically; other files are left alone."""
    from ..migrate.program import MAIN_FILE, is_imported_program

    if directory.is_dir() and any(directory.iterdir()):
        main = directory / MAIN_FILE
        try:
            ours = main.is_file() and is_imported_program(main.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise _NotOurs(
                "the directory is not empty and was not written by `argo-orchestration "
                "import`; choose a new or empty directory"
            )
    directory.mkdir(parents=True, exist_ok=True)
    staged = []
    try:
        for name, text in files.items():
            temporary = directory / f".{name}.import"
            temporary.write_text(text, encoding="utf-8")
            staged.append((temporary, directory / name))
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    return [target for _, target in staged]


def _existing_file(text: str) -> str:
    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"Path {shown(text)} does not exist.")
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"Path {shown(text)} is a directory.")
    return text


def _program_dir(text: str) -> str:
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"Directory {shown(text)} is a file.")
    return text


def _fail(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    sys.exit(1)


COMMAND = (arguments, import_files)
