"""The typed pipeline spec: Argo's camelCase in spec files, snake_case in Python.

Field-level rules (syntax, ranges, enums, cron, time zones) live on the fields; rules that need the
whole pipeline (unique names, parameter references) run in one `model_validator` and report every
problem with its own path, so a user fixes a spec in one pass.
"""

# No `from __future__ import annotations`: pydantic would compile and evaluate every annotation
# string when it creates the classes, a cost each command pays at start-up.
import re
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from . import (
    argo_text,
    argo_version,
    conditions,
    contracts,
    control_flow,
    cron,
    durations,
    names,
    run_control,
)
from .argo_version import ArgoVersion, version_text
from .errors import Problem, format_path

# Patterns are text: `re` compiles and caches each on first use instead of every command at import.
_DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^[0-9]+$"
_QUANTITY = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"  # Kubernetes' quantity grammar
    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)
_WORKFLOW_PARAMETER_REF = r"\{\{\s*workflow\.parameters\.([-a-zA-Z0-9_]+)\s*\}\}"


def _check(condition: bool, kind: str, message: str) -> None:
    if not condition:
        raise PydanticCustomError(kind, message)


def _name_message(value: str, rule: str, valid: bool) -> str:
    hint = f" (try {value.lower()!r})" if valid else ""
    return f"{value!r} {rule}{hint}"


def _dns_label(value: str) -> str:
    lower_ok = names.is_dns_label(value.lower())
    _check(
        names.is_dns_label(value), "dns_label", _name_message(value, names.DNS_LABEL_RULE, lower_ok)
    )
    return value


def _dns_subdomain(value: str) -> str:
    lower_ok = names.is_dns_subdomain(value.lower())
    _check(
        names.is_dns_subdomain(value),
        "dns_subdomain",
        _name_message(value, names.DNS_SUBDOMAIN_RULE, lower_ok),
    )
    return value


def _schedule(value: str) -> str:
    problem = cron.schedule_problem(value)
    _check(problem is None, "cron", f"invalid cron schedule {value!r}: {problem}")
    return value


def _timezone(value: str) -> str:
    _check(
        names.is_iana_timezone(value),
        "timezone",
        f"unknown time zone {value!r}: use an IANA name such as 'Europe/Zurich' or 'UTC'",
    )
    return value


def _duration(value: str) -> str:
    _check(
        bool(re.fullmatch(_DURATION, value)),
        "duration",
        f"invalid duration {value!r}: use seconds ('30') or a Go duration ('10s', '2m', '1h30m')",
    )
    return value


def _timeout(value: str) -> str:
    seconds = durations.duration_seconds(value)
    _check(
        seconds is not None and seconds >= 1,
        "timeout",
        f"invalid timeout {value!r}: use a positive Go duration ('30m', '1h30m') or seconds ('90')",
    )
    return value


def _when(value: str) -> str:
    problem = conditions.when_problem(value)
    _check(problem is None, "when", f"invalid `when` condition {value!r}: {problem}")
    return value


def _not_a_bool(value: Any) -> Any:
    _check(not isinstance(value, bool), "quantity", f"invalid quantity {value!r}: not a number")
    return value


def _quantity(value: str | int | float) -> str | int | float:
    _check(
        bool(re.fullmatch(_QUANTITY, str(value))),
        "quantity",
        f"invalid quantity {value!r}: use a Kubernetes quantity such as '500m', '1', '256Mi'",
    )
    # Argo's CRDs type quantities as int-or-string: a number like 0.5 is refused at apply time.
    return str(value) if isinstance(value, float) else value


def _argo_text(value: str) -> str:
    problem = argo_text.argo_text_problem(value)
    _check(problem is None, "argo_text", problem or "")
    return value


def _capability(value: str) -> str:
    _check(
        bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", value)),
        "capability",
        f"invalid capability {value!r}: use the capital name, e.g. 'NET_BIND_SERVICE'",
    )
    _check(
        value != "ALL",
        "capability",
        "name the capabilities to add back: ALL would undo `drop: [ALL]`",
    )
    return value


