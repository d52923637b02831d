"""From input documents to validated specs, with an outcome for every document.

CronWorkflows become pipelines. A WorkflowTemplate one pipeline's children use becomes that
pipeline's `templates:` entry; one that several pipelines use, or none, becomes a shared template
(`SharedWorkflowTemplate` in a program); one the spec cannot express, or a
ClusterWorkflowTemplate, is declared under `externalTemplates` of each pipeline that uses it.
What this package rendered itself (Namespaces, ServiceAccounts, Roles, RoleBindings, token
Secrets, semaphore ConfigMaps) is derived from the specs again: it is read only for
`createNamespace`, `createServiceAccount`, the accounts' annotations and semaphore limits.

Every result is validated by the model, as a spec file would be; a problem it finds is reported
at the place in the input the field came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import SpecError, format_path, shown
from ..spec import names
from ..spec.loading import load_pipeline, load_shared_template
from ..spec.pipeline import Pipeline, SharedTemplate
from .cron_workflow import (
    PipelineDraft,
    import_cron_workflow,
    import_workflow,
    orchestrator_reference,
)
from .documents import Input, SourceDocument
from .findings import Finding, Findings, Loc, Where, shown_as_yaml
from .workflow_template import TemplateDraft, import_template

IMPORTED = "imported"
PARTIAL = "partial"
REFUSED = "refused"
DECLARED = "declared"

_TEMPLATE_KINDS = ("WorkflowTemplate", "ClusterWorkflowTemplate")
_DERIVED_KINDS = (
    "Namespace",
    "ServiceAccount",
    "Secret",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "PrometheusRule",
)
_RBAC_KINDS = ("ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")
_LAST_SEGMENT = r"(\.[^.\[]+|\[\d+\]|\['(?:[^'\\]|\\.)*'\]|\[\"(?:[^\"\\]|\\.)*\"\])$"


class ImportedDocument(NamedTuple):
    """One input document: what it became, and everything the import found in it."""

    where: Where
    kind: str
    name: str
    outcome: str
    """imported (nothing lost), partial (fields dropped), declared (an externalTemplates entry:
    the spec cannot create it), refused (nothing made from it)."""
    result: str
    findings: Findings


class PipelineSpec(NamedTuple):
    """A pipeline made from the CronWorkflow at `where`."""

    where: Where
    spec: Pipeline


class TemplateSpec(NamedTuple):
    """A shared template made from the WorkflowTemplate at `where`."""

    where: Where
    spec: SharedTemplate


class ImportResult(NamedTuple):
    """The specs made from the input, and an account of every document."""

    pipelines: list[PipelineSpec]
    templates: list[TemplateSpec]
    documents: list[ImportedDocument]
    unreadable: list[Finding]
    derived: int
    """Documents this package renders from the specs again (RBAC, semaphore ConfigMaps)."""

    @property
    def complete(self) -> bool:
        """True when nothing in the input was dropped, refused or left to exist elsewhere."""
        return not self.unreadable and all(d.outcome == IMPORTED for d in self.documents)

    @property
    def produced(self) -> bool:
        """True when at least one spec was made."""
        return bool(self.pipelines or self.templates)


def import_input(source: Input) -> ImportResult:
    """Import every document of `source`."""
    derived = [d for d in source.documents if d.kind in _DERIVED_KINDS and d.ours]
    documents: list[ImportedDocument] = []
    pipelines: list[PipelineDraft] = []
    templates: list[TemplateDraft] = []
    # WorkflowTemplates that are a CronWorkflow's orchestrator (`orchestratorTemplate`).
    orchestrators = {
        _key(document.where): orchestrator_reference(document, source.documents)
        for document in source.documents
        if document.kind == "CronWorkflow"
    }
    consumed = {_key(o.where): o for o in orchestrators.values() if o is not None}
    for document in source.documents:
        kind = document.kind
        if kind == "CronWorkflow":
            orchestrator = orchestrators[_key(document.where)]
            pipelines.append(import_cron_workflow(document, derived, orchestrator))
        elif _key(document.where) in consumed:
            continue  # read with the CronWorkflow that references it
        elif kind in _TEMPLATE_KINDS:
            templates.append(_checked_template(import_template(document)))
        elif kind == "Workflow":
            draft = import_workflow(document)
            documents.append(_document(document, draft.findings, "nothing"))
        elif document in derived:
            continue
        else:
            documents.append(_unread(document))
    _duplicates(templates)
    uses = _uses(pipelines, templates)
    shared = _place_templates(pipelines, templates, uses, derived)
    _separate_accounts(pipelines)
    for draft in pipelines:
        _declare_read_outputs(draft)
    valid = [_validated(draft) for draft in pipelines]
    results: dict[tuple[str, int, Loc], ImportedDocument] = {}
    for draft, pipeline in zip(pipelines, valid, strict=True):
        result = f"pipeline {draft.name}" if pipeline is not None else "nothing"
        results[_key(draft.where)] = _document_of(draft.where, "CronWorkflow", draft, result)
        orchestrator = orchestrators[_key(draft.where)]
        if orchestrator is not None:
            of = f"the orchestrator of pipeline {draft.name}" if pipeline is not None else "nothing"
            results[_key(orchestrator.where)] = ImportedDocument(
                orchestrator.where,
                orchestrator.kind,
                orchestrator.name,
                _outcome(draft.findings),
                of,
                Findings(),
            )
    imported = [
        PipelineSpec(draft.where, pipeline)
        for draft, pipeline in zip(pipelines, valid, strict=True)
        if pipeline is not None
    ]
    for position, template in enumerate(templates):
        users = sorted({pipelines[use.pipeline].name for use in uses.get(position, [])})
        results[_key(template.where)] = _template_outcome(
            position, template, users, [p.spec for p in imported], shared
        )
    for imported_document in documents:
        results[_key(imported_document.where)] = imported_document
    ordered = [results[_key(d.where)] for d in source.documents if _key(d.where) in results]
    return ImportResult(
        imported,
        [
            TemplateSpec(templates[position].where, spec)
            for position, spec in shared.items()
            if spec is not None
        ],
        ordered,
        list(source.unreadable),
        len(derived),
    )


def _separate_accounts(pipelines: list[PipelineDraft]) -> None:
    """Orchestrators of one namespace that share an account (the seed's `orchestrator-sa`): each
    spec renders the account's Role and RoleBinding for its own pipeline, so two specs naming it
    would declare one object twice. The first keeps the account; each other gets one of its own,
    named after it and used by no other pipeline. A CronWorkflow given twice is refused."""
    used: dict[str, set[str]] = {}
    for draft in pipelines:
        names_used = used.setdefault(draft.namespace, set())
        names_used.add(draft.data.get("serviceAccountName") or f"{draft.name}-orchestrator")
        executor = draft.data.get("executorServiceAccountName")
        if executor:
            names_used.add(executor)
    first: dict[tuple[str, str], str] = {}
    pipelines_seen: set[tuple[str, str]] = set()
    for draft in pipelines:
        if (draft.namespace, draft.name) in pipelines_seen:
            draft.findings.refuse(
                draft.where,
                f"CronWorkflow {draft.namespace}/{draft.name} is in the input twice: one "
                "pipeline would overwrite the other",
            )
            continue
        pipelines_seen.add((draft.namespace, draft.name))
        account = draft.data.get("serviceAccountName") or f"{draft.name}-orchestrator"
        owner = first.setdefault((draft.namespace, account), draft.name)
        if owner == draft.name:
            continue
        own = _unused(f"{draft.name}-orchestrator", used[draft.namespace])
        used[draft.namespace].add(own)
        where = draft.origins.get(("serviceAccountName",), draft.where)
        draft.data.pop("createServiceAccount", None)
        if own == f"{draft.name}-orchestrator":
            draft.data.pop("serviceAccountName", None)  # the default
        else:
            draft.put(("serviceAccountName",), own, where)
        draft.findings.change(
            where,
            f"{shown(account)} is also the account of pipeline {shown(owner)} in "
            f"{shown(draft.namespace)}, and each spec renders the Role and RoleBinding of its "
            f"account: this one runs as its own {shown(own)}, with the same rights",
        )


def _unused(name: str, used: set[str]) -> str:
    """`name`, or `name-2`, `name-3`, ...: the first no other account of the namespace has."""
    candidate, number = name, 1
    while candidate in used:
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def _key(where: Where) -> tuple[str, int, Loc]:
    return (where.source, where.document, where.path)


def _document(document: SourceDocument, findings: Findings, result: str) -> ImportedDocument:
    return ImportedDocument(
        document.where, document.kind, document.name, _outcome(findings), result, findings
    )


def _document_of(where: Where, kind: str, draft: PipelineDraft, result: str) -> ImportedDocument:
    return ImportedDocument(
        where, kind, draft.name, _outcome(draft.findings), result, draft.findings
    )


def _outcome(findings: Findings) -> str:
    if findings.refusals:
        return REFUSED
    return PARTIAL if findings.cannot else IMPORTED


def _unread(document: SourceDocument) -> ImportedDocument:
    findings = Findings()
    kind = document.kind or "no kind"
    if document.kind in _RBAC_KINDS:
        message = (
            f"{kind} is not imported: the spec renders a ServiceAccount, Role and RoleBinding "
            "for each account it uses, with exactly the rights Argo needs"
        )
    else:
        message = (
            f"{kind} is not imported: import reads CronWorkflow, WorkflowTemplate and "
            "ClusterWorkflowTemplate"
        )
    findings.refuse(document.where.at("kind"), message)
    return _document(document, findings, "nothing")


def _checked_template(template: TemplateDraft) -> TemplateDraft:
    """A template the model refuses on its own is not expressible: reported where it came from."""
    if template.data is None:
        return template
    data = {**template.data, "namespace": template.namespace or "argo"}
    origins = {**template.origins, ("namespace",): template.where.at("metadata", "namespace")}
    try:
        load_shared_template(data)
    except SpecError as error:
        _refuse_problems(error, origins, template.findings)
        return template._replace(data=None)
    return template


def _duplicates(templates: list[TemplateDraft]) -> None:
    first: dict[tuple[str, str | None, str], Where] = {}
    for template in templates:
        key = (template.kind, None if template.cluster_scope else template.namespace, template.name)
        if key in first:
            template.findings.refuse(
                template.where.at("metadata", "name"),
                f"a second {template.kind} {shown(template.name)} (the first is at {first[key]})",
            )
        else:
            first[key] = template.where


class _Use(NamedTuple):
    pipeline: int
    namespace: str


def _uses(pipelines: list[PipelineDraft], templates: list[TemplateDraft]) -> dict[int, list[_Use]]:
    """Template index -> the pipelines whose children use it, with the children's namespaces."""
    uses: dict[int, list[_Use]] = {}
    for index, draft in enumerate(pipelines):
        if draft.findings.refusals:  # no pipeline: its templates are shared, not attached
            continue
        for _, child in draft.children:
            cluster = "clusterWorkflowTemplate" in child.data
            name = child.data.get("clusterWorkflowTemplate" if cluster else "workflowTemplate")
            namespace = child.data.get("namespace") or draft.namespace
            for position, template in enumerate(templates):
                if (
                    template.name == name
                    and template.cluster_scope == cluster
                    and (cluster or template.namespace in (None, namespace))
                    and _Use(index, namespace) not in uses.get(position, [])
                ):
                    uses.setdefault(position, []).append(_Use(index, namespace))
                    break
    # A template rendered for a pipeline that no child of it uses still belongs to that pipeline.
    for position, template in enumerate(templates):
        if position in uses or not template.own:
            continue
        for index, draft in enumerate(pipelines):
            if draft.findings.refusals:
                continue
            if draft.name == template.part_of and draft.namespace == template.namespace:
                uses[position] = [_Use(index, draft.namespace)]
                break
    return uses


def _place_templates(
    pipelines: list[PipelineDraft],
    templates: list[TemplateDraft],
    uses: Mapping[int, list[_Use]],
    derived: Sequence[SourceDocument],
) -> dict[int, SharedTemplate | None]:
    """Attach or declare each template; returns the shared ones (None: refused by the model)."""
    shared: dict[int, SharedTemplate | None] = {}
    for position, template in enumerate(templates):
        users = uses.get(position, [])
        owners = sorted({use.pipeline for use in users})
        if template.data is None or template.findings.refusals:
            for owner in owners:
                _declare(pipelines[owner], template)
            continue
        if len(owners) == 1 and all(
            use.namespace == pipelines[owners[0]].namespace for use in users
        ):
            _attach(pipelines[owners[0]], template, derived)
            continue
        namespace = template.namespace or (users[0].namespace if users else None)
        shared[position] = _shared(template, namespace, derived)
        for owner in owners:
            _declare(pipelines[owner], template)
    return shared


def _attach(
    draft: PipelineDraft, template: TemplateDraft, derived: Sequence[SourceDocument]
) -> None:
    data = dict(template.data or {})
    pipeline_labels = draft.data.get("labels") or {}
    labels = {k: v for k, v in (data.get("labels") or {}).items() if pipeline_labels.get(k) != v}
    data.pop("labels", None)
    if labels:
        data["labels"] = labels
    _pipeline_pod_fields(data, template, draft)
    if template.namespace is None:
        template.findings.change(
            template.where.at("metadata"),
            f"no namespace: created in its pipeline's namespace {shown(draft.namespace)}",
        )
    _template_account(data, template, draft.name, draft.namespace, derived, pipeline=draft.name)
    attached = draft.data.setdefault("templates", [])
    loc: Loc = ("templates", len(attached))
    attached.append(data)
    for template_loc, where in template.origins.items():
        draft.origins[loc + template_loc] = where


def _pipeline_pod_fields(
    data: dict[str, Any], template: TemplateDraft, draft: PipelineDraft
) -> None:
    """A pipeline's podMetadata and podGC are rendered into its templates: keep only their own.

    The template's pod metadata is the pipeline's overlaid with its own (`workflow_template.
    pod_metadata_spec`); its podGC is the pipeline's.
    """
    pipeline_metadata = draft.data.get("podMetadata") or {}
    metadata = data.pop("podMetadata", None) or {}
    own: dict[str, Any] = {}
    for field in ("labels", "annotations"):
        given = metadata.get(field) or {} if isinstance(metadata, Mapping) else {}
        inherited = pipeline_metadata.get(field) or {}
        kept = {k: v for k, v in given.items() if inherited.get(k) != v}
        if kept:
            own[field] = kept
        missing = [k for k in inherited if k not in given]
        if missing:
            template.findings.change(
                template.where.at("spec", "podMetadata"),
                f"the pipeline's pod {field} {', '.join(missing)} are added to its pods",
            )
    if own:
        data["podMetadata"] = own
    pod_gc = data.pop("podGC", None)
    if pod_gc is not None and pod_gc != draft.data.get("podGC"):
        template.findings.cannot_express(
            template.where.at("spec", "podGC"),
            "a template of a pipeline takes the pipeline's `podGC`"
            + (
                f" ({shown_as_yaml(draft.data['podGC'])})"
                if draft.data.get("podGC")
                else ", none here"
            ),
        )
    elif pod_gc is None and draft.data.get("podGC") is not None:
        template.findings.change(
            template.where.at("spec"), "the pipeline's `podGC` is written into the template"
        )


def _shared(
    template: TemplateDraft, namespace: str | None, derived: Sequence[SourceDocument]
) -> SharedTemplate | None:
    data = dict(template.data or {})
    if namespace is not None:
        data["namespace"] = namespace
    else:
        template.findings.change(
            template.where.at("metadata"), "no namespace: the spec's default 'argo' is written"
        )
    _template_account(data, template, template.name, namespace or "argo", derived)
    origins = {**template.origins, ("namespace",): template.where.at("metadata", "namespace")}
    try:
        return load_shared_template(data)
    except SpecError as error:
        _refuse_problems(error, origins, template.findings)
        return None


def _template_account(
    data: dict[str, Any],
    template: TemplateDraft,
    owner: str,
    namespace: str,
    derived: Sequence[SourceDocument],
    *,
    pipeline: str | None = None,
) -> None:
    """The template's account as the spec spells it, with what our rendered RBAC says of it.

    `createServiceAccount` and the account's annotations come from our rendered ServiceAccount,
    Role and RoleBinding when they are in the input. A name the spec would choose anyway is left
    out: `<template>-executor` for an account of its own, `<pipeline>-executor` for the one a
    pipeline's templates share (`pipeline` is the owner when the template is one of its own).
    """
    ours = {
        (d.kind, d.namespace, d.name): d
        for d in derived
        if d.labels.get(names.PART_OF_LABEL) == owner
    }
    named = data.get("serviceAccountName")
    own = f"{template.name}-executor"
    account = named or own
    where = template.where.at("spec", "serviceAccountName")
    found = True
    if ("Role", namespace, account) in ours or ("RoleBinding", namespace, account) in ours:
        created = ours.get(("ServiceAccount", namespace, account))
        if created is None:
            data["createServiceAccount"] = False
        elif isinstance(created.metadata.get("annotations"), Mapping):
            data["serviceAccountAnnotations"] = dict(created.metadata["annotations"])
    else:
        executor = data.get("executorServiceAccountName")
        found = bool(executor and ("Role", namespace, executor) in ours)
        if found and ("ServiceAccount", namespace, executor) not in ours:
            data["createServiceAccount"] = False
    default = own if pipeline is None or _needs_own_account(data) else f"{pipeline}-executor"
    if named == default:
        del data["serviceAccountName"]
    if not found:
        template.findings.change(
            where,
            f"the spec renders ServiceAccount, Role and RoleBinding {shown(named or default)} for "
            "its pods: set `createServiceAccount: false` if the account exists already",
        )


def _needs_own_account(data: Mapping[str, Any]) -> bool:
    """Whether the model gives this template an account of its own, whatever it is named."""
    from pydantic import ValidationError

    from ..spec.models import Template

    probe = {key: value for key, value in data.items() if key != "serviceAccountName"}
    try:
        return Template.model_validate(probe).needs_own_account
    except ValidationError:  # reported when the spec is validated; keep the name as given
        return True


def _declare(draft: PipelineDraft, template: TemplateDraft) -> None:
    declared = draft.data.setdefault("externalTemplates", [])
    for known in declared:
        if known["name"] == template.name and known.get("clusterScope", False) == (
            template.cluster_scope
        ):
            return
    entry: dict[str, Any] = {"name": template.name}
    if template.cluster_scope:
        entry["clusterScope"] = True
    parameters = [
        {"name": name, **({"hasDefault": True} if has_default else {})}
        for name, has_default in template.parameters
    ]
    if parameters:
        entry["parameters"] = parameters
    draft.origins[("externalTemplates", len(declared))] = template.where
    declared.append(entry)


def _declare_read_outputs(draft: PipelineDraft) -> None:
    """Declare the outputs children's spawn steps read, for templates not in the input.

    Later children's references to them are checked, so the template must be declared with
    them; the declaration lists the parameters its children pass, each as having a default,
    since the template itself is not known.
    """
    created = {t.get("name") for t in draft.data.get("templates") or []}
    declared: list[dict[str, Any]] = draft.data.setdefault("externalTemplates", [])
    for _, child in draft.children:
        if not child.outputs:
            continue
        cluster = "clusterWorkflowTemplate" in child.data
        name = child.data.get("clusterWorkflowTemplate" if cluster else "workflowTemplate")
        if not cluster and name in created:
            continue
        entry = next(
            (e for e in declared if e["name"] == name and e.get("clusterScope", False) == cluster),
            None,
        )
        if entry is None:
            entry = {"name": name, **({"clusterScope": True} if cluster else {})}
            passed = {
                key
                for _, other in draft.children
                if other.data.get("clusterWorkflowTemplate" if cluster else "workflowTemplate")
                == name
                for key in other.data.get("arguments") or {}
            }
            if passed:
                entry["parameters"] = [{"name": key, "hasDefault": True} for key in sorted(passed)]
            draft.origins[("externalTemplates", len(declared))] = draft.where
            declared.append(entry)
            draft.findings.change(
                draft.where,
                f"{'ClusterWorkflowTemplate' if cluster else 'WorkflowTemplate'} {shown(name)} "
                "is not "
                "in the input: declared under `externalTemplates` with the outputs later steps "
                "read; list its parameters there to check the children's arguments",
            )
        outputs = entry.setdefault("outputs", [])
        outputs += [o for o in child.outputs if o not in outputs]
    if not declared:
        draft.data.pop("externalTemplates")


def _validated(draft: PipelineDraft) -> Pipeline | None:
    if draft.findings.refusals:
        return None
    try:
        return load_pipeline(draft.data)
    except SpecError as error:
        _refuse_problems(error, draft.origins, draft.findings)
        return None


def _refuse_problems(error: SpecError, origins: Mapping[Loc, Where], findings: Findings) -> None:
    """The model's problems, each at the place in the input its field came from."""
    places = {format_path(loc): where for loc, where in origins.items()}
    for problem in error.problems:
        path = problem.path
        while path not in places:
            shorter = re.sub(_LAST_SEGMENT, "", path)
            path = "" if shorter == path else shorter
        field = f" (spec field {problem.path})" if problem.path else ""
        findings.refuse(places[path], f"{problem.message}{field}")


def _template_outcome(
    position: int,
    template: TemplateDraft,
    users: list[str],
    valid: Sequence[Pipeline],
    shared: Mapping[int, SharedTemplate | None],
) -> ImportedDocument:
    findings = template.findings

    def outcome(state: str, result: str) -> ImportedDocument:
        return ImportedDocument(
            template.where, template.kind, template.name, state, result, findings
        )

    if position in shared:
        if shared[position] is None:
            return outcome(REFUSED, "nothing")
        by = f", declared by {', '.join(users)}" if users else ""
        return outcome(_outcome(findings), f"shared template {template.name}{by}")
    if template.data is None or findings.refusals:
        if users:
            return outcome(DECLARED, f"an externalTemplates entry of {', '.join(users)}")
        return outcome(REFUSED, "nothing")
    (owner,) = users
    if not any(pipeline.name == owner for pipeline in valid):
        findings.refuse(template.where, f"not imported: its pipeline {shown(owner)} is refused")
        return outcome(REFUSED, "nothing")
    return outcome(_outcome(findings), f"a template of pipeline {owner}")
