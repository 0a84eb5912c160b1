"""Timing of the synthetic replica: regeneration from saved parameters and full re-calibration.

Targets: regeneration (``make replica``) under 30 s; re-calibration
(``make replica CALIBRATE=1``) under 5 minutes on 2 cores (it prints its
progress). Nothing under data/ is written: outputs go to a temporary folder.
Exits non-zero if a target is missed.

Usage::

    .venv/bin/python benchmarks/bench_replica.py [--quick]   # --quick: regeneration only
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from hukoumob.replica import calibrate, io
from hukoumob.replica.generate import generate

REGENERATE_S = 30.0
CALIBRATE_S = 300.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the re-calibration")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        io.save_men(generate(io.load_params()), tmp)
        regen = time.perf_counter() - start
        print(f"regenerate men.csv from params.json: {regen:.2f} s (target < {REGENERATE_S:.0f} s)", flush=True)
        ok &= regen < REGENERATE_S
        if not args.quick:
            start = time.perf_counter()
            io.save_params(calibrate.calibrate(verbose=True), tmp)
            cal = time.perf_counter() - start
            print(f"full re-calibration: {cal:.1f} s (target < {CALIBRATE_S:.0f} s)", flush=True)
            ok &= cal < CALIBRATE_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
