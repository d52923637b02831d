"""The seed's basic orchestration as a Pulumi program: sync configuration, then rebuild caches."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline

pipeline = ScheduledPipeline(
    "scheduled-sync",
    {
        "name": "scheduled-sync",
        "namespace": "argo-workflows",
        "schedule": "0 */4 * * *",
        "timezone": "Europe/Zurich",
        "concurrency_policy": "Replace",
        "starting_deadline_seconds": 60,
        "successful_jobs_history_limit": 3,
        "failed_jobs_history_limit": 1,
        "service_account_name": "orchestrator-sa",
        "stages": [
            [{"name": "sync-config", "workflow_template": "config-sync"}],
            [{"name": "rebuild-cache", "workflow_template": "cache-rebuild"}],
        ],
        "templates": [
            {
                "name": "config-sync",
                "image": "alpine:3.20",
                "command": ["sh", "-c"],
                "args": ["echo syncing configuration"],
                "retry_strategy": {"limit": 3, "backoff": {"duration": "10s", "factor": 2}},
            },
            {
                "name": "cache-rebuild",
                "image": "alpine:3.20",
                "command": ["sh", "-c"],
                "args": ["echo rebuilding caches"],
            },
        ],
    },
)

pulumi.export("cron_workflow_name", pipeline.cron_workflow_name)
pulumi.export("child_selector", pipeline.child_selector)
