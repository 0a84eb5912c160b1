"""Benchmark the book build: cold, unchanged rebuild, and one chapter re-run.

Runs in a temporary copy of the repository (tracked and untracked, not
ignored files) with the current environment, and prints seconds against the
targets of the foundation issue (cold < 180 s, unchanged < 15 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_repo(dest: Path) -> None:
    """Copy the files git would see (tracked or untracked, not ignored) into ``dest``."""
    import shutil

    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)


def timed(repo: Path, *args: str) -> float:
    """Seconds one ``python -m hukoumob.build`` takes in ``repo``; stops on failure."""
    env = {**os.environ, "PYTHONPATH": str(repo / "src"), "HUKOUMOB_RESULTS": str(repo / "results")}
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "hukoumob.build", *args], cwd=repo, env=env,
                         capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"build failed:\n{run.stderr}")
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        repo = Path(tmp)
        copy_repo(repo)
        chapters = sorted(p.stem for p in (repo / "notebooks").glob("[0-9][0-9]_*.md"))
        cold = timed(repo)
        unchanged = timed(repo)
        one = timed(repo, "--only", chapters[-1], "--force")
    print(f"{"build":<36}{'seconds':>9}{'target':>9}{'ratio':>8}")
    for name, secs, target in (("cold (all chapters + html)", cold, 180), ("unchanged rebuild", unchanged, 15),
                               (f"one chapter ({chapters[-1]})", one, 20)):
        print(f"{name:<36}{secs:>9.1f}{target:>9}{secs / target:>8.2f}")


if __name__ == "__main__":
    main()
