r"""How the orchestrator spawns a child: a resource template whose manifest is a Workflow.

Argo substitutes `{{...}}` into `resource.manifest` as text before parsing it as YAML, so a
parameter value with a quote, a newline or `: ` would rewrite the child (argo #3449). We never put
an argument's text into the manifest: each argument becomes an input parameter of the resource
template, and the manifest reads it through an expression tag:
`{{=sprig.quote(inputs.parameters['x'])}}`.

`sprig.quote` is Go's `strconv.Quote`: it escapes `"`, `\` and every non-printable character,
and each escape it writes (`\n`, `\a`, `\x07`, `\u0085`, `\U000e0001`) is also an escape of
YAML's double-quoted style, so YAML reads the value back exactly. `toJson` looks equivalent but is
not: Go's `json.Marshal` leaves U+0085 (NEL) and the other C1 controls raw, and YAML folds a raw
NEL into a space and refuses raw C1 controls: such a value reached the child altered, or never.
Argo evaluates the tag with `util/template/expression_template.go` (`expressionReplaceCore`) and
JSON-escapes its result into the JSON-marshalled template (`workflow/common/util.go`,
`SubstituteParams`); the controller's validation replaces it by a placeholder first
(`workflow/validate/validate.go`, `SubstituteResourceManifestExpressions`). Only parameter names
we validated (`^[-a-zA-Z0-9_]+$`) ever appear inside the expression; never user text.

A child in its parent's namespace is owned by the parent run through `metadata.ownerReferences`
written in the manifest text, from `{{workflow.name}}` and `{{workflow.uid}}` (both set for every
run: `workflow/controller/operator.go`, `setGlobalParameters`). Argo's own `setOwnerReference:
true` is not used: it parses the manifest and writes it again through Go's `json.Marshal` and
yaml.v2 (`operator.go`, `executeResource`), which folds a NEL (U+0085) in an argument into a space
and fails the step on any other C1 control character; a manifest we write is handed to kubectl
byte for byte. The reference has no `blockOwnerDeletion` (Argo's would set it): it matters only
for foreground deletion, which Argo never uses, and under the OwnerReferencesPermissionEnforcement
admission plugin it would need `update` on `workflows/finalizers` (`argo/rbac.py`).

A child's outputs come back the other way: its template exports each output parameter with
`globalName`, the controller copies it into the child Workflow's `status.outputs.parameters`
(workflow/controller/operator.go, `addOutputsToGlobalScope`; workflow/util/util.go,
`AddParamToGlobalScope`), and once the success condition holds the executor reads it with
`kubectl get ... -o jsonpath=` (workflow/executor/resource.go, `SaveResourceParameters`) into the
spawn template's declared outputs, which later steps read as `{{steps.X.outputs.parameters.Y}}`.
The JSONPath needs its braces (without them kubectl prints the text itself); a name that is
missing yields an empty string.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from ..spec import names
from ..spec.models import CROSS_NAMESPACE_TTL, ArgoVersion, Child
from ..syntax.go_duration import duration_seconds
from .synchronization import synchronization_spec
from .versions import singular_synchronization
from .yaml_text import dump_document

SUCCESS_CONDITION = "status.phase == Succeeded"
FAILURE_CONDITION = "status.phase in (Failed, Error)"
# Spaces keep the sentinel out of every other field: names and label values cannot hold them.
_SENTINEL = "ARGO ORCHESTRATION ARGUMENT {}"


def output_json_path(name: str) -> str:
    """The kubectl JSONPath of a global output parameter in a Workflow's status."""
    return '{.status.outputs.parameters[?(@.name=="' + name + '")].value}'


def spawn_template_name(step: str) -> str:
    """The orchestrator template that spawns one child."""
    return f"spawn-{step}"


def argument_expression(parameter: str) -> str:
    """The expression tag that places an input parameter's value as a quoted YAML string."""
    return "{{=sprig.quote(inputs.parameters['" + parameter + "'])}}"


def owner_references() -> list[dict[str, Any]]:
    """The parent run as the child's controller; Kubernetes deletes the child with its run.

    Same namespace only: Kubernetes forbids owner references across namespaces.
    """
    return [
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "name": "{{workflow.name}}",
            "uid": "{{workflow.uid}}",
            "controller": True,
        }
    ]


def ttl_strategy(child: Child, cross_namespace: bool) -> dict[str, int] | None:
    """The child's ttlStrategy: its own, else the cross-namespace default, else none (owned)."""
    if child.ttl_strategy is not None:
        return child.ttl_strategy.model_dump(by_alias=True, exclude_none=True)
    return dict(CROSS_NAMESPACE_TTL) if cross_namespace else None


