"""The one exception type for invalid input, carrying every problem with its field path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any, NamedTuple

_PLAIN_KEY = r"[A-Za-z0-9_$-]+"

ECHO_LIMIT = 80
"""At most this many characters of a value a message repeats; the message says how long it was."""


def shown(value: object, *, code: bool = False, plain: bool = False) -> str:
    """A value as a message repeats it: its repr (or, with `code`, text in backticks; with
    `plain`, the text itself), cut to about ECHO_LIMIT characters.

    Every message that echoes input goes through here, so a 10-megabyte string, a YAML alias
    bomb or a 5,000-digit integer costs a line of stderr, not megabytes or a traceback: only the
    first few items of a container and the first characters of a string are looked at.
    """
    if isinstance(value, str):
        if plain:
            limit = ECHO_LIMIT * 4  # a program's own error message: it may say a lot
            return (
                value if len(value) <= limit else f"{value[:limit]}... ({len(value):,} characters)"
            )
        if code:
            cut = value if len(value) <= ECHO_LIMIT else value[:ECHO_LIMIT] + "..."
            return f"`{cut}`" + (f" ({len(value):,} characters)" if cut is not value else "")
        if len(value) <= ECHO_LIMIT:
            return repr(value)
        return f"{repr(value[:ECHO_LIMIT])[:-1]}...' ({len(value):,} characters)"
    if isinstance(value, bool) or not isinstance(value, int):
        import reprlib  # only messages about containers and other values need it

        text = str(_short_repr(reprlib).repr(value))
        return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."
    if value.bit_length() <= 128:
        return repr(value)
    # repr() itself refuses integers past 4,300 digits (sys.get_int_max_str_digits).
    return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"


def shown_list(values: Iterable[object], limit: int = 5) -> str:
    """`'a', 'b', 'c'`: the first `limit` values through `shown`, then how many more; a message
    naming the members of a set must not grow with the set."""
    items = list(values)
    listed = ", ".join(shown(value) for value in items[:limit])
    rest = len(items) - limit
    return f"{listed} and {rest:,} more" if rest > 0 else listed


def _short_repr(reprlib: Any) -> Any:
    short = reprlib.Repr()
    short.maxlevel = 2
    short.maxstring = short.maxother = 24
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = short.maxfrozenset = 3
    short.repr_int = lambda value, level: shown(value)
    return short


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
        elif len(str(part)) > ECHO_LIMIT or not re.fullmatch(_PLAIN_KEY, str(part)):
            out += f"[{shown(str(part))}]"
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


_INVALID_COMPONENTS: ContextVar[Callable[[str, SpecError], None] | None] = ContextVar(
    "invalid_components", default=None
)


def collect_invalid_components(collect: Callable[[str, SpecError], None]) -> None:
    """From now on in this context, a component whose spec is invalid hands its error to
    `collect` and is built empty, instead of raising it.

    The offline engine's `render` and `validate` set this, so that one run of a program reports
    every invalid pipeline, each at the line that declares it; the run then fails with all of
    them. Everywhere else (`pulumi up`, tests) the component raises the SpecError at once.
    """
    _INVALID_COMPONENTS.set(collect)


def report_invalid_component(component: str, error: SpecError) -> bool:
    """True when a run collects invalid components and took this one's error (`component` is
    e.g. `ScheduledPipeline "etl"`); False when the component must raise it."""
    collect = _INVALID_COMPONENTS.get()
    if collect is None:
        return False
    collect(component, error)
    return True
