"""What a child needs from the template it instantiates, checked before anything is deployed.

Argo reports a missing required parameter only when the child Workflow is created, i.e. in the
middle of a scheduled run, and accepts an argument the template never declares without a word (a
misspelt name silently falls back to the default). When the template is defined under `templates`
or declared under `externalTemplates`, we know its parameters and check every child against them.
Argo also resolves `workflowTemplateRef` in the child's own namespace, so a child in another
namespace cannot use a template this pipeline creates in its own.
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import Problem, join_path, shown, shown_list
from .models import Child, PipelineFields


class Contract(NamedTuple):
    """A template's parameters (name -> whether it has a default) and its output parameters."""

    kind: str
    name: str
    parameters: dict[str, bool]
    outputs: tuple[str, ...] = ()

    def describe(self) -> str:
        """`WorkflowTemplate 'load'`, as messages name it."""
        return f"{self.kind} {shown(self.name)}"


def contracts(pipeline: PipelineFields) -> dict[tuple[bool, str], Contract]:
    """Known templates keyed by (cluster scope, name); the first declaration wins."""
    known: dict[tuple[bool, str], Contract] = {}
    for template in pipeline.templates:
        known.setdefault(
            (False, template.name),
            Contract(
                "WorkflowTemplate",
                template.name,
                {p.name: p.value is not None for p in template.parameters},
                tuple(p.name for p in template.outputs.parameters) if template.outputs else (),
            ),
        )
    for external in pipeline.external_templates:
        kind = "ClusterWorkflowTemplate" if external.cluster_scope else "WorkflowTemplate"
        known.setdefault(
            (external.cluster_scope, external.name),
            Contract(
                kind,
                external.name,
                {p.name: p.has_default for p in external.parameters},
                tuple(external.outputs),
            ),
        )
    return known


def contract_problems(pipeline: PipelineFields) -> list[Problem]:
    """Declarations, template placement, arguments and cleanup of every child."""
    problems = _declaration_problems(pipeline)
    known = contracts(pipeline)
    created_here = {template.name for template in pipeline.templates}
    for path, child in pipeline.children:
        if child.ttl_strategy is not None and not child.ttl_strategy.model_dump(exclude_none=True):
            problems.append(
                Problem(
                    f"{path}.ttlStrategy",
                    "set at least one of `secondsAfterCompletion`, `secondsAfterSuccess` or "
                    "`secondsAfterFailure`",
                )
            )
        if (child.workflow_template is None) == (child.cluster_workflow_template is None):
            continue  # reported by pipeline_problems
        namespace = child.namespace or pipeline.namespace
        if (
            not child.cluster_scope
            and namespace != pipeline.namespace
            and child.template_ref in created_here
        ):
            problems.append(
                Problem(
                    f"{path}.namespace",
                    f"child {shown(child.name)} runs in namespace {shown(namespace)}, but "
                    f"WorkflowTemplate {shown(child.template_ref)} is created in "
                    f"{shown(pipeline.namespace)} and Argo looks "
                    "it up in the child's namespace: deploy it there (and declare it under "
                    "`externalTemplates`) or use a ClusterWorkflowTemplate",
                )
            )
        contract = known.get((child.cluster_scope, child.template_ref))
        if contract is not None:
            problems += argument_problems(path, child, contract)
            continue
        typo = _misspelt(child, known)
        if typo is not None:
            field = "clusterWorkflowTemplate" if child.cluster_scope else "workflowTemplate"
            problems.append(
                Problem(
                    f"{path}.{field}",
                    f"{typo.kind} {shown(child.template_ref)} is neither created by this "
                    f"pipeline nor declared under `externalTemplates`: did you mean "
                    f"{shown(typo.name)}? (If {shown(child.template_ref)} exists already, declare "
                    "it under "
                    "`externalTemplates`.)",
                )
            )
    return problems


# Below this length one edit turns any name into many others (`a` and `x`): no guess is made.
_TYPO_MIN_LENGTH = 4


def _misspelt(child: Child, known: dict[tuple[bool, str], Contract]) -> Contract | None:
    """The known template of the child's kind one typo away from its reference, if exactly one."""
    close = [
        contract
        for (cluster, name), contract in known.items()
        if cluster == child.cluster_scope
        and len(name) >= _TYPO_MIN_LENGTH
        and one_edit_apart(child.template_ref, name)
    ]
    return close[0] if len(close) == 1 else None


def one_edit_apart(a: str, b: str) -> bool:
    """True when `b` is `a` with one character added, removed or changed, or two neighbours
    swapped (`config-snyc` / `config-sync`): the typos a template name is likely to have."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):  # one character added
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:  # one changed
        return True
    return (  # two neighbours swapped
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


def argument_problems(path: str, child: Child, contract: Contract) -> list[Problem]:
    """Every required parameter supplied, no undeclared one; each problem names all three."""
    problems = [
        Problem(
            f"{path}.arguments",
            f"child {shown(child.name)} does not pass parameter {shown(name)}, which "
            f"{contract.describe()} requires (it has no default)",
        )
        for name, has_default in contract.parameters.items()
        if not has_default and name not in child.arguments
    ]
    declared = shown_list(contract.parameters) or "no parameters"
    problems += [
        Problem(
            join_path(path, ["arguments", name]),
            f"child {shown(child.name)} passes parameter {shown(name)}, which "
            f"{contract.describe()} does not declare (it declares {declared})",
        )
        for name in child.arguments
        if name not in contract.parameters
    ]
    return problems


def _declaration_problems(pipeline: PipelineFields) -> list[Problem]:
    problems = []
    created = {t.name: f"templates[{i}]" for i, t in enumerate(pipeline.templates)}
    first: dict[tuple[bool, str], str] = {}
    for i, external in enumerate(pipeline.external_templates):
        path = f"externalTemplates[{i}]"
        key = (external.cluster_scope, external.name)
        if not external.cluster_scope and external.name in created:
            problems.append(
                Problem(
                    f"{path}.name",
                    f"{shown(external.name)} is created by this pipeline "
                    f"({created[external.name]}): declare only templates deployed elsewhere",
                )
            )
        elif key in first:
            problems.append(
                Problem(
                    f"{path}.name",
                    f"duplicate template name {shown(external.name)} (first at {first[key]}.name)",
                )
            )
        else:
            first[key] = path
        seen: dict[str, int] = {}
        for k, parameter in enumerate(external.parameters):
            if parameter.name in seen:
                problems.append(
                    Problem(
                        f"{path}.parameters[{k}].name",
                        f"duplicate parameter name {shown(parameter.name)} "
                        f"(first at {path}.parameters[{seen[parameter.name]}].name)",
                    )
                )
            else:
                seen[parameter.name] = k
    return problems
