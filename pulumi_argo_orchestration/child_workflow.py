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
"""

from __future__ import annotations

from typing import Any

from . import names
from .model import Child
from .yaml_output import dump_document

SUCCESS_CONDITION = "status.phase == Succeeded"
FAILURE_CONDITION = "status.phase in (Failed, Error)"
# Spaces keep the sentinel out of every other field: names and label values cannot hold them.
_SENTINEL = "ARGO ORCHESTRATION ARGUMENT {}"


def spawn_template_name(step: str) -> str:
    """The orchestrator template that spawns one child."""
    return f"spawn-{step}"


def argument_expression(parameter: str) -> str:
    """The expression tag that places an input parameter's value as a quoted YAML string."""
    return "{{=sprig.quote(inputs.parameters['" + parameter + "'])}}"


def child_manifest(pipeline_name: str, namespace: str, labels: dict[str, str], child: Child) -> str:
    """The child Workflow as YAML text, its argument values left to Argo's expression tags."""
    metadata: dict[str, Any] = {
        "generateName": names.child_generate_name(pipeline_name, child.name),
        "namespace": namespace,
        "labels": {
            **labels,
            names.PARENT_LABEL: "{{workflow.name}}",
            names.STEP_LABEL: child.name,
        },
    }
    spec: dict[str, Any] = {}
    keys = list(child.arguments)
    if keys:
        spec["arguments"] = {
            "parameters": [
                {"name": key, "value": _SENTINEL.format(index)} for index, key in enumerate(keys)
            ]
        }
    ref: dict[str, Any] = {"name": child.template_ref}
    if child.cluster_scope:
        ref["clusterScope"] = True
    spec["workflowTemplateRef"] = ref
    text = dump_document(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": metadata,
            "spec": spec,
        }
    )
    for index, key in enumerate(keys):
        text = text.replace(f"{_SENTINEL.format(index)}\n", f"{argument_expression(key)}\n", 1)
    return text


def spawn_template(
    pipeline_name: str, namespace: str, labels: dict[str, str], child: Child
) -> dict[str, Any]:
    """The resource template: create the child, own it, wait for it to succeed or fail."""
    template: dict[str, Any] = {"name": spawn_template_name(child.name)}
    if child.arguments:
        template["inputs"] = {"parameters": [{"name": key} for key in child.arguments]}
    template["resource"] = {
        "action": "create",
        "setOwnerReference": True,
        "successCondition": SUCCESS_CONDITION,
        "failureCondition": FAILURE_CONDITION,
        "manifest": child_manifest(pipeline_name, namespace, labels, child),
    }
    return template


def spawn_step(child: Child) -> dict[str, Any]:
    """The orchestrator's step for one child; argument text travels as structured YAML here."""
    step: dict[str, Any] = {"name": child.name, "template": spawn_template_name(child.name)}
    if child.arguments:
        step["arguments"] = {
            "parameters": [{"name": key, "value": value} for key, value in child.arguments.items()]
        }
    return step
