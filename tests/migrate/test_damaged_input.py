"""Any input, however damaged, is imported or reported: never a traceback, never a silent loss.

Rendered pipelines are damaged at random places (a field removed, a value of another type, a
manifest that is no longer YAML) and imported. Every finding must point into the input, every
document must get an outcome, and whatever is produced must render.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import pipeline_manifests
from pulumi_argo_orchestration.argo.manifests import shared_template_manifests
from pulumi_argo_orchestration.migrate.documents import read_objects
from pulumi_argo_orchestration.migrate.importer import import_input
from pulumi_argo_orchestration.migrate.report import report_text
from tests.support.spec_strategies import valid_specs

DELETE = object()
values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**12) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place below `node` that can be replaced or removed."""
    found = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        found.append((*path, key))
        found += places(value, (*path, key))
    return found


def damage(documents: list[Any], place: tuple[Any, ...], value: Any) -> None:
    parent = documents
    for key in place[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[place[-1]]
    else:
        parent[place[-1]] = value


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(valid_specs(), st.data())
def test_a_damaged_render_is_imported_or_reported(spec, data):
    documents = copy.deepcopy(pipeline_manifests(spec))
    for _ in range(data.draw(st.integers(1, 3), label="damages")):
        targets = places(documents)
        if not targets:
            break
        place = data.draw(st.sampled_from(targets), label="place")
        if place[-1] == "manifest":
            value = data.draw(st.text(max_size=40) | st.just("kind: [\n"), label="manifest")
        else:
            value = data.draw(values | st.just(DELETE), label="value")
        damage(documents, place, value)
    result = import_input(read_objects("damaged.yaml", documents))
    for document in result.documents:
        found = document.findings
        for finding in (*found.refusals, *found.cannot, *found.changes):
            assert finding.where.source == "damaged.yaml"
            assert finding.message
    assert report_text(result).endswith("\n")
    for pipeline in result.pipelines:
        pipeline_manifests(pipeline.spec)
    for template in result.templates:
        shared_template_manifests(template.spec)
