"""The ingest team's nightly load: its steps only; the platform library adds everything else."""

import pulumi
from acme_platform import Step, team_pipeline

config = pulumi.Config()

pipeline = team_pipeline(
    "ingest-nightly",
    schedule=config.require("schedule"),
    stages=[
        # Reads the landing bucket: the only step that runs with the team's cloud role.
        [Step("extract", image="extract:1.4", args=["--bucket", "landing"], cloud_access=True)],
        [Step("load", image="load:2.0", env={"WAREHOUSE": config.require("warehouse")})],
    ],
)

pulumi.export("templates", pipeline.template_names)
pulumi.export("service_accounts", pipeline.service_account_names)
pulumi.export("runs", pipeline.list_workflows_command)
