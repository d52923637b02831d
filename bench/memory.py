"""Case 6: peak memory of a render, each figure from a fresh process.

`python -c "from bench.memory import main; main()" CHILDREN MODE` prints JSON. Mode `rss` reads
the process's peak resident set (getrusage) before and after the render; mode `tracemalloc`
traces Python allocations during the render only (slower, so timed nowhere).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from bench.report import Row, Section

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mib() -> float:
    """This process's peak resident set so far.

    Linux's ru_maxrss carries over the parent's peak through fork and exec, so a child of a
    large harness would report the harness's size: read VmHWM, which exec resets, instead.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    # ru_maxrss is KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def main() -> None:
    """Entry point of the measuring subprocess."""
    from bench import specs
    from bench.render_cases import render

    children, mode = int(sys.argv[1]), sys.argv[2]
    render(specs.pipeline_spec(10))  # imports, schema build
    spec = specs.pipeline_spec(children)
    gc.collect()
    result: dict[str, float] = {"before": _peak_rss_mib()}
    if mode == "tracemalloc":
        import tracemalloc

        tracemalloc.start()
        text = render(spec)
        result["traced_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    else:
        text = render(spec)
    result["peak"] = _peak_rss_mib()
    result["text"] = len(text.encode()) / 2**20
    print(json.dumps(result))


def _measure(children: int, mode: str) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    output = subprocess.run(
        [sys.executable, "-c", "from bench.memory import main; main()", str(children), mode],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def run_case(children: int) -> Section:
    """Peak RSS and traced Python allocations of one render of `children` children."""
    rss = _measure(children, "rss")
    traced = _measure(children, "tracemalloc")
    growth = rss["peak"] - rss["before"]
    return Section(
        "6. Peak memory",
        f"One render of {children:,} children in a fresh process (imports done and the spec"
        " mapping built first). Peak RSS is the kernel's high-water mark (VmHWM, else"
        " getrusage); Python allocations come from tracemalloc"
        " in a second process.",
        [
            Row("YAML text produced", f"{rss['text']:.1f} MiB"),
            Row("peak RSS of the process", f"{rss['peak']:.0f} MiB"),
            Row(
                "… growth during the render", f"{growth:.0f} MiB", growth / rss["text"], "YAML text"
            ),
            Row(
                "peak traced Python allocations",
                f"{traced['traced_peak']:.0f} MiB",
                traced["traced_peak"] / rss["text"],
                "YAML text",
            ),
        ],
    )
