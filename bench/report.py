"""The results table: every figure with its ratio, its target and whether it is met."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Row:
    """One figure; `ratio` is this figure over `baseline`, both measured in the same run."""

    figure: str
    measured: str
    ratio: float | None = None
    baseline: str = ""
    target: float | None = None

    @property
    def result(self) -> str:
        """'pass' or 'miss' against the target, empty when the figure has none."""
        if self.target is None or self.ratio is None:
            return ""
        return "pass" if self.ratio <= self.target else "**miss**"


@dataclass(frozen=True)
class Section:
    """A group of rows with a sentence on what was measured."""

    title: str
    method: str
    rows: list[Row]


def seconds(value: float) -> str:
    """A duration in the unit that reads best."""
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> float | None:
    """The 1-minute load average, where the platform has one."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment() -> list[str]:
    """Machine, Python and library versions, as bullet lines."""
    import yaml

    libyaml = "with libyaml" if hasattr(yaml, "CSafeDumper") else "WITHOUT libyaml"
    libraries = ", ".join(
        f"{name} {_version(name)}"
        for name in ("pydantic", "pydantic-core", "hera", "pulumi", "pulumi-kubernetes")
    )
    return [
        f"Machine: {platform.platform()}, {_cpu_model()}, {os.cpu_count()} logical CPUs",
        # The interpreter's version, not its path: the path names the machine, not the build.
        f"Python: {platform.python_implementation()} {platform.python_version()}",
        f"Libraries: PyYAML {_version('PyYAML')} {libyaml}, {libraries}",
    ]


def render(
    sections: list[Section],
    command: str,
    started: datetime.datetime,
    loads: tuple[float | None, float | None],
    notes: list[str],
) -> str:
    """RESULTS.md: the command, the machine, then one table per section."""
    cpus = os.cpu_count() or 1
    load_text = " / ".join("n/a" if load is None else f"{load:.2f}" for load in loads)
    lines = [
        "# Benchmark results",
        "",
        f"Regenerate with `{command}` from the repository root (see [README.md](README.md)).",
        "",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M %Z').strip()}",
        *(f"- {line}" for line in environment()),
        f"- Load average (1 min) at start / end: {load_text} on {cpus} CPUs",
        "- Every ratio divides two figures measured in this one run; each figure is the median",
        "  of interleaved rounds (wall clock). Targets are upper bounds on the ratio.",
    ]
    busy = [load for load in loads if load is not None and load > 0.5 * cpus]
    if busy:
        lines += [
            "",
            f"> The machine was busy (load average up to {max(busy):.2f} on {cpus} CPUs):"
            " these timings are noisy. Regenerate on a quiet machine for the figures of record.",
        ]
    for section in sections:
        lines += ["", f"## {section.title}", "", section.method, ""]
        lines += [
            "| Figure | Measured | Ratio | Of | Target | Result |",
            "| --- | ---: | ---: | --- | ---: | --- |",
        ]
        for row in section.rows:
            ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
            target = "" if row.target is None else f"≤ {row.target:g}"
            lines.append(
                f"| {row.figure} | {row.measured} | {ratio} | {row.baseline} | {target} "
                f"| {row.result} |"
            )
    if notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"
