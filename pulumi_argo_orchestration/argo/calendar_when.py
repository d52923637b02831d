"""The calendar as the CronWorkflow's `when` (Argo v3.6+), next to a `when` of the spec's own.

Argo replaces the `{{...}}` tags of `when` strictly, with the `cronworkflow.*` variables and expr
tags (workflow/cron/operator.go, `evalWhen`), then hands the text to govaluate, which must
return a boolean (`shouldExecute`). Neither has the run's scheduled time: an expr tag reads the
controller's clock, `now()`, when the schedule fires (or, for a missed run within
`startingDeadlineSeconds`, when it is started late). Runs fire on whole minutes, so `now()` is
on the run's date. The calendar is one expr tag; the spec's own `when` is kept in parentheses:
`(<when>) && ({{= ... }})`. Inside the tag only single quotes: a `"` would break the JSON
unmarshalling of the tag (util/template/expression_template.go).

`spec.calendar.skip_reason` is the same rule in Python, for `schedule` and `backfill`.
"""

from __future__ import annotations

from ..spec.calendar import needs_when, weekdays_need_when, weekdays_need_when_for
from ..spec.models import Calendar, PipelineFields


def calendar_condition(calendar: Calendar, zone: str | None, weekdays: bool) -> str:
    """The expr tag that is true on the days the calendar keeps (`weekdays`: check them too)."""
    # Without a time zone the schedule follows the controller's clock, and so does `now()`.
    today = f"now().In(timezone('{zone}'))" if zone else "now()"
    terms = []
    if calendar.skip_dates:
        dates = ", ".join(f"'{day}'" for day in calendar.skip_dates)
        terms.append(f"{today}.Format('2006-01-02') not in [{dates}]")
    if weekdays:
        terms.append(f"{today}.Format('Mon') not in ['Sat', 'Sun']")
    if calendar.last_day_of_month:
        terms.append(f"{today}.AddDate(0, 0, 1).Day() == 1")
    return "{{= " + " && ".join(terms) + " }}"


def cron_when(pipeline: PipelineFields) -> str | None:
    """The CronWorkflow's `when`: the spec's own, the calendar's, or both joined by `&&`."""
    calendar = pipeline.calendar
    if calendar is None or not needs_when(pipeline):
        return pipeline.when
    # Weekends are checked here only when some schedule could not take `weekdaysOnly` into its
    # day-of-week field; `backfill` and `schedule` check them either way.
    condition = calendar_condition(calendar, pipeline.timezone, weekdays_need_when(pipeline))
    if pipeline.when is None:
        return condition
    return f"({pipeline.when}) && ({condition})"


def spec_when(
    when: str | None, calendar: Calendar | None, zone: str | None, schedules: list[str]
) -> str | None:
    """The spec's own `when` within a CronWorkflow's, the calendar's condition taken out.

    `schedules` are the CronWorkflow's; the inverse of `cron_when`, for readers of manifests.
    """
    if when is None or calendar is None:
        return when
    condition = calendar_condition(calendar, zone, weekdays_need_when_for(calendar, schedules))
    if when == condition:
        return None
    suffix = f") && ({condition})"
    if when.startswith("(") and when.endswith(suffix):
        return when[1 : -len(suffix)]
    return when
