"""Run control: skip a DST duplicate run with `when`, stop after three failures."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline

pipeline = ScheduledPipeline(
    "nightly-reindex",
    {
        "name": "nightly-reindex",
        "namespace": "search",
        "schedule": "30 2 * * *",
        "timezone": "Europe/Zurich",
        "concurrency_policy": "Forbid",
        "when": (
            "{{= cronworkflow.lastScheduledTime == nil"
            " || (now() - cronworkflow.lastScheduledTime).Hours() >= 2 }}"
        ),
        "stop_strategy": {"expression": "cronworkflow.failed >= 3"},
        "stages": [[{"name": "reindex", "workflow_template": "reindex"}]],
        "templates": [
            {
                "name": "reindex",
                "image": "alpine:3.20",
                "command": ["sh", "-c"],
                "args": ["echo rebuilding the search index"],
            }
        ],
    },
)

pulumi.export("cron_workflow_name", pipeline.cron_workflow_name)
