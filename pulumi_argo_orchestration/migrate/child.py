"""A step (or DAG task) that spawns a child Workflow, read back into a spec child.

The guide's form: the step calls a resource template whose `action: create` manifest is a
Workflow with a `workflowTemplateRef`, and waits for it with Argo's phase conditions. The child's
arguments may reach the manifest three ways, all read here: our `{{=sprig.quote(inputs.
parameters['k'])}}` (the value is the step's argument `k`), the textual `{{inputs.parameters.k}}`
(the step's value is put in place of the tag, as Argo's substitution would), or a global tag such
as `{{workflow.parameters.x}}`, which resolves the same in the step as in the spawn template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..argo import child_workflow, metrics
from ..errors import shown
from ..spec import names
from ..spec.models import CROSS_NAMESPACE_TTL
from ..syntax.template_text import tag_spans
from . import rendered
from .findings import Draft, Fields, Findings, Loc, Where, scalar_text, shown_as_yaml
from .manifest_text import ManifestError, parse_manifest

WORKFLOW_API_VERSION = "argoproj.io/v1alpha1"
_INPUT_TAG = r"\{\{\s*inputs\.parameters\.([-a-zA-Z0-9_]+)\s*\}\}"
_TASK_NAME = r"[A-Za-z0-9][-A-Za-z0-9]*"
# Values that resolve the same in the orchestrator's step as in the spawn template: the run's
# globals, and expressions that read no template-local variable.
_GLOBAL_TAG = r"\{\{\s*workflow\.[^}]*\}\}"
_LOCAL_NAMES = r"\b(inputs|outputs|steps|tasks|pod|node|item|retries)\b"


class Orchestrator(NamedTuple):
    """What every child of one orchestrator is read against."""

    pipeline: str
    namespace: str
    labels: Mapping[str, str]
    templates: Mapping[str, tuple[Where, Any]]
    findings: Findings


class ChildDraft(NamedTuple):
    """A spec child in camelCase, where each of its fields came from, and what needs the others."""

    data: dict[str, Any]
    origins: dict[Loc, Where]
    deadline: tuple[int, Where] | None
    """The child Workflow's `activeDeadlineSeconds`: `timeout`, or the pipeline's `childTimeout`."""
    singular_locks: bool
    """The manifest spells synchronization as v3.5 did (`semaphore`, `mutex`)."""
    outputs: tuple[str, ...] = ()
    """Output parameters of the child's template that its spawn step reads for later steps."""


class _Value(NamedTuple):
    text: str | None
    where: Where


def spawn_manifest(template: Any) -> tuple[dict[str, Any] | None, str]:
    """The child Workflow a template creates, or None and why the template is not a spawn."""
    if not isinstance(template, Mapping):
        return None, "it is not a mapping"
    resource = template.get("resource")
    if not isinstance(resource, Mapping):
        kinds = [k for k in ("container", "script", "steps", "dag", "suspend") if k in template]
        return None, f"it is a {kinds[0]} template" if kinds else "it has no resource"
    if resource.get("action") != "create":
        return None, f"its resource action is {shown(resource.get('action'))}, not 'create'"
    text = resource.get("manifest")
    if not isinstance(text, str):
        return None, "its resource has no manifest text"
    try:
        documents = [d for d in parse_manifest(text) if d is not None]
    except ManifestError as error:
        return None, f"its manifest is not YAML: {error}"
    if len(documents) != 1 or not isinstance(documents[0], Mapping):
        return None, "its manifest is not one object"
    manifest = dict(documents[0])
    if manifest.get("kind") != "Workflow" or manifest.get("apiVersion") != WORKFLOW_API_VERSION:
        return None, f"its manifest is a {shown(manifest.get('kind'))}, not an Argo Workflow"
    spec = manifest.get("spec")
    if not isinstance(spec, Mapping) or not isinstance(spec.get("workflowTemplateRef"), Mapping):
        return None, "its Workflow has no workflowTemplateRef"
    return manifest, ""


