"""A Pulumi program rendered in a process of its own, for every command that takes a program.

A program is arbitrary Python, and the command's own output must not depend on what it does.
Each program runs in a process of its own:

- everything it writes, to `sys.stdout`, `sys.__stdout__`, file descriptor 1, from a subprocess
  or an `atexit` handler, reaches stderr: its descriptor 1 *is* stderr, and the manifests come
  back on a descriptor of their own;
- whatever it changes (the library, `sys.modules`, its interpreter) is gone with the process, so
  in `validate a b` the verdict on `b` cannot depend on `a`;
- `os._exit`, a crash or a signal end that process, not the command, and are reported as such;
- a program that does not finish is stopped after `--timeout` seconds, with whatever it started
  (it leads a process group of its own).

On Linux a server process imports Pulumi and the library once, runs one pipeline to build the
model's validators, and forks a fresh copy of itself for each program: the copy starts where a
program can begin, so `validate` of ten programs costs about what one in-process run did for all
ten. Elsewhere (no `fork`, or no descriptor passing) each program gets a new interpreter, which
pays Pulumi's import every time.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from typing import IO, Any, cast

from ..errors import Problem, ResolvedValueError, SpecError, shown
from ..offline.project import ProjectError
from .rendering import DEFAULT_TIMEOUT, ProgramOptions, Rendered, RenderFailure, spec_failure
from .signals import undo_on_sigterm

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_RUN = f"import sys; sys.path.append({_PACKAGE_ROOT!r}); "
_CHILD = _RUN + "from pulumi_argo_orchestration.cli.program_process import child_main; child_main()"
_SERVER = _RUN + (
    "from pulumi_argo_orchestration.cli.program_process import server_main; "
    "server_main(int(sys.argv[1]))"
)
_POSIX = os.name == "posix"


def render_program(path: str, options: ProgramOptions) -> Rendered:
    """Render the program at `path` in a process of its own, or RenderFailure saying why not."""
    timeout = DEFAULT_TIMEOUT if options.timeout is None else (options.timeout or None)
    request = {
        "path": path,
        "stack": options.stack,
        "config": dict(options.config),
        "secrets": dict(options.secrets),
        "show_secrets": options.show_secrets,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "path_entries": list(sys.path),  # the program imports what the command could
    }
    _write_stderr("")  # flush what the command wrote so far: the program's output follows it
    try:
        with undo_on_sigterm():  # the program's process is stopped, as on Ctrl-C
            server = _server()
            if server is not None:
                status, timed_out, reply = server.render(request, timeout)
            else:
                status, timed_out, reply = _render_in_new_process(request, timeout)
    except OSError as error:
        raise RenderFailure(
            path, "cannot run the program", [f"cannot start a process for it: {error}"]
        ) from None
    if timed_out:
        raise RenderFailure(
            path,
            "the program failed",
            [
                f"it did not finish within {timeout:g} seconds and was stopped "
                "(--timeout SECONDS allows longer, 0 no limit)"
            ],
        )
    return _rendered(path, status, reply)


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


def _kill_group(leader: int) -> None:
    """SIGKILL a program's process group (it, and whatever it started)."""
    import signal

    # ProcessLookupError: gone already, with everything it started.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(leader, signal.SIGKILL)


def _read_all(descriptor: int, into: list[bytes]) -> None:
    with open(descriptor, "rb") as stream:
        into.append(stream.read())


def _forward_descriptor(descriptor: int) -> None:
    with open(descriptor, "rb") as stream:
        _forward(stream)


# --- a new interpreter per program -------------------------------------------------------------


def _render_in_new_process(
    request: dict[str, Any], timeout: float | None
) -> tuple[int, bool, bytes]:
    """(exit status, timed out, answer) of a child interpreter that renders the program."""
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=_POSIX,
    )
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
            stdin.write(json.dumps(request).encode())
            stdin.close()
        except BrokenPipeError:
            pass  # the child is gone already: its exit status says why
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        # And whatever the program started, on every way out of here.
        if _POSIX:
            _kill_group(process.pid)
        elif process.poll() is None:
            process.kill()
        process.wait()
        for reader in readers:
            reader.join(timeout=5)
    return process.returncode, timed_out, b"".join(reply)


