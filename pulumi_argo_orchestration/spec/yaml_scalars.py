"""Scalars of a spec file that remember how they were written, for fields that want text.

YAML 1.1 (PyYAML, like Kubernetes' yaml.v2) reads `0123` as 83, `1:30` as 90 and `3.10` as 3.1.
The spec loader builds these values instead: a number field gets the number, and a text field
gets the text as written (pydantic turns a number into text with `str()`). Fields that hold
free-form Argo or Kubernetes data (`argo:`, `affinity`, schema-checked volumes) get YAML's own
values back (`yaml_values`), as Kubernetes would read them. Booleans stay booleans: a text field
refuses one with "quote it" (spec/loading.py), nothing is turned into text silently.
"""

from __future__ import annotations

from typing import Any


class SourceInt(int):
    """An integer as YAML 1.1 reads it (`0123` is 83), with the text it was written as."""

    text: str

    def __new__(cls, value: int, text: str) -> SourceInt:
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[Any, ...]:
        return (int, (int(self),))  # a copy is YAML's number


class SourceFloat(float):
    """A float as YAML reads it (`3.10` is 3.1), with the text it was written as."""

    text: str

    def __new__(cls, value: float, text: str) -> SourceFloat:
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[Any, ...]:
        return (float, (float(self),))


def yaml_values(data: Any) -> Any:
    """`data` with every remembered scalar replaced by the value YAML reads it as."""
    if isinstance(data, SourceInt):
        return int(data)
    if isinstance(data, SourceFloat):
        return float(data)
    if isinstance(data, dict):
        return {key: yaml_values(value) for key, value in data.items()}
    if isinstance(data, list):
        return [yaml_values(item) for item in data]
    return data
