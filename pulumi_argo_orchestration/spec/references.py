"""Every `{{...}}` in a spec, resolved the way Argo will: which variables exist where.

Argo substitutes tags in every string of a workflow it runs: the whole spec with the run's globals
(`workflow/controller/operator.go`, `substituteGlobalVariables`), each template again with its
node's locals and inputs (`workflow/common/util.go`, `ProcessArgs`), a step's arguments and `when`
with the nodes that ran before (`workflow/controller/steps.go`, `resolveReferences`). A name it
does not know is either rejected when the workflow is validated (tags starting with `workflow.`,
`steps.`, `tasks.`, `inputs.`, `outputs.`, `pod.` or `item.`: `workflow/validate/validate.go`,
`resolveAllVariables`) or left in the text as written (any other tag, e.g. a misspelt
`{{worklfow.parameters.x}}`): either way the run does not do what the spec says, hours after it was
deployed. So every tag in every string that reaches a manifest is checked here, against what Argo
sets in that place, with a suggestion when the name is close to one it sets:

- the orchestrator (the pipeline's parameter values, each child's `arguments` and `when`): the run's
  globals, the pipeline's parameters, `steps.X.*` or `tasks.X.*` of the children that ran before
  (`control_flow` works out which), `workflow.status` and `workflow.failures` in `onExit` only;
- a WorkflowTemplate the package creates: the child run's globals and the template's own
  parameters (`{{workflow.parameters.NAME}}`: they are the WorkflowTemplate's arguments, so a
  template has no `inputs`), and in the template Argo runs (its containers, script, volumes,
  outputs, retries) `pod.name`, `node.name` and, with a retryStrategy, `retries` and
  `lastRetry.*` (`operator.go`, `executeTemplate`); the WorkflowTemplate's `spec` (scheduling,
  `podMetadata`, arguments) gets the globals only (`substituteGlobalVariables`).

A parameter value or a child argument is template text to Argo as well, and a `{{` in it cannot be
escaped (argo #8253): a value may refer to variables Argo resolves there, and any other `{{` (an
expression such as `{{=1+1}}`, a stray `a{{b`, a tag holding another `{{`) is refused, since the
child would not receive the text as written. A template's own fields may use expressions: Argo
evaluates them, and only the parameter names they read are checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from enum import Enum
from types import UnionType
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

from ..errors import Problem, format_path, shown
from ..syntax import template_text
from . import names
from .fields import NO_TEMPLATE_TEXT
from .models import PipelineFields, Template

# util/strftime/strftime.go, FormatChars: `workflow.creationTimestamp.<char>`, plus `.s` (Unix
# seconds) and `.RFC3339` (operator.go, setGlobalParameters).
_TIMESTAMP_FORMATS = (*"BbmAadHIMSYypZzL", "s", "RFC3339")
RUN_GLOBALS = (
    "workflow.name",
    "workflow.namespace",
    "workflow.uid",
    "workflow.mainEntrypoint",
    "workflow.serviceAccountName",
    "workflow.creationTimestamp",
    *(f"workflow.creationTimestamp.{char}" for char in _TIMESTAMP_FORMATS),
    "workflow.duration",
    "workflow.labels",
    "workflow.labels.json",
    "workflow.annotations",
    "workflow.annotations.json",
)
# Set for runs a CronWorkflow starts: the scheduled-time annotation (operator.go,
# setGlobalParameters; workflow/common/convert.go adds it and the cron-workflow label).
_CRONRUN_GLOBALS = ("workflow.scheduledTime",)
_CRON_RUN_LABELS = ("workflows.argoproj.io/cron-workflow",)
_CRON_RUN_ANNOTATIONS = ("workflows.argoproj.io/scheduled-time",)
EXIT_ONLY = ("workflow.status", "workflow.failures")
# What a step or task records of a resource node (workflow/validate/validate.go, validateSteps
# and addOutputsToScope): a resource template has no outputs, result or exit code.
NODE_ATTRIBUTES = ("status", "id", "startedAt", "finishedAt", "hostNodeName")
_RETRY_LOCALS = (
    "retries",
    "lastRetry.exitCode",
    "lastRetry.status",
    "lastRetry.duration",
    "lastRetry.message",
)
_NODE_REFERENCE = r"(?s)^(steps|tasks)\.([^.\s]+)(?:\.(.*))?$"
_PARAMETER = r"^workflow\.parameters\.(.+)$"
_INPUT_PARAMETER = r"^inputs\.parameters\.(.+)$"
# `workflow.parameters.name` or `workflow.parameters['name']` inside an expression.
_EXPRESSION_PARAMETER = r"\bworkflow\.parameters(?:\.([A-Za-z_][\w]*)|\[\s*(['\"])([-\w]+)\2\s*\])"
_NO_ESCAPE = "a '{{' cannot be escaped (argo #8253)"


class Place(Enum):
    """Where a string is read, which decides how Argo treats the `{{` in it."""

    VALUE = "value"  # a parameter value or a child argument: template text, no expressions
    CONDITION = "condition"  # a child's `when`: govaluate after substitution, no expressions
    TEMPLATE = "template"  # the template Argo runs (containers, volumes, ...): locals, expressions
    SPEC = "spec"  # any other field of a workflow spec: globals only


class Scope(NamedTuple):
    """The variables Argo sets in one part of the spec."""

    where: str  # "in the orchestrator", "in WorkflowTemplate 'x'"
    variables: frozenset[str]
    parameters: frozenset[str]
    owner: str  # who declares the parameters: "the pipeline", "the template"
    orchestrator: bool
    locals: frozenset[str] = frozenset()
    # In the orchestrator: "steps" or "tasks" and the children that ran before; "" in onExit.
    nodes: tuple[str, Container[str]] | None = None
    children: frozenset[str] = frozenset()
    itself: str | None = None  # the parameter whose value this is: it cannot refer to itself
    # Why `{{steps.X.outputs...}}` cannot be read (control_flow.ChildOutputs.problem), or None.
    read_output: Callable[[str, str, str], str | None] | None = None


def orchestrator_scope(pipeline: PipelineFields) -> Scope:
    """The run's globals, as the CronWorkflow's runs have them."""
    labels = names.common_labels(pipeline.name, pipeline.labels)
    variables = {*RUN_GLOBALS, *_CRONRUN_GLOBALS}
    variables |= {f"workflow.labels.{key}" for key in (*labels, *_CRON_RUN_LABELS)}
    variables |= {f"workflow.annotations.{key}" for key in _CRON_RUN_ANNOTATIONS}
    # The declared parameters and those the package adds (`window`'s).
    declared = frozenset(p.name for p in pipeline.parameters) | set(pipeline.added_parameters)
    if declared:
        variables |= {"workflow.parameters", "workflow.parameters.json"}
    return Scope(
        "in the orchestrator",
        frozenset(variables),
        declared,
        "the pipeline",
        orchestrator=True,
        children=frozenset(child.name for _, child in pipeline.children),
    )


def template_scope(template: Template, child_labels: Iterable[str]) -> Scope:
    """A child run of the template: its globals, its parameters, its container's locals."""
    variables = set(RUN_GLOBALS) | {"workflow.status"}
    variables |= {f"workflow.labels.{key}" for key in child_labels}
    declared = frozenset(p.name for p in template.parameters)
    if declared:
        variables |= {"workflow.parameters", "workflow.parameters.json"}
    local = {"pod.name", "node.name"}
    if template.retry_strategy is not None:
        local |= set(_RETRY_LOCALS)
    return Scope(
        f"in WorkflowTemplate {shown(template.name)}",
        frozenset(variables),
        declared,
        "the template",
        orchestrator=False,
        locals=frozenset(local),
    )


