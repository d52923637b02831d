"""Rendering pauses the cyclic collector and always leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from pulumi_argo_orchestration import SpecError, dump_documents, pipeline_manifests
from pulumi_argo_orchestration._gc import gc_paused
from tests.conftest import minimal_spec


def test_the_collector_is_off_during_the_call_and_on_after_it():
    seen = []
    gc_paused(lambda: seen.append(gc.isenabled()))()
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_back_on_after_an_invalid_spec():
    with pytest.raises(SpecError):
        pipeline_manifests(minimal_spec(schedule="not a schedule"))
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled():
    gc.disable()
    try:
        dump_documents(pipeline_manifests(minimal_spec()))
        assert not gc.isenabled()
    finally:
        gc.enable()
