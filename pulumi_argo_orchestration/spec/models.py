"""The typed spec: Argo's camelCase in spec files, snake_case in Python.

Field-level rules (syntax, ranges, enums, cron, time zones) live on the field types
(`fields.py`). `PipelineFields` is the pipeline's shape only; `pipeline.Pipeline` adds the rules
that need the whole pipeline (`rules.py`), so those rules can be typed against the shape without
an import cycle.
"""

# No `from __future__ import annotations`: pydantic would compile and evaluate every annotation
# string when it creates the classes, a cost each command pays at start-up.
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel

from . import names
from .fields import (
    AbsolutePath,
    AlertLabels,
    AlertSeverity,
    Annotations,
    ArgoText,
    Capability,
    ContainerName,
    Duration,
    ExecutorAccountName,
    FileMode,
    FurtherContainerFields,
    FurtherTemplateFields,
    GoDuration,
    Image,
    Int32,
    Int64,
    IsoDate,
    Labels,
    LockName,
    Namespace,
    NonEmpty,
    ObjectName,
    ParameterName,
    PipelineName,
    PodAnnotations,
    PodLabels,
    PositiveInt32,
    PositiveInt64,
    PrometheusLabel,
    Quantity,
    RelativePath,
    RetryExpression,
    RunAsUser,
    Schedule,
    SignedInt64,
    StepName,
    TemplateName,
    Timeout,
    TimeZone,
    VolumeName,
    When,
    WindowLength,
    check,
    check_nested,
    empty_dict,
    empty_list,
    schema_checked,
)
from .inputs import INPUT, INPUT_ITEMS


class _Spec(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        use_enum_values=False,
        # Field docs are attribute docstrings: scripts/generate_args.py copies them into the
        # Pulumi args, whose source Pulumi's analyzer reads; pydantic does not parse this file.
        # Build validators on first use, not one per class at import: a render validates only
        # Pipeline (its schema inlines the nested models) and serializes a few leaf models.
        defer_build=True,
        # A model given where a model goes (a Child in `stages`, a Pipeline to pipeline_manifests)
        # is validated again: `model_construct` and `model_copy(update=...)` skip validation.
        revalidate_instances="always",
    )


class ArgoVersion(str, Enum):
    """The Argo Workflows line the manifests are written for."""

    V3_5 = "3.5"
    V4 = "4"


