"""A nightly ETL as a DAG, built from the typed model: dependencies, an optional child, a
condition, an exit notification, a parallelism cap, a shared semaphore and child timeouts."""

import pulumi

from pulumi_argo_orchestration import (
    Alerts,
    AlertSeverities,
    Child,
    EnvVar,
    Parameter,
    Pipeline,
    ScheduledPipeline,
    Semaphore,
    Synchronization,
    Task,
    Template,
)


def echo(name: str, message: str, parameters: tuple[str, ...] = ()) -> Template:
    return Template(
        name=name,
        image="alpine:3.20",
        command=["sh", "-c"],
        args=[message],
        parameters=[Parameter(name=p) for p in parameters],
    )


spec = Pipeline(
    name="dag-etl",
    namespace="data",
    schedule="15 2 * * *",
    timezone="Europe/Zurich",
    concurrency_policy="Forbid",
    parameters=[Parameter(name="environment", value="production")],
    max_parallel=2,
    child_timeout="2h",
    alerts=Alerts(
        failures_in_a_row=2, severity=AlertSeverities(failing="warning"), labels={"team": "data"}
    ),
    tasks=[
        Task(name="extract-orders", workflow_template="extract", arguments={"source": "orders"}),
        Task(
            name="extract-customers",
            workflow_template="extract",
            arguments={"source": "customers"},
        ),
        Task(
            name="enrich",
            workflow_template="enrich",
            depends_on=["extract-customers"],
            optional=True,
            timeout="20m",
        ),
        Task(
            name="load",
            workflow_template="load",
            depends_on=["extract-orders", "extract-customers", "enrich"],
            timeout="1h",
            synchronization=Synchronization(
                semaphores=[Semaphore(config_map="warehouse-limits", key="loads", limit=2)]
            ),
        ),
        Task(
            name="report",
            workflow_template="report",
            depends_on=["load"],
            when="{{workflow.parameters.environment}} == production",
            synchronization=Synchronization(mutexes=["report-publisher"]),
        ),
    ],
    on_exit=Child(
        name="notify",
        workflow_template="notify",
        when="{{workflow.status}} != Succeeded",
        timeout="5m",
        arguments={"status": "{{workflow.status}}", "failures": "{{workflow.failures}}"},
    ),
    templates=[
        echo("extract", "echo extracting {{workflow.parameters.source}}", ("source",)),
        echo("enrich", "echo enriching customers"),
        echo("load", "echo loading the warehouse"),
        echo("report", "echo publishing the report"),
        Template(
            name="notify",
            image="alpine:3.20",
            command=["sh", "-c"],
            args=['echo "run ended $STATUS: $FAILURES"'],
            parameters=[Parameter(name="status"), Parameter(name="failures")],
            env=[
                EnvVar(name="STATUS", value="{{workflow.parameters.status}}"),
                EnvVar(name="FAILURES", value="{{workflow.parameters.failures}}"),
            ],
        ),
    ],
)

pipeline = ScheduledPipeline.from_spec("dag-etl", spec)
pulumi.export("child_selector", pipeline.child_selector)
