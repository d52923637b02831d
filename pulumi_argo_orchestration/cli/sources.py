"""From a PATH on the command line to manifests: a spec file, or a Pulumi program run offline.

Every command starts here (`render`, `validate`, `graph` and `schedule` with any PATH, `run` and
`backfill` with a spec file), so each reports failures the same way. Pulumi is imported only when
PATH is a program.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import redirect_stdout
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from .._gc import gc_paused
from ..errors import ResolvedValueError, SpecError
from ..offline.project import ProjectError, is_program_path

if TYPE_CHECKING:
    from ..argo.manifests import RenderedPipeline

_NO_VALUES: Mapping[str, str] = MappingProxyType({})


class ProgramOptions(NamedTuple):
    """What a program run needs beyond its path: stack, config and how to show secrets."""

    stack: str | None = None
    config: Mapping[str, str] = _NO_VALUES
    secrets: Mapping[str, str] = _NO_VALUES
    show_secrets: bool = False

    @property
    def given(self) -> bool:
        """True when any program-only option was set (they mean nothing for a spec file)."""
        return bool(self.stack or self.config or self.secrets or self.show_secrets)


class Rendered(NamedTuple):
    """The manifests of one PATH, and warnings about things that are valid but surprising."""

    source: str
    documents: list[dict[str, Any]]
    warnings: list[str]
    program: bool


class RenderFailure(Exception):
    """Why PATH produced no manifests: a headline and one `where: reason` line per problem."""

    def __init__(
        self, source: str, headline: str, problems: Sequence[str], note: str | None = None
    ) -> None:
        self.source = source
        self.headline = headline
        self.problems = tuple(problems)
        self.note = note
        super().__init__(self.report())

    def report(self) -> str:
        """The whole error as printed by `render`: headline, problems, then the note."""
        lines = [f"{self.source}: {self.headline}", *(f"  - {p}" for p in self.problems)]
        return "\n".join([*lines, *([self.note] if self.note else [])])


def render_path(path: str, options: ProgramOptions | None = None) -> Rendered:
    """Manifests of a spec file or a Pulumi program, or RenderFailure listing every problem."""
    options = options or ProgramOptions()
    if is_program_path(path):
        return _render_program(path, options)
    return _render_spec(path)


def _render_spec(path: str) -> Rendered:
    rendered = render_spec_file(path)
    return Rendered(path, rendered.documents, rendered.warnings, False)


@gc_paused
def render_spec_file(path: str) -> RenderedPipeline:
    """A spec file's pipeline with its manifests, or RenderFailure listing every problem."""
    # The collector is paused from the first import of the model on: creating the model
    # classes and their schema allocates cycles that live as long as the process, and scanning
    # them again and again was about 3% of a `render` of a small spec.
    from ..argo.manifests import render_pipeline
    from ..spec.loading import load_spec_file

    try:
        return render_pipeline(load_spec_file(path))
    except SpecError as error:
        raise _spec_failure(path, error) from None


def _spec_failure(path: str, error: SpecError | ResolvedValueError) -> RenderFailure:
    count = len(error.problems)
    return RenderFailure(
        path,
        f"invalid pipeline spec ({count} problem{'s' if count != 1 else ''})",
        [str(problem) for problem in error.problems],
    )


def _render_program(path: str, options: ProgramOptions) -> Rendered:
    import sys

    from ..offline.engine import SUPPORTED, OfflineRenderError, run_program
    from ..offline.project import failure_location, find_project
    from ..views.manifest_warnings import manifest_warnings

    try:
        project = find_project(path)
    except ProjectError as error:
        raise RenderFailure(error.source, "cannot run the program", error.problems) from None
    try:
        # The program's prints must not end up in the YAML on stdout.
        with redirect_stdout(sys.stderr):
            run = run_program(
                path, stack=options.stack, config=options.config, secrets=options.secrets
            )
        documents = run.manifests(show_secrets=options.show_secrets)
    except (SpecError, ResolvedValueError) as error:
        raise _spec_failure(path, error) from None
    except ProjectError as error:
        raise RenderFailure(error.source, "cannot run the program", error.problems) from None
    except OfflineRenderError as error:
        count = len(error.problems)
        problems = list(error.problems)
        if error.cause is not None:
            problems.append(f"the program then failed: {_one_line(error.cause)}")
        raise RenderFailure(
            path,
            f"{count} declaration{'s' if count != 1 else ''} cannot be rendered offline "
            "(no provider runs)",
            problems,
            note=SUPPORTED,
        ) from None
    except (Exception, SystemExit) as error:
        # SystemExit too: a program's sys.exit() must not end the CLI with its status.
        where = failure_location(error, project)
        reason = _one_line(error)
        raise RenderFailure(
            path, "the program failed", [f"{where}: {reason}" if where else reason]
        ) from None
    # One warning per text: a pipeline's own, then what its manifests show of hand-written ones.
    warnings = list(dict.fromkeys([*run.warnings, *manifest_warnings(documents)]))
    return Rendered(path, documents, warnings, True)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
