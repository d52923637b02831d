"""Run a Pulumi program offline under `pulumi.runtime.set_mocks` and read back what it declared.

No Pulumi CLI, no cluster, no provider: the mock monitor records every registration (type, name,
parent, dependencies, inputs, which inputs are secret), and Kubernetes resources are turned back
into the manifests the provider would apply. `argo-orchestration render` uses this engine; use it
the same way to test your own stacks:

    manifests = render_program("infra/", stack="dev", config={"replicas": "2"})
    run = run_pulumi(lambda: ScheduledPipeline("etl", spec))

Runs happen like `pulumi preview`: values only the cluster knows (`metadata.uid`, `status`) are
unknown, and a manifest that depends on one is an error, as is anything that needs a provider
(see `SUPPORTED`). Each run gets a fresh `contextvars.Context`, because Pulumi's runtime keeps its
root stack and config in context variables that would otherwise leak from one run into the next.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import logging
import os
import re
import runpy
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..argo.apply_order import in_apply_order
from ..errors import (
    Problem,
    ResolvedValueError,
    SpecError,
    collect_invalid_components,
    format_path,
    shown,
)
from .project import (
    DEFAULT_STACK,
    Project,
    find_project,
    namespaced,
    program_config,
    program_location,
)

__all__ = [
    "SECRET_MARKER",
    "SUPPORTED",
    "InvalidComponent",
    "InvalidComponents",
    "LogMessage",
    "OfflineRenderError",
    "OfflineRun",
    "RegisteredResource",
    "render_program",
    "resource_manifest",
    "run_program",
    "run_pulumi",
]

KUBERNETES_PREFIX = "kubernetes:"
SECRET_MARKER = "[secret]"
"""Stands in for every secret value in rendered manifests unless secrets are shown."""

SUPPORTED = (
    "Offline rendering supports typed pulumi-kubernetes resources and CustomResource objects "
    "with a metadata.name (given, or auto-named as the provider does), and component resources "
    "built from them (ScheduledPipeline, SharedWorkflowTemplate, your own components)."
)
# pulumi-kubernetes names an object without metadata.name `<Pulumi name>-<8 random hex digits>`
# and marks it with this annotation (provider/pkg/metadata/naming.go, AssignNameIfAutonamable;
# sdk/go/common/resource/resource_id.go, NewUniqueName). Offline, a hash of the resource's type and
# name stands in for the random digits, so a render is repeatable.
AUTONAMED_ANNOTATION = "pulumi.com/autonamed"

# Resources that the provider (or the helm binary) expands into other objects at deploy time.
_EXPANDED_BY_PROVIDER = ("kubernetes:yaml", "kubernetes:helm.sh", "kubernetes:kustomize")
# Invokes those resources make; they are reported through the resource itself.
_EXPANSION_INVOKES = ("kubernetes:yaml:", "kubernetes:helm:", "kubernetes:kustomize:")
# Server-set fields: unknown during a preview, so a manifest built from them cannot be rendered.
_SERVER_METADATA = ("uid", "resourceVersion", "creationTimestamp", "generation")
# Kinds without a namespace, which a provider's default namespace does not apply to.
_CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "ClusterWorkflowTemplate",
        "PersistentVolume",
        "StorageClass",
        "PriorityClass",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "APIService",
        "IngressClass",
        "RuntimeClass",
    }
)

PropertyPath = tuple[str | int, ...]
# The SDK logs each resource as its constructor runs (pulumi/runtime/resource.py,
# `register_resource`), before it waits for its inputs: the order the program declared them in.
# Registrations reach the monitor in whatever order their inputs resolve.
_CONSTRUCTED = r"registering resource: ty=(.*?), name=(.*?), custom="
# engine.proto LogSeverity: DEBUG 0, INFO 1, WARNING 2, ERROR 3.
_SEVERITIES = {0: "debug", 1: "info", 2: "warning", 3: "error"}


class OfflineRenderError(ValueError):
    """The program declared things that cannot be rendered without a provider; lists them all."""

    def __init__(self, problems: list[str], cause: BaseException | None = None) -> None:
        self.problems = tuple(problems)
        self.cause = cause
        count = len(self.problems)
        lines = [
            f"{count} declaration{'s' if count != 1 else ''} cannot be rendered offline "
            "(no provider runs):",
            *(f"  - {problem}" for problem in self.problems),
            SUPPORTED,
        ]
        if cause is not None:
            lines.append(f"(the program then failed: {type(cause).__name__}: {cause})")
        super().__init__("\n".join(lines))


class DuplicateResources(OfflineRenderError):
    """Two resources with one URN: the engine would refuse the second ("Duplicate resource URN")."""

    def __init__(self, problems: list[str]) -> None:
        ValueError.__init__(self, "\n".join(problems))
        self.problems = tuple(problems)
        self.cause = None


class InvalidComponent(NamedTuple):
    """A component whose spec is invalid, and the program line that declares it."""

    component: str
    """e.g. `ScheduledPipeline "etl"`."""
    location: str | None
    """`path/__main__.py:12`, or None when no frame of the program is on the stack."""
    error: SpecError


class InvalidComponents(SpecError):
    """Every component of a program run whose spec is invalid, each with its line (the run went
    on past each one); `problems` reads `__main__.py:12: ScheduledPipeline "etl": path: why`."""

    def __init__(
        self, components: Sequence[InvalidComponent], cause: BaseException | None = None
    ) -> None:
        self.components = tuple(components)
        self.cause = cause
        super().__init__(
            [
                Problem(f"{c.location}: {c.component}" if c.location else c.component, str(problem))
                for c in self.components
                for problem in c.error.problems
            ]
        )


@dataclass(frozen=True)
class RegisteredResource:
    """One resource the program registered, as the engine would have seen it."""

    urn: str
    type: str
    name: str
    parent: str
    dependencies: tuple[str, ...]
    custom: bool
    protect: bool
    provider: str
    inputs: dict[str, Any]
    """Input properties with secrets unwrapped and nulls dropped, as a provider receives them."""
    secret_paths: tuple[PropertyPath, ...] = ()
    """Where in `inputs` a secret value sits (e.g. `("data", "password")`)."""
    unknown_paths: tuple[PropertyPath, ...] = ()
    """Inputs only known after deployment (dropped from `inputs`)."""
    remote: bool = False
    transforms: bool = False
    auto_name: str | None = None
    """The metadata.name the provider would assign, when the program set none."""


class LogMessage(NamedTuple):
    """One `pulumi.log` message: severity (`debug`, `info`, `warning`, `error`), text, resource."""

    severity: str
    message: str
    urn: str


@dataclass
class OfflineRun:
    """Everything a program registered, in registration order, and what it cannot render."""

    resources: list[RegisteredResource] = field(default_factory=list)
    reads: list[tuple[str, str]] = field(default_factory=list)
    """(type, name) of resources read with `.get()` or a StackReference."""
    invokes: list[str] = field(default_factory=list)
    """Tokens of provider functions the program called."""
    stack_transforms: int = 0
    config: Mapping[str, str] = field(default_factory=dict)
    logs: list[LogMessage] = field(default_factory=list)
    """What the program logged through `pulumi.log`, in order."""
    construction: dict[tuple[str, str], int] = field(default_factory=dict)
    """(type, name) -> the order the program constructed the resource in."""

    @property
    def warnings(self) -> list[str]:
        """The warnings the program logged (`pulumi.log.warn`), as `pulumi preview` shows them."""
        return [log.message for log in self.logs if log.severity == "warning"]

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        """The resources of one type token, e.g. `kubernetes:core/v1:ServiceAccount`."""
        return [r for r in self.resources if r.type == type_token]

    def by_urn(self, urn: str) -> RegisteredResource:
        """The resource with this URN."""
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def kubernetes_resources(self) -> list[RegisteredResource]:
        """Registered Kubernetes objects (not providers, not components)."""
        return [r for r in self.resources if r.custom and r.type.startswith(KUBERNETES_PREFIX)]

    def problems(self) -> list[str]:
        """Why parts of the program cannot be rendered offline; empty when all of it can."""
        found: list[str] = []
        provider_namespaces = {
            r.urn: r.inputs.get("namespace")
            for r in self.resources
            if r.type == "pulumi:providers:kubernetes"
        }
        default_namespace = self.config.get("kubernetes:namespace")
        for r in sorted(self.resources, key=lambda r: (r.type, r.name)):
            label = f'{r.type} "{r.name}"'
            reason = _resource_problem(r)
            if reason is None and _needs_namespace(r):
                provider_urn = r.provider.rsplit("::", 1)[0] if r.provider else ""
                source = (
                    provider_namespaces.get(provider_urn)
                    if provider_urn in provider_namespaces
                    else default_namespace
                )
                if source:
                    reason = (
                        f"no metadata.namespace, and its provider's default namespace "
                        f"({shown(source)}) is applied by the provider: set metadata.namespace"
                    )
            if reason is not None:
                found.append(f"{label}: {reason}")
        found += [
            f'{type_} "{name}": reads existing state (.get() or a StackReference), '
            "which needs a cluster or a Pulumi backend"
            for type_, name in self.reads
        ]
        found += [
            f"function {token}: provider functions (invokes) need their provider"
            for token in dict.fromkeys(self.invokes)
        ]
        if self.stack_transforms:
            found.append(
                "stack transforms (pulumi.runtime.register_resource_transform) are run by the "
                "Pulumi engine, not offline"
            )
        return found

    def manifests(self, *, show_secrets: bool = False) -> list[dict[str, Any]]:
        """Kubernetes resources as manifests, in apply order (by kind, each in declaration order).

        Secret values read `SECRET_MARKER` unless `show_secrets`. Raises OfflineRenderError
        when anything in the run cannot be rendered offline, rather than leaving it out.
        """
        duplicates = _duplicate_urns(self.resources)
        if duplicates:
            raise DuplicateResources(duplicates)
        problems = self.problems()
        if problems:
            raise OfflineRenderError(problems)
        declared = sorted(
            self.kubernetes_resources(),
            key=lambda r: self.construction.get((r.type, r.name), len(self.construction)),
        )
        return in_apply_order([resource_manifest(r, show_secrets=show_secrets) for r in declared])


def _duplicate_urns(resources: list[RegisteredResource]) -> list[str]:
    """The engine refuses a second resource with a URN already registered ("Duplicate resource
    URN"), so `pulumi up` would stop there. A URN is the stack and project, the types of the
    resource's ancestors and its own, and its name (Pulumi's mocks keep only the parent's last
    type, so the chain is rebuilt here). Each is named once, the outermost only: the children of
    two components of one name share URNs too."""
    by_urn = {r.urn: r for r in resources}

    def chain(r: RegisteredResource) -> str:
        types, parent = [r.type], by_urn.get(r.parent)
        while parent is not None and parent.type != "pulumi:pulumi:Stack":
            types.append(parent.type)
            parent = by_urn.get(parent.parent)
        return "$".join(reversed(types))

    keys = [(chain(r), r.name) for r in resources]
    counts: dict[tuple[str, str], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    found: dict[tuple[str, str], str] = {}
    for r, key in zip(resources, keys, strict=True):
        parent = by_urn.get(r.parent)
        parent_twice = parent is not None and counts.get((chain(parent), parent.name), 0) > 1
        if counts[key] > 1 and not parent_twice and key not in found:
            prefix = r.urn.split("::")[:2]
            urn = "::".join([*prefix, key[0], key[1]])
            found[key] = (
                f'{r.type} "{r.name}": declared twice ({urn}): `pulumi up` would stop at the '
                'second ("Duplicate resource URN"); give one of them another name'
            )
    return list(found.values())


def _resource_problem(r: RegisteredResource) -> str | None:
    if r.type.startswith(_EXPANDED_BY_PROVIDER):
        return (
            "yaml, helm and kustomize resources are expanded by the provider (or the helm "
            "binary) at deploy time; declare the objects as typed resources or CustomResource"
        )
    if r.remote:
        return "a component implemented by its provider (a remote component) cannot run offline"
    if r.transforms:
        return "resource transforms are run by the Pulumi engine, not offline"
    if not r.custom or r.type.startswith("pulumi:providers:"):
        return None
    if not r.type.startswith(KUBERNETES_PREFIX):
        package = r.type.split(":", 1)[0]
        return f"needs the {shown(package)} provider, which does not run offline"
    if r.type.endswith("Patch"):
        return "patches an object that already exists in the cluster; there is no manifest"
    metadata = r.inputs.get("metadata") or {}
    if not metadata.get("name") and r.auto_name is None:
        if metadata.get("generateName"):
            return "metadata.generateName is resolved by the API server: set metadata.name"
        return "no metadata.name: auto-naming happens in the provider; set metadata.name"
    if r.unknown_paths:
        where = ", ".join(format_path(p) for p in r.unknown_paths)
        return f"{where}: only known after deployment (e.g. a uid or status read from another)"
    return None


def _needs_namespace(r: RegisteredResource) -> bool:
    if not r.custom or not r.type.startswith(KUBERNETES_PREFIX) or r.type.startswith("pulumi:"):
        return False
    metadata = r.inputs.get("metadata") or {}
    return not metadata.get("namespace") and r.type.rsplit(":", 1)[-1] not in _CLUSTER_SCOPED


def resource_manifest(resource: RegisteredResource, *, show_secrets: bool = True) -> dict[str, Any]:
    """A pulumi-kubernetes resource's inputs as the manifest it would apply."""
    inputs = copy.deepcopy(resource.inputs)
    if not show_secrets:
        for path in resource.secret_paths:
            _replace(inputs, path, SECRET_MARKER)
    head = {"apiVersion": inputs.pop("apiVersion", None), "kind": inputs.pop("kind", None)}
    if head["apiVersion"] is None or head["kind"] is None:
        # kubernetes:<group>/<version>:<Kind>; the core group is spelled `core` in the token.
        _, group_version, kind = resource.type.split(":", 2)
        group, _, version = group_version.rpartition("/")
        head = {"apiVersion": version if group == "core" else group_version, "kind": kind}
    metadata = _sorted_keys(inputs.pop("metadata", {}) or {})
    if resource.auto_name is not None and not metadata.get("name"):
        metadata["name"] = resource.auto_name
        metadata["annotations"] = {**metadata.get("annotations", {}), AUTONAMED_ANNOTATION: "true"}
    head_metadata = {k: metadata.pop(k) for k in _METADATA_ORDER if k in metadata}
    return {**head, "metadata": {**head_metadata, **metadata}, **_sorted_keys(inputs)}


