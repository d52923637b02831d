"""Pipeline specs of a chosen size, as a spec file would hold them (camelCase mappings).

Every child instantiates its own WorkflowTemplate defined in the same spec, so a pipeline of N
children renders N templates with their accounts and RBAC besides the CronWorkflow: the size a
platform team's generated pipelines reach, with every field kind the model validates (cron,
time zone, parameters and their references, retries, durations, quantities, labels).
"""

from __future__ import annotations

from typing import Any

from pulumi_argo_orchestration.spec.targets import V4_MAX_TEMPLATES

WIDTH = 10
"""Children per stage: a size of N children is N // WIDTH stages of WIDTH parallel children."""


def shape(children: int) -> tuple[int, int]:
    """(stages, width) for a number of children: 10 wide when it divides, else one stage."""
    if children % WIDTH == 0:
        return children // WIDTH, WIDTH
    return 1, children


def child_name(stage: int, slot: int) -> str:
    """Step name of one child."""
    return f"s{stage}-c{slot}"


def template_name(stage: int, slot: int) -> str:
    """Name of the WorkflowTemplate one child instantiates."""
    return f"job-{stage}-{slot}"


def template_spec(name: str) -> dict[str, Any]:
    """One container template with a parameter, retries, resources and an env var."""
    return {
        "name": name,
        "image": "registry.example.com/jobs/runner:1.4.2",
        "command": ["sh", "-c"],
        "args": ["run-job --date {{workflow.parameters.date}}"],
        "parameters": [{"name": "date", "value": "today"}],
        "env": [{"name": "LOG_LEVEL", "value": "info"}],
        "resources": {
            "requests": {"cpu": "100m", "memory": "64Mi"},
            "limits": {"memory": "128Mi"},
        },
        "retryStrategy": {
            "limit": 3,
            "retryPolicy": "OnFailure",
            "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"},
        },
    }


def argo_version(children: int) -> str:
    """Argo v4 caps a workflow at 200 templates, and a pipeline has one per child plus `main`:
    larger pipelines target Argo 3.5, whose CRDs have no caps, so what is timed stays valid."""
    return "4" if children < V4_MAX_TEMPLATES else "3.5"


def pipeline_spec(
    children: int,
    name: str = "bench-pipeline",
    namespace: str = "jobs",
    version: str | None = None,
) -> dict[str, Any]:
    """A pipeline of `children` children (stages x width), each with its own template."""
    stages, width = shape(children)
    return {
        "name": name,
        "namespace": namespace,
        "argoVersion": version or argo_version(children),
        "schedule": "0 */4 * * *",
        "timezone": "Europe/Zurich",
        "concurrencyPolicy": "Replace",
        "startingDeadlineSeconds": 60,
        "labels": {"team": "platform"},
        "parameters": [{"name": "run-date", "value": "{{workflow.creationTimestamp}}"}],
        "stages": [
            [
                {
                    "name": child_name(stage, slot),
                    "workflowTemplate": template_name(stage, slot),
                    "arguments": {"date": "{{workflow.parameters.run-date}}"},
                }
                for slot in range(width)
            ]
            for stage in range(stages)
        ],
        "templates": [
            template_spec(template_name(stage, slot))
            for stage in range(stages)
            for slot in range(width)
        ],
    }


def dag_chain_spec(tasks: int) -> dict[str, Any]:
    """A DAG of `tasks` tasks on the Argo 3.5 target (v4 caps a DAG at 200 tasks), each after
    the one before and each `when` reading the status of the task half way back: the shape
    whose full transitive closure is largest (tasks² / 2 pairs)."""
    chain: list[dict[str, Any]] = [{"name": "t0", "workflowTemplate": "worker"}]
    for i in range(1, tasks):
        chain.append(
            {
                "name": f"t{i}",
                "workflowTemplate": "worker",
                "dependsOn": [f"t{i - 1}"],
                "when": f"'{{{{tasks.t{i // 2}.status}}}}' == Succeeded",
            }
        )
    return {
        "name": "bench-dag",
        "argoVersion": "3.5",
        "schedule": "0 */4 * * *",
        "timezone": "Europe/Zurich",
        "tasks": chain,
    }
