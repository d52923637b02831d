"""Field types of the spec: each carries its own syntax, range and length rule.

A rule that needs only the value lives here, as a validator on an `Annotated` type, so it runs
wherever the type is used and names the field's path in its error. Rules that need several fields
or the whole pipeline are in `rules.py`.
"""

# No `from __future__ import annotations`: pydantic would compile and evaluate every annotation
# string when it creates the classes, a cost each command pays at start-up.
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from ..errors import shown
from ..syntax import go_duration, govaluate, kubernetes_names, robfig_cron, template_text
from ..syntax.image_reference import image_reference_problem
from . import names
from .yaml_scalars import yaml_values

_DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^[0-9]+$"
_QUANTITY = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))"  # Kubernetes' quantity grammar
    r"(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)
_WORKFLOW_PARAMETER_REF = r"\{\{\s*workflow\.parameters\.([-a-zA-Z0-9_]+)\s*\}\}"
_GO_DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"
# Argo's own label and annotation keys: the controller reads them from its pods.
_ARGO_PREFIX = "workflows.argoproj.io/"
# Argo's container names (workflow/common/common.go: MainContainerName, InitContainerName,
# WaitContainerName, SupervisorContainerName, ArtifactPlugin*Prefix; validate.go refuses them).
_RESERVED_CONTAINERS = frozenset({"main", "init", "wait", "supervisor"})
_RESERVED_CONTAINER_PREFIXES = ("artifact-plugin-", "init-artifact-")
# Legacy pod-security annotations the baseline profile still checks
# (pod-security-admission policy/check_appArmorProfile.go, check_seccompProfile_baseline.go).
_APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
_SECCOMP_KEYS = ("seccomp.security.alpha.kubernetes.io/pod",)
_SECCOMP_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"


def check(condition: bool, kind: str, message: str) -> None:
    if not condition:
        raise PydanticCustomError(kind, message)


def check_nested(problems: list[tuple[tuple[str | int, ...], str]]) -> None:
    """Report several problems below one value, each at its own path (`loading` joins them)."""
    if problems:
        raise PydanticCustomError(
            "nested", "{count} problem(s)", {"count": len(problems), "problems": problems}
        )


def _name_message(value: str, rule: str, valid: bool) -> str:
    hint = f" (try {shown(value.lower())})" if valid else ""
    return f"{shown(value)} {rule}{hint}"


def _dns_label(value: str) -> str:
    lower_ok = kubernetes_names.is_dns_label(value.lower())
    check(
        kubernetes_names.is_dns_label(value),
        "dns_label",
        _name_message(value, kubernetes_names.DNS_LABEL_RULE, lower_ok),
    )
    return value


def _dns_subdomain(value: str) -> str:
    lower_ok = kubernetes_names.is_dns_subdomain(value.lower())
    check(
        kubernetes_names.is_dns_subdomain(value),
        "dns_subdomain",
        _name_message(value, kubernetes_names.DNS_SUBDOMAIN_RULE, lower_ok),
    )
    return value


def _schedule(value: str) -> str:
    problem = robfig_cron.schedule_problem(value)
    check(problem is None, "cron", f"invalid cron schedule {shown(value)}: {problem}")
    return value


def _image(value: str) -> str:
    problem = image_reference_problem(value)
    check(problem is None, "image", f"{shown(value)}: {problem}")
    return value


def _timezone(value: str) -> str:
    if not kubernetes_names.is_iana_timezone(value):
        hint = kubernetes_names.closest_timezone(value)
        check(
            False,
            "timezone",
            f"unknown time zone {shown(value)}: "
            + (
                "use an IANA name such as 'Europe/Zurich' or 'UTC'"
                if hint is None
                else f"a region of the database: name one of its zones, e.g. {shown(hint)}"
                if hint.startswith(value + "/")
                else f"did you mean {shown(hint)}?"
            ),
        )
    return value


# Kubernetes stores integer fields in Go's int32 or int64 (the CRDs' `format`, which the API
# server does not enforce): a larger value is stored, and then the controller cannot decode the
# object. Argo also turns durations and deadlines into a Go time.Duration, int64 nanoseconds
# (`time.ParseDuration`; operator.go, `getWorkflowDeadline`: `time.Duration(s) * time.Second`).
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
DURATION_MAX_SECONDS = INT64_MAX // 10**9  # about 292 years


def _go_int(bits: int, minimum: int) -> AfterValidator:
    largest = INT32_MAX if bits == 32 else INT64_MAX

    def fits(value: int) -> int:
        check(
            value <= largest,
            "int_range",
            f"{shown(value)} is larger than {largest}, the largest int{bits}, which is how "
            "Kubernetes stores this field: the object would be stored but the controller could "
            "not read it",
        )
        check(value >= minimum, "int_range", f"{shown(value)} is less than {minimum}")
        return value

    return AfterValidator(fits)


