"""Three syncs in parallel, then a rebuild that waits for all of them."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline

NAMESPACE = "argo-workflows"
LABELS = {"team": "platform"}


def echo_template(name: str, message: str) -> dict:
    return {
        "name": name,
        "image": "alpine:3.20",
        "command": ["sh", "-c"],
        "args": [f"echo {message}"],
    }


pipeline = ScheduledPipeline(
    "parallel-sync",
    {
        "name": "parallel-sync",
        "namespace": NAMESPACE,
        "schedule": "0 */4 * * *",
        "timezone": "Europe/Zurich",
        "concurrency_policy": "Forbid",
        "alerts": {},  # every default, like `alerts: true`; a mapping tunes them
        "labels": LABELS,
        "stages": [
            [
                {"name": "sync-users", "workflow_template": "user-sync"},
                {"name": "sync-permissions", "workflow_template": "permission-sync"},
                {"name": "sync-config", "workflow_template": "config-sync"},
            ],
            [{"name": "rebuild", "workflow_template": "rebuild"}],
        ],
        "templates": [
            echo_template("user-sync", "syncing users"),
            echo_template("permission-sync", "syncing permissions"),
            echo_template("config-sync", "syncing configuration"),
            echo_template("rebuild", "rebuilding"),
        ],
    },
)

pulumi.export("child_selector", pipeline.child_selector)