def _labels(value: dict[str, str]) -> dict[str, str]:
    for key, label_value in value.items():
        problem = names.label_key_problem(key) or names.label_value_problem(label_value)
        _check(problem is None, "label", f"label {key!r}: {problem}")
        _check(
            key not in names.RESERVED_LABELS,
            "label",
            f"label {key!r} is set by pulumi-argo-orchestration itself and cannot be overridden",
        )
    return value


def _at_most(limit: int, why: str) -> AfterValidator:
    def check(value: str) -> str:
        _check(
            len(value) <= limit,
            "too_long",
            f"{len(value)} characters, at most {limit} allowed: {why}",
        )
        return value

    return AfterValidator(check)


def _parameter_name(value: str) -> str:
    # workflow/validate/validate.go, isValidParamOrArtifactName: ^[-a-zA-Z0-9_]+$
    _check(
        bool(re.fullmatch(r"[-a-zA-Z0-9_]+", value)),
        "parameter_name",
        f"invalid parameter name {value!r}: use letters, digits, '-' and '_' (Argo's rule)",
    )
    return value


PipelineName = Annotated[
    str,
    _at_most(
        names.CRON_WORKFLOW_NAME_MAX,
        "Argo names each run `<name>-<unix seconds>`, which must fit in 63 characters",
    ),
    AfterValidator(_dns_label),
]
Namespace = Annotated[
    str, _at_most(63, "a namespace is a DNS-1123 label"), AfterValidator(_dns_label)
]
StepName = Annotated[
    str,
    _at_most(63, "the step name goes into label values and object names"),
    AfterValidator(_dns_label),
]
ObjectName = Annotated[
    str, _at_most(253, "a Kubernetes object name"), AfterValidator(_dns_subdomain)
]
TemplateName = Annotated[
    str,
    _at_most(names.WORKFLOW_NAME_MAX, "Argo's limit for WorkflowTemplate names"),
    AfterValidator(_dns_subdomain),
]
ParameterName = Annotated[str, AfterValidator(_parameter_name)]
Schedule = Annotated[str, AfterValidator(_schedule)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
Duration = Annotated[str, AfterValidator(_duration)]
Quantity = Annotated[str | int | float, BeforeValidator(_not_a_bool), AfterValidator(_quantity)]
Labels = Annotated[dict[str, str], AfterValidator(_labels)]
NonNegative = Annotated[int, Field(ge=0)]
Timeout = Annotated[str, AfterValidator(_timeout)]
When = Annotated[str, AfterValidator(_when)]
# No braces: Argo substitutes `{{...}}` in a child manifest as text, before parsing it.
LockName = Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z0-9]+$", max_length=253)]
# Values Argo substitutes into templates: see argo_text.py for what it cannot carry.
ArgoText = Annotated[str, AfterValidator(_argo_text)]
Capability = Annotated[str, AfterValidator(_capability)]


def _empty_list() -> list[Any]:
    # Default factories are Python functions, not `list` and `dict`: pydantic reads a factory's
    # signature when it builds the schema, and for a builtin that means tokenizing its text
    # signature, which was about a third of the first validation of a spec.
    return []


def _empty_dict() -> dict[Any, Any]:
    return {}


class _Spec(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        use_enum_values=False,
        # Field docs are attribute docstrings, mirrored in pipeline_args.py and read from source by
        # Pulumi's analyzer and the tests; pydantic is not asked to parse this file at import.
        # Build validators on first use, not one per class at import: a render validates only
        # Pipeline (its schema inlines the nested models) and serializes a few leaf models.
        defer_build=True,
    )


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
    value: ArgoText | None = None
    """The value; for a template, the default used when a child passes none."""
    description: str | None = None
    """What the parameter is for."""


