"""SIGTERM becomes `Terminated` only inside `undo_on_sigterm`, and only where nobody else handles
it: a program embedding `main` keeps its own handler."""

from __future__ import annotations

import os
import signal

import pytest

from pulumi_argo_orchestration.cli.signals import Terminated, undo_on_sigterm

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


@pytest.fixture
def default_sigterm():
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_inside_the_block_sigterm_raises_and_after_it_the_default_is_back(default_sigterm):
    with pytest.raises(Terminated), undo_on_sigterm():
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_callers_own_handler_is_left_as_it_is(default_sigterm):
    seen = []

    def own(signum, frame):
        seen.append(signum)

    signal.signal(signal.SIGTERM, own)
    with undo_on_sigterm():
        assert signal.getsignal(signal.SIGTERM) is own
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is own
    assert seen == [signal.SIGTERM]
