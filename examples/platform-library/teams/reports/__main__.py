"""The reports team's weekday reports: two renders in parallel, then one mail-out."""

import pulumi
from acme_platform import Step, team_pipeline

config = pulumi.Config()
(schedule,) = config.require_object("schedules")

pipeline = team_pipeline(
    "reports-weekday",
    schedule=schedule,
    stages=[
        [
            Step("sales", image="render:3.2", args=["sales"]),
            Step("stock", image="render:3.2", args=["stock"]),
        ],
        # The mail relay listens on port 25 in the pod: the platform's reviewed exception.
        [Step("mail", image="docker.io/acme/mailer:1.0", pod_security="bind-low-port")],
    ],
)

pulumi.export("templates", pipeline.template_names)
pulumi.export("runs", pipeline.list_workflows_command)