def version_text(value: Any) -> Any:
    """YAML reads `argoVersion: 3.5` as a float and `4` as an int: compare them as text."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 10**6:
        return str(value)
    return value


class ConcurrencyPolicy(str, Enum):
    """What the CronWorkflow does when a run is due while the previous one still runs."""

    ALLOW = "Allow"
    FORBID = "Forbid"
    REPLACE = "Replace"


class RetryPolicy(str, Enum):
    """Which failures Argo retries (Argo's default is OnFailure)."""

    ALWAYS = "Always"
    ON_FAILURE = "OnFailure"
    ON_ERROR = "OnError"
    ON_TRANSIENT_ERROR = "OnTransientError"


class Parameter(_Spec):
    """A named parameter; `value` is the default (templates) or the value (pipelines)."""

    name: ParameterName
    """Parameter name: letters, digits, '-' and '_'."""
    value: Annotated[ArgoText | None, INPUT] = None
    """The value; for a template, the default used when a child passes none."""
    description: str | None = None
    """What the parameter is for."""


class TtlStrategy(_Spec):
    """How long Argo keeps a finished child Workflow before deleting it."""

    seconds_after_completion: Int32 | None = None
    """Delete this long after the child ends in any phase (the fallback for the other two)."""
    seconds_after_success: Int32 | None = None
    """Delete this long after the child succeeds."""
    seconds_after_failure: Int32 | None = None
    """Delete this long after the child fails (phase Failed; Error falls back to completion)."""


# Kubernetes forbids owner references across namespaces (the garbage collector would delete the
# child at once, argo #13391), so a child in another namespace is cleaned up by Argo's TTL instead:
# a day after success, a week after Failed or Error, long enough to debug.
CROSS_NAMESPACE_TTL: dict[str, int] = {
    "secondsAfterCompletion": 604800,
    "secondsAfterSuccess": 86400,
}


class StopStrategy(_Spec):
    """When the CronWorkflow stops scheduling for good (Argo v3.6+)."""

    expression: str
    """A bare expr condition, e.g. `cronworkflow.failed >= 3`."""


class Window(_Spec):
    """The run's time window, given to the orchestrator as `window-start` and `window-end`.

    Both are RFC 3339 UTC times computed by Argo from the run's scheduled time
    (`{{workflow.scheduledTime}}`), which ends the window; children read them as
    `{{workflow.parameters.window-start}}` in their arguments. Set exactly one field.
    """

    length: WindowLength | None = None
    """A fixed window that starts this long before the scheduled time, e.g. `4h`."""
    since_previous_schedule: StrictBool = False
    """The window starts at the schedule's previous run time (weekly-repeating schedules)."""


class Calendar(_Spec):
    """Days on which scheduled runs are skipped, in the pipeline's time zone.

    Compiled to the CronWorkflow's `when` (Argo v3.6+); `weekdaysOnly` goes into the schedule's
    day-of-week field instead where that is exact. `schedule` and `backfill` skip the same runs.
    """

    skip_dates: list[IsoDate] = Field(default_factory=empty_list)
    """Dates without runs, e.g. holidays: ISO dates such as '2026-12-25'."""
    weekdays_only: StrictBool = False
    """Run Monday to Friday only (default false)."""
    last_day_of_month: StrictBool = False
    """Run on the last day of each month only (default false)."""


class ExternalParameter(_Spec):
    """A parameter of a template this pipeline does not create."""

    name: ParameterName
    """Parameter name."""
    has_default: StrictBool = False
    """True when the template gives the parameter a value, so a child may leave it out."""


class ExternalTemplate(_Spec):
    """A (Cluster)WorkflowTemplate deployed elsewhere, declared so children's arguments are checked.

    List every parameter it declares: children must pass each one without a default and nothing
    else.
    """

    name: TemplateName
    """The template's name, as children reference it."""
    cluster_scope: StrictBool = False
    """True for a ClusterWorkflowTemplate (children use `cluster_workflow_template`)."""
    parameters: list[ExternalParameter] = Field(default_factory=empty_list)
    """Every parameter the template declares."""
    outputs: list[ParameterName] = Field(default_factory=empty_list)
    """Output parameters it exports with `globalName` (the same name), for later children."""


class Semaphore(_Spec):
    """A semaphore whose size is a ConfigMap key: at most that many holders in the namespace."""

    config_map: ObjectName
    """ConfigMap holding the semaphore's size, in the child's namespace."""
    key: LockName
    """Key of the ConfigMap whose value is the semaphore's size."""
    limit: PositiveInt64 | None = None
    """Create the ConfigMap with this size; leave unset when the ConfigMap exists already."""


class Synchronization(_Spec):
    """Locks a child Workflow holds while it runs (Argo v3.6+ `semaphores` and `mutexes`)."""

    semaphores: list[Semaphore] = Field(default_factory=empty_list)
    """Semaphores to hold, each capping concurrent holders at its ConfigMap value."""
    mutexes: list[LockName] = Field(default_factory=empty_list)
    """Names of mutexes to hold: one holder at a time in the namespace."""


class Child(_Spec):
    """One child Workflow spawned by the orchestrator from a (Cluster)WorkflowTemplate."""

    name: StepName
    """Step name: a lowercase DNS-1123 label, unique in the pipeline."""
    workflow_template: TemplateName | None = None
    """The WorkflowTemplate to instantiate."""
    cluster_workflow_template: TemplateName | None = None
    """The ClusterWorkflowTemplate to instantiate (instead of workflow_template)."""
    arguments: Annotated[dict[ParameterName, ArgoText], INPUT_ITEMS] = Field(
        default_factory=empty_dict
    )
    """The child's parameters; values may use `{{workflow.parameters.NAME}}`."""
    namespace: Namespace | None = None
    """Namespace the child Workflow runs in (default: the pipeline's)."""
    ttl_strategy: TtlStrategy | None = None
    """When Argo deletes the finished child (cross-namespace: 1 day after success, else 7)."""
    optional: StrictBool = False
    """Let the pipeline go on when this child fails (Argo `continueOn: {failed: true}`)."""
    when: When | None = None
    """Run the child only if this govaluate condition holds: `{{workflow.parameters.x}} == y`."""
    timeout: Timeout | None = None
    """Longest the child Workflow may run, e.g. `30m` (its `activeDeadlineSeconds`)."""
    synchronization: Synchronization | None = None
    """Semaphores and mutexes the child Workflow holds while it runs, shared across pipelines."""

    @property
    def template_ref(self) -> str:
        """The referenced template's name, whichever kind it is."""
        return self.workflow_template or self.cluster_workflow_template or ""

    @property
    def cluster_scope(self) -> bool:
        """True when the child instantiates a ClusterWorkflowTemplate."""
        return self.cluster_workflow_template is not None


def _some_children(value: list[Child]) -> list[Child]:
    check(bool(value), "empty_stage", "a stage needs at least one child: remove it or add one")
    return value


def _some_stages(value: list[list[Child]]) -> list[list[Child]]:
    check(bool(value), "no_stages", "a pipeline needs at least one stage with a child")
    return value


Stage = Annotated[list[Child], AfterValidator(_some_children)]


class Task(Child):
    """A child in DAG mode: it starts once every child it depends on has finished."""

    depends_on: list[StepName] = Field(default_factory=empty_list)
    """Names of the tasks this one waits for (Argo `dependencies`)."""


class Backoff(_Spec):
    """Waits between attempts: after attempt n fails, wait duration * factor^(n-1), at most cap.

    Argo waits only while attempts <= `limit` (without `limit` it retries at once, without end
    unless `maxDuration` stops it); `maxDuration` is a deadline counted from the first attempt's
    start, and Argo gives up early when the next wait would end after it.
    """

    duration: Duration
    """The first wait, e.g. '10s' (bare numbers are seconds); required whenever backoff is set."""
    factor: PositiveInt32 | None = None
    """Each wait is the previous one times this whole number (default: every wait is `duration`)."""
    max_duration: Duration | None = None
    """Deadline from the first attempt's start: no retry starts, and no wait ends, after it."""
    cap: Duration | None = None
    """Longest single wait, e.g. '5m' (Argo v3.7+): stops the exponential growth."""


class NodeAntiAffinity(_Spec):
    """Argo's node anti-affinity for retries: it has no fields of its own."""


class RetryAffinity(_Spec):
    """Where retries run."""

    node_anti_affinity: NodeAntiAffinity
    """`{}`: each retry avoids the nodes earlier attempts failed on (needs another node)."""


class RetryStrategy(_Spec):
    """How Argo retries a failed child step (attempts = limit + 1)."""

    limit: Int32 | None = None
    """Retries after the first attempt (unset: no limit, and no backoff waits)."""
    retry_policy: RetryPolicy | None = None
    """Which failures are retried (default OnFailure; Always when only `expression` is set)."""
    backoff: Backoff | None = None
    """Waits between attempts."""
    expression: RetryExpression | None = None
    """Retry only while this expr is true, e.g. `asInt(lastRetry.exitCode) > 1`."""
    affinity: RetryAffinity | None = None
    """`{nodeAntiAffinity: {}}`: run each retry on another node than the failed attempts."""


class KeySelector(_Spec):
    """A key of a Secret or ConfigMap in the template's namespace."""

    name: Annotated[ObjectName, INPUT]
    """The Secret's or ConfigMap's name."""
    key: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    """The key within it."""
    optional: StrictBool | None = None
    """Start the container even when the key is missing."""


class EnvVarSource(_Spec):
    """Where an environment variable's value comes from: exactly one of the two."""

    secret_key_ref: KeySelector | None = None
    """A key of a Secret."""
    config_map_key_ref: KeySelector | None = None
    """A key of a ConfigMap."""


class EnvVar(_Spec):
    """An environment variable: a literal `value` or a `valueFrom` Secret/ConfigMap key."""

    name: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    """Variable name."""
    value: Annotated[str | None, INPUT] = None
    """A literal value."""
    value_from: EnvVarSource | None = None
    """A Secret or ConfigMap key instead of a literal value."""


class Resources(_Spec):
    """Container resource requests and limits (Kubernetes quantities)."""

    requests: Annotated[dict[str, Quantity], INPUT] = Field(default_factory=empty_dict)
    """Requested quantities, e.g. {'cpu': '100m'}."""
    limits: Annotated[dict[str, Quantity], INPUT] = Field(default_factory=empty_dict)
    """Limits, e.g. {'memory': '128Mi'}."""


class EnvFromReference(_Spec):
    """A ConfigMap or Secret in the template's namespace whose every key becomes a variable."""

    name: Annotated[ObjectName, INPUT]
    """The ConfigMap's or Secret's name."""
    optional: StrictBool | None = None
    """Start the container even when it is missing."""


class EnvFromSource(_Spec):
    """Environment variables from all keys of a ConfigMap or a Secret: exactly one of the two."""

    prefix: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")] | None = None
    """Put in front of every key's name, e.g. 'DB_'."""
    config_map_ref: EnvFromReference | None = None
    """A ConfigMap."""
    secret_ref: EnvFromReference | None = None
    """A Secret."""


class ImagePullPolicy(str, Enum):
    """When the kubelet pulls the image."""

    ALWAYS = "Always"
    IF_NOT_PRESENT = "IfNotPresent"
    NEVER = "Never"


class VolumeMount(_Spec):
    """A volume of the template, mounted into a container."""

    name: VolumeName
    """The volume's name, as under the template's `volumes`."""
    mount_path: AbsolutePath
    """Where it appears in the container, e.g. '/data'."""
    read_only: StrictBool | None = None
    """Mount it read-only."""
    sub_path: RelativePath | None = None
    """Mount this path inside the volume instead of its root."""


class KeyToPath(_Spec):
    """One key of a Secret or ConfigMap, written as a file."""

    key: NonEmpty
    """The key."""
    path: RelativePath
    """The file's path inside the volume."""
    mode: FileMode | None = None
    """The file's permission bits, e.g. 0o400 (YAML: 256)."""


class SecretVolumeSource(_Spec):
    """A Secret's keys as files."""

    secret_name: Annotated[ObjectName, INPUT]
    """The Secret, in the template's namespace."""
    items: list[KeyToPath] = Field(default_factory=empty_list)
    """Only these keys, under these file names (default: every key, named after it)."""
    default_mode: FileMode | None = None
    """Permission bits of the files (Kubernetes' default 0o644)."""
    optional: StrictBool | None = None
    """Start the pod even when the Secret is missing."""


class ConfigMapVolumeSource(_Spec):
    """A ConfigMap's keys as files."""

    name: Annotated[ObjectName, INPUT]
    """The ConfigMap, in the template's namespace."""
    items: list[KeyToPath] = Field(default_factory=empty_list)
    """Only these keys, under these file names (default: every key, named after it)."""
    default_mode: FileMode | None = None
    """Permission bits of the files (Kubernetes' default 0o644)."""
    optional: StrictBool | None = None
    """Start the pod even when the ConfigMap is missing."""


class PersistentVolumeClaimVolumeSource(_Spec):
    """A PersistentVolumeClaim that exists in the template's namespace."""

    claim_name: Annotated[ObjectName, INPUT]
    """The claim's name."""
    read_only: StrictBool | None = None
    """Mount it read-only in every container."""


class StorageMedium(str, Enum):
    """What backs an emptyDir: the node's disk ('') or memory."""

    DEFAULT = ""
    MEMORY = "Memory"


class EmptyDirVolumeSource(_Spec):
    """Scratch space that lives as long as the pod."""

    medium: StorageMedium | None = None
    """'' (the node's disk, default) or 'Memory' (tmpfs, counted against memory limits)."""
    size_limit: Quantity | None = None
    """Most it may hold, e.g. '1Gi'."""


# Volume sources the "restricted" Pod Security Standard forbids
# (pod-security-admission policy/check_restrictedVolumes.go, check_hostPathVolumes.go).
_UNRESTRICTED_VOLUMES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "portworxVolume",
    "photonPersistentDisk",
    "scaleIO",
    "storageos",
)
_VOLUME_SOURCES = (
    "persistent_volume_claim",
    "secret",
    "config_map",
    "empty_dir",
    "csi",
    "downward_api",
    "ephemeral",
    "projected",
    "image",
)


