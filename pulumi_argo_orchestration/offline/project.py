"""Where a Pulumi program lives and which config it sees, read the way the Pulumi CLI reads them.

`render`, `validate`, `graph` and `schedule` accept a program directory (with `Pulumi.yaml`), a
program's `.py` file or its `Pulumi.yaml`. This module finds the project, its `main:` entry point
and its stack files, and builds the config map `pulumi.Config` reads: project defaults from
`Pulumi.yaml`, then `Pulumi.<stack>.yaml`, then `--config`/`--secret`. Pulumi itself is not
imported here; the offline engine (`engine.py`) runs the program.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, NamedTuple

from ..errors import shown
from ..spec.yaml_input import InputError, parse_yaml, read_text

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
DEFAULT_STACK = "stack"
_SCHEMA_KEYS = frozenset({"type", "description", "default", "value", "secret", "items"})


class ProjectError(ValueError):
    """A program, project file or stack file that cannot be run offline; lists every problem."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join([f"{source}:", *(f"  - {p}" for p in self.problems)]))


class Project(NamedTuple):
    """A Pulumi project as the CLI sees it: its name, entry point and config locations."""

    name: str
    root: Path
    """Directory of `Pulumi.yaml` (the program's own directory when there is none)."""
    main: Path
    """What runs: a directory holding `__main__.py`, or a `.py` file."""
    config_dir: Path
    """Where `Pulumi.<stack>.yaml` files live (`stackConfigDir`, default `root`)."""
    defaults: Mapping[str, str] = MappingProxyType({})
    """Project-level config (`config:` in Pulumi.yaml), namespaced keys."""
    secret_defaults: frozenset[str] = frozenset()

    @property
    def work_dir(self) -> Path:
        """The working directory Pulumi gives the program: the directory it runs from."""
        return self.main if self.main.is_dir() else self.main.parent

    def stack_file(self, stack: str) -> Path:
        """`Pulumi.<stack>.yaml`; an `org/project/stack` name uses its last part."""
        short = stack.rsplit("/", 1)[-1]
        for suffix in (".yaml", ".yml"):
            candidate = self.config_dir / f"Pulumi.{short}{suffix}"
            if candidate.is_file():
                return candidate
        return self.config_dir / f"Pulumi.{short}.yaml"


def is_program_path(path: str | os.PathLike[str]) -> bool:
    """True for a directory, a `.py` file or a `Pulumi.yaml`; anything else is a spec file."""
    p = Path(path)
    return p.is_dir() or p.suffix == ".py" or p.name in PROJECT_FILES


def find_project(path: str | os.PathLike[str]) -> Project:
    """The project `path` belongs to, or ProjectError saying why it cannot run."""
    p = Path(path).resolve()
    source = str(path)
    if p.is_dir():
        project_file = _project_file(p)
        if project_file is None:
            raise ProjectError(
                source,
                [
                    "no Pulumi.yaml in this directory: pass a pipeline spec file, "
                    "a Pulumi program directory or its .py file"
                ],
            )
        return _from_project_file(project_file, main_override=None)
    if p.name in PROJECT_FILES:
        return _from_project_file(p, main_override=None)
    for directory in (p.parent, *p.parent.parents):
        project_file = _project_file(directory)
        if project_file is not None:
            return _from_project_file(project_file, main_override=p)
    return Project(name=p.parent.name or "project", root=p.parent, main=p, config_dir=p.parent)


def _project_file(directory: Path) -> Path | None:
    for name in PROJECT_FILES:
        if (directory / name).is_file():
            return directory / name
    return None


def _read_yaml(path: Path, what: str) -> Any:
    """A project or stack file, read within the same limits as a spec file."""
    try:
        return parse_yaml(read_text(path, what))
    except InputError as error:
        raise ProjectError(str(path), [str(error)]) from None


def _from_project_file(project_file: Path, main_override: Path | None) -> Project:
    data = _read_yaml(project_file, "a Pulumi project file (YAML)")
    source = str(project_file)
    if not isinstance(data, Mapping):
        raise ProjectError(source, ["a project file must be a mapping with `name` and `runtime`"])
    problems: list[str] = []
    name = data.get("name")
    if not isinstance(name, str) or not name:
        problems.append("name: required (the project name)")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
    if runtime_name != "python":
        problems.append(
            f"runtime: {shown(runtime_name)} programs cannot run offline; "
            "only `python` programs can"
        )
    root = project_file.parent
    main = main_override
    if main is None:
        main_value = data.get("main")
        main = (root / main_value).resolve() if isinstance(main_value, str) else root
        if not main.exists():
            problems.append(f"main: {shown(main_value)} does not exist (relative to {root})")
        elif main.is_dir() and not (main / "__main__.py").is_file():
            problems.append(f"main: no __main__.py in {main}")
        elif main.is_file() and main.suffix != ".py":
            problems.append(f"main: {shown(main_value)} is not a .py file")
    config_dir_value = data.get("stackConfigDir")
    config_dir = (root / config_dir_value) if isinstance(config_dir_value, str) else root
    defaults, secret_defaults, config_problems = _project_config(
        data.get("config"), name if isinstance(name, str) else ""
    )
    problems += config_problems
    if problems:
        raise ProjectError(source, problems)
    return Project(
        name=str(name),
        root=root,
        main=main,
        config_dir=config_dir,
        defaults=defaults,
        secret_defaults=frozenset(secret_defaults),
    )


