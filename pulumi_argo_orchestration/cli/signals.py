"""SIGTERM as an exception, from where a command starts something that must be undone.

A render into `-o DIR` stages a directory and a program render starts a process; SIGTERM then
raises `Terminated` where the command is, so both are undone on the way out as for Ctrl-C, and
`main` exits 143. Nothing installs it at start-up: a plain render has nothing to undo, and the
`signal` module is a noticeable part of a render's start-up.
"""

from __future__ import annotations


class Terminated(BaseException):
    """SIGTERM, raised where the command is so that it cleans up as for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def undo_on_sigterm() -> None:
    """From here on, SIGTERM raises `Terminated` in the main thread."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