def _refuse_unrestricted(data: Any) -> Any:
    if isinstance(data, dict):
        check_nested(
            [
                (
                    (key,),
                    f"`{key}` volumes are refused: the restricted Pod Security Standard allows "
                    "configMap, csi, downwardAPI, emptyDir, ephemeral, image, "
                    "persistentVolumeClaim, projected and secret volumes only",
                )
                for key in data
                if key in _UNRESTRICTED_VOLUMES
            ]
        )
    return data


class Volume(_Spec):
    """A volume of the template's pods: exactly one source, of the kinds restricted pods may use.

    The common four are typed; `csi`, `downwardAPI`, `ephemeral`, `projected` and `image` (Argo
    v3.7+) are Kubernetes' own shapes, checked against Argo's schema.
    """

    name: VolumeName
    """The volume's name, as mounts refer to it."""
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None
    """A PersistentVolumeClaim."""
    secret: SecretVolumeSource | None = None
    """A Secret's keys as files."""
    config_map: ConfigMapVolumeSource | None = None
    """A ConfigMap's keys as files."""
    empty_dir: EmptyDirVolumeSource | None = None
    """Scratch space for the pod's lifetime: `{}` for the defaults."""
    csi: Annotated[dict[str, Any], schema_checked("io.k8s.api.core.v1.CSIVolumeSource")] | None = (
        None
    )
    """A CSI driver's inline volume, e.g. the Secrets Store CSI driver."""
    downward_api: (
        Annotated[dict[str, Any], schema_checked("io.k8s.api.core.v1.DownwardAPIVolumeSource")]
        | None
    ) = Field(default=None, alias="downwardAPI")
    """The pod's own fields (labels, annotations, resources) as files."""
    ephemeral: (
        Annotated[dict[str, Any], schema_checked("io.k8s.api.core.v1.EphemeralVolumeSource")] | None
    ) = None
    """A PersistentVolumeClaim created and deleted with the pod."""
    projected: (
        Annotated[dict[str, Any], schema_checked("io.k8s.api.core.v1.ProjectedVolumeSource")] | None
    ) = None
    """Several sources (Secrets, ConfigMaps, service-account tokens) in one directory."""
    image: (
        Annotated[dict[str, Any], schema_checked("io.k8s.api.core.v1.ImageVolumeSource")] | None
    ) = None
    """An OCI image's content, read-only (Argo v3.7+, Kubernetes 1.33+)."""

    @model_validator(mode="before")
    @classmethod
    def _restricted_kinds(cls, data: Any) -> Any:
        return _refuse_unrestricted(data)

    @property
    def sources(self) -> list[str]:
        """The sources set (exactly one in a valid volume), by Python name."""
        return [name for name in _VOLUME_SOURCES if getattr(self, name) is not None]


