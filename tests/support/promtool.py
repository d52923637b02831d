"""`promtool`, Prometheus' rule checker, for the alert tests: skipped only where it cannot be had.

Debian's `prometheus` package installs it (`apt-get install prometheus`); `.ci/run` does so when it
is missing and says why when it cannot, in PROMTOOL_UNAVAILABLE. Under CI a missing promtool
without that reason is a failure, not a skip, so the rules are never silently left unchecked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

MISSING = (
    "promtool not found: the alert rules are checked with Prometheus' promtool; install "
    "Debian's `prometheus` package (apt-get install prometheus)"
)


def promtool() -> str:
    """The promtool executable, or a skip (a failure under CI unless it cannot be installed)."""
    found = shutil.which("promtool")
    if found:
        return found
    reason = os.environ.get("PROMTOOL_UNAVAILABLE")
    if os.environ.get("CI") and not reason:
        pytest.fail(f"{MISSING}; .ci/run installs it when apt-get is available")
    pytest.skip(reason or MISSING)


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`promtool ARGS...`, output captured."""
    return subprocess.run(
        [promtool(), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def write_rule_file(rule: dict[str, Any], path: Path) -> Path:
    """A PrometheusRule's `spec.groups` as a Prometheus rule file (promtool refuses the object)."""
    path.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}, sort_keys=False))
    return path
