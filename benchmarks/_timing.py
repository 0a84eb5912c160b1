"""Shared timing helper of the benchmark scripts (run as ``python benchmarks/bench_*.py``)."""

from __future__ import annotations

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
