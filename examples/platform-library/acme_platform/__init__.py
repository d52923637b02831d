"""ACME's platform defaults for scheduled Argo pipelines: teams write only their steps.

The platform team owns this package; each team's Pulumi stack installs it and calls
`team_pipeline`. What the organisation decides once lives here: where images come from, the
labels cost reports read, which pod-security exceptions exist, how steps retry, how much history
is kept, which namespace a team gets and the cloud identity its steps run with. A team's stack
configuration (`acme:*` keys) says who the team is; its program says what runs.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi

from pulumi_argo_orchestration import Problem, ScheduledPipeline, ScheduledPipelineArgs, SpecError

REGISTRY = "registry.acme.example"
TIMEZONE = "Europe/Zurich"
# Every step retries transient infrastructure failures, twice, with backoff.
RETRY = {
    "limit": 2,
    "retry_policy": "OnTransientError",
    "backoff": {"duration": "30s", "factor": 2, "max_duration": "10m"},
}
# Runs kept for debugging: the platform's log retention matches this.
HISTORY = {"successful_jobs_history_limit": 5, "failed_jobs_history_limit": 3}
# The only pod-security exceptions a team may ask for, each reviewed once by the platform team.
POD_SECURITY_EXCEPTIONS: dict[str, dict[str, Any]] = {
    "bind-low-port": {"add_capabilities": ["NET_BIND_SERVICE"]},
    "image-user": {"run_as_non_root": True, "run_as_user": 10001},
}
IRSA = "eks.amazonaws.com/role-arn"


@dataclass
class Step:
    """One step of a team's pipeline: a container the platform runs with its defaults."""

    name: str
    image: "pulumi.Input[str]"
    """`<repository>:<tag>` in the team's part of the ACME registry, or a reference with a `/`."""
    args: Sequence[str] = ()
    command: Sequence[str] = ()
    env: dict[str, "pulumi.Input[str]"] = field(default_factory=dict)
    pod_security: Optional[str] = None
    """A name from POD_SECURITY_EXCEPTIONS; anything else is refused."""
    cloud_access: bool = False
    """Run with the team's cloud role (its own service account); other steps get none."""


def image_reference(image: "pulumi.Input[str]", team: str) -> "pulumi.Output[str]":
    """`etl:1.4` -> `registry.acme.example/<team>/etl:1.4`; a reference with a `/` is kept.

    The image may be an Output (a build's result): the pipeline takes it as one.
    """
    return pulumi.Output.from_input(image).apply(
        lambda text: text if "/" in text else f"{REGISTRY}/{team}/{text}"
    )


def team_pipeline(
    name: str,
    schedule: str,
    stages: Sequence[Sequence[Step]],
    opts: Optional[pulumi.ResourceOptions] = None,
) -> ScheduledPipeline:
    """A ScheduledPipeline with ACME's defaults, in the team's own namespace, created for it.

    Each step becomes a WorkflowTemplate named `<pipeline>-<step>` and a child of its stage.
    """
    config = pulumi.Config("acme")
    team = config.require("team")
    role_arn = f"arn:aws:iam::{config.require('awsAccountId')}:role/argo-{team}"
    problems = [
        Problem(f"stages[{i}][{j}].pod_security", _unknown_exception(step.pod_security))
        for i, stage in enumerate(stages)
        for j, step in enumerate(stage)
        if step.pod_security is not None and step.pod_security not in POD_SECURITY_EXCEPTIONS
    ]
    if problems:
        raise SpecError(problems)
    args: ScheduledPipelineArgs = {
        "name": name,
        "namespace": f"team-{team}",
        "create_namespace": True,
        "schedule": schedule,
        "timezone": TIMEZONE,
        "concurrency_policy": "Forbid",
        "successful_jobs_history_limit": HISTORY["successful_jobs_history_limit"],
        "failed_jobs_history_limit": HISTORY["failed_jobs_history_limit"],
        "labels": {
            "acme.example/team": team,
            "acme.example/cost-center": config.require("costCenter"),
        },
        "stages": [
            [{"name": step.name, "workflow_template": f"{name}-{step.name}"} for step in stage]
            for stage in stages
        ],
        "templates": [
            _template(f"{name}-{step.name}", step, team, role_arn)
            for stage in stages
            for step in stage
        ],
    }
    return ScheduledPipeline(name, args, opts)


def _unknown_exception(name: Optional[str]) -> str:
    allowed = ", ".join(sorted(POD_SECURITY_EXCEPTIONS))
    return (
        f"{name!r} is not a pod-security exception the platform offers ({allowed}); "
        "ask the platform team to review a new one"
    )


def _template(name: str, step: Step, team: str, role_arn: str) -> dict[str, Any]:
    template: dict[str, Any] = {
        "name": name,
        "image": image_reference(step.image, team),
        "retry_strategy": RETRY,
    }
    if step.command:
        template["command"] = list(step.command)
    if step.args:
        template["args"] = list(step.args)
    if step.env:
        template["env"] = [{"name": key, "value": value} for key, value in step.env.items()]
    if step.pod_security is not None:
        template["security"] = POD_SECURITY_EXCEPTIONS[step.pod_security]
    if step.cloud_access:
        template["service_account_annotations"] = {IRSA: role_arn}
    return template
