"""Rules that need several fields or the whole pipeline; every problem keeps its own path.

Each rule module (`contracts`, `control_flow` with `dag` and `locks`, `targets`) and the run-control
checks of `syntax.expr` report a list of problems; `pipeline_problems` gathers them in one pass, so
a user fixes a spec in one go.
"""

from __future__ import annotations

from ..errors import Problem, shown
from . import calendar, contracts, control_flow, references, targets
from .models import Container, EnvFromSource, EnvVar, PipelineFields, PodGC, Template

# Volumes Argo adds to every pod, and the script volume (workflow/controller/workflowpod.go:
# volumeVarArgo, volumeTmpDir, and "argo-staging" for script templates).
ARGO_VOLUMES = frozenset({"var-run-argo", "tmp-dir-argo", "argo-staging"})


def pipeline_problems(pipeline: PipelineFields) -> list[Problem]:
    """Rules that need the whole pipeline; every problem keeps its own field path."""
    problems: list[Problem] = []
    if pipeline.schedule is None and not pipeline.schedules:
        problems.append(Problem("schedule", "set `schedule` or `schedules` (at least one)"))
    if pipeline.schedule is not None and pipeline.schedules is not None:
        problems.append(Problem("schedules", "set either `schedule` or `schedules`, not both"))

    for i, parameter in enumerate(pipeline.parameters):
        if parameter.value is None:
            problems.append(Problem(f"parameters[{i}].value", "a pipeline parameter needs a value"))
    problems += _duplicates(
        [(f"parameters[{i}].name", p.name) for i, p in enumerate(pipeline.parameters)],
        "parameter",
    )
    problems += _duplicates(
        [(f"{path}.name", child.name) for path, child in pipeline.children], "step"
    )
    for path, child in pipeline.children:
        if (child.workflow_template is None) == (child.cluster_workflow_template is None):
            problems.append(
                Problem(path, "set exactly one of `workflowTemplate` or `clusterWorkflowTemplate`")
            )

    problems += _token_problems(pipeline, "")
    problems += _annotation_problems(pipeline, "")
    problems += _shared_account_problems(pipeline)
    problems += _duplicates(
        [(f"templates[{i}].name", t.name) for i, t in enumerate(pipeline.templates)], "template"
    )
    for i, template in enumerate(pipeline.templates):
        problems += _template_rules(template, f"templates[{i}].")
    for i, external in enumerate(pipeline.external_templates):
        problems += _duplicates(
            [(f"externalTemplates[{i}].outputs[{k}]", o) for k, o in enumerate(external.outputs)],
            "output",
        )
    if pipeline.pod_gc is not None:
        problems += pod_gc_problems(pipeline.pod_gc, "podGC")
    problems += contracts.contract_problems(pipeline)
    if pipeline.when is not None or pipeline.stop_strategy is not None:
        from ..syntax import expr  # imported when used: run control is rare

        if pipeline.when is not None:
            problems += expr.when_problems(pipeline.when, "when")
        if pipeline.stop_strategy is not None:
            problems += expr.stop_expression_problems(
                pipeline.stop_strategy.expression, "stopStrategy.expression"
            )
    problems += targets.target_problems(pipeline)
    problems += control_flow.control_flow_problems(pipeline)
    problems += calendar.calendar_problems(pipeline)
    if pipeline.window is not None:
        from . import window  # imported when used: windows are rare

        problems += window.window_problems(pipeline)
    problems += _orchestrator_template_problems(pipeline)
    problems += references.pipeline_reference_problems(
        pipeline, control_flow.node_scopes(pipeline), control_flow.ChildOutputs(pipeline).problem
    )
    return problems


def _orchestrator_template_problems(pipeline: PipelineFields) -> list[Problem]:
    """`orchestratorTemplate` names a WorkflowTemplate after the pipeline: nothing else may."""
    if not pipeline.orchestrator_template:
        return []
    why = "`orchestratorTemplate: true` gives that name to the orchestrator's WorkflowTemplate"
    problems = [
        Problem(f"templates[{i}].name", f"{shown(template.name)} is the pipeline's name, and {why}")
        for i, template in enumerate(pipeline.templates)
        if template.name == pipeline.name
    ]
    problems += [
        Problem(
            f"{path}.workflowTemplate",
            f"{shown(child.workflow_template)} is the orchestrator itself ({why}): a child that "
            "runs it would start the whole pipeline again",
        )
        for path, child in pipeline.children
        if child.workflow_template == pipeline.name
    ]
    return problems


def template_problems(template: Template, prefix: str) -> list[Problem]:
    """Rules of a template deployed on its own; `prefix` places them in the enclosing spec."""
    return _template_rules(template, prefix) + references.template_reference_problems(
        template, prefix.rstrip(".")
    )


