"""A WorkflowTemplate read back into a spec template: one container or script, its pod, retries.

The inverse of `argo/workflow_template.py`. A template the spec cannot express (steps, a DAG,
several templates, a ClusterWorkflowTemplate, which the spec never creates) can still be
declared under `externalTemplates`, with the parameters it declares, so the children that use it
keep their arguments checked. Fields of the entry template or its containers that have no typed
field are carried over as further Argo fields (`argo:`) when those may hold them, and reported
with the reason otherwise.

A foreign template reads its parameters as `{{inputs.parameters.x}}`; a spec template declares
them as the Workflow's arguments and reads `{{workflow.parameters.x}}`. Argo runs the entry
template with the Workflow's arguments (`workflow/controller/operator.go:422` at f016ad89), and an
argument overrides an input's default (`workflow/common/util.go:200-225`, `ProcessArgs`), so the
two read the same value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from pydantic import ValidationError

from ..argo import pod_security
from ..argo import workflow_template as rendered_template
from ..errors import shown
from ..spec import argo_fields, names
from ..spec.models import PodSecurity
from .documents import SourceDocument
from .findings import Draft, Fields, Findings, Loc, Where, scalar_text, shown_as_yaml

_INPUT_TAG = r"\{\{\s*inputs\.parameters\.([-a-zA-Z0-9_]+)\s*\}\}"
_OTHER_ENTRY_KINDS = ("containerSet", "steps", "dag", "resource", "suspend", "http")
# Container fields a spec template or its sidecars type, read as they are (the model checks them).
_CONTAINER_FIELDS = ("workingDir", "imagePullPolicy", "envFrom", "volumeMounts")
_SIDE_CONTAINER_FIELDS = (
    "name",
    "image",
    "command",
    "args",
    "env",
    "envFrom",
    "resources",
    "volumeMounts",
    "workingDir",
    "imagePullPolicy",
)
_ENTRY_FIELDS = ("affinity", "priorityClassName")
_RESTRICTED_USER = pod_security.DEFAULT_RUN_AS_USER


class TemplateDraft(NamedTuple):
    """A template in camelCase (None when it cannot be expressed) and what it declares."""

    where: Where
    kind: str
    name: str
    namespace: str | None
    own: bool
    part_of: str | None
    """The pipeline (or shared template) our rendered template belongs to, by its label."""
    data: dict[str, Any] | None
    origins: dict[Loc, Where]
    parameters: list[tuple[str, bool]]
    """Every parameter with whether it has a default: the `externalTemplates` declaration."""
    findings: Findings

    @property
    def cluster_scope(self) -> bool:
        """True for a ClusterWorkflowTemplate."""
        return self.kind == "ClusterWorkflowTemplate"


def import_template(document: SourceDocument) -> TemplateDraft:
    """The spec template of a WorkflowTemplate or ClusterWorkflowTemplate document."""
    findings = Findings()
    where = document.where
    own = document.ours
    draft = Draft(where)
    fields = Fields(document.body, where, findings)
    fields.drop("apiVersion")
    kind = str(fields.take("kind"))
    metadata = fields.fields("metadata")
    spec = fields.fields("spec")
    fields.done()
    name = metadata.text("name") or ""
    draft.put(("name",), name, metadata.where.at("name"))
    namespace = metadata.text("namespace")
    labels = {}
    for key in (labels_fields := metadata.fields("labels")).remaining():
        value = labels_fields.take(key)
        if key not in names.RESERVED_LABELS:
            labels[key] = value
            draft.origins[("labels", key)] = labels_fields.where.at(key)
    if labels:
        draft.data["labels"] = labels
    metadata.done()
    if kind == "ClusterWorkflowTemplate":
        findings.refuse(
            where.at("kind"),
            "the spec creates namespaced WorkflowTemplates only: a child that uses it declares it "
            "under `externalTemplates` (clusterScope: true), and it stays deployed as it is",
        )
    reader = _TemplateReader(draft, findings, name)
    parameters = reader.read(spec)
    usable = not findings.refusals
    return TemplateDraft(
        where,
        kind,
        name,
        namespace,
        own,
        document.labels.get(names.PART_OF_LABEL) if own else None,
        draft.data if usable else None,
        draft.origins,
        [(p["name"], p.get("value") is not None) for p in parameters if p.get("name")],
        findings,
    )


class _TemplateReader:
    def __init__(self, draft: Draft, findings: Findings, name: str) -> None:
        self.draft = draft
        self.findings = findings
        self.name = name
        self.parameter_names: set[str] = set()
        self.security: PodSecurity | None = None
        self.pod_volumes: list[tuple[Any, Where]] = []
        """`spec.volumes`: Argo adds them to the pod like the entry template's own."""

    def read(self, spec: Fields) -> list[dict[str, Any]]:
        """Read the template's spec; returns its parameters (also when it cannot be expressed)."""
        templates = list(spec.items("templates"))
        entrypoint = spec.text("entrypoint")
        entry = self._entry(templates, entrypoint, spec.where)
        arguments = spec.fields("arguments")
        parameters = self._parameters(arguments, entry)
        arguments.done()
        self.parameter_names = {str(p["name"]) for p in parameters if p.get("name")}
        if parameters:
            self.draft.data["parameters"] = parameters
        self._pod(spec)
        if entry is not None:
            self._entry_template(*entry, spec)
        spec.done()
        return parameters

    def _entry(
        self, templates: list[tuple[Where, Any]], entrypoint: str | None, where: Where
    ) -> tuple[Where, Fields] | None:
        names_ = [t.get("name") if isinstance(t, Mapping) else None for _, t in templates]
        renamed = entrypoint is not None
        if entrypoint is None and len(templates) > 1:
            self.findings.refuse(
                where.at("entrypoint"),
                f"no entrypoint and {len(templates)} templates: a library for `templateRef`, "
                "not a template a child can instantiate",
            )
            return None
        if entrypoint is None and len(templates) == 1:
            entrypoint = names_[0]
            self.findings.cannot_express(
                where.at("entrypoint"),
                f"no entrypoint, so only `templateRef: {{name: {self.name}, template: "
                f"{entrypoint}}}` could run it; the rendered template's entry is "
                f"{shown(rendered_template.ENTRYPOINT)}",
            )
        if entrypoint not in names_:
            self.findings.refuse(where.at("entrypoint"), f"no entry template {shown(entrypoint)}")
            return None
        index = names_.index(entrypoint)
        for other, (other_where, _) in enumerate(templates):
            if other != index:
                self.findings.cannot_express(
                    other_where,
                    f"template {shown(names_[other])}: a spec template is one container; only the "
                    f"entry template {shown(entrypoint)} is imported",
                )
        entry_where, template = templates[index]
        fields = Fields(template, entry_where, self.findings)
        if "container" not in fields and "script" not in fields:
            kind = next((k for k in _OTHER_ENTRY_KINDS if k in fields), "template")
            self.findings.refuse(
                entry_where.at(kind) if kind in fields else entry_where,
                f"the entry template {shown(entrypoint)} has `{kind}`: a spec template is one "
                "container",
            )
            fields.drop(kind)
        fields.drop("name")
        if entrypoint != rendered_template.ENTRYPOINT and renamed:
            self.findings.change(
                entry_where.at("name"),
                f"the entry template {shown(entrypoint)} is named "
                f"{shown(rendered_template.ENTRYPOINT)}: "
                f"`templateRef: {{name: {self.name}, template: {entrypoint}}}` stops working",
            )
        return entry_where, fields

    def _parameters(
        self, arguments: Fields, entry: tuple[Where, Fields] | None
    ) -> list[dict[str, Any]]:
        """`spec.arguments` and the entry's `inputs`: one parameter each, the argument winning."""
        merged: dict[str, dict[str, Any]] = {}
        for where, item in arguments.items("parameters"):
            self._parameter(item, where, merged, ("value",))
        if entry is not None:
            inputs = entry[1].fields("inputs")
            for where, item in inputs.items("parameters"):
                self._parameter(item, where, merged, ("value", "default"))
            inputs.done()
        return list(merged.values())

    def _parameter(
        self, item: Any, where: Where, merged: dict[str, dict[str, Any]], keys: tuple[str, ...]
    ) -> None:
        fields = Fields(item, where, self.findings)
        name = fields.text("name")
        values = [(fields.text(key), where.at(key)) for key in keys]
        description = fields.text("description")
        fields.done()
        if name is None:
            return
        index = list(merged).index(name) if name in merged else len(merged)
        parameter = merged.setdefault(name, {"name": name})
        self.draft.origins.setdefault(("parameters", index), where)
        for value, value_where in values:
            if value is not None and "value" not in parameter:
                parameter["value"] = value
                self.draft.origins[("parameters", index, "value")] = value_where
        if description is not None and "description" not in parameter:
            parameter["description"] = description

    def _pod(self, spec: Fields) -> None:
        draft = self.draft
        where = spec.where
        account = spec.text("serviceAccountName")
        if account is not None:  # a default one is dropped once the template's owner is known
            draft.put(("serviceAccountName",), account, where.at("serviceAccountName"))
        automount = spec.take("automountServiceAccountToken")
        if automount is not None:
            draft.put(
                ("automountServiceAccountToken",),
                automount,
                where.at("automountServiceAccountToken"),
            )
        executor = spec.fields("executor")
        executor_account = executor.text("serviceAccountName")
        if executor_account is not None:
            draft.put(
                ("executorServiceAccountName",),
                executor_account,
                executor.where.at("serviceAccountName"),
            )
        executor.done()
        for key in ("nodeSelector", "tolerations", "podMetadata", "podGC"):
            value = spec.take(key)
            if value is not None:
                draft.put((key,), value, where.at(key))
        self.pod_volumes = list(spec.items("volumes"))
        if self.pod_volumes:
            self.findings.change(
                where.at("volumes"),
                "written on the entry template, which the spec's volumes belong to: the pods "
                "get the same volumes",
            )
        secrets = []
        for item_where, item in spec.items("imagePullSecrets"):
            secret = Fields(item, item_where, self.findings)
            secrets.append(secret.text("name"))
            secret.done()
        if secrets:
            draft.put(("imagePullSecrets",), secrets, where.at("imagePullSecrets"))

    def _entry_template(self, where: Where, fields: Fields, spec: Fields) -> None:
        draft = self.draft
        main_key = "script" if "script" in fields else "container"
        container = fields.fields(main_key)
        container_where = container.where
        image = container.text("image")
        draft.put(("image",), image, container_where.at("image"))
        for key in ("command", "args"):
            if key in container:
                items = list(container.items(key))
                texts = [
                    self._text(scalar_text(item, item_where, self.findings), item_where)
                    for item_where, item in items
                ]
                draft.put((key,), texts, container_where.at(key))
                for index, (item_where, _) in enumerate(items):
                    draft.origins[(key, index)] = item_where
        if main_key == "script":
            source = container.text("source")
            where_source = container_where.at("source")
            draft.put(("source",), self._text(source, where_source), where_source)
        for key in _CONTAINER_FIELDS:
            value = container.take(key)
            if value is not None:
                draft.put((key,), value, container_where.at(key))
        self._env(container)
        resources = container.fields("resources")
        for key in ("requests", "limits"):
            value = resources.take(key)
            if value is not None:
                draft.put(("resources", key), value, resources.where.at(key))
        resources.done()
        container_name = container.take("name")
        if container_name not in (None, "main"):
            self.findings.change(
                container_where.at("name"),
                f"{shown(container_name)} is not written: Argo names the container `main` anyway",
            )
        self._security(spec, container)
        further = self._further(container, lambda key, value: {main_key: {key: value}})
        if further:
            draft.put(("argo", main_key), further, container_where)
        container.done()
        volumes = [*self.pod_volumes, *fields.items("volumes")]
        draft.put_list(("volumes",), [(v, w) for w, v in volumes], where.at("volumes"))
        for key in _ENTRY_FIELDS:
            value = fields.take(key)
            if value is not None:
                draft.put((key,), value, where.at(key))
        for key in ("initContainers", "sidecars"):
            self._containers(fields, key)
        if "outputs" in fields:
            self._outputs(fields.fields("outputs"))
        if fields.peek("retryStrategy") is not None:
            self._retry(fields.fields("retryStrategy"))
        deadline = fields.take("activeDeadlineSeconds")
        if deadline is not None:
            draft.put(("activeDeadlineSeconds",), deadline, where.at("activeDeadlineSeconds"))
        further = self._further(fields, lambda key, value: {key: value})
        if further:
            draft.data.setdefault("argo", {}).update(further)
            for key in further:
                draft.origins[("argo", key)] = where.at(key)
        fields.done()

    def _further(self, fields: Fields, wrap: Any) -> dict[str, Any]:
        """The fields left that `argo:` may carry; the others are reported with the reason."""
        carried: dict[str, Any] = {}
        for key in fields.remaining():
            problems = argo_fields.template_field_problems(wrap(key, fields.peek(key)))
            if problems:
                self.findings.cannot_express(fields.where.at(key), problems[0][1])
                fields.drop(key)
            else:
                carried[key] = fields.take(key)
        return carried

    def _containers(self, fields: Fields, key: str) -> None:
        """Sidecars or init containers: their typed fields, the rest as further fields."""
        items: list[tuple[Any, Where]] = []
        expected = pod_security.container_security_context(self.security)
        for item_where, item in fields.items(key):
            container = Fields(item, item_where, self.findings)
            out = {
                field: container.take(field)
                for field in _SIDE_CONTAINER_FIELDS
                if container.peek(field) is not None
            }
            context = container.take("securityContext")
            if context is None:
                self.findings.change(
                    item_where,
                    f"restricted Pod Security defaults: securityContext {shown_as_yaml(expected)}",
                )
            elif context != expected:
                self.findings.cannot_express(
                    item_where.at("securityContext"),
                    f"{shown_as_yaml(context)}: rendered as {shown_as_yaml(expected)}, from the "
                    "template's `security`",
                )
            further: dict[str, Any] = {}
            for field in container.remaining():
                found = argo_fields.container_field_problems({field: container.peek(field)})
                if found:
                    self.findings.cannot_express(item_where.at(field), found[0][1])
                    container.drop(field)
                else:
                    further[field] = container.take(field)
            if further:
                out["argo"] = further
            container.done()
            items.append((out, item_where))
        self.draft.put_list((key,), items, fields.where.at(key))

    def _outputs(self, outputs: Fields) -> None:
        """Output parameters; the `globalName` the renderer adds (the name) is not written."""
        items: list[tuple[Any, Where]] = []
        for item_where, item in outputs.items("parameters"):
            parameter = Fields(item, item_where, self.findings)
            out = {
                key: parameter.take(key)
                for key in ("name", "valueFrom", "description")
                if parameter.peek(key) is not None
            }
            global_name = parameter.take("globalName")
            if global_name is not None and global_name != out.get("name"):
                self.findings.cannot_express(
                    item_where.at("globalName"),
                    f"{shown(global_name)}: the spec exports each output under its own name",
                )
            parameter.done()
            items.append((out, item_where))
        if items:
            self.draft.put_list(("outputs", "parameters"), items, outputs.where.at("parameters"))
        outputs.done()

    def _text(self, text: str | None, where: Where) -> str | None:
        """`{{inputs.parameters.x}}` as `{{workflow.parameters.x}}`, for declared parameters."""
        if text is None:
            return None

        def rewrite(match: re.Match[str]) -> str:
            if match.group(1) not in self.parameter_names:
                return match.group(0)
            return "{{workflow.parameters." + match.group(1) + "}}"

        rewritten = re.sub(_INPUT_TAG, rewrite, text)
        if rewritten != text:
            self.findings.change(
                where,
                "reads `{{workflow.parameters.X}}` instead of `{{inputs.parameters.X}}`: the "
                "same value, since the template's parameters are the Workflow's arguments",
            )
        return rewritten

    def _env(self, container: Fields) -> None:
        variables: list[dict[str, Any]] = []
        for where, item in container.items("env"):
            index = len(variables)
            variable = Fields(item, where, self.findings)
            out: dict[str, Any] = {"name": variable.text("name")}
            if "value" in variable:
                out["value"] = self._text(variable.text("value"), where.at("value"))
            source = variable.fields("valueFrom")
            for key in ("secretKeyRef", "configMapKeyRef"):
                selector = source.take(key)
                if selector is not None:
                    out.setdefault("valueFrom", {})[key] = selector
                    self.draft.origins[("env", index, "valueFrom", key)] = source.where.at(key)
            source.done()
            variable.done()
            self.draft.origins[("env", index)] = where
            variables.append(out)
        if variables:
            self.draft.data["env"] = variables

    def _retry(self, retry: Fields) -> None:
        draft = self.draft
        where = retry.where
        draft.put(("retryStrategy",), {}, where)
        for key in ("limit", "retryPolicy", "expression", "affinity"):
            value = retry.take(key)
            if value is not None:
                draft.put(("retryStrategy", key), value, where.at(key))
        backoff = retry.fields("backoff")
        for key in ("duration", "factor", "maxDuration", "cap"):
            value = backoff.take(key)
            if value is not None:
                text = value if key == "factor" else scalar_text(value, where, self.findings)
                draft.put(("retryStrategy", "backoff", key), text, backoff.where.at(key))
        backoff.done()
        retry.done()

    def _security(self, spec: Fields, container: Fields) -> None:
        """`security`: the exceptions to the restricted defaults the input's contexts make."""
        pod_where = spec.where.at("securityContext")
        container_where = container.where.at("securityContext")
        pod = spec.take("securityContext")
        own = container.take("securityContext")
        pod = pod if isinstance(pod, Mapping) else {}
        own = own if isinstance(own, Mapping) else {}
        security = _exceptions(pod, own)
        try:
            model = PodSecurity.model_validate(security) if security else None
        except ValidationError:
            self.findings.cannot_express(
                container_where, f"not a security context the spec can express: {security}"
            )
            return
        if security:
            self.draft.put(("security",), security, container_where if own else pod_where)
        self.security = model
        rendered_pod = pod_security.pod_security_context(security=model)
        rendered_container = pod_security.container_security_context(model)
        added = []
        for key in dict.fromkeys([*pod, *own]):
            given = own.get(key, pod.get(key))
            result = rendered_container.get(key, rendered_pod.get(key))
            where = container_where.at(key) if key in own else pod_where.at(key)
            if key == "capabilities" and isinstance(given, Mapping):
                result = result if isinstance(result, Mapping) else {}
                if list(given.get("add") or []) != list(result.get("add") or []):
                    self.findings.cannot_express(where.at("add"), "not carried over")
                extra = [k for k in given if k not in ("add", "drop")]
                for other in extra:
                    self.findings.cannot_express(where.at(other))
                continue
            if result is None:
                self.findings.cannot_express(where)
            elif given != result:
                self.findings.cannot_express(
                    where, f"{shown_as_yaml(given)}: rendered as {shown_as_yaml(result)}"
                )
        for key, value in {**rendered_pod, **rendered_container}.items():
            if own.get(key, pod.get(key)) != value:
                added.append(f"{key}: {shown_as_yaml(value)}")
        if added:
            self.findings.change(
                container_where,
                "restricted Pod Security defaults: " + ", ".join(added),
            )


