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
    value: str | None = None
    description: str | None = None


class Child(_Spec):
    """One child Workflow spawned by the orchestrator from a (Cluster)WorkflowTemplate."""

    name: StepName
    workflow_template: TemplateName | None = None
    cluster_workflow_template: TemplateName | None = None
    arguments: dict[Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$")], str] = Field(
        default_factory=dict
    )

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
    factor: Annotated[int, Field(ge=1)] | None = None
    max_duration: Duration | None = None


class RetryStrategy(_Spec):
    """How Argo retries a failed child step (attempts = limit + 1)."""

    limit: NonNegative | None = None
    retry_policy: RetryPolicy | None = None
    backoff: Backoff | None = None


class KeySelector(_Spec):
    """A key of a Secret or ConfigMap in the template's namespace."""

    name: ObjectName
    key: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    optional: bool | None = None


class EnvVarSource(_Spec):
    """Where an environment variable's value comes from: exactly one of the two."""

    secret_key_ref: KeySelector | None = None
    config_map_key_ref: KeySelector | None = None


class EnvVar(_Spec):
    """An environment variable: a literal `value` or a `valueFrom` Secret/ConfigMap key."""

    name: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    value: str | None = None
    value_from: EnvVarSource | None = None


class Resources(_Spec):
    """Container resource requests and limits (Kubernetes quantities)."""

    requests: dict[str, Quantity] = Field(default_factory=dict)
    limits: dict[str, Quantity] = Field(default_factory=dict)


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
    operator: TolerationOperator | None = None
    value: str | None = None
    effect: TaintEffect | None = None
    toleration_seconds: int | None = None


class Template(_Spec):
    """A WorkflowTemplate this pipeline creates: one container, its inputs and retries."""

    name: TemplateName
    image: Annotated[str, StringConstraints(min_length=1)]
    command: list[str] | None = None
    args: list[str] | None = None
    parameters: list[Parameter] = Field(default_factory=list)
    env: list[EnvVar] = Field(default_factory=list)
    resources: Resources | None = None
    node_selector: dict[str, str] = Field(default_factory=dict)
    tolerations: list[Toleration] = Field(default_factory=list)
    image_pull_secrets: list[ObjectName] = Field(default_factory=list)
    active_deadline_seconds: Annotated[int, Field(ge=1)] | None = None
    service_account_name: ObjectName | None = None
    create_service_account: bool = True
    retry_strategy: RetryStrategy | None = None
    labels: Labels = Field(default_factory=dict)

    @property
    def account_name(self) -> str:
        """The account the template's pods run under (default `<template>-executor`)."""
        return self.service_account_name or f"{self.name}-executor"


class Pipeline(_Spec):
    """A scheduled orchestration: a CronWorkflow whose stages spawn child Workflows."""

    name: PipelineName
    namespace: Namespace = "argo"
    schedule: Schedule | None = None
    schedules: list[Schedule] | None = None
    timezone: TimeZone | None = None
    concurrency_policy: ConcurrencyPolicy = ConcurrencyPolicy.ALLOW
    starting_deadline_seconds: NonNegative | None = None
    successful_jobs_history_limit: NonNegative = 3
    failed_jobs_history_limit: NonNegative = 1
    suspend: bool = False
    service_account_name: ObjectName | None = None
    create_service_account: bool = True
    labels: Labels = Field(default_factory=dict)
    parameters: list[Parameter] = Field(default_factory=list)
    stages: Annotated[list[Annotated[list[Child], Field(min_length=1)]], Field(min_length=1)]
    templates: list[Template] = Field(default_factory=list)

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
