"""Pipeline specs for the conformance matrix and the fuzzer: valid by construction, or broken on
purpose with the field path each breakage must be reported at.

Valid specs are built from the same rules the model documents (names, crons, zones, parameter
references), so a spec from `valid_specs()` that fails validation is a bug in one or the other.
Hypothesis spends most of its time per draw, so options come from one bit mask and values from
precomputed tables: a spec takes a few dozen draws, not hundreds.
"""

from __future__ import annotations

import copy
import itertools
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import available_timezones

from hypothesis import strategies as st

from pulumi_argo_orchestration.spec import references
from pulumi_argo_orchestration.syntax.kubernetes_names import is_iana_timezone
from pulumi_argo_orchestration.syntax.template_text import argo_text_problem

Spec = dict[str, Any]

LOWER = string.ascii_lowercase + string.digits
ZONES = sorted(zone for zone in available_timezones() if is_iana_timezone(zone))
DESCRIPTORS = [
    "@hourly",
    "@daily",
    "@midnight",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "@every 1h30m",
    "@every 90s",
]
IMAGES = ["alpine:3.20", "python:3.12-slim", "ghcr.io/acme/sync@sha256:" + "a" * 64, "busybox"]
QUANTITIES = ["100m", "1", "0.5", "256Mi", "1Gi", "2e3", 2, 0.25, 1.5e3, "+1.5k"]
DURATIONS = ["10s", "2m", "1h30m", "30", "1.5h", "500ms"]
RETRY_POLICIES = ["Always", "OnFailure", "OnError", "OnTransientError"]
RETRY_EXPRESSIONS = [
    "asInt(lastRetry.exitCode) > 1",
    'lastRetry.status == "Error" or asInt(lastRetry.duration) < 60',
    "asInt(retries) < 2 && !(lastRetry.message contains 'OOM')",
]


def _cron_table(count: int) -> list[str]:
    """Five-field schedules within robfig's ranges: values, ranges, steps, lists, names."""
    rng = random.Random(4)
    bounds = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
    names = {3: ["jan", "jul", "dec"], 4: ["mon", "fri", "sun"]}

    def field(index: int) -> str:
        low, high = bounds[index]
        a, b = sorted(rng.randint(low, high) for _ in range(2))
        kind = rng.choice(["*", "value", "range", "step", "list", "range-step", "name"])
        if kind == "value":
            return str(a)
        if kind == "range":
            return f"{a}-{b}"
        if kind == "step":
            return f"*/{rng.randint(1, high - low + 1)}"
        if kind == "list":
            return f"{a},{b}"
        if kind == "range-step":
            return f"{a}-{b}/{rng.randint(1, 5)}"
        if kind == "name" and index in names:
            return rng.choice(names[index])
        return "*"

    return [" ".join(field(i) for i in range(5)) for _ in range(count)]


CRONS = ["0 2 * * *", "0 */4 * * *", "30 1 * * MON-FRI", *DESCRIPTORS, *_cron_table(200)]

FRAGMENTS = [
    *('"', "'", "\n", "\t", ": ", "- ", "#", "}}", "{{ x }}", "\\", "  ", "---", "&a", "*a"),
    *("null", "yes", "0x1F", "\u0085", "\u0080", "\u2028", "é", "😀", "{{workflow.name}}", ""),
]
# Any value may use the run's globals: what every pipeline's orchestrator resolves.
_RUN = references.Scope(
    "in the orchestrator",
    frozenset(references.RUN_GLOBALS),
    frozenset(),
    "the pipeline",
    orchestrator=True,
)


def carriable(value: str) -> bool:
    """A value Argo carries (template_text.py) whose tags all resolve (spec/references.py)."""
    return argo_text_problem(value) is None and not references.text_problems(
        "", value, _RUN, references.Place.VALUE
    )