# The wire format (a protobuf map) does not keep the program's key order, so manifests get a
# stable one: Kubernetes' usual head, then `name` and the other keys alphabetically at every level.
_METADATA_ORDER = ("name", "generateName", "namespace", "labels", "annotations")


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value, key=lambda k: (k != "name", k))}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def _replace(tree: Any, path: PropertyPath, value: Any) -> None:
    if not path:
        return
    node = tree
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


# --------------------------------------------------------------------------------------------
# Reading what the SDK sent: protobuf values, with secrets and unknowns located by path
# --------------------------------------------------------------------------------------------


def _decode(
    value: Any, path: PropertyPath, secrets: list[PropertyPath], unknowns: list[PropertyPath]
) -> Any:
    """Plain Python from a protobuf value; secrets unwrapped (their path noted), nulls dropped.

    `rpc.deserialize_properties` would push a nested secret's secretness up to the whole top-level
    property (all of `spec`), so the wire format is read here to keep secrets fine-grained.
    """
    from google.protobuf import struct_pb2  # type: ignore[import-untyped]
    from pulumi.runtime import rpc

    if isinstance(value, str) and value == rpc.UNKNOWN:
        unknowns.append(path)
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf numbers are doubles; Kubernetes integer fields are not
    if isinstance(value, struct_pb2.ListValue):
        items = [_decode(v, (*path, i), secrets, unknowns) for i, v in enumerate(value)]
        return [item for item in items if item is not None]
    if isinstance(value, struct_pb2.Struct):
        key = rpc._special_sig_key
        signature = value[key] if key in value else None  # noqa: SIM401 (a Struct has no .get)
        if signature == rpc._special_secret_sig:
            secrets.append(path)
            return _decode(value["value"], path, secrets, unknowns)
        if signature == rpc._special_resource_sig:
            return str(value["urn"])
        if signature is not None:
            return rpc.deserialize_property(value)
        decoded = {k: _decode(v, (*path, k), secrets, unknowns) for k, v in value.items()}
        return {k: v for k, v in decoded.items() if v is not None}
    return value


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def run_pulumi(
    program: Callable[[], Any],
    *,
    project: str = "project",
    stack: str = DEFAULT_STACK,
    config: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    preview: bool = True,
) -> OfflineRun:
    """Run `program` under mocks and return what it registered.

    `config` and `secrets` keys are `<namespace>:<key>` as in `Pulumi.<stack>.yaml`; a key
    without a namespace belongs to `project`, as `pulumi config set` does it. Secrets reach
    the program as secrets (`Config.require_secret`). Each run has an event loop of its own, so
    create Outputs inside `program`, as a Pulumi program does. Errors raised by the program
    propagate unchanged, unless the run also declared something offline rendering cannot do:
    then OfflineRenderError, since that is the likelier cause.
    """
    values = {namespaced(k, project): v for k, v in (config or {}).items()}
    secret_values = {namespaced(k, project): v for k, v in (secrets or {}).items()}
    values.update(secret_values)
    return _run(
        program,
        project=project,
        stack=stack,
        config=values,
        secret_keys=frozenset(secret_values),
        preview=preview,
    )


