"""A CronWorkflow whose entry template spawns children, read back into a pipeline spec.

The mapping is the inverse of `argo/cron_workflow.py` and `argo/orchestrator.py`: schedule,
policy, history and run control from the CronWorkflow; the orchestrator's account, parameters,
stages (steps) or tasks (DAG), exit handler and parallelism from its `workflowSpec`; each child
from its spawning step (`child.py`). A CronWorkflow whose runs spawn no child (a container, a
`workflowTemplateRef` of its own) is refused: the spec describes orchestrators only, and wrapping
such a run in one would change what runs where. A reference to a WorkflowTemplate of the input
that is an orchestrator is `orchestratorTemplate: true`: its spec is read as the `workflowSpec`.
The annotations `argo-orchestration/calendar` and `argo-orchestration/window` give the spec's
`calendar` and `window` back, and with them the parts of `when` and of the parameters they
render (`argo.calendar_when.spec_when`, `names.WINDOW_PARAMETERS`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..argo import metrics
from ..argo import orchestrator as rendered_orchestrator
from ..argo.calendar_when import spec_when
from ..errors import shown
from ..spec import names
from ..spec.models import Calendar, Window
from ..syntax.go_duration import duration_text
from . import rendered
from .child import ChildDraft, Orchestrator, import_child, spawns
from .documents import SourceDocument
from .findings import Draft, Fields, Findings, Loc, Where, list_items, scalar_text, shown_as_yaml
from .prometheus_rule import alert_settings

# Argo's values when a CronWorkflow leaves these out (workflow/cron/operator.go:269 and :432-446
# at f016ad89; `suspend` is a plain bool); the renderer writes them explicitly, so their absence
# is a difference in the text, not in behaviour.
ARGO_DEFAULTS: dict[str, Any] = {
    "concurrencyPolicy": "Allow",
    "successfulJobsHistoryLimit": 3,
    "failedJobsHistoryLimit": 1,
    "suspend": False,
}


class PipelineDraft(Draft):
    """A pipeline spec in camelCase before validation, with the origin of each field."""

    __slots__ = ("account_given", "children", "findings", "own", "where")

    def __init__(self, where: Where, own: bool) -> None:
        super().__init__(where)
        self.where = where
        self.own = own
        self.findings = Findings()
        self.children: list[tuple[Loc, ChildDraft]] = []
        self.account_given = False
        """The input names the orchestrator's account (the default one, too)."""

    def add_child(self, loc: Loc, child: ChildDraft) -> dict[str, Any]:
        """Remember a child's origins under `loc`; its data is placed by the caller."""
        self.children.append((loc, child))
        for child_loc, where in child.origins.items():
            self.origins[loc + child_loc] = where
        return child.data

    @property
    def name(self) -> str:
        """The pipeline's name, or '' when the input has none."""
        return str(self.data.get("name") or "")

    @property
    def namespace(self) -> str:
        """The pipeline's namespace (the spec's default when the input sets none)."""
        return str(self.data.get("namespace") or "argo")


