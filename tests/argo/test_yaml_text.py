"""The manifest dumper writes exactly what PyYAML's generic safe dumper writes, only faster."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_argo_orchestration import dump_documents, pipeline_manifests
from pulumi_argo_orchestration.argo.yaml_text import dump_document
from tests.conftest import EXAMPLE_SPECS

pytestmark = pytest.mark.skipif(
    not hasattr(yaml, "CSafeDumper"), reason="the event path needs libyaml"
)


class GenericDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """PyYAML's generic path, with the one rule the manifests add written out here: the
    reference output."""


def literal_block_if_multiline(dumper, value):
    """A string with a line break as a literal block (`|`), so a child manifest or a script
    reads as written; any other string as PyYAML's SafeRepresenter writes it."""
    node = yaml.representer.SafeRepresenter.represent_str(dumper, value)
    if "\n" in value:
        node.style = "|"
    return node


GenericDumper.add_representer(str, literal_block_if_multiline)


def generic_documents(documents):
    return yaml.dump_all(
        documents,
        Dumper=GenericDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        explicit_start=True,
    )


def generic_document(document):
    return yaml.dump(
        document, Dumper=GenericDumper, sort_keys=False, allow_unicode=True, width=10_000
    )


# Text YAML treats specially: reserved words, numbers, indicators, blanks, control characters.
TRICKY = st.sampled_from(
    ["", "yes", "No", "null", "~", "1e3", "0x1F", "1_000", "a: b", "- x", "#c", "'q'", '"', "@x"]
)
SCALARS = (
    st.text() | TRICKY | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
)
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | TRICKY | st.integers(), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DATA, min_size=1, max_size=3))
def test_any_plain_data_is_written_as_the_generic_dumper_writes_it(documents):
    assert dump_documents(documents) == generic_documents(documents)
    for document in documents:
        assert dump_document(document) == generic_document(document)


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=lambda p: p.parent.name)
def test_example_manifests_are_written_as_the_generic_dumper_writes_them(spec):
    from pulumi_argo_orchestration.spec.loading import load_spec_file

    documents = pipeline_manifests(load_spec_file(spec))
    assert dump_documents(documents) == generic_documents(documents)


def test_a_container_shared_within_a_document_keeps_the_generic_anchor():
    shared = {"team": "platform"}
    documents = [{"metadata": {"labels": shared}, "spec": {"labels": shared}}]
    text = dump_documents(documents)
    assert text == generic_documents(documents)
    assert "&id001" in text


def test_nan_and_signed_zero_are_written_as_the_generic_dumper_writes_them():
    documents = [{"a": [0.0, -0.0, float("nan"), float("inf"), -float("inf")]}]
    assert dump_documents(documents) == generic_documents(documents)


def test_types_the_safe_dumper_refuses_are_still_refused():
    with pytest.raises(yaml.representer.RepresenterError):
        dump_documents([{"value": object()}])


def test_multiline_strings_are_literal_blocks_that_read_back_the_same():
    document = {"script": "set -e\necho 'a: b'\n", "one": "line"}
    text = dump_document(document)
    assert text == "script: |\n  set -e\n  echo 'a: b'\none: line\n"
    assert yaml.safe_load(text) == document