def _template_rules(template: Template, prefix: str) -> list[Problem]:
    """Rules across a template's fields (its references are checked by `references`)."""
    problems: list[Problem] = []
    problems += _token_problems(template, prefix)
    problems += _annotation_problems(template, prefix)
    security = template.security
    if security is not None and security.run_as_user == 0 and security.run_as_non_root:
        problems.append(
            Problem(
                f"{prefix}security.runAsUser",
                "0 is root, which `runAsNonRoot: true` forbids (the kubelet would refuse to "
                "start the container): set `security.runAsNonRoot: false` to run as root",
            )
        )
    problems += _duplicates(
        [(f"{prefix}parameters[{k}].name", p.name) for k, p in enumerate(template.parameters)],
        "parameter",
    )
    if template.source is not None and not template.command:
        problems.append(
            Problem(
                f"{prefix}command",
                "a script template (`source`) needs `command`, the interpreter, e.g. "
                "[python] or [sh]: Argo runs it with the script file as the last argument, "
                "and without it the controller looks the image's entrypoint up in the registry",
            )
        )
    main_key, other_key = (
        ("script", "container")
        if template.source is not None
        else (
            "container",
            "script",
        )
    )
    if other_key in template.argo:
        kind = (
            "a script template (it has `source`)"
            if other_key == "container"
            else ("a container template (it has no `source`)")
        )
        problems.append(
            Problem(
                f"{prefix}argo.{other_key}",
                f"this is {kind}: put the main container's further fields under `argo.{main_key}`",
            )
        )
    problems += _container_problems(template, prefix)
    containers = [
        (f"{prefix}{field}[{k}].", container)
        for field, group in (
            ("initContainers", template.init_containers),
            ("sidecars", template.sidecars),
        )
        for k, container in enumerate(group)
    ]
    problems += _duplicates([(f"{path}name", c.name) for path, c in containers], "container")
    for path, container in containers:
        problems += _container_problems(container, path)
    problems += _volume_problems(template, prefix, containers)
    if template.outputs is not None:
        problems += _duplicates(
            [
                (f"{prefix}outputs.parameters[{k}].name", p.name)
                for k, p in enumerate(template.outputs.parameters)
            ],
            "output parameter",
        )
    return problems


def pod_gc_problems(pod_gc: PodGC, path: str) -> list[Problem]:
    """In and NotIn compare with values; Exists and DoesNotExist take none (as Kubernetes says)."""
    problems = []
    selector = pod_gc.label_selector
    for k, requirement in enumerate(selector.match_expressions if selector else []):
        needs_values = requirement.operator.value in ("In", "NotIn")
        if needs_values != bool(requirement.values):
            problems.append(
                Problem(
                    f"{path}.labelSelector.matchExpressions[{k}].values",
                    f"`{requirement.operator.value}` needs values"
                    if needs_values
                    else f"`{requirement.operator.value}` takes no values",
                )
            )
    return problems


def _container_problems(container: Template | Container, prefix: str) -> list[Problem]:
    """Env, envFrom and mount paths of the main container or a sidecar."""
    problems: list[Problem] = []
    problems += _env_problems(container.env, prefix)
    problems += _env_from_problems(container.env_from, prefix)
    first: dict[str, int] = {}
    for k, mount in enumerate(container.volume_mounts):
        if mount.mount_path in first:
            problems.append(
                Problem(
                    f"{prefix}volumeMounts[{k}].mountPath",
                    f"{shown(mount.mount_path)} is already mounted "
                    f"(volumeMounts[{first[mount.mount_path]}]): Argo refuses the template",
                )
            )
        first.setdefault(mount.mount_path, k)
    return problems


def _env_problems(env: list[EnvVar], prefix: str) -> list[Problem]:
    problems: list[Problem] = []
    for k, var in enumerate(env):
        if (var.value is None) == (var.value_from is None):
            problems.append(
                Problem(f"{prefix}env[{k}]", "set exactly one of `value` or `valueFrom`")
            )
        source = var.value_from
        if source is not None and (source.secret_key_ref is None) == (
            source.config_map_key_ref is None
        ):
            problems.append(
                Problem(
                    f"{prefix}env[{k}].valueFrom",
                    "set exactly one of `secretKeyRef` or `configMapKeyRef`",
                )
            )
    return problems


def _env_from_problems(sources: list[EnvFromSource], prefix: str) -> list[Problem]:
    return [
        Problem(f"{prefix}envFrom[{k}]", "set exactly one of `configMapRef` or `secretRef`")
        for k, source in enumerate(sources)
        if (source.config_map_ref is None) == (source.secret_ref is None)
    ]


