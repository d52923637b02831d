"""Children checked against their templates' parameters, including templates deployed elsewhere.

Built from the typed model: a child that forgets a required parameter, or misspells one, raises
SpecError naming the child, the template and the parameter before anything is registered.
"""

import pulumi

from pulumi_argo_orchestration import (
    Child,
    ExternalParameter,
    ExternalTemplate,
    Parameter,
    Pipeline,
    ScheduledPipeline,
    Template,
)

DATABASE = "{{workflow.parameters.database}}"

spec = Pipeline(
    name="nightly-backup",
    namespace="backups",
    schedule="0 1 * * *",
    timezone="UTC",
    concurrency_policy="Forbid",
    parameters=[Parameter(name="database", value="orders")],
    stages=[
        [Child(name="snapshot", workflow_template="snapshot", arguments={"database": DATABASE})],
        [
            Child(
                name="verify",
                workflow_template="restore-check",
                arguments={"database": DATABASE, "sample-rows": "1000"},
            )
        ],
        [
            Child(
                name="notify",
                cluster_workflow_template="chat-notify",
                arguments={"channel": "#backups"},
            )
        ],
    ],
    templates=[
        Template(
            name="snapshot",
            image="postgres:16-alpine",
            command=["sh", "-c"],
            args=[
                "echo snapshot of {{workflow.parameters.database}}, "
                "kept {{workflow.parameters.retention-days}} days"
            ],
            parameters=[
                Parameter(name="database", description="the database to snapshot"),
                Parameter(
                    name="retention-days",
                    value="7",
                    description="days to keep the snapshot; has a default, so children may omit it",
                ),
            ],
        )
    ],
    external_templates=[
        ExternalTemplate(
            name="restore-check",
            parameters=[
                ExternalParameter(name="database"),
                ExternalParameter(name="sample-rows", has_default=True),
            ],
        ),
        ExternalTemplate(
            name="chat-notify",
            cluster_scope=True,
            parameters=[
                ExternalParameter(name="channel"),
                ExternalParameter(name="message", has_default=True),
            ],
        ),
    ],
)

pipeline = ScheduledPipeline.from_spec("nightly-backup", spec)
pulumi.export("cron_workflow_name", pipeline.cron_workflow_name)
