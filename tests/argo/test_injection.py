"""Hostile parameter values reach the child Workflow unchanged and alter nothing else.

Every case runs our rendered CronWorkflow through an emulation of Argo's two passes over a
resource manifest (tests/argo_substitution.py cites the Argo functions it follows): the
validation pass with placeholders and the run-time substitution, then parses the child and
compares it field by field with the child we meant to create. The seed's textual form,
`value: "{{workflow.parameters.x}}"`, is the negative control: it fails the same test.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, reject, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import (
    SpecError,
    dump_documents,
    load_pipeline,
    pipeline_manifests,
)
from pulumi_argo_orchestration.views import conformance
from tests.conftest import FIGURES, minimal_spec
from tests.support import argo_substitution as argo

STEP = "work"
BENIGN = "2026-01-01"

# Each value arrives as a pipeline parameter (`x`) and is passed on three ways: alone, inside
# other text, and as the literal text of a child argument.
HOSTILE = {
    "double-quote": 'say "hi"',
    "single-quote": "it's",
    "newline": "line one\nline two",
    "colon-space": "key: value",
    "hash": "value # not a comment",
    "closing-braces": "}} and }}",
    "single-braces": "{ a } {b}",
    "leading-spaces": "   indented",
    "trailing-spaces": "trailing   ",
    "backslashes": "C:\\new\\table\\x41\\",
    "non-ascii": "Zürich, 東京 😀",
    "nel": "a\u0085b",
    "c1-controls": "a\u0080b\u009fc",
    "line-separators": "a\u2028b\u2029c",
    "byte-order-mark": "\ufeffbom",
    "tab-and-cr": "a\tb\rc\r\n",
    "empty": "",
    "html": "<script>alert('&')</script>",
    "yaml-null": "null",
    "yaml-bool": "yes",
    "yaml-number": "0x1F",
    "yaml-date": "2024-01-01",
    "yaml-flow": "{a: 1, b: [2, 3]}",
    "yaml-tags": "&anchor *alias !!binary |",
    "json": '{"name": "evil", "value": "x"}',
    "yaml-document": (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n---\nx: [1, {y: 2}]\n"
    ),
    # Shaped to close the naive `value: "..."` and add a sibling parameter and a spec field.
    "injection": 'x"\n    - name: injected\n      value: "y',
    "field-injection": 'x"\n  serviceAccountName: "cluster-admin',
    "combined": " \"'#: { x } }}\\\n\t\u0085 ü\n---\n- a: b",
}

# A `{{` Argo would read as a tag, in a value (argo #8253): refused in the spec with the reason.
TEMPLATED = {
    "unknown-tag": ("{{ not.a.variable }}", "is not a variable Argo sets in the orchestrator"),
    "expression": ("{{=1+1}}", "is an expression, which Argo would evaluate"),
    "quoted-expression": ('{{=sprig.quote("x")}}', "is an expression, which Argo would evaluate"),
    "nested-tag": ("'{{\"{{workflow.name}}'", "Argo reads a tag from '{{' to the first '}}'"),
    "pod-name": ("{{pod.name}}", "is not a variable Argo sets in the orchestrator"),
    "inputs": (
        "{{inputs.parameters.direct}}",
        "the orchestrator's steps has no inputs; parameters are workflow arguments",
    ),
    "combined-with-tag": (" \"'#: {{ x }} }}\\\n\t\u0085 ü", "is not a variable Argo sets"),
}


def hostile_spec(value: str) -> dict[str, Any]:
    return minimal_spec(
        parameters=[{"name": "x", "value": value}],
        stages=[
            [
                {
                    "name": STEP,
                    "workflowTemplate": "worker",
                    "arguments": {
                        "direct": "{{workflow.parameters.x}}",
                        "composed": "before {{workflow.parameters.x}} after",
                        "literal": value,
                    },
                }
            ]
        ],
    )


def rendered_cron(spec: dict[str, Any]) -> dict[str, Any]:
    """The CronWorkflow as `render` prints it and the API server stores it."""
    documents = list(yaml.safe_load_all(dump_documents(pipeline_manifests(spec))))
    (cron,) = [d for d in documents if d["kind"] == "CronWorkflow"]
    return cron


def expected_child(cron: dict[str, Any], values: dict[str, str]) -> Any:
    """The child the validation pass sees, with each placeholder replaced by what it stands for."""
    child, placeholders = argo.validate_child(cron, STEP, fake_arguments=True)
    meaning = {p: m for m, p in placeholders.items()}
    mapping = {"workflow.name": argo.WORKFLOW_NAME, "workflow.uid": argo.WORKFLOW_UID}
    mapping.update({f"inputs.parameters.{k}": v for k, v in values.items()})
    return argo.replace_strings(child, {p: mapping[m] for p, m in meaning.items() if m in mapping})


def arguments_for(value: str, literal: str | None = None) -> dict[str, str]:
    return {
        "direct": value,
        "composed": f"before {value} after",
        "literal": value if literal is None else literal,
    }


# --- the emulation follows Go and Argo --------------------------------------------------------


def test_go_quote_matches_strconv_quote():
    text = 'a"b\\c\n\t\a\v\x00\x7f\u0085é😀\U000e0001\u2028'
    assert argo.go_quote(text) == ('a\\"b\\\\c\\n\\t\\a\\v\\x00\\x7f\\u0085é😀\\U000e0001\\u2028')


def test_go_json_matches_encoding_json():
    text = '<a&b>"\\\u2028\x01\x7f\u0085\n'
    assert argo.go_json_string(text) == (
        '"\\u003ca\\u0026b\\u003e\\"\\\\\\u2028\\u0001\x7f\u0085\\n"'
    )


def test_fasttemplate_tags_end_at_the_first_closing_braces_and_must_close():
    seen: list[str] = []
    assert argo.fasttemplate_execute("a{{b{{c}}d}}", lambda t: seen.append(t) or "X") == "aXd}}"
    assert seen == ["b{{c"]
    with pytest.raises(argo.ArgoError, match="end tag"):
        argo.fasttemplate_execute("a{{b", str)


def test_simple_tags_are_quoted_nested_tails_resolved_unknown_tags_kept():
    params = {"workflow.name": 'n"1', "b": "x\ny"}
    assert argo.simple_replace(" workflow.name ", params, True) == 'n\\"1'
    assert argo.simple_replace("a{{b", params, True) == "{{ax\\ny"
    assert argo.simple_replace("nope", params, True) == "{{nope}}"
    with pytest.raises(argo.ArgoError, match="failed to resolve"):
        argo.simple_replace("nope", params, False)


def test_expressions_resolve_only_with_their_inputs_and_nothing_else_is_guessed():
    tag = "sprig.quote(inputs.parameters['x'])"
    assert argo.expression_replace(tag, {}) == "{{=" + tag + "}}"
    assert argo.expression_replace(tag, {"inputs.parameters.x": 'a"\u0085'}) == (
        '\\"a\\\\\\"\\\\u0085\\"'
    )
    with pytest.raises(argo.Unemulated):
        argo.expression_replace("1 + 1", {})


# --- our manifests ----------------------------------------------------------------------------


def test_the_expected_child_is_the_one_we_mean():
    cron = rendered_cron(hostile_spec(BENIGN))
    assert expected_child(cron, arguments_for(BENIGN)) == {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "generateName": "nightly-work-",
            "namespace": "argo",
            "labels": {
                "app.kubernetes.io/part-of": "nightly",
                "app.kubernetes.io/managed-by": "pulumi-argo-orchestration",
                "argo-orchestration/parent": argo.WORKFLOW_NAME,
                "argo-orchestration/step": STEP,
            },
            "ownerReferences": [
                {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": "Workflow",
                    "name": argo.WORKFLOW_NAME,
                    "uid": argo.WORKFLOW_UID,
                    "controller": True,
                }
            ],
        },
        "spec": {
            "arguments": {
                "parameters": [
                    {"name": "direct", "value": BENIGN},
                    {"name": "composed", "value": f"before {BENIGN} after"},
                    {"name": "literal", "value": BENIGN},
                ]
            },
            "workflowTemplateRef": {"name": "worker"},
        },
    }


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_value_passes_validation_and_reaches_the_child_unchanged(value):
    spec = hostile_spec(value)
    load_pipeline(spec)  # nothing here is something Argo cannot carry
    cron = rendered_cron(spec)
    expected = expected_child(cron, arguments_for(value))

    # The validation pass, with the spec's own value: the manifest parses, the value is intact.
    validated, placeholders = argo.validate_child(cron, STEP, fake_arguments=False)
    names = {p: m for m, p in placeholders.items()}
    run = {"workflow.name": argo.WORKFLOW_NAME, "workflow.uid": argo.WORKFLOW_UID}
    validated = argo.replace_strings(validated, {p: run[m] for p, m in names.items() if m in run})
    assert argo.differences(expected, validated) == []

    # The run: the spec's value, and the same value passed at submission (`argo submit -p`).
    assert argo.differences(expected, argo.run_child(cron, STEP)) == []
    benign = rendered_cron(hostile_spec(BENIGN))
    submitted = argo.run_child(benign, STEP, {"x": value})
    assert argo.differences(expected_child(benign, arguments_for(value, BENIGN)), submitted) == []
    FIGURES["injection: hostile values tried (spec and submitted, three arguments each)"] += 1


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_rendered_manifests_with_hostile_values_conform(value, argo_schemas):
    problems = [
        p for d in pipeline_manifests(hostile_spec(value)) for p in argo_schemas.problems(d)
    ]
    assert problems == []


def test_the_expression_names_only_validated_parameter_names():
    cron = rendered_cron(hostile_spec(HOSTILE["combined"]))
    spawn = cron["spec"]["workflowSpec"]["templates"][1]
    manifest = spawn["resource"]["manifest"]
    assert "{{=sprig.quote(inputs.parameters['direct'])}}" in manifest
    assert HOSTILE["combined"] not in manifest and "workflow.parameters" not in manifest


# --- the negative control: the seed's textual form --------------------------------------------

NAIVE_MANIFEST = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: nightly-work-
  namespace: argo
spec:
  arguments:
    parameters:
    - name: direct
      value: "{{workflow.parameters.x}}"
  workflowTemplateRef:
    name: worker
"""


