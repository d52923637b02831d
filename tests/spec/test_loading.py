"""A spec file's text fields receive what was written, never a number YAML 1.1 made of it.

PyYAML (like YAML 1.1) reads `0123` as 83, `1:30` as 90, `3.10` as 3.1, `yes` as true and
`2024-01-01` as a date; a field that wants text must still get the text as written.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from pulumi_argo_orchestration import SpecError, dump_documents, load_pipeline, pipeline_manifests
from pulumi_argo_orchestration.spec.loading import load_spec_file, parse_spec_text
from pulumi_argo_orchestration.spec.yaml_scalars import SourceInt
from tests.conftest import minimal_spec

SPEC = """\
name: nightly
schedule: "@daily"
timezone: UTC
parameters:
  - {{name: p, value: {value}}}
stages:
  - - name: {name}
      workflowTemplate: worker
      arguments: {{x: {value}}}
templates:
  - name: worker
    image: alpine:{tag}
    args: [{value}]
    parameters: [{{name: x, value: {value}}}]
    env: [{{name: V, value: {value}}}]
    nodeSelector: {{zone: {value}}}
"""


@pytest.mark.parametrize(
    ("written", "yaml_1_1"),
    [("0123", 83), ("1:30", 90), ("3.10", 3.1), ("1.10", 1.1), ("0x1F", 31), ("1_000", 1000)],
)
def test_every_text_field_keeps_a_number_as_written(tmp_path, written, yaml_1_1):
    assert parse_spec_text(f"a: {written}", "x")["a"] == yaml_1_1  # what YAML 1.1 reads
    path = tmp_path / "pipeline.yaml"
    name = "0123" if written == "0123" else "work"
    # A tag holds no ':' (the kubelet could not pull `alpine:1:30`).
    tag = written.replace(":", "-")
    path.write_text(SPEC.format(value=written, name=name, tag=tag), encoding="utf-8")
    pipeline = load_spec_file(path)
    template = pipeline.templates[0]
    child = pipeline.stages[0][0]
    assert pipeline.parameters[0].value == written
    assert child.arguments == {"x": written}
    assert child.name == name
    assert template.image == f"alpine:{tag}"
    assert template.args == [written]
    assert template.env[0].value == written
    assert template.node_selector == {"zone": written}
    assert template.parameters[0].value == written
    documents = list(yaml.safe_load_all(dump_documents(pipeline_manifests(pipeline))))
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    assert cron["spec"]["workflowSpec"]["arguments"]["parameters"] == [
        {"name": "p", "value": written}
    ]


def test_a_boolean_in_a_text_field_is_refused_with_quote_it_and_dates_stay_text(tmp_path):
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        SPEC.format(value="yes", name="work", tag="yes") + "suspend: on\n", encoding="utf-8"
    )
    with pytest.raises(SpecError) as caught:
        load_spec_file(path)
    found = {p.path: p.message for p in caught.value.problems}
    quote_it = (
        "YAML reads the unquoted word as the boolean true (true, false, yes, no, on, off): "
        'quote it to mean the text, e.g. "yes"'
    )
    assert found["parameters[0].value"] == quote_it
    assert found["templates[0].nodeSelector.zone"] == quote_it
    assert "suspend" not in found  # a boolean field reads YAML's booleans
    dated = parse_spec_text("value: 2024-01-01\nwhen: NO\n", "x")
    assert dated == {"value": "2024-01-01", "when": False}


def test_keys_are_text_so_numbers_that_yaml_equates_stay_two_keys():
    # YAML 1.1 reads both keys as the integer 1: the second silently replaced the first.
    assert parse_spec_text("{1: a, 01: b, 1.0: c, true: d}", "x") == {
        "1": "a",
        "01": "b",
        "1.0": "c",
        "true": "d",
    }


def test_number_fields_get_numbers_and_no_source_number_reaches_a_manifest(tmp_path):
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        SPEC.format(value="1", name="work", tag="1")
        + "successfulJobsHistoryLimit: 010\nstartingDeadlineSeconds: 1:00\n",
        encoding="utf-8",
    )
    pipeline = load_spec_file(path)
    # A number field reads YAML 1.1's numbers, as Kubernetes' own YAML reader (yaml.v2) does.
    assert (pipeline.successful_jobs_history_limit, pipeline.starting_deadline_seconds) == (8, 60)
    assert type(pipeline.successful_jobs_history_limit) is int

    def leaves(value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [leaf for item in value.values() for leaf in leaves(item)]
        if isinstance(value, list):
            return [leaf for item in value for leaf in leaves(item)]
        return [value]

    found = {type(leaf) for d in pipeline_manifests(pipeline) for leaf in leaves(d)}
    assert found <= {str, int, bool}
    assert not isinstance(pipeline.model_dump()["successful_jobs_history_limit"], SourceInt)


INT32 = "the largest int32, which is how Kubernetes stores this field"
INT64 = "the largest int64, which is how Kubernetes stores this field"


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"successfulJobsHistoryLimit": 2**64}, "successfulJobsHistoryLimit", INT32),
        ({"failedJobsHistoryLimit": 2**31}, "failedJobsHistoryLimit", INT32),
        ({"startingDeadlineSeconds": 2**63}, "startingDeadlineSeconds", INT64),
        ({"maxParallel": 2**63}, "maxParallel", INT64),
        (
            {"templates": [{"name": "w", "image": "a", "activeDeadlineSeconds": 3.6e25}]},
            "templates[0].activeDeadlineSeconds",
            "3.6e+25 is larger than any integer Kubernetes stores (int64 at most)",
        ),
        (
            {"templates": [{"name": "w", "image": "a", "activeDeadlineSeconds": 2**31}]},
            "templates[0].activeDeadlineSeconds",
            INT32,
        ),
        (
            {"templates": [{"name": "w", "image": "a", "retryStrategy": {"limit": 2**31}}]},
            "templates[0].retryStrategy.limit",
            INT32,
        ),
        (
            {"templates": [{"name": "w", "image": "a", "security": {"fsGroup": 2**63}}]},
            "templates[0].security.fsGroup",
            INT64,
        ),
        (
            {
                "stages": [
                    [
                        {
                            "name": "a",
                            "workflowTemplate": "t",
                            "ttlStrategy": {"secondsAfterSuccess": 2**31},
                        }
                    ]
                ]
            },
            "stages[0][0].ttlStrategy.secondsAfterSuccess",
            INT32,
        ),
        (
            {"childTimeout": "2562048h"},
            "childTimeout",
            "timeout '2562048h' is longer than 9223372036 seconds (about 292 years), the longest "
            "Go time.Duration Argo can hold",
        ),
    ],
)
def test_integers_must_fit_the_go_type_kubernetes_reads_them_into(fields, path, message):
    with pytest.raises(SpecError) as caught:
        load_pipeline(minimal_spec(**fields))
    assert [p.path for p in caught.value.problems] == [path]
    assert message in caught.value.problems[0].message


def test_the_largest_values_that_fit_are_accepted():
    pipeline = load_pipeline(
        minimal_spec(
            successfulJobsHistoryLimit=2**31 - 1,
            startingDeadlineSeconds=2**63 - 1,
            childTimeout="2562047h",
            templates=[{"name": "w", "image": "a", "activeDeadlineSeconds": 2**31 - 1}],
        )
    )
    assert pipeline.successful_jobs_history_limit == 2147483647


def test_free_form_argo_and_kubernetes_fields_get_yamls_own_values(tmp_path):
    """`argo:` and `affinity` are checked against Argo's schema, as Kubernetes reads a manifest:
    their numbers and booleans stay numbers and booleans."""
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        SPEC.format(value="1", name="work", tag="1")
        + "    argo:\n"
        + "      container: {stdin: yes, tty: true}\n"
        + "    affinity:\n"
        + "      nodeAffinity:\n"
        + "        preferredDuringSchedulingIgnoredDuringExecution:\n"
        + "          - weight: 010\n"
        + "            preference: {matchExpressions: [{key: zone, operator: In, values: [eu]}]}\n",
        encoding="utf-8",
    )
    pipeline = load_spec_file(path)
    template = pipeline.templates[0]
    assert template.argo == {"container": {"stdin": True, "tty": True}}
    preferred = template.affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert preferred[0]["weight"] == 8 and type(preferred[0]["weight"]) is int
    (documents,) = [d for d in pipeline_manifests(pipeline) if d["kind"] == "WorkflowTemplate"]
    assert documents["spec"]["templates"][0]["container"]["stdin"] is True


def test_only_the_first_unknown_fields_get_a_hint_so_thousands_stay_fast():
    from pulumi_argo_orchestration.spec.loading import HINTS_MAX

    extra = {f"timezon{i}": "x" for i in range(HINTS_MAX + 5)}
    with pytest.raises(SpecError) as caught:
        load_pipeline(minimal_spec(**extra))
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == HINTS_MAX + 5
    assert sum(m.startswith("unknown field (did you mean") for m in messages) == HINTS_MAX
    assert messages.count("unknown field") == 5
