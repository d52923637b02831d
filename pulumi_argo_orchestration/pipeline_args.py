"""TypedDict inputs of the Pulumi components, mirroring the spec in snake_case.

Pulumi's multi-language analyzer reads these annotations at run time, so this module must not use
`from __future__ import annotations`, unions or string annotations. Values are validated by the
same pydantic model as spec files (`model.py`).
"""

from typing import TypedDict

from typing_extensions import NotRequired

from .model import ConcurrencyPolicy, RetryPolicy, SeccompProfile


class ParameterArgs(TypedDict):
    """A named parameter with an optional value (the default, for templates)."""

    name: str
    """Parameter name: letters, digits, '-' and '_'."""
    value: NotRequired[str]
    """The value; for a template, the default used when a child passes none."""
    description: NotRequired[str]
    """What the parameter is for."""


class ChildArgs(TypedDict):
    """A child Workflow the orchestrator spawns from a (Cluster)WorkflowTemplate."""

    name: str
    """Step name: a lowercase DNS-1123 label, unique in the pipeline."""
    workflow_template: NotRequired[str]
    """The WorkflowTemplate to instantiate."""
    cluster_workflow_template: NotRequired[str]
    """The ClusterWorkflowTemplate to instantiate (instead of workflow_template)."""
    arguments: NotRequired[dict[str, str]]
    """The child's parameters; values may use `{{workflow.parameters.NAME}}`."""


class BackoffArgs(TypedDict):
    """Exponential backoff between retries."""

    duration: NotRequired[str]
    """First wait, e.g. '10s'."""
    factor: NotRequired[int]
    """Multiplier applied to each further wait."""
    max_duration: NotRequired[str]
    """Give up retrying after this long, e.g. '10m'."""


class RetryStrategyArgs(TypedDict):
    """How Argo retries a failed container."""

    limit: NotRequired[int]
    """Retries after the first attempt."""
    retry_policy: NotRequired[RetryPolicy]
    """Which failures are retried (default OnFailure)."""
    backoff: NotRequired[BackoffArgs]
    """Waits between attempts."""


class KeySelectorArgs(TypedDict):
    """A key of a Secret or ConfigMap."""

    name: str
    """The Secret's or ConfigMap's name."""
    key: str
    """The key within it."""
    optional: NotRequired[bool]
    """Start the container even when the key is missing."""


class EnvVarSourceArgs(TypedDict):
    """Where an environment variable's value comes from."""

    secret_key_ref: NotRequired[KeySelectorArgs]
    """A key of a Secret."""
    config_map_key_ref: NotRequired[KeySelectorArgs]
    """A key of a ConfigMap."""


class EnvVarArgs(TypedDict):
    """An environment variable of the template's container."""

    name: str
    """Variable name."""
    value: NotRequired[str]
    """A literal value."""
    value_from: NotRequired[EnvVarSourceArgs]
    """A Secret or ConfigMap key instead of a literal value."""


class ResourcesArgs(TypedDict):
    """Container resource requests and limits."""

    requests: NotRequired[dict[str, str]]
    """Requested quantities, e.g. {'cpu': '100m'}."""
    limits: NotRequired[dict[str, str]]
    """Limits, e.g. {'memory': '128Mi'}."""


class TolerationArgs(TypedDict):
    """A Kubernetes toleration."""

    key: NotRequired[str]
    """Taint key."""
    operator: NotRequired[str]
    """Exists or Equal."""
    value: NotRequired[str]
    """Taint value (with Equal)."""
    effect: NotRequired[str]
    """NoSchedule, PreferNoSchedule or NoExecute."""
    toleration_seconds: NotRequired[int]
    """How long a NoExecute taint is tolerated."""


class PodSecurityArgs(TypedDict):
    """Explicit exceptions to the restricted Pod Security defaults, for one template's pods.

    Every field defaults to the restricted value; setting one is the visible, reviewable opt-out.
    """

    run_as_user: NotRequired[int]
    """UID the container runs as (default 65534, `nobody`); 0 needs `runAsNonRoot: false`."""
    run_as_group: NotRequired[int]
    """GID the container runs as (default: the same number as `runAsUser`)."""
    run_as_non_root: NotRequired[bool]
    """false lets the image's own user, root included, run the container."""
    allow_privilege_escalation: NotRequired[bool]
    """true lets setuid programs gain privileges."""
    add_capabilities: NotRequired[list[str]]
    """Linux capabilities added back after `drop: [ALL]`, e.g. NET_BIND_SERVICE."""
    seccomp_profile: NotRequired[SeccompProfile]
    """Unconfined turns off the runtime's system-call filter."""