def import_cron_workflow(
    document: SourceDocument,
    derived: Sequence[SourceDocument],
    orchestrator: SourceDocument | None = None,
) -> PipelineDraft:
    """The pipeline of a CronWorkflow; `derived` are our RBAC and ConfigMaps found beside it.

    `orchestrator` is the WorkflowTemplate its `workflowSpec` references, when that template is
    in the input and spawns children (`orchestrator_reference`).
    """
    draft = PipelineDraft(document.where, document.ours)
    findings = draft.findings
    fields = Fields(document.body, document.where, findings)
    fields.drop("apiVersion")
    fields.drop("kind")
    metadata = fields.fields("metadata")
    spec = fields.fields("spec")
    fields.done()
    labels = _metadata(metadata, draft)
    _schedule(spec, draft)
    _cron_fields(spec, draft)
    labels = _run_labels(spec.fields("workflowMetadata"), labels, draft)
    if labels:
        draft.put(("labels",), labels, metadata.where.at("labels"))
    workflow_spec = spec.fields("workflowSpec")
    spec.done()
    if orchestrator is not None:
        workflow_spec = _referenced(workflow_spec, orchestrator, labels, draft)
    _orchestrator(workflow_spec, draft, labels)
    _sized_semaphores(draft, derived)
    _accounts(draft, derived, workflow_spec.where)
    if ("Namespace", draft.namespace) in {
        (d.kind, d.name) for d in derived if d.labels.get(names.PART_OF_LABEL) == draft.name
    }:
        draft.put(("createNamespace",), True, metadata.where.at("namespace"))
    _alerts(draft, derived)
    if (
        any(child.singular_locks for _, child in draft.children)
        and draft.data.get("argoVersion") != "3.5"
    ):
        draft.findings.change(
            draft.where,
            "the children's `semaphore`/`mutex` (Argo v3.5) are written as v3.6+'s "
            "`semaphores`/`mutexes`",
        )
    return draft


def orchestrator_reference(
    document: SourceDocument, candidates: Sequence[SourceDocument]
) -> SourceDocument | None:
    """The WorkflowTemplate among `candidates` that a CronWorkflow's `workflowSpec` is only a
    reference to, in its namespace, when that template spawns children: an orchestrator."""
    spec = document.body.get("spec")
    workflow_spec = spec.get("workflowSpec") if isinstance(spec, Mapping) else None
    if not isinstance(workflow_spec, Mapping) or set(workflow_spec) != {"workflowTemplateRef"}:
        return None
    ref = workflow_spec["workflowTemplateRef"]
    if not isinstance(ref, Mapping) or set(ref) != {"name"}:
        return None
    for candidate in candidates:
        template_spec = candidate.body.get("spec")
        templates = template_spec.get("templates") if isinstance(template_spec, Mapping) else None
        if (
            candidate.kind == "WorkflowTemplate"
            and candidate.name == ref["name"]
            and candidate.namespace == document.namespace
            and isinstance(templates, list)
            and any(spawns(template) for template in templates)
        ):
            return candidate
    return None


def _referenced(
    reference: Fields, template: SourceDocument, labels: Mapping[str, str], draft: PipelineDraft
) -> Fields:
    """`orchestratorTemplate`: the referenced template's spec, read as the `workflowSpec`."""
    reference.drop("workflowTemplateRef")
    reference.done()
    draft.put(("orchestratorTemplate",), True, reference.where.at("workflowTemplateRef"))
    if template.name != draft.name:
        draft.findings.change(
            template.where.at("metadata", "name"),
            f"the orchestrator's WorkflowTemplate is named after its pipeline: {shown(draft.name)}",
        )
    body = Fields(template.body.get("spec"), template.where.at("spec"), draft.findings)
    run_metadata = body.fields("workflowMetadata")
    run_labels = _own_labels(run_metadata.fields("labels"))
    run_metadata.done()
    if run_labels != dict(labels):
        draft.findings.change(
            run_metadata.where.at("labels"),
            "a run submitted from the template gets the pipeline's `labels`",
        )
    return body


def import_workflow(document: SourceDocument) -> PipelineDraft:
    """A Workflow, read as if it were a CronWorkflow's run, to list everything it would lose.

    It is always refused (a Workflow has no schedule), but the report shows whether its spec is
    an orchestrator the spec can carry once it is scheduled.
    """
    draft = PipelineDraft(document.where, document.ours)
    fields = Fields(document.body, document.where, draft.findings)
    fields.drop("apiVersion")
    fields.drop("kind")
    metadata = fields.fields("metadata")
    name = metadata.text("name") or metadata.text("generateName") or "run"
    draft.data["name"] = name.rstrip("-")
    metadata.drop("namespace")
    metadata.drop("labels")
    metadata.done()
    draft.findings.refuse(
        document.where.at("kind"),
        "a Workflow runs once and has no schedule: import reads CronWorkflows (put this spec "
        "under a CronWorkflow's `workflowSpec` to import it)",
    )
    workflow_spec = fields.fields("spec")
    fields.done()
    _orchestrator(workflow_spec, draft, {})
    return draft


