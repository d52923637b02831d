"""TypedDict inputs of the Pulumi components, mirroring the spec in snake_case.

Pulumi's multi-language analyzer reads these annotations at run time, so this module must not use
`from __future__ import annotations`, unions or string annotations. Values are validated by the
same pydantic model as spec files (`model.py`).
"""

from typing import TypedDict

from typing_extensions import NotRequired

from ..spec.models import ArgoVersion, ConcurrencyPolicy, RetryPolicy, SeccompProfile


class ParameterArgs(TypedDict):
    """A named parameter with an optional value (the default, for templates)."""

    name: str
    """Parameter name: letters, digits, '-' and '_'."""
    value: NotRequired[str]
    """The value; for a template, the default used when a child passes none."""
    description: NotRequired[str]
    """What the parameter is for."""


class TtlStrategyArgs(TypedDict):
    """How long Argo keeps a finished child Workflow before deleting it."""

    seconds_after_completion: NotRequired[int]
    """Delete this long after the child ends in any phase (the fallback for the other two)."""
    seconds_after_success: NotRequired[int]
    """Delete this long after the child succeeds."""
    seconds_after_failure: NotRequired[int]
    """Delete this long after the child fails (phase Failed; Error falls back to completion)."""


class StopStrategyArgs(TypedDict):
    """When the CronWorkflow stops scheduling for good (Argo v3.6+)."""

    expression: str
    """A bare expr condition, e.g. `cronworkflow.failed >= 3`."""


class ExternalParameterArgs(TypedDict):
    """A parameter of a template this pipeline does not create."""

    name: str
    """Parameter name."""
    has_default: NotRequired[bool]
    """True when the template gives the parameter a value, so a child may leave it out."""


class ExternalTemplateArgs(TypedDict):
    """A (Cluster)WorkflowTemplate deployed elsewhere, declared so children's arguments are checked.

    List every parameter it declares: children must pass each one without a default and nothing
    else.
    """

    name: str
    """The template's name, as children reference it."""
    cluster_scope: NotRequired[bool]
    """True for a ClusterWorkflowTemplate (children use `cluster_workflow_template`)."""
    parameters: NotRequired[list[ExternalParameterArgs]]
    """Every parameter the template declares."""


class SemaphoreArgs(TypedDict):
    """A semaphore whose size is a ConfigMap key: at most that many holders in the namespace."""

    config_map: str
    """ConfigMap holding the semaphore's size, in the child's namespace."""
    key: str
    """Key of the ConfigMap whose value is the semaphore's size."""
    limit: NotRequired[int]
    """Create the ConfigMap with this size; leave unset when the ConfigMap exists already."""


class SynchronizationArgs(TypedDict):
    """Locks a child Workflow holds while it runs (Argo v3.6+ `semaphores` and `mutexes`)."""

    semaphores: NotRequired[list[SemaphoreArgs]]
    """Semaphores to hold, each capping concurrent holders at its ConfigMap value."""
    mutexes: NotRequired[list[str]]
    """Names of mutexes to hold: one holder at a time in the namespace."""


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
    namespace: NotRequired[str]
    """Namespace the child Workflow runs in (default: the pipeline's)."""
    ttl_strategy: NotRequired[TtlStrategyArgs]
    """When Argo deletes the finished child (cross-namespace: 1 day after success, else 7)."""
    optional: NotRequired[bool]
    """Let the pipeline go on when this child fails (Argo `continueOn: {failed: true}`)."""
    when: NotRequired[str]
    """Run the child only if this govaluate condition holds: `{{workflow.parameters.x}} == y`."""
    timeout: NotRequired[str]
    """Longest the child Workflow may run, e.g. `30m` (its `activeDeadlineSeconds`)."""
    synchronization: NotRequired[SynchronizationArgs]
    """Semaphores and mutexes the child Workflow holds while it runs, shared across pipelines."""


class TaskArgs(TypedDict):
    """A child in DAG mode: it starts once every child it depends on has finished.

    The fields repeat ChildArgs: Pulumi's analyzer reads field docs only from the class itself.
    """

    name: str
    """Step name: a lowercase DNS-1123 label, unique in the pipeline."""
    workflow_template: NotRequired[str]
    """The WorkflowTemplate to instantiate."""
    cluster_workflow_template: NotRequired[str]
    """The ClusterWorkflowTemplate to instantiate (instead of workflow_template)."""
    arguments: NotRequired[dict[str, str]]
    """The child's parameters; values may use `{{workflow.parameters.NAME}}`."""
    namespace: NotRequired[str]
    """Namespace the child Workflow runs in (default: the pipeline's)."""
    ttl_strategy: NotRequired[TtlStrategyArgs]
    """When Argo deletes the finished child (cross-namespace: 1 day after success, else 7)."""
    optional: NotRequired[bool]
    """Let the pipeline go on when this child fails (Argo `continueOn: {failed: true}`)."""
    when: NotRequired[str]
    """Run the child only if this govaluate condition holds: `{{workflow.parameters.x}} == y`."""
    timeout: NotRequired[str]
    """Longest the child Workflow may run, e.g. `30m` (its `activeDeadlineSeconds`)."""
    synchronization: NotRequired[SynchronizationArgs]
    """Semaphores and mutexes the child Workflow holds while it runs, shared across pipelines."""
    depends_on: NotRequired[list[str]]
    """Names of the tasks this one waits for (Argo `dependencies`)."""


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
    stages: NotRequired[list[list[ChildArgs]]]
    """Stages run in order; the children of one stage run in parallel."""
    templates: NotRequired[list[TemplateArgs]]
    """WorkflowTemplates this pipeline creates."""
    argo_version: NotRequired[ArgoVersion]
    """The Argo Workflows line to write manifests for: '4' (default) or '3.5'."""
    when: NotRequired[str]
    """Start a scheduled run only when this is true: `{{= cronworkflow.failed < 3 }}` (v3.6+)."""
    stop_strategy: NotRequired[StopStrategyArgs]
    """Stop scheduling for good once its expression is true (Argo v3.6+)."""
    external_templates: NotRequired[list[ExternalTemplateArgs]]
    """Templates deployed elsewhere, declared so children's arguments are checked."""
    tasks: NotRequired[list[TaskArgs]]
    """DAG mode instead of `stages`: children that start when the ones they depend on finish."""
    on_exit: NotRequired[ChildArgs]
    """A child spawned when the orchestrator ends, whatever its outcome (Argo `onExit`)."""
    max_parallel: NotRequired[int]
    """Most children running at once (Argo `parallelism` on the entry template)."""
    child_timeout: NotRequired[str]
    """Default `timeout` for every child that sets none, e.g. `2h`."""


class SharedWorkflowTemplateArgs(TypedDict):
    """A WorkflowTemplate shared by several pipelines, with its executor account."""

    # The fields of TemplateArgs, repeated rather than inherited: Pulumi's analyzer reads a field's
    # docstring from the source of the class it analyses, so inherited fields lose their
    # descriptions in the schema other languages see. tests/test_args_drift.py keeps both in step.
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
    namespace: NotRequired[str]
    """Namespace of the template and its account (default 'argo')."""