def spawns(template: Any) -> bool:
    """True when the template creates a child Workflow from a workflowTemplateRef."""
    return spawn_manifest(template)[0] is not None


def import_child(
    where: Where, step: Any, orchestrator: Orchestrator, dag: bool
) -> ChildDraft | None:
    """The spec child of one spawning step; None (reported) when the step spawns nothing."""
    findings = orchestrator.findings
    fields = Fields(step, where, findings)
    name = fields.text("name")
    if name is None:
        findings.cannot_express(where, "a step without a name: dropped")
        return None
    template_name = fields.take("template")
    if template_name is None:
        how = next((k for k in ("templateRef", "inline") if k in fields), None)
        what = f"runs `{how}` in the orchestrator" if how else "has no template"
        findings.cannot_express(
            where,
            f"step {shown(name)} {what} instead of spawning a child Workflow: the spec's steps "
            "only spawn children (dropped)",
        )
        return None
    found = orchestrator.templates.get(str(template_name))
    if found is None:
        findings.cannot_express(
            where.at("template"), f"no template {shown(template_name)}: dropped"
        )
        return None
    template_where, template = found
    manifest, why_not = spawn_manifest(template)
    if manifest is None:
        findings.cannot_express(
            where,
            f"step {shown(name)} runs template {shown(template_name)}, which does not spawn a "
            f"child Workflow ({why_not}): dropped",
        )
        return None
    draft = _Draft(where)
    draft.put(("name",), name, where.at("name"))
    step_values = _step_arguments(fields, findings)
    inputs, draft.outputs = _spawn_template(
        template, template_where, step_values, orchestrator, name
    )
    _step_fields(fields, draft, dag)
    fields.done()
    expected_template = child_workflow.spawn_template_name(name)
    if template_name != expected_template:
        findings.change(
            template_where.at("name"),
            f"the spawn template is named {shown(expected_template)}: one per child",
        )
    reader = _ManifestReader(
        manifest,
        template_where.at("resource", "manifest").in_manifest(),
        draft,
        orchestrator,
        inputs=inputs,
        step=name,
    )
    owned = _resource_fields(template, template_where, findings)
    return reader.read(owned, template_where.at("resource"))


class _Draft(Draft):
    __slots__ = ("deadline", "outputs", "singular_locks")

    def __init__(self, where: Where) -> None:
        super().__init__(where)
        self.deadline: tuple[int, Where] | None = None
        self.singular_locks = False
        self.outputs: tuple[str, ...] = ()

    def done(self) -> ChildDraft:
        return ChildDraft(self.data, self.origins, self.deadline, self.singular_locks, self.outputs)


def _step_arguments(fields: Fields, findings: Findings) -> dict[str, _Value]:
    arguments = fields.fields("arguments")
    values: dict[str, _Value] = {}
    for where, item in arguments.items("parameters"):
        parameter = Fields(item, where, findings)
        name = parameter.text("name")
        value = parameter.text("value")
        parameter.done()
        if name is not None:
            values[name] = _Value(value, where.at("value"))
    arguments.done()
    return values


def _step_fields(fields: Fields, draft: _Draft, dag: bool) -> None:
    findings = fields.findings
    when = fields.text("when")
    if when is not None:
        draft.put(("when",), when, fields.where.at("when"))
    continue_on = fields.fields("continueOn")
    if continue_on.take("failed") is True:
        draft.put(("optional",), True, continue_on.where.at("failed"))
    continue_on.done()
    if not dag:
        return
    dependencies = [
        (scalar_text(item, where, findings), where) for where, item in fields.items("dependencies")
    ]
    draft.put_list(("dependsOn",), dependencies, fields.where.at("dependencies"))
    depends = fields.text("depends")
    if depends is not None:
        where = fields.where.at("depends")
        parts = [part.strip() for part in depends.split("&&")]
        if all(re.fullmatch(_TASK_NAME, part) for part in parts):
            draft.put_list(("dependsOn",), [(part, where) for part in parts], where)
            findings.change(
                where,
                "written as `dependencies`, which Argo documents as the same as `depends` joined "
                "by `&&` (docs/enhanced-depends-logic.md)",
            )
        else:
            findings.cannot_express(
                where,
                f"{shown(depends)}: only task names joined by `&&` map to `dependsOn`",
            )