def naive_cron(value: str) -> dict[str, Any]:
    """Our CronWorkflow with the seed's spawn template: the value pasted into the manifest."""
    cron = copy.deepcopy(rendered_cron(hostile_spec(value)))
    templates = cron["spec"]["workflowSpec"]["templates"]
    templates[0]["steps"][0][0].pop("arguments")
    templates[1].pop("inputs")
    templates[1]["resource"]["manifest"] = NAIVE_MANIFEST
    return cron


def naive_expected(value: str) -> Any:
    """The child the seed's manifest means: its structure, with the value in its place."""
    child = yaml.safe_load(NAIVE_MANIFEST.replace("{{workflow.parameters.x}}", "placeholder"))
    child["spec"]["arguments"]["parameters"][0]["value"] = value
    return child


def naive_outcome(value: str) -> list[str]:
    try:
        child = argo.run_child(naive_cron(value), STEP)
    except argo.ArgoError as error:
        return [f"fails: {error}"]
    return argo.differences(naive_expected(value), child)


def test_placeholders_alone_cannot_tell_the_two_forms_apart():
    """Both parse once their tags are placeholders; only the run shows the difference."""
    cron = rendered_cron(hostile_spec(BENIGN))
    ours = cron["spec"]["workflowSpec"]["templates"][1]["resource"]["manifest"]
    for manifest in (NAIVE_MANIFEST, ours):
        assert yaml.safe_load(conformance._substitute_tags(manifest))["kind"] == "Workflow"
    child, _ = argo.validate_child(naive_cron(BENIGN), STEP, fake_arguments=True)
    assert argo.differences(naive_expected(BENIGN), child) == []
    assert naive_outcome(BENIGN) == []