def _volume_problems(
    template: Template, prefix: str, containers: list[tuple[str, Container]]
) -> list[Problem]:
    """One source per volume, unique names that are not Argo's, mounts of declared volumes."""
    problems = _duplicates(
        [(f"{prefix}volumes[{k}].name", v.name) for k, v in enumerate(template.volumes)], "volume"
    )
    for k, volume in enumerate(template.volumes):
        if len(volume.sources) != 1:
            problems.append(
                Problem(
                    f"{prefix}volumes[{k}]",
                    "set exactly one source: persistentVolumeClaim, secret, configMap, emptyDir, "
                    "csi, downwardAPI, ephemeral, projected or image",
                )
            )
        if volume.name in ARGO_VOLUMES:
            problems.append(
                Problem(
                    f"{prefix}volumes[{k}].name",
                    f"{shown(volume.name)} is a volume Argo adds to its pods: choose another name",
                )
            )
    declared = {volume.name for volume in template.volumes}
    mounting: list[tuple[str, Template | Container]] = [(prefix, template), *containers]
    for path, container in mounting:
        for k, mount in enumerate(container.volume_mounts):
            if mount.name not in declared:
                problems.append(
                    Problem(
                        f"{path}volumeMounts[{k}].name",
                        f"mounts volume {shown(mount.name)}, which the template's `volumes` do not "
                        "declare",
                    )
                )
    return problems


def _token_problems(spec: PipelineFields | Template, prefix: str) -> list[Problem]:
    """Argo refuses a pod without a token for its wait container (workflowpod.go)."""
    if spec.automount_service_account_token is False and spec.executor_service_account_name is None:
        return [
            Problem(
                f"{prefix}automountServiceAccountToken",
                "`automountServiceAccountToken: false` needs `executorServiceAccountName`: Argo's "
                "own containers (wait, or argoexec in a resource step) write workflowtaskresults "
                "with a service-account token, and Argo rejects the pod without one "
                "(executor.serviceAccountName must not be empty if automountServiceAccountToken "
                "is false)",
            )
        ]
    return []


def _annotation_problems(spec: PipelineFields | Template, prefix: str) -> list[Problem]:
    """Annotations need a ServiceAccount object to sit on: one this spec creates."""
    if spec.service_account_annotations and not spec.create_service_account:
        return [
            Problem(
                f"{prefix}serviceAccountAnnotations",
                "the account is not created here (`createServiceAccount: false`), so there is no "
                "ServiceAccount to annotate: annotate it where it is created, or create it here",
            )
        ]
    return []


def _shared_account_problems(pipeline: PipelineFields) -> list[Problem]:
    """One ServiceAccount has one set of annotations: specs sharing it must not disagree.

    Annotations are a cloud identity, so an account that two specs share with different ones
    would give one spec's pods the other's identity (or lose it): that is refused, by name.
    """
    # (where the spec is, its annotations) per account the pipeline creates
    users: dict[str, list[tuple[str, dict[str, str]]]] = {}
    if pipeline.create_service_account:
        users.setdefault(pipeline.account_name, []).append(
            ("", pipeline.service_account_annotations)
        )
    for i, template in enumerate(pipeline.templates):
        if template.create_service_account:
            own = template.service_account_annotations if template.needs_own_account else {}
            users.setdefault(pipeline.template_account(template), []).append(
                (f"templates[{i}]", own)
            )
    problems = []
    sharing = [t for t in pipeline.templates if not t.needs_own_account]
    if sharing and pipeline.account_name == pipeline.shared_executor_account:
        problems.append(
            Problem(
                "serviceAccountName",
                f"{shown(pipeline.account_name)} is the account the pipeline's templates share; "
                "the orchestrator's account may create Workflows, which their pods must not: "
                "choose another name",
            )
        )
    for account, specs in users.items():
        if len({tuple(sorted(annotations.items())) for _, annotations in specs}) < 2:
            continue
        where, _ = next((spec for spec in specs if spec[1]), specs[0])
        others = ", ".join(path or "the orchestrator" for path, _ in specs if path != where)
        problems.append(
            Problem(
                f"{where}.serviceAccountAnnotations" if where else "serviceAccountAnnotations",
                f"ServiceAccount {shown(account)} is also the account of {others}, with other "
                "annotations, and one account has one set: give this one its own account "
                "(`serviceAccountName`) or the same annotations",
            )
        )
    return problems


def _duplicates(entries: list[tuple[str, str]], what: str) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for path, name in entries:
        if name in first:
            problems.append(
                Problem(path, f"duplicate {what} name {shown(name)} (first at {first[name]})")
            )
        else:
            first[name] = path
    return problems