# Values Argo can carry: every pair of fragments, and some random text.
VALUE_TABLE = [
    "".join(pair) for pair in itertools.product(FRAGMENTS, repeat=2) if carriable("".join(pair))
]
VALUES = st.one_of(
    st.sampled_from(VALUE_TABLE),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8).filter(carriable),
)
PARAMETER_NAMES = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=20)


def _dns(text: str, limit: int) -> str:
    text = text.strip("-.")[:limit].strip("-.")
    return text or "a"


def dns_labels(max_size: int = 63) -> st.SearchStrategy[str]:
    return st.text(LOWER + "-", min_size=1, max_size=max_size).map(lambda t: _dns(t, max_size))


def dns_subdomains(max_size: int = 63) -> st.SearchStrategy[str]:
    return st.text(LOWER + "-.", min_size=1, max_size=max_size).map(
        lambda t: _dns(".".join(part.strip("-") or "a" for part in t.split(".")), max_size)
    )


LABELS = [
    {"team": "platform"},
    {"example.com/owner": "data-eng", "tier": ""},
    {"a.b-c.d/x_y.z": "V-1.2_3"},
]


class _Flags:
    """One drawn integer, read bit by bit: cheap to draw and shrinks towards 'all off'."""

    def __init__(self, value: int) -> None:
        self.value = value
        self.position = 0

    def __call__(self) -> bool:
        bit = (self.value >> self.position) & 1
        self.position += 1
        return bool(bit)


def _flags(draw: st.DrawFn) -> _Flags:
    return _Flags(draw(st.integers(0, (1 << 64) - 1)))


def _token_settings(flag: _Flags, executor: str) -> Spec:
    """automountServiceAccountToken and executorServiceAccountName, in every valid pairing."""
    out: Spec = {}
    if flag():
        out["executorServiceAccountName"] = executor
        if flag():
            out["automountServiceAccountToken"] = flag()
    elif flag():
        out["automountServiceAccountToken"] = True
    return out


def _security(flag: _Flags, number: int) -> Spec:
    out: Spec = {}
    if flag():
        out["runAsNonRoot"] = False
        if flag():
            out["runAsUser"] = 0
    elif flag():
        out["runAsUser"] = number
    if flag():
        out["runAsGroup"] = number // 2
    if flag():
        out["allowPrivilegeEscalation"] = flag()
    if flag():
        out["addCapabilities"] = ["NET_BIND_SERVICE", "CHOWN"][: 1 + flag()]
    if flag():
        out["seccompProfile"] = "Unconfined" if flag() else "RuntimeDefault"
    return out