def _seconds_within_a_duration(value: str, what: str) -> None:
    seconds = go_duration.duration_seconds(value)
    check(
        seconds is None or seconds <= DURATION_MAX_SECONDS,
        what,
        f"{what} {shown(value)} is longer than {DURATION_MAX_SECONDS} seconds (about 292 years), "
        "the longest Go time.Duration Argo can hold",
    )


def _duration(value: str) -> str:
    check(
        bool(re.fullmatch(_DURATION, value)),
        "duration",
        f"invalid duration {shown(value)}: use seconds ('30') or a Go duration "
        "('10s', '2m', '1h30m')",
    )
    _seconds_within_a_duration(value, "duration")
    return value


def _timeout(value: str) -> str:
    seconds = go_duration.duration_seconds(value)
    check(
        seconds is not None and seconds >= 1,
        "timeout",
        f"invalid timeout {shown(value)}: use a positive Go duration ('30m', '1h30m') "
        "or seconds ('90')",
    )
    check(
        seconds is not None and seconds <= names.INTEGER_MAX,
        "timeout",
        f"invalid timeout {shown(value)}: Argo's activeDeadlineSeconds is {names.INTEGER_RANGE}",
    )
    _seconds_within_a_duration(value, "timeout")
    return value


def _window_length(value: str) -> str:
    seconds = go_duration.duration_seconds(value)
    exact = seconds is not None and go_duration.duration_seconds(value, exact=True) == seconds
    check(
        seconds is not None and 1 <= seconds <= go_duration.GO_DURATION_MAX_SECONDS and exact,
        "window_length",
        f"invalid window length {shown(value)}: use a Go duration of whole seconds, at least 1s "
        "('4h', '90m', '1h30m') or seconds ('3600')",
    )
    return value


def _date_text(value: Any) -> Any:
    # YAML reads an unquoted 2026-12-25 as a date: take it as the ISO text it was written as.
    return value.isoformat() if isinstance(value, date) else value


def _iso_date(value: str) -> str:
    valid = bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))
    if valid:
        try:
            date.fromisoformat(value)
        except ValueError:
            valid = False
    check(valid, "iso_date", f"invalid date {shown(value)}: use an ISO date such as '2026-12-25'")
    return value


def _when(value: str) -> str:
    problem = govaluate.when_problem(value)
    check(problem is None, "when", f"invalid `when` condition {shown(value)}: {problem}")
    return value


def _not_a_bool(value: Any) -> Any:
    check(not isinstance(value, bool), "quantity", f"invalid quantity {shown(value)}: not a number")
    check(
        not isinstance(value, int) or abs(value) <= names.INTEGER_MAX,
        "quantity",
        f"invalid quantity {shown(value)}: {names.INTEGER_RANGE}",
    )
    return value


def _quantity(value: str | int | float) -> str | int | float:
    check(
        bool(re.fullmatch(_QUANTITY, str(value))),
        "quantity",
        f"invalid quantity {shown(value)}: use a Kubernetes quantity such as '500m', '1', '256Mi'",
    )
    # Argo's CRDs type quantities as int-or-string: a number like 0.5 is refused at apply time.
    return str(value) if isinstance(value, float) else value


def _argo_text(value: str) -> str:
    problem = template_text.argo_text_problem(value)
    check(problem is None, "argo_text", problem or "")
    return value


def _capability(value: str) -> str:
    check(
        bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", value)),
        "capability",
        f"invalid capability {shown(value)}: use the capital name, e.g. 'NET_BIND_SERVICE'",
    )
    check(
        value != "ALL",
        "capability",
        "name the capabilities to add back: ALL would undo `drop: [ALL]`",
    )
    return value


def _labels(value: dict[str, str]) -> dict[str, str]:
    for key, label_value in value.items():
        problem = kubernetes_names.label_key_problem(key) or kubernetes_names.label_value_problem(
            label_value
        )
        check(problem is None, "label", f"label {shown(key)}: {problem}")
        check(
            key not in names.RESERVED_LABELS,
            "label",
            f"label {shown(key)} is set by pulumi-argo-orchestration itself and cannot be "
            "overridden",
        )
        # The same rule as the pods' labels: a run labelled `workflows.argoproj.io/completed`
        # is one the controller's informer no longer watches.
        check(
            not key.startswith(_ARGO_PREFIX),
            "label",
            f"label {shown(key)}: keys under {_ARGO_PREFIX} are Argo's own: its controller reads "
            "them",
        )
    return value


