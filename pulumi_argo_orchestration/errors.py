"""The one exception type for invalid input, carrying every problem with its field path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

_PLAIN_KEY = r"[A-Za-z0-9_$-]+"


class Problem(NamedTuple):
    """One thing wrong with a spec: where (a path like `stages[1][0].workflowTemplate`) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def format_path(loc: Iterable[Any]) -> str:
    """A location the way users write it: `stages[1][0].workflowTemplate`, `labels['a.b/c']`.

    A key that a dot would split (`app.kubernetes.io/name`) is quoted in brackets; the one format
    for spec problems, schema errors and the offline engine's property paths.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not re.fullmatch(_PLAIN_KEY, str(part)):
            out += f"[{str(part)!r}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


def join_path(prefix: str, loc: Iterable[Any]) -> str:
    """`prefix` (a formatted path) continued by the parts of `loc`, in the same format."""
    rest = format_path(loc)
    if not prefix or not rest or rest.startswith("["):
        return f"{prefix}{rest}"
    return f"{prefix}.{rest}"


class SpecError(ValueError):
    """Raised when a pipeline spec is invalid; lists every problem found, each with its field path.

    It subclasses ValueError so callers that already guard input errors catch it; nothing is
    emitted or registered once it has been raised.
    """

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._summary())

    def _summary(self) -> str:
        where = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        head = f"{where}invalid pipeline spec ({count} problem{'s' if count != 1 else ''})"
        return "\n".join([head, *(f"  - {problem}" for problem in self.problems)])


class ResolvedValueError(Exception):
    """A value known only at deployment (a Pulumi Output) resolved and made the spec invalid.

    It lists every problem with its field path, as SpecError does, but is not a ValueError:
    Pulumi's SDK re-wraps a ValueError raised while it prepares a resource's inputs into a bare
    ValueError, and the problems would be lost. The components raise it as a `pulumi.RunError`.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(str(SpecError(self.problems)))
