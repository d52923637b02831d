"""Business-day ingestion: a window since the previous run, a holiday calendar, and the
orchestrator as a WorkflowTemplate that can be run now or backfilled."""

import pulumi

from pulumi_argo_orchestration import ScheduledPipeline

WINDOW = {
    "since": "{{workflow.parameters.window-start}}",
    "until": "{{workflow.parameters.window-end}}",
}


def template(name: str, args: str, parameters: list[dict[str, str]]) -> dict:
    """An alpine container that reads its parameters from the environment."""
    return {
        "name": name,
        "image": "alpine:3.20",
        "command": ["sh", "-c"],
        "args": [args],
        "env": [
            {"name": p["name"].upper(), "value": "{{workflow.parameters." + p["name"] + "}}"}
            for p in parameters
        ],
        "parameters": parameters,
    }


pipeline = ScheduledPipeline(
    "windowed-ingest",
    {
        "name": "windowed-ingest",
        "namespace": "ingest",
        "schedule": "0 6-18/4 * * 1-5",
        "timezone": "Europe/Zurich",
        "concurrency_policy": "Forbid",
        "orchestrator_template": True,
        "window": {"since_previous_schedule": True},
        "calendar": {
            "weekdays_only": True,
            "skip_dates": ["2026-12-25", "2026-12-26", "2027-01-01"],
        },
        "parameters": [{"name": "source", "value": "s3://events/raw"}],
        "stages": [
            [
                {
                    "name": "extract",
                    "workflow_template": "extract-events",
                    "arguments": {"source": "{{workflow.parameters.source}}", **WINDOW},
                }
            ],
            [{"name": "load", "workflow_template": "load-warehouse", "arguments": WINDOW}],
        ],
        "templates": [
            template(
                "extract-events",
                "echo extracting $SOURCE from $SINCE to $UNTIL",
                [
                    {"name": "source"},
                    {"name": "since", "description": "start of the window (RFC 3339, UTC)"},
                    {"name": "until", "description": "end of the window (RFC 3339, UTC)"},
                ],
            ),
            template(
                "load-warehouse",
                "echo loading the events from $SINCE to $UNTIL",
                [{"name": "since"}, {"name": "until"}],
            ),
        ],
    },
)

pulumi.export("cron_workflow_name", pipeline.cron_workflow_name)
