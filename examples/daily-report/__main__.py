"""A nightly report: the orchestrator passes its run date to the child."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline

pipeline = ScheduledPipeline(
    "daily-report",
    {
        "name": "daily-report",
        "namespace": "reports",
        "schedule": "0 2 * * *",
        "timezone": "America/New_York",
        "concurrency_policy": "Forbid",
        "parameters": [{"name": "run-date", "value": "{{workflow.creationTimestamp}}"}],
        "stages": [
            [
                {
                    "name": "report",
                    "workflow_template": "generate-report",
                    "arguments": {"report-date": "{{workflow.parameters.run-date}}"},
                }
            ]
        ],
        "templates": [
            {
                "name": "generate-report",
                "image": "alpine:3.20",
                "command": ["sh", "-c"],
                "args": ["echo generating the report for {{workflow.parameters.report-date}}"],
                "parameters": [
                    {"name": "report-date", "description": "the day the report covers (RFC 3339)"}
                ],
                "resources": {
                    "requests": {"cpu": "100m", "memory": "64Mi"},
                    "limits": {"memory": "128Mi"},
                },
            }
        ],
    },
)

pulumi.export("cron_workflow_name", pipeline.cron_workflow_name)
