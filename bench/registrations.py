"""Resources a pipeline registers per child: templates sharing one executor account, or not.

On a real cluster every registered resource is an API call and a state write in each
`pulumi up`, so the count matters more than the time. Templates that need no account of their
own share `<pipeline>-executor` (one ServiceAccount, Role and RoleBinding for all of them); a
template that names its own account (or carries a cloud identity) gets the three objects to
itself, which is how every template was laid out before accounts were shared. Both layouts are
counted under mocks for the same pipelines: a count, not a timing, so one run is exact.

    python -m bench.registrations
"""

from __future__ import annotations

from typing import Any

from bench.report import Row, Section
from bench.specs import pipeline_spec
from pulumi_argo_orchestration import ScheduledPipeline
from pulumi_argo_orchestration.testing import run_pulumi

SIZES = (1, 10, 100)


def own_accounts(spec: dict[str, Any]) -> dict[str, Any]:
    """The same pipeline with every template on an account of its own (`<template>-executor`)."""
    templates = [{**t, "serviceAccountName": f"{t['name']}-executor"} for t in spec["templates"]]
    return {**spec, "templates": templates}


def registrations(spec: dict[str, Any]) -> int:
    """Resources one `ScheduledPipeline` registers, the component included."""
    return len(run_pulumi(lambda: ScheduledPipeline("p", spec)).resources)


def run_case(sizes: tuple[int, ...] = SIZES) -> Section:
    rows = []
    for children in sizes:
        spec = pipeline_spec(children)
        shared, own = registrations(spec), registrations(own_accounts(spec))
        rows.append(
            Row(
                f"{children} children, each with its own template",
                f"{shared} resources ({shared / children:.2f} per child)",
                shared / own,
                f"{own} with an account per template ({own / children:.2f} per child)",
            )
        )
    return Section(
        "Registrations per child",
        "Resources a `ScheduledPipeline` registers under mocks (component included), templates "
        "sharing the pipeline's executor account against each template with its own; the ratio "
        "is shared / own.",
        rows,
    )


if __name__ == "__main__":
    for row in run_case().rows:
        print(f"{row.figure}: {row.measured}; {row.baseline}; ratio {row.ratio:.2f}")