class TtlStrategy(_Spec):
    """How long Argo keeps a finished child Workflow before deleting it."""

    seconds_after_completion: NonNegative | None = None
    """Delete this long after the child ends in any phase (the fallback for the other two)."""
    seconds_after_success: NonNegative | None = None
    """Delete this long after the child succeeds."""
    seconds_after_failure: NonNegative | None = None
    """Delete this long after the child fails (phase Failed; Error falls back to completion)."""


class StopStrategy(_Spec):
    """When the CronWorkflow stops scheduling for good (Argo v3.6+)."""

    expression: str
    """A bare expr condition, e.g. `cronworkflow.failed >= 3`."""


class ExternalParameter(_Spec):
    """A parameter of a template this pipeline does not create."""

    name: ParameterName
    """Parameter name."""
    has_default: bool = False
    """True when the template gives the parameter a value, so a child may leave it out."""


class ExternalTemplate(_Spec):
    """A (Cluster)WorkflowTemplate deployed elsewhere, declared so children's arguments are checked.

    List every parameter it declares: children must pass each one without a default and nothing
    else.
    """

    name: TemplateName
    """The template's name, as children reference it."""
    cluster_scope: bool = False
    """True for a ClusterWorkflowTemplate (children use `cluster_workflow_template`)."""
    parameters: list[ExternalParameter] = Field(default_factory=_empty_list)
    """Every parameter the template declares."""


class Semaphore(_Spec):
    """A semaphore whose size is a ConfigMap key: at most that many holders in the namespace."""

    config_map: ObjectName
    """ConfigMap holding the semaphore's size, in the child's namespace."""
    key: LockName
    """Key of the ConfigMap whose value is the semaphore's size."""
    limit: Annotated[int, Field(ge=1)] | None = None
    """Create the ConfigMap with this size; leave unset when the ConfigMap exists already."""


class Synchronization(_Spec):
    """Locks a child Workflow holds while it runs (Argo v3.6+ `semaphores` and `mutexes`)."""

    semaphores: list[Semaphore] = Field(default_factory=_empty_list)
    """Semaphores to hold, each capping concurrent holders at its ConfigMap value."""
    mutexes: list[LockName] = Field(default_factory=_empty_list)
    """Names of mutexes to hold: one holder at a time in the namespace."""


class Child(_Spec):
    """One child Workflow spawned by the orchestrator from a (Cluster)WorkflowTemplate."""

    name: StepName
    """Step name: a lowercase DNS-1123 label, unique in the pipeline."""
    workflow_template: TemplateName | None = None
    """The WorkflowTemplate to instantiate."""
    cluster_workflow_template: TemplateName | None = None
    """The ClusterWorkflowTemplate to instantiate (instead of workflow_template)."""
    arguments: dict[ParameterName, ArgoText] = Field(default_factory=_empty_dict)
    """The child's parameters; values may use `{{workflow.parameters.NAME}}`."""
    namespace: Namespace | None = None
    """Namespace the child Workflow runs in (default: the pipeline's)."""
    ttl_strategy: TtlStrategy | None = None
    """When Argo deletes the finished child (cross-namespace: 1 day after success, else 7)."""
    optional: bool = False
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
    _check(bool(value), "empty_stage", "a stage needs at least one child: remove it or add one")
    return value


def _some_stages(value: list[list[Child]]) -> list[list[Child]]:
    _check(bool(value), "no_stages", "a pipeline needs at least one stage with a child")
    return value


Stage = Annotated[list[Child], AfterValidator(_some_children)]


class Task(Child):
    """A child in DAG mode: it starts once every child it depends on has finished."""

    depends_on: list[StepName] = Field(default_factory=_empty_list)
    """Names of the tasks this one waits for (Argo `dependencies`)."""


class Backoff(_Spec):
    """Exponential backoff between retries: duration * factor^n, capped by maxDuration."""

    duration: Duration | None = None
    """First wait, e.g. '10s'."""
    factor: Annotated[int, Field(ge=1)] | None = None
    """Multiplier applied to each further wait."""
    max_duration: Duration | None = None
    """Give up retrying after this long, e.g. '10m'."""


