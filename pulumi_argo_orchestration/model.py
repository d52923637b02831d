"""The typed pipeline spec: Argo's camelCase in spec files, snake_case in Python.

Field-level rules (syntax, ranges, enums, cron, time zones) live on the fields; rules that need the
whole pipeline (unique names, parameter references) run in one `model_validator` and report every
problem with its own path, so a user fixes a spec in one pass.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from . import cron, names
from .errors import Problem, format_path

_DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^[0-9]+$")
_QUANTITY = re.compile(
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)
_WORKFLOW_PARAMETER_REF = re.compile(r"\{\{\s*workflow\.parameters\.([-a-zA-Z0-9_]+)\s*\}\}")


def _check(condition: bool, kind: str, message: str) -> None:
    if not condition:
        raise PydanticCustomError(kind, message)


def _dns_label(value: str) -> str:
    _check(names.is_dns_label(value), "dns_label", names.DNS_LABEL_RULE)
    return value


def _dns_subdomain(value: str) -> str:
    _check(names.is_dns_subdomain(value), "dns_subdomain", names.DNS_SUBDOMAIN_RULE)
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
        bool(_DURATION.match(value)),
        "duration",
        f"invalid duration {value!r}: use seconds ('30') or a Go duration ('10s', '2m', '1h30m')",
    )
    return value


def _quantity(value: str | int | float) -> str | int | float:
    _check(
        bool(_QUANTITY.match(str(value))),
        "quantity",
        f"invalid quantity {value!r}: use a Kubernetes quantity such as '500m', '1', '256Mi'",
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


PipelineName = Annotated[
    str, StringConstraints(max_length=names.CRON_WORKFLOW_NAME_MAX), AfterValidator(_dns_label)
]
Namespace = Annotated[str, StringConstraints(max_length=63), AfterValidator(_dns_label)]
StepName = Annotated[str, StringConstraints(max_length=63), AfterValidator(_dns_label)]
ObjectName = Annotated[str, StringConstraints(max_length=253), AfterValidator(_dns_subdomain)]
TemplateName = Annotated[
    str, StringConstraints(max_length=names.WORKFLOW_NAME_MAX), AfterValidator(_dns_subdomain)
]
ParameterName = Annotated[
    str,
    StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$"),
]
Schedule = Annotated[str, AfterValidator(_schedule)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
Duration = Annotated[str, AfterValidator(_duration)]
Quantity = Annotated[str | int | float, AfterValidator(_quantity)]
Labels = Annotated[dict[str, str], AfterValidator(_labels)]
NonNegative = Annotated[int, Field(ge=0)]


class _Spec(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        use_enum_values=False,
        # Field docs are attribute docstrings, shared with the TypedDicts in pipeline_args.py.
        use_attribute_docstrings=True,
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
    value: str | None = None
    """The value; for a template, the default used when a child passes none."""
    description: str | None = None
    """What the parameter is for."""


class Child(_Spec):
    """One child Workflow spawned by the orchestrator from a (Cluster)WorkflowTemplate."""

    name: StepName
    """Step name: a lowercase DNS-1123 label, unique in the pipeline."""
    workflow_template: TemplateName | None = None
    """The WorkflowTemplate to instantiate."""
    cluster_workflow_template: TemplateName | None = None
    """The ClusterWorkflowTemplate to instantiate (instead of workflow_template)."""
    arguments: dict[Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$")], str] = Field(
        default_factory=dict
    )
    """The child's parameters; values may use `{{workflow.parameters.NAME}}`."""

    @property
    def template_ref(self) -> str:
        """The referenced template's name, whichever kind it is."""
        return self.workflow_template or self.cluster_workflow_template or ""

    @property
    def cluster_scope(self) -> bool:
        """True when the child instantiates a ClusterWorkflowTemplate."""
        return self.cluster_workflow_template is not None


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

    requests: dict[str, Quantity] = Field(default_factory=dict)
    """Requested quantities, e.g. {'cpu': '100m'}."""
    limits: dict[str, Quantity] = Field(default_factory=dict)
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
    parameters: list[Parameter] = Field(default_factory=list)
    """Declared inputs, with optional defaults."""
    env: list[EnvVar] = Field(default_factory=list)
    """Environment variables."""
    resources: Resources | None = None
    """Resource requests and limits."""
    node_selector: dict[str, str] = Field(default_factory=dict)
    """Node labels the pods must match."""
    tolerations: list[Toleration] = Field(default_factory=list)
    """Taints the pods tolerate."""
    image_pull_secrets: list[ObjectName] = Field(default_factory=list)
    """Secrets for pulling the image."""
    active_deadline_seconds: Annotated[int, Field(ge=1)] | None = None
    """Upper bound on the container's run time."""
    service_account_name: ObjectName | None = None
    """Account the pods run under (default `<name>-executor`)."""
    create_service_account: bool = True
    """Create the account (default true); false when it already exists."""
    retry_strategy: RetryStrategy | None = None
    """Retries with backoff."""
    labels: Labels = Field(default_factory=dict)
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
    labels: Labels = Field(default_factory=dict)
    """Labels added to every object, run and child."""
    parameters: list[Parameter] = Field(default_factory=list)
    """The orchestrator's own parameters."""
    stages: Annotated[list[Annotated[list[Child], Field(min_length=1)]], Field(min_length=1)]
    """Stages run in order; the children of one stage run in parallel."""
    templates: list[Template] = Field(default_factory=list)
    """WorkflowTemplates this pipeline creates."""

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
        """Every child with its field path, in spec order."""
        return [
            (f"stages[{i}][{j}]", child)
            for i, stage in enumerate(self.stages)
            for j, child in enumerate(stage)
        ]

    @model_validator(mode="after")
    def _whole_pipeline(self) -> Pipeline:
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

    problems += _duplicates(
        [(f"templates[{i}].name", t.name) for i, t in enumerate(pipeline.templates)], "template"
    )
    for i, template in enumerate(pipeline.templates):
        problems += template_problems(template, f"templates[{i}].")
    return problems


def template_problems(template: Template, prefix: str) -> list[Problem]:
    """Rules across a template's fields; `prefix` places them in the enclosing spec."""
    problems: list[Problem] = []
    inputs = {parameter.name for parameter in template.parameters}
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
        for ref in _WORKFLOW_PARAMETER_REF.findall(text)
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
        problems.append(Problem(format_path(_clean_loc(error["loc"])), message))
    return problems


def _clean_loc(loc: tuple[Any, ...]) -> list[str | int]:
    # pydantic adds validator names (e.g. `function-after[...]`, `str`) for Annotated/union members.
    return [
        part
        for part in loc
        if isinstance(part, int)
        or not (part.startswith(("function-", "constrained-")) or part in _TYPE_LOCS)
    ]


_TYPE_LOCS = {"str", "int", "float", "bool", "list", "dict", "none", "is-instance"}


class SharedTemplate(Template):
    """A WorkflowTemplate deployed on its own, for several pipelines to instantiate."""

    namespace: Namespace = "argo"
    """Namespace of the template and its account (default 'argo')."""

    @model_validator(mode="after")
    def _whole_template(self) -> SharedTemplate:
        problems = template_problems(self, "")
        if problems:
            raise PydanticCustomError(
                "pipeline",
                "the template has {count} problem(s)",
                {"problems": problems, "count": len(problems)},
            )
        return self
