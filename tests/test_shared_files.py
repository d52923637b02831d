"""Argo's schemas beside the checkout (`../shared/argo`): a reason to skip on a laptop without
them, an error in CI, where they are part of the setup."""

from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped

from tests.conftest import SHARED_MISSING, require_shared


def test_without_ci_a_missing_directory_skips_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped) as caught:
        require_shared(tmp_path / "absent")
    assert str(caught.value) == SHARED_MISSING


def test_with_ci_a_missing_directory_fails_the_test(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "1")
    with pytest.raises(Failed) as caught:
        require_shared(tmp_path / "absent")
    assert str(caught.value) == f"{SHARED_MISSING} (CI is set: these checks must run)"


def test_a_directory_that_is_there_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "1")
    assert require_shared(tmp_path) == tmp_path
