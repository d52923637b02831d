"""Reading a pipeline spec file: YAML in Argo's camelCase, every problem reported at once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, SpecError
from .manifests import load_pipeline
from .model import Pipeline

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_spec_text(text: str, source: str) -> Any:
    """Parse YAML, turning syntax errors into a SpecError that names the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error)
        raise SpecError([Problem("", f"{where}not valid YAML: {reason}")], source) from None


def read_spec_text(path: str | os.PathLike[str]) -> str:
    """The file's text, or a SpecError when it is missing, unreadable or binary."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SpecError([Problem("", f"cannot read the file: {error.strerror}")], source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(
            [Problem("", "not a text file (not UTF-8): expected a YAML pipeline spec")], source
        ) from None
    if "\x00" in text:
        raise SpecError(
            [Problem("", "not a text file (contains NUL bytes): expected a YAML pipeline spec")],
            source,
        )
    return text


def load_spec_file(path: str | os.PathLike[str]) -> Pipeline:
    """Load and validate a pipeline spec file, or raise SpecError naming the file."""
    source = str(path)
    data = parse_spec_text(read_spec_text(path), source)
    try:
        return load_pipeline(data, source)
    except SpecError as error:
        raise SpecError(error.problems, source) from None
