"""The `argo-orchestration` component provider: the components for every Pulumi language.

`pulumi package add` runs this repository as a source-based Python plugin (`PulumiPlugin.yaml` at
the root). For a buildable package Pulumi's language host starts `python -m pulumi.run.plugin
pulumi-argo-orchestration`, which hosts the components the package exports eagerly, or else runs
the package's `__main__`. The package exports nothing eagerly (its exports are lazy), so
`__main__` calls `serve()`: the provider is named `argo-orchestration`, not after the
distribution, and the root `Pulumi.yaml` program keeps its own entry point.

`ArgoOrchestrationProvider` is Pulumi's `ComponentProvider` (schema inferred from the TypedDict
args and the `pulumi.Output` class annotations) with changes at its edge. Inputs reach the
component as the caller wrote them (camelCase, enums as text, numbers as floats; the model reads
them all), because Pulumi's input mapping cannot take Outputs: it would call `int()` on an Output
integer and replace an Output object with `{}`. An Output where a plain value is needed is
reported by path first. A `SpecError`, and a value that resolves invalid at deployment, are
reported per property, as the engine shows invalid inputs, instead of as a stack trace.
"""

import json
import sys
from collections.abc import Sequence
from typing import Any, Optional

import pulumi
from pulumi.provider.experimental.analyzer import ComponentDefinition
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError

from .._version import __version__
from ..errors import Problem, SpecError
from ..spec.inputs import is_container, position
from ..spec.pipeline import Pipeline, SharedTemplate
from .inputs import split
from .plan import errors_as_input_properties, input_properties_error
from .scheduled_pipeline import ScheduledPipeline
from .shared_workflow_template import SharedWorkflowTemplate

PROVIDER_NAME = "argo-orchestration"
COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (ScheduledPipeline, SharedWorkflowTemplate)
# The model each component validates with: it says which inputs may be Outputs.
SPEC_MODELS: dict[str, Any] = {
    "ScheduledPipeline": Pipeline,
    "SharedWorkflowTemplate": SharedTemplate,
}


class ArgoOrchestrationProvider(ComponentProvider):
    """Hosts `ScheduledPipeline` and `SharedWorkflowTemplate` as `argo-orchestration:index:*`."""

    def __init__(self) -> None:
        super().__init__(list(COMPONENTS), PROVIDER_NAME, None, __version__)

    def map_inputs(
        self, inputs: pulumi.Inputs, component_def: ComponentDefinition
    ) -> pulumi.Inputs:
        """Report Outputs where plain values are needed; pass the inputs on unmapped.

        A caller SDK that does not send output values wraps a whole top-level property in one
        Output as soon as anything inside it is secret or depends on a resource (the provider
        server's `_select_value`): the message says so for a list or object property.
        """
        model = SPEC_MODELS[component_def.name]
        problems = [
            Problem(p.path, f"{p.message}; {WHOLE_PROPERTY}") if _is_container(model, p.path) else p
            for p in split(inputs, model).problems
        ]
        if problems:
            raise input_properties_error(problems)
        return inputs

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: Optional[pulumi.ResourceOptions] = None,
    ) -> ConstructResult:
        """Pulumi's construct, with an invalid spec reported as invalid input properties."""
        try:
            with errors_as_input_properties():
                result: ConstructResult = super().construct(name, resource_type, inputs, options)
        except ComponentInitError as error:
            if isinstance(error.inner, SpecError):
                raise input_properties_error(error.inner.problems) from error.inner
            raise
        return result


WHOLE_PROPERTY = (
    "a caller whose Pulumi SDK sends no output values passes the whole property as one Output "
    "when anything inside it is secret or depends on a resource: update that SDK"
)


def _is_container(model: Any, path: str) -> bool:
    """A top-level field holding a list, a mapping or an object."""
    found = position(model, (path,))
    return found is not None and is_container(found.annotation)


def schema() -> dict[str, Any]:
    """The package schema other languages generate their SDKs from."""
    text = ArgoOrchestrationProvider().schema
    return dict(json.loads(text or "{}"))


def serve(args: Optional[Sequence[str]] = None) -> None:
    """Serve the provider over gRPC, as the Pulumi engine launches a plugin."""
    from pulumi.provider import main

    main(ArgoOrchestrationProvider(), list(sys.argv[1:] if args is None else args))