def _project_config(block: Any, project: str) -> tuple[dict[str, str], set[str], list[str]]:
    """Pulumi.yaml `config:`: plain values, or `{type, default, secret}` declarations."""
    if block is None:
        return {}, set(), []
    if not isinstance(block, Mapping):
        return {}, set(), ["config: must be a mapping of keys to values or declarations"]
    values: dict[str, str] = {}
    secrets: set[str] = set()
    problems: list[str] = []
    for key, declared in block.items():
        full = namespaced(str(key), project)
        if isinstance(declared, Mapping) and declared and set(declared) <= _SCHEMA_KEYS:
            value = declared.get("value", declared.get("default"))
            if declared.get("secret") is True:
                secrets.add(full)
        else:
            value = declared
        if value is None:
            continue
        problems += [f"config.{key}{where}" for where in _secure_paths(value)]
        values[full] = config_text(value)
    return values, secrets, [f"{p}: `secure:` values need the Pulumi CLI" for p in problems]


def namespaced(key: str, project: str) -> str:
    """`key` → `<project>:key`, as the Pulumi CLI stores a key given without a namespace."""
    return key if ":" in key else f"{project}:{key}"


def config_text(value: Any) -> str:
    """How Pulumi hands a config value to a program: strings as-is, the rest as JSON."""
    if isinstance(value, str):
        return value
    import json  # only programs with structured config need it; spec files never do

    return json.dumps(value, separators=(",", ":"))


def _secure_paths(value: Any, path: str = "") -> list[str]:
    """Where `{secure: ...}` ciphertexts sit inside a config value ("" for the value itself)."""
    if isinstance(value, Mapping):
        if set(value) == {"secure"}:
            return [path]
        return [p for k, v in value.items() for p in _secure_paths(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _secure_paths(v, f"{path}[{i}]")]
    return []


def stack_config(project: Project, stack: str, provided: Iterable[str] = ()) -> dict[str, str]:
    """Plain values of `Pulumi.<stack>.yaml`, or ProjectError naming every `secure:` key.

    Keys in `provided` (namespaced) are set elsewhere, e.g. with --secret: their ciphertexts
    are skipped rather than reported.
    """
    given = set(provided)
    path = project.stack_file(stack)
    if not path.is_file():
        raise ProjectError(str(path), [f"no stack file for stack {shown(stack)}"])
    data = _read_yaml(path, "a Pulumi stack file (YAML)") or {}
    source = str(path)
    if not isinstance(data, Mapping):
        raise ProjectError(source, ["a stack file must be a mapping (with `config:`)"])
    problems: list[str] = []
    if data.get("environment"):
        problems.append(
            "environment: values imported from Pulumi ESC environments need the Pulumi CLI; "
            "pass them with --config/--secret"
        )
    block = data.get("config") or {}
    if not isinstance(block, Mapping):
        raise ProjectError(source, [*problems, "config: must be a mapping"])
    values: dict[str, str] = {}
    for key, value in block.items():
        full = namespaced(str(key), project.name)
        secure = _secure_paths(value)
        if full in given:
            continue
        if secure:
            problems += [
                f"{full}{where}: `secure:` value cannot be decrypted without the Pulumi CLI; "
                f"pass it with --secret {full}=VALUE"
                for where in secure
            ]
        elif value is not None:
            values[full] = config_text(value)
    if problems:
        raise ProjectError(source, problems)
    return values


def parse_assignment(text: str) -> tuple[str, str]:
    """`key=value` from the command line; ValueError when there is no `=` or no key."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"expected KEY=VALUE, got {shown(text)}")
    return key.strip(), value


class ProgramConfig(NamedTuple):
    """The config map a run sees, and which of its keys are secret."""

    values: dict[str, str]
    secret_keys: frozenset[str]


def program_config(
    project: Project,
    stack: str | None,
    config: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
) -> ProgramConfig:
    """Project defaults, then the stack file, then `config`, then `secrets` (later wins)."""
    values = dict(project.defaults)
    secret_keys = set(project.secret_defaults) & set(values)
    provided = {namespaced(k, project.name) for k in [*(config or {}), *(secrets or {})]}
    if stack is not None:
        values.update(stack_config(project, stack, provided))
    for key, value in (config or {}).items():
        full = namespaced(key, project.name)
        values[full] = value
        secret_keys.discard(full)
    for key, value in (secrets or {}).items():
        full = namespaced(key, project.name)
        values[full] = value
        secret_keys.add(full)
    return ProgramConfig(values, frozenset(secret_keys))


def failure_location(error: BaseException, project: Project) -> str | None:
    """`file:line` of the innermost frame inside the project, to point at the user's code."""
    frames = []
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return program_location(frames, project)


def program_location(
    frames: Iterable[tuple[str, int]], project: Project, relative_to: Path | None = None
) -> str | None:
    """`file:line` of the last of `frames` (outermost first) inside the project, or None; the
    file relative to `relative_to` (default: the working directory) when it is below it."""
    roots = {project.root.resolve(), project.work_dir.resolve()}
    found: str | None = None
    for name, line in frames:
        filename = Path(name)
        try:
            resolved = filename.resolve()
        except OSError:
            resolved = filename
        if any(resolved == root or root in resolved.parents for root in roots):
            found = f"{_display(resolved, relative_to or Path.cwd())}:{line}"
    return found


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