class TolerationOperator(str, Enum):
    """How a toleration matches a taint."""

    EXISTS = "Exists"
    EQUAL = "Equal"


class TaintEffect(str, Enum):
    """Which taint effect a toleration tolerates."""

    NO_SCHEDULE = "NoSchedule"
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    NO_EXECUTE = "NoExecute"


class Toleration(_Spec):
    """A Kubernetes toleration, as in a pod spec."""

    key: Annotated[str | None, INPUT] = None
    """Taint key."""
    operator: Annotated[TolerationOperator | None, INPUT] = None
    """Exists or Equal."""
    value: Annotated[str | None, INPUT] = None
    """Taint value (with Equal)."""
    effect: Annotated[TaintEffect | None, INPUT] = None
    """NoSchedule, PreferNoSchedule or NoExecute."""
    toleration_seconds: Annotated[SignedInt64 | None, INPUT] = None
    """How long a NoExecute taint is tolerated."""


class SeccompProfile(str, Enum):
    """The seccomp profile of a template's pods."""

    RUNTIME_DEFAULT = "RuntimeDefault"
    UNCONFINED = "Unconfined"


class PodSecurity(_Spec):
    """Explicit exceptions to the restricted Pod Security defaults, for one template's pods.

    Every field defaults to the restricted value; setting one is the visible, reviewable opt-out.
    """

    run_as_user: RunAsUser | None = None
    """UID the containers run as (default 65534, `nobody`); 'image': the image's numeric USER."""
    run_as_group: Int64 | None = None
    """GID the containers run as (default: the same number as `runAsUser`)."""
    fs_group: Int64 | None = None
    """Group that owns mounted volumes, so a non-root user can write to a PVC (default unset)."""
    run_as_non_root: StrictBool = True
    """false lets the image's own user, root included, run the container."""
    allow_privilege_escalation: StrictBool = False
    """true lets setuid programs gain privileges."""
    add_capabilities: list[Capability] = Field(default_factory=empty_list)
    """Linux capabilities added back after `drop: [ALL]`, e.g. NET_BIND_SERVICE."""
    seccomp_profile: SeccompProfile = SeccompProfile.RUNTIME_DEFAULT
    """Unconfined turns off the runtime's system-call filter."""