def _metadata(metadata: Fields, draft: PipelineDraft) -> dict[str, str]:
    draft.put(("name",), metadata.text("name"), metadata.where.at("name"))
    _spec_annotations(metadata, draft)
    namespace = metadata.text("namespace")
    if namespace is None:
        draft.findings.change(
            metadata.where,
            "no namespace: the spec's default 'argo' is written (kubectl would have used the "
            "current context's namespace)",
        )
    else:
        draft.put(("namespace",), namespace, metadata.where.at("namespace"))
    labels = _own_labels(metadata.fields("labels"))
    if not draft.own:
        draft.findings.change(
            metadata.where.at("labels"),
            f"every object, run and child gets {names.PART_OF_LABEL}={draft.name or '<name>'} "
            f"and {names.MANAGED_BY_LABEL}={names.MANAGED_BY}",
        )
    metadata.done()
    return labels


def _spec_annotations(metadata: Fields, draft: PipelineDraft) -> None:
    """`calendar` and `window` from the annotations the package writes on its CronWorkflow."""
    annotations = metadata.peek("annotations")
    keys = (names.CALENDAR_ANNOTATION, names.WINDOW_ANNOTATION)
    if not isinstance(annotations, Mapping) or not any(key in annotations for key in keys):
        return
    fields = metadata.fields("annotations")
    for key, field, model in (
        (names.CALENDAR_ANNOTATION, "calendar", Calendar),
        (names.WINDOW_ANNOTATION, "window", Window),
    ):
        text = fields.text(key)
        if text is None:
            continue
        where = fields.where.at(key)
        try:
            value = model.model_validate_json(text)
        except ValueError:
            draft.findings.cannot_express(where, f"not the `{field}` of a spec: dropped")
            continue
        draft.put((field,), value.model_dump(by_alias=True, exclude_defaults=True), where)
    fields.done()


def _own_labels(labels: Fields) -> dict[str, str]:
    """The labels a spec would carry: everything but the ones the package sets itself."""
    found = {}
    for key in labels.remaining():
        value = labels.take(key)
        if key not in names.RESERVED_LABELS:
            found[key] = value
    return found


def _schedule(spec: Fields, draft: PipelineDraft) -> None:
    schedules = [
        (scalar_text(item, where, draft.findings), where) for where, item in spec.items("schedules")
    ]
    if len(schedules) == 1:
        draft.put(("schedule",), schedules[0][0], schedules[0][1])
    elif schedules:
        draft.put(("schedules",), [text for text, _ in schedules], spec.where.at("schedules"))
        for index, (_, where) in enumerate(schedules):
            draft.origins[("schedules", index)] = where
    where = spec.where.at("schedule")
    single = spec.text("schedule")
    if single is None:
        return
    if "schedule" in draft.data:  # `schedules: [x]` as well: the model reports both
        draft.put(("schedules",), [draft.data.pop("schedule")], spec.where.at("schedules"))
    draft.put(("schedule",), single, where)
    if draft.own:
        draft.put(("argoVersion",), "3.5", where)
    else:
        draft.findings.change(
            where,
            "Argo v3.5's spelling: written as v4's `schedules: [...]` (`argoVersion: \"3.5\"` "
            "keeps `schedule`)",
        )


