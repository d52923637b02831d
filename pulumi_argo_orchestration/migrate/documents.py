"""The input of an import: YAML documents, as written by hand, rendered, or read from a cluster.

`kubectl get -o yaml` output is read like a file written by hand: a `List` counts as its items,
and the fields the API server and the Argo controller set (`status`, `metadata.uid`, ...) are
left out, since a spec has nothing to say about them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import SpecError
from ..spec import names
from ..spec.loading import parse_documents, read_spec_text
from .findings import Finding, Where

# Set by the API server or the controller, never by the author of a manifest.
SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
)
SERVER_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
    # The schedule the controller last ran (argo pkg/apis/workflow/v1alpha1/cron_workflow_types.go).
    "cronworkflows.argoproj.io/last-used-schedule",
)


class SourceDocument(NamedTuple):
    """One Kubernetes object of the input, with its place."""

    where: Where
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        """The object's kind, or '' when it has none."""
        return str(self.body.get("kind") or "")

    @property
    def metadata(self) -> Mapping[str, Any]:
        """`metadata`, or an empty mapping."""
        metadata = self.body.get("metadata")
        return metadata if isinstance(metadata, Mapping) else {}

    @property
    def name(self) -> str:
        """`metadata.name` (or `generateName`), or '' when it has neither."""
        return str(self.metadata.get("name") or self.metadata.get("generateName") or "")

    @property
    def namespace(self) -> str | None:
        """`metadata.namespace`, when set."""
        namespace = self.metadata.get("namespace")
        return str(namespace) if namespace else None

    @property
    def labels(self) -> Mapping[str, Any]:
        """`metadata.labels`, or an empty mapping."""
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, Mapping) else {}

    @property
    def ours(self) -> bool:
        """True for an object this package rendered: it carries our managed-by label."""
        return self.labels.get(names.MANAGED_BY_LABEL) == names.MANAGED_BY


class Input(NamedTuple):
    """Every object read, and every document that is not one (with the reason)."""

    documents: list[SourceDocument]
    unreadable: list[Finding]


def read_files(paths: Sequence[str | os.PathLike[str]]) -> Input:
    """The objects of every file, in order; a file that cannot be read or parsed is one finding."""
    documents: list[SourceDocument] = []
    unreadable: list[Finding] = []
    for path in paths:
        source = str(path)
        try:
            texts = parse_documents(read_spec_text(path), source)
        except SpecError as error:
            unreadable += [Finding(Where(source, 0), p.message) for p in error.problems]
            continue
        found = read_objects(source, texts)
        documents += found.documents
        unreadable += found.unreadable
    return Input(documents, unreadable)


def read_objects(source: str, parsed: Sequence[Any]) -> Input:
    """The objects among parsed YAML documents: `List` items counted, empty documents skipped."""
    documents: list[SourceDocument] = []
    unreadable: list[Finding] = []
    for index, body in enumerate(parsed):
        where = Where(source, index)
        if body is None:
            continue
        if not isinstance(body, Mapping):
            unreadable.append(Finding(where, "not a Kubernetes object (a YAML mapping)"))
        elif body.get("kind") == "List" and isinstance(body.get("items"), list):
            for position, item in enumerate(body["items"]):
                item_where = where.at("items", position)
                if isinstance(item, Mapping):
                    documents.append(SourceDocument(item_where, _without_server_fields(item)))
                else:
                    unreadable.append(Finding(item_where, "not a Kubernetes object"))
        else:
            documents.append(SourceDocument(where, _without_server_fields(body)))
    return Input(documents, unreadable)


def _without_server_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: value for key, value in body.items() if key != "status"}
    metadata = out.get("metadata")
    if isinstance(metadata, Mapping):
        metadata = {k: v for k, v in metadata.items() if k not in SERVER_METADATA}
        annotations = metadata.get("annotations")
        if isinstance(annotations, Mapping):
            kept = {k: v for k, v in annotations.items() if k not in SERVER_ANNOTATIONS}
            if kept:
                metadata["annotations"] = kept
            else:
                metadata.pop("annotations")
        out["metadata"] = metadata
    return out
