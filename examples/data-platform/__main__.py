"""A nightly data platform built from the typed model: three extracts hand their row counts on to
a dbt transform, which hands the number of models it built on to a report."""

import pulumi

from pulumi_argo_orchestration import (
    Backoff,
    Child,
    Container,
    EmptyDirVolumeSource,
    EnvFromReference,
    EnvFromSource,
    EnvVar,
    KeyToPath,
    NodeAntiAffinity,
    OutputParameter,
    Outputs,
    OutputSource,
    Parameter,
    PersistentVolumeClaimVolumeSource,
    Pipeline,
    PodGC,
    PodMetadata,
    PodSecurity,
    Resources,
    RetryAffinity,
    RetryStrategy,
    ScheduledPipeline,
    SecretVolumeSource,
    Template,
    Volume,
    VolumeMount,
)

DBT_IMAGE = "registry.example.com/analytics/dbt-project:2026.1"  # built with USER 1000
EXTRACT = """\
import os, pathlib
table = os.environ["TABLE"]
rows = 0
with open(f"/lake/raw/{table}.csv", "w") as out:
    ...  # read `table` through the proxy on localhost:5432, count the rows written
pathlib.Path("/tmp/row-count").write_text(str(rows))
"""
DBT_BUILD = (
    'dbt build --profiles-dir /profiles --vars "$VARS" && '
    "dbt ls --resource-type model --output name | wc -l > /tmp/models-built"
)
DBT_VARS = (
    "{orders: {{workflow.parameters.orders}}, customers: {{workflow.parameters.customers}}, "
    "payments: {{workflow.parameters.payments}}}"
)
DBT_MOUNTS = [
    VolumeMount(name="profiles", mount_path="/profiles", read_only=True),
    VolumeMount(name="target", mount_path="/project/target"),
]


def row_count(step: str) -> str:
    return "{{steps." + step + ".outputs.parameters.row-count}}"


def output(name: str) -> Outputs:
    return Outputs(
        parameters=[OutputParameter(name=name, value_from=OutputSource(path=f"/tmp/{name}"))]
    )


spec = Pipeline(
    name="data-platform",
    namespace="data",
    schedule="0 3 * * *",
    timezone="Europe/Berlin",
    concurrency_policy="Forbid",
    pod_metadata=PodMetadata(labels={"team": "data-platform"}),
    pod_gc=PodGC(strategy="OnPodSuccess", delete_delay_duration="10m"),
    stages=[
        [
            Child(name=f"extract-{table}", workflow_template="extract", arguments={"table": table})
            for table in ("orders", "customers", "payments")
        ],
        [
            Child(
                name="transform",
                workflow_template="dbt-build",
                arguments={
                    table: row_count(f"extract-{table}")
                    for table in ("orders", "customers", "payments")
                },
            )
        ],
        [
            Child(
                name="report",
                workflow_template="report",
                arguments={
                    "models": "{{steps.transform.outputs.parameters.models-built}}",
                    "orders": row_count("extract-orders"),
                },
            )
        ],
    ],
    templates=[
        Template(
            name="extract",
            image="python:3.12-slim",
            command=["python"],
            source=EXTRACT,
            parameters=[Parameter(name="table")],
            env=[EnvVar(name="TABLE", value="{{workflow.parameters.table}}")],
            env_from=[
                EnvFromSource(
                    secret_ref=EnvFromReference(name="warehouse-credentials"), prefix="PG_"
                )
            ],
            volumes=[
                Volume(
                    name="lake",
                    persistent_volume_claim=PersistentVolumeClaimVolumeSource(
                        claim_name="data-lake"
                    ),
                )
            ],
            volume_mounts=[VolumeMount(name="lake", mount_path="/lake")],
            sidecars=[
                Container(
                    name="db-proxy",
                    image="gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1",
                    args=["--port=5432", "--health-check", "acme-prod:europe-west3:warehouse"],
                    argo={
                        "startupProbe": {
                            "httpGet": {"path": "/startup", "port": 9090},
                            "periodSeconds": 1,
                        }
                    },
                )
            ],
            outputs=output("row-count"),
            resources=Resources(requests={"cpu": "500m", "memory": "512Mi"}),
            security=PodSecurity(fs_group=65534),
            retry_strategy=RetryStrategy(
                limit=4,
                retry_policy="Always",
                expression="asInt(lastRetry.exitCode) != 2",
                backoff=Backoff(duration="30s", factor=2, cap="5m", max_duration="1h"),
                affinity=RetryAffinity(node_anti_affinity=NodeAntiAffinity()),
            ),
        ),
        Template(
            name="dbt-build",
            image=DBT_IMAGE,
            command=["sh", "-c"],
            args=[DBT_BUILD],
            working_dir="/project",
            parameters=[Parameter(name=p) for p in ("orders", "customers", "payments")],
            env=[EnvVar(name="VARS", value=DBT_VARS)],
            volumes=[
                Volume(
                    name="profiles",
                    secret=SecretVolumeSource(
                        secret_name="dbt-profiles",
                        items=[KeyToPath(key="profiles.yml", path="profiles.yml")],
                    ),
                ),
                Volume(name="target", empty_dir=EmptyDirVolumeSource()),
            ],
            volume_mounts=DBT_MOUNTS,
            init_containers=[
                Container(
                    name="deps",
                    image=DBT_IMAGE,
                    args=["deps", "--profiles-dir", "/profiles"],
                    working_dir="/project",
                    volume_mounts=DBT_MOUNTS,
                )
            ],
            outputs=output("models-built"),
            affinity={
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {"key": "pool", "operator": "In", "values": ["batch"]}
                                ]
                            }
                        ]
                    }
                }
            },
            priority_class_name="batch-low",
            image_pull_policy="IfNotPresent",
            pod_metadata=PodMetadata(
                annotations={"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"}
            ),
            security=PodSecurity(run_as_user="image"),
            argo={"container": {"terminationMessagePolicy": "FallbackToLogsOnError"}},
        ),
        Template(
            name="report",
            image="alpine:3.20",
            command=["sh"],
            source='echo "built $MODELS models from $ORDERS orders"\n',
            parameters=[Parameter(name="models"), Parameter(name="orders")],
            env=[
                EnvVar(name="MODELS", value="{{workflow.parameters.models}}"),
                EnvVar(name="ORDERS", value="{{workflow.parameters.orders}}"),
            ],
        ),
    ],
)

pipeline = ScheduledPipeline.from_spec("data-platform", spec)
pulumi.export("child_selector", pipeline.child_selector)
