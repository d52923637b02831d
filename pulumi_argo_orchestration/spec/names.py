"""The names and labels the package derives from a pipeline, and the limits they must fit.

Argo names a cron run `<CronWorkflow>-<unix seconds>` and Kubernetes appends 5 characters to a
`generateName`, so the spec's names are limited by what is derived from them; the labels below
are set by the package on every object, run and child, and a spec cannot override them.
"""

from __future__ import annotations

from datetime import datetime, timezone

CRON_WORKFLOW_NAME_MAX = 52  # spawned runs are `<name>-<unix seconds>`, within Workflow's 63
WORKFLOW_NAME_MAX = 63  # Argo's controller limit for Workflow and WorkflowTemplate names
GENERATED_SUFFIX = 5  # characters Kubernetes appends to a generateName prefix

MANAGED_BY = "pulumi-argo-orchestration"
PART_OF_LABEL = "app.kubernetes.io/part-of"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
PARENT_LABEL = "argo-orchestration/parent"
STEP_LABEL = "argo-orchestration/step"
# On children in another namespace than their parent: the parent's name alone is ambiguous there.
PARENT_NAMESPACE_LABEL = "argo-orchestration/parent-namespace"
RESERVED_LABELS = frozenset(
    {PART_OF_LABEL, MANAGED_BY_LABEL, PARENT_LABEL, STEP_LABEL, PARENT_NAMESPACE_LABEL}
)
OBJECT_NAME_MAX = 253
INTEGER_MAX = 2**63 - 1
INTEGER_RANGE = "out of range: Kubernetes and Argo hold integers in 64 bits (at most 2**63 - 1)"
INPUT_MAX_BYTES = 8 * 2**20
"""The most a spec or project file may hold, aliases expanded: far more than any pipeline needs
(Kubernetes stores an object in at most 1.5 MiB), little enough to read and validate quickly."""
# Argo finds an executor account's token in the Secret `<account>.service-account-token`
# (util/secrets, TokenNameForServiceAccount), so that account's name has less room.
TOKEN_SECRET_SUFFIX = ".service-account-token"
EXECUTOR_ACCOUNT_NAME_MAX = OBJECT_NAME_MAX - len(TOKEN_SECRET_SUFFIX)


def token_secret_name(account: str) -> str:
    """The Secret holding an executor account's long-lived token, where Argo looks first."""
    return f"{account}{TOKEN_SECRET_SUFFIX}"


# Rendering is deterministic: the gaps between a schedule's runs, which size the missed-run
# alert, are measured over the years after this moment, not after today.
SCHEDULE_GAP_REFERENCE = datetime(2026, 1, 1, tzinfo=timezone.utc)

# Labels of the metrics and alerts `alerts:` adds (Prometheus label names, not Kubernetes ones).
# Not `namespace`: scraped through a ServiceMonitor, Argo's own `namespace` label would collide
# with the target's and be renamed `exported_namespace`.
METRIC_PIPELINE_LABEL = "pipeline"
METRIC_NAMESPACE_LABEL = "pipeline_namespace"
METRIC_STEP_LABEL = "step"
ALERT_SEVERITY_LABEL = "severity"
ALERT_REASON_LABEL = "reason"
# Labels an alert gets from its rule or from the Argo metrics it reads (`name`,
# `concurrency_policy`, the namespace label): `alerts.labels` cannot replace them.
RESERVED_ALERT_LABELS = frozenset(
    {
        "alertname",
        ALERT_SEVERITY_LABEL,
        ALERT_REASON_LABEL,
        METRIC_PIPELINE_LABEL,
        METRIC_NAMESPACE_LABEL,
        METRIC_STEP_LABEL,
        "name",
        "namespace",
        "exported_namespace",
        "concurrency_policy",
    }
)

# Orchestrator parameters `window:` adds (checked as declared wherever references are checked).
WINDOW_START = "window-start"
WINDOW_END = "window-end"
WINDOW_PARAMETERS = (WINDOW_START, WINDOW_END)

