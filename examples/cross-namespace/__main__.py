"""Children in the namespaces of the teams that own them; the orchestrator stays in `argo`."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline

DAY = (
    "{{workflow.creationTimestamp.Y}}-{{workflow.creationTimestamp.m}}-"
    "{{workflow.creationTimestamp.d}}"
)

pipeline = ScheduledPipeline(
    "warehouse-refresh",
    {
        "name": "warehouse-refresh",
        "namespace": "argo",
        "schedule": "15 3 * * *",
        "timezone": "Europe/Zurich",
        "concurrency_policy": "Forbid",
        "parameters": [{"name": "day", "value": DAY}],
        "stages": [
            [
                {
                    "name": "extract",
                    "workflow_template": "extract",
                    "arguments": {"day": "{{workflow.parameters.day}}"},
                }
            ],
            [
                {
                    "name": "load-warehouse",
                    "namespace": "warehouse",
                    "workflow_template": "warehouse-load",
                    "arguments": {"day": "{{workflow.parameters.day}}", "table": "orders"},
                },
                {
                    "name": "refresh-dashboards",
                    "namespace": "analytics",
                    "cluster_workflow_template": "dashboard-refresh",
                    "ttl_strategy": {
                        "seconds_after_completion": 259200,
                        "seconds_after_success": 3600,
                    },
                },
            ],
        ],
        "templates": [
            {
                "name": "extract",
                "image": "alpine:3.20",
                "command": ["sh", "-c"],
                "args": ["echo extracting {{workflow.parameters.day}}"],
                "parameters": [{"name": "day"}],
            }
        ],
        "external_templates": [
            {
                "name": "warehouse-load",
                "parameters": [
                    {"name": "day"},
                    {"name": "table"},
                    {"name": "mode", "has_default": True},
                ],
            },
            {"name": "dashboard-refresh", "cluster_scope": True},
        ],
    },
)

pulumi.export("child_selector", pipeline.child_selector)
