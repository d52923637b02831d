"""The seed's sync in stages with an optional child, a condition, a shared semaphore, child
timeouts and an exit report, as a snake_case dict."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline


def echo_template(name: str, message: str) -> dict:
    return {
        "name": name,
        "image": "alpine:3.20",
        "command": ["sh", "-c"],
        "args": [f"echo {message}"],
    }


pipeline = ScheduledPipeline(
    "guarded-sync",
    {
        "name": "guarded-sync",
        "namespace": "argo-workflows",
        "schedule": "0 */4 * * *",
        "timezone": "Europe/Zurich",
        "concurrency_policy": "Forbid",
        "parameters": [{"name": "rebuild", "value": "true"}],
        "child_timeout": "45m",
        "stages": [
            [
                {"name": "sync-config", "workflow_template": "config-sync"},
                {
                    "name": "sync-secrets",
                    "workflow_template": "secret-sync",
                    "optional": True,
                    "timeout": "10m",
                },
            ],
            [
                {
                    "name": "rebuild-cache",
                    "workflow_template": "cache-rebuild",
                    "when": (
                        "{{workflow.parameters.rebuild}} == true"
                        " && {{steps.sync-secrets.status}} == Succeeded"
                    ),
                    "synchronization": {
                        "semaphores": [{"config_map": "cache-limits", "key": "rebuilds"}]
                    },
                }
            ],
        ],
        "on_exit": {
            "name": "report",
            "cluster_workflow_template": "run-report",
            "arguments": {"run": "{{workflow.name}}", "status": "{{workflow.status}}"},
        },
        "templates": [
            echo_template("config-sync", "syncing configuration"),
            echo_template("secret-sync", "syncing secrets"),
            echo_template("cache-rebuild", "rebuilding caches"),
        ],
    },
)

pulumi.export("cron_workflow_name", pipeline.cron_workflow_name)
