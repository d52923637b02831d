"""`render -o DIR`: at every instant DIR is the complete previous render or the complete new one.

Interruptions are real here: the command runs as a process of its own, writing slowly, and gets
SIGTERM or SIGKILL while its staging directory is half written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from pulumi_argo_orchestration.cli import output_dir
from tests.conftest import EXAMPLES, ROOT
from tests.support.cli_runner import invoke

SEED = EXAMPLES / "scheduled-sync" / "pipeline.yaml"
OTHER = EXAMPLES / "parallel-sync" / "pipeline.yaml"


def listing(directory):
    return sorted(p.name for p in directory.iterdir())


def rendered(spec, tmp_path, name):
    out = tmp_path / name
    assert invoke("render", spec, "-o", out).exit_code == 0
    return {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}


def test_a_symlinked_directory_stays_a_link_and_the_render_lands_where_it_points(tmp_path):
    real = tmp_path / "real"
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)  # dangling at first: the render creates it
    assert invoke("render", SEED, "-o", link).exit_code == 0
    result = invoke("render", OTHER, "-o", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert {p.name: p.read_text() for p in real.iterdir()} == rendered(OTHER, tmp_path, "expected")
    assert sorted(result.stdout.splitlines()) == [str(link / name) for name in listing(real)]
    assert listing(tmp_path) == ["expected", "link", "real"]


def test_readers_see_the_old_or_the_new_render_never_a_missing_or_mixed_one(tmp_path):
    """A thread lists DIR all the time while renders of two pipelines replace each other."""
    if not hasattr(os, "O_DIRECTORY"):
        pytest.skip("listing an open directory needs POSIX")
    out = tmp_path / "out"
    sets = [frozenset(rendered(spec, tmp_path, f"ref-{i}")) for i, spec in enumerate((SEED, OTHER))]
    assert invoke("render", SEED, "-o", out).exit_code == 0
    seen, stop = [], threading.Event()

    def read():
        # A listing counts when DIR was the same directory before and after it: one that a swap
        # overtook read the previous render while it was being removed, no longer at DIR.
        while not stop.is_set():
            try:
                descriptor = os.open(out, os.O_RDONLY)
            except FileNotFoundError:
                seen.append(None)
                continue
            try:
                names = frozenset(os.listdir(descriptor))
                if os.fstat(descriptor).st_ino == os.stat(out).st_ino:
                    seen.append(names)
            finally:
                os.close(descriptor)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(12):
            assert invoke("render", (OTHER, SEED)[i % 2], "-o", out).exit_code == 0
    finally:
        stop.set()
        reader.join()
    assert len(seen) > 100
    assert set(seen) <= set(sets)


def test_the_previous_render_is_swapped_out_in_one_step(tmp_path, monkeypatch):
    probe = [tmp_path / "a", tmp_path / "b"]
    for directory in probe:
        directory.mkdir()
    (probe[0] / "x").touch()
    try:
        output_dir._exchange(*probe)
    except output_dir._NoExchange:
        pytest.skip("this system or file system cannot exchange two paths in one step")
    assert [listing(d) for d in probe] == [[], ["x"]]
    swaps = []
    exchange = output_dir._exchange

    def recording(first, second):
        exchange(first, second)
        swaps.append((first.name.startswith(".out.render-"), second.name))

    monkeypatch.setattr(output_dir, "_exchange", recording)
    out = tmp_path / "out"
    assert invoke("render", SEED, "-o", out).exit_code == 0
    assert swaps == []  # a new directory is renamed into place
    assert invoke("render", OTHER, "-o", out).exit_code == 0
    assert swaps == [(True, "out")]


def test_where_no_one_step_swap_exists_the_render_moves_in_by_two_renames(tmp_path, monkeypatch):
    def unavailable(first, second):
        raise output_dir._NoExchange

    monkeypatch.setattr(output_dir, "_exchange", unavailable)
    out = tmp_path / "out"
    assert invoke("render", SEED, "-o", out).exit_code == 0
    assert invoke("render", OTHER, "-o", out).exit_code == 0
    assert {p.name: p.read_text() for p in out.iterdir()} == rendered(OTHER, tmp_path, "expected")
    assert listing(tmp_path) == ["expected", "out"]


def test_the_next_render_puts_back_a_render_moved_aside_by_an_interrupted_swap(tmp_path):
    """Killed between the two renames of the fallback: DIR is missing, the previous render is
    `.DIR.old-*` and the new one a `.DIR.render-*`. The next render restores, then replaces."""
    previous = rendered(SEED, tmp_path, "out")
    (tmp_path / "out").rename(tmp_path / ".out.old-k1ll3d")
    (tmp_path / ".out.render-k1ll3d").mkdir()
    (tmp_path / ".out.render-k1ll3d" / "half.yaml").write_text("kind: Co")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad_Name\n")
    assert invoke("render", bad, "-o", tmp_path / "out").exit_code == 1  # writes nothing
    assert invoke("render", SEED, "-o", tmp_path / "out").exit_code == 0
    assert {p.name: p.read_text() for p in (tmp_path / "out").iterdir()} == previous
    assert listing(tmp_path) == ["bad.yaml", "out"]


def test_a_previous_render_that_cannot_be_removed_is_an_error_naming_what_is_left(
    tmp_path, monkeypatch
):
    out = tmp_path / "out"
    assert invoke("render", SEED, "-o", out).exit_code == 0
    remove = output_dir._remove_render

    def refusing(directory):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_dir, "_remove_render", refusing)
    result = invoke("render", OTHER, "-o", out)
    (left,) = [p for p in tmp_path.iterdir() if p.name != "out"]
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{OTHER}: {out} holds the new render, but the previous one could not be removed from "
        f"{left}: Permission denied (the next render into out tries again)\n"
    )
    assert {p.name: p.read_text() for p in out.iterdir()} == rendered(OTHER, tmp_path, "expected")
    monkeypatch.setattr(output_dir, "_remove_render", remove)
    assert invoke("render", OTHER, "-o", out).exit_code == 0
    assert listing(tmp_path) == ["expected", "out"]


def test_a_directory_whose_files_cannot_be_removed_is_not_replaced(tmp_path, monkeypatch):
    out = tmp_path / "out"
    previous = rendered(SEED, tmp_path, "out")
    if os.name == "posix" and os.geteuid() != 0:
        out.chmod(0o555)
    else:  # root may remove anything: the permission check is told what a user would be told
        access = os.access
        monkeypatch.setattr(
            os, "access", lambda path, mode, **kw: Path(path) != out and access(path, mode, **kw)
        )
    try:
        result = invoke("render", OTHER, "-o", out)
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{OTHER}: nothing written: {out}: the files of the previous render cannot be removed\n"
    )
    assert {p.name: p.read_text() for p in out.iterdir()} == previous
    assert listing(tmp_path) == ["out"]


# A render whose files are written slowly, so that a signal finds it half way through.
SLOW_WRITER = (
    "import time\n"
    "from pulumi_argo_orchestration.cli import main, output_dir\n"
    "format_document = output_dir.format_document\n"
    "def slowly(document, fmt):\n"
    "    time.sleep(0.1)\n"
    "    return format_document(document, fmt)\n"
    "output_dir.format_document = slowly\n"
    "main.run()\n"
)


def interrupted_render(spec, out, signum):
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, "render", str(spec), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(
        p.name.startswith(".out.render-") and any(p.iterdir()) for p in out.parent.glob(".*")
    ):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    return process.returncode, stdout, stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_while_writing_leaves_the_previous_render_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    previous = rendered(SEED, tmp_path, "out")
    status, stdout, stderr = interrupted_render(OTHER, out, signal.SIGTERM)
    assert (status, stdout, stderr) == (143, "", "Terminated!\n")
    assert {p.name: p.read_text() for p in out.iterdir()} == previous
    assert listing(tmp_path) == ["out"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_what_a_killed_render_leaves_is_removed_by_the_next(tmp_path):
    out = tmp_path / "out"
    previous = rendered(SEED, tmp_path, "out")
    status, _, _ = interrupted_render(OTHER, out, signal.SIGKILL)
    assert status == -signal.SIGKILL
    (left,) = [p for p in tmp_path.iterdir() if p.name != "out"]
    assert left.name.startswith(".out.render-")
    assert {p.name: p.read_text() for p in out.iterdir()} == previous  # untouched meanwhile
    assert invoke("render", OTHER, "-o", out).exit_code == 0
    assert listing(tmp_path) == ["out"]
    assert all(yaml.safe_load(p.read_text())["kind"] for p in out.iterdir())
