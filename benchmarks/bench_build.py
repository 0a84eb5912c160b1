"""Benchmark the book build: cold, unchanged rebuild, and one chapter re-run.

Runs in a temporary copy of the repository (tracked and untracked, not
ignored files; the helpers of the end-to-end tests) with the current
environment, and prints seconds against the targets of the foundation and
reader's-book issues (cold < 180 s, unchanged < 15 s, one chapter < 20 s).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _repo_copy import build, copy_repo  # noqa: E402


def timed(repo: Path, *args: str) -> float:
    """Seconds one ``python -m hukoumob.book.build`` takes in ``repo``; stops on failure."""
    start = time.perf_counter()
    run = build(repo, *args)
    if run.returncode:
        sys.exit(f"build failed:\n{run.stderr}")
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        repo = copy_repo(Path(tmp))
        chapter = "04_mobility_tables"
        cold = timed(repo)
        unchanged = timed(repo)
        one = timed(repo, "--only", chapter, "--force")
    print(f"{'build':<36}{'seconds':>9}{'target':>9}{'ratio':>8}")
    for name, secs, target in (("cold (all chapters + html)", cold, 180), ("unchanged rebuild", unchanged, 15),
                               (f"one chapter ({chapter}) + html", one, 20)):
        print(f"{name:<36}{secs:>9.1f}{target:>9}{secs / target:>8.2f}")


if __name__ == "__main__":
    main()
