"""`invoke(*args)`: the `argo-orchestration` command line run in this process, as a user sees it.

`main` runs with stdout and stderr captured; its SystemExit becomes `exit_code` (None is 0). Any
other exception propagates: the real command would print a traceback, so a test should fail.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from typing import Any, NamedTuple

from pulumi_argo_orchestration.cli.main import main


class Result(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str
    #: stdout and stderr interleaved in the order they were written, as a terminal shows them.
    output: str


class _Stream(io.StringIO):
    """One captured stream that also copies what it is given into the shared `output`."""

    def __init__(self, output: io.StringIO) -> None:
        super().__init__()
        self._output = output

    def write(self, text: str) -> int:
        self._output.write(text)
        return super().write(text)


def invoke(*args: object) -> Result:
    """Run `argo-orchestration ARGS...` (each argument passed through `str`)."""
    output = io.StringIO()
    stdout, stderr = _Stream(output), _Stream(output)
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exit:
            if exit.code is None or isinstance(exit.code, int):
                code = exit.code or 0
            else:  # sys.exit("message"): Python prints it and exits with status 1
                print(exit.code, file=stderr)
                code = 1
    return Result(code, stdout.getvalue(), stderr.getvalue(), output.getvalue())


def run_console(*args: object, **popen: Any) -> subprocess.CompletedProcess[str]:
    """`argo-orchestration ARGS...` as a process of its own, as a shell runs it: what it writes to
    the real file descriptors is what a test sees (stdout and stderr captured unless given)."""
    from tests.conftest import ROOT

    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-c", "from pulumi_argo_orchestration.cli.main import run; run()"]
        + [str(a) for a in args],
        text=True,
        cwd=popen.pop("cwd", ROOT),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
        **popen,
    )
