"""Two Pulumi programs registering the same Kubernetes resources, run under mocks.

`components` declares one `ScheduledPipeline` per spec: validation, manifest building and a
component resource each. `bare` registers the finished manifests directly with
pulumi-kubernetes, with the same names, types, inputs and `depends_on`, as a hand-written
program would: the difference between the two is what the components cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from bench.report import Row, Section, seconds
from bench.timing import Case, interleaved, median
from pulumi_argo_orchestration.argo.manifests import pipeline_manifests
from pulumi_argo_orchestration.testing import OfflineRun, run_pulumi

WAITS_FOR_PREVIOUS = "CronWorkflow"


def _metadata(document: dict[str, Any]) -> k8s.meta.v1.ObjectMetaArgs:
    meta = document["metadata"]
    return k8s.meta.v1.ObjectMetaArgs(
        name=meta["name"], namespace=meta["namespace"], labels=meta["labels"]
    )


def _register(name: str, document: dict[str, Any], opts: pulumi.ResourceOptions) -> Any:
    kind = document["kind"]
    metadata = _metadata(document)
    if kind == "ServiceAccount":
        return k8s.core.v1.ServiceAccount(name, metadata=metadata, opts=opts)
    if kind == "Role":
        rules = [
            k8s.rbac.v1.PolicyRuleArgs(
                api_groups=rule["apiGroups"], resources=rule["resources"], verbs=rule["verbs"]
            )
            for rule in document["rules"]
        ]
        return k8s.rbac.v1.Role(name, metadata=metadata, rules=rules, opts=opts)
    if kind == "RoleBinding":
        ref = document["roleRef"]
        return k8s.rbac.v1.RoleBinding(
            name,
            metadata=metadata,
            role_ref=k8s.rbac.v1.RoleRefArgs(
                api_group=ref["apiGroup"], kind=ref["kind"], name=ref["name"]
            ),
            subjects=[
                k8s.rbac.v1.SubjectArgs(kind=s["kind"], name=s["name"], namespace=s["namespace"])
                for s in document["subjects"]
            ],
            opts=opts,
        )
    return k8s.apiextensions.CustomResource(
        name,
        api_version=document["apiVersion"],
        kind=kind,
        metadata=metadata,
        spec=document["spec"],
        opts=opts,
    )


def bare_program(pipelines: list[tuple[str, list[dict[str, Any]]]]) -> Callable[[], None]:
    """Registers each pipeline's finished manifests directly, no component, no validation."""

    def program() -> None:
        for prefix, documents in pipelines:
            registered: list[Any] = []
            for document in documents:
                waits = document["kind"] == WAITS_FOR_PREVIOUS
                opts = pulumi.ResourceOptions(depends_on=list(registered) if waits else None)
                name = f"{prefix}-{document['metadata']['name']}"
                registered.append(_register(name, document, opts))

    return program


def components_program(specs: list[tuple[str, dict[str, Any]]]) -> Callable[[], None]:
    """One ScheduledPipeline per spec: validated, rendered and registered by the component."""
    from pulumi_argo_orchestration.components.scheduled_pipeline import ScheduledPipeline

    def program() -> None:
        for name, spec in specs:
            ScheduledPipeline(name, spec)  # type: ignore[arg-type]

    return program


def run(program: Callable[[], None]) -> OfflineRun:
    """Runs a program under the offline mocks."""
    return run_pulumi(program)


def _registered(run_: OfflineRun) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in run_.resources if r.custom)


def run_case(pipelines: int, children: int, rounds: int) -> Section:
    """Times both programs, interleaved, after checking they register the same resources."""
    from bench import specs

    named = [
        (f"p{i}", specs.pipeline_spec(children, name=f"pipeline-{i}", namespace=f"team-{i}"))
        for i in range(pipelines)
    ]
    finished = [(name, pipeline_manifests(spec)) for name, spec in named]
    with_components, bare = components_program(named), bare_program(finished)
    a, b = run(with_components), run(bare)
    if _registered(a) != _registered(b) or a.manifests() != b.manifests():
        raise SystemExit("the bare program registers other resources than the components")
    samples = interleaved(
        [
            Case("components", lambda: run(with_components), rounds),
            Case("bare", lambda: run(bare), rounds),
        ]
    )
    components, plain = median(samples["components"]), median(samples["bare"])
    resources = len(_registered(b))
    return Section(
        "4. Under Pulumi mocks: components against a bare program",
        f"{pipelines} pipelines of {children} children each ({resources} Kubernetes resources),"
        " run with `testing.run_pulumi` (Pulumi's mock monitor, no engine). *Components*"
        " declares one `ScheduledPipeline` per spec mapping: validation, manifests, a component"
        " resource and its outputs. *Bare* registers the same finished manifests directly with"
        " pulumi-kubernetes, same names, inputs and `depends_on` (checked equal before timing).",
        [
            Row(f"bare program, {pipelines} pipelines", seconds(plain)),
            Row(
                f"{pipelines} ScheduledPipelines",
                seconds(components),
                components / plain,
                "bare program",
                1.15,
            ),
        ],
    )