def _cron_fields(spec: Fields, draft: PipelineDraft) -> None:
    for key in ("timezone", "startingDeadlineSeconds", "when"):
        value = spec.take(key)
        if key == "when" and isinstance(value, str) and "calendar" in draft.data:
            value = _own_when(value, draft)
        if value is not None:
            draft.put((key,), value, spec.where.at(key))
    absent = []
    for key, default in ARGO_DEFAULTS.items():
        value = spec.take(key)
        if value is None:
            absent.append(f"{key} {str(default).lower() if default is False else default}")
        else:
            draft.put((key,), value, spec.where.at(key))
    if absent:
        draft.findings.change(
            spec.where, f"Argo's defaults are written out: {', '.join(absent)} (the same behaviour)"
        )
    stop = spec.fields("stopStrategy")
    expression = stop.text("expression")
    if expression is not None:
        draft.put(("stopStrategy", "expression"), expression, stop.where.at("expression"))
    stop.done()


def _own_when(when: str, draft: PipelineDraft) -> str | None:
    """The spec's own `when`, the calendar's condition (which `calendar` renders) taken out."""
    schedule = draft.data.get("schedule")
    schedules = [schedule] if isinstance(schedule, str) else list(draft.data.get("schedules") or [])
    try:
        calendar = Calendar.model_validate(draft.data["calendar"])
    except ValueError:
        return when
    timezone = draft.data.get("timezone")
    return spec_when(when, calendar, timezone if isinstance(timezone, str) else None, schedules)


def _run_labels(metadata: Fields, labels: dict[str, str], draft: PipelineDraft) -> dict[str, str]:
    """`workflowMetadata.labels` and the CronWorkflow's labels are one `labels` in the spec."""
    run_labels = _own_labels(metadata.fields("labels"))
    merged = dict(labels)
    for key, value in run_labels.items():
        where = metadata.where.at("labels", key)
        if key in merged and merged[key] != value:
            draft.findings.cannot_express(
                where,
                f"{shown(value)} here, {shown(merged[key])} on the CronWorkflow: the spec has "
                "one `labels` for every object, run and child",
            )
            continue
        merged[key] = value
    if merged and (merged != labels or merged != run_labels) and not draft.own:
        draft.findings.change(
            metadata.where.at("labels"),
            "the CronWorkflow's and its runs' labels become one `labels`, set on every object, "
            "run and child",
        )
    metadata.done()
    return merged


def _orchestrator(workflow_spec: Fields, draft: PipelineDraft, labels: Mapping[str, str]) -> None:
    findings = draft.findings
    where = workflow_spec.where
    instantiates = "workflowTemplateRef" in workflow_spec
    if instantiates:
        ref = workflow_spec.peek("workflowTemplateRef")
        name = ref.get("name") if isinstance(ref, Mapping) else None
        findings.refuse(
            where.at("workflowTemplateRef"),
            f"each run instantiates the template {shown(name)} itself, which spawns no child "
            "Workflow: not an orchestrator (import that template's orchestration, if it has one)",
        )
        workflow_spec.drop("workflowTemplateRef")
    _account_fields(workflow_spec, draft)
    for key in ("podMetadata", "podGC"):
        value = workflow_spec.take(key)
        if value is not None:
            draft.put((key,), value, where.at(key))
    _parameters(workflow_spec.fields("arguments"), draft)
    _run_metrics(workflow_spec, draft)
    templates = _templates(workflow_spec, findings)
    entrypoint = workflow_spec.text("entrypoint")
    exit_handler = workflow_spec.text("onExit")
    workflow_spec.done()
    orchestrator = Orchestrator(draft.name, draft.namespace, labels, templates, findings)
    used = {entrypoint, exit_handler}
    if entrypoint is None or entrypoint not in templates:
        if not instantiates:
            findings.refuse(where.at("entrypoint"), f"no entry template {shown(entrypoint)}")
    else:
        used |= _entry(templates[entrypoint], entrypoint, orchestrator, draft)
    if exit_handler is not None:
        used |= _exit(exit_handler, where.at("onExit"), orchestrator, draft)
    for name, (template_where, _) in templates.items():
        if name not in used:
            findings.change(template_where, f"template {shown(name)}: no step runs it, left out")
    _timeouts(draft)
    if not draft.children and not findings.refusals:
        findings.refuse(
            where,
            "not an orchestrator: no step creates a Workflow from a WorkflowTemplate with a "
            "resource template, and the spec's runs only spawn such children",
        )


