"""Benchmark the book build: cold (two chapters at a time, the default on two cores, and one at a
time), unchanged rebuild, and one chapter re-run.

Runs in temporary copies of the repository (tracked and untracked, not
ignored files; the helpers of the end-to-end tests) with the current
environment, and prints seconds against the targets of the foundation and
reader's-book issues (cold < 60 s, unchanged < 15 s, one chapter < 20 s), with
the load average before and after (the machine is shared).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _repo_copy import build, copy_repo  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import load_average  # noqa: E402


def timed(repo: Path, *args: str, env: dict | None = None) -> float:
    """Seconds one ``python -m hukoumob.book.build`` takes in ``repo``; stops on failure."""
    start = time.perf_counter()
    run = build(repo, *args, env=env)
    if run.returncode:
        sys.exit(f"build failed:\n{run.stderr}")
    return time.perf_counter() - start


def main() -> None:
    before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        repo = copy_repo(Path(tmp) / "parallel")
        chapter = "04_mobility_tables"
        cold = timed(repo, env={"HUKOUMOB_BUILD_JOBS": "2"})
        unchanged = timed(repo)
        one = timed(repo, "--only", chapter, "--force")
        serial = timed(copy_repo(Path(tmp) / "serial"), env={"HUKOUMOB_BUILD_JOBS": "1"})
    print(f"load average before: {before}; after: {load_average()}")
    print(f"{'build':<40}{'seconds':>9}{'target':>9}{'ratio':>8}")
    for name, secs, target in (("cold, two chapters at a time (default)", cold, 60),
                               ("cold, one chapter at a time", serial, 60),
                               ("unchanged rebuild", unchanged, 15),
                               (f"one chapter ({chapter}) + html", one, 20)):
        print(f"{name:<40}{secs:>9.1f}{target:>9}{secs / target:>8.2f}")
    print(f"two at a time / one at a time: {cold / serial:.2f}")


if __name__ == "__main__":
    main()
