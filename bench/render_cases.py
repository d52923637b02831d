"""Cases 1-3: our render against Hera and against the serialisation floor.

- ours: spec mapping -> validated `Pipeline` -> manifests -> YAML text (`dump_documents`).
- Hera as shipped: the same documents built with Hera and written with its `to_yaml`.
- Hera, same dumper: Hera's dicts written with our `dump_documents`.
- floor: our finished documents written with PyYAML's libyaml `CSafeDumper`, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import yaml

from bench import specs
from bench.report import Row, Section, seconds
from bench.timing import Case, interleaved, median
from pulumi_argo_orchestration.argo import yaml_text as yaml_output
from pulumi_argo_orchestration.argo.manifests import pipeline_manifests
from pulumi_argo_orchestration.argo.yaml_text import dump_documents
from pulumi_argo_orchestration.spec.loading import load_pipeline

_TAG = re.compile(r"\{\{.*?\}\}")


def render(spec: dict[str, Any]) -> str:
    """What `argo-orchestration render` does after reading the file."""
    return dump_documents(pipeline_manifests(spec))


def cold(call: Callable[[], object]) -> Callable[[], object]:
    """`call` as the first render of a process: the dumper's shared string events emptied.

    The dumper keeps events for the first strings a process writes, for the keys and kinds every
    manifest repeats. Timing one spec over and over would also find each child's own names there,
    which no real render does (a process renders a spec once), and only for pipelines small
    enough to fit: small renders would look faster than they are.
    """

    def first_render() -> object:
        yaml_output._SHARED_STRINGS.clear()
        return call()

    return first_render


class FloorDumper(yaml.CSafeDumper):
    """libyaml's CSafeDumper as PyYAML ships it.

    Importing Hera replaces the str representer of PyYAML's SafeRepresenter, process-wide; the
    floor keeps PyYAML's own.
    """


FloorDumper.add_representer(str, yaml.representer.SafeRepresenter.represent_str)


def floor(documents: list[dict[str, Any]]) -> str:
    """Our finished documents through libyaml's CSafeDumper with the same options."""
    text: str = yaml.dump_all(
        documents,
        Dumper=FloorDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        explicit_start=True,
    )
    return text


def _comparable(document: Any) -> Any:
    """A document with each child manifest parsed, its `{{...}}` tags as placeholders."""
    if isinstance(document, dict):
        return {
            key: yaml.safe_load(_TAG.sub("tag", value))
            if key == "manifest" and isinstance(value, str)
            else _comparable(value)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_comparable(item) for item in document]
    return document


def check_same_documents(children: int, version: str | None = None) -> None:
    """Refuse to compare unless Hera builds exactly our documents (order aside)."""
    from bench import hera_side

    spec = specs.pipeline_spec(children, version=version)

    def key(document: dict[str, Any]) -> tuple[str, str]:
        return document["kind"], document["metadata"]["name"]

    ours = sorted((_comparable(d) for d in pipeline_manifests(spec)), key=key)
    hera = sorted((_comparable(d) for d in hera_side.build_dicts(spec)), key=key)
    if ours != hera:
        raise SystemExit("Hera's documents differ from ours: the comparison would be unfair")
    shipped = list(yaml.safe_load_all(_TAG.sub("tag", hera_side.render_shipped(spec))))
    if sorted(map(key, shipped)) != sorted(map(key, ours)):
        raise SystemExit("Hera's to_yaml output holds other documents than ours")


def run(sizes: list[int], hera_sizes: list[int], rounds: dict[int, int]) -> list[Section]:
    """Times every case, interleaved, and returns the render and comparison tables."""
    from bench import hera_side

    check_same_documents(10)
    check_same_documents(10, version="3.5")  # the target of the 1,000 and 10,000 renders
    cases: list[Case] = []
    for children in sizes:
        spec = specs.pipeline_spec(children)
        documents = pipeline_manifests(spec)
        pipeline = load_pipeline(spec)
        n = rounds[children]
        cases += [
            Case(f"ours/{children}", cold(partial(render, spec)), n),
            Case(f"floor/{children}", partial(floor, documents), n),
            Case(f"validate/{children}", partial(load_pipeline, spec), n),
            Case(f"manifests/{children}", cold(partial(pipeline_manifests, pipeline)), n),
            Case(f"dump/{children}", cold(partial(dump_documents, documents)), n),
        ]
        if children in hera_sizes:
            same_dumper = partial(hera_side.render_same_dumper, spec)
            cases += [
                Case(f"hera-shipped/{children}", partial(hera_side.render_shipped, spec), n),
                Case(f"hera-same/{children}", cold(same_dumper), n),
            ]
    samples = interleaved(cases)
    t = {name: median(values) for name, values in samples.items()}

    render_rows: list[Row] = []
    for children in sizes:
        stages, width = specs.shape(children)
        figure = f"render, {children:,} children ({stages} x {width})"
        ours = t[f"ours/{children}"]
        if children == 10_000 and 1_000 in sizes:
            render_rows.append(
                Row(figure, seconds(ours), ours / t["ours/1000"], "render of 1,000", 11)
            )
        else:
            render_rows.append(Row(figure, seconds(ours)))
        for part in ("validate", "manifests", "dump"):
            value = t[f"{part}/{children}"]
            render_rows.append(
                Row(f"… of which {part}", seconds(value), value / ours, f"render of {children:,}")
            )

    compare_rows: list[Row] = []
    for children in sizes:
        ours = t[f"ours/{children}"]
        label = f"{children:,}"
        headline = children == 1_000
        if children in hera_sizes:
            shipped, same = t[f"hera-shipped/{children}"], t[f"hera-same/{children}"]
            compare_rows += [
                Row(f"Hera as shipped, {label}", seconds(shipped)),
                Row(
                    f"render / Hera as shipped, {label}",
                    seconds(ours),
                    ours / shipped,
                    "Hera as shipped",
                    0.2 if headline else None,
                ),
                Row(f"Hera, same dumper, {label}", seconds(same)),
                Row(
                    f"render / Hera same dumper, {label}",
                    seconds(ours),
                    ours / same,
                    "Hera, same dumper",
                    0.5 if headline else None,
                ),
            ]
        compare_rows += [
            Row(f"floor (CSafeDumper), {label}", seconds(t[f"floor/{children}"])),
            Row(
                f"render / floor, {label}",
                seconds(ours),
                ours / t[f"floor/{children}"],
                "floor",
                2 if headline else None,
            ),
        ]
    return [
        Section(
            "1. Render: spec → validated manifests → YAML text",
            "A pipeline of N children in stages of 10, each child with its own WorkflowTemplate"
            " (so N templates, N + 1 accounts, Roles and RoleBindings, and the CronWorkflow)."
            " The rows below each size split it: validation of the spec mapping, manifests"
            " from the validated model, and the YAML dump.",
            render_rows,
        ),
        Section(
            "2-3. Against Hera and the serialisation floor",
            "Hera builds the same documents (checked equal before timing): the CronWorkflow with"
            " its steps and resource templates, each child manifest a Hera `Workflow`, the"
            " WorkflowTemplates; RBAC, which Hera has no model for, as plain dicts. *As shipped*"
            " writes them with Hera's `to_yaml` (PyYAML's pure-Python dumper); *same dumper*"
            " writes Hera's dicts, child manifests included, with our `dump_documents`. The"
            " floor writes our finished documents with libyaml's `CSafeDumper` and nothing else.",
            compare_rows,
        ),
    ]
