"""Case 5: `argo-orchestration render` of the seed example as a whole process.

The command runs exactly what the console script runs (`from pulumi_argo_orchestration.cli.main
import run; run()`), from this checkout. The baseline is `python -c "import
pydantic, yaml"`; a process that builds and uses one trivial pydantic model is shown too, as the
cost any validated spec starts from. The package's bytecode is compiled first, as an install
does, since an environment may set PYTHONDONTWRITEBYTECODE.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.report import Row, Section, seconds
from bench.timing import median

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/scheduled-sync/pipeline.yaml"
CONSOLE_SCRIPT = "from pulumi_argo_orchestration.cli.main import run; run()"
BASELINE = "import pydantic, yaml"
ONE_MODEL = (
    "import pydantic, yaml\n"
    "class Spec(pydantic.BaseModel):\n"
    "    name: str\n"
    "Spec.model_validate({'name': 'x'})"
)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _commands() -> dict[str, list[str]]:
    python = sys.executable
    return {
        "baseline": [python, "-c", BASELINE],
        "one model": [python, "-c", ONE_MODEL],
        "render": [python, "-c", CONSOLE_SCRIPT, "render", EXAMPLE],
    }


def _check_imports_this_checkout(env: dict[str, str]) -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import pulumi_argo_orchestration as p; print(p.__file__)"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(where).resolve().is_relative_to(ROOT):
        raise SystemExit(f"the CLI would import {where}, not this checkout")


def run_case(rounds: int, warmup: int = 3) -> Section:
    """Median wall time of each command over interleaved runs."""
    compileall.compile_dir(ROOT / "pulumi_argo_orchestration", quiet=1)
    env = _environment()
    _check_imports_this_checkout(env)
    commands = _commands()
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(warmup + rounds):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
            if round_ >= warmup:
                samples[name].append(time.perf_counter() - start)
    t = {name: median(values) for name, values in samples.items()}
    base = t["baseline"]
    return Section(
        "5. CLI start-up",
        f"Whole processes, {rounds} interleaved runs each after {warmup} warm-up runs, median."
        " `render` is `argo-orchestration render examples/scheduled-sync/pipeline.yaml`:"
        " read, validate with the model, build and print the manifests.",
        [
            Row('`python -c "import pydantic, yaml"`', seconds(base)),
            Row(
                "… plus one pydantic model, built and used",
                seconds(t["one model"]),
                t["one model"] / base,
                "import baseline",
            ),
            Row(
                "`argo-orchestration render` of the seed example",
                seconds(t["render"]),
                t["render"] / base,
                "import baseline",
                2.5,
            ),
        ],
    )