def child_labels(pipeline_labels: Iterable[str]) -> list[str]:
    """The labels every child run carries (argo/child_workflow.py writes them)."""
    return [*pipeline_labels, names.PARENT_LABEL, names.STEP_LABEL]


def strings(value: Any, path: str) -> list[tuple[str, str]]:
    """Every string holding a `{{` under `value` (keys included), with its field path."""
    return [(_join(path, list(loc)), text) for loc, text in _strings(value, ())]


def _strings(value: Any, loc: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    found: list[tuple[tuple[Any, ...], str]] = []
    _collect(value, loc, found)
    return found


def _collect(value: Any, loc: tuple[Any, ...], found: list[tuple[tuple[Any, ...], str]]) -> None:
    # One pass over the spec; paths are built only for the strings found, since most of a large
    # spec holds no `{{`.
    if type(value) is str:
        if "{{" in value:
            found.append((loc, value))
    elif isinstance(value, BaseModel):
        texts = _text_fields(type(value))
        for name, item in value.__dict__.items():
            alias = texts.get(name)
            if alias is not None and item is not None:
                _collect(item, (*loc, alias), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect(item, (*loc, index), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            if type(key) is str and "{{" in key:
                found.append(((*loc, key), key))
            _collect(item, (*loc, key), found)
    elif isinstance(value, str):  # a str subclass
        _collect(str(value), loc, found)


_NO_TEXT = (bool, int, float, type(None), Enum)
_TEXT_FIELDS: dict[type, dict[str, str]] = {}


def _text_fields(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> alias, for the fields whose values may hold a `{{` (not numbers, enums, or
    names whose validators exclude braces: `fields.NO_TEMPLATE_TEXT`)."""
    found = _TEXT_FIELDS.get(model)
    if found is None:
        found = {
            name: field.alias or name
            for name, field in model.model_fields.items()
            if not (_no_braces(field.metadata) or _holds_no_text(field.annotation))
        }
        _TEXT_FIELDS[model] = found
    return found


def _no_braces(metadata: Iterable[Any]) -> bool:
    return any(getattr(item, "func", None) in NO_TEMPLATE_TEXT for item in metadata)


def _holds_no_text(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        return _no_braces(metadata) or _holds_no_text(inner)
    if origin in (Union, UnionType):
        return all(_holds_no_text(option) for option in get_args(annotation))
    if origin in (list, dict):
        return all(_holds_no_text(option) for option in get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, _NO_TEXT)


def _join(path: str, loc: list[Any]) -> str:
    tail = format_path(loc)
    if not path or tail.startswith("["):
        return path + tail
    return f"{path}.{tail}"


def _tag(body: str) -> str:
    """A tag as messages echo it: in backticks, cut to a line (`errors.shown`)."""
    return shown("{{" + body + "}}", code=True)


def text_problems(path: str, text: str, scope: Scope, place: Place) -> list[Problem]:
    """Every `{{` in `text` that Argo would not resolve as the spec means it, with why."""
    problems = []
    if template_text.unclosed_tag(text):
        problems.append(
            Problem(
                path,
                "has a '{{' with no closing '}}': Argo reads every string as a template "
                f"({_NO_ESCAPE}) and the substitution would fail",
            )
        )
    for tag in template_text.raw_bodies(text):
        message = _tag_problem(tag, scope, place)
        if message is not None:
            problems.append(Problem(path, message))
    return problems


def _tag_problem(tag: str, scope: Scope, place: Place) -> str | None:
    if template_text.is_expression(tag):
        if place is Place.TEMPLATE:
            return _expression_problem(tag, scope)
        what = "condition" if place is Place.CONDITION else "value"
        return (
            f"{_tag(tag)} is an expression, which Argo would evaluate: the {what} would not "
            "arrive as written. Here only variables resolve, e.g. `{{workflow.parameters.NAME}}` "
            f"({_NO_ESCAPE})"
        )
    name = template_text.variable_name(tag)
    if "{{" in name:
        return (
            f"{_tag(tag)} is not a variable: Argo reads a tag from '{{{{' to the first '}}}}', "
            f"so this text would be templated, not kept ({_NO_ESCAPE})"
        )
    return variable_problem(name, scope, place, written=tag)


def variable_problem(
    name: str, scope: Scope, place: Place, written: str | None = None
) -> str | None:
    """Why Argo would not resolve `{{name}}` in this scope, or None when it does.

    `written` is the tag as the spec has it (Argo trims the spaces around the name).
    """
    if name in scope.variables or (place is Place.TEMPLATE and name in scope.locals):
        return None
    parameter = re.match(_PARAMETER, name)
    if parameter is not None:
        return _parameter_problem(parameter.group(1), scope)
    node = re.match(_NODE_REFERENCE, name)
    if node is not None and scope.orchestrator:
        kind, child, attribute = node.groups()
        return _node_problem(name, kind, child, attribute, scope)
    if name in EXIT_ONLY and scope.orchestrator:
        if scope.nodes is not None and scope.nodes[0] == "":
            return None
        return f"{_tag(name)} is set only for the `onExit` child"
    tagged = _tag(name if written is None else written)
    inputs = re.match(_INPUT_PARAMETER, name)
    if inputs is not None:
        owner = "a template here" if not scope.orchestrator else "the orchestrator's steps"
        return (
            f"{tagged}: {owner} has no inputs; parameters are workflow arguments, read as "
            f"`{{{{workflow.parameters.{inputs.group(1)}}}}}`"
            + (
                ""
                if inputs.group(1) in scope.parameters
                else f" (declare it in {scope.owner}'s `parameters`)"
            )
        )
    if place is not Place.TEMPLATE and name in scope.locals:
        return (
            f"{tagged} is set only in the template Argo runs (its containers, script, volumes, "
            "outputs), not in the WorkflowTemplate's spec"
        )
    if name.startswith(("steps.", "tasks.")) and not scope.orchestrator:
        return f"{tagged}: a template is not a step of the pipeline; pass the value as an argument"
    if name == "workflow.scheduledTime" and not scope.orchestrator:
        return (
            f"{tagged} is set only for the CronWorkflow's own runs: pass it to the child as an "
            "argument"
        )
    if name.startswith("workflow.creationTimestamp."):
        listed = ", ".join(_TIMESTAMP_FORMATS)
        return f"{tagged}: Argo formats `workflow.creationTimestamp.<format>` only for {listed}"
    suggestion = _closest(name, _candidates(scope, place))
    hint = f": did you mean {_tag(suggestion)}?" if suggestion else ""
    return f"{tagged} is not a variable Argo sets {scope.where}{hint}"


def _parameter_problem(parameter: str, scope: Scope) -> str | None:
    if parameter == "json" and scope.parameters:
        return None
    if parameter == scope.itself:
        return f"parameter {shown(parameter)} refers to itself"
    if parameter in scope.parameters:
        return None
    if scope.orchestrator and parameter in names.WINDOW_PARAMETERS:
        return (
            f"references {shown(parameter)}, which the pipeline's `window` adds: set `window` "
            "(e.g. `window: {length: 4h}`)"
        )
    close = _closest(parameter, scope.parameters)
    hint = f" (did you mean {shown(close)}?)" if close else ""
    return (
        f"references undeclared parameter {shown(parameter)}: declare it in {scope.owner}'s "
        f"`parameters`{hint}"
    )


def _node_problem(
    name: str, kind: str, child: str, attribute: str | None, scope: Scope
) -> str | None:
    prefix, earlier = scope.nodes if scope.nodes is not None else (None, frozenset())
    if prefix is None:
        return f"{_tag(name)}: Argo resolves `{kind}.*` only in a child's `arguments` and `when`"
    if prefix == "":
        where = shown(f"{kind}.{child}", code=True)
        return f"{where} is not defined in the exit handler, where `onExit` runs"
    if kind != prefix:
        mode = "stages" if prefix == "steps" else "tasks"
        return (
            f"{shown(f'{kind}.{child}', code=True)}: this pipeline has `{mode}`, use "
            f"{shown(f'{prefix}.{child}', code=True)}"
        )
    if child not in earlier:
        return _not_before(kind, child, scope)
    if attribute in NODE_ATTRIBUTES:
        return None
    if attribute is not None and attribute.startswith("outputs") and scope.read_output is not None:
        return scope.read_output(kind, child, attribute)
    listed = ", ".join(NODE_ATTRIBUTES)
    close = _closest(attribute or "", NODE_ATTRIBUTES)
    hint = (
        f": did you mean {_tag(f'{kind}.{child}.{close}')}?"
        if close
        else f" (Argo records {listed})"
    )
    return f"{_tag(name)} is not something Argo records of a child's {kind[:-1]}{hint}"


def _not_before(kind: str, child: str, scope: Scope) -> str:
    if child not in scope.children:
        close = _closest(child, scope.children)
        hint = f" (did you mean {shown(f'{kind}.{close}', code=True)}?)" if close else ""
        return f"{shown(f'{kind}.{child}', code=True)} refers to no child of this pipeline{hint}"
    if kind == "steps":
        return (
            f"`steps.{child}` has not run yet: only children of earlier stages can be referred to"
        )
    return f"`tasks.{child}` is not among this task's dependencies: add it to `dependsOn`"


def _expression_problem(tag: str, scope: Scope) -> str | None:
    expression = tag[len(template_text.EXPRESSION_PREFIX) :]
    if re.search(r"\binputs\.", expression):
        return (
            f"{_tag(tag)}: a template here has no inputs; parameters are workflow "
            "arguments, read as `workflow.parameters['NAME']`"
        )
    for match in re.finditer(_EXPRESSION_PARAMETER, expression):
        problem = _parameter_problem(match.group(1) or match.group(3), scope)
        if problem is not None:
            return problem
    return None


def _candidates(scope: Scope, place: Place) -> list[str]:
    found = [*scope.variables, *(f"workflow.parameters.{p}" for p in scope.parameters)]
    if place is Place.TEMPLATE:
        found += scope.locals
    if scope.nodes is not None and scope.nodes[0]:
        prefix, earlier = scope.nodes
        found += [
            f"{prefix}.{child}.{attribute}"
            for child in sorted(scope.children)
            if child in earlier
            for attribute in NODE_ATTRIBUTES
        ]
    if scope.orchestrator and scope.nodes is not None and scope.nodes[0] == "":
        found += EXIT_ONLY
    return found


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    """The one candidate close enough to be a typo of `name` (difflib's ratio >= 0.8)."""
    from difflib import get_close_matches  # imported when used: only a misspelled name needs it

    ranked = sorted(set(candidates))
    matches = get_close_matches(name, ranked, n=2, cutoff=0.8)
    if len(matches) == 2 and _ratio(name, matches[0]) == _ratio(name, matches[1]):
        return None  # two names as close: a suggestion would be a guess
    return matches[0] if matches else None


def _ratio(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio()


# Not read by Argo's templating: run control is expr over `cronworkflow.*` (syntax/expr.py),
# external templates are declarations only, ServiceAccount annotations and `alerts` (a
# PrometheusRule, whose own `{{ $labels.x }}` templates are Prometheus's) are other objects, and
# `window` and `calendar` are read by the package itself.
_NOT_ARGO_TEXT = frozenset({"serviceAccountAnnotations", "alerts", "window", "calendar"})
_OWN_CHECKS = frozenset({"when", "stopStrategy", "externalTemplates", *_NOT_ARGO_TEXT})
_CHILD_HOLDERS = frozenset({"stages", "tasks", "onExit"})
_CHILD_PLACES = {"arguments": Place.VALUE, "when": Place.CONDITION}
# Template fields that go into the template Argo runs (argo/workflow_template.py, `main`); the
# others go into the WorkflowTemplate's spec or metadata.
_TEMPLATE_FIELDS = frozenset(
    {
        *("image", "command", "args", "source", "workingDir", "imagePullPolicy", "env", "envFrom"),
        *("resources", "volumes", "volumeMounts", "sidecars", "initContainers", "outputs"),
        *("affinity", "priorityClassName", "retryStrategy", "activeDeadlineSeconds", "argo"),
    }
)


def pipeline_reference_problems(
    pipeline: PipelineFields,
    node_scopes: dict[str, tuple[str, Container[str]]],
    read_output: Callable[[str, str, str], str | None] | None = None,
) -> list[Problem]:
    """Every tag of the pipeline, each against the scope of the place it is read in.

    `node_scopes` maps each child's path to the nodes it may refer to, `read_output` says why an
    output of one cannot be read (both from `control_flow`).
    """
    found = [(loc, text) for loc, text in _strings(pipeline, ()) if loc[0] not in _OWN_CHECKS]
    if not found:
        return []
    orchestrator = orchestrator_scope(pipeline)._replace(read_output=read_output)
    labels = child_labels(names.common_labels(pipeline.name, pipeline.labels))
    problems: list[Problem] = []
    templates: dict[int, list[tuple[tuple[Any, ...], str]]] = {}
    for loc, text in found:
        head = loc[0]
        if head == "templates":
            if len(loc) > 2 and loc[2] not in _NOT_ARGO_TEXT:
                templates.setdefault(loc[1], []).append((loc[2:], text))
            continue
        scope, place = orchestrator, Place.SPEC
        if head == "parameters":
            scope = orchestrator._replace(itself=pipeline.parameters[loc[1]].name)
            place = Place.VALUE
        elif head in _CHILD_HOLDERS:
            size = 3 if head == "stages" else 2 if head == "tasks" else 1
            scope = orchestrator._replace(nodes=node_scopes[format_path(loc[:size])])
            place = _CHILD_PLACES.get(str(loc[size]), Place.SPEC) if len(loc) > size else place
        problems += text_problems(format_path(loc), text, scope, place)
    for index, texts in templates.items():
        problems += _template_texts(pipeline.templates[index], f"templates[{index}]", texts, labels)
    return problems


def template_reference_problems(
    template: Template, path: str, labels: Iterable[str] | None = None
) -> list[Problem]:
    """Every tag of a WorkflowTemplate; `labels` are those its child runs carry."""
    found = [(loc, text) for loc, text in _strings(template, ()) if loc[0] not in _NOT_ARGO_TEXT]
    if not found:
        return []
    if labels is None:  # a shared template: any pipeline's children may run it
        labels = child_labels([names.PART_OF_LABEL, names.MANAGED_BY_LABEL])
    return _template_texts(template, path, found, labels)


def _template_texts(
    template: Template,
    path: str,
    found: list[tuple[tuple[Any, ...], str]],
    labels: Iterable[str],
) -> list[Problem]:
    scope = template_scope(template, labels)
    problems: list[Problem] = []
    for loc, text in found:
        if loc[0] == "parameters":
            own, place = scope._replace(itself=template.parameters[loc[1]].name), Place.VALUE
        else:
            own = scope
            place = Place.TEMPLATE if loc[0] in _TEMPLATE_FIELDS else Place.SPEC
        problems += text_problems(_join(path, list(loc)), text, own, place)
    return problems