def _run_metrics(workflow_spec: Fields, draft: PipelineDraft) -> None:
    """The failed-runs gauge `alerts` renders means `alerts` (its thresholds are in the
    PrometheusRule, read by `prometheus_rule` when it is part of the input)."""
    if "metrics" not in workflow_spec:
        return
    where = workflow_spec.where.at("metrics")
    found = workflow_spec.take("metrics")
    if found == metrics.run_metrics_of(draft.name, draft.namespace):
        draft.put(("alerts",), {}, where)
    else:
        draft.findings.cannot_express(
            where,
            "custom metrics on the orchestrator: the spec renders only those its `alerts` read "
            "(dropped)",
        )


def _alerts(draft: PipelineDraft, derived: Sequence[SourceDocument]) -> None:
    """`alerts` from our PrometheusRule for this pipeline, when it is part of the input."""
    rule = next(
        (
            d
            for d in derived
            if d.kind == "PrometheusRule" and d.labels.get(names.PART_OF_LABEL) == draft.name
        ),
        None,
    )
    if rule is None:
        return
    timeouts = {
        str(child.data.get("name")): child.deadline[0]
        for _, child in draft.children
        if child.deadline is not None
    }
    settings = alert_settings(rule.body, draft.data, timeouts)
    draft.put(("alerts",), {**(draft.data.get("alerts") or {}), **settings}, rule.where)


def _account_fields(workflow_spec: Fields, draft: PipelineDraft) -> None:
    findings = draft.findings
    where = workflow_spec.where
    account = workflow_spec.text("serviceAccountName")
    draft.account_given = account is not None
    if account is not None and account != f"{draft.name}-orchestrator":
        draft.put(("serviceAccountName",), account, where.at("serviceAccountName"))
    automount = workflow_spec.take("automountServiceAccountToken")
    if automount is not None:
        draft.put(
            ("automountServiceAccountToken",), automount, where.at("automountServiceAccountToken")
        )
    executor = workflow_spec.fields("executor")
    executor_account = executor.text("serviceAccountName")
    if executor_account is not None:
        draft.put(
            ("executorServiceAccountName",),
            executor_account,
            executor.where.at("serviceAccountName"),
        )
    executor.done()
    context = workflow_spec.take("securityContext")
    if context != rendered.restricted_pod():
        was = f" instead of {shown_as_yaml(context)}" if context else ""
        findings.change(
            where.at("securityContext"),
            "the orchestrator's pods get the restricted defaults "
            f"{shown_as_yaml(rendered.restricted_pod())}{was}",
        )
    if account is None:
        findings.change(
            where.at("serviceAccountName"),
            f"no account (the namespace's `default`): the spec renders "
            f"'{draft.name}-orchestrator' with a Role for exactly what spawning children needs",
        )


def _accounts(draft: PipelineDraft, derived: Sequence[SourceDocument], where: Where) -> None:
    """`createServiceAccount`, read from our rendered RBAC when it is part of the input."""
    ours = [d for d in derived if d.labels.get(names.PART_OF_LABEL) == draft.name]
    account = draft.data.get("serviceAccountName") or f"{draft.name}-orchestrator"
    rbac = {(d.kind, d.namespace, d.name) for d in ours}
    if not any(kind in ("Role", "RoleBinding") for kind, _, _ in rbac):
        if draft.own or draft.account_given:
            draft.findings.change(
                where.at("serviceAccountName"),
                f"the spec renders ServiceAccount, Role and RoleBinding {shown(account)}: set "
                "`createServiceAccount: false` if the account exists already",
            )
        return
    if ("ServiceAccount", draft.namespace, account) not in rbac:
        draft.put(("createServiceAccount",), False, where.at("serviceAccountName"))
        return
    (created,) = [
        d
        for d in ours
        if (d.kind, d.namespace, d.name) == ("ServiceAccount", draft.namespace, account)
    ]
    annotations = created.metadata.get("annotations")
    if isinstance(annotations, Mapping) and annotations:
        draft.put(("serviceAccountAnnotations",), dict(annotations), where.at("serviceAccountName"))


