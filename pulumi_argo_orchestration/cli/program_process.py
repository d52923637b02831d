"""A Pulumi program rendered in a process of its own, for every command that takes a program.

A program is arbitrary Python, and the command's own output must not depend on what it does.
Run in a child process:

- everything it writes, to `sys.stdout`, `sys.__stdout__`, file descriptor 1, from a subprocess
  or an `atexit` handler, reaches stderr: the child's descriptor 1 *is* stderr, and the manifests
  come back on a descriptor of their own;
- whatever it changes (the library, `sys.modules`, its interpreter) is gone with the process, so
  in `validate a b` the verdict on `b` cannot depend on `a`;
- `os._exit`, a crash or a signal end the child, not the command, and are reported as such;
- a program that does not finish is stopped after `--timeout` seconds, with whatever it started
  (the child leads a process group of its own).

The price is one interpreter start and Pulumi's import per program (about a fifth of a second);
a command that runs the program in its own process pays the import anyway.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from typing import IO, Any, cast

from ..errors import ResolvedValueError, SpecError, shown
from ..offline.project import ProjectError
from .rendering import DEFAULT_TIMEOUT, ProgramOptions, Rendered, RenderFailure, spec_failure

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_CHILD = (
    f"import sys; sys.path.append({_PACKAGE_ROOT!r}); "
    "from pulumi_argo_orchestration.cli.program_process import child_main; child_main()"
)
_POSIX = os.name == "posix"


def render_program(path: str, options: ProgramOptions) -> Rendered:
    """Render the program at `path` in a child process, or RenderFailure saying why not."""
    import threading

    timeout = DEFAULT_TIMEOUT if options.timeout is None else (options.timeout or None)
    request = json.dumps(
        {
            "path": path,
            "stack": options.stack,
            "config": dict(options.config),
            "secrets": dict(options.secrets),
            "show_secrets": options.show_secrets,
        }
    ).encode()
    _write_stderr("")  # flush what the command wrote so far: the program's output follows it
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=_POSIX,
        )
    except OSError as error:
        raise RenderFailure(
            path, "cannot run the program", [f"cannot start {sys.executable}: {error}"]
        ) from None
    pipes = (process.stdin, process.stdout, process.stderr)
    stdin, stdout, stderr = cast("tuple[IO[bytes], IO[bytes], IO[bytes]]", pipes)
    reply: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: reply.append(stdout.read()), daemon=True),
        threading.Thread(target=_forward, args=(stderr,), daemon=True),
    ]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        try:
            stdin.write(request)
            stdin.close()
        except BrokenPipeError:
            pass  # the child is gone already: its exit status says why
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        _stop(process)  # and whatever the program started, on every way out of here
        for reader in readers:
            reader.join(timeout=5)
    if timed_out:
        raise RenderFailure(
            path,
            "the program failed",
            [
                f"it did not finish within {timeout:g} seconds and was stopped "
                "(--timeout SECONDS allows longer, 0 no limit)"
            ],
        )
    return _rendered(path, process.returncode, b"".join(reply))


def _rendered(path: str, status: int, reply: bytes) -> Rendered:
    try:
        answer = json.loads(reply) if reply else None
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "rendered" in answer:
        done = answer["rendered"]
        return Rendered(path, done["documents"], done["warnings"], True)
    if isinstance(answer, dict) and "failure" in answer:
        failed = answer["failure"]
        raise RenderFailure(
            failed["source"], failed["headline"], failed["problems"], failed["note"]
        )
    if status < 0:
        import signal

        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = str(-status)
        reason = f"its process was killed by signal {name} before it finished"
    else:
        reason = (
            f"it ended its process with exit status {status} before it finished "
            "(os._exit, or a crash)"
        )
    raise RenderFailure(path, "the program failed", [reason])


def _forward(stream: Any) -> None:
    """Copy the child's stderr (and so everything the program printed) to ours as it comes."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    while chunk := stream.read1(65536):
        _write_stderr(decoder.decode(chunk))
    _write_stderr(decoder.decode(b"", final=True))