def test_naive_form_fails_the_same_test():
    failing = {name for name, value in HOSTILE.items() if naive_outcome(value)}
    FIGURES["injection: hostile values that break the seed's textual form"] = len(failing)
    # Quotes end the YAML string, line breaks fold, backslashes start YAML escapes.
    assert {
        "double-quote",
        "newline",
        "backslashes",
        "nel",
        "tab-and-cr",
        "yaml-document",
        "injection",
        "field-injection",
        "combined",
    } <= failing
    # ... and the failures are not only errors: the value rewrites the child.
    assert naive_outcome(HOSTILE["injection"]) == ["spec.arguments.parameters: 1 items became 2"]
    assert "spec.serviceAccountName: added" in naive_outcome(HOSTILE["field-injection"])


def test_our_manifest_passes_where_the_naive_form_is_rewritten():
    for name in ("injection", "field-injection"):
        cron = rendered_cron(hostile_spec(HOSTILE[name]))
        child = argo.run_child(cron, STEP)
        assert argo.differences(expected_child(cron, arguments_for(HOSTILE[name])), child) == []


def test_tojson_would_alter_nel_and_lose_c1_controls():
    """Why the manifest uses sprig.quote: toJson leaves U+0085 and C1 controls raw for YAML."""

    def with_tojson(value: str) -> dict[str, Any]:
        cron = rendered_cron(hostile_spec(value))
        spawn = cron["spec"]["workflowSpec"]["templates"][1]["resource"]
        spawn["manifest"] = spawn["manifest"].replace("sprig.quote(", "toJson(")
        return cron

    nel = with_tojson(HOSTILE["nel"])
    child = argo.run_child(nel, STEP)
    assert child["spec"]["arguments"]["parameters"][0]["value"] == "a b"
    with pytest.raises(argo.ArgoError, match="control characters are not allowed"):
        argo.run_child(with_tojson(HOSTILE["c1-controls"]), STEP)
    assert argo.run_child(with_tojson(HOSTILE["injection"]), STEP) == argo.run_child(
        rendered_cron(hostile_spec(HOSTILE["injection"])), STEP
    )