def _spawn_template(
    template: Mapping[str, Any],
    where: Where,
    step_values: Mapping[str, _Value],
    orchestrator: Orchestrator,
    step: str,
) -> tuple[dict[str, _Value], tuple[str, ...]]:
    """The spawn template's input values for this step and the child outputs it reads; its other
    fields must be the resource."""
    findings = orchestrator.findings
    fields = Fields(template, where, findings)
    fields.drop("name")
    fields.drop("resource")  # read with the manifest
    inputs_fields = fields.fields("inputs")
    values: dict[str, _Value] = {}
    for item_where, item in inputs_fields.items("parameters"):
        parameter = Fields(item, item_where, findings)
        name = parameter.text("name")
        own = parameter.text("value")
        default = parameter.text("default")
        parameter.drop("description")
        parameter.done()
        if name is None:
            continue
        given = step_values.get(name)
        if given is not None:
            values[name] = given
        elif own is not None:
            values[name] = _Value(own, item_where.at("value"))
        else:
            values[name] = _Value(default, item_where.at("default"))
    inputs_fields.done()
    outputs = _spawn_outputs(fields.fields("outputs"), findings)
    _step_metrics(fields, orchestrator, step)
    fields.done()
    for name, value in step_values.items():
        if name not in values:
            findings.change(
                value.where,
                f"template {shown(template.get('name'))} has no input {shown(name)}, so Argo "
                f"never used this argument of step {shown(step)}: left out",
            )
    return values, outputs


def _step_metrics(fields: Fields, orchestrator: Orchestrator, step: str) -> None:
    """The step-duration gauge `alerts` renders on a spawn template is taken as rendered (the
    spec's `alerts` and the child's timeout make it again); other metrics are reported."""
    if "metrics" not in fields:
        return
    where = fields.where.at("metrics")
    found = fields.take("metrics")
    if found != metrics.step_metrics_of(orchestrator.pipeline, orchestrator.namespace, step):
        orchestrator.findings.cannot_express(
            where,
            "custom metrics on a spawn template: the spec renders only those its `alerts` read "
            "(dropped)",
        )


def _spawn_outputs(outputs: Fields, findings: Findings) -> tuple[str, ...]:
    """Outputs read from the child Workflow's status, as the renderer declares them: derived
    again from the later steps that read them (`{{steps.X.outputs.parameters.NAME}}`)."""
    read: list[str] = []
    for item_where, item in outputs.items("parameters"):
        parameter = Fields(item, item_where, outputs.findings)
        name = parameter.text("name")
        value_from = parameter.take("valueFrom")
        parameter.done()
        if name is None or value_from != {"jsonPath": child_workflow.output_json_path(name)}:
            findings.cannot_express(
                item_where,
                "the spec reads only a child's global output parameters, as "
                f"{shown(child_workflow.output_json_path(name or 'NAME'))}",
            )
        else:
            read.append(name)
    outputs.done()
    return tuple(read)