class PodMetadata(_Spec):
    """Labels and annotations of pods (Argo's `podMetadata`): they only describe the pods."""

    labels: Annotated[PodLabels, INPUT_ITEMS] = Field(default_factory=empty_dict)
    """Pod labels, e.g. for cost allocation or a NetworkPolicy; not Argo's own keys."""
    annotations: Annotated[PodAnnotations, INPUT_ITEMS] = Field(default_factory=empty_dict)
    """Pod annotations, e.g. for a service mesh or log shipper; not Argo's own keys."""


class Container(_Spec):
    """A sidecar or init container: it gets the same restricted securityContext as the main one."""

    name: ContainerName
    """Container name: a DNS-1123 label, unique in the pod; main, init and wait are Argo's."""
    image: Annotated[Image, INPUT]
    """Container image."""
    command: Annotated[list[str] | None, INPUT] = None
    """Container entrypoint."""
    args: Annotated[list[str] | None, INPUT] = None
    """Container arguments; may use `{{workflow.parameters.NAME}}`."""
    env: list[EnvVar] = Field(default_factory=empty_list)
    """Environment variables."""
    env_from: list[EnvFromSource] = Field(default_factory=empty_list)
    """Environment variables from every key of ConfigMaps or Secrets."""
    resources: Resources | None = None
    """Resource requests and limits."""
    volume_mounts: list[VolumeMount] = Field(default_factory=empty_list)
    """Volumes of the template mounted into this container."""
    working_dir: Annotated[NonEmpty | None, INPUT] = None
    """Directory the command starts in (default: the image's)."""
    image_pull_policy: ImagePullPolicy | None = None
    """Always, IfNotPresent or Never (Kubernetes' default depends on the tag)."""
    argo: FurtherContainerFields = Field(default_factory=empty_dict)
    """Further fields of Argo's container (ports, probes, lifecycle), checked against its schema."""


class OutputSource(_Spec):
    """Where an output parameter's value comes from: a file the container writes."""

    path: AbsolutePath
    """The file, e.g. '/tmp/row-count'; one trailing newline is dropped."""
    default: ArgoText | None = None
    """The value when the file is missing (without it, a missing file fails the step)."""


class OutputParameter(_Spec):
    """A result a child hands on to later children, `{{steps.CHILD.outputs.parameters.NAME}}`."""

    name: ParameterName
    """Parameter name, also its `globalName` in the child Workflow's status."""
    value_from: OutputSource
    """The file the value is read from."""
    description: str | None = None
    """What the value is."""


class Outputs(_Spec):
    """What a template's run hands back to the orchestrator."""

    parameters: Annotated[list[OutputParameter], Field(min_length=1)]
    """Output parameters, read from files when the container ends."""


