"""What reading one PATH gives the commands: manifests and warnings, or a failure listing every
problem; and the options a program run takes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..errors import ResolvedValueError, SpecError

DEFAULT_TIMEOUT = 120.0
"""Seconds a program may run before `render` stops it: offline, a program that takes longer is
almost certainly waiting for something that never comes."""

_NO_VALUES: Mapping[str, str] = MappingProxyType({})


class ProgramOptions(NamedTuple):
    """What a program run needs beyond its path: stack, config and how to show secrets."""

    stack: str | None = None
    config: Mapping[str, str] = _NO_VALUES
    secrets: Mapping[str, str] = _NO_VALUES
    show_secrets: bool = False
    timeout: float | None = None
    """Seconds the program may run (None: DEFAULT_TIMEOUT; 0: no limit)."""

    @property
    def given(self) -> bool:
        """True when any program-only option was set (they mean nothing for a spec file)."""
        return bool(
            self.stack
            or self.config
            or self.secrets
            or self.show_secrets
            or self.timeout is not None
        )


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


def spec_failure(path: str, error: SpecError | ResolvedValueError) -> RenderFailure:
    """`invalid pipeline spec (N problems)` and each problem, as `render` prints them."""
    count = len(error.problems)
    return RenderFailure(
        path,
        f"invalid pipeline spec ({count} problem{'s' if count != 1 else ''})",
        [str(problem) for problem in error.problems],
    )