def _resource_fields(template: Any, where: Where, findings: Findings) -> bool:
    """Check the resource template's own fields; True when it sets Argo's owner reference."""
    resource = Fields(template["resource"], where.at("resource"), findings)
    resource.drop("action")
    resource.drop("manifest")
    owned = resource.take("setOwnerReference") is True
    for key, expected in (
        ("successCondition", child_workflow.SUCCESS_CONDITION),
        ("failureCondition", child_workflow.FAILURE_CONDITION),
    ):
        value = resource.text(key)
        if value is None:
            findings.cannot_express(
                resource.where.at(key),
                f"missing: without it the step ends as soon as the child is created; the spec "
                f"always waits for the child ({shown(expected)})",
            )
        elif value.split() != expected.split() and value.replace(" ", "") != expected.replace(
            " ", ""
        ):
            findings.cannot_express(
                resource.where.at(key),
                f"{shown(value)}: the spec always waits with {shown(expected)}",
            )
    resource.done()
    return owned


class _ManifestReader:
    """The child Workflow of one step: its template, arguments, namespace, deadline and locks."""

    def __init__(
        self,
        manifest: dict[str, Any],
        where: Where,
        draft: _Draft,
        orchestrator: Orchestrator,
        *,
        inputs: Mapping[str, _Value],
        step: str,
    ) -> None:
        self.manifest = manifest
        self.where = where
        self.inputs = inputs
        self.draft = draft
        self.orchestrator = orchestrator
        self.findings = orchestrator.findings
        self.step = step

    def read(self, set_owner_reference: bool, resource_where: Where) -> ChildDraft:
        fields = Fields(self.manifest, self.where, self.findings)
        fields.drop("apiVersion")
        fields.drop("kind")
        metadata = fields.fields("metadata")
        spec = fields.fields("spec")
        fields.done()
        namespace = self._metadata(metadata, set_owner_reference, resource_where)
        self._spec(spec, namespace)
        return self.draft.done()

    # -- metadata --------------------------------------------------------------------------------

    def _metadata(self, metadata: Fields, set_owner_reference: bool, resource_where: Where) -> str:
        orchestrator = self.orchestrator
        namespace_where = metadata.where.at("namespace")
        namespace = self._literal(metadata.text("namespace"), namespace_where, "namespace")
        if namespace is not None and namespace != orchestrator.namespace:
            self.draft.put(("namespace",), namespace, namespace_where)
        child_namespace = namespace or orchestrator.namespace
        cross = child_namespace != orchestrator.namespace
        expected = names.child_generate_name(orchestrator.pipeline, self.step)
        fixed = metadata.take("name")
        generate = metadata.take("generateName")
        if fixed is not None:
            self.findings.change(
                metadata.where.at("name"),
                f"a fixed name {shown(fixed)} becomes generateName {shown(expected)}, so every run "
                "creates its own child",
            )
        elif generate != expected:
            self.findings.change(
                metadata.where.at("generateName"), f"{shown(generate)} becomes {shown(expected)}"
            )
        self._labels(metadata.fields("labels"))
        owner_references = metadata.take("ownerReferences")
        self._ownership(
            set_owner_reference, owner_references, cross, resource_where, metadata.where
        )
        metadata.done()
        return child_namespace

    def _labels(self, labels: Fields) -> None:
        pipeline_labels = self.orchestrator.labels
        for key in labels.remaining():
            value = labels.take(key)
            if key in names.RESERVED_LABELS or pipeline_labels.get(key) == value:
                continue
            self.findings.cannot_express(
                labels.where.at(key),
                "a label of this child only: the spec's `labels` go on every object, run and child",
            )
        if not self._has_our_labels():
            self.findings.change(
                labels.where,
                f"the child gets the labels {names.PART_OF_LABEL}, {names.MANAGED_BY_LABEL}, "
                f"{names.PARENT_LABEL} and {names.STEP_LABEL}, so one selector finds it",
            )

    def _has_our_labels(self) -> bool:
        metadata = self.manifest.get("metadata")
        labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
        return isinstance(labels, Mapping) and all(
            key in labels for key in (names.PART_OF_LABEL, names.STEP_LABEL)
        )

    def _ownership(
        self,
        set_owner_reference: bool,
        owner_references: Any,
        cross: bool,
        resource_where: Where,
        metadata_where: Where,
    ) -> None:
        form = rendered.ownership()
        references_where = metadata_where.at("ownerReferences")
        ours = _is_run_reference(owner_references)
        if owner_references is not None and not ours:
            self.findings.cannot_express(
                references_where,
                "owner references other than the spawning run's: the spec makes the run own "
                "each child in its namespace, and nothing else",
            )
        owned = set_owner_reference or ours
        if cross:
            if owned:
                where = (
                    resource_where.at("setOwnerReference")
                    if set_owner_reference
                    else (references_where)
                )
                self.findings.change(
                    where,
                    "removed: Kubernetes forbids owner references across namespaces; the "
                    "child's ttlStrategy deletes it",
                )
            return
        if not owned:
            self.findings.change(
                resource_where,
                "the child is now owned by its run, so the CronWorkflow's history limits delete "
                "it with the run",
            )
        elif set_owner_reference and not form.set_owner_reference:
            self.findings.change(
                resource_where.at("setOwnerReference"),
                "written as `metadata.ownerReferences` in the manifest (the same owner)",
            )
        elif ours and form.owner_references is None:
            self.findings.change(
                references_where, "written as Argo's `setOwnerReference: true` (the same owner)"
            )

    # -- spec ------------------------------------------------------------------------------------

    def _spec(self, spec: Fields, namespace: str) -> None:
        self._template_ref(spec.fields("workflowTemplateRef"))
        self._arguments(spec.fields("arguments"))
        cross = namespace != self.orchestrator.namespace
        ttl = spec.take("ttlStrategy")
        ttl_where = spec.where.at("ttlStrategy")
        if ttl is not None and not (cross and ttl == CROSS_NAMESPACE_TTL):
            self.draft.put(("ttlStrategy",), ttl, ttl_where)
        elif ttl is None and cross:
            self.findings.change(
                ttl_where,
                f"added for a child in another namespace: {shown_as_yaml(CROSS_NAMESPACE_TTL)} (it "
                "cannot be owned by its run)",
            )
        self._deadline(spec.take("activeDeadlineSeconds"), spec.where.at("activeDeadlineSeconds"))
        self._synchronization(spec.fields("synchronization"))
        spec.done()

    def _template_ref(self, ref: Fields) -> None:
        name = self._literal(ref.text("name"), ref.where.at("name"), "template name")
        cluster = ref.take("clusterScope") is True
        ref.done()
        key = "clusterWorkflowTemplate" if cluster else "workflowTemplate"
        self.draft.put((key,), name, ref.where.at("name"))

    def _arguments(self, arguments: Fields) -> None:
        for where, item in arguments.items("parameters"):
            parameter = Fields(item, where, self.findings)
            name = parameter.text("name")
            value_where = where.at("value")
            if "value" not in parameter:
                self.findings.cannot_express(
                    where, "an argument without a `value`: the spec passes values only"
                )
                parameter.done()
                continue
            value = self._value(parameter.text("value"), value_where)
            parameter.done()
            if name is None or value is None:
                continue
            if ("arguments", name) in self.draft.origins:
                self.findings.cannot_express(where, f"a second argument {shown(name)}: dropped")
                continue
            self.draft.put(("arguments", name), value, value_where)
        arguments.done()

    def _deadline(self, value: Any, where: Where) -> None:
        if value is None:
            return
        text = scalar_text(value, where, self.findings)
        if text is None:
            return
        resolved = self._value(text, where, argument=False)
        if resolved is not None and resolved.isdigit():
            self.draft.deadline = (int(resolved), where)
        elif resolved is not None:
            self.findings.cannot_express(where, f"{shown(text)}: the spec takes a fixed deadline")

    def _synchronization(self, sync: Fields) -> None:
        draft = self.draft
        plural = [*sync.items("semaphores")]
        single = sync.take("semaphore")
        if single is not None:
            plural.append((sync.where.at("semaphore"), single))
            draft.singular_locks = True
        semaphores: list[tuple[Any, Where]] = []
        for where, item in plural:
            semaphore = Fields(item, where, self.findings)
            ref = semaphore.fields("configMapKeyRef")
            config_map, key = ref.text("name"), ref.text("key")
            ref.done()
            semaphore.done()
            if config_map is not None and key is not None:
                semaphores.append(({"configMap": config_map, "key": key}, where))
        mutex_items = [*sync.items("mutexes")]
        single = sync.take("mutex")
        if single is not None:
            mutex_items.append((sync.where.at("mutex"), single))
            draft.singular_locks = True
        mutexes: list[tuple[Any, Where]] = []
        for where, item in mutex_items:
            mutex = Fields(item, where, self.findings)
            name = mutex.text("name")
            mutex.done()
            if name is not None:
                mutexes.append((name, where))
        sync.done()
        draft.put_list(("synchronization", "semaphores"), semaphores, sync.where)
        draft.put_list(("synchronization", "mutexes"), mutexes, sync.where)

    # -- values ----------------------------------------------------------------------------------

    def _literal(self, text: str | None, where: Where, what: str) -> str | None:
        """A value that must be known before the run: tags resolved from the step's literals."""
        resolved = self._value(text, where, argument=False)
        if resolved is not None and tag_spans(resolved):
            self.findings.cannot_express(
                where,
                f"a {what} known only at run time ({shown(resolved)}): the spec needs a literal",
            )
            return None
        return resolved

    def _value(self, text: str | None, where: Where, *, argument: bool = True) -> str | None:
        """The manifest's text with the spawn template's inputs replaced by the step's values."""
        if text is None:
            return None
        ours = rendered.argument_input(text)
        if ours is not None:
            return self._input(ours, where)
        textual = False
        for start, end in tag_spans(text):
            whole = text[start:end]
            if _carries_over(whole):
                textual = True
            else:
                self.findings.cannot_express(
                    where,
                    f"{whole} reads the spawn template's own variables: it cannot move to the "
                    "step that passes the child's arguments",
                )
                return None
        missing = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal missing
            value = self._input(match.group(1), where)
            if value is None:
                missing = True
                return match.group(0)
            return value

        resolved = re.sub(_INPUT_TAG, substitute, text)
        if missing:
            return None
        if textual and argument:
            self.findings.change(
                where,
                "substituted into the manifest as text; now a step argument the manifest reads "
                "through sprig.quote, so quotes and newlines cannot rewrite the child (argo #3449)",
            )
        elif resolved != text:
            self.findings.change(where, f"{shown(text)} is {shown(resolved)}, the step's argument")
        return resolved

    def _input(self, name: str, where: Where) -> str | None:
        value = self.inputs.get(name)
        if value is None or value.text is None:
            self.findings.cannot_express(
                where, f"reads input {shown(name)}, which step {shown(self.step)} gives no value"
            )
            return None
        return value.text


def _carries_over(tag: str) -> bool:
    """True for a tag the step can pass: an input, a global, an expression of globals only."""
    if re.fullmatch(_INPUT_TAG, tag) or re.fullmatch(_GLOBAL_TAG, tag):
        return True
    return tag.lstrip("{ ").startswith("=") and not re.search(_LOCAL_NAMES, tag)


def _is_run_reference(references: Any) -> bool:
    """True for exactly one reference: the spawning run as controller, as Argo would set it."""
    if not isinstance(references, list) or len(references) != 1:
        return False
    (reference,) = references
    if not isinstance(reference, Mapping):
        return False
    expected = {
        "apiVersion": WORKFLOW_API_VERSION,
        "kind": "Workflow",
        "name": "{{workflow.name}}",
        "uid": "{{workflow.uid}}",
        "controller": True,
    }
    rest = {k: v for k, v in reference.items() if k != "blockOwnerDeletion"}
    return rest == expected and reference.get("blockOwnerDeletion") in (None, True, False)
