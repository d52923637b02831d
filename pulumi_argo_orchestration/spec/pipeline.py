"""The validated roots of the spec: `Pipeline` and `SharedTemplate` check their whole-spec rules.

pydantic raises them at construction, like a field error, so `Pipeline(...)` in Python and a spec
file report the same problems.
"""

# No `from __future__ import annotations`: see models.py.
import weakref
from typing import Annotated

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from .fields import Namespace
from .inputs import INPUT
from .models import ArgoVersion, PipelineFields, PodGC, Template
from .rules import pipeline_problems, pod_gc_problems, template_problems
from .targets import template_target_problems

# The roots pydantic validated, by identity: `load_pipeline` validates any other one again (a model
# built with `model_construct` or `model_copy(update=...)` skipped validation).
_VALIDATED: "weakref.WeakValueDictionary[int, BaseModel]" = weakref.WeakValueDictionary()


def validated(model: BaseModel) -> bool:
    """True when this very object came out of pydantic's validation."""
    return _VALIDATED.get(id(model)) is model


class Pipeline(PipelineFields):
    """A scheduled orchestration: a CronWorkflow whose stages spawn child Workflows."""

    @model_validator(mode="after")
    def _whole_pipeline(self) -> "Pipeline":
        problems = pipeline_problems(self)
        if problems:
            raise PydanticCustomError(
                "pipeline",
                "the pipeline has {count} problem(s)",
                {"problems": problems, "count": len(problems)},
            )
        _VALIDATED[id(self)] = self
        return self


class SharedTemplate(Template):
    """A WorkflowTemplate deployed on its own, for several pipelines to instantiate."""

    namespace: Annotated[Namespace, INPUT] = "argo"
    """Namespace of the template and its account (default 'argo'); it must exist."""
    pod_gc: PodGC | None = Field(default=None, alias="podGC")
    """When Argo deletes the finished pods of Workflows made from this template."""

    @property
    def needs_own_account(self) -> bool:
        """A shared template always runs under its own account (`<name>-executor`)."""
        return True

    @model_validator(mode="after")
    def _whole_template(self) -> "SharedTemplate":
        problems = template_problems(self, "")
        problems += template_target_problems(self, "", ArgoVersion.V4)
        if self.pod_gc is not None:
            problems += pod_gc_problems(self.pod_gc, "podGC")
        if problems:
            raise PydanticCustomError(
                "pipeline",
                "the template has {count} problem(s)",
                {"problems": problems, "count": len(problems)},
            )
        _VALIDATED[id(self)] = self
        return self