class Template(_Spec):
    """A WorkflowTemplate this pipeline creates: one container or script, its pod and retries."""

    name: TemplateName
    """WorkflowTemplate name (at most 63 characters)."""
    image: Annotated[Image, INPUT]
    """Container image."""
    command: Annotated[list[str] | None, INPUT] = None
    """Container entrypoint."""
    args: Annotated[list[str] | None, INPUT] = None
    """Container arguments; may use `{{workflow.parameters.NAME}}`."""
    source: Annotated[str | None, INPUT] = None
    """Script text: a script template, run as `command` plus the script's path (needs `command`)."""
    working_dir: Annotated[NonEmpty | None, INPUT] = None
    """Directory the command starts in (default: the image's)."""
    image_pull_policy: ImagePullPolicy | None = None
    """Always, IfNotPresent or Never (Kubernetes' default depends on the tag)."""
    parameters: list[Parameter] = Field(default_factory=empty_list)
    """Declared inputs, with optional defaults."""
    env: list[EnvVar] = Field(default_factory=empty_list)
    """Environment variables."""
    env_from: list[EnvFromSource] = Field(default_factory=empty_list)
    """Environment variables from every key of ConfigMaps or Secrets."""
    resources: Annotated[Resources | None, INPUT] = None
    """Resource requests and limits."""
    volumes: list[Volume] = Field(default_factory=empty_list)
    """Volumes of the pods: PVCs, Secrets, ConfigMaps, emptyDirs and the other restricted kinds."""
    volume_mounts: list[VolumeMount] = Field(default_factory=empty_list)
    """Volumes mounted into the main container."""
    sidecars: list[Container] = Field(default_factory=empty_list)
    """Containers running beside the main one, stopped when it ends (e.g. a database proxy)."""
    init_containers: list[Container] = Field(default_factory=empty_list)
    """Containers that run to completion, in order, before the main one."""
    outputs: Outputs | None = None
    """Results later children of a pipeline can read (each exported with `globalName`)."""
    pod_metadata: PodMetadata | None = None
    """Labels and annotations of the template's pods (over the pipeline's `podMetadata`)."""
    affinity: Annotated[dict[str, Any], schema_checked("io.k8s.api.core.v1.Affinity")] | None = None
    """Kubernetes affinity (node, pod, anti-affinity) as in a pod spec; checked by its schema."""
    priority_class_name: Annotated[ObjectName | None, INPUT] = None
    """PriorityClass of the pods, e.g. to let them preempt less important ones."""
    node_selector: Annotated[dict[str, str], INPUT] = Field(default_factory=empty_dict)
    """Node labels the pods must match."""
    tolerations: Annotated[list[Toleration], INPUT] = Field(default_factory=empty_list)
    """Taints the pods tolerate."""
    image_pull_secrets: Annotated[list[ObjectName], INPUT] = Field(default_factory=empty_list)
    """Secrets for pulling the image."""
    active_deadline_seconds: PositiveInt32 | None = None
    """Upper bound on the container's run time."""
    service_account_name: ObjectName | None = None
    """Account the pods run under (default: shared `<pipeline>-executor`, or `<name>-executor`)."""
    create_service_account: StrictBool = True
    """Create the account (default true); false when it already exists."""
    automount_service_account_token: StrictBool | None = None
    """false: no API token in the pods' own containers; needs executorServiceAccountName."""
    executor_service_account_name: ExecutorAccountName | None = None
    """Account whose token only Argo's containers get (Argo's `executor.serviceAccountName`)."""
    security: PodSecurity | None = None
    """Explicit exceptions to the restricted pod security defaults."""
    retry_strategy: RetryStrategy | None = None
    """Retries with backoff."""
    labels: Annotated[Labels, INPUT_ITEMS] = Field(default_factory=empty_dict)
    """Extra labels on the WorkflowTemplate; not Argo's own keys."""
    argo: FurtherTemplateFields = Field(default_factory=empty_dict)
    """Further fields of Argo's Template (`container:` or `script:` for the main container's)."""
    service_account_annotations: Annotated[Annotations, INPUT_ITEMS] = Field(
        default_factory=empty_dict
    )
    """Annotations on the template's own account (a cloud identity); it then shares none."""

    @property
    def account_name(self) -> str:
        """The template's own account (default `<template>-executor`), when it has one."""
        return self.service_account_name or f"{self.name}-executor"

    @property
    def needs_own_account(self) -> bool:
        """True when the template's pods cannot share the pipeline's executor account.

        A chosen account, a cloud identity, token settings or an account that exists already
        all belong to this template alone; otherwise its pods need exactly the rights every
        executor needs, which one shared account grants once.
        """
        return bool(
            self.service_account_name is not None
            or self.service_account_annotations
            or self.automount_service_account_token is not None
            or self.executor_service_account_name is not None
            or not self.create_service_account
        )


