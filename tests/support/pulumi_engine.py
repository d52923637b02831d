"""A Pulumi program under mocks, recording what the engine would receive, for the Outputs tests.

The offline engine (`pulumi_argo_orchestration.testing`) answers what a program *renders*; these
tests also need what only the engine sees: which inputs depend on which resource
(`propertyDependencies`), aliases, `deleteBeforeReplace`, values left unknown in a preview, and
the resource each `pulumi.log` message names. Everything is read from the requests the SDK sends
to Pulumi's own mock monitor and engine (pulumi/runtime/mocks.py: `MockMonitor.RegisterResource`,
`MockEngine.Log`, `set_mocks`), as the engine would get them.

`Source` is a stand-in for any resource of another provider (a container build, an IAM role): its
`value` output is the input given, or unknown in a preview when its name is in `unknown`, as a
real provider leaves a value it computes at creation.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings
from pulumi.runtime.proto import engine_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from pulumi_argo_orchestration.offline.engine import _decode, _own_event_loop

SOURCE = "test:index:Source"
# engine.proto LogSeverity
SEVERITIES = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}


class Source(pulumi.CustomResource):
    """A resource of another provider whose `value` output feeds a pipeline."""

    value: pulumi.Output[Any]

    def __init__(
        self, name: str, value: Any = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(SOURCE, name, {"value": value}, opts)


def _last(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


class Registration(NamedTuple):
    """One RegisterResource request; resources are named by their Pulumi name."""

    type: str
    name: str
    parent: str
    dependencies: frozenset[str]
    property_dependencies: dict[str, frozenset[str]]
    inputs: dict[str, Any]
    secrets: list[tuple[Any, ...]]
    unknowns: list[tuple[Any, ...]]
    aliases: list[Any]
    delete_before_replace: bool


class Recorded(NamedTuple):
    registrations: list[Registration]
    logs: list[tuple[str, str, str]]
    """(severity, message, name of the resource it concerns), debug messages left out."""
    error: BaseException | None

    def named(self, name: str, kind: str | None = None) -> Registration:
        """The one registration of this Pulumi name (and kind, when several share the name)."""
        (found,) = [
            r
            for r in self.registrations
            if r.name == name and kind in (None, r.type.rsplit(":", 1)[-1])
        ]
        return found

    def of_kind(self, kind: str) -> list[Registration]:
        return [r for r in self.registrations if r.type.rsplit(":", 1)[-1] == kind]

    @property
    def warnings(self) -> list[tuple[str, str]]:
        return [(message, name) for severity, message, name in self.logs if severity == "warning"]


class _Mocks(pulumi_mocks.Mocks):
    def __init__(self, unknown: Collection[str]) -> None:
        self.unknown = unknown

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == SOURCE and args.name in self.unknown:
            return f"{args.name}-id", {}  # outputs left out: unknown in a preview
        return (f"{args.name}-id" if args.custom else ""), dict(args.inputs)

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


def run(
    program: Callable[[], Any], *, preview: bool = True, unknown: Collection[str] = ()
) -> Recorded:
    """Run `program` under mocks; an error it raises is returned, not raised."""
    registrations: list[Registration] = []
    logs: list[tuple[str, str, str]] = []
    errors: list[BaseException] = []
    mocks = _Mocks(unknown)

    class Monitor(pulumi_mocks.MockMonitor):
        def RegisterResource(self, request: Any) -> Any:
            response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
            if request.type != "pulumi:pulumi:Stack":
                secrets: list[tuple[Any, ...]] = []
                unknowns: list[tuple[Any, ...]] = []
                inputs = _decode(request.object, (), secrets, unknowns)
                registrations.append(
                    Registration(
                        type=request.type,
                        name=request.name,
                        parent=_last(request.parent),
                        dependencies=frozenset(_last(u) for u in request.dependencies),
                        property_dependencies={
                            key: frozenset(_last(u) for u in value.urns)
                            for key, value in request.propertyDependencies.items()
                        },
                        inputs=inputs,
                        secrets=secrets,
                        unknowns=unknowns,
                        aliases=list(request.aliases),
                        delete_before_replace=request.deleteBeforeReplace,
                    )
                )
            return response

    class Engine(pulumi_mocks.MockEngine):
        def Log(self, request: Any) -> None:
            severity = SEVERITIES[request.severity]
            if severity != "debug":
                logs.append((severity, request.message, _last(request.urn)))

    def body() -> None:
        pulumi_mocks.set_mocks(mocks, "project", "stack", preview=preview, monitor=Monitor(mocks))
        settings.SETTINGS.engine = Engine(None)
        settings.SETTINGS.rpc_manager.clear()
        settings.SETTINGS.outputs.clear()
        try:
            _sync_await(run_pulumi_func(program))
        except BaseException as error:  # the program's failure is what some tests look for
            errors.append(error)

    asyncio_logger = logging.getLogger("asyncio")
    level = asyncio_logger.level
    asyncio_logger.setLevel(logging.CRITICAL)
    try:
        with _own_event_loop():  # as the offline engine runs a program, and why
            contextvars.Context().run(body)
    finally:
        settings.SETTINGS.outputs.clear()
        settings.SETTINGS.rpc_manager.clear()
        asyncio_logger.setLevel(level)
    return Recorded(registrations, logs, errors[0] if errors else None)