# Argo reads a run's `{{workflow.scheduledTime}}` from this annotation of the Workflow
# (workflow/common/common.go, AnnotationKeyCronWfScheduledTime).
SCHEDULED_TIME_ANNOTATION = "workflows.argoproj.io/scheduled-time"
# On the CronWorkflow: the spec's `calendar` and `window`, as JSON, so `schedule`, `graph` and
# `backfill` read them from the manifests of a spec file and of a program alike.
CALENDAR_ANNOTATION = "argo-orchestration/calendar"
WINDOW_ANNOTATION = "argo-orchestration/window"
# A backfill's semaphore: at most N of a pipeline's backfilled runs at once.
BACKFILL_LOCK_KEY = "backfill"


def _short_hash(text: str) -> str:
    # Imported here: only over-long names need it, and OpenSSL's loading shows in CLI start-up.
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:6]


def child_generate_name(pipeline: str, step: str) -> str:
    """`<pipeline>-<step>-`, shortened so the generated Workflow name stays within 63 characters.

    `{{workflow.name}}` cannot be the prefix: a cron run's name is already up to 63 characters.
    A shortened prefix keeps a hash of the full one, so two long step names stay distinguishable.
    """
    prefix = f"{pipeline}-{step}"
    limit = WORKFLOW_NAME_MAX - GENERATED_SUFFIX - 1
    if len(prefix) > limit:
        digest = _short_hash(prefix)
        prefix = f"{prefix[: limit - 7].rstrip('-')}-{digest}"
    return f"{prefix}-"


# `<pipeline>-bf` and 10 digits (Unix seconds until the year 2286) within 63 characters.
BACKFILL_DECIMAL_PIPELINE_MAX = WORKFLOW_NAME_MAX - 3 - 10


def backfill_run_name(pipeline: str, slot_unix: int) -> str:
    """`<pipeline>-bf<unix seconds>`: the same name for the same slot, so a repeated backfill
    creates nothing twice (Kubernetes refuses an existing name).

    It never ends in `-<digits>` as a cron run `<CronWorkflow>-<unix seconds>` does, and its last
    part is longer than the 5 characters of a generated name, so it meets neither. A pipeline
    name longer than 50 characters leaves no room for 10 digits in 63: the slot is then written
    in base 36 (`tcmw00`), for every slot of that pipeline.
    """
    if slot_unix < 0:
        raise ValueError("backfilled runs start at 1970-01-01 or later")
    digits = str(slot_unix)
    if len(pipeline) > BACKFILL_DECIMAL_PIPELINE_MAX or len(digits) > 10:
        digits = _base36(slot_unix)
    return f"{pipeline}-bf{digits}"


def _base36(number: int) -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = alphabet[digit] + text
        if number == 0:
            return text


def backfill_config_map(pipeline: str) -> str:
    """The ConfigMap whose `backfill` key sizes the semaphore of a pipeline's backfills."""
    return f"{pipeline}-backfill"


def common_labels(pipeline_name: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Labels on every object and run of a pipeline, so one selector finds all of them."""
    return {PART_OF_LABEL: pipeline_name, MANAGED_BY_LABEL: MANAGED_BY, **(extra or {})}


def child_selector(pipeline_name: str) -> str:
    """The label selector that lists every run and every child of a pipeline."""
    return f"{PART_OF_LABEL}={pipeline_name}"


def list_workflows_command(pipeline_name: str, namespace: str, cross_namespace: bool) -> str:
    """The kubectl command that lists every run and child of a pipeline.

    Runs and children in the pipeline's namespace carry the pipeline's label; children in other
    namespaces also carry the parent's namespace, which tells them from another pipeline's.
    """
    selector = child_selector(pipeline_name)
    command = f"kubectl get workflows -n {namespace} -l {selector}"
    if cross_namespace:
        command += (
            f"; kubectl get workflows --all-namespaces -l "
            f"{selector},{PARENT_NAMESPACE_LABEL}={namespace}"
        )
    return command


def spawner_role_name(pipeline_namespace: str, account: str) -> str:
    """`<pipeline namespace>.<orchestrator account>`: the Role that lets it spawn children here.

    A namespace holds no '.', so two pipelines' Roles in one child namespace never share a name.
    """
    name = f"{pipeline_namespace}.{account}"
    if len(name) > OBJECT_NAME_MAX:
        digest = _short_hash(name)
        name = f"{name[: OBJECT_NAME_MAX - 7].rstrip('-.')}-{digest}"
    return name