class PodGCStrategy(str, Enum):
    """When Argo deletes a workflow's pods."""

    ON_POD_COMPLETION = "OnPodCompletion"
    ON_POD_SUCCESS = "OnPodSuccess"
    ON_WORKFLOW_COMPLETION = "OnWorkflowCompletion"
    ON_WORKFLOW_SUCCESS = "OnWorkflowSuccess"


class SelectorOperator(str, Enum):
    """How a label selector requirement matches."""

    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"


class SelectorRequirement(_Spec):
    """One condition on a pod label."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=317)]
    """The label key."""
    operator: SelectorOperator
    """In, NotIn (need `values`), Exists or DoesNotExist (no `values`)."""
    values: list[str] = Field(default_factory=empty_list)
    """The values In and NotIn compare with."""


class LabelSelector(_Spec):
    """Which pods: every condition must hold."""

    match_labels: PodLabels = Field(default_factory=empty_dict)
    """Labels the pod must carry, with these values."""
    match_expressions: list[SelectorRequirement] = Field(default_factory=empty_list)
    """Further conditions on labels."""


class PodGC(_Spec):
    """When Argo deletes finished pods (and their logs, unless logs are archived)."""

    strategy: PodGCStrategy
    """OnPodCompletion, OnPodSuccess (keeps failed), OnWorkflowCompletion, OnWorkflowSuccess."""
    label_selector: LabelSelector | None = None
    """Delete only pods matching it (e.g. `podMetadata` labels); the others are kept."""
    delete_delay_duration: GoDuration | None = None
    """Wait this long before deleting, e.g. '30s' (default: the controller's, 5s)."""


class AlertSeverities(_Spec):
    """The `severity` label of each alert, which Alertmanager routes read."""

    missed_run: AlertSeverity = "warning"
    """A scheduled run did not start in time, or concurrencyPolicy skipped or replaced one."""
    failing: AlertSeverity = "critical"
    """Runs failed `failuresInARow` times in a row (default 'critical')."""
    child_overdue: AlertSeverity = "warning"
    """A child has run longer than its `timeout` (default 'warning')."""


class Alerts(_Spec):
    """Prometheus alerts for the pipeline: a PrometheusRule and the Argo metrics it reads.

    `alerts: true` takes every default; a mapping tunes them.
    """

    missed_runs: StrictBool = True
    """Alert when no scheduled run starts within the schedule's longest gap plus the grace."""
    missed_run_grace: Duration = "15m"
    """How long after a due run the missed-run alert fires (default 15m)."""
    failures_in_a_row: Annotated[int, Field(ge=1)] = 3
    """Failed runs in a row that raise the failing alert (default 3)."""
    child_overdue_grace: Duration = "5m"
    """How long past its `timeout` a child may run before the overdue alert (default 5m)."""
    namespace_label: PrometheusLabel = "namespace"
    """Argo's namespace label: `exported_namespace` via a ServiceMonitor without honorLabels."""
    severity: AlertSeverities = Field(default_factory=AlertSeverities)
    """The `severity` label of each alert."""
    labels: AlertLabels = Field(default_factory=empty_dict)
    """Extra labels on every alert, e.g. {'team': 'data'} for routing."""
    rule_labels: Labels = Field(default_factory=empty_dict)
    """Labels on the PrometheusRule object, e.g. what the operator's `ruleSelector` matches."""


def _alerts_switch(value: Any) -> Any:
    """`alerts: true` is every default, `false` none: the mapping form needs no `enabled` key."""
    if value is True:
        return {}
    if value is False or value is None:
        return None
    check(
        isinstance(value, (dict, Alerts)),
        "alerts",
        "use `true`, `false` or a mapping of thresholds (missedRunGrace, failuresInARow, ...)",
    )
    return value


class PipelineFields(_Spec):
    """A pipeline's fields; `Pipeline` (pipeline.py) is this shape with the whole-pipeline rules."""

    name: PipelineName
    """CronWorkflow name: a DNS-1123 label of at most 52 characters."""
    namespace: Annotated[Namespace, INPUT] = "argo"
    """Namespace of every object (default 'argo'); it must exist unless `createNamespace`."""
    create_namespace: StrictBool = False
    """Create the namespace, and every namespace a child runs in (default false: they exist)."""
    schedule: Schedule | None = None
    """A cron schedule (robfig syntax: 5 fields or @descriptors)."""
    schedules: list[Schedule] | None = None
    """Several cron schedules (instead of schedule)."""
    timezone: TimeZone | None = None
    """IANA time zone; default is the controller's zone."""
    concurrency_policy: ConcurrencyPolicy = ConcurrencyPolicy.ALLOW
    """Allow, Forbid or Replace (default Allow)."""
    starting_deadline_seconds: Int64 | None = None
    """How late a missed run may still start."""
    successful_jobs_history_limit: Int32 = 3
    """Succeeded runs kept (default 3)."""
    failed_jobs_history_limit: Int32 = 1
    """Failed runs kept (default 1)."""
    suspend: StrictBool = False
    """Pause scheduling (default false)."""
    service_account_name: ObjectName | None = None
    """The orchestrator's account (default `<name>-orchestrator`)."""
    create_service_account: StrictBool = True
    """Create the account (default true); false when it already exists."""
    automount_service_account_token: StrictBool | None = None
    """false: no API token in the pods' own containers; needs executorServiceAccountName."""
    executor_service_account_name: ExecutorAccountName | None = None
    """Account whose token only Argo's containers get (Argo's `executor.serviceAccountName`)."""
    labels: Annotated[Labels, INPUT_ITEMS] = Field(default_factory=empty_dict)
    """Labels added to every object, run and child; not Argo's own keys."""
    pod_metadata: PodMetadata | None = None
    """Labels and annotations of every pod: the orchestrator's and its templates' (theirs win)."""
    pod_gc: PodGC | None = Field(default=None, alias="podGC")
    """When Argo deletes finished pods of the orchestrator and of the templates created here."""
    service_account_annotations: Annotated[Annotations, INPUT_ITEMS] = Field(
        default_factory=empty_dict
    )
    """Annotations on the orchestrator's account, e.g. a cloud identity; none."""
    parameters: list[Parameter] = Field(default_factory=empty_list)
    """The orchestrator's own parameters."""
    stages: Annotated[list[Stage], AfterValidator(_some_stages)] | None = None
    """Stages run in order; the children of one stage run in parallel."""
    templates: list[Template] = Field(default_factory=empty_list)
    """WorkflowTemplates this pipeline creates."""
    argo_version: Annotated[ArgoVersion, BeforeValidator(version_text)] = ArgoVersion.V4
    """The Argo Workflows line to write manifests for: '4' (default) or '3.5'."""
    when: str | None = None
    """Start a scheduled run only when this is true: `{{= cronworkflow.failed < 3 }}` (v3.6+)."""
    stop_strategy: StopStrategy | None = None
    """Stop scheduling for good once its expression is true (Argo v3.6+)."""
    external_templates: list[ExternalTemplate] = Field(default_factory=empty_list)
    """Templates deployed elsewhere, declared so children's arguments are checked."""
    tasks: Annotated[list[Task], Field(min_length=1)] | None = None
    """DAG mode instead of `stages`: children that start when the ones they depend on finish."""
    on_exit: Child | None = None
    """A child spawned when the orchestrator ends, whatever its outcome (Argo `onExit`)."""
    max_parallel: PositiveInt64 | None = None
    """Most children running at once (Argo `parallelism` on the entry template)."""
    child_timeout: Timeout | None = None
    """Default `timeout` for every child that sets none, e.g. `2h`."""
    orchestrator_template: StrictBool = False
    """Make the orchestrator a WorkflowTemplate named after the pipeline (default false)."""
    window: Window | None = None
    """Give each run its time window as the parameters `window-start` and `window-end`."""
    calendar: Calendar | None = None
    """Skip scheduled runs on these days (skip dates, weekends, all but the month's last)."""
    alerts: Annotated[Alerts | None, BeforeValidator(_alerts_switch)] = None
    """A PrometheusRule for missed, failing and overdue runs: true or thresholds (default none)."""

    @property
    def all_schedules(self) -> list[str]:
        """Every schedule, whichever spelling the spec used."""
        return [self.schedule] if self.schedule is not None else list(self.schedules or [])

    @property
    def account_name(self) -> str:
        """The orchestrator's service account (default `<name>-orchestrator`)."""
        return self.service_account_name or f"{self.name}-orchestrator"

    @property
    def shared_executor_account(self) -> str:
        """`<name>-executor`: the account of every template that needs none of its own."""
        return f"{self.name}-executor"

    def template_account(self, template: Template) -> str:
        """The account a template's pods run under: its own, or the shared executor account."""
        return template.account_name if template.needs_own_account else self.shared_executor_account

    @property
    def added_parameters(self) -> tuple[str, ...]:
        """Orchestrator parameters the package adds (not declared under `parameters`)."""
        return names.WINDOW_PARAMETERS if self.window is not None else ()

    @property
    def children(self) -> list[tuple[str, Child]]:
        """Every child with its field path, in spec order: stages or tasks, then onExit."""
        found: list[tuple[str, Child]] = [
            (f"stages[{i}][{j}]", child)
            for i, stage in enumerate(self.stages or [])
            for j, child in enumerate(stage)
        ]
        found += [(f"tasks[{i}]", task) for i, task in enumerate(self.tasks or [])]
        if self.on_exit is not None:
            found.append(("onExit", self.on_exit))
        return found

    @property
    def child_namespaces(self) -> list[str]:
        """Namespaces other than the pipeline's that children run in, in spec order."""
        found = [child.namespace for _, child in self.children if child.namespace]
        return [ns for ns in dict.fromkeys(found) if ns != self.namespace]