def _exceptions(pod: Mapping[str, Any], container: Mapping[str, Any]) -> dict[str, Any]:
    """The `security` fields that render the input's relaxations of the restricted defaults."""

    def effective(key: str) -> Any:
        return container.get(key, pod.get(key))

    security: dict[str, Any] = {}
    if effective("runAsNonRoot") is False:
        security["runAsNonRoot"] = False
    user = effective("runAsUser")
    if _number(user) and user != _RESTRICTED_USER:
        security["runAsUser"] = user
    elif user is None and effective("runAsNonRoot") is True:
        security["runAsUser"] = "image"  # non-root, as the image's own (numeric) user
    group = effective("runAsGroup")
    same = user if _number(user) else _RESTRICTED_USER
    if _number(group) and (group != same or security.get("runAsUser") == "image"):
        security["runAsGroup"] = group
    if _number(pod.get("fsGroup")):
        security["fsGroup"] = pod["fsGroup"]
    if effective("allowPrivilegeEscalation") is True:
        security["allowPrivilegeEscalation"] = True
    capabilities = container.get("capabilities")
    added = capabilities.get("add") if isinstance(capabilities, Mapping) else None
    if isinstance(added, list) and added:
        security["addCapabilities"] = list(added)
    profile = effective("seccompProfile")
    if isinstance(profile, Mapping) and profile.get("type") == "Unconfined":
        security["seccompProfile"] = "Unconfined"
    return security


def _number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
