"""The whole project as one download: an archive of the repository's tracked files (issue 17).

The book offers it from its introduction and from "Run it yourself", so a
reader of the HTML can get the code, the data and the chapters without
knowing where the repository lives: unpack it and run the README's two
commands. Only files git tracks go in (never build output, never an untracked
file such as a filled-in real-file mapping); the list is also written into the
archive as ``MANIFEST.txt``, so a build from an unpacked archive (no ``.git``)
packs the same files again; a tree with neither (a copy, a zip of a checkout)
is walked with the repository's ``.gitignore`` rules. Entries carry a fixed timestamp, so the same tree
gives the same archive.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

from hukoumob.inputs import paths

#: File name of the archive, in ``book/`` (where the pages' ``{download}`` links find it).
ARCHIVE_NAME = "hukou-replication-book.zip"
MANIFEST = "MANIFEST.txt"
#: Folder name inside the archive, so unpacking makes one folder.
TOP = "hukou-replication-book"
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)


class ArchiveError(RuntimeError):
    """The project's file list could not be made (neither a git checkout nor an unpacked archive)."""


def tracked_files(root: Path | None = None) -> list[str]:
    """Paths (relative, sorted) of the files git tracks under ``root``; from ``MANIFEST.txt`` when
    ``root`` is an unpacked archive without ``.git``."""
    root = root or paths.ROOT
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
        files = [f for f in listed.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
    if not files and (root / MANIFEST).is_file():
        files = [ln for ln in (root / MANIFEST).read_text().splitlines() if ln.strip()]
    if not files:
        files = _walk_not_ignored(root)
    if not files:
        raise ArchiveError(f"{root}: no project files found (not a git checkout, no {MANIFEST})")
    return sorted(f for f in files if (root / f).is_file() and f != MANIFEST)


def _ignore_rules(root: Path) -> list[tuple[bool, str]]:
    """``(negated, pattern)`` from ``.gitignore`` (the subset of its syntax this repository uses)."""
    gi = root / ".gitignore"
    rules = [(False, ".git"), (False, ".git/")]
    if gi.is_file():
        for line in gi.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                rules.append((line.startswith("!"), line.lstrip("!")))
    return rules


def _ignored(rel: str, rules: list[tuple[bool, str]]) -> bool:
    parts = rel.split("/")
    ignored = False
    for negated, pat in rules:
        if pat.endswith("/"):
            hit = any(fnmatch.fnmatch(d, pat.rstrip("/")) for d in parts[:-1])
        elif "/" in pat:
            hit = fnmatch.fnmatch(rel, pat.lstrip("/"))
        else:
            hit = any(fnmatch.fnmatch(p, pat) for p in parts)
        if hit:
            ignored = not negated
    return ignored


def _walk_not_ignored(root: Path) -> list[str]:
    rules = _ignore_rules(root)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        dirnames[:] = [d for d in dirnames if not _ignored(f"{rel_dir}/{d}/x".lstrip("./"), rules)]
        for name in filenames:
            rel = f"{rel_dir}/{name}" if rel_dir != "." else name
            if not _ignored(rel, rules):
                out.append(rel)
    return out


def project_archive(target: Path | None = None, root: Path | None = None) -> Path:
    """Write the archive of :func:`tracked_files` (plus ``MANIFEST.txt``) to ``target``
    (default ``book/hukou-replication-book.zip``) atomically; return its path."""
    root = root or paths.ROOT
    target = target or root / "book" / ARCHIVE_NAME
    files = tracked_files(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".archive-", suffix=".zip", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(zipfile.ZipInfo(f"{TOP}/{MANIFEST}", _FIXED_TIME), "\n".join(files) + "\n")
            for rel in files:
                info = zipfile.ZipInfo(f"{TOP}/{rel}", _FIXED_TIME)
                info.external_attr = ((root / rel).stat().st_mode & 0o777) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, (root / rel).read_bytes())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