def _pod_labels(value: dict[str, str]) -> dict[str, str]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for key, label_value in value.items():
        problem = kubernetes_names.label_key_problem(key) or kubernetes_names.label_value_problem(
            label_value
        )
        if problem is None and key.startswith(_ARGO_PREFIX):
            problem = f"keys under {_ARGO_PREFIX} are Argo's own: its controller reads them"
        if problem is not None:
            problems.append(((key,), problem))
    check_nested(problems)
    return value


def _pod_annotations(value: dict[str, str]) -> dict[str, str]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for key, text in value.items():
        problem = kubernetes_names.label_key_problem(key)
        if problem is None and key.startswith(_ARGO_PREFIX):
            problem = f"keys under {_ARGO_PREFIX} are Argo's own: its controller reads them"
        elif (
            problem is None
            and key.startswith(_APPARMOR_PREFIX)
            and text not in ("", "runtime/default")
            and not text.startswith("localhost/")
        ):
            problem = (
                "the Pod Security Standard allows only 'runtime/default' or 'localhost/<profile>' "
                "AppArmor profiles"
            )
        elif (
            problem is None
            and (key in _SECCOMP_KEYS or key.startswith(_SECCOMP_PREFIX))
            and text not in ("", "runtime/default", "docker/default")
            and not text.startswith("localhost/")
        ):
            problem = (
                "the Pod Security Standard refuses this seccomp profile; the template's "
                "`security.seccompProfile` sets the profile"
            )
        if problem is not None:
            problems.append(((key,), problem))
    check_nested(problems)
    return value


def _container_name(value: str) -> str:
    _dns_label(value)
    check(
        value not in _RESERVED_CONTAINERS and not value.startswith(_RESERVED_CONTAINER_PREFIXES),
        "container_name",
        f"{shown(value)} is a container name Argo uses itself: main, init, wait, supervisor and "
        "names starting with 'artifact-plugin-' or 'init-artifact-' are reserved",
    )
    return value


def _run_as_user(value: Any) -> Any:
    """A UID (a whole number, also as text) or 'image', reported as one error, not a union's two."""
    if value == "image":
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 19:  # within 64 bits' digits
        value = int(value)
    check(
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= names.INTEGER_MAX,
        "run_as_user",
        f"{shown(value)} is not allowed: use a UID greater than or equal to 0, or 'image' to keep "
        "the image's own numeric USER",
    )
    return value


def _go_duration(value: str) -> str:
    check(
        bool(re.fullmatch(_GO_DURATION, value)),
        "duration",
        f"invalid duration {shown(value)}: use a Go duration with its unit ('30s', '5m', '1h30m')",
    )
    _seconds_within_a_duration(value, "duration")
    return value


def _absolute_path(value: str) -> str:
    check(
        value.startswith("/") and "\x00" not in value,
        "path",
        f"{shown(value)} must be an absolute path, e.g. '/tmp/result'",
    )
    return value


def _relative_path(value: str) -> str:
    check(
        bool(value)
        and not value.startswith("/")
        and ".." not in value.split("/")
        and "\x00" not in value,
        "path",
        f"{shown(value)} must be a relative path without '..' elements",
    )
    return value


def _retry_expression(value: str) -> str:
    from ..syntax import expr  # imported when used, like the run-control checks

    check_nested([((), message) for message in expr.retry_expression_problems(value)])
    return value


# Free-form Argo and Kubernetes data gets YAML's own values (yaml_scalars): its schema decides what
# is a number, a boolean or text, as when Kubernetes reads a manifest.
def _further_template_fields(value: dict[str, Any]) -> dict[str, Any]:
    from . import argo_fields  # imported when used: it reads Argo's schema

    value = yaml_values(value)
    check_nested(argo_fields.template_field_problems(value))
    return value


def _further_container_fields(value: dict[str, Any]) -> dict[str, Any]:
    from . import argo_fields

    value = yaml_values(value)
    check_nested(argo_fields.container_field_problems(value))
    return value


def schema_checked(definition: str) -> AfterValidator:
    """A mapping checked against one of Argo's schema definitions (wrong in every version)."""

    def conforming(value: dict[str, Any]) -> dict[str, Any]:
        from . import argo_fields

        value = yaml_values(value)
        check_nested(argo_fields.schema_problems(value, definition))
        return value

    return AfterValidator(conforming)


