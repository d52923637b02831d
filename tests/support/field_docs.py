"""Field docs as attribute docstrings, read from source the way Pulumi's analyzer reads them.

The spec models do not ask pydantic to read their source at import (that cost start-up time), so
tests read the docstrings here, for the models and the TypedDicts alike.
"""

from __future__ import annotations

import ast
import inspect
from functools import cache


@cache
def attribute_docs(cls: type) -> dict[str, str]:
    """The attribute docstrings written in `cls`'s own body."""
    (node,) = ast.parse(inspect.getsource(cls)).body
    if not isinstance(node, ast.ClassDef):
        raise TypeError(f"{cls!r} is not a class")
    docs = {}
    for stmt, following in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[stmt.target.id] = following.value.value
    return docs


def field_docs(model: type) -> dict[str, str]:
    """A model's field docs, inherited ones included (a subclass's own doc wins)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if cls.__module__.split(".")[0] not in {"builtins", "pydantic", "typing"}:
            docs.update(attribute_docs(cls))
    return docs


def pulumi_docs(model: type) -> dict[str, str]:
    """A model's field docs as the Pulumi args and the schema carry them: with the input note."""
    from pulumi_argo_orchestration.spec.inputs import input_note

    docs = {name: inspect.cleandoc(doc) for name, doc in field_docs(model).items()}
    for name, info in getattr(model, "model_fields", {}).items():
        note = input_note(info)
        if note and name in docs:
            docs[name] = f"{docs[name]} {note}"
    return docs
