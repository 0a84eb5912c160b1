"""Helpers for the end-to-end tests: build the book in a copy of the repository.

The copy (tracked and untracked, not ignored files) keeps the working tree
clean; ``PYTHONPATH`` points the kernel at the copy's package.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hukoumob.inputs import paths


def copy_repo(dest: Path) -> Path:
    """Copy the files git tracks or would track (not the ignored ones) into ``dest``."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=paths.ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    for rel in filter(None, listed):
        src = paths.ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def digest(folder: Path) -> str:
    """Hash of every file's relative path and bytes under ``folder``."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(folder)).encode() + f.read_bytes())
    return h.hexdigest()


def build(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m hukoumob.book.build *args`` in the copy, on the copy's package and results folder."""
    env = {**os.environ, "PYTHONPATH": str(repo / "src"), "HUKOUMOB_RESULTS": str(repo / "results"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "hukoumob.book.build", *args], cwd=repo, env=env, capture_output=True, text=True
    )