def _parameters(arguments: Fields, draft: PipelineDraft) -> None:
    parameters: list[dict[str, Any]] = []
    for where, item in arguments.items("parameters"):
        name = item.get("name") if isinstance(item, Mapping) else None
        if "window" in draft.data and name in names.WINDOW_PARAMETERS:
            continue  # rendered from `window`
        index = len(parameters)
        parameter = Fields(item, where, draft.findings)
        value: dict[str, Any] = {"name": parameter.text("name")}
        draft.origins[("parameters", index)] = where
        for key in ("value", "description"):
            text = parameter.text(key)
            if text is not None:
                value[key] = text
                draft.origins[("parameters", index, key)] = where.at(key)
        parameter.done()
        parameters.append(value)
    if parameters:
        draft.data["parameters"] = parameters
    arguments.done()


def _templates(workflow_spec: Fields, findings: Findings) -> dict[str, tuple[Where, Any]]:
    templates: dict[str, tuple[Where, Any]] = {}
    for where, template in workflow_spec.items("templates"):
        name = template.get("name") if isinstance(template, Mapping) else None
        if not isinstance(name, str):
            findings.cannot_express(where, "a template without a name: no step can run it")
        elif name in templates:
            findings.cannot_express(where, f"a second template {shown(name)}: Argo refuses it")
        else:
            templates[name] = (where, template)
    return templates


def _entry(
    found: tuple[Where, Any], name: str, orchestrator: Orchestrator, draft: PipelineDraft
) -> set[str | None]:
    """The entry template's stages or tasks; returns the templates its steps run."""
    where, template = found
    findings = draft.findings
    fields = Fields(template, where, findings)
    fields.drop("name")
    if name != rendered_orchestrator.ENTRYPOINT:
        findings.change(
            where.at("name"),
            f"the entry template {shown(name)} is named {shown(rendered_orchestrator.ENTRYPOINT)}",
        )
    parallelism = fields.take("parallelism")
    if parallelism is not None:
        draft.put(("maxParallel",), parallelism, where.at("parallelism"))
    used: set[str | None] = set()
    if "steps" in fields:
        stages: list[list[dict[str, Any]]] = []
        for group_where, group in fields.items("steps"):
            stage: list[dict[str, Any]] = []
            for step_where, step in list_items(group, group_where, findings):
                used.add(_template_of(step))
                child = import_child(step_where, step, orchestrator, dag=False)
                if child is not None:
                    loc = ("stages", len(stages), len(stage))
                    stage.append(draft.add_child(loc, child))
            if stage:
                draft.origins[("stages", len(stages))] = group_where
                stages.append(stage)
        if stages:
            draft.put(("stages",), stages, where.at("steps"))
    elif "dag" in fields:
        dag = fields.fields("dag")
        tasks: list[dict[str, Any]] = []
        for task_where, task in dag.items("tasks"):
            used.add(_template_of(task))
            child = import_child(task_where, task, orchestrator, dag=True)
            if child is not None:
                tasks.append(draft.add_child(("tasks", len(tasks)), child))
        dag.done()
        if tasks:
            draft.put(("tasks",), tasks, where.at("dag", "tasks"))
    else:
        kind = next((k for k in ("container", "script", "resource", "suspend") if k in fields), "")
        findings.refuse(
            where.at(kind) if kind else where,
            f"the entry template {shown(name)} runs a {kind or 'template'} itself, with no steps "
            "or DAG spawning children: not an orchestrator",
        )
        fields.drop(kind)
        return used
    fields.done()
    return used


