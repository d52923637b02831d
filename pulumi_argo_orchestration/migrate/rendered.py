"""What the renderer writes, asked of the renderer itself, so the importer never keeps a copy.

The importer compares what it reads with what the package would render (to recognise its own
output, and to report what a render changes); these answers come from `argo/`, so they follow it
when it changes.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from ..argo import child_workflow, pod_security
from ..spec.models import Child
from .manifest_text import parse_manifest

_NAME_SENTINEL = "NAME"


class Ownership(NamedTuple):
    """How a rendered same-namespace child is owned by its run."""

    set_owner_reference: bool
    """Argo's `resource.setOwnerReference: true`."""
    owner_references: list[dict[str, Any]] | None
    """`metadata.ownerReferences` written in the child manifest."""


@functools.cache
def ownership() -> Ownership:
    """Which of the two forms the renderer uses for a child in its run's namespace."""
    template = child_workflow.spawn_template(
        "pipeline", "namespace", {}, Child(name="step", workflow_template="template")
    )
    resource = template["resource"]
    (manifest,) = parse_manifest(resource["manifest"])
    return Ownership(
        resource.get("setOwnerReference") is True,
        manifest["metadata"].get("ownerReferences"),
    )


def argument_input(text: str) -> str | None:
    """The input parameter a rendered argument reads (`{{=sprig.quote(inputs...['k'])}}`: `k`)."""
    template = re.escape(child_workflow.argument_expression(_NAME_SENTINEL))
    pattern = template.replace(_NAME_SENTINEL, "([-a-zA-Z0-9_]+)")
    match = re.fullmatch(pattern, text)
    return match.group(1) if match else None


def restricted_pod() -> dict[str, Any]:
    """The pod securityContext every rendered pod gets without `security` exceptions."""
    return pod_security.pod_security_context()