class RetryStrategy(_Spec):
    """How Argo retries a failed child step (attempts = limit + 1)."""

    limit: NonNegative | None = None
    """Retries after the first attempt."""
    retry_policy: RetryPolicy | None = None
    """Which failures are retried (default OnFailure)."""
    backoff: Backoff | None = None
    """Waits between attempts."""


class KeySelector(_Spec):
    """A key of a Secret or ConfigMap in the template's namespace."""

    name: ObjectName
    """The Secret's or ConfigMap's name."""
    key: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    """The key within it."""
    optional: bool | None = None
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
    value: str | None = None
    """A literal value."""
    value_from: EnvVarSource | None = None
    """A Secret or ConfigMap key instead of a literal value."""


class Resources(_Spec):
    """Container resource requests and limits (Kubernetes quantities)."""

    requests: dict[str, Quantity] = Field(default_factory=_empty_dict)
    """Requested quantities, e.g. {'cpu': '100m'}."""
    limits: dict[str, Quantity] = Field(default_factory=_empty_dict)
    """Limits, e.g. {'memory': '128Mi'}."""


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

    key: str | None = None
    """Taint key."""
    operator: TolerationOperator | None = None
    """Exists or Equal."""
    value: str | None = None
    """Taint value (with Equal)."""
    effect: TaintEffect | None = None
    """NoSchedule, PreferNoSchedule or NoExecute."""
    toleration_seconds: int | None = None
    """How long a NoExecute taint is tolerated."""


class SeccompProfile(str, Enum):
    """The seccomp profile of a template's pods."""

    RUNTIME_DEFAULT = "RuntimeDefault"
    UNCONFINED = "Unconfined"


class PodSecurity(_Spec):
    """Explicit exceptions to the restricted Pod Security defaults, for one template's pods.

    Every field defaults to the restricted value; setting one is the visible, reviewable opt-out.
    """

    run_as_user: NonNegative | None = None
    """UID the container runs as (default 65534, `nobody`); 0 needs `runAsNonRoot: false`."""
    run_as_group: NonNegative | None = None
    """GID the container runs as (default: the same number as `runAsUser`)."""
    run_as_non_root: bool = True
    """false lets the image's own user, root included, run the container."""
    allow_privilege_escalation: bool = False
    """true lets setuid programs gain privileges."""
    add_capabilities: list[Capability] = Field(default_factory=_empty_list)
    """Linux capabilities added back after `drop: [ALL]`, e.g. NET_BIND_SERVICE."""
    seccomp_profile: SeccompProfile = SeccompProfile.RUNTIME_DEFAULT
    """Unconfined turns off the runtime's system-call filter."""


class Template(_Spec):
    """A WorkflowTemplate this pipeline creates: one container, its inputs and retries."""

    name: TemplateName
    """WorkflowTemplate name (at most 63 characters)."""
    image: Annotated[str, StringConstraints(min_length=1)]
    """Container image."""
    command: list[str] | None = None
    """Container entrypoint."""
    args: list[str] | None = None
    """Container arguments; may use `{{workflow.parameters.NAME}}`."""
    parameters: list[Parameter] = Field(default_factory=_empty_list)
    """Declared inputs, with optional defaults."""
    env: list[EnvVar] = Field(default_factory=_empty_list)
    """Environment variables."""
    resources: Resources | None = None
    """Resource requests and limits."""
    node_selector: dict[str, str] = Field(default_factory=_empty_dict)
    """Node labels the pods must match."""
    tolerations: list[Toleration] = Field(default_factory=_empty_list)
    """Taints the pods tolerate."""
    image_pull_secrets: list[ObjectName] = Field(default_factory=_empty_list)
    """Secrets for pulling the image."""
    active_deadline_seconds: Annotated[int, Field(ge=1)] | None = None
    """Upper bound on the container's run time."""
    service_account_name: ObjectName | None = None
    """Account the pods run under (default `<name>-executor`)."""
    create_service_account: bool = True
    """Create the account (default true); false when it already exists."""
    automount_service_account_token: bool | None = None
    """false: no API token in the pods' own containers; needs executorServiceAccountName."""
    executor_service_account_name: ObjectName | None = None
    """Account whose token only Argo's containers get (Argo's `executor.serviceAccountName`)."""
    security: PodSecurity | None = None
    """Explicit exceptions to the restricted pod security defaults."""
    retry_strategy: RetryStrategy | None = None
    """Retries with backoff."""
    labels: Labels = Field(default_factory=_empty_dict)
    """Extra labels on the WorkflowTemplate."""

    @property
    def account_name(self) -> str:
        """The account the template's pods run under (default `<template>-executor`)."""
        return self.service_account_name or f"{self.name}-executor"