def _run(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: frozenset[str],
    preview: bool,
    every_invalid_component: tuple[Project, Path] | None = None,
) -> OfflineRun:
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime import rpc, settings
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    run = OfflineRun(config=dict(config))
    auto_names: dict[tuple[str, str], str] = {}

    class _OfflineMocks(pulumi_mocks.Mocks):
        """A resource's outputs are its inputs plus what only the cluster knows (unknown)."""

        def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            if args.resource_id:  # a read: nothing is known about existing state offline
                return args.resource_id, {}
            if not args.custom:
                return "", {}
            outputs = dict(args.inputs)
            if args.typ.startswith("pulumi:providers:"):
                return f"{args.name}-id", outputs
            if not args.typ.startswith(KUBERNETES_PREFIX):
                return "", outputs
            metadata = dict(outputs.get("metadata") or {})
            if not metadata.get("name") and not metadata.get("generateName"):
                metadata["name"] = auto_names[(args.typ, args.name)] = _auto_name(args)
            name, namespace = metadata.get("name"), metadata.get("namespace")
            for key in _SERVER_METADATA:
                metadata[key] = rpc.UNKNOWN
            metadata.setdefault("name", rpc.UNKNOWN)
            outputs["metadata"] = metadata
            outputs["status"] = rpc.UNKNOWN
            # pulumi-kubernetes IDs are `<namespace>/<name>`, or the name for cluster objects.
            resource_id = (f"{namespace}/{name}" if namespace else name) if name else ""
            return str(resource_id), outputs

        def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
            if not args.token.startswith(_EXPANSION_INVOKES):
                run.invokes.append(args.token)
            return {}, []

    # Pulumi answers registrations in executor threads, and its mock monitor gives each thread an
    # event loop of its own (`_ensure_event_loop`) that nothing closes: they are closed with the
    # run's own loop.
    thread_loops: set[Any] = set()

    def note_thread_loop() -> None:
        import asyncio

        with contextlib.suppress(RuntimeError):  # no loop in this thread
            thread_loops.add(asyncio.get_event_loop())

    class _RecordingMonitor(pulumi_mocks.MockMonitor):
        """`MockResourceArgs` carries no parent, dependencies or secrets: read the request."""

        def Invoke(self, request: Any) -> Any:
            try:
                return super().Invoke(request)  # type: ignore[no-untyped-call]
            finally:
                note_thread_loop()

        def RegisterResource(self, request: Any) -> Any:
            try:
                response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
            finally:
                note_thread_loop()
            if request.type != "pulumi:pulumi:Stack":
                secrets: list[PropertyPath] = []
                unknowns: list[PropertyPath] = []
                inputs = _decode(request.object, (), secrets, unknowns)
                run.resources.append(
                    RegisteredResource(
                        urn=response.urn,
                        type=request.type,
                        name=request.name,
                        parent=request.parent,
                        dependencies=tuple(request.dependencies),
                        custom=bool(request.custom),
                        protect=bool(request.protect),
                        provider=request.provider,
                        inputs=inputs,
                        secret_paths=tuple(secrets),
                        unknown_paths=tuple(unknowns),
                        remote=bool(request.remote),
                        transforms=len(request.transforms) > 0,
                        auto_name=auto_names.get((request.type, request.name)),
                    )
                )
            return response

        def ReadResource(self, request: Any) -> Any:
            run.reads.append((request.type, request.name))
            try:
                return super().ReadResource(request)  # type: ignore[no-untyped-call]
            finally:
                note_thread_loop()

        def RegisterStackTransform(self, request: Any) -> Any:
            run.stack_transforms += 1
            return super().RegisterStackTransform(request)  # type: ignore[no-untyped-call]

    class _RecordingEngine:
        """The engine's log endpoint: `pulumi.log` messages, with the resource they concern."""

        def Log(self, request: Any) -> None:
            severity = _SEVERITIES.get(request.severity, "info")
            constructed = re.match(_CONSTRUCTED, request.message) if severity == "debug" else None
            if constructed:
                declared = (constructed.group(1), constructed.group(2))
                run.construction.setdefault(declared, len(run.construction))
            else:
                run.logs.append(LogMessage(severity, request.message, request.urn))

    mocks = _OfflineMocks()
    invalid: list[InvalidComponent] = []

    def _in_fresh_context() -> None:
        pulumi_mocks.set_mocks(
            mocks, project, stack, preview=preview, monitor=_RecordingMonitor(mocks)
        )
        settings.SETTINGS.engine = _RecordingEngine()
        # Pulumi's runtime keeps pending outputs in one set for the process; a failed run's
        # would fail the next one. Cleared as Pulumi's own `@pulumi.runtime.test` does
        # (pulumi/runtime/mocks.py, `test`).
        settings.SETTINGS.rpc_manager.clear()
        settings.SETTINGS.outputs.clear()
        set_all_config(dict(config), sorted(secret_keys))
        if every_invalid_component is not None:
            declared_in, caller_directory = every_invalid_component

            def collect(component: str, error: SpecError) -> None:
                frames = [(f.filename, f.lineno or 0) for f in traceback.extract_stack()]
                location = program_location(frames, declared_in, relative_to=caller_directory)
                invalid.append(InvalidComponent(component, location, error))

            collect_invalid_components(collect)
        _sync_await(run_pulumi_func(_ends_at_exit_0(program)))

    asyncio_logger = logging.getLogger("asyncio")
    level = asyncio_logger.level
    # A failed program leaves futures nobody awaits; Pulumi's own runner silences asyncio too.
    asyncio_logger.setLevel(logging.CRITICAL)
    try:
        with _own_event_loop(thread_loops):
            contextvars.Context().run(_in_fresh_context)
    except Exception as error:
        if invalid:
            raise InvalidComponents(invalid, cause=error) from error
        if isinstance(error, (SpecError, ResolvedValueError)):
            raise
        problems = run.problems()
        if problems:
            raise OfflineRenderError(problems, cause=error) from error
        raise
    finally:
        settings.SETTINGS.outputs.clear()  # the runtime's hold on this run's futures
        settings.SETTINGS.rpc_manager.clear()
        asyncio_logger.setLevel(level)
    if invalid:
        raise InvalidComponents(invalid)
    return run


