"""Check emitted manifests against Argo's published schemas and Kubernetes' OpenAPI.

Why: a typo in a rendered manifest (``entrypointt``, ``concurrencyPolicy: replace``, a broken child
manifest inside a resource template) is otherwise found only when the API server or the Argo
controller rejects it, i.e. after deployment. This module runs the same structural checks offline.

Argo's schemas are *not* shipped with this package: the caller passes a directory laid out like
Argo's repository (``schema.json`` plus ``crds/argoproj.io_*.yaml``). The validation libraries are
optional (the ``strict`` extra) and imported only when a check runs.
"""

from __future__ import annotations

import copy
import functools
import importlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import format_path, shown
from ..syntax.template_text import replace_tags
from . import prometheus_rule_schema

__all__ = ["KUBERNETES_VERSION", "ArgoSchemas", "validate_documents"]

#: Newest Kubernetes version whose schemas the installed kubernetes-validate 1.37.0 ships
#: (``kubernetes_validate.latest_version()``); core kinds are checked against it by default.
KUBERNETES_VERSION = "1.37.0"

_INSTALL_HINT = "pip install 'pulumi-argo-orchestration[strict]'"
_ARGO_GROUP = "argoproj.io"
_ARGO_KINDS = frozenset(
    {
        "CronWorkflow",
        "Workflow",
        "WorkflowTemplate",
        "ClusterWorkflowTemplate",
        "WorkflowEventBinding",
    }
)
_DEFINITION_PREFIX = "io.argoproj.workflow.v1alpha1."
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_ROOT = "(root)"
_MAX_MESSAGE = 300

# Placeholders as the Argo controller writes them (util/template/placeholder.go, NewPlaceholder).
_PLACEHOLDER_PREFIX = "__argo__internal__placeholder-"
# workflow/validate/validate.go, resourceManifestExpressionPattern: `{{\s*=\s*(.+?)\s*}}` (Go's `.`
# does not match a newline, nor does Python's without DOTALL).
_EXPRESSION_TAG = re.compile(r"\{\{\s*=\s*(.+?)\s*\}\}")
_WHOLE_PLACEHOLDER = re.compile(re.escape(_PLACEHOLDER_PREFIX) + r"\d+")
# Actions whose manifest is a whole object; patch/get/delete manifests are partial by design.
_WHOLE_OBJECT_ACTIONS = frozenset({"create", "apply", "replace"})


