"""The seed's orchestration for a cluster still on Argo v3.5 (`spec.schedule`, one schedule)."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline

pipeline = ScheduledPipeline(
    "legacy-sync",
    {
        "name": "legacy-sync",
        "namespace": "argo-workflows",
        "argo_version": "3.5",
        "schedule": "0 */4 * * *",
        "timezone": "Europe/Zurich",
        "concurrency_policy": "Replace",
        "starting_deadline_seconds": 60,
        "stages": [
            [{"name": "sync-config", "workflow_template": "config-sync"}],
            [
                {"name": "rebuild-cache", "workflow_template": "cache-rebuild"},
                {
                    "name": "audit",
                    "namespace": "audit",
                    "cluster_workflow_template": "audit-log",
                    "arguments": {"source": "legacy-sync"},
                },
            ],
        ],
        "templates": [
            {
                "name": "config-sync",
                "image": "alpine:3.20",
                "command": ["sh", "-c"],
                "args": ["echo syncing configuration"],
            },
            {
                "name": "cache-rebuild",
                "image": "alpine:3.20",
                "command": ["sh", "-c"],
                "args": ["echo rebuilding caches"],
            },
        ],
        "external_templates": [
            {"name": "audit-log", "cluster_scope": True, "parameters": [{"name": "source"}]}
        ],
    },
)

pulumi.export("cron_workflow_name", pipeline.cron_workflow_name)