# --- owner references: written in the manifest, not by Argo's setOwnerReference -----------------


def with_set_owner_reference(cron: dict[str, Any]) -> dict[str, Any]:
    """Our CronWorkflow with Argo's form of ownership: `setOwnerReference: true`, no reference in
    the manifest (what the package rendered before)."""
    cron = copy.deepcopy(cron)
    spawn = cron["spec"]["workflowSpec"]["templates"][1]["resource"]
    lines = spawn["manifest"].splitlines(keepends=True)
    start = lines.index("  ownerReferences:\n")
    spawn["manifest"] = "".join(lines[:start] + lines[start + 6 :])
    spawn["setOwnerReference"] = True
    return cron


def test_argos_set_owner_reference_alters_nel_and_fails_on_c1_controls():
    """executeResource re-marshals an owned manifest (json.Marshal, then yaml.v2): the form the
    package no longer uses loses these values; the manifest's own reference carries them."""
    nel = rendered_cron(hostile_spec(HOSTILE["nel"]))
    literal = argo.run_child(with_set_owner_reference(nel), STEP)["spec"]["arguments"]
    assert literal["parameters"][2] == {"name": "literal", "value": "a b"}
    with pytest.raises(argo.ArgoError, match=r"re-marshal.*control characters are not allowed"):
        argo.run_child(
            with_set_owner_reference(rendered_cron(hostile_spec(HOSTILE["c1-controls"]))), STEP
        )

    for name in ("nel", "c1-controls"):
        cron = rendered_cron(hostile_spec(HOSTILE[name]))
        child = argo.run_child(cron, STEP)
        assert argo.differences(expected_child(cron, arguments_for(HOSTILE[name])), child) == []


