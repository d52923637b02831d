"""Interleaved timing: every figure of a comparison comes from the same rounds of one run.

Cases run round-robin (A, B, C, A, B, C, ...) so a burst of load on a shared machine touches
every case alike, and each figure is the median of its rounds. The heap is collected before
each call, and the collector stays on while timing, as in real use.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """Something to time, how many rounds it gets, and how many untimed warm-up calls."""

    name: str
    call: Callable[[], object]
    rounds: int
    warmup: int = 1


def interleaved(cases: list[Case]) -> dict[str, list[float]]:
    """Wall-clock seconds of every round of every case, run round-robin across cases."""
    for case in cases:
        for _ in range(case.warmup):
            case.call()
    samples: dict[str, list[float]] = {case.name: [] for case in cases}
    for round_ in range(max(case.rounds for case in cases)):
        for case in cases:
            if round_ >= case.rounds:
                continue
            gc.collect()
            start = time.perf_counter()
            case.call()
            samples[case.name].append(time.perf_counter() - start)
    return samples


def median(samples: list[float]) -> float:
    """The median of a case's rounds."""
    return statistics.median(samples)
