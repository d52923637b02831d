"""Further Argo fields (`argo:`), and every value checked against Argo's own schema.

The typed fields cover what jobs use most; `argo:` on a template (and on a sidecar or init
container) takes any other field of Argo's Template or container, spelled as Argo spells it. It
is merged into the emitted template only after three checks, each problem with its path:

- Argo's schema (`argo_schema/`, a generated subset of Argo's published `schema.json`, closed so
  a misspelled field is an error naming the closest real one) for the pipeline's `argoVersion`;
- keys the package writes itself are refused, with the field to use instead: a typed field, the
  template's kind (`steps`, `resource`, ...), its account and its `securityContext`;
- what the restricted Pod Security Standard forbids and the remaining fields could still set:
  host ports, and probes or lifecycle handlers that name a host. `securityContext` is never
  taken from here (privileged mode, capabilities and users come from `security:` only) and
  `podSpecPatch`, which could change anything in the pod unseen, is refused.

The schema is read on first use, not at import: most pipelines never need it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import shown
from ..syntax.json_schema import Path, Validator

ARGO = "io.argoproj.workflow.v1alpha1."
TEMPLATE = ARGO + "Template"
USER_CONTAINER = ARGO + "UserContainer"
CONTAINER = "io.k8s.api.core.v1.Container"
SCRIPT = ARGO + "ScriptTemplate"
AFFINITY = "io.k8s.api.core.v1.Affinity"
VOLUME = "io.k8s.api.core.v1.Volume"
SCHEMA_FILES = {"4": "template-v4.json", "3.5": "template-v3.5.json"}
VERSIONS = ("4", "3.5")  # newest first

# Template fields the package writes from typed fields of the same name.
TYPED_TEMPLATE_FIELDS = (
    "activeDeadlineSeconds",
    "affinity",
    "initContainers",
    "nodeSelector",
    "outputs",
    "priorityClassName",
    "retryStrategy",
    "sidecars",
    "tolerations",
    "volumes",
)
# Container fields the package writes from typed fields of the same name.
TYPED_CONTAINER_FIELDS = (
    "args",
    "command",
    "env",
    "envFrom",
    "image",
    "imagePullPolicy",
    "name",
    "resources",
    "volumeMounts",
    "workingDir",
)
_KIND = "a template here runs one container or script; `{key}` would make it another kind"
_ACCOUNT = (
    "the package sets the account and its RBAC: use the template's `serviceAccountName`, "
    "`automountServiceAccountToken` and `executorServiceAccountName`"
)
OWNED_TEMPLATE_FIELDS = {
    "name": "the package names the template `main`, the WorkflowTemplate's entrypoint",
    "inputs": "the WorkflowTemplate's inputs are the template's `parameters`",
    **dict.fromkeys(
        ("steps", "dag", "resource", "suspend", "http", "plugin", "data", "containerSet"), _KIND
    ),
    "securityContext": (
        "the package writes the pod's securityContext from `security:`, so the pod stays "
        "restricted: relax a setting there"
    ),
    "serviceAccountName": _ACCOUNT,
    "automountServiceAccountToken": _ACCOUNT,
    "executor": _ACCOUNT,
    "podSpecPatch": (
        "a pod spec patch can change anything in the pod (host namespaces, privileged "
        "containers) unseen by the pod security checks: use the typed fields and `argo:`"
    ),
    "metadata": "the pods' labels and annotations are `podMetadata`",
}
# What `security:` offers instead of a container securityContext field.
_SECURITY_FIELDS = {
    "runAsUser": "runAsUser",
    "runAsGroup": "runAsGroup",
    "runAsNonRoot": "runAsNonRoot",
    "allowPrivilegeEscalation": "allowPrivilegeEscalation",
    "capabilities": "addCapabilities",
    "seccompProfile": "seccompProfile",
}
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HANDLERS = ("postStart", "preStop")


@functools.cache
def validator(version: str) -> Validator:
    """The validator of the schema subset shipped for an `argoVersion` ('4' or '3.5')."""
    import json
    from importlib import resources

    text = resources.files(__package__) / "argo_schema" / SCHEMA_FILES[version]
    return Validator(json.loads(text.read_text(encoding="utf-8"))["definitions"])


def _problems(version: str, value: Any, definition: str) -> list[tuple[Path, str]] | None:
    """Problems against one version's definition; None when that version does not have it."""
    checker = validator(version)
    if definition not in checker.definitions:
        return None
    return checker.problems(value, definition)


def schema_problems(
    value: Any, definition: str, version: str | None = None
) -> list[tuple[Path, str]]:
    """Problems of `value` against one of Argo's definitions.

    Without a `version`: what every supported Argo version refuses (a field can be checked
    before the pipeline's `argoVersion` is known). With one: what that version refuses although
    another accepts it, named as a version difference rather than as a misspelling; the two
    calls together report each problem once.
    """
    if version is None:
        found = [_problems(v, value, definition) for v in VERSIONS]
        known = [problems for problems in found if problems is not None]
        if not known or not known[0]:
            return []
        everywhere = set.intersection(*({path for path, _ in problems} for problems in known))
        return [(path, message) for path, message in known[0] if path in everywhere]
    own = _problems(version, value, definition) or []
    if not own:
        return []
    elsewhere = [_problems(v, value, definition) for v in VERSIONS if v != version]
    refused_elsewhere = set.intersection(
        *({path for path, _ in problems} for problems in elsewhere if problems is not None),
        {path for path, _ in own},
    )
    when = "later" if version == VERSIONS[-1] else "earlier"
    target = f"Argo v{version} (`argoVersion` is {shown(version)})"
    return [
        (
            path,
            f"is not in {target}; {when} Argo versions have it"
            if message.startswith("unknown field")
            else f"{message} in {target}, unlike {when} Argo versions",
        )
        for path, message in own
        if path not in refused_elsewhere
    ]