class Pipeline(_Spec):
    """A scheduled orchestration: a CronWorkflow whose stages spawn child Workflows."""

    name: PipelineName
    """CronWorkflow name: a DNS-1123 label of at most 52 characters."""
    namespace: Namespace = "argo"
    """Namespace of every object (default 'argo')."""
    schedule: Schedule | None = None
    """A cron schedule (robfig syntax: 5 fields or @descriptors)."""
    schedules: list[Schedule] | None = None
    """Several cron schedules (instead of schedule)."""
    timezone: TimeZone | None = None
    """IANA time zone; default is the controller's zone."""
    concurrency_policy: ConcurrencyPolicy = ConcurrencyPolicy.ALLOW
    """Allow, Forbid or Replace (default Allow)."""
    starting_deadline_seconds: NonNegative | None = None
    """How late a missed run may still start."""
    successful_jobs_history_limit: NonNegative = 3
    """Succeeded runs kept (default 3)."""
    failed_jobs_history_limit: NonNegative = 1
    """Failed runs kept (default 1)."""
    suspend: bool = False
    """Pause scheduling (default false)."""
    service_account_name: ObjectName | None = None
    """The orchestrator's account (default `<name>-orchestrator`)."""
    create_service_account: bool = True
    """Create the account (default true); false when it already exists."""
    automount_service_account_token: bool | None = None
    """false: no API token in the pods' own containers; needs executorServiceAccountName."""
    executor_service_account_name: ObjectName | None = None
    """Account whose token only Argo's containers get (Argo's `executor.serviceAccountName`)."""
    labels: Labels = Field(default_factory=_empty_dict)
    """Labels added to every object, run and child."""
    parameters: list[Parameter] = Field(default_factory=_empty_list)
    """The orchestrator's own parameters."""
    stages: Annotated[list[Stage], AfterValidator(_some_stages)] | None = None
    """Stages run in order; the children of one stage run in parallel."""
    templates: list[Template] = Field(default_factory=_empty_list)
    """WorkflowTemplates this pipeline creates."""
    argo_version: Annotated[ArgoVersion, BeforeValidator(version_text)] = ArgoVersion.V4
    """The Argo Workflows line to write manifests for: '4' (default) or '3.5'."""
    when: str | None = None
    """Start a scheduled run only when this is true: `{{= cronworkflow.failed < 3 }}` (v3.6+)."""
    stop_strategy: StopStrategy | None = None
    """Stop scheduling for good once its expression is true (Argo v3.6+)."""
    external_templates: list[ExternalTemplate] = Field(default_factory=_empty_list)
    """Templates deployed elsewhere, declared so children's arguments are checked."""
    tasks: Annotated[list[Task], Field(min_length=1)] | None = None
    """DAG mode instead of `stages`: children that start when the ones they depend on finish."""
    on_exit: Child | None = None
    """A child spawned when the orchestrator ends, whatever its outcome (Argo `onExit`)."""
    max_parallel: Annotated[int, Field(ge=1)] | None = None
    """Most children running at once (Argo `parallelism` on the entry template)."""
    child_timeout: Timeout | None = None
    """Default `timeout` for every child that sets none, e.g. `2h`."""

    @property
    def all_schedules(self) -> list[str]:
        """Every schedule, whichever spelling the spec used."""
        return [self.schedule] if self.schedule is not None else list(self.schedules or [])

    @property
    def account_name(self) -> str:
        """The orchestrator's service account (default `<name>-orchestrator`)."""
        return self.service_account_name or f"{self.name}-orchestrator"

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

    @model_validator(mode="after")
    def _whole_pipeline(self) -> "Pipeline":
        problems = pipeline_problems(self)
        if problems:
            raise PydanticCustomError(
                "pipeline",
                "the pipeline has {count} problem(s)",
                {"problems": problems, "count": len(problems)},
            )
        return self