def _require(module: str) -> ModuleType:
    """Import an optional dependency, naming the extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"pulumi_argo_orchestration.conformance needs {module!r}, which is not installed; "
            f"install the strict extra: {_INSTALL_HINT}"
        ) from exc


@functools.cache
def _yaml_loader() -> Any:
    """YAML loader that reads scalars the way Go's sigs.k8s.io/yaml does for untyped targets.

    Timestamps stay strings (PyYAML would make ``date`` objects that no JSON schema accepts) and
    a bare ``=`` is a string. A subclass, so PyYAML's global loaders are left untouched.
    """
    yaml = _require("yaml")
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C loader: the CRDs are 2-3 MB each
    loader: Any = type("_GoLikeLoader", (base,), {})
    as_string = yaml.constructor.SafeConstructor.construct_yaml_str
    loader.add_constructor("tag:yaml.org,2002:timestamp", as_string)
    loader.add_constructor("tag:yaml.org,2002:value", as_string)
    return loader


def _load_yaml(text: str) -> Any:
    return _require("yaml").load(text, Loader=_yaml_loader())


def _substitute_tags(manifest: str) -> str:
    """Replace every ``{{...}}`` tag with an Argo-style placeholder so the manifest parses as YAML.

    Mirrors ``SubstituteResourceManifestExpressions`` in Argo's workflow/validate/validate.go
    (expression tags ``{{= ...}}``, one placeholder per distinct expression), preceded by what
    ``common.ProcessArgs`` does to plain tags such as ``{{workflow.name}}`` before that check.
    """
    substitutions: dict[str, str] = {}

    def placeholder(key: str) -> str:
        return substitutions.setdefault(key, f"{_PLACEHOLDER_PREFIX}{len(substitutions)}")

    replaced = _EXPRESSION_TAG.sub(lambda match: placeholder("=" + match.group(1)), manifest)
    # Plain tags are what Argo's fasttemplate substitution (common.ProcessArgs) replaces before
    # the manifest check runs: from `{{` to the next `}}`, across lines.
    return replace_tags(replaced, lambda body: placeholder(body.strip()))


def _shorten(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


# Validators whose limit the reader needs to see: jsonschema's message says only "is too long".
_LIMIT_KEYWORDS = frozenset(
    {"maxItems", "minItems", "maxLength", "minLength", "maxProperties", "minProperties"}
    | {"maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"}
)


def _error_message(error: Any) -> str:
    """A schema error's message, short, with its reason kept: jsonschema starts many messages
    with the whole offending value (`[{...200 templates...}] is too long`), so that value is
    summarised rather than the message cut before the reason."""
    message = str(error.message)
    instance = getattr(error, "instance", None)
    shown = repr(instance)
    if len(" ".join(message.split())) > _MAX_MESSAGE and shown in message:
        message = message.replace(shown, _summary(instance))
    keyword = getattr(error, "validator", None)
    if isinstance(keyword, str) and keyword in _LIMIT_KEYWORDS:
        message += f" ({keyword} {getattr(error, 'validator_value', '')})"
    return _shorten(message)


def _summary(instance: Any) -> str:
    if isinstance(instance, list):
        return f"a list of {len(instance)} items"
    if isinstance(instance, Mapping):
        return f"an object with {len(instance)} fields"
    if isinstance(instance, str):
        return f"a string of {len(instance)} characters ({instance[:40]!r}…)"
    return _shorten(repr(instance))


def _is_placeholder_value(instance: Any) -> bool:
    """Tell run-time-only values apart: a type or pattern verdict on them would be a guess."""
    return isinstance(instance, str) and _PLACEHOLDER_PREFIX in instance


def _close_objects(schema: Any) -> None:
    """Add ``additionalProperties: false`` wherever properties are listed but extras allowed."""
    if not isinstance(schema, dict):
        return
    if "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    for key in ("properties", "patternProperties"):
        for sub in (schema.get(key) or {}).values():
            _close_objects(sub)
    for key in ("items", "additionalProperties", "not"):
        _close_objects(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or ():
            _close_objects(sub)


def _strict_definitions(definitions: Mapping[str, Any]) -> dict[str, Any]:
    """Strict copy of schema.json's definitions.

    Argo's schema.json never closes objects (a misspelled field passes) and types IntOrString and
    Quantity as plain strings, although the API server accepts ``limit: 3`` and ``cpu: 1``.
    Maps such as ObjectMeta.labels already carry ``additionalProperties`` and stay open.
    """
    strict = copy.deepcopy(dict(definitions))
    for schema in strict.values():
        _close_objects(schema)
    for name, types in ((_INT_OR_STRING, ["integer", "string"]), (_QUANTITY, ["number", "string"])):
        original = strict.get(name) or {}
        strict[name] = {
            "description": original.get("description", ""),
            "anyOf": [{"type": t} for t in types],
        }
    return strict


def _accept_int_or_string(node: Any) -> None:
    """Give every ``x-kubernetes-int-or-string: true`` node the anyOf the API server applies."""
    if isinstance(node, dict):
        if node.get("x-kubernetes-int-or-string") is True and "anyOf" not in node:
            node.pop("type", None)
            node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        for value in node.values():
            _accept_int_or_string(value)
    elif isinstance(node, list):
        for value in node:
            _accept_int_or_string(value)


class _Validators:
    """Validators compiled from one schema directory (shared through ``_load_validators``)."""

    def __init__(
        self, directory: Path, by_kind: Mapping[str, Any], crd_by_kind: Mapping[str, Any]
    ) -> None:
        self.directory = directory
        self.by_kind = by_kind
        self.crd_by_kind = crd_by_kind


@functools.lru_cache(maxsize=8)
def _load_validators(directory: Path) -> _Validators:
    """Parse schema.json and crds/*.yaml once per resolved directory: the CRDs take seconds."""
    schema_file = directory / "schema.json"
    crd_dir = directory / "crds"
    if not schema_file.is_file() or not crd_dir.is_dir():
        raise FileNotFoundError(
            f"{directory} is not an Argo schema directory: expected schema.json and crds/ "
            "(copies of argo-workflows' api/jsonschema/schema.json and manifests/base/crds/full/)"
        )
    jsonschema = _require("jsonschema")
    referencing = _require("referencing")
    referencing_jsonschema = _require("referencing.jsonschema")

    document = json.loads(schema_file.read_text(encoding="utf-8"))
    definitions = document.get("definitions") if isinstance(document, dict) else None
    if not isinstance(definitions, dict):
        raise ValueError(f"{schema_file} has no 'definitions' object")
    strict_document = {**document, "definitions": _strict_definitions(definitions)}
    # Registered under its own $id so every "#/definitions/..." reference resolves locally and
    # nothing is ever fetched (v3.5's schema.json has a different $id and $schema than v4's).
    base_uri = document.get("$id") or schema_file.as_uri()
    resource = referencing_jsonschema.DRAFT202012.create_resource(strict_document)
    registry = referencing.Registry().with_resource(base_uri, resource)
    by_kind: dict[str, Any] = {}
    for name, schema in definitions.items():
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        if name.startswith(_DEFINITION_PREFIX) and {"apiVersion", "kind", "spec"} <= set(
            properties
        ):
            by_kind[name.removeprefix(_DEFINITION_PREFIX)] = jsonschema.Draft202012Validator(
                {"$ref": f"{base_uri}#/definitions/{name}"}, registry=registry
            )

    crd_by_kind: dict[str, Any] = {}
    crd_files = sorted([*crd_dir.glob("*.yaml"), *crd_dir.glob("*.yml")])
    for crd_file in crd_files:
        crd = _load_yaml(crd_file.read_text(encoding="utf-8"))
        try:
            kind = crd["spec"]["names"]["kind"]
            schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
        except (KeyError, IndexError, TypeError) as exc:
            raise ValueError(
                f"{crd_file} is not a CustomResourceDefinition with "
                "spec.versions[0].schema.openAPIV3Schema"
            ) from exc
        _accept_int_or_string(schema)  # other x-kubernetes-* keys are ignored by the validator
        crd_by_kind[kind] = jsonschema.Draft7Validator(schema)
    if not crd_by_kind:
        raise FileNotFoundError(f"{crd_dir} holds no CustomResourceDefinition YAML files")
    return _Validators(directory, by_kind, crd_by_kind)


def _label(document: Any) -> str:
    if not isinstance(document, Mapping):
        return "?/?"
    metadata = document.get("metadata")
    name = None
    if isinstance(metadata, Mapping):
        name = metadata.get("name") or metadata.get("generateName")
    return f"{document.get('kind') or '?'}/{name or '?'}"


def _is_argo(document: Mapping[str, Any]) -> bool:
    api_version = document.get("apiVersion")
    group = api_version.split("/")[0] if isinstance(api_version, str) else None
    return group == _ARGO_GROUP or document.get("kind") in _ARGO_KINDS


class ArgoSchemas:
    """Validators for one Argo schema directory plus kubernetes-validate for core kinds.

    Build with :meth:`load`; the parsed schemas are cached per directory, so loading again is cheap.
    """

    def __init__(
        self, validators: _Validators, kubernetes_version: str = KUBERNETES_VERSION
    ) -> None:
        self._validators = validators
        self.kubernetes_version = kubernetes_version

    @classmethod
    def load(
        cls,
        directory: str | os.PathLike[str],
        *,
        kubernetes_version: str = KUBERNETES_VERSION,
    ) -> ArgoSchemas:
        """Load ``schema.json`` and ``crds/*.yaml`` from ``directory`` (e.g. ``../shared/argo``)."""
        return cls(_load_validators(Path(directory).expanduser().resolve()), kubernetes_version)

    @property
    def directory(self) -> Path:
        """Resolved schema directory, as cached."""
        return self._validators.directory

    def problems(self, document: Mapping[str, Any]) -> list[str]:
        """Every problem found, each ``<kind>/<name>: <path>: <message>``; empty when valid."""
        label = _label(document)
        found = self._check(document, nested=False)
        return [f"{label}: {problem}" for problem in dict.fromkeys(found)]

    def _check(self, document: Any, *, nested: bool) -> list[str]:
        if not isinstance(document, Mapping):
            return [
                f"{_ROOT}: expected a Kubernetes object (a mapping), not {type(document).__name__}"
            ]
        if not isinstance(document.get("apiVersion"), str) or not isinstance(
            document.get("kind"), str
        ):
            return [f"{_ROOT}: apiVersion and kind must both be set (strings)"]
        if _is_argo(document):
            return self._check_argo(document, nested=nested)
        if prometheus_rule_schema.is_prometheus_rule(document):
            return _prometheus_rule_problems(document)
        return self._check_core(document, nested=nested)

    def _check_argo(self, document: Mapping[str, Any], *, nested: bool) -> list[str]:
        kind = document["kind"]
        checks = [
            (self._validators.by_kind.get(kind), "schema.json"),
            (self._validators.crd_by_kind.get(kind), "CRD"),
        ]
        if all(validator is None for validator, _ in checks):
            return [f"{_ROOT}: no schema for Argo kind {shown(kind)} in {self.directory}"]
        found: list[str] = []
        for validator, source in checks:
            if validator is not None:
                found.extend(_schema_errors(validator, document, source, skip_placeholders=nested))
        found.extend(self._check_children(document))
        return found

    def _check_core(self, document: Mapping[str, Any], *, nested: bool) -> list[str]:
        kubernetes_validate = _require("kubernetes_validate")
        # kubernetes-validate's `validate` re-reads its strict schema files on every call (~30 ms
        # an object); the same files compiled once give the same verdict, fast enough to check
        # every document of a fuzzing run. Unknown kinds and versions take the original path.
        major_minor = re.sub(r"^(\d+\.\d+).*", r"\1", self.kubernetes_version)
        known = _core_validator(kubernetes_validate.__file__ or "", major_minor, document)
        if known is not None:
            source = f"Kubernetes {major_minor} strict"
            return _schema_errors(known, document, source, skip_placeholders=nested)
        try:
            kubernetes_validate.validate(dict(document), self.kubernetes_version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            source = f"Kubernetes {exc.version} strict"
            # kubernetes-validate stops at the first error; list them all from its schema files
            # when their layout is the one we know, else report that first error alone.
            validator = _core_validator(kubernetes_validate.__file__ or "", exc.version, document)
            if validator is not None:
                found = _schema_errors(validator, document, source, skip_placeholders=nested)
                if found or nested:
                    return found
            if nested and _is_placeholder_value(exc.instance):
                return []
            return [
                f"{(format_path(exc.absolute_path) or _ROOT)}: {_error_message(exc)} [{source}]"
            ]
        except kubernetes_validate.SchemaNotFoundError as exc:
            if nested:  # e.g. another operator's CRD inside a resource template: not ours to judge
                return []
            return [f"{_ROOT}: {exc.message}"]
        except kubernetes_validate.VersionNotSupportedError as exc:
            raise ValueError(
                f"kubernetes-validate has no schemas for Kubernetes {exc.version}; "
                f"use at most {kubernetes_validate.latest_version()}"
            ) from exc
        return []

    def _check_children(self, document: Mapping[str, Any]) -> list[str]:
        spec = document.get("spec")
        if not isinstance(spec, Mapping):
            return []
        path: tuple[Any, ...] = ("spec",)
        if document.get("kind") == "CronWorkflow":
            spec, path = spec.get("workflowSpec"), (*path, "workflowSpec")
        templates = spec.get("templates") if isinstance(spec, Mapping) else None
        if not isinstance(templates, Sequence) or isinstance(templates, str):
            return []
        found: list[str] = []
        for index, template in enumerate(templates):
            found.extend(self._check_template(template, (*path, "templates", index)))
        return found

    def _check_template(self, template: Any, path: tuple[Any, ...]) -> list[str]:
        if not isinstance(template, Mapping):
            return []
        found: list[str] = []
        resource = template.get("resource")
        if isinstance(resource, Mapping) and isinstance(resource.get("manifest"), str):
            found.extend(
                self._check_manifest(
                    resource["manifest"], resource.get("action"), (*path, "resource", "manifest")
                )
            )
        for inline_path, inline in _inline_templates(template):
            found.extend(self._check_template(inline, (*path, *inline_path)))
        return found

    def _check_manifest(self, manifest: str, action: Any, path: tuple[Any, ...]) -> list[str]:
        """Parse a resource template's manifest as the controller does, then check the object."""
        where = format_path(path) or _ROOT
        replaced = _substitute_tags(manifest)
        if _WHOLE_PLACEHOLDER.fullmatch(replaced.strip()):
            return []  # the whole manifest arrives at run time (Argo skips it too)
        yaml = _require("yaml")
        try:
            child = _load_yaml(replaced)
        except yaml.YAMLError as exc:
            return [
                f"{where}: not valid YAML after replacing {{{{...}}}} tags: {_shorten(str(exc))}"
            ]
        if action is not None and action not in _WHOLE_OBJECT_ACTIONS:
            return []  # patch/get/delete manifests are partial objects (or JSON patch lists)
        if not isinstance(child, Mapping):
            return [f"{where}: must hold one Kubernetes object (a YAML mapping)"]
        found: list[str] = []
        metadata = child.get("metadata")
        if not isinstance(metadata, Mapping) or not (
            metadata.get("name") or metadata.get("generateName")
        ):
            found.append(f"{_ROOT}: metadata.name or metadata.generateName is required")
        found.extend(self._check(child, nested=True))
        return [f"{where}: {problem}" for problem in found]


def _prometheus_rule_problems(document: Mapping[str, Any]) -> list[str]:
    """A PrometheusRule against the operator's CRD schema (kubernetes-validate has none)."""
    validator = _prometheus_rule_validator()
    source = prometheus_rule_schema.SOURCE
    found = _schema_errors(validator, document, source, skip_placeholders=False)
    found += [
        f"{format_path(path)}: {message} [{source}]"
        for path, message in prometheus_rule_schema.group_name_problems(document)
    ]
    return found


@functools.lru_cache(maxsize=1)
def _prometheus_rule_validator() -> Any:
    jsonschema = _require("jsonschema")
    return jsonschema.Draft7Validator(prometheus_rule_schema.SCHEMA)


def _inline_templates(template: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Templates written inline in steps or DAG tasks; they may hold resource manifests too."""
    steps = template.get("steps")
    if isinstance(steps, list):
        for group_index, group in enumerate(steps):
            for step_index, step in enumerate(group if isinstance(group, list) else ()):
                if isinstance(step, Mapping) and isinstance(step.get("inline"), Mapping):
                    yield ("steps", group_index, step_index, "inline"), step["inline"]
    dag = template.get("dag")
    tasks = dag.get("tasks") if isinstance(dag, Mapping) else None
    if isinstance(tasks, list):
        for task_index, task in enumerate(tasks):
            if isinstance(task, Mapping) and isinstance(task.get("inline"), Mapping):
                yield ("dag", "tasks", task_index, "inline"), task["inline"]


def _schema_errors(
    validator: Any, document: Mapping[str, Any], source: str, *, skip_placeholders: bool
) -> list[str]:
    found = []
    for error in validator.iter_errors(document):
        if skip_placeholders and _is_placeholder_value(error.instance):
            continue  # a {{...}} value inside a child manifest: only known at run time
        found.append(
            (format_path(error.absolute_path) or _ROOT, f"{_error_message(error)} [{source}]")
        )
    return [f"{where}: {message}" for where, message in sorted(found)]


@functools.lru_cache(maxsize=64)
def _core_schema_dir(package_file: str, major_minor: str) -> Path | None:
    """kubernetes-validate's strict schemas for ``major_minor``, e.g. v1.37.0-local-strict/."""
    root = Path(package_file).parent / "kubernetes-json-schema"
    candidates = [
        path
        for path in root.glob(f"v{major_minor}.*-local-strict")
        if (path / "_definitions.json").is_file()
    ]
    return max(candidates, key=lambda path: path.name, default=None)


@functools.lru_cache(maxsize=4)
def _core_definitions(schema_dir: Path) -> Any:
    return json.loads((schema_dir / "_definitions.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=64)
def _core_kind_validator(schema_dir: Path, filename: str) -> Any:
    schema_file = schema_dir / filename
    if not schema_file.is_file():
        return None
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    definitions = _core_definitions(schema_dir)
    registry = (
        _require("referencing")
        .Registry()
        .with_contents([(schema["$id"], schema), (definitions["$id"], definitions)])
    )
    return _require("jsonschema").Draft202012Validator(schema, registry=registry)


def _core_validator(package_file: str, major_minor: str, document: Mapping[str, Any]) -> Any:
    """Build a validator from kubernetes-validate's files, named as its ``validate`` names them."""
    schema_dir = _core_schema_dir(package_file, major_minor)
    if schema_dir is None:
        return None
    api_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", str(document["apiVersion"]))
    try:
        return _core_kind_validator(
            schema_dir, f"{str(document['kind']).lower()}-{api_version}.json"
        )
    except (KeyError, TypeError, ValueError):
        return None


def validate_documents(
    documents: Iterable[Mapping[str, Any]], directory: str | os.PathLike[str]
) -> list[str]:
    """Problems in all ``documents`` against the Argo schemas in ``directory``; empty when valid."""
    schemas = ArgoSchemas.load(directory)
    return [problem for document in documents for problem in schemas.problems(document)]
