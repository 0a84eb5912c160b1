"""Shared timing helper of the benchmark scripts (run as ``python benchmarks/bench_*.py``)."""

from __future__ import annotations

import os
import statistics
import time


def run_times(fn, repeats: int) -> list[float]:
    """Wall times of ``repeats`` calls of ``fn()`` in seconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def median_ms(fn, repeats: int) -> float:
    """Median wall time of ``fn()`` in milliseconds (after one warm-up call)."""
    return statistics.median(run_times(fn, repeats)) * 1e3


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages as printed by every benchmark ("nan" where unknown)."""
    if not hasattr(os, "getloadavg"):
        return "nan"
    return " ".join(f"{v:.2f}" for v in os.getloadavg())
