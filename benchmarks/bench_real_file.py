"""Benchmark real-file mode on a large file: the fake survey file stacked 100 times (314,400 rows).

Issue 16's targets: validation (read, check, map, validate) under 5 s; the
whole book on the file under 60 s with peak memory under 1 GB. The stacked
copies get their own PSU and stratum codes (copy k adds k x 10**6) and person
ids (k x 10**7), so they are neither duplicate rows nor duplicate ids, which
the validator refuses. The book is built in a temporary copy of the
repository (the end-to-end tests' helpers). While it runs, a sampler reads
the resident set of the build and of every process it started (the chapters'
kernels) every 0.1 s (psutil), so each chapter's time comes with its
kernel's peak memory; the peak is the largest single process, not their
sum. Prints the load average before and after, since 2 cores are shared.

    python benchmarks/bench_real_file.py      # chapters as the build runs them (two at a time on 2+ cores)
    python benchmarks/bench_real_file.py 1    # one at a time: each chapter's kernel peak memory
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fake_survey import fake_file  # noqa: E402
from _repo_copy import copy_repo  # noqa: E402
from _timing import load_average  # noqa: E402

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
        part["respid"] = part["respid"] + k * 10**7
        parts.append(part)
    big = pd.concat(parts, ignore_index=True)
    file = folder / "stacked.dta"
    big.to_stata(file, write_index=False)
    return file, mfile, len(big)


class Sampler(threading.Thread):
    """Peak resident set (MB) of a process and each of its descendants, by pid, with their command lines."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak: dict[int, float] = {}
        self.first_seen: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for p in procs:
                try:
                    rss = p.memory_info().rss / 2**20
                    if p.pid not in self.kind:
                        self.kind[p.pid] = "kernel" if "ipykernel" in " ".join(p.cmdline()) else p.name()
                        self.first_seen[p.pid] = time.perf_counter()
                except psutil.Error:
                    continue
                self.peak[p.pid] = max(self.peak.get(p.pid, 0.0), rss)
            time.sleep(0.1)


def build_measured(repo: Path, file: Path, mfile: Path, jobs: str | None) -> tuple[int, list[tuple[str, str, float]],
                                                                                 Sampler, str]:
    """Build the book on ``file``; return its exit code, (chapter, time text, kernel peak MB) per chapter, the
    sampler and the build's stderr. A kernel is credited to the next chapter reported done, which is
    right only when chapters run one at a time (``jobs="1"``)."""
    env = {**os.environ, "PYTHONPATH": str(repo / "src"), "HUKOUMOB_RESULTS": str(repo / "results"),
           "HUKOUMOB_LHSCCC_MAPPING": str(mfile), **({"HUKOUMOB_BUILD_JOBS": jobs} if jobs else {})}
    proc = subprocess.Popen([sys.executable, "-m", "hukoumob.book.build", "--data", str(file)], cwd=repo, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    chapters, assigned = [], set()
    for line in proc.stdout:
        m = re.search(r"(\S+): done in ([\d.]+ s)", line) or re.search(r"(html|book)\]? (?:done|built) in ([\d.]+ s)", line)
        if m:
            kernels = [p for p, k in sampler.kind.items() if k == "kernel" and p not in assigned]
            assigned.update(kernels)
            chapters.append((m.group(1), m.group(2), max((sampler.peak[p] for p in kernels), default=float("nan"))))
    stderr = proc.stderr.read()
    code = proc.wait()
    sampler.stop.set()
    sampler.join()
    return code, chapters, sampler, stderr


def main() -> None:
    jobs = sys.argv[1] if len(sys.argv) > 1 else None  # HUKOUMOB_BUILD_JOBS; default: the build's own
    print(f"load average: {load_average()}; chapters at a time: {jobs or 'the build default'}")
    with tempfile.TemporaryDirectory(prefix="bench-real-") as tmp:
        tmp = Path(tmp)
        file, mfile, rows = stacked_file(tmp)
        start = time.perf_counter()
        men = load_records(str(file), mapping=mfile).men
        seconds = time.perf_counter() - start
        print(f"validation of {rows:,} rows ({len(men):,} men): {seconds:.2f} s (target < 5 s)")
        del men
        repo = copy_repo(tmp / "repo")
        start = time.perf_counter()
        code, chapters, sampler, stderr = build_measured(repo, file, mfile, jobs)
        seconds = time.perf_counter() - start
        for name, took, mb in chapters:
            peak = f"   kernel peak {mb:7,.0f} MB" if jobs == "1" and mb == mb else ""
            print(f"  {name:<40} {took:>8}{peak}")
        if code:
            print(stderr[-3000:])
            sys.exit(f"build failed ({code})")
        build_peak = sampler.peak.get(sampler.root.pid, float("nan"))
        kernel_peak = max((v for p, v in sampler.peak.items() if sampler.kind.get(p) == "kernel"), default=float("nan"))
        other = max((v for p, v in sampler.peak.items() if p != sampler.root.pid and sampler.kind.get(p) != "kernel"),
                    default=0.0)
        print(f"whole book on the stacked file: {seconds:.1f} s (target < 60 s); peak memory of one process "
              f"{max(build_peak, kernel_peak, other):,.0f} MB (target < 1,024 MB): build {build_peak:,.0f} MB, "
              f"largest kernel {kernel_peak:,.0f} MB, other helpers {other:,.0f} MB")
    print(f"load average: {load_average()}")


if __name__ == "__main__":
    main()