def child_manifest(
    pipeline_name: str,
    namespace: str,
    labels: dict[str, str],
    child: Child,
    parent_namespace: str | None = None,
    *,
    default_timeout: str | None = None,
    argo_version: ArgoVersion = ArgoVersion.V4,
) -> str:
    """The child Workflow as YAML text, its argument values left to Argo's expression tags.

    `parent_namespace` is set when the child runs in another namespace than its parent. The
    timeout and locks belong to the child Workflow, so they bound and count the child's own run,
    whether or not its orchestrator is still there.
    """
    keys = list(child.arguments)
    document = child_document(
        pipeline_name,
        namespace,
        labels,
        child,
        {key: _SENTINEL.format(index) for index, key in enumerate(keys)},
        parent_namespace=parent_namespace,
        parent="{{workflow.name}}",
        default_timeout=default_timeout,
        argo_version=argo_version,
    )
    # Every owned child has the same owner-reference block: dumped once, not with each child.
    owned = document["metadata"].pop("ownerReferences", None) is not None
    text = dump_document(document)
    for index, key in enumerate(keys):
        text = text.replace(f"{_SENTINEL.format(index)}\n", f"{argument_expression(key)}\n", 1)
    if owned:  # the last entry of `metadata`, just before `spec:`
        text = text.replace("\nspec:\n", f"\n{_owner_references_text()}spec:\n", 1)
    return text


def child_document(
    pipeline_name: str,
    namespace: str,
    labels: dict[str, str],
    child: Child,
    arguments: dict[str, str],
    *,
    parent_namespace: str | None = None,
    parent: str | None = None,
    default_timeout: str | None = None,
    argo_version: ArgoVersion = ArgoVersion.V4,
) -> dict[str, Any]:
    """The child Workflow with these argument values; `parent` names the run that spawns it.

    Without `parent` (a child started on its own) it carries no label naming a parent.
    """
    child_labels = dict(labels)
    if parent is not None:
        child_labels[names.PARENT_LABEL] = parent
    child_labels[names.STEP_LABEL] = child.name
    if parent is not None and parent_namespace is not None:
        child_labels[names.PARENT_NAMESPACE_LABEL] = parent_namespace
    metadata: dict[str, Any] = {
        "generateName": names.child_generate_name(pipeline_name, child.name),
        "namespace": namespace,
        "labels": child_labels,
    }
    if parent is not None and parent_namespace is None:
        # Spawned by a run in its own namespace: owned by that run.
        metadata["ownerReferences"] = owner_references()
    spec: dict[str, Any] = {}
    if arguments:
        spec["arguments"] = {
            "parameters": [{"name": key, "value": value} for key, value in arguments.items()]
        }
    ref: dict[str, Any] = {"name": child.template_ref}
    if child.cluster_scope:
        ref["clusterScope"] = True
    spec["workflowTemplateRef"] = ref
    ttl = ttl_strategy(child, cross_namespace=parent_namespace is not None)
    if ttl is not None:
        spec["ttlStrategy"] = ttl
    timeout = child.timeout or default_timeout
    if timeout is not None:
        spec["activeDeadlineSeconds"] = duration_seconds(timeout)
    if child.synchronization is not None:
        locks = synchronization_spec(child.synchronization)
        # The manifest is text, so the v3.5 rewrite of documents cannot reach it: spell it here.
        spec["synchronization"] = (
            singular_synchronization(locks) if argo_version is ArgoVersion.V3_5 else locks
        )
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": metadata,
        "spec": spec,
    }


@functools.cache
def _owner_references_text() -> str:
    """`ownerReferences` as `metadata` holds it, dumped once: every owned child has the same."""
    text = dump_document({"metadata": {"ownerReferences": owner_references()}})
    return text.removeprefix("metadata:\n")


def spawn_template(
    pipeline_name: str,
    namespace: str,
    labels: dict[str, str],
    child: Child,
    *,
    default_timeout: str | None = None,
    argo_version: ArgoVersion = ArgoVersion.V4,
    outputs: Sequence[str] = (),
    metrics: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The resource template: create the child, wait for it to succeed or fail.

    The manifest makes the run own a child in its namespace; a child in another namespace cannot
    be owned by its parent, and its ttlStrategy deletes it.
    `outputs` are the child's output parameters later steps read: declared here, read from the
    child Workflow once it has succeeded.
    `metrics` is the template's `metrics` (the step's duration, when the pipeline has alerts).
    """
    template: dict[str, Any] = {"name": spawn_template_name(child.name)}
    if child.arguments:
        template["inputs"] = {"parameters": [{"name": key} for key in child.arguments]}
    child_namespace = child.namespace or namespace
    cross_namespace = child_namespace != namespace
    resource: dict[str, Any] = {"action": "create"}
    resource["successCondition"] = SUCCESS_CONDITION
    resource["failureCondition"] = FAILURE_CONDITION
    resource["manifest"] = child_manifest(
        pipeline_name,
        child_namespace,
        labels,
        child,
        parent_namespace=namespace if cross_namespace else None,
        default_timeout=default_timeout,
        argo_version=argo_version,
    )
    template["resource"] = resource
    if outputs:
        template["outputs"] = {
            "parameters": [
                {"name": name, "valueFrom": {"jsonPath": output_json_path(name)}}
                for name in outputs
            ]
        }
    if metrics is not None:
        template["metrics"] = metrics
    return template


def spawn_step(child: Child) -> dict[str, Any]:
    """The orchestrator's step for one child; argument text travels as structured YAML here."""
    step: dict[str, Any] = {"name": child.name, "template": spawn_template_name(child.name)}
    if child.arguments:
        step["arguments"] = {
            "parameters": [{"name": key, "value": value} for key, value in child.arguments.items()]
        }
    if child.when is not None:
        step["when"] = child.when
    if child.optional:
        step["continueOn"] = {"failed": True}
    return step