def test_both_forms_give_the_child_the_same_owner_but_argos_blocks_deletion():
    cron = rendered_cron(hostile_spec(BENIGN))
    ours = argo.run_child(cron, STEP)["metadata"]["ownerReferences"]
    theirs = argo.run_child(with_set_owner_reference(cron), STEP)["metadata"]["ownerReferences"]
    assert theirs == [{**ours[0], "blockOwnerDeletion": True}] == [argo.owner_reference()]


def test_the_pod_pass_replaces_pod_name_and_the_first_pass_the_step_locals():
    """`{{pod.name}}` in a submitted value is replaced (operator.go locals, substitutePodParams)."""
    cron = rendered_cron(hostile_spec(BENIGN))
    for tag, meaning in (
        ("{{pod.name}}", argo.pod_name("spawn-work")),
        ("{{steps.name}}", STEP),
        ("{{node.name}}", f"{argo.WORKFLOW_NAME}[0].{STEP}"),
    ):
        child = argo.run_child(cron, STEP, {"x": tag})
        assert child["spec"]["arguments"]["parameters"][0]["value"] == meaning


# --- what Argo itself cannot carry ------------------------------------------------------------

UNCARRIABLE = {"unclosed-tag": "a {{ b", "bell": "ring\a", "vertical-tab": "a\vb", "del": "\x7f"}


@pytest.mark.parametrize("value", UNCARRIABLE.values(), ids=UNCARRIABLE.keys())
def test_values_argo_cannot_substitute_are_rejected_with_their_paths(value):
    with pytest.raises(SpecError) as caught:
        load_pipeline(hostile_spec(value))
    found = {p.path: p.message for p in caught.value.problems}
    assert set(found) == {"parameters[0].value", "stages[0][0].arguments.literal"}
    reason = "'{{' with no closing '}}'" if "{{" in value else "strconv.Quote"
    assert all(reason in message for message in found.values())


@pytest.mark.parametrize(("value", "reason"), TEMPLATED.values(), ids=TEMPLATED.keys())
def test_a_tag_argo_would_not_resolve_as_written_is_refused_in_a_value(value, reason):
    with pytest.raises(SpecError) as caught:
        load_pipeline(hostile_spec(value))
    found = {p.path: p.message for p in caught.value.problems}
    assert set(found) == {"parameters[0].value", "stages[0][0].arguments.literal"}
    assert all(reason in message for message in found.values())


# Expressions are left out: the emulation does not evaluate them (Argo's does, `{{=1+1}}` -> `2`).
SUBMITTED_TAGS = {k: v for k, v in TEMPLATED.items() if not v[0].startswith("{{=")}


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        (SUBMITTED_TAGS["unknown-tag"], "kept"),
        (SUBMITTED_TAGS["nested-tag"], "fails"),
        (SUBMITTED_TAGS["pod-name"], argo.pod_name("spawn-work")),
        (SUBMITTED_TAGS["inputs"], "kept"),  # resolves to the input, which is itself
        (SUBMITTED_TAGS["combined-with-tag"], "kept"),
    ],
    ids=["unknown-tag", "nested-tag", "pod-name", "inputs", "combined-with-tag"],
)
def test_submitted_at_run_time_a_tag_is_read_by_argo_or_fails_closed(value, outcome):
    """`argo submit -p x=...` cannot be checked up front: Argo templates the value or fails the
    step, and no field of the child other than that argument changes (documented)."""
    value = value[0]
    cron = rendered_cron(hostile_spec(BENIGN))
    if outcome == "fails":
        with pytest.raises(argo.ArgoError):
            argo.run_child(cron, STEP, {"x": value})
        return
    child = argo.run_child(cron, STEP, {"x": value})
    direct = child["spec"]["arguments"]["parameters"][0]["value"]
    assert direct == (value if outcome == "kept" else outcome)
    assert_arrived(value, child, benign_expected(value))