def _ends_at_exit_0(program: Callable[[], Any]) -> Callable[[], Any]:
    """`program`, for which `sys.exit(0)` (or `sys.exit()`) ends it normally, as it ends a process:
    what it declared until then is the result. Any other exit status is an error."""

    def ending_at_exit_0() -> Any:
        try:
            return program()
        except SystemExit as exit:
            if exit.code not in (None, 0):
                raise
            return None

    return ending_at_exit_0


@contextlib.contextmanager
def _own_event_loop(thread_loops: set[Any] | None = None) -> Iterator[None]:
    """Run on an event loop of the run's own, closed when the run ends, which keeps quiet about
    what a failure leaves (Pulumi's own program runner does the same).

    When a value fails inside an apply, every resource waiting for it fails with the same error,
    which the run raises. Each of those futures would log "exception was never retrieved" when it
    is collected, whenever that is, formatting a traceback: collected inside another `ast.parse`
    (pytest formats tracebacks with it) that breaks the parse with CPython 3.11's SystemError
    "AST constructor recursion depth mismatch" (gh-106905). A future reports to its own loop.
    A loop left open, the run's or one Pulumi gave an executor thread, is closed by the garbage
    collector at exit, after its descriptors, and prints `Exception ignored in:
    BaseEventLoop.__del__`; so the run's tasks are cancelled, its executor shut down (its threads
    end: a process may fork afterwards) and those loops closed. Inside a running loop (an async
    test) Pulumi pumps that loop, so it is left alone.
    """
    import asyncio

    if asyncio._get_running_loop() is not None:
        yield  # (and its executor's threads keep their loops: they may serve it again)
        return
    # The thread's state before, restored after: the loop installed, if any (asking the policy
    # for it would create one), and whether `get_event_loop` may still create one.
    local = getattr(asyncio.get_event_loop_policy(), "_local", None)
    previous = getattr(local, "_loop", None)
    set_called = getattr(local, "_set_called", None)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_about_unretrieved)
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        try:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(previous)
            if local is not None and set_called is not None:
                local._set_called = set_called
            loop.close()
            for thread_loop in thread_loops or ():
                if not thread_loop.is_running() and not thread_loop.is_closed():
                    thread_loop.close()


