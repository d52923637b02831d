"""Valid specs that are likely to surprise at run time: the one source of every warning.

`render` prints these, the components send them to `pulumi.log.warn`; both take them from here,
through `argo.manifests.render_pipeline`, so their text is the same everywhere.
"""

from __future__ import annotations

from ..errors import shown
from . import contracts, names
from .models import CROSS_NAMESPACE_TTL, PipelineFields


def timezone_warning(name: object) -> str:
    """A CronWorkflow without `timezone` runs in the controller's zone, not the reader's."""
    return f"{name}: no `timezone`: the schedule runs in the Argo controller's time zone"


def pipeline_warnings(pipeline: PipelineFields) -> list[str]:
    """Things that are valid but likely to surprise at run time."""
    warnings = []
    if pipeline.timezone is None:
        warnings.append(timezone_warning(pipeline.name))
    warnings += _child_warnings(pipeline)
    warnings += _control_flow_warnings(pipeline)
    warnings += _retry_warnings(pipeline)
    if pipeline.window is not None:
        from .window import window_warnings  # imported when used: windows are rare

        warnings += window_warnings(pipeline)
    warnings += _alert_warnings(pipeline)
    return warnings


def _child_warnings(pipeline: PipelineFields) -> list[str]:
    warnings = []
    for namespace in pipeline.child_namespaces:
        steps = ", ".join(
            child.name
            for _, child in pipeline.children
            if (child.namespace or pipeline.namespace) == namespace
        )
        default = ", ".join(f"{key} {value}" for key, value in CROSS_NAMESPACE_TTL.items())
        warnings.append(
            f"{pipeline.name}: children in namespace {shown(namespace)} ({steps}): the namespace "
            "must exist and the Argo controller must watch it; they cannot be owned by their run, "
            f"so deleting a run leaves them to their ttlStrategy (default {default})"
        )
    known = contracts.contracts(pipeline)
    for path, child in pipeline.children:
        ttl = child.ttl_strategy
        if (
            ttl is not None
            and (child.namespace or pipeline.namespace) != pipeline.namespace
            and ttl.seconds_after_completion is None
        ):
            never = "Error" if ttl.seconds_after_failure is not None else "Failed or Error"
            if ttl.seconds_after_success is None:
                never = "Succeeded"
            warnings.append(
                f"{pipeline.name}: {path} ({child.name}): its ttlStrategy has no "
                f"secondsAfterCompletion, so a child that ends {never} is never deleted"
            )
        if child.template_ref and (child.cluster_scope, child.template_ref) not in known:
            if child.cluster_scope:
                where = f"ClusterWorkflowTemplate {shown(child.template_ref)} must already exist"
            else:
                namespace = child.namespace or pipeline.namespace
                where = (
                    f"WorkflowTemplate {shown(child.template_ref)} must already exist in "
                    f"namespace {shown(namespace)}"
                )
            warnings.append(
                f"{pipeline.name}: {path} ({child.name}): {where}: this pipeline does not create "
                "it and it is not declared under `externalTemplates`, so its arguments are not "
                "checked"
            )
    return warnings


def _control_flow_warnings(pipeline: PipelineFields) -> list[str]:
    """Valid combinations that will not behave as a reader of the spec expects."""
    warnings = []
    if pipeline.on_exit is not None and pipeline.concurrency_policy.value == "Replace":
        warnings.append(
            f"{pipeline.name}: `onExit` with `concurrencyPolicy: Replace`: Argo terminates a "
            "running workflow to replace it without running its exit handler, so replaced runs "
            "send no exit notification"
        )
    return warnings


def _retry_warnings(pipeline: PipelineFields) -> list[str]:
    """A retryStrategy without `limit` retries without end, and then never backs off.

    Argo waits between attempts only while their number is at most `limit`, and stops for lack
    of retries only when `limit` is set (workflow/controller/operator.go, `processNodeRetries`).
    """
    warnings = []
    for i, template in enumerate(pipeline.templates):
        retry = template.retry_strategy
        if retry is None or retry.limit is not None:
            continue
        backoff = retry.backoff
        until = (
            f"until backoff.maxDuration ({backoff.max_duration}) has passed"
            if backoff is not None and backoff.max_duration is not None
            else "without end"
        )
        waits = (
            ", immediately: backoff waits only while the attempts are at most `limit`"
            if backoff is not None
            else ""
        )
        warnings.append(
            f"{pipeline.name}: templates[{i}] ({template.name}): its retryStrategy has no "
            f"`limit`, so Argo retries a failing step {until}{waits}"
        )
    return warnings


def _alert_warnings(pipeline: PipelineFields) -> list[str]:
    """Alerts that would fire for runs the pipeline skips on purpose, or that are left out."""
    alerts = pipeline.alerts
    if alerts is None or not alerts.missed_runs:
        return []
    if pipeline.suspend:
        return [
            f"{pipeline.name}: `alerts`: no missed-run alert while `suspend: true` (a suspended "
            "CronWorkflow starts no run)"
        ]
    skips = [field for field in ("when", "stop_strategy") if getattr(pipeline, field) is not None]
    if skips:
        spelled = " and ".join(f"`{'stopStrategy' if f == 'stop_strategy' else f}`" for f in skips)
        return [
            f"{pipeline.name}: `alerts`: runs that {spelled} skip{'s' if len(skips) == 1 else ''} "
            "start nothing, so the missed-run alert fires for them; set "
            "`alerts.missedRuns: false` if they are expected"
        ]
    from ..syntax.robfig_cron import longest_gap  # imported when used: alerts are opt-in

    if longest_gap(pipeline.all_schedules, pipeline.timezone, names.SCHEDULE_GAP_REFERENCE) is None:
        return [
            f"{pipeline.name}: `alerts`: the schedule fires fewer than twice in eight years, so "
            "there is no missed-run alert"
        ]
    return []