def template_field_problems(
    fields: Mapping[str, Any], version: str | None = None
) -> list[tuple[Path, str]]:
    """What is wrong with a template's `argo:` mapping, each at its path below it.

    Without a `version`, everything but what only some Argo versions refuse; with one, only that
    (see `schema_problems`).
    """
    schema = [
        (path, message)
        for path, message in schema_problems(dict(fields), TEMPLATE, version)
        if not _refused_path(path, template=True)
    ]
    if version is not None:
        return schema
    problems: list[tuple[Path, str]] = []
    for key in fields:
        if key in OWNED_TEMPLATE_FIELDS:
            problems.append(((key,), f"cannot be set here: {OWNED_TEMPLATE_FIELDS[key]}"))
        elif key in TYPED_TEMPLATE_FIELDS:
            problems.append(((key,), f"set the template's own `{key}` (a typed field)"))
    for key in ("container", "script"):
        container = fields.get(key)
        if isinstance(container, Mapping):
            inner = _owned_in_container(container) + _host_problems(container)
            problems += [((key, *path), message) for path, message in inner]
    return problems + schema


def container_field_problems(
    fields: Mapping[str, Any], version: str | None = None
) -> list[tuple[Path, str]]:
    """What is wrong with a sidecar's or init container's `argo:` mapping (as above)."""
    schema = [
        (path, message)
        for path, message in schema_problems(dict(fields), USER_CONTAINER, version)
        if not _refused_path(path, template=False)
    ]
    if version is not None:
        return schema
    return _owned_in_container(fields) + _host_problems(fields) + schema


def _owned_in_container(fields: Mapping[str, Any]) -> list[tuple[Path, str]]:
    problems: list[tuple[Path, str]] = []
    for key, value in fields.items():
        if key in TYPED_CONTAINER_FIELDS:
            problems.append(((key,), f"set the container's own `{key}` (a typed field)"))
        elif key == "source":
            problems.append(((key,), "set the template's own `source` (a typed field)"))
        elif key == "securityContext":
            problems += _security_context_problems(value)
    return problems


def _security_context_problems(context: Any) -> list[tuple[Path, str]]:
    where: Path = ("securityContext",)
    if not isinstance(context, Mapping) or not context:
        return [(where, "cannot be set here: the package writes it from `security:`")]
    problems: list[tuple[Path, str]] = []
    for key, value in context.items():
        if key == "privileged":
            message = (
                "privileged containers are refused: they lift every protection of the "
                "restricted Pod Security Standard, and no `security:` exception allows them"
            )
            if value is False:
                message = "cannot be set here: containers are never privileged"
        elif key in _SECURITY_FIELDS:
            message = (
                f"cannot be set here: use the template's `security.{_SECURITY_FIELDS[key]}`, "
                "which keeps every container of the pod consistent"
            )
        else:
            message = (
                "cannot be set here: the package writes the container's securityContext from "
                "`security:`, which does not offer it"
            )
        problems.append(((*where, str(key)), message))
    return problems


_OWNED_IN_CONTAINER = frozenset({*TYPED_CONTAINER_FIELDS, "source", "securityContext"})


def _refused_path(path: Path, template: bool) -> bool:
    """A path under a key reported as refused already (its required fields included)."""
    if not path:
        return False
    if not template:
        return path[0] in _OWNED_IN_CONTAINER
    if path[0] in OWNED_TEMPLATE_FIELDS or path[0] in TYPED_TEMPLATE_FIELDS:
        return True
    return path[0] in ("container", "script") and len(path) > 1 and path[1] in _OWNED_IN_CONTAINER


def _host_problems(container: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """What the baseline Pod Security Standard forbids in the remaining container fields.

    pod-security-admission policy/check_hostPorts.go (`ports[*].hostPort`: unset or 0) and
    check_hostProbesAndhostLifecycle.go (probes' and lifecycle handlers' `httpGet.host` and
    `tcpSocket.host`: unset or empty).
    """
    problems: list[tuple[Path, str]] = []
    ports = container.get("ports")
    for index, port in enumerate(ports if isinstance(ports, list) else []):
        if isinstance(port, Mapping) and port.get("hostPort") not in (None, 0):
            problems.append(
                (
                    ("ports", index, "hostPort"),
                    "host ports are refused: the baseline Pod Security Standard forbids them",
                )
            )
    handlers: list[tuple[Path, Any]] = [((probe,), container.get(probe)) for probe in _PROBES]
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, Mapping):
        handlers += [(("lifecycle", name), lifecycle.get(name)) for name in _HANDLERS]
    for path, handler in handlers:
        if not isinstance(handler, Mapping):
            continue
        for action in ("httpGet", "tcpSocket"):
            target = handler.get(action)
            if isinstance(target, Mapping) and target.get("host") not in (None, ""):
                problems.append(
                    (
                        (*path, action, "host"),
                        "naming a host is refused: the Pod Security Standard forbids it in "
                        "probes and lifecycle handlers (the pod's own address is used)",
                    )
                )
    return problems


def strings(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every text value inside parsed JSON, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, (*path, index))
