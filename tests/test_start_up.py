"""What every command pays before it starts: the spec path's modules do no work at import that a
command may not need (see bench/README.md, "What the profiles showed"). Checked in a fresh
interpreter, since this test process has imported everything already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import ROOT


def _last_json_line(script: str) -> Any:
    """What `script` prints last, as JSON, run in a fresh interpreter that has imported nothing."""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


SCRIPT = """
import json, re, sys

compiled_at_import = []
original = re._compile


def recording(pattern, flags):
    frame = sys._getframe(1)
    while frame.f_globals.get("__name__", "").split(".")[0] == "re":
        frame = frame.f_back
    module = frame.f_globals.get("__name__", "")
    if frame.f_code.co_name == "<module>" and module.startswith("pulumi_argo_orchestration"):
        compiled_at_import.append(f"{module}: {pattern!r}")
    return original(pattern, flags)


re._compile = recording
import pulumi_argo_orchestration.cli.main
import pulumi_argo_orchestration.argo.manifests
import pulumi_argo_orchestration.spec.loading
import pulumi_argo_orchestration.cli.output_dir

ours = [m for name, m in sys.modules.items() if name.startswith("pulumi_argo_orchestration")]
dataclasses = sorted(
    f"{m.__name__}.{name}"
    for m in ours
    for name, value in vars(m).items()
    if isinstance(value, type) and value.__module__ == m.__name__
    and hasattr(value, "__dataclass_fields__")
)
print(json.dumps({"regex": compiled_at_import, "dataclasses": dataclasses}))
"""


def test_the_spec_path_compiles_no_regex_and_builds_no_dataclass_at_import():
    # Both cost start-up time in every command: a pattern is compiled by `re` on first use, and
    # immutable records are NamedTuples (a frozen dataclass execs its methods at import).
    printed = _last_json_line(SCRIPT)
    assert printed == {"regex": [], "dataclasses": []}


ARGO_SCHEMA_SCRIPT = """
import contextlib, io, json, sys
from pulumi_argo_orchestration.cli.main import main

def loaded(path):
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main(["render", path])
        except SystemExit:
            pass
    return "pulumi_argo_orchestration.spec.argo_fields" in sys.modules

print(json.dumps([loaded(SEED), loaded(JOBS)]))
"""


def test_argos_schema_is_read_only_by_specs_that_need_it():
    # The schema subset (66 kB of JSON) is parsed by specs with `argo:`, `affinity` or the
    # schema-checked volume sources, never by the others.
    examples = ROOT / "examples"
    script = ARGO_SCHEMA_SCRIPT.replace(
        "SEED", repr(str(examples / "scheduled-sync" / "pipeline.yaml"))
    ).replace("JOBS", repr(str(examples / "data-platform" / "pipeline.yaml")))
    printed = _last_json_line(script)
    assert printed == [False, True]


RENDER_MODULES_SCRIPT = """
import contextlib, io, json, sys
before = set(sys.modules)
from pulumi_argo_orchestration.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["render", "examples/scheduled-sync/pipeline.yaml"])
    except SystemExit:
        pass
print(json.dumps(sorted(set(sys.modules) - before)))
"""
# Modules only some commands need: each is imported in the function that uses it.
ONLY_SOME_COMMANDS = {
    "subprocess",  # status runs kubectl; programs render in a process of their own
    "signal",  # SIGTERM is handled where a command has something to undo
    "glob",
    "heapq",
    "unicodedata",
    "pulumi",
    "pulumi_argo_orchestration.cli.status",
    "pulumi_argo_orchestration.cli.simulate",
    "pulumi_argo_orchestration.cli.runs",
    "pulumi_argo_orchestration.cli.import_command",
    "pulumi_argo_orchestration.cli.program_process",
    "pulumi_argo_orchestration.spec.dag",
    "pulumi_argo_orchestration.spec.window",
    "pulumi_argo_orchestration.syntax.expr",
    "pulumi_argo_orchestration.views.simulation",
    "pulumi_argo_orchestration.migrate",
}


def test_a_spec_render_imports_no_module_only_other_commands_need():
    printed = _last_json_line(RENDER_MODULES_SCRIPT)
    loaded = set(printed)
    assert loaded & ONLY_SOME_COMMANDS == set()
    assert "yaml" in loaded  # the script did render
