"""Planning a component whose spec holds Outputs: validate now, build later, fail before creating.

Which objects exist and what Pulumi calls them must be known when the component is constructed,
yet some values (an image, a namespace, a role ARN) are Outputs. The plan:

1. builds the manifests at once with a valid stand-in at each Output (`spec.inputs.placeholder`,
   variant `a`). Everything known is validated now, with the messages a spec file gets; the
   problems of a stand-in's own field wait for its value.
2. rebuilds once per Output with the stand-in `b` and compares: the places that change are the
   only ones that depend on that Output (its *spots*). Each spot is registered as an Output that
   the real builder computes from just those values, so an unknown image leaves only the image
   unknown in a preview, a secret env value makes only that value secret, and each object
   depends on the resources it reads.
3. adds one *gate* Output over every value, in every child's `depends_on`. Once values resolve it
   validates the real spec, checks the registered documents are exactly the real render (a
   resolved namespace can equal a child's, which the stand-ins could not foresee) and logs the
   warnings. If it fails, no child is registered: `pulumi up` stops with the field path.
"""

import ast
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, NamedTuple, Optional

import pulumi
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails
from pulumi.output import Unknown, contains_unknowns

from ..errors import Problem, ResolvedValueError, SpecError, format_path, shown
from ..spec.control_flow import reads_outputs
from ..spec.inputs import STAND_IN_PREFIX, PathPart, placeholder, position
from .inputs import Path, Split

Document = dict[str, Any]


class Rendered(NamedTuple):
    """What a spec builds into: the validated spec, its manifests and its warnings."""

    spec: Any
    documents: list[Document]
    warnings: list[str]


Renderer = Callable[[Any], Rendered]


class InvalidInputs(ResolvedValueError, pulumi.RunError):
    """A value that resolved at deployment makes the spec invalid; the program stops here.

    The language host prints a RunError as `error: <message>`, without a traceback.
    """


_AS_INPUT_PROPERTIES: ContextVar[bool] = ContextVar("as_input_properties", default=False)


@contextmanager
def errors_as_input_properties() -> Iterator[None]:
    """Inside the provider's construct: report resolved-value problems per input property.

    Apply callbacks run in a copy of the context they were created in, so the gate sees this.
    """
    token = _AS_INPUT_PROPERTIES.set(True)
    try:
        yield
    finally:
        _AS_INPUT_PROPERTIES.reset(token)


def input_properties_error(problems: list[Problem] | tuple[Problem, ...]) -> InputPropertiesError:
    """The engine prints each property path with its reason, under the summary."""
    details: list[InputPropertyErrorDetails] = [
        {"property_path": problem.path, "reason": problem.message} for problem in problems
    ]
    return InputPropertiesError(str(SpecError(problems)), details)


def _failure(problems: list[Problem]) -> Exception:
    if _AS_INPUT_PROPERTIES.get():
        return input_properties_error(problems)
    return InvalidInputs(problems)


def _related(problem_path: str, leaf_path: str) -> bool:
    """The problem concerns the leaf: the same field, one inside it, or one containing it."""

    def within(inner: str, outer: str) -> bool:
        return inner == outer or (inner.startswith(outer) and inner[len(outer)] in ".[")

    return within(problem_path, leaf_path) or within(leaf_path, problem_path)


