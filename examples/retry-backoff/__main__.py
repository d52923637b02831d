"""Nightly ETL whose children retry transient failures with exponential backoff.

Built from the typed model instead of a dict: the same validation, with editor completion.
"""

import pulumi

from pulumi_argo_orchestration import (
    Backoff,
    Child,
    EnvVar,
    EnvVarSource,
    KeySelector,
    Parameter,
    Pipeline,
    RetryStrategy,
    ScheduledPipeline,
    Template,
    Toleration,
)

spec = Pipeline(
    name="nightly-etl",
    namespace="data",
    schedules=["30 1 * * *", "30 13 * * 6"],
    timezone="Europe/Berlin",
    concurrency_policy="Forbid",
    starting_deadline_seconds=300,
    successful_jobs_history_limit=5,
    failed_jobs_history_limit=3,
    parameters=[Parameter(name="source", value="s3://warehouse/raw")],
    stages=[
        [
            Child(
                name="extract",
                workflow_template="extract",
                arguments={"source": "{{workflow.parameters.source}}"},
            )
        ],
        [Child(name="load", workflow_template="load")],
        [Child(name="cleanup", cluster_workflow_template="scratch-cleanup")],
    ],
    templates=[
        Template(
            name="extract",
            image="python:3.12-slim",
            command=["python", "-c"],
            args=["import sys; print('extracting', sys.argv[1])", "{{workflow.parameters.source}}"],
            parameters=[Parameter(name="source")],
            env=[
                EnvVar(
                    name="WAREHOUSE_TOKEN",
                    value_from=EnvVarSource(
                        secret_key_ref=KeySelector(name="warehouse", key="token")
                    ),
                ),
                EnvVar(name="LOG_LEVEL", value="info"),
            ],
            retry_strategy=RetryStrategy(
                limit=4,
                retry_policy="OnTransientError",
                backoff=Backoff(duration="30s", factor=2, max_duration="10m"),
            ),
            active_deadline_seconds=3600,
        ),
        Template(
            name="load",
            image="python:3.12-slim",
            command=["python", "-c"],
            args=["print('loading')"],
            node_selector={"kubernetes.io/os": "linux"},
            tolerations=[
                Toleration(key="dedicated", operator="Equal", value="etl", effect="NoSchedule")
            ],
            image_pull_secrets=["registry-credentials"],
            service_account_name="etl-loader",
            retry_strategy=RetryStrategy(limit=2, backoff=Backoff(duration="10", factor=3)),
        ),
    ],
)

pipeline = ScheduledPipeline.from_spec("nightly-etl", spec)
pulumi.export("child_selector", pipeline.child_selector)
