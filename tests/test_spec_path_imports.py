"""The spec-file path never imports Pulumi: `render pipeline.yaml` works without an engine and
stays fast. Checked in a fresh interpreter, since this test process has imported Pulumi."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import EXAMPLES, ROOT

SEED = EXAMPLES / "scheduled-sync" / "pipeline.yaml"

SCRIPT = """
import contextlib, io, json, sys
from pulumi_argo_orchestration.cli.main import main

commands = [
    ["render", SEED],
    ["render", SEED, "--format", "json"],
    ["validate", SEED],
    ["graph", SEED],
    ["schedule", SEED, "--next", "3"],
]
codes = []
for command in commands:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main(command)
            codes.append(0)
        except SystemExit as exit:
            codes.append(exit.code)
engine = ("pulumi", "pulumi_kubernetes", "grpc")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in engine)
print(json.dumps({"codes": codes, "loaded": loaded}))
"""


def test_spec_commands_do_not_import_pulumi():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace("SEED", repr(str(SEED)))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report == {"codes": [0, 0, 0, 0, 0], "loaded": []}
