"""A Python emulation of how Argo's controller fills in a resource template's manifest.

Tests use it to run our emitted CronWorkflow through both of Argo's passes, without a cluster:

- the validation pass (`workflow/validate/validate.go`, `validateSteps` -> `validateTemplateHolder`
  -> `validateLeaf`): the spawn template's inputs are placeholders (`FakeArguments`) or the step's
  own arguments resolved against the spec's parameters, every remaining `{{= ...}}` tag is
  replaced by a placeholder (`SubstituteResourceManifestExpressions`), and the manifest must parse;
- the run-time pass: the step's arguments are resolved (`workflow/controller/steps.go`,
  `resolveReferences`: the step is JSON-marshalled and `template.Replace`d), the spawn template
  gets them as inputs (`workflow/common/util.go`, `ProcessArgs`) and is JSON-marshalled and
  substituted twice, globals first, then inputs (`SubstituteParams`). Simple tags are replaced by
  `strconv.Quote`-escaped text (`util/template/simple_template.go`, `simpleReplaceStrict`);
  expression tags are evaluated and their result is JSON-escaped
  (`util/template/expression_template.go`, `expressionReplaceStrict`/`expressionReplaceCore`);
  `util/template/replace.go`, `Replace`, insists on valid JSON before and after. The first pass
  also knows the step's local variables (`pod.name`, `steps.name`, `node.name`:
  `workflow/controller/operator.go`, `executeTemplate`, lines 2240-2256 at f016ad89).
  `executeResource` (`operator.go` lines 3926-3961) then re-marshals the manifest when the
  template sets `setOwnerReference`; the template, without its input parameters, becomes the pod's
  `ARGO_TEMPLATE` and the whole pod JSON is substituted a third time (`workflowpod.go`,
  `createWorkflowPod` lines 636-641 and 703, `substitutePodParams` lines 1004-1025); the executor
  reads `ARGO_TEMPLATE` back and hands the manifest to kubectl, which parses it as YAML.

Only the expressions our manifests use are evaluated: `toJson(...)` and `sprig.quote(...)` of an
input parameter here, and the date arithmetic of windows by `expr_dates`; any other expression
raises `Unemulated`, so a test never passes by accident. An expression expr fails on (a variable
missing, as `workflow.scheduledTime` without its annotation) is written back as it was, as Argo's
lenient passes do (`expressionReplaceCore` with allowUnresolved).
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from tests.support import expr_dates

PLACEHOLDER_PREFIX = "__argo__internal__placeholder-"  # util/template/placeholder.go
WORKFLOW_NAME = "nightly-1767225600"  # a cron run: `<cron name>-<unix seconds>`
CREATED = "2026-01-01T00:00:05Z"  # the run's creationTimestamp, RFC 3339
WORKFLOW_UID = "4b1d6bd4-7d2c-4d0e-9a53-2f6a7d0c8b11"


class ArgoError(Exception):
    """Where Argo returns an error: the step fails and no child is created."""


class Unemulated(Exception):
    """An expression outside what this emulation evaluates."""


# --- Go's encoders ------------------------------------------------------------------------------


def _go_printable(char: str) -> bool:
    # unicode.IsPrint: categories L, M, N, P, S and the ASCII space; str.isprintable agrees.
    return char == " " or char.isprintable()


_QUOTE_SHORT = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_QUOTE_SHORT["\v"] = "\\v"


def go_quote(text: str) -> str:
    """`strconv.Quote(text)` without its surrounding quotes (lower-case hex, as Go writes it)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0xD800 <= code <= 0xDFFF:  # not valid UTF-8: Go quotes the bytes one by one
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
        elif _go_printable(char):
            out.append(char)
        elif char in _QUOTE_SHORT:
            out.append(_QUOTE_SHORT[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_JSON_SHORT["\t"] = "\\t"


def go_json_string(text: str) -> str:
    """`json.Marshal(text)`: HTML-safe escaping of <, >, &, U+2028 and U+2029, as Go does."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _JSON_SHORT:
            out.append(_JSON_SHORT[char])
        elif code < 0x20 or char in "<>&" or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")  # invalid UTF-8 becomes the replacement character
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def go_json(value: Any, *, struct: bool = True) -> str:
    """`json.Marshal` of plain data: keys in the order Go's structs declare them, or, for a
    `map[string]interface{}` (`struct=False`, e.g. an unstructured object), sorted."""
    if isinstance(value, Mapping):
        if struct:
            items = sorted(value.items(), key=lambda kv: _GO_FIELD_RANK.get(kv[0], len(_GO_ORDER)))
        else:
            items = sorted(value.items())
        return (
            "{"
            + ",".join(f"{go_json_string(k)}:{go_json(v, struct=struct)}" for k, v in items)
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(go_json(item, struct=struct) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, str):
        return go_json_string(value)
    raise TypeError(type(value).__name__)


# Field order of wfv1.WorkflowStep, Template, Inputs, Parameter and ResourceTemplate (the order
# matters only when a `{{` in a value reaches across fields to a later `}}`).
_GO_ORDER = [
    *("name", "template", "inline", "arguments", "inputs", "outputs", "parameters", "artifacts"),
    *("default", "value", "valueFrom", "globalName", "enum", "description", "metadata", "steps"),
    *("container", "resource", "action", "mergeStrategy", "manifest", "manifestFrom"),
    *("setOwnerReference", "successCondition", "failureCondition", "flags", "templateRef"),
]
_GO_FIELD_RANK = {key: rank for rank, key in enumerate(_GO_ORDER)}


def _go_json_valid(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _go_trim_space(text: str) -> str:
    """`strings.TrimSpace`: Go's unicode.IsSpace, not Python's wider idea of whitespace."""

    def is_space(char: str) -> bool:
        return char in "\t\n\v\f\r\x85" or unicodedata.category(char) in ("Zs", "Zl", "Zp")

    start, end = 0, len(text)
    while start < end and is_space(text[start]):
        start += 1
    while end > start and is_space(text[end - 1]):
        end -= 1
    return text[start:end]


# --- fasttemplate and util/template -------------------------------------------------------------


def fasttemplate_execute(text: str, replace_tag: Callable[[str], str]) -> str:
    """valyala/fasttemplate with `{{`/`}}`: tags run to the first `}}`; an unclosed one errors."""
    out = []
    position = 0
    while (start := text.find("{{", position)) >= 0:
        out.append(text[position:start])
        end = text.find("}}", start + 2)
        if end < 0:
            raise ArgoError("cannot find end tag='}}' in the template")
        out.append(replace_tag(text[start + 2 : end]))
        position = end + 2
    out.append(text[position:])
    return "".join(out)


def simple_replace(tag: str, replace_map: Mapping[str, str], allow_unresolved: bool) -> str:
    """simple_template.go `simpleReplaceStrict`: known tags become strconv.Quote'd text."""
    replacement = replace_map.get(_go_trim_space(tag))
    if replacement is not None:
        return go_quote(replacement)
    index = tag.rfind("{{")
    if index > 0 and tag[index + 2 :] in replace_map:  # a tag whose tail is another tag
        return "{{" + tag[:index] + go_quote(replace_map[tag[index + 2 :]])
    if not allow_unresolved:
        raise ArgoError(f"failed to resolve {{{{{tag}}}}}")
    return "{{" + tag + "}}"


_INPUT_EXPRESSION = re.compile(
    r"^(toJson|sprig\.quote)\(inputs\.parameters\['([-a-zA-Z0-9_]+)'\]\)$"
)


def expression_replace(expression: str, replace_map: Mapping[str, str]) -> str:
    """expression_template.go: evaluate, JSON-marshal, strip the quotes; unresolved stays as is."""
    try:
        source = json.loads(f'"{expression}"')  # "The template is JSON-marshaled": undo escapes
    except ValueError as error:
        raise ArgoError(f"failed to unmarshall JSON expression: {error}") from None
    match = _INPUT_EXPRESSION.match(source)
    if match is None:
        try:
            value = expr_dates.evaluate(source, replace_map)
        except expr_dates.ExprError:
            return "{{=" + expression + "}}"  # unresolved is allowed: the tag stays
        except expr_dates.Unemulated as error:
            raise Unemulated(source) from error
        return go_json_string(expr_dates.result_text(value))[1:-1]
    function, name = match.groups()
    value = replace_map.get(f"inputs.parameters.{name}")
    if value is None:  # identifiers missing from the env: allowUnresolved writes the tag back
        return "{{=" + expression + "}}"
    # util/expr/env/env.go toJSON is json.Marshal; sprig's quote is fmt.Sprintf("%q").
    result = go_json_string(value) if function == "toJson" else f'"{go_quote(value)}"'
    return go_json_string(result)[1:-1]


def template_replace(text: str, replace_map: Mapping[str, str], allow_unresolved: bool) -> str:
    """replace.go `Replace`: valid JSON in, one fasttemplate pass, valid JSON out."""
    if not _go_json_valid(text):
        raise ArgoError("cannot do template replacements with invalid JSON")

    def replace_tag(tag: str) -> str:
        if tag.startswith("="):  # kind.go parseTag
            return expression_replace(tag[1:], replace_map)
        return simple_replace(tag, replace_map, allow_unresolved)

    replaced = fasttemplate_execute(text, replace_tag)
    if not _go_json_valid(replaced):
        raise ArgoError("cannot finish template replacement because the result was invalid JSON")
    return replaced


# --- the controller -----------------------------------------------------------------------------


def global_params(
    cron: Mapping[str, Any],
    overrides: Mapping[str, str] | None = None,
    *,
    scheduled_time: str | None = None,
) -> dict:
    """operator.go `setGlobalParameters` for a run of this CronWorkflow (`-p` overrides values).

    Parameter values are kept as written (expression tags included); `workflow.scheduledTime`
    is set only from the run's annotation (`scheduled_time`), as Argo reads it.
    """
    spec = cron["spec"]["workflowSpec"]
    values = {p["name"]: p["value"] for p in spec.get("arguments", {}).get("parameters", [])}
    values.update(overrides or {})
    params = {
        "workflow.name": WORKFLOW_NAME,
        "workflow.namespace": cron["metadata"]["namespace"],
        "workflow.uid": WORKFLOW_UID,
        "workflow.serviceAccountName": spec.get("serviceAccountName", "default"),
        "workflow.mainEntrypoint": spec["entrypoint"],
        "workflow.creationTimestamp": CREATED,
        "workflow.creationTimestamp.RFC3339": CREATED,
    }
    if scheduled_time is not None:
        params["workflow.scheduledTime"] = scheduled_time
    params.update({f"workflow.parameters.{name}": value for name, value in values.items()})
    return params


def resolve_step(step: Mapping[str, Any], params: Mapping[str, str]) -> dict[str, Any]:
    """steps.go `resolveReferences`: the step, JSON-marshalled, through `template.Replace`."""
    return dict(json.loads(template_replace(go_json(step), params, allow_unresolved=True)))


def pod_name(template_name: str) -> str:
    """The pod a template's node runs in (`util.GeneratePodName`: workflow, template, a hash)."""
    return f"{WORKFLOW_NAME}-{template_name}-1234567890"


def local_params(template: Mapping[str, Any], step_name: str) -> dict[str, str]:
    """operator.go `executeTemplate` (lines 2240-2256): what the first pass knows of this node.

    A resource template is a pod type, so `pod.name` is set unless it has a retryStrategy.
    """
    params = {"steps.name": step_name, "node.name": f"{WORKFLOW_NAME}[0].{step_name}"}
    if "retryStrategy" not in template:
        params["pod.name"] = pod_name(template["name"])
    return params


def process_args(
    template: Mapping[str, Any],
    arguments: Mapping[str, str],
    params: Mapping[str, str],
    local: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """common/util.go `ProcessArgs` (line 200) then `SubstituteParams` (line 273): globals and
    locals first (line 280), then inputs."""
    tmpl = copy.deepcopy(dict(template))
    for parameter in tmpl.get("inputs", {}).get("parameters", []):
        if parameter["name"] not in arguments:
            raise ArgoError(f"inputs.parameters.{parameter['name']} was not supplied")
        parameter["value"] = arguments[parameter["name"]]
    replace_map = {**params, **(local or {})}
    first = template_replace(go_json(tmpl), replace_map, allow_unresolved=True)
    inputs = json.loads(first).get("inputs", {}).get("parameters", [])
    for parameter in inputs:
        replace_map[f"inputs.parameters.{parameter['name']}"] = parameter["value"]
    if inputs:
        replace_map["inputs.parameters"] = go_json(inputs)
    return dict(json.loads(template_replace(first, replace_map, allow_unresolved=True)))


def inline_cron(documents: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The CronWorkflow among `documents`, its `workflowTemplateRef` replaced by the template's
    spec: what the controller runs (workflow/util/merge.go; nothing else sits beside our ref)."""
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    ref = cron["spec"]["workflowSpec"].get("workflowTemplateRef")
    if ref is None:
        return dict(cron)
    (template,) = [
        d
        for d in documents
        if d["kind"] == "WorkflowTemplate" and d["metadata"]["name"] == ref["name"]
    ]
    spec = {k: v for k, v in template["spec"].items() if k != "workflowMetadata"}
    return {**cron, "spec": {**cron["spec"], "workflowSpec": spec}}


def owner_reference() -> dict[str, Any]:
    """`metav1.NewControllerRef(wf, argoproj.io/v1alpha1 Workflow)`, as Argo appends it
    (k8s.io/apimachinery `pkg/apis/meta/v1/controller_ref.go`, `NewControllerRef`)."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "name": WORKFLOW_NAME,
        "uid": WORKFLOW_UID,
        "controller": True,
        "blockOwnerDeletion": True,
    }


_OWNER_REFERENCE_FIELDS = ("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")


def execute_resource(template: Mapping[str, Any]) -> dict[str, Any]:
    """operator.go `executeResource` (lines 3926-3961): with `setOwnerReference`, the manifest is
    parsed (`sigs.k8s.io/yaml.Unmarshal`, line 3939), the owner reference appended (lines
    3944-3945; unstructured's Get/SetOwnerReferences keep only the six fields of an existing one)
    and the object written again (`yaml.Marshal`, line 3946): Go's `json.Marshal` of the map
    (keys sorted, C1 controls and DEL written raw), then `JSONToYAML`, which reads that JSON with
    yaml.v2 and writes YAML. A manifest without `setOwnerReference` is not touched here.
    """
    tmpl = copy.deepcopy(dict(template))
    resource = tmpl["resource"]
    if not resource.get("setOwnerReference"):
        return tmpl
    obj = parse_manifest(resource["manifest"])
    if not isinstance(obj, dict) or not obj.get("kind"):
        raise ArgoError("Object 'Kind' is missing")
    metadata = obj.setdefault("metadata", {})
    kept = [
        {key: ref[key] for key in _OWNER_REFERENCE_FIELDS if key in ref}
        for ref in metadata.get("ownerReferences") or []
    ]
    metadata["ownerReferences"] = [*kept, owner_reference()]
    as_json = go_json(obj, struct=False)
    try:  # JSONToYAML: yaml.v2 reads the JSON text (JSON is YAML), the reader's rules apply
        reread = parse_manifest(as_json)
    except ArgoError as error:
        raise ArgoError(f"setOwnerReference re-marshal: {error}") from None
    resource["manifest"] = yaml.safe_dump(
        reread, allow_unicode=True, sort_keys=True, default_flow_style=False, width=1 << 30
    )
    return tmpl


def pod_template(template: Mapping[str, Any], params: Mapping[str, str]) -> dict[str, Any]:
    """The template as the executor receives it: `ARGO_TEMPLATE` of a pod substituted once more.

    workflowpod.go `createWorkflowPod`: the template without its input parameters (lines 636-641)
    is JSON-marshalled into the env var ARGO_TEMPLATE; `substitutePodParams` (line 703, lines
    1004-1025) replaces globals, `inputs.parameters.*` and `pod.name` over the whole pod JSON,
    where the template is JSON inside JSON; the executor `json.Unmarshal`s it back
    (`cmd/argoexec/executor/init.go`). The pod here has the fields around ARGO_TEMPLATE that a
    `{{` reaching across fields would meet first.
    """
    simplified = copy.deepcopy(dict(template))
    inputs = simplified.pop("inputs", {})
    name = pod_name(template["name"])
    env = [
        {"name": "ARGO_CONTAINER_NAME", "value": "main"},
        {"name": "ARGO_TEMPLATE", "value": go_json({**simplified, "inputs": {}})},
        {"name": "ARGO_NODE_ID", "value": name},
        {"name": "ARGO_INCLUDE_SCRIPT_OUTPUT", "value": "false"},
        {"name": "ARGO_DEADLINE", "value": "0001-01-01T00:00:00Z"},
        {"name": "ARGO_WORKFLOW_NAME", "value": WORKFLOW_NAME},
    ]
    pod = {
        "metadata": {"name": name, "namespace": params.get("workflow.namespace", "")},
        "spec": {
            "containers": [
                {
                    "name": "main",
                    "image": "quay.io/argoproj/argoexec:latest",
                    "command": ["argoexec", "resource", template["resource"]["action"]],
                    "env": env,
                }
            ],
            "serviceAccountName": params.get("workflow.serviceAccountName", ""),
        },
    }
    pod_params = dict(params)
    for parameter in inputs.get("parameters", []):
        pod_params[f"inputs.parameters.{parameter['name']}"] = parameter.get("value", "")
    pod_params["pod.name"] = name
    replaced = json.loads(template_replace(go_json(pod), pod_params, allow_unresolved=True))
    (text,) = [
        e["value"] for e in replaced["spec"]["containers"][0]["env"] if e["name"] == "ARGO_TEMPLATE"
    ]
    try:
        return dict(json.loads(text))
    except ValueError as error:
        raise ArgoError(f"ARGO_TEMPLATE is not valid JSON: {error}") from None


def _templates(cron: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in cron["spec"]["workflowSpec"]["templates"]}


def entry_steps(cron: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The entry template's steps (stages) or DAG tasks, which spawn the children alike."""
    main = _templates(cron)[cron["spec"]["workflowSpec"]["entrypoint"]]
    if "dag" in main:
        return [dict(task) for task in main["dag"]["tasks"]]
    return [dict(step) for group in main["steps"] for step in group]


def _step(cron: Mapping[str, Any], step_name: str) -> dict[str, Any]:
    for step in entry_steps(cron):
        if step["name"] == step_name:
            return step
    raise KeyError(step_name)


def parse_manifest(text: str) -> Any:
    """The executor's YAML parse (go-yaml: same reader and scanner rules as libyaml)."""
    from pulumi_argo_orchestration.views.conformance import _yaml_loader

    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as error:
        raise ArgoError(f"manifest is not valid YAML: {error}") from None


def run_child(
    cron: Mapping[str, Any],
    step_name: str,
    overrides: Mapping[str, str] | None = None,
    outputs: Mapping[str, str] | None = None,
    *,
    scheduled_time: str | None = None,
) -> Any:
    """The child object the executor would create for one step of one cron run.

    `outputs` are earlier steps' outputs in the step's scope, keyed as they are referenced
    (`steps.extract.outputs.parameters.rows`): steps.go `resolveReferences` resolves the step's
    arguments against the workflow's globals and that scope. `scheduled_time` is the run's
    `workflows.argoproj.io/scheduled-time` annotation.
    """
    params = global_params(cron, overrides, scheduled_time=scheduled_time)
    step = resolve_step(_step(cron, step_name), {**params, **(outputs or {})})
    arguments = {p["name"]: p["value"] for p in step.get("arguments", {}).get("parameters", [])}
    template = _templates(cron)[step["template"]]
    spawn = process_args(template, arguments, params, local_params(template, step_name))
    spawn = pod_template(execute_resource(spawn), params)
    return parse_manifest(spawn["resource"]["manifest"])


# --- the validation pass ------------------------------------------------------------------------


def _substitute_manifest_expressions(manifest: str, placeholders: dict[str, str]) -> str:
    """validate.go `SubstituteResourceManifestExpressions`."""
    pattern = re.compile(r"\{\{\s*=\s*(.+?)\s*\}\}")
    for expression in dict.fromkeys(m.group(1) for m in pattern.finditer(manifest)):
        placeholder = placeholders.setdefault(
            "=" + expression, f"{PLACEHOLDER_PREFIX}{len(placeholders)}"
        )
        manifest = re.sub(
            r"\{\{\s*=\s*" + re.escape(expression) + r"\s*\}\}",
            lambda _m, p=placeholder: p,
            manifest,
        )
    return manifest


def validate_child(
    cron: Mapping[str, Any], step_name: str, fake_arguments: bool
) -> tuple[Any, dict[str, str]]:
    """The child as the validation pass parses it, with the placeholders it used, by meaning.

    `fake_arguments` validates the spawn template with `FakeArguments` (every input a
    placeholder); otherwise with the step's own arguments, whose `{{workflow.parameters.x}}` are
    resolved against the spec's parameter values, as `ValidateCronWorkflow` does.
    """
    placeholders: dict[str, str] = {}

    def placeholder(meaning: str) -> str:
        return placeholders.setdefault(meaning, f"{PLACEHOLDER_PREFIX}{len(placeholders)}")

    params = global_params(cron)
    for name in ("workflow.name", "workflow.namespace", "workflow.uid", "workflow.mainEntrypoint"):
        params[name] = placeholder(name)
    params["workflow.serviceAccountName"] = placeholder("workflow.serviceAccountName")
    step = _step(cron, step_name)
    spawn = _templates(cron)[step["template"]]
    names = [p["name"] for p in spawn.get("inputs", {}).get("parameters", [])]
    if fake_arguments:
        arguments = {name: placeholder(f"inputs.parameters.{name}") for name in names}
    else:
        arguments = {p["name"]: p["value"] for p in step.get("arguments", {}).get("parameters", [])}
    local = {"pod.name": placeholder("pod.name")}  # validate.go: pod types get a placeholder
    done = process_args(spawn, arguments, params, local)
    manifest = _substitute_manifest_expressions(done["resource"]["manifest"], placeholders)
    return parse_manifest(manifest), placeholders


# --- comparing ----------------------------------------------------------------------------------


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every path where two parsed objects differ: fields added, removed or altered."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        found = []
        for key in dict.fromkeys([*expected, *actual]):
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(f"{where}: removed")
            elif key not in expected:
                found.append(f"{where}: added")
            else:
                found += differences(expected[key], actual[key], where)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items became {len(actual)}"]
        pairs = enumerate(zip(expected, actual, strict=True))
        return [d for i, (e, a) in pairs for d in differences(e, a, f"{path}[{i}]")]
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: {expected!r} became {actual!r}"]
    return []


def replace_strings(value: Any, mapping: Mapping[str, str]) -> Any:
    """A copy with every string equal to a key replaced by its value."""
    if isinstance(value, Mapping):
        return {k: replace_strings(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_strings(v, mapping) for v in value]
    if isinstance(value, str):
        return mapping.get(value, value)
    return value
