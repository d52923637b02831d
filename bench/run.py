"""Run every benchmark and write bench/RESULTS.md: `python bench/run.py` from the repo root.

`--quick` is a smoke run (few rounds, no 10,000-child case, no memory case) that writes to
stdout unless `--output` is given; its figures are not the ones of record.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "python bench/run.py"
NOTES = [
    "What was changed to reach the targets, and the causes found by profiling, is in"
    " [README.md](README.md#what-the-profiles-showed).",
]


def main(argv: list[str] | None = None) -> None:
    """Parse options, run the cases, write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: few rounds, small sizes")
    parser.add_argument("--output", type=Path, help="where to write (default bench/RESULTS.md)")
    args = parser.parse_args(argv)

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import dag, memory, pulumi_side, registrations, render_cases, startup
    from bench.report import load_average, render

    started = datetime.datetime.now(datetime.timezone.utc)
    load_at_start = load_average()
    if args.quick:
        sizes, hera_sizes = [10, 100, 1_000], [10, 100]
        rounds = {10: 3, 100: 2, 1_000: 1}
        sections = render_cases.run(sizes, hera_sizes, rounds)
        sections.append(pulumi_side.run_case(pipelines=10, children=2, rounds=1))
        sections.append(registrations.run_case((1, 10)))
        sections.append(startup.run_case(rounds=3, warmup=1))
        sections.append(dag.run_case(100, 1_000, rounds=2))
    else:
        sizes, hera_sizes = [10, 100, 1_000, 10_000], [10, 100, 1_000]
        rounds = {10: 30, 100: 15, 1_000: 7, 10_000: 5}
        sections = render_cases.run(sizes, hera_sizes, rounds)
        sections.append(pulumi_side.run_case(pipelines=100, children=2, rounds=7))
        sections.append(registrations.run_case())
        sections.append(startup.run_case(rounds=21))
        sections.append(memory.run_case(10_000))
        sections.append(dag.run_case(1_000, 10_000, rounds=5))
    text = render(sections, COMMAND, started, (load_at_start, load_average()), NOTES)

    output = args.output or (None if args.quick else ROOT / "bench" / "RESULTS.md")
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")


if __name__ == "__main__":
    main()
