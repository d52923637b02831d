"""From a PATH on the command line to manifests: a spec file, or a Pulumi program run offline.

Every command starts here (`render`, `validate`, `graph` and `schedule` with any PATH, `run` and
`backfill` with a spec file), so each reports failures the same way. A program runs in a process
of its own (`program_process.py`); Pulumi is imported only there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._gc import gc_paused
from ..errors import SpecError
from ..offline.project import is_program_path
from .rendering import ProgramOptions, Rendered, RenderFailure, spec_failure

if TYPE_CHECKING:
    from ..argo.manifests import RenderedPipeline

__all__ = ["ProgramOptions", "RenderFailure", "Rendered", "render_path", "render_spec_file"]


def render_path(path: str, options: ProgramOptions | None = None) -> Rendered:
    """Manifests of a spec file or a Pulumi program, or RenderFailure listing every problem."""
    options = options or ProgramOptions()
    if is_program_path(path):
        from .program_process import render_program

        return render_program(path, options)
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
        raise spec_failure(path, error) from None
