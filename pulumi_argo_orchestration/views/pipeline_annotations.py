"""What a CronWorkflow's annotations say of its pipeline: the calendar and the window.

`argo.cron_workflow` writes the spec's `calendar` and `window` as JSON annotations, so `schedule`
and `graph` show them, and skip the calendar's runs, for a spec file and a program alike. A
hand-written CronWorkflow has neither: it is read as having no calendar and no window.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..argo.calendar_when import spec_when
from ..spec import names
from ..spec.models import Calendar, Window


def _annotation(document: Mapping[str, Any], key: str) -> str | None:
    metadata = document.get("metadata") or {}
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    value = annotations.get(key) if isinstance(annotations, Mapping) else None
    return value if isinstance(value, str) else None


def calendar_of(document: Mapping[str, Any]) -> Calendar | None:
    """The calendar a CronWorkflow's annotation records; ValueError when it is not one."""
    text = _annotation(document, names.CALENDAR_ANNOTATION)
    if text is None:
        return None
    try:
        return Calendar.model_validate_json(text)
    except ValidationError:
        raise ValueError(f"annotation {names.CALENDAR_ANNOTATION} is not a calendar") from None


def window_of(document: Mapping[str, Any]) -> Window | None:
    """The window a CronWorkflow's annotation records; ValueError when it is not one."""
    text = _annotation(document, names.WINDOW_ANNOTATION)
    if text is None:
        return None
    try:
        return Window.model_validate_json(text)
    except ValidationError:
        raise ValueError(f"annotation {names.WINDOW_ANNOTATION} is not a window") from None


def schedules_of(spec: Mapping[str, Any]) -> list[str]:
    """A CronWorkflow spec's schedules, in either spelling."""
    return [
        str(s)
        for s in spec.get("schedules") or ([spec["schedule"]] if spec.get("schedule") else [])
    ]


def own_when(document: Mapping[str, Any]) -> str | None:
    """The CronWorkflow's `when` without the calendar's part: the condition the spec wrote."""
    spec = document.get("spec") or {}
    when = spec.get("when")
    return spec_when(
        str(when) if when else None, calendar_of(document), spec.get("timezone"), schedules_of(spec)
    )