def _copy(tree: Any) -> Any:
    """The containers copied, the values shared: enough to fill leaves without touching args."""
    if isinstance(tree, dict):
        return {key: _copy(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_copy(value) for value in tree]
    return tree


def fill(skeleton: Any, values: Mapping[Path, Any]) -> Any:
    """The skeleton with a value at each leaf path."""
    tree = _copy(skeleton)
    for path, value in values.items():
        node = tree
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return tree


def _diff(a: Any, b: Any, path: tuple[PathPart, ...], out: list[tuple[PathPart, ...]]) -> None:
    """The smallest subtrees where `a` and `b` differ (a container whose shape differs is one)."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for key in a:
            _diff(a[key], b[key], (*path, key), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, (*path, index), out)
    elif a != b:
        out.append(path)


def _get(tree: Any, path: tuple[PathPart, ...]) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def _set(tree: Any, path: tuple[PathPart, ...], value: Any) -> Any:
    if not path:
        return value
    _get(tree, path[:-1])[path[-1]] = value
    return tree


def _under(path: tuple[PathPart, ...], prefix: tuple[PathPart, ...]) -> bool:
    return path[: len(prefix)] == prefix


def _shape(documents: list[Document]) -> list[tuple[Any, Any]]:
    return [(d.get("apiVersion"), d.get("kind")) for d in documents]


class Plan:
    """The documents a spec builds into, with the Outputs it holds placed where they land."""

    def __init__(self, split: Split, model: Any, render: Renderer) -> None:
        self.skeleton = split.skeleton
        self.leaves = split.leaves
        self.render = render
        self.order: list[Path] = list(split.leaves)
        # Each leaf: where it sits as the caller wrote it, and as spec files spell it.
        self.written: dict[Path, str] = {}
        self.spelled: dict[Path, str] = {}
        self.a: dict[Path, Any] = {}
        self.b: dict[Path, Any] = {}
        for n, leaf in enumerate(self.order):
            found = position(model, leaf)
            if found is None:  # split only keeps leaves the model accepts
                raise TypeError(f"no field at {leaf}")
            self.written[leaf] = format_path(leaf)
            self.spelled[leaf] = format_path(found.spec_path)
            self.a[leaf] = placeholder(found.annotation, n, "a")
            self.b[leaf] = placeholder(found.annotation, n, "b")
        self.rendered = self._eager()
        self.documents = self.rendered.documents
        # Per document: {spot (path in the document): the leaves it is computed from}.
        self.spots: list[dict[tuple[PathPart, ...], frozenset[Path]]] = [{} for _ in self.documents]
        if self.order:
            self._taint()
        self._built: dict[frozenset[Path], pulumi.Output[Any]] = {}
        self._registered: Optional[list[Document]] = None

    # -- now: validation and where each leaf lands ----------------------------------------------

    def _leaf_paths(self, leaves: Any) -> list[str]:
        return [path for leaf in leaves for path in (self.written[leaf], self.spelled[leaf])]

    def _eager(self) -> Rendered:
        """Validate everything known now; a problem of a leaf's own field waits for its value."""
        try:
            return self.render(fill(self.skeleton, self.a))
        except SpecError as error:
            leaf_paths = self._leaf_paths(self.order)
            kept = [
                problem
                for problem in error.problems
                if not any(_related(problem.path, leaf) for leaf in leaf_paths)
            ]
            shown = [self._without_stand_ins(problem) for problem in kept or error.problems]
            raise SpecError(shown) from None

    def _without_stand_ins(self, problem: Problem) -> Problem:
        """Messages never show a stand-in: they name the field whose value comes later."""
        message = problem.message
        for leaf in self.order:
            for text in [t for t in _strings(self.a[leaf]) if t.startswith(STAND_IN_PREFIX)]:
                where = f"<{self.spelled[leaf]}, known at deployment>"
                message = message.replace(repr(text), where).replace(text, where)
        return Problem(problem.path, message)

    def _taint(self) -> None:
        found: list[dict[tuple[PathPart, ...], set[Path]]] = [{} for _ in self.documents]
        for leaf in self.order:
            other = self.render(fill(self.skeleton, {**self.a, leaf: self.b[leaf]})).documents
            if _shape(other) != _shape(self.documents):
                # A field marked as an input decided which objects exist: the mark is wrong.
                raise TypeError(f"{self.spelled[leaf]} changes which objects exist")
            for i, (x, y) in enumerate(zip(self.documents, other, strict=True)):
                differing: list[tuple[PathPart, ...]] = []
                _diff(x, y, (), differing)
                for spot in differing:
                    found[i].setdefault(spot, set()).add(leaf)
        for i, spots in enumerate(found):  # a spot inside another is computed with it
            for spot in sorted(spots, key=len, reverse=True):
                outer = next((o for o in spots if o != spot and _under(spot, o)), None)
                if outer is not None:
                    spots[outer] |= spots.pop(spot)
            self.spots[i] = {spot: frozenset(leaves) for spot, leaves in spots.items()}

    def depends_on_outputs(self, document: int, path: tuple[PathPart, ...]) -> bool:
        """True when the value at `path` (or a part of it) is computed from an Output."""
        return any(_under(spot, path) or _under(path, spot) for spot in self.spots[document])

    def field(self, spec_path: str, known: Any) -> "pulumi.Output[Any]":
        """A top-level field as an Output: the caller's own Output (its secrecy and dependencies
        kept) when it gave one, else the known value."""
        for leaf, spelled in self.spelled.items():
            if spelled == spec_path:
                return self.leaves[leaf]
        return pulumi.Output.from_input(known)

    # -- later: the values ----------------------------------------------------------------------

    def _with(self, values: Mapping[Path, Any]) -> Optional[list[Document]]:
        """The documents with these leaves resolved (the rest at `a`), or None if invalid.

        None registers nothing: the gate reports why, and every child waits for the gate.
        """
        try:
            documents = self.render(fill(self.skeleton, {**self.a, **values})).documents
        except SpecError:
            return None
        return documents if _shape(documents) == _shape(self.documents) else None

    def assembled(self, values: Mapping[Path, Any]) -> list[Document]:
        """What the registered resources receive once the leaves resolve to `values`."""
        out = _copy(self.documents)
        for i, spots in enumerate(self.spots):
            for spot, leaves in spots.items():
                built = self._with({leaf: values[leaf] for leaf in leaves})
                out[i] = _set(out[i], spot, _safe_get(built, i, spot))
        return list(out)

    def with_outputs(self) -> list[Document]:
        """The documents, each spot an Output computed by the real builder from its leaves.

        Rebuilding rather than copying the value in keeps the builder's normalisation (a float
        quantity becomes text) and covers values embedded in text (a child manifest).
        """
        if self._registered is None:
            out = _copy(self.documents)
            for i, spots in enumerate(self.spots):
                for spot, leaves in spots.items():
                    out[i] = _set(out[i], spot, self._spot_output(leaves, i, spot))
            self._registered = list(out)
        return self._registered

    def _spot_output(
        self, leaves: frozenset[Path], index: int, spot: tuple[PathPart, ...]
    ) -> "pulumi.Output[Any]":
        if leaves not in self._built:
            ordered = [leaf for leaf in self.order if leaf in leaves]

            def build(values: list[Any]) -> Optional[list[Document]]:
                return self._with(dict(zip(ordered, values, strict=True)))

            self._built[leaves] = pulumi.Output.all(*[self.leaves[leaf] for leaf in ordered]).apply(
                build
            )

        def pick(documents: Optional[list[Document]]) -> Any:
            return _safe_get(documents, index, spot)

        return self._built[leaves].apply(pick)

    def value_at(self, document: int, path: tuple[PathPart, ...]) -> Any:
        """The registered value at `path` of a document: plain, an Output, or holding Outputs."""
        registered = self.with_outputs()[document]
        for spot in self.spots[document]:
            if _under(path, spot) and spot != path:  # inside a spot: pick it from the Output
                inner = path[len(spot) :]

                def pick(value: Any, inner: tuple[PathPart, ...] = inner) -> Any:
                    return _safe_get([value], 0, inner)

                return pulumi.Output.from_input(_get(registered, spot)).apply(pick)
        return _get(registered, path)

    # -- the gate --------------------------------------------------------------------------------

    def gate(self, resource: pulumi.Resource) -> Optional["pulumi.Output[None]"]:
        """One Output over every leaf that validates the resolved spec and logs its warnings.

        Every child lists it in `depends_on`: when it fails, none is registered. It resolves to
        None, which adds only the leaves' resources to a dependent (a list would crash the SDK).
        Without leaves the warnings are logged now and there is no gate.
        """
        if not self.order:
            for message in self.rendered.warnings:
                pulumi.log.warn(message, resource=resource)
            return None
        values = pulumi.Output.all(*[self.leaves[leaf] for leaf in self.order])
        flags: list[pulumi.Input[bool]] = [self.leaves[leaf].is_secret() for leaf in self.order]
        secret_flags = pulumi.Output.all(*flags)

        def check(both: list[Any]) -> None:
            self._check(both[0], both[1], resource)

        return pulumi.Output.all(values, secret_flags).apply(check, run_with_unknowns=True)

    def _check(self, resolved: list[Any], secret: list[bool], resource: pulumi.Resource) -> None:
        values = dict(zip(self.order, resolved, strict=True))
        secrets = [
            text
            for leaf, flag in zip(self.order, secret, strict=True)
            if flag and not contains_unknowns(values[leaf])
            for text in _strings(values[leaf])
        ]
        # A container can be partly unknown in a preview: ["--day", <unknown>].
        unknown = {
            leaf for leaf, v in values.items() if isinstance(v, Unknown) or contains_unknowns(v)
        }
        known = {leaf: v for leaf, v in values.items() if leaf not in unknown}
        try:
            rendered = self.render(fill(self.skeleton, {**self.a, **known}))
        except SpecError as error:
            unknown_paths = self._leaf_paths(unknown)
            kept = [
                problem
                for problem in error.problems
                if not any(_related(problem.path, path) for path in unknown_paths)
            ]
            if kept:
                raise _failure([_redact(problem, secrets) for problem in kept]) from None
            return
        if not unknown:
            assembled = self.assembled(values)
            if _shape(rendered.documents) != _shape(self.documents) or (
                rendered.documents != assembled
            ):
                problems = self._explain(values)
                raise _failure([_redact(problem, secrets) for problem in problems])
        stable = set(rendered.warnings)
        if unknown:  # only warnings that no unknown value could change
            other = self.render(fill(self.skeleton, {**self.b, **known}))
            stable &= set(other.warnings)
        for message in rendered.warnings:
            if message in stable:
                pulumi.log.warn(_redact(Problem("", message), secrets).message, resource=resource)

    def _explain(self, values: Mapping[Path, Any]) -> list[Problem]:
        """Why the resolved spec builds other objects than planned: a namespace met a child's."""
        namespace = next(
            (value for leaf, value in values.items() if self.spelled[leaf] == "namespace"), None
        )
        problems = [
            Problem(
                self.spelled[leaf],
                "reads another child's output: an output reference decides which outputs the "
                "spawn steps read, so it must be plain text, not an Output",
            )
            for leaf, value in values.items()
            if isinstance(value, str) and reads_outputs(value)
        ]
        spec = fill(self.skeleton, {**self.a, **values})
        for path, child in _children(spec):
            if namespace is not None and child.get("namespace") == namespace:
                problems.append(
                    Problem(
                        f"{path}.namespace",
                        f"{shown(namespace)} is also the pipeline's namespace, which came from an "
                        "Output: the objects were planned for a child in another namespace; "
                        "leave this child's `namespace` out to run it in the pipeline's",
                    )
                )
        return problems or [
            Problem(
                "",
                "the resolved values build other objects than planned (please report this): "
                + ", ".join(self.spelled[leaf] for leaf in self.order),
            )
        ]


def _children(spec: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every child mapping of a pipeline spec with its path (snake_case or camelCase keys)."""
    if not isinstance(spec, Mapping):
        return
    for i, stage in enumerate(spec.get("stages") or []):
        for j, child in enumerate(stage):
            if isinstance(child, Mapping):
                yield f"stages[{i}][{j}]", child
    for i, task in enumerate(spec.get("tasks") or []):
        if isinstance(task, Mapping):
            yield f"tasks[{i}]", task
    on_exit = spec.get("onExit") or spec.get("on_exit")
    if isinstance(on_exit, Mapping):
        yield "onExit", on_exit


def _safe_get(documents: Optional[list[Document]], index: int, path: tuple[PathPart, ...]) -> Any:
    if documents is None:
        return None
    try:
        return _get(documents[index], path)
    except (KeyError, IndexError, TypeError):
        return None


def _strings(value: Any) -> list[str]:
    """Every text inside a value (a stand-in or a secret), longest first."""
    found: list[str] = []
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += [str(key), *_strings(item)]
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += _strings(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        found.append(str(value))
    return sorted(set(found), key=len, reverse=True)


REDACTED = "[secret]"


def _redact(problem: Problem, secrets: list[str]) -> Problem:
    """Messages quote the offending value; a secret one must not reach the console or logs.

    A quoted secret is always replaced; bare text only from four characters on, so a short
    secret does not blank out the words of the message.
    """
    message = problem.message
    for text in secrets:
        message = message.replace(repr(text), REDACTED)
        if len(text) >= 4:
            message = message.replace(text, REDACTED)
    if secrets:
        # A message may quote a piece of a secret (the parameter a `{{...}}` inside it names,
        # the first 80 characters): any quoted piece with a letter or digit in it goes too.
        message = re.sub(_QUOTED, lambda m: _quoted_piece(m.group(0), secrets), message)
    return Problem(problem.path, message)


# Text as `errors.shown` quotes it: a repr in single or double quotes, or code in backticks; a
# quote after a letter is an apostrophe ("the template's"), not the start of a value.
_QUOTED = r"(?<!\w)'(?:[^'\\]|\\.)*'|(?<!\w)\"(?:[^\"\\]|\\.)*\"|`[^`]*`"


def _quoted_piece(quoted: str, secrets: list[str]) -> str:
    piece = quoted[1:-1]
    if quoted[0] != "`":
        with suppress(ValueError, SyntaxError):
            piece = ast.literal_eval(quoted)
    piece = piece.removesuffix("...")
    if not any(c.isalnum() for c in piece):
        return quoted
    # Backticks quote a whole value (`shown(code=True)`) or words of the message's own hint.
    found = (
        any(text.startswith(piece) for text in secrets)
        if quoted[0] == "`"
        else any(piece in text for text in secrets)
    )
    return REDACTED if found else quoted