def _exit(
    name: str, where: Where, orchestrator: Orchestrator, draft: PipelineDraft
) -> set[str | None]:
    """`onExit`: a steps template with one spawning step, or a spawn template itself."""
    findings = draft.findings
    found = orchestrator.templates.get(name)
    if found is None:
        findings.cannot_express(where, f"no template {shown(name)}: dropped")
        return set()
    template_where, template = found
    if spawns(template):
        step = {"name": name.removeprefix("spawn-"), "template": name}
        findings.change(
            template_where,
            f"the exit handler is a steps template {shown(rendered_orchestrator.EXIT_HANDLER)} "
            "whose one step spawns the child",
        )
        child = import_child(where, step, orchestrator, dag=False)
        if child is not None:
            draft.put(("onExit",), draft.add_child(("onExit",), child), where)
        return {name}
    fields = Fields(template, template_where, findings)
    fields.drop("name")
    groups = fields.take("steps")
    fields.done()
    step_where = template_where.at("steps", 0, 0)
    if not (isinstance(groups, list) and len(groups) == 1 and isinstance(groups[0], list)):
        findings.cannot_express(
            template_where, "an exit handler other than one step spawning a child: dropped"
        )
        return {name}
    if len(groups[0]) != 1:
        findings.cannot_express(
            template_where, "an exit handler other than one step spawning a child: dropped"
        )
        return {name}
    step = groups[0][0]
    if name != rendered_orchestrator.EXIT_HANDLER:
        findings.change(
            template_where.at("name"),
            f"the exit handler {shown(name)} is named {shown(rendered_orchestrator.EXIT_HANDLER)}",
        )
    child = import_child(step_where, step, orchestrator, dag=False)
    if child is not None:
        draft.put(("onExit",), draft.add_child(("onExit",), child), step_where)
    return {name, _template_of(step)}


def _template_of(step: Any) -> str | None:
    template = step.get("template") if isinstance(step, Mapping) else None
    return template if isinstance(template, str) else None


def _timeouts(draft: PipelineDraft) -> None:
    """Deadlines as `timeout`s; shared by every child (two or more), as `childTimeout`."""
    deadlines = [child.deadline for _, child in draft.children]
    common = None
    if deadlines and all(deadlines):
        seconds, count = Counter(d[0] for d in deadlines if d).most_common(1)[0]
        if count >= 2:
            common = seconds
            first = next(d[1] for d in deadlines if d and d[0] == seconds)
            draft.put(("childTimeout",), duration_text(seconds), first)
    for loc, child in draft.children:
        if child.deadline is not None and child.deadline[0] != common:
            child.data["timeout"] = duration_text(child.deadline[0])
            timeout_loc = (*loc, "timeout")
            draft.origins[timeout_loc] = child.deadline[1]


def _sized_semaphores(draft: PipelineDraft, derived: Sequence[SourceDocument]) -> None:
    """Semaphore sizes from the ConfigMaps we rendered for this pipeline, on the first holder."""
    sizes: dict[tuple[str | None, str], tuple[Mapping[str, Any], Where]] = {}
    for document in derived:
        if document.kind == "ConfigMap" and document.labels.get(names.PART_OF_LABEL) == draft.name:
            data = document.body.get("data")
            if isinstance(data, Mapping):
                sizes[(document.namespace, document.name)] = (data, document.where)
    sized = set()
    for loc, child in draft.children:
        namespace = child.data.get("namespace") or draft.namespace
        locks = child.data.get("synchronization") or {}
        for index, semaphore in enumerate(locks.get("semaphores") or []):
            key = (namespace, semaphore["configMap"], semaphore["key"])
            found = sizes.get((namespace, semaphore["configMap"]))
            size = found[0].get(semaphore["key"]) if found else None
            if key in sized or not (isinstance(size, str) and size.isdigit()):
                continue
            sized.add(key)
            semaphore["limit"] = int(size)
            limit_loc = (*loc, "synchronization", "semaphores", index, "limit")
            draft.origins[limit_loc] = (
                found[1].at("data", semaphore["key"]) if found else draft.where
            )
