"""SIGTERM as an exception, from where a command starts something that must be undone.

A render into `-o DIR` stages a directory and a program render starts a process; SIGTERM then
raises `Terminated` where the command is, so both are undone on the way out as for Ctrl-C, and
`main` exits 143. Nothing installs it at start-up: a plain render has nothing to undo, and the
`signal` module is a noticeable part of a render's start-up.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class Terminated(BaseException):
    """SIGTERM, raised where the command is so that it cleans up as for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def undo_on_sigterm() -> Iterator[None]:
    """While the block runs, SIGTERM raises `Terminated` (in the main thread; elsewhere, and
    where a caller of `main` set its own handler, the handler is left as it is)."""
    import signal
    import threading

    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