# What asyncio says of the futures a failed run leaves: failed ones nobody awaited, and
# Outputs still waiting on them when the loop closes. The run raised the failure itself.
_LEFT_BEHIND = ("exception was never retrieved", "Task was destroyed but it is pending")


def _quiet_about_unretrieved(loop: Any, context: dict[str, Any]) -> None:
    if any(text in str(context.get("message", "")) for text in _LEFT_BEHIND):
        return
    loop.default_exception_handler(context)


def _auto_name(args: Any) -> str:
    import hashlib

    digest = hashlib.sha256(f"{args.typ}::{args.name}".encode()).hexdigest()
    return f"{args.name}-{digest[:8]}"


def run_program(
    path: str | os.PathLike[str],
    *,
    stack: str | None = None,
    config: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    every_invalid_component: bool = False,
) -> OfflineRun:
    """Run a Pulumi program (directory with Pulumi.yaml, or a .py file) offline.

    Config is what the Pulumi CLI would give it: Pulumi.yaml's `config:` defaults, then the plain
    values of `Pulumi.<stack>.yaml` when `stack` is given (a `secure:` value is a ProjectError
    naming the key), then `config`, then `secrets`. The program runs as `__main__` from its own
    directory, like `pulumi preview` runs it; its working directory, `sys.path`, `sys.argv` and
    the modules it imports from its project are restored afterwards.

    With `every_invalid_component`, a component with an invalid spec does not stop the program:
    the run goes on and then raises InvalidComponents listing each one with the line that declares
    it (how `argo-orchestration render` reports them). The program shares this process: one that
    patches the library or its own interpreter can affect what follows; the command line runs
    each program in a process of its own.
    """
    project = find_project(path)
    settings = program_config(project, stack, config, secrets)
    main = str(project.main)
    # Lines of the program are named from where the caller is, not from the program's directory.
    located = (project, Path.cwd()) if every_invalid_component else None
    with _program_process_state(project):
        return _run(
            lambda: runpy.run_path(main, run_name="__main__"),
            project=project.name,
            stack=(stack or DEFAULT_STACK).rsplit("/", 1)[-1],
            config=settings.values,
            secret_keys=settings.secret_keys,
            preview=True,
            every_invalid_component=located,
        )


