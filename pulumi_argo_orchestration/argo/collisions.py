"""Two declarations of one Kubernetes object: refused, naming both owners.

A cluster has one object per API group, kind, namespace and name. When two pipelines, or a
pipeline and a SharedWorkflowTemplate, derive the same one (the same pipeline name in one
namespace, a template of the same name, an account they both create), one of them would overwrite
the other, or `pulumi up` would fail half-way with "already exists". `render` and `validate` (one
program, or several files at once) and the components check it here, before anything is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ..errors import Problem


class ObjectKey(NamedTuple):
    """What names an object in a cluster."""

    group: str
    kind: str
    namespace: str
    name: str

    def describe(self) -> str:
        """`ServiceAccount argo/etl-orchestrator`, as messages name it."""
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


def object_key(document: Mapping[str, Any]) -> ObjectKey:
    """The document's identity: API group (not version), kind, namespace, name."""
    metadata = document.get("metadata") or {}
    group = str(document.get("apiVersion") or "").rpartition("/")[0]
    return ObjectKey(
        group,
        str(document.get("kind") or ""),
        str(metadata.get("namespace") or ""),
        str(metadata.get("name") or ""),
    )


class Declarations:
    """Objects declared so far, each with its first owner; `add` reports what is declared twice."""

    def __init__(self) -> None:
        self._owners: dict[ObjectKey, str] = {}

    def conflicts(self, owner: str, documents: Iterable[Mapping[str, Any]]) -> list[Problem]:
        """Problems for each of `documents` another owner (or this one) declared already."""
        problems = []
        seen: set[ObjectKey] = set()
        for document in documents:
            key = object_key(document)
            if not key.name or key in seen:
                continue
            seen.add(key)
            first = self._owners.get(key)
            if first is not None:
                problems.append(Problem("", collision_message(key, first, owner)))
        return problems

    def add(self, owner: str, documents: Iterable[Mapping[str, Any]]) -> list[Problem]:
        """Record `owner`'s documents (a first owner keeps its objects); the collisions found."""
        documents = list(documents)
        problems = self.conflicts(owner, documents)
        for document in documents:
            key = object_key(document)
            if key.name:
                self._owners.setdefault(key, owner)
        return problems


def collision_message(key: ObjectKey, first: str, second: str) -> str:
    """Why one object cannot be declared by two owners."""
    by = f"both {first} and {second}" if first != second else f"{first} twice"
    return (
        f"{key.describe()} is declared by {by}: a cluster holds one object of that name, so one "
        "would overwrite the other; rename one of them (or give it another namespace)"
    )


def collision_problems(owned: Iterable[tuple[str, Iterable[Mapping[str, Any]]]]) -> list[Problem]:
    """Every object declared by more than one of `owned` (owner, documents), naming both."""
    declarations = Declarations()
    return [problem for owner, documents in owned for problem in declarations.add(owner, documents)]