def _annotations(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        problem = kubernetes_names.label_key_problem(key)
        check(problem is None, "annotation", f"annotation {shown(key)}: {problem}")
    return value


def _prometheus_label(value: str) -> str:
    # Prometheus' legacy label-name rule, which Argo applies to custom metric labels
    # (workflow/metrics/util.go, IsValidMetricName / ValidateMetricLabels).
    check(
        bool(re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", value)) and not value.startswith("__"),
        "prometheus_label",
        f"invalid Prometheus label name {shown(value)}: use letters, digits and '_', not starting "
        "with a digit or '__'",
    )
    return value


def _own_alert_label(value: str) -> str:
    check(
        value not in names.RESERVED_ALERT_LABELS,
        "label",
        f"alert label {shown(value)} is set by the alert rules themselves and cannot be overridden",
    )
    return value


def _at_most(limit: int, why: str) -> AfterValidator:
    def within_limit(value: str) -> str:
        check(
            len(value) <= limit,
            "too_long",
            f"{len(value)} characters, at most {limit} allowed: {why}",
        )
        return value

    return AfterValidator(within_limit)


def _parameter_name(value: str) -> str:
    # workflow/validate/validate.go, isValidParamOrArtifactName: ^[-a-zA-Z0-9_]+$
    check(
        bool(re.fullmatch(r"[-a-zA-Z0-9_]+", value)),
        "parameter_name",
        f"invalid parameter name {shown(value)}: use letters, digits, '-' and '_' (Argo's rule)",
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
ExecutorAccountName = Annotated[
    str,
    _at_most(
        names.EXECUTOR_ACCOUNT_NAME_MAX,
        f"Argo reads the account's token from the Secret `<name>{names.TOKEN_SECRET_SUFFIX}`, "
        f"whose name must fit in {names.OBJECT_NAME_MAX} characters",
    ),
    AfterValidator(_dns_subdomain),
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
# Annotation keys follow the label key grammar (IsQualifiedName); values are free text.
Annotations = Annotated[dict[str, str], AfterValidator(_annotations)]
# Integers by the Go type Argo or Kubernetes reads them into (an IntOrString's number is int32).
Int32 = Annotated[int, Field(ge=0), _go_int(32, 0)]
PositiveInt32 = Annotated[int, Field(ge=1), _go_int(32, 1)]
Int64 = Annotated[int, Field(ge=0), _go_int(64, 0)]
PositiveInt64 = Annotated[int, Field(ge=1), _go_int(64, 1)]
SignedInt64 = Annotated[int, _go_int(64, -INT64_MAX - 1)]
Timeout = Annotated[str, AfterValidator(_timeout)]
WindowLength = Annotated[str, AfterValidator(_window_length)]
IsoDate = Annotated[str, BeforeValidator(_date_text), AfterValidator(_iso_date)]
When = Annotated[str, AfterValidator(_when)]
# No braces: Argo substitutes `{{...}}` in a child manifest as text, before parsing it.
LockName = Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z0-9]+$", max_length=253)]
# Values Argo substitutes into templates: see argo_text.py for what it cannot carry.
ArgoText = Annotated[str, AfterValidator(_argo_text)]
Capability = Annotated[str, AfterValidator(_capability)]
PodLabels = Annotated[dict[str, str], AfterValidator(_pod_labels)]
Image = Annotated[str, StringConstraints(min_length=1), AfterValidator(_image)]
PodAnnotations = Annotated[dict[str, str], AfterValidator(_pod_annotations)]
ContainerName = Annotated[
    str, _at_most(63, "a container name is a DNS-1123 label"), AfterValidator(_container_name)
]
VolumeName = Annotated[
    str, _at_most(63, "a volume name is a DNS-1123 label"), AfterValidator(_dns_label)
]
GoDuration = Annotated[str, AfterValidator(_go_duration)]
RunAsUser = Annotated[int | Literal["image"], BeforeValidator(_run_as_user)]
AbsolutePath = Annotated[str, AfterValidator(_absolute_path)]
RelativePath = Annotated[str, AfterValidator(_relative_path)]
RetryExpression = Annotated[str, AfterValidator(_retry_expression)]
FileMode = Annotated[int, Field(ge=0, le=0o777)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
FurtherTemplateFields = Annotated[dict[str, Any], AfterValidator(_further_template_fields)]
FurtherContainerFields = Annotated[dict[str, Any], AfterValidator(_further_container_fields)]
PrometheusLabel = Annotated[str, AfterValidator(_prometheus_label)]
AlertLabels = dict[Annotated[PrometheusLabel, AfterValidator(_own_alert_label)], str]
AlertSeverity = Annotated[str, StringConstraints(min_length=1, max_length=63)]


# Validators whose accepted values never hold a `{{`: spec/references.py skips fields of these types
# when it looks for template tags (a large spec is mostly names).
NO_TEMPLATE_TEXT = frozenset(
    {
        _dns_label,
        _dns_subdomain,
        _parameter_name,
        _schedule,
        _timezone,
        _duration,
        _timeout,
        _quantity,
        _labels,
        _capability,
    }
)


def empty_list() -> list[Any]:
    # Default factories are Python functions, not `list` and `dict`: pydantic reads a factory's
    # signature when it builds the schema, and for a builtin that means tokenizing its text
    # signature, which was about a third of the first validation of a spec.
    return []


def empty_dict() -> dict[Any, Any]:
    return {}
