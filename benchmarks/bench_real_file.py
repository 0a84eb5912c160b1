"""Benchmark real-file mode on a large file: the fake survey file stacked 100 times (314,400 rows).

Issue 16's targets: validation (read, check, map, validate) under 5 s; the
whole book on the file under 60 s with peak memory under 1 GB. The stacked
copies get their own PSU and stratum codes (copy k adds k x 10**6), so they
are not duplicate rows, which the validator refuses. The book is built in a
temporary copy of the repository (the end-to-end tests' helpers), its
chapter times printed; peak memory is the largest resident set of the build
or any process it started (``ru_maxrss`` of the waited-for children), not
their sum. Prints the load average, since 2 cores are shared.
"""

from __future__ import annotations

import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _fake_survey import fake_file  # noqa: E402
from _repo_copy import build, copy_repo  # noqa: E402

from hukoumob.inputs.records import load_records  # noqa: E402

COPIES = 100


def stacked_file(folder: Path) -> tuple[Path, Path, int]:
    """Write the stacked fake file (Stata) and its mapping; return them and the number of rows."""
    _, mfile, raw, _ = fake_file(folder)
    parts = []
    for k in range(COPIES):
        part = raw.copy()
        part["cluster"] = part["cluster"] + k * 10**6
        part["strat"] = part["strat"] + k * 10**6
        parts.append(part)
    big = pd.concat(parts, ignore_index=True)
    file = folder / "stacked.dta"
    big.to_stata(file, write_index=False)
    return file, mfile, len(big)


def main() -> None:
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-real-") as tmp:
        tmp = Path(tmp)
        file, mfile, rows = stacked_file(tmp)
        start = time.perf_counter()
        men = load_records(str(file), mapping=mfile).men
        seconds = time.perf_counter() - start
        print(f"validation of {rows:,} rows ({len(men):,} men): {seconds:.2f} s (target < 5 s)")
        repo = copy_repo(tmp / "repo")
        start = time.perf_counter()
        run = build(repo, "--data", str(file), env={"HUKOUMOB_LHSCCC_MAPPING": str(mfile)})
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB -> MB (Linux)
        for line in run.stdout.splitlines():
            if re.search(r"done in|built in", line):
                print("  " + line)
        if run.returncode:
            print(run.stderr[-3000:])
            sys.exit(f"build failed ({run.returncode})")
        print(f"whole book on the stacked file: {seconds:.1f} s (target < 60 s), "
              f"peak memory {peak:,.0f} MB (target < 1,024 MB)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
