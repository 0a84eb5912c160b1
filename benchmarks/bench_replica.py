"""Timing of the synthetic replica: regeneration from saved parameters and full re-calibration.

Targets (issue 14): regeneration (``make replica``) under 30 s; re-calibration
(``make replica CALIBRATE=1``) under 5 minutes on 2 cores (it shows a
progress bar and ends with a scorecard summary, timed separately). Prints
wall-clock and CPU time and the load average (other jobs on a shared
machine stretch the wall clock; the CPU time does not). Nothing under data/
is written: outputs go to a temporary folder. Exits non-zero if a target is
missed.

Usage::

    .venv/bin/python benchmarks/bench_replica.py [--quick]   # --quick: regeneration only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from hukoumob.replica import calibrate, io
from hukoumob.replica.__main__ import summary_text
from hukoumob.replica.generate import generate

REGENERATE_S = 30.0
CALIBRATE_S = 300.0


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the re-calibration")
    args = parser.parse_args()
    ok = True
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        _, wall, cpu = _timed(lambda: io.save_men(generate(io.load_params()), tmp))
        print(f"regenerate men.csv from params.json: {wall:.2f} s wall, {cpu:.2f} s CPU (target < {REGENERATE_S:.0f} s)",
              flush=True)
        ok &= wall < REGENERATE_S
        if not args.quick:
            params, wall, cpu = _timed(lambda: calibrate.calibrate(verbose=True))
            io.save_params(params, tmp)
            print(f"full re-calibration: {wall:.1f} s wall, {cpu:.1f} s CPU (target < {CALIBRATE_S:.0f} s); "
                  f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
            ok &= wall < CALIBRATE_S
            text, wall, _ = _timed(lambda: summary_text(generate(params)))
            print(text)
            print(f"final scorecard summary: {wall:.1f} s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