def render_program(
    path: str | os.PathLike[str],
    *,
    stack: str | None = None,
    config: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    show_secrets: bool = False,
) -> list[dict[str, Any]]:
    """The manifests a Pulumi program declares, rendered offline (see `run_program`)."""
    run = run_program(path, stack=stack, config=config, secrets=secrets)
    return run.manifests(show_secrets=show_secrets)


@contextlib.contextmanager
def _program_process_state(project: Project) -> Iterator[None]:
    """Give the program its own cwd, argv and import path; forget its own modules afterwards."""
    work_dir = project.work_dir
    before = set(sys.modules)
    saved_path, saved_argv, saved_cwd = list(sys.path), list(sys.argv), os.getcwd()
    sys.path.insert(0, str(work_dir))
    sys.argv = [str(project.main)]
    os.chdir(work_dir)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.argv = saved_argv
        # Modules loaded from the project's files belong to this run; everything else (pulumi,
        # this library, however they are installed) stays, so its classes keep one identity.
        roots = {project.root.resolve(), work_dir.resolve()}
        for name in set(sys.modules) - before:
            if _loaded_from(sys.modules[name], roots):
                del sys.modules[name]


def _loaded_from(module: Any, roots: set[Path]) -> bool:
    """True when the module's file (or a namespace package's directory) is under one of `roots`."""
    places = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or [])]
    for place in places:
        if not isinstance(place, str):
            continue
        try:
            resolved = Path(place).resolve()
        except OSError:
            continue
        if any(resolved == root or root in resolved.parents for root in roots):
            return True
    return False