class TemplateArgs(TypedDict):
    """A WorkflowTemplate with one container."""

    name: str
    """WorkflowTemplate name (at most 63 characters)."""
    image: str
    """Container image."""
    command: NotRequired[list[str]]
    """Container entrypoint."""
    args: NotRequired[list[str]]
    """Container arguments; may use `{{workflow.parameters.NAME}}`."""
    parameters: NotRequired[list[ParameterArgs]]
    """Declared inputs, with optional defaults."""
    env: NotRequired[list[EnvVarArgs]]
    """Environment variables."""
    resources: NotRequired[ResourcesArgs]
    """Resource requests and limits."""
    node_selector: NotRequired[dict[str, str]]
    """Node labels the pods must match."""
    tolerations: NotRequired[list[TolerationArgs]]
    """Taints the pods tolerate."""
    image_pull_secrets: NotRequired[list[str]]
    """Secrets for pulling the image."""
    active_deadline_seconds: NotRequired[int]
    """Upper bound on the container's run time."""
    service_account_name: NotRequired[str]
    """Account the pods run under (default `<name>-executor`)."""
    create_service_account: NotRequired[bool]
    """Create the account (default true); false when it already exists."""
    automount_service_account_token: NotRequired[bool]
    """false: no API token in the pods' own containers; needs executorServiceAccountName."""
    executor_service_account_name: NotRequired[str]
    """Account whose token only Argo's containers get (Argo's `executor.serviceAccountName`)."""
    security: NotRequired[PodSecurityArgs]
    """Explicit exceptions to the restricted pod security defaults."""
    retry_strategy: NotRequired[RetryStrategyArgs]
    """Retries with backoff."""
    labels: NotRequired[dict[str, str]]
    """Extra labels on the WorkflowTemplate."""


class ScheduledPipelineArgs(TypedDict):
    """A scheduled orchestration: a CronWorkflow whose stages spawn child Workflows."""

    name: str
    """CronWorkflow name: a DNS-1123 label of at most 52 characters."""
    namespace: NotRequired[str]
    """Namespace of every object (default 'argo')."""
    schedule: NotRequired[str]
    """A cron schedule (robfig syntax: 5 fields or @descriptors)."""
    schedules: NotRequired[list[str]]
    """Several cron schedules (instead of schedule)."""
    timezone: NotRequired[str]
    """IANA time zone; default is the controller's zone."""
    concurrency_policy: NotRequired[ConcurrencyPolicy]
    """Allow, Forbid or Replace (default Allow)."""
    starting_deadline_seconds: NotRequired[int]
    """How late a missed run may still start."""
    successful_jobs_history_limit: NotRequired[int]
    """Succeeded runs kept (default 3)."""
    failed_jobs_history_limit: NotRequired[int]
    """Failed runs kept (default 1)."""
    suspend: NotRequired[bool]
    """Pause scheduling (default false)."""
    service_account_name: NotRequired[str]
    """The orchestrator's account (default `<name>-orchestrator`)."""
    create_service_account: NotRequired[bool]
    """Create the account (default true); false when it already exists."""
    automount_service_account_token: NotRequired[bool]
    """false: no API token in the pods' own containers; needs executorServiceAccountName."""
    executor_service_account_name: NotRequired[str]
    """Account whose token only Argo's containers get (Argo's `executor.serviceAccountName`)."""
    labels: NotRequired[dict[str, str]]
    """Labels added to every object, run and child."""
    parameters: NotRequired[list[ParameterArgs]]
    """The orchestrator's own parameters."""
    stages: list[list[ChildArgs]]
    """Stages run in order; the children of one stage run in parallel."""
    templates: NotRequired[list[TemplateArgs]]
    """WorkflowTemplates this pipeline creates."""


class SharedWorkflowTemplateArgs(TemplateArgs):
    """A WorkflowTemplate shared by several pipelines, with its executor account."""

    namespace: NotRequired[str]
    """Namespace of the template and its account (default 'argo')."""
