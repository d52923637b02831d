"""Parameter values given for one run (`run` and `backfill`, `-p NAME=VALUE`): checked like the
spec's own values, before anything is printed.

A value replaces the pipeline parameter's value in the run's Workflow; `window-start` and
`window-end` (when the pipeline has a `window`) may be set too, then as RFC 3339 times.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from ..errors import Problem, shown
from ..syntax.rfc3339 import EXAMPLE, parse_rfc3339
from ..syntax.template_text import argo_text_problem
from . import names
from .models import PipelineFields
from .references import Place, orchestrator_scope, text_problems


def run_parameter_problems(pipeline: PipelineFields, values: Mapping[str, str]) -> list[Problem]:
    """Every value for a name the pipeline does not have, or that Argo could not carry."""
    known = [parameter.name for parameter in pipeline.parameters]
    known += pipeline.added_parameters
    problems = []
    for name, value in values.items():
        path = f"-p {name}"
        if name not in known:
            problems.append(Problem(path, _unknown(name, known)))
        elif name in names.WINDOW_PARAMETERS:
            if parse_rfc3339(value) is None:
                problems.append(
                    Problem(path, f"{shown(value)} is not an RFC 3339 time (e.g. {EXAMPLE})")
                )
        else:
            # The same rules as the spec's parameter values: `{{workflow.name}}` is resolved
            # when the run starts, `{{=1+1}}` would arrive as 2, `a{{b` fails the run.
            problem = argo_text_problem(value)
            if problem is not None:
                problems.append(Problem(path, problem))
            else:
                scope = orchestrator_scope(pipeline)._replace(itself=name)
                problems += text_problems(path, value, scope, Place.VALUE)
    return problems


def _unknown(name: str, known: list[str]) -> str:
    message = f"the pipeline has no parameter {shown(name)}"
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        message += f" (did you mean {shown(close[0])}?)"
    if known:
        return f"{message}; its parameters: {', '.join(known)}"
    return f"{message}; it has none"