def child_main() -> None:
    """The child interpreter: read the request on stdin, render, answer where stdout was."""
    answer_to = os.dup(1)  # not inherited by what the program starts (PEP 446)
    os.dup2(2, 1)  # from here on, descriptor 1 is stderr: nothing the program does reaches ours
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    answer = _answer(json.loads(sys.stdin.buffer.read()))
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with open(answer_to, "wb") as reply:
        reply.write(json.dumps(answer).encode())
    # The interpreter now ends as the program's process would: its atexit handlers run (their
    # output goes to stderr too).


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    if "path_entries" in request:
        sys.path[:] = [*request["path_entries"], _PACKAGE_ROOT]
    options = ProgramOptions(
        stack=request["stack"],
        config=request["config"],
        secrets=request["secrets"],
        show_secrets=request["show_secrets"],
    )
    try:
        rendered = render_program_here(request["path"], options)
    except RenderFailure as failure:
        return {
            "failure": {
                "source": failure.source,
                "headline": failure.headline,
                "problems": list(failure.problems),
                "note": failure.note,
            }
        }
    return {"rendered": {"documents": rendered.documents, "warnings": rendered.warnings}}


# --- a server that forks a warmed-up copy of itself per program (Linux) ------------------------

_LOCK = threading.Lock()
_RUNNING: list[_ProgramServer] = []
_SERVER_START_LIMIT = 300.0  # seconds to import Pulumi and warm up, on the slowest machine


def _server() -> _ProgramServer | None:
    """This command's program server, started on first use; None where there is none."""
    import socket

    if not (sys.platform.startswith("linux") and hasattr(socket, "send_fds")):
        return None
    with _LOCK:
        if _RUNNING and _RUNNING[0].process.poll() is not None:
            _RUNNING.clear()  # it died: start another
        if not _RUNNING:
            _RUNNING.append(_ProgramServer())
        return _RUNNING[0]


class _ProgramServer:
    """The parent's side: one request at a time over a UNIX socket, with the two pipes of the
    program's process (its answer, its output) passed along as descriptors."""

    def __init__(self) -> None:
        import socket

        ours, theirs = socket.socketpair()
        self.socket = ours
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _SERVER, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C is the command's to handle, not the server's
            )
        finally:
            theirs.close()

    def render(self, request: dict[str, Any], timeout: float | None) -> tuple[int, bool, bytes]:
        """(exit status, timed out, answer) of a forked copy that renders the program."""
        answer_read, answer_write = os.pipe()
        output_read, output_write = os.pipe()
        try:
            _send(
                self.socket, {"request": request, "timeout": timeout}, [answer_write, output_write]
            )
        finally:
            os.close(answer_write)
            os.close(output_write)
        reply: list[bytes] = []
        readers = [
            threading.Thread(target=_read_all, args=(answer_read, reply), daemon=True),
            threading.Thread(target=_forward_descriptor, args=(output_read,), daemon=True),
        ]
        for reader in readers:
            reader.start()
        leader = None
        try:
            # The server enforces the timeout; these only guard against a server that hangs.
            self.socket.settimeout(_SERVER_START_LIMIT)
            leader = _receive(self.socket)["pid"]
            self.socket.settimeout(None if timeout is None else timeout + _SERVER_START_LIMIT)
            ended = _receive(self.socket)
        except BaseException:
            # Ctrl-C, SIGTERM, or the server gone: stop the program, and the server with it (its
            # next message would answer a request no one waits for).
            if leader is not None:
                _kill_group(leader)
            self.close()
            raise
        finally:
            for reader in readers:
                reader.join(timeout=5)
        return int(ended["status"]), bool(ended["timed_out"]), b"".join(reply)

    def close(self) -> None:
        with _LOCK:
            if self in _RUNNING:
                _RUNNING.remove(self)
        self.socket.close()  # the server reads the end of its socket and leaves
        _kill_group(self.process.pid)
        self.process.wait()


def _send(connection: Any, message: dict[str, Any], descriptors: list[int] | None = None) -> None:
    import socket

    payload = json.dumps(message).encode()
    header = len(payload).to_bytes(8, "big")
    if descriptors:
        socket.send_fds(connection, [header], descriptors)
    else:
        connection.sendall(header)
    connection.sendall(payload)


def _receive(connection: Any, descriptors: int = 0) -> Any:
    """The next message (and the descriptors sent with it); OSError when the other side left."""
    import socket

    if descriptors:
        header, fds, _, _ = socket.recv_fds(connection, 8, descriptors)
    else:
        header, fds = _exactly(connection, 8), []
    if len(header) < 8:
        header += _exactly(connection, 8 - len(header))
    payload = _exactly(connection, int.from_bytes(header, "big"))
    message = json.loads(payload)
    return (message, fds) if descriptors else message


