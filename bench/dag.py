"""Case 8: validating a long DAG, the rule checks' own cost growing with the number of tasks.

The Argo 3.5 target allows DAGs of any size. Checking cycles and which tasks a condition may
refer to used the full transitive closure: a 10,000-task chain took most of a minute and gigabytes.
Here 1,000 and 10,000-task chains are validated (`load_pipeline`) in interleaved rounds; a linear
check takes about 10 times as long for 10 times the tasks, a quadratic one 100 times. The peak
memory of one 10,000-task validation is read in a fresh process, as in case 6.

`python -c "from bench.dag import main; main()" TASKS` prints the peak (JSON).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from functools import partial

from bench import specs
from bench.memory import ROOT, _peak_rss_mib
from bench.report import Row, Section, seconds
from bench.timing import Case, interleaved, median
from pulumi_argo_orchestration.spec.loading import load_pipeline


def main() -> None:
    """Entry point of the measuring subprocess."""
    tasks = int(sys.argv[1])
    load_pipeline(specs.dag_chain_spec(10))  # imports, schema build
    spec = specs.dag_chain_spec(tasks)
    gc.collect()
    before = _peak_rss_mib()
    load_pipeline(spec)
    print(json.dumps({"before": before, "peak": _peak_rss_mib()}))


def _peak(tasks: int) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    output = subprocess.run(
        [sys.executable, "-c", "from bench.dag import main; main()", str(tasks)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def run_case(small: int, large: int, rounds: int) -> Section:
    """Validation time of two chain lengths, and the peak memory of the longer one."""
    cases = [
        Case(f"dag/{tasks}", partial(load_pipeline, specs.dag_chain_spec(tasks)), rounds)
        for tasks in (small, large)
    ]
    t = {name: median(values) for name, values in interleaved(cases).items()}
    peak = _peak(large)
    ratio = t[f"dag/{large}"] / t[f"dag/{small}"]
    return Section(
        "8. A long DAG (Argo 3.5 target)",
        f"`load_pipeline` of a chain of tasks, each `when` reading the task half way back; "
        f"{rounds} interleaved rounds, median. Linear checks give {large // small} times the "
        "time for as many times the tasks.",
        [
            Row(f"validate, {small:,} tasks", seconds(t[f"dag/{small}"])),
            Row(
                f"validate, {large:,} tasks",
                seconds(t[f"dag/{large}"]),
                ratio,
                f"{small:,} tasks",
                1.5 * large / small,
            ),
            Row(
                f"peak RSS, {large:,} tasks (fresh process)",
                f"{peak['peak']:.0f} MiB",
                peak["peak"] / peak["before"],
                "before validating",
            ),
        ],
    )
