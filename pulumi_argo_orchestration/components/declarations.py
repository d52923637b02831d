"""The objects the components of one Pulumi run declare, so two cannot declare the same one.

Kubernetes would keep one of the two, or `pulumi up` would fail half-way with "already exists";
the rule and its message are `argo/collisions.py`. The record lives as long as the run's root
stack resource (one per `pulumi up`, one per offline run), so separate runs in one process, as in
tests or `argo-orchestration render`, never see each other's objects.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from ..argo.collisions import Declarations, object_key
from ..errors import SpecError
from ..spec.inputs import STAND_IN_PREFIX

_RUNS: weakref.WeakKeyDictionary[Any, Declarations] = weakref.WeakKeyDictionary()


def claim(owner: str, documents: Sequence[Mapping[str, Any]]) -> None:
    """Record `owner`'s objects for this run, or raise SpecError naming both owners of any that
    another component of the run declared already (then nothing is recorded).

    An object whose namespace or name is an Output (a stand-in in the planned documents,
    `components/plan.py`) is not known yet, so it is left out.
    """
    from pulumi.runtime import settings

    documents = [d for d in documents if STAND_IN_PREFIX not in "/".join(object_key(d))]

    root = settings.get_root_resource()
    if root is None:  # not inside a Pulumi run: nothing to compare with
        return
    declarations = _RUNS.get(root)
    if declarations is None:
        declarations = _RUNS[root] = Declarations()
    problems = declarations.conflicts(owner, documents)
    if problems:
        raise SpecError(problems)
    declarations.add(owner, documents)