def _exactly(connection: Any, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the program server's connection ended")
        data += chunk
    return data


def server_main(descriptor: int) -> None:
    """The server: warm up once, then fork one copy per program and report how it ended."""
    import socket

    connection = socket.socket(fileno=descriptor)
    _warm_up()
    while True:
        try:
            message, fds = _receive(connection, descriptors=2)
        except (ConnectionError, OSError, ValueError):
            return  # the command is done (or gone)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        leader = os.fork()
        if leader == 0:
            connection.close()
            _serve_in_fork(message["request"], fds)  # never returns
        for fd in fds:
            os.close(fd)
        _send(connection, {"pid": leader})
        status, timed_out, gone = _wait(leader, message["timeout"], connection)
        if gone:
            return
        _send(connection, {"status": status, "timed_out": timed_out})


# A program as small as a real one gets: what it imports and validates is what every program
# needs, so the copies of the server start past it.
_WARM_UP_PROGRAM = """
from pulumi_argo_orchestration import ScheduledPipeline
ScheduledPipeline("warm-up", {
    "name": "warm-up", "schedule": "@daily", "timezone": "UTC",
    "stages": [[{"name": "a", "workflow_template": "t"}]],
    "templates": [{"name": "t", "image": "alpine"}],
})
"""


def _warm_up() -> None:
    """Render a small program once: Pulumi imported, the model's validators built. Its executor
    threads end with the run, so the server forks with one thread."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "Pulumi.yaml").write_text("name: warm-up\nruntime: python\n")
        Path(directory, "__main__.py").write_text(_WARM_UP_PROGRAM)
        options: dict[str, Any] = {
            "stack": None,
            "config": {},
            "secrets": {},
            "show_secrets": False,
        }
        _answer({"path": directory, **options})


def _wait(leader: int, timeout: float | None, connection: Any) -> tuple[int, bool, bool]:
    """(exit status, timed out, the command gone) once the copy has ended; its process group is
    killed then, and earlier at the timeout or when the command goes away."""
    import select
    import socket
    import time

    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = gone = False
    while True:
        pid, status = os.waitpid(leader, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() >= deadline and not timed_out:
            timed_out = True
            _kill_group(leader)
        readable, _, _ = select.select([connection], [], [], 0.02)
        if readable and not gone and not connection.recv(1, socket.MSG_PEEK):
            gone = True
            _kill_group(leader)
    _kill_group(leader)  # what the program started and left running
    return os.waitstatus_to_exitcode(status), timed_out, gone


def _serve_in_fork(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked copy: become the program's process (its own group, descriptor 1 and 2 the
    output pipe, the command's directory and environment), render, answer, end."""
    code = 1
    try:
        os.setsid()
        answer_to, output = fds
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        answer = _answer(request)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        with open(answer_to, "wb") as reply:
            reply.write(json.dumps(answer).encode())
        code = 0
    finally:
        # The process ends as the program's would: its atexit handlers run, their output on
        # stderr; not the server's shutdown, which is no business of this copy.
        import atexit

        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


# --- in the program's process ------------------------------------------------------------------


def render_program_here(path: str, options: ProgramOptions) -> Rendered:
    """Run the program in this process and render it, or RenderFailure listing every problem.

    Whatever the program does, it ends here: any exception, `sys.exit`, even a BaseException of
    its own, is one failure naming the line of the program it came from.
    """
    from ..offline.engine import (
        SUPPORTED,
        DuplicateResources,
        InvalidComponents,
        OfflineRenderError,
        run_program,
    )
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
    except DuplicateResources as error:
        count = len(error.problems)
        raise RenderFailure(
            path,
            f"{count} resource{'s' if count != 1 else ''} declared twice",
            list(error.problems),
        ) from None
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
    collisions = _collisions(run)
    if collisions:
        count = len(collisions)
        raise RenderFailure(
            path,
            f"{count} object{'s are' if count != 1 else ' is'} declared twice",
            [str(problem) for problem in collisions],
        )
    # One warning per text: a pipeline's own, then what its manifests show of hand-written ones.
    warnings = list(dict.fromkeys([*run.warnings, *manifest_warnings(documents)]))
    return Rendered(path, documents, warnings, True)


def _collisions(run: Any) -> list[Problem]:
    """Objects the program declares twice, each owner named by its outermost component.

    Our components refuse this among themselves while the program runs; this also finds a plain
    pulumi-kubernetes resource that declares an object a component (or another resource) does.
    """
    from ..argo.collisions import collision_problems
    from ..offline.engine import resource_manifest

    by_urn = {resource.urn: resource for resource in run.resources}

    def owner(resource: Any) -> str:
        while resource.parent in by_urn:
            resource = by_urn[resource.parent]
        return f"{resource.type.rsplit(':', 1)[-1]} {shown(resource.name)}"

    declared = sorted(
        run.kubernetes_resources(),
        key=lambda r: run.construction.get((r.type, r.name), len(run.construction)),
    )
    return collision_problems(
        (owner(resource), [resource_manifest(resource, show_secrets=False)])
        for resource in declared
    )


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