def _write_stderr(text: str) -> None:
    if sys.stderr is not None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # stderr is gone: nothing to tell anyone


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the child and its process group (whatever the program started); reap the child."""
    if _POSIX:
        import signal

        # ProcessLookupError: gone already, with everything it started.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()
    process.wait()


# --- the child ---------------------------------------------------------------------------------


def render_program_here(path: str, options: ProgramOptions) -> Rendered:
    """Run the program in this process and render it, or RenderFailure listing every problem.

    Whatever the program does, it ends here: any exception, `sys.exit`, even a BaseException of
    its own, is one failure naming the line of the program it came from.
    """
    from ..offline.engine import SUPPORTED, InvalidComponents, OfflineRenderError, run_program
    from ..offline.project import failure_location, find_project
    from ..views.manifest_warnings import manifest_warnings

    try:
        project = find_project(path)
    except ProjectError as error:
        raise RenderFailure(error.source, "cannot run the program", error.problems) from None
    try:
        run = run_program(
            path,
            stack=options.stack,
            config=options.config,
            secrets=options.secrets,
            every_invalid_component=True,
        )
        documents = run.manifests(show_secrets=options.show_secrets)
    except InvalidComponents as error:
        count = len(error.components)
        problems = [str(problem) for problem in error.problems]
        if error.cause is not None:
            problems.append(f"the program then failed: {_one_line(error.cause)}")
        raise RenderFailure(
            path, f"{count} component{'s' if count != 1 else ''} with an invalid spec", problems
        ) from None
    except ProjectError as error:
        raise RenderFailure(error.source, "cannot run the program", error.problems) from None
    except OfflineRenderError as error:
        count = len(error.problems)
        problems = list(error.problems)
        if error.cause is not None:
            problems.append(f"the program then failed: {_one_line(error.cause)}")
        raise RenderFailure(
            path,
            f"{count} declaration{'s' if count != 1 else ''} cannot be rendered offline "
            "(no provider runs)",
            problems,
            note=SUPPORTED,
        ) from None
    except (SpecError, ResolvedValueError) as error:  # not from a component: the program
        # validated a spec itself, or a value known only after deployment resolved invalid
        where = failure_location(error, project)
        failure = spec_failure(path, error)
        raise RenderFailure(
            path,
            failure.headline,
            [f"{where}: {problem}" if where else problem for problem in failure.problems],
        ) from None
    except BaseException as error:  # the program's own end, whatever it is
        where = failure_location(error, project)
        reason = _one_line(error)
        raise RenderFailure(
            path, "the program failed", [f"{where}: {reason}" if where else reason]
        ) from None
    if not documents:
        raise RenderFailure(
            path,
            "nothing to render",
            ["the program declares no Kubernetes resources (no ScheduledPipeline, no typed "
             "pulumi-kubernetes resource): check that PATH is the program you meant"],
        )  # fmt: skip
    # One warning per text: a pipeline's own, then what its manifests show of hand-written ones.
    warnings = list(dict.fromkeys([*run.warnings, *manifest_warnings(documents)]))
    return Rendered(path, documents, warnings, True)


def _one_line(error: BaseException) -> str:
    """`Type: message` on one line, its message cut like every echoed value."""
    if isinstance(error, SystemExit):
        code = error.code
        if code is None or isinstance(code, int):
            return f"the program exited with status {code or 0} (sys.exit)"
        return f"the program exited (sys.exit): {_message_text(code)}"
    text = _message_text(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _message_text(value: object) -> str:
    try:
        text = str(value)
    except Exception:  # a program's exception whose __str__ fails
        return ""
    return shown(" ".join(text[:100_000].split()), plain=True)


def child_main() -> None:
    """The child: read the request on stdin, render, answer on the descriptor stdout was."""
    answer_to = os.dup(1)  # not inherited by what the program starts (PEP 446)
    os.dup2(2, 1)  # from here on, descriptor 1 is stderr: nothing the program does reaches ours
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    request = json.loads(sys.stdin.buffer.read())
    options = ProgramOptions(
        stack=request["stack"],
        config=request["config"],
        secrets=request["secrets"],
        show_secrets=request["show_secrets"],
    )
    try:
        rendered = render_program_here(request["path"], options)
        answer: dict[str, Any] = {
            "rendered": {"documents": rendered.documents, "warnings": rendered.warnings}
        }
    except RenderFailure as failure:
        answer = {
            "failure": {
                "source": failure.source,
                "headline": failure.headline,
                "problems": list(failure.problems),
                "note": failure.note,
            }
        }
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with open(answer_to, "wb") as reply:
        reply.write(json.dumps(answer).encode())
    # The interpreter now ends as the program's process would: its atexit handlers run (their
    # output goes to stderr too).
