"""Timing of the synthetic replica: ``make replica`` and ``make replica CALIBRATE=1``.

Targets (issue 14): regeneration (``make replica``) under 30 s; re-calibration
(``make replica CALIBRATE=1``) under 5 minutes on 2 cores (it shows a
progress bar and ends with a scorecard summary). Each is timed as the
command ``make`` runs, ``python -m hukoumob.replica [--calibrate]``, in a
child process (interpreter start and imports included), writing to a
temporary folder (``--out``) so nothing under data/ changes; wall-clock and
CPU time (user + system of the child, from ``resource.getrusage``) are
printed with the load average before and after (other jobs on a shared
machine stretch the wall clock; the CPU time does not). The regenerated
``men.csv`` (and, after a re-calibration, ``params.json``) is compared byte for
byte with the committed one. Exits non-zero
if a target is missed or the bytes differ.

Usage::

    .venv/bin/python benchmarks/bench_replica.py [--quick]   # --quick: regeneration only
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import load_average

from hukoumob.inputs import paths
from hukoumob.replica import io

REGENERATE_S = 30.0
CALIBRATE_S = 300.0


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cli(out: Path, calibrate: bool) -> tuple[float, float, str]:
    """Run ``python -m hukoumob.replica`` (what ``make replica`` runs) into ``out``: (wall s, CPU s, stdout)."""
    cmd = [sys.executable, "-m", "hukoumob.replica", "--out", str(out), *(["--calibrate"] if calibrate else [])]
    cpu0, wall0 = _child_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(cmd[1:])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - wall0, _child_cpu() - cpu0, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the re-calibration")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        shutil.copy(Path(paths.REPLICA) / io.PARAMS_FILE, out / io.PARAMS_FILE)
        print(f"load average before: {load_average()}", flush=True)
        wall, cpu, _ = run_cli(out, calibrate=False)
        same = (out / io.MEN_FILE).read_bytes() == (Path(paths.REPLICA) / io.MEN_FILE).read_bytes()
        print(f"make replica: {wall:.2f} s wall, {cpu:.2f} s CPU (target < {REGENERATE_S:.0f} s); "
              f"men.csv byte for byte the committed one: {same}; load average {load_average()}", flush=True)
        ok &= wall < REGENERATE_S and same
        if not args.quick:
            wall, cpu, text = run_cli(out, calibrate=True)
            print(f"make replica CALIBRATE=1: {wall:.1f} s wall, {cpu:.1f} s CPU ({cpu / wall:.2f} cores busy; "
                  f"target < {CALIBRATE_S:.0f} s wall); load average after {load_average()}", flush=True)
            same = (out / io.PARAMS_FILE).read_bytes() == (Path(paths.REPLICA) / io.PARAMS_FILE).read_bytes()
            print(f"calibrated params.json byte for byte the committed one: {same}")
            print("\n".join(line for line in text.splitlines() if not line.startswith(("parameters ->", "2844 men"))))
            ok &= wall < CALIBRATE_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