@st.composite
def templates(draw: st.DrawFn, name: str) -> Spec:
    flag = _flags(draw)
    number = draw(st.integers(1, 2**31 - 1))
    template: Spec = {"name": name, "image": IMAGES[number % len(IMAGES)]}
    parameters = draw(st.lists(PARAMETER_NAMES, unique=True, max_size=3))
    if parameters:
        template["parameters"] = [
            {"name": p, **({"value": draw(VALUES)} if flag() else {})} for p in parameters
        ]
    if flag():
        template["command"] = ["sh", "-c"]
        refs = " ".join(f"{{{{workflow.parameters.{p}}}}}" for p in parameters)
        template["args"] = [f"echo {refs}".strip()]
    if flag():
        template["env"] = [
            {"name": "LOG_LEVEL", "value": ["info", "", "a: b"][number % 3]},
            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
            {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "m"}}},
        ][: 1 + number % 3]
    if flag():
        template["resources"] = {
            "requests": {"cpu": QUANTITIES[number % len(QUANTITIES)]},
            "limits": {"memory": QUANTITIES[(number // 7) % len(QUANTITIES)]},
        }
    if flag():
        template["nodeSelector"] = {"kubernetes.io/os": "linux"}
    if flag():
        template["tolerations"] = [
            {"key": "dedicated", "operator": "Equal", "value": "etl", "effect": "NoSchedule"},
            {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30},
        ][: 1 + flag()]
    if flag():
        template["imagePullSecrets"] = ["registry-credentials"]
    if flag():
        template["activeDeadlineSeconds"] = 1 + number % 86400
    if flag():
        template["serviceAccountName"] = f"{name[:40].rstrip('-.')}-sa"
    if flag():
        template["createServiceAccount"] = flag()
    template.update(_token_settings(flag, f"{name[:40].rstrip('-.')}-runner"))
    if flag():
        template["security"] = _security(flag, number)
        if flag():
            template["security"]["fsGroup"] = number % 70000
            if "runAsUser" not in template["security"] and flag():
                template["security"]["runAsUser"] = "image"
    if flag():
        retry: Spec = {}
        if flag():
            retry["limit"] = number % 11
        if flag():
            retry["retryPolicy"] = RETRY_POLICIES[number % 4]
        if flag():
            retry["backoff"] = {
                "duration": DURATIONS[number % len(DURATIONS)],
                "factor": 1 + number % 4,
                "maxDuration": DURATIONS[(number // 5) % len(DURATIONS)],
            }
            if flag():
                retry["backoff"]["cap"] = DURATIONS[(number // 3) % len(DURATIONS)]
        if flag():
            retry["expression"] = RETRY_EXPRESSIONS[number % len(RETRY_EXPRESSIONS)]
        if flag():
            retry["affinity"] = {"nodeAntiAffinity": {}}
        template["retryStrategy"] = retry
    if flag():
        template["labels"] = LABELS[number % len(LABELS)]
    template.update(_job_fields(flag, number))
    return template


def _job_fields(flag: _Flags, number: int) -> Spec:
    """The fields of a real job's pod: script, volumes, sidecars, placement, further Argo fields."""
    out: Spec = {}
    if flag():
        out["command"] = [["python"], ["sh", "-e"], ["bash"]][number % 3]
        out["source"] = ["print('x')\n", "echo x", "set -e\necho {{workflow.name}}\n"][number % 3]
    if flag():
        out["volumes"] = VOLUMES[: 1 + number % len(VOLUMES)]
        out["volumeMounts"] = [
            {"name": v["name"], "mountPath": f"/mnt/{v['name']}", "readOnly": bool(i % 2)}
            for i, v in enumerate(out["volumes"])
        ]
    if flag():
        out["envFrom"] = [
            {"configMapRef": {"name": "settings"}},
            {"secretRef": {"name": "creds"}, "prefix": "C_"},
        ][: 1 + flag()]
    if flag():
        out["sidecars"] = [
            {
                "name": "proxy",
                "image": IMAGES[number % len(IMAGES)],
                "argo": {"ports": [{"containerPort": 8080}]},
            }
        ]
    if flag():
        out["initContainers"] = [{"name": "prepare", "image": "alpine:3.20", "command": ["true"]}]
    if flag():
        out["affinity"] = {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 1 + number % 100,
                        "preference": {
                            "matchExpressions": [
                                {"key": "pool", "operator": "In", "values": ["batch"]}
                            ]
                        },
                    }
                ]
            }
        }
    if flag():
        out["priorityClassName"] = "batch-low"
    if flag():
        out["podMetadata"] = {
            "labels": LABELS[number % len(LABELS)],
            "annotations": {"example.com/note": "a: b"},
        }
    if flag():
        out["workingDir"] = "/tmp"
        out["imagePullPolicy"] = ["Always", "IfNotPresent", "Never"][number % 3]
    if flag():
        out["outputs"] = {"parameters": [{"name": "result", "valueFrom": {"path": "/tmp/result"}}]}
    if flag():
        out["argo"] = {"timeout": "1h", "hostAliases": [{"ip": "10.1.2.3", "hostnames": ["db"]}]}
    return out


VOLUMES = [
    {"name": "scratch", "emptyDir": {}},
    {"name": "creds", "secret": {"secretName": "creds", "optional": True}},
    {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
    {"name": "settings", "configMap": {"name": "settings"}},
    {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
]


@st.composite
def valid_specs(draw: st.DrawFn) -> Spec:
    """A pipeline that must validate, render and conform."""
    flag = _flags(draw)
    number = draw(st.integers(0, 10**6))
    name = draw(st.one_of(dns_labels(52), st.just("p" * 52)))
    spec: Spec = {"name": name}
    if flag():
        spec["namespace"] = draw(dns_labels(63))
    if flag():
        spec["schedule"] = draw(st.sampled_from(CRONS))
    else:
        spec["schedules"] = draw(st.lists(st.sampled_from(CRONS), min_size=1, max_size=3))
    if flag():
        spec["timezone"] = draw(st.sampled_from(ZONES))
    if flag():
        spec["concurrencyPolicy"] = ["Allow", "Forbid", "Replace"][number % 3]
    if flag():
        spec["startingDeadlineSeconds"] = number
    if flag():
        spec["successfulJobsHistoryLimit"] = number % 11
        spec["failedJobsHistoryLimit"] = (number // 11) % 11
    if flag():
        spec["suspend"] = flag()
    if flag():
        spec["serviceAccountName"] = f"{name[:40].rstrip('-')}-sa"
    if flag():
        spec["createServiceAccount"] = flag()
    spec.update(_token_settings(flag, f"{name[:40].rstrip('-')}-runner"))
    if flag():
        spec["labels"] = LABELS[number % len(LABELS)]
    parameters = draw(st.lists(PARAMETER_NAMES, unique=True, max_size=3))
    if parameters:
        spec["parameters"] = [{"name": p, "value": draw(VALUES)} for p in parameters]

    template_names = draw(st.lists(dns_subdomains(63), unique=True, max_size=3))
    if template_names:
        spec["templates"] = [draw(templates(n)) for n in template_names]
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    steps = draw(st.lists(dns_labels(63), unique=True, min_size=sum(sizes), max_size=sum(sizes)))
    stages, position = [], 0
    for size in sizes:
        stage = []
        for step in steps[position : position + size]:
            child: Spec = {"name": step}
            choice = draw(st.integers(0, 7))
            if choice == 0 or not template_names:
                key = "clusterWorkflowTemplate" if choice % 2 == 0 else "workflowTemplate"
                child[key] = f"shared-{step}"[:63].rstrip("-")
            else:
                child["workflowTemplate"] = template_names[choice % len(template_names)]
            arguments = {}
            for index, key in enumerate(draw(st.lists(PARAMETER_NAMES, unique=True, max_size=3))):
                if parameters and (choice + index) % 3:
                    declared = parameters[(choice + index) % len(parameters)]
                    ref = f"{{{{workflow.parameters.{declared}}}}}"
                    arguments[key] = ref if index % 2 else f"at {ref}!"
                else:
                    arguments[key] = draw(VALUES)
            if arguments:
                child["arguments"] = arguments
            stage.append(child)
        stages.append(stage)
        position += size
    spec["stages"] = stages
    if flag():
        spec["alerts"] = draw(alerts())
    return honour_contracts(spec)


@st.composite
def alerts(draw: st.DrawFn) -> Any:
    """`alerts`: true, or a mapping with some of its thresholds, severities and labels."""
    if draw(st.booleans()):
        return True
    found: dict[str, Any] = {}
    optional = {
        "missedRuns": st.booleans(),
        "missedRunGrace": st.sampled_from(["0s", "90", "15m", "1h30m"]),
        "failuresInARow": st.integers(1, 10),
        "childOverdueGrace": st.sampled_from(["1m", "10m"]),
        "namespaceLabel": st.sampled_from(["namespace", "exported_namespace"]),
        "severity": st.fixed_dictionaries(
            {}, optional={"missedRun": st.just("info"), "failing": st.just("page")}
        ),
        "labels": st.sampled_from([{}, {"team": "data"}]),
        "ruleLabels": st.sampled_from([{}, {"release": "kube-prometheus-stack"}]),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            found[key] = draw(strategy)
    return found


def honour_contracts(spec: Spec) -> Spec:
    """Make children and the templates the spec defines agree, as argument contracts require.

    A child passes every parameter its template declares without a default, and the template
    declares (with an empty default) every argument a child passes.
    """
    defined = {t["name"]: t for t in spec.get("templates") or []}
    children = [child for stage in spec.get("stages") or [] for child in stage]
    for child in children:
        template = defined.get(child.get("workflowTemplate", ""))
        if template is None:
            continue
        arguments = child.setdefault("arguments", {})
        parameters = template.setdefault("parameters", [])
        declared = {p["name"] for p in parameters}
        for key in arguments:
            if key not in declared:
                parameters.append({"name": key, "value": ""})
                declared.add(key)
        for parameter in parameters:
            if "value" not in parameter:
                arguments.setdefault(parameter["name"], "given")
        if not arguments:
            del child["arguments"]
    for template in defined.values():
        if not template.get("parameters"):
            template.pop("parameters", None)
    return spec


# --- breaking a valid spec ----------------------------------------------------------------------


@dataclass(frozen=True)
class Breakage:
    """One change that makes a spec invalid, and the path the problem must be reported at.

    Field-level problems are always reported; whole-pipeline rules run only once every field is
    valid (pydantic skips the model validator otherwise), so `whole` ones are expected only when
    nothing else is broken. Breakages with the same `target` touch the same field: a spec gets
    at most one of them, so none undoes or moves another.
    """

    name: str
    target: str
    path: str
    apply: Callable[[Spec], None]
    whole: bool = False


def _set(key: str, value: Any) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        spec[key] = copy.deepcopy(value)

    return apply


def _first_child(spec: Spec) -> Spec:
    return spec["stages"][0][0]  # type: ignore[no-any-return]


def _template_field(key: str, value: Any) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        if not spec.setdefault("templates", []):
            spec["templates"].append({"name": "added", "image": "alpine"})
        spec["templates"][0][key] = copy.deepcopy(value)

    return apply


def _child_field(key: str, value: Any) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        _first_child(spec)[key] = copy.deepcopy(value)

    return apply


def _argument_named(name: str) -> Callable[[Spec], None]:
    """Adds an argument with a bad name, keeping the others: another breakage may own one."""

    def apply(spec: Spec) -> None:
        _first_child(spec).setdefault("arguments", {})[name] = "x"

    return apply


def _argument(value: str) -> Callable[[Spec], None]:
    def apply(spec: Spec) -> None:
        _first_child(spec).setdefault("arguments", {})["broken"] = value
        spec["parameters"] = [p for p in spec.get("parameters", []) if p["name"] != "nope-zz"]

    return apply


def _clear_schedules(spec: Spec) -> None:
    spec.pop("schedule", None)
    spec.pop("schedules", None)


def _both_schedules(spec: Spec) -> None:
    spec["schedule"] = "@daily"
    spec["schedules"] = ["@hourly"]


def _duplicate_step(spec: Spec) -> None:
    spec["stages"].insert(1, [{"name": _first_child(spec)["name"], "workflowTemplate": "t"}])


def _empty_stage(spec: Spec) -> None:
    spec["stages"].insert(1, [])


def _no_template_ref(spec: Spec) -> None:
    child = _first_child(spec)
    child.pop("workflowTemplate", None)
    child.pop("clusterWorkflowTemplate", None)


def _parameter_without_value(spec: Spec) -> None:
    spec.setdefault("parameters", []).insert(0, {"name": "zz-no-value"})


def _token_without_executor(spec: Spec) -> None:
    spec.pop("executorServiceAccountName", None)
    spec["automountServiceAccountToken"] = False


T = "templates[0]."
BREAKAGES = [
    Breakage("long-name", "name", "name", _set("name", "n" * 53)),
    Breakage("upper-name", "name", "name", _set("name", "Nightly")),
    Breakage("name-newline", "name", "name", _set("name", "nightly\n")),
    Breakage("name-type", "name", "name", _set("name", ["nightly"])),
    Breakage("namespace", "namespace", "namespace", _set("namespace", "Team_A")),
    Breakage("cron-fields", "schedule", "schedule", _set("schedule", "0 */4 * *")),
    Breakage("cron-seconds", "schedule", "schedule", _set("schedule", "0 0 2 * * *")),
    Breakage("cron-range", "schedule", "schedule", _set("schedule", "0 24 * * *")),
    Breakage("cron-type", "schedule", "schedules", _set("schedules", "0 2 * * *")),
    Breakage("timezone", "timezone", "timezone", _set("timezone", "Europe/Zurichh")),
    Breakage("timezone-offset", "timezone", "timezone", _set("timezone", "CET+1")),
    Breakage("policy", "policy", "concurrencyPolicy", _set("concurrencyPolicy", "replace")),
    Breakage(
        "deadline", "deadline", "startingDeadlineSeconds", _set("startingDeadlineSeconds", -1)
    ),
    Breakage(
        "history", "history", "failedJobsHistoryLimit", _set("failedJobsHistoryLimit", "many")
    ),
    Breakage("unknown-field", "entrypoint", "entrypoint", _set("entrypoint", "main")),
    Breakage(
        "reserved-label", "labels", "labels", _set("labels", {"app.kubernetes.io/part-of": "x"})
    ),
    Breakage("no-stages", "all-stages", "stages", _set("stages", [])),
    Breakage("stages-type", "all-stages", "stages", _set("stages", {"a": 1})),
    Breakage("empty-stage", "stages", "stages[1]", _empty_stage),
    Breakage("step-name", "child", "stages[0][0].name", _child_field("name", "Step_1")),
    Breakage("step-field", "child", "stages[0][0].template", _child_field("template", "x")),
    Breakage(
        "argument-name",
        "child",
        "stages[0][0].arguments['bad name']",
        _argument_named("bad name"),
    ),
    Breakage(
        "unclosed-tag", "argument", "stages[0][0].arguments.broken", _argument("{{workflow.name")
    ),
    Breakage("bell", "argument", "stages[0][0].arguments.broken", _argument("ding\a")),
    Breakage(
        "parameter-name",
        "parameters",
        "parameters[0].name",
        _set("parameters", [{"name": "a b", "value": "1"}]),
    ),
    Breakage("template-name", "t-name", T + "name", _template_field("name", "t" * 64)),
    Breakage("template-image", "t-image", T + "image", _template_field("image", "")),
    Breakage(
        "quantity",
        "t-resources",
        T + "resources.limits.cpu",
        _template_field("resources", {"limits": {"cpu": "lots"}}),
    ),
    Breakage(
        "retry-policy",
        "t-retry",
        T + "retryStrategy.retryPolicy",
        _template_field("retryStrategy", {"retryPolicy": "Never"}),
    ),
    Breakage(
        "backoff",
        "t-retry",
        T + "retryStrategy.backoff.duration",
        _template_field("retryStrategy", {"backoff": {"duration": "soon"}}),
    ),
    Breakage(
        "deadline-zero",
        "t-deadline",
        T + "activeDeadlineSeconds",
        _template_field("activeDeadlineSeconds", 0),
    ),
    Breakage(
        "capability",
        "t-security",
        T + "security.addCapabilities[0]",
        _template_field("security", {"addCapabilities": ["ALL"]}),
    ),
    Breakage(
        "privileged",
        "t-security",
        T + "security.privileged",
        _template_field("security", {"privileged": True}),
    ),
    Breakage(
        "further-field-typo",
        "t-argo",
        T + "argo.container.volumeMount",
        _template_field("argo", {"container": {"volumeMount": []}}),
    ),
    Breakage(
        "further-privileged",
        "t-argo",
        T + "argo.container.securityContext.privileged",
        _template_field("argo", {"container": {"securityContext": {"privileged": True}}}),
    ),
    Breakage(
        "further-owned",
        "t-argo",
        T + "argo.podSpecPatch",
        _template_field("argo", {"podSpecPatch": "{}"}),
    ),
    Breakage(
        "host-path",
        "t-volumes",
        T + "volumes[0].hostPath",
        _template_field("volumes", [{"name": "root", "hostPath": {"path": "/"}}]),
    ),
    Breakage(
        "affinity-typo",
        "t-affinity",
        T + "affinity.nodeAfinity",
        _template_field("affinity", {"nodeAfinity": {}}),
    ),
    Breakage(
        "retry-expression",
        "t-retry",
        T + "retryStrategy.expression",
        _template_field("retryStrategy", {"expression": "lastRetry.exitcode > 1"}),
    ),
    Breakage(
        "sidecar-name",
        "t-sidecars",
        T + "sidecars[0].name",
        _template_field("sidecars", [{"name": "wait", "image": "x"}]),
    ),
    Breakage(
        "pod-label",
        "t-pod-metadata",
        T + "podMetadata.labels['workflows.argoproj.io/completed']",
        _template_field("podMetadata", {"labels": {"workflows.argoproj.io/completed": "true"}}),
    ),
    Breakage("schedules-missing", "schedule", "schedule", _clear_schedules, whole=True),
    Breakage("schedules-both", "schedule", "schedules", _both_schedules, whole=True),
    Breakage("duplicate-step", "stages", "stages[1][0].name", _duplicate_step, whole=True),
    Breakage("no-template-ref", "child", "stages[0][0]", _no_template_ref, whole=True),
    Breakage(
        "undeclared",
        "argument",
        "stages[0][0].arguments.broken",
        _argument("{{workflow.parameters.nope-zz}}"),
        whole=True,
    ),
    Breakage("no-value", "parameters", "parameters[0].value", _parameter_without_value, whole=True),
    Breakage("token", "token", "automountServiceAccountToken", _token_without_executor, whole=True),
    Breakage(
        "script-without-command",
        "t-script",
        T + "command",
        lambda spec: (
            _template_field("source", "print(1)")(spec),
            spec["templates"][0].pop("command", None),
        ),
        whole=True,
    ),
    Breakage(
        "mount-undeclared",
        "t-mounts",
        T + "volumeMounts[0].name",
        _template_field("volumeMounts", [{"name": "nowhere", "mountPath": "/x"}]),
        whole=True,
    ),
    Breakage(
        "root-user",
        "t-security",
        T + "security.runAsUser",
        _template_field("security", {"runAsUser": 0}),
        whole=True,
    ),
]


@st.composite
def breakage_sets(draw: st.DrawFn) -> list[Breakage]:
    """One to three breakages, each on its own target; none edits a stage that another removed."""
    chosen = draw(
        st.lists(st.sampled_from(BREAKAGES), min_size=1, max_size=3, unique_by=lambda b: b.target)
    )
    if any(b.target == "all-stages" for b in chosen):
        chosen = [b for b in chosen if b.target not in ("stages", "child", "argument")]
    return chosen


def broken(spec: Spec, breakages: list[Breakage]) -> tuple[Spec, set[str]]:
    """The spec with the breakages applied, and the paths its problems must include."""
    result = copy.deepcopy(spec)
    for breakage in breakages:
        breakage.apply(result)
    field_level = {b.path for b in breakages if not b.whole}
    return result, field_level or {b.path for b in breakages}


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@st.composite
def garbled_specs(draw: st.DrawFn) -> Any:
    """Arbitrary data: a whole document, or a valid spec with one field's value replaced."""
    if draw(st.booleans()):
        return draw(JSON_LIKE)
    spec = draw(valid_specs())
    key = draw(st.sampled_from(sorted(spec)))
    spec[key] = draw(JSON_LIKE)
    return spec