def pipeline_problems(pipeline: Pipeline) -> list[Problem]:
    """Rules that need the whole pipeline; every problem keeps its own field path."""
    problems: list[Problem] = []
    if pipeline.schedule is None and not pipeline.schedules:
        problems.append(Problem("schedule", "set `schedule` or `schedules` (at least one)"))
    if pipeline.schedule is not None and pipeline.schedules is not None:
        problems.append(Problem("schedules", "set either `schedule` or `schedules`, not both"))

    declared = {parameter.name for parameter in pipeline.parameters}
    for i, parameter in enumerate(pipeline.parameters):
        if parameter.value is None:
            problems.append(Problem(f"parameters[{i}].value", "a pipeline parameter needs a value"))
    problems += _duplicates(
        [(f"parameters[{i}].name", p.name) for i, p in enumerate(pipeline.parameters)],
        "parameter",
    )
    problems += _duplicates(
        [(f"{path}.name", child.name) for path, child in pipeline.children], "step"
    )
    for path, child in pipeline.children:
        if (child.workflow_template is None) == (child.cluster_workflow_template is None):
            problems.append(
                Problem(path, "set exactly one of `workflowTemplate` or `clusterWorkflowTemplate`")
            )
        for key, value in child.arguments.items():
            problems += _undeclared(f"{path}.arguments.{key}", value, declared, "the pipeline")

    problems += _token_problems(pipeline, "")
    problems += _duplicates(
        [(f"templates[{i}].name", t.name) for i, t in enumerate(pipeline.templates)], "template"
    )
    for i, template in enumerate(pipeline.templates):
        problems += template_problems(template, f"templates[{i}].")
    problems += contracts.contract_problems(pipeline)
    if pipeline.when is not None:
        problems += run_control.when_problems(pipeline.when, "when")
    if pipeline.stop_strategy is not None:
        problems += run_control.stop_expression_problems(
            pipeline.stop_strategy.expression, "stopStrategy.expression"
        )
    problems += argo_version.target_problems(pipeline)
    problems += control_flow.control_flow_problems(pipeline)
    return problems


def template_problems(template: Template, prefix: str) -> list[Problem]:
    """Rules across a template's fields; `prefix` places them in the enclosing spec."""
    problems: list[Problem] = []
    inputs = {parameter.name for parameter in template.parameters}
    problems += _token_problems(template, prefix)
    security = template.security
    if security is not None and security.run_as_user == 0 and security.run_as_non_root:
        problems.append(
            Problem(
                f"{prefix}security.runAsUser",
                "0 is root, which `runAsNonRoot: true` forbids (the kubelet would refuse to "
                "start the container): set `security.runAsNonRoot: false` to run as root",
            )
        )
    problems += _duplicates(
        [(f"{prefix}parameters[{k}].name", p.name) for k, p in enumerate(template.parameters)],
        "parameter",
    )
    for field in ("command", "args"):
        for k, text in enumerate(getattr(template, field) or []):
            problems += _undeclared(f"{prefix}{field}[{k}]", text, inputs, "the template")
    for k, env in enumerate(template.env):
        if (env.value is None) == (env.value_from is None):
            problems.append(
                Problem(f"{prefix}env[{k}]", "set exactly one of `value` or `valueFrom`")
            )
        elif env.value is not None:
            problems += _undeclared(f"{prefix}env[{k}].value", env.value, inputs, "the template")
        source = env.value_from
        if source is not None and (source.secret_key_ref is None) == (
            source.config_map_key_ref is None
        ):
            problems.append(
                Problem(
                    f"{prefix}env[{k}].valueFrom",
                    "set exactly one of `secretKeyRef` or `configMapKeyRef`",
                )
            )
    return problems


