"""Imported specs as a Pulumi program: `Pulumi.yaml` and a `__main__.py` like the examples'.

Each pipeline is a `ScheduledPipeline` and each shared template a `SharedWorkflowTemplate`, their
arguments the specs' snake_case fields as Python literals, laid out the way `ruff format` (and
Black) lays them out, so the program reads like one written by hand. The first line of
`__main__.py` marks it as written by the import: only such a program is ever overwritten.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from pydantic.alias_generators import to_snake

from ..spec.pipeline import Pipeline, SharedTemplate
from . import spec_text
from .importer import ImportResult

MARKER = '"""Written by `argo-orchestration import`'
PROJECT_FILE = "Pulumi.yaml"
MAIN_FILE = "__main__.py"
LINE_LENGTH = 88  # ruff's and Black's default
_INDENT = "    "


def is_imported_program(main_text: str) -> bool:
    """True for a `__main__.py` an import wrote (and may therefore overwrite)."""
    return main_text.startswith(MARKER)


def program_files(result: ImportResult) -> dict[str, str]:
    """`Pulumi.yaml` and `__main__.py` declaring every spec of `result`."""
    sources = list(dict.fromkeys(spec.where.source for spec in _specs(result)))
    names = [p.spec.name for p in result.pipelines] + [t.spec.name for t in result.templates]
    project = {
        "name": names[0] if names else "imported",
        "runtime": "python",
        "description": f"Imported by `argo-orchestration import` from {', '.join(sources)}",
    }
    project_file = yaml.safe_dump(project, sort_keys=False, allow_unicode=True, width=10_000)
    return {PROJECT_FILE: project_file, MAIN_FILE: main_text(result, sources)}


def main_text(result: ImportResult, sources: Sequence[str]) -> str:
    """The program: shared templates first, then the pipelines, each pipeline's name exported."""
    classes = [
        name
        for name, present in (
            ("ScheduledPipeline", result.pipelines),
            ("SharedWorkflowTemplate", result.templates),
        )
        if present
    ]
    lines = [
        f"{MARKER} from:",
        "",
        *(f"- {_docstring_text(source)}" for source in sources),
        "",
        "Importing again overwrites this file and Pulumi.yaml.",
        '"""',
        "",
        "import pulumi",
        f"from pulumi_argo_orchestration import {', '.join(classes)}",
    ]
    variables = _Variables()
    for template in result.templates:
        variable = variables.new(template.spec.name)
        arguments = _snake_case(template.spec, spec_text.TEMPLATE_ORDER)
        lines += _declaration(variable, "SharedWorkflowTemplate", template.spec.name, arguments)
        lines.append(f"pulumi.export({_string(template.spec.name)}, {variable}.template_name)")
    for pipeline in result.pipelines:
        variable = variables.new(pipeline.spec.name)
        arguments = _pipeline_arguments(pipeline.spec)
        lines += _declaration(variable, "ScheduledPipeline", pipeline.spec.name, arguments)
        lines.append(f"pulumi.export({_string(pipeline.spec.name)}, {variable}.cron_workflow_name)")
    return "\n".join(lines) + "\n"


def _specs(result: ImportResult) -> Iterable[Any]:
    return [*result.pipelines, *result.templates]


def _declaration(variable: str, cls: str, name: str, arguments: dict[str, Any]) -> list[str]:
    call = f"{variable} = {cls}({_string(name)}, {_literal(arguments, 0)})"
    if len(call) <= LINE_LENGTH:
        return ["", call]
    return [
        "",
        f"{variable} = {cls}(",
        f"{_INDENT}{_string(name)},",
        f"{_INDENT}{_literal(arguments, 1, suffix=1)},",
        ")",
    ]


def _pipeline_arguments(pipeline: Pipeline) -> dict[str, Any]:
    data = _snake_case(pipeline, spec_text.PIPELINE_ORDER)
    child_order = [to_snake(key) for key in spec_text.CHILD_ORDER]
    if "stages" in data:
        data["stages"] = [[_ordered(c, child_order) for c in stage] for stage in data["stages"]]
    if "tasks" in data:
        data["tasks"] = [_ordered(task, child_order) for task in data["tasks"]]
    if "on_exit" in data:
        data["on_exit"] = _ordered(data["on_exit"], child_order)
    template_order = [to_snake(key) for key in spec_text.TEMPLATE_ORDER]
    if "templates" in data:
        data["templates"] = [_ordered(t, template_order) for t in data["templates"]]
    return data


def _snake_case(model: Pipeline | SharedTemplate, order: Sequence[str]) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(exclude_defaults=True, mode="json")
    return _ordered(data, [to_snake(key) for key in order])


def _ordered(data: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    rank = {key: index for index, key in enumerate(order)}
    return dict(sorted(data.items(), key=lambda item: rank.get(item[0], len(order))))


class _Variables:
    """Python names for the components, one per spec, never a keyword or a repeat."""

    def __init__(self) -> None:
        self.taken: set[str] = {"pulumi", "ScheduledPipeline", "SharedWorkflowTemplate"}

    def new(self, name: str) -> str:
        base = re.sub(r"\W", "_", name)
        if not base.isidentifier() or keyword.iskeyword(base):
            base = f"_{base}"
        variable, count = base, 1
        while variable in self.taken:
            count += 1
            variable = f"{base}_{count}"
        self.taken.add(variable)
        return variable


# --- Python literals, laid out like `ruff format` ------------------------------------------------


def _literal(value: Any, depth: int, prefix: int = 0, suffix: int = 0) -> str:
    """`value` as Python source at `depth` indents, on one line when it fits (with `prefix` and
    `suffix` characters around it), else one item per line with trailing commas."""
    flat = _flat(value)
    if len(_INDENT) * depth + prefix + len(flat) + suffix <= LINE_LENGTH or not (
        isinstance(value, (dict, list)) and value
    ):
        return flat
    inner = _INDENT * (depth + 1)
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            head = f"{_string(str(key))}: "
            items.append(f"{inner}{head}{_literal(item, depth + 1, len(head), 1)},")
        return "{\n" + "\n".join(items) + "\n" + _INDENT * depth + "}"
    rows = [f"{inner}{_literal(item, depth + 1, 0, 1)}," for item in value]
    return "[\n" + "\n".join(rows) + "\n" + _INDENT * depth + "]"


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(item) for item in value) + "]"
    if isinstance(value, str):
        return _string(value)
    return repr(value)


def _string(text: str) -> str:
    """A string literal as ruff writes it: double quotes, unless that needs more escapes."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == quote:
            out.append("\\" + quote)
        elif char in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif not char.isprintable():
            out.append(repr(char)[1:-1])
        else:
            out.append(char)
    return quote + "".join(out) + quote


def _docstring_text(text: str) -> str:
    """Text that can neither end the docstring nor start an escape in it."""
    printable = "".join(char if char.isprintable() else "?" for char in text)
    return printable.replace(chr(92), "/").replace('"' * 3, "'" * 3)