@pytest.mark.parametrize("value", UNCARRIABLE.values(), ids=UNCARRIABLE.keys())
def test_submitted_at_run_time_they_fail_closed(value):
    """Passed with `argo submit -p`, no child is created rather than a different one."""
    with pytest.raises(argo.ArgoError):
        argo.run_child(rendered_cron(hostile_spec(BENIGN)), STEP, {"x": value})


def test_argo_reads_known_variables_in_values_and_nothing_else_changes():
    """A value is template text to Argo (argo #8253, #12634): documented, and contained."""
    cron = rendered_cron(hostile_spec(BENIGN))
    child = argo.run_child(cron, STEP, {"x": "{{workflow.name}}"})
    expected = expected_child(cron, arguments_for(argo.WORKFLOW_NAME, BENIGN))
    assert argo.differences(expected, child) == []


# --- any value ----------------------------------------------------------------------------------

FRAGMENTS = [
    *('"', "'", "\n", "\r", "\t", ": ", "- ", "#", "{{", "}}", "{{ x }}", "{{workflow.name}}"),
    *("\\", "\\n", "  ", "---", "&a", "*a", "!!str", "|", ">", "%", "@", "`", "null", "yes"),
    *("\x07", "\x0b", "\x7f", "\x85", "\x80", "\u2028", "\ufeff", "\U000e0001", "é", "😀"),
]
VALUES = st.lists(
    st.sampled_from(FRAGMENTS) | st.text(st.characters(exclude_categories=["Cs"]), max_size=4),
    max_size=8,
).map("".join)


BENIGN_CRON = rendered_cron(hostile_spec(BENIGN))


def refused_in_the_spec(value: str) -> bool:
    """Whether the spec refuses `value` as a parameter value and a child argument."""
    try:
        load_pipeline(hostile_spec(value))
    except SpecError:
        return True
    return False


def benign_expected(value: str) -> Any:
    """The child of a run whose `x` was submitted as `value` (the literal argument stays)."""
    return expected_child(BENIGN_CRON, arguments_for(value, BENIGN))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(value=VALUES)
# Found by an unseeded run: accepted up front, it failed at run time (fasttemplate reads the tag
# `"{{workflow.name` up to the first `}}`).
@example(value="'{{\"{{workflow.name}}'")
@example(value="{{=1+1}}")
@example(value="a{{b")
def test_any_value_arrives_intact_is_rejected_up_front_or_fails_closed(value):
    FIGURES["injection: generated values run through Argo's substitution"] += 1
    refused = refused_in_the_spec(value)
    try:
        child = argo.run_child(BENIGN_CRON, STEP, {"x": value})
    except argo.Unemulated:
        assert refused  # a `{{= ... }}` expression: Argo would evaluate it
        reject()
    except argo.ArgoError:
        # Every run-time failure is one the spec rejects up front.
        assert refused
        event("fails closed")
        return
    event("arrives unchanged" if "{{" not in value else "Argo reads its tags")
    assert_arrived(value, child, benign_expected(value))
    if not refused:  # accepted in the spec: as a spec value it arrives the same way
        as_spec = rendered_cron(hostile_spec(value))
        assert_arrived(
            value, argo.run_child(as_spec, STEP), expected_child(as_spec, arguments_for(value))
        )
    elif "{{" not in value:
        pytest.fail(f"{value!r} arrives intact but the spec refuses it")


def assert_arrived(value: str, child: Any, expected: Any) -> None:
    """Unchanged; with a `{{`, Argo may read tags in the value, but no other field changes."""
    if "{{" not in value:
        assert argo.differences(expected, child) == []
        return
    arrived = child["spec"]["arguments"]["parameters"]
    for index, parameter in enumerate(expected["spec"]["arguments"]["parameters"]):
        if "{{" in str(parameter["value"]) or index < 2:
            parameter["value"] = arrived[index]["value"]
    assert argo.differences(expected, child) == []