def _token_problems(spec: Pipeline | Template, prefix: str) -> list[Problem]:
    """Argo refuses a pod without a token for its wait container (workflowpod.go)."""
    if spec.automount_service_account_token is False and spec.executor_service_account_name is None:
        return [
            Problem(
                f"{prefix}automountServiceAccountToken",
                "`automountServiceAccountToken: false` needs `executorServiceAccountName`: Argo's "
                "own containers (wait, or argoexec in a resource step) write workflowtaskresults "
                "with a service-account token, and Argo rejects the pod without one "
                "(executor.serviceAccountName must not be empty if automountServiceAccountToken "
                "is false)",
            )
        ]
    return []


def _duplicates(entries: list[tuple[str, str]], what: str) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for path, name in entries:
        if name in first:
            problems.append(
                Problem(path, f"duplicate {what} name {name!r} (first at {first[name]})")
            )
        else:
            first[name] = path
    return problems


def _undeclared(path: str, text: str, declared: set[str], owner: str) -> list[Problem]:
    return [
        Problem(
            path, f"references undeclared parameter {ref!r}: declare it in {owner}'s `parameters`"
        )
        for ref in re.findall(_WORKFLOW_PARAMETER_REF, text)
        if ref not in declared
    ]


_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def problems_from_errors(errors: list[Any]) -> list[Problem]:
    """Turn pydantic's error list into our problems, expanding whole-pipeline checks."""
    problems: list[Problem] = []
    for error in errors:
        ctx = error.get("ctx") or {}
        if error["type"] == "pipeline" and "problems" in ctx:
            problems.extend(ctx["problems"])
            continue
        message = _MESSAGES.get(error["type"], error["msg"])
        if error["type"] == "enum":
            message = _enum_message(error)
        problems.append(Problem(format_path(_clean_loc(error["loc"])), message))
    return problems


def _enum_message(error: Any) -> str:
    """Name the rejected value, and the right spelling when only the case is wrong."""
    given = error.get("input")
    expected = str((error.get("ctx") or {}).get("expected", ""))
    options = re.findall(r"'([^']*)'", expected)
    message = f"{given!r} is not allowed: use {expected}"
    if isinstance(given, str):
        same = [option for option in options if option.lower() == given.lower()]
        if same:
            message += f" (did you mean {same[0]!r}? case matters)"
    return message


def _clean_loc(loc: tuple[Any, ...]) -> list[str | int]:
    # pydantic adds validator names (e.g. `function-after[...]`, `str`) for Annotated/union members.
    return [
        part
        for part in loc
        if isinstance(part, int)
        or not (part.startswith(("function-", "constrained-")) or part in _TYPE_LOCS)
    ]


_TYPE_LOCS = {"str", "int", "float", "bool", "list", "dict", "none", "is-instance", "[key]"}


class SharedTemplate(Template):
    """A WorkflowTemplate deployed on its own, for several pipelines to instantiate."""

    namespace: Namespace = "argo"
    """Namespace of the template and its account (default 'argo')."""

    @model_validator(mode="after")
    def _whole_template(self) -> "SharedTemplate":
        problems = template_problems(self, "")
        if problems:
            raise PydanticCustomError(
                "pipeline",
                "the template has {count} problem(s)",
                {"problems": problems, "count": len(problems)},
            )
        return self
