"""Build the book: jupytext -> papermill -> ``book/`` -> ``jupyter-book build`` (execution off).

Usage (what ``make book`` and ``make chapter`` run)::

    python -m hukoumob.book.build                      # every chapter, then the HTML
    python -m hukoumob.book.build --data path/file.dta # the same on the real survey file
    python -m hukoumob.book.build --only 04_mobility_tables -p some_param=2
    python -m hukoumob.book.build --no-html            # execute chapters only

A chapter is re-executed only when its content hash changes: the hash covers
the chapter's source, the package (``src/``), everything under ``data/``,
``requirements.txt`` and the parameters it runs with (jupyter-cache would see
the code cells only). Executed notebooks land in ``book/`` only when the whole
chapter ran; a failing chapter stops the build with its name, the cell and
the error. The build never writes under ``data/``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from hukoumob.inputs import paths
from hukoumob.inputs.sources import resolve_source

NOTEBOOKS = paths.ROOT / "notebooks"
BOOK = paths.ROOT / "book"
HASHES = paths.ROOT / "_build" / "chapter-hashes.json"
HTML_STAMP = paths.ROOT / "_build" / "html-built-ok"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ChapterError(RuntimeError):
    """A chapter raised while executing; the message names the chapter, the cell and the error."""


@dataclass
class Chapter:
    """One paper section: its Jupytext source and where its executed copy goes."""

    source: Path
    params: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.source.stem

    @property
    def executed(self) -> Path:
        return BOOK / f"{self.name}.ipynb"

    @property
    def reads_results(self) -> bool:
        """Back matter (``9x_*``) runs after the paper's chapters and reads ``results/``."""
        return self.name.startswith("9")


def chapters(only: list[str] | None = None) -> list[Chapter]:
    """The chapters in ``notebooks/`` in file-name order (optionally only those named)."""
    found = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md"))
    if only:
        names = {p.stem for p in found}
        unknown = sorted(set(only) - names)
        if unknown:
            raise SystemExit(f"unknown chapter(s) {unknown}; chapters are {sorted(names)}")
        found = [p for p in found if p.stem in only]
    return [Chapter(p) for p in found]


def _files_under(folder: Path, pattern: str = "*") -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def shared_digest() -> str:
    """Hash of what every chapter depends on: the package, ``data/``, the pinned requirements
    and the real file's variable mapping when ``$HUKOUMOB_LHSCCC_MAPPING`` puts it outside ``data/``."""
    h = hashlib.sha256()
    for f in [*_files_under(paths.ROOT / "src", "*.py"), *_files_under(paths.DATA), paths.ROOT / "requirements.txt"]:
        if f.exists():
            h.update(str(f.relative_to(paths.ROOT)).encode())
            h.update(f.read_bytes())
    mapping = paths.lhsccc_mapping()
    if mapping.is_file() and paths.DATA.resolve() not in mapping.resolve().parents:
        h.update(b"HUKOUMOB_LHSCCC_MAPPING" + mapping.read_bytes())
    return h.hexdigest()


def chapter_digest(chapter: Chapter, shared: str) -> str:
    """Content hash of one chapter run: its source, the shared digest and its parameters.

    Back-matter chapters (``9x_*``, such as the reproducibility report) read
    what the other chapters wrote to ``results/``, so that enters their hash.
    """
    h = hashlib.sha256(shared.encode())
    h.update(chapter.source.read_bytes())
    h.update(json.dumps(chapter.params, sort_keys=True, default=str).encode())
    if chapter.reads_results:
        for f in sorted(paths.results_dir().glob("*.csv")):
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def _to_notebook(source: Path, target: Path) -> None:
    """Convert a Jupytext MyST notebook to .ipynb with the kernel and language papermill needs."""
    import jupytext

    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    jupytext.write(nb, target, fmt="ipynb")


REAL_FILE_SHOWN_AS = "<real survey file>"


def _tidy_executed(path: Path, params: dict | None = None) -> None:
    """Hide papermill's plumbing in the executed copy: drop the default parameters cell and fold
    the injected one (the values the chapter ran with) behind a "show" toggle.

    The real survey file's path (``data_source`` other than ``"replica"``) is
    shown as ``"<real survey file>"`` in the injected cell, so neither its name
    nor its folder reaches the notebook or the HTML.
    """
    import nbformat
    from papermill.translators import PythonTranslator

    nb = nbformat.read(path, as_version=4)
    injected = any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    real = (params or {}).get("data_source")
    hide = real not in (None, "", "replica")
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if injected and "parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
        if "injected-parameters" in tags and "hide-input" not in tags:
            tags.append("hide-input")
        if hide and "injected-parameters" in tags:
            shown = PythonTranslator.translate(REAL_FILE_SHOWN_AS)
            cell.source = cell.source.replace(PythonTranslator.translate(real), shown)
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, path)


_NOISE = re.compile(r"Kernel is running over TCP without encryption|KeyboardInterrupt caught in kernel")


@contextlib.contextmanager
def _kernel_stderr_filtered(capture: Path):
    """Send the kernel's stderr (inherited file descriptor 2) to a file, then echo all but known noise."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(capture, "wb") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
    for line in capture.read_text(errors="replace").splitlines():
        if line.strip() and not _NOISE.search(line):
            print(line, file=sys.stderr)


def _failing_cell(executed: Path) -> str:
    """Which code cell of the chapter source raised, counting as the author does (no injected cell)."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return "a cell"
    code = [c for c in nb.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    for i, cell in enumerate(code, 1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return f"code cell {i} ({first[:60]!r})"
    return "a cell"


def execute(chapter: Chapter, cwd: Path) -> float:
    """Run one chapter with papermill into ``book/``; return seconds taken or raise :class:`ChapterError`."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    BOOK.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hukoumob-") as tmp:
        raw, out = Path(tmp) / "in.ipynb", Path(tmp) / "out.ipynb"
        _to_notebook(chapter.source, raw)
        try:
            with _kernel_stderr_filtered(Path(tmp) / "stderr.txt"):
                pm.execute_notebook(
                    str(raw), str(out), parameters=chapter.params, kernel_name="python3",
                    language="python", cwd=str(cwd), progress_bar=False, log_output=False,
                )
        except PapermillExecutionError as err:
            trace = "\n".join(_ANSI.sub("", "\n".join(err.traceback)).splitlines()[-12:])
            where = _failing_cell(out)
            raise ChapterError(
                f"chapter {chapter.name} failed in {where}: {err.ename}: {err.evalue}\n{trace}"
            ) from None
        _tidy_executed(out, chapter.params)
        out.replace(chapter.executed)
    return time.perf_counter() - start


def run_chapters(todo: list[Chapter], force: bool = False) -> int:
    """Execute the chapters whose content hash changed, printing progress with times.

    Returns the number of chapters executed.
    """
    executed = 0
    shared = shared_digest()
    known = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    for i, chapter in enumerate(todo, 1):
        digest = chapter_digest(chapter, shared)  # computed here: earlier chapters may have changed results/
        label = f"[{i}/{len(todo)}] {chapter.name}"
        if not force and known.get(chapter.name) == digest and chapter.executed.exists():
            print(f"{label}: unchanged, kept", flush=True)
            continue
        print(f"{label}: executing ...", flush=True)
        seconds = execute(chapter, cwd=NOTEBOOKS)
        known[chapter.name] = digest
        HASHES.parent.mkdir(parents=True, exist_ok=True)
        HASHES.write_text(json.dumps(known, indent=1, sort_keys=True))
        print(f"{label}: done in {seconds:.1f} s", flush=True)
        executed += 1
    return executed


def archive_results() -> Path:
    """Zip every ``results/*.csv`` into ``book/results.zip``, which the book offers as a download."""
    target = BOOK / "results.zip"
    files = sorted(paths.results_dir().glob("*.csv"))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            info = zipfile.ZipInfo(f"results/{f.name}", date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, f.read_bytes(), zipfile.ZIP_DEFLATED)
    return target


def html_is_current() -> bool:
    """True when the last successful HTML build is newer than every page source and config file."""
    index = HTML_STAMP
    if not index.exists() or not (paths.ROOT / "_build" / "html" / "index.html").exists():
        return False
    sources = [*BOOK.glob("*.md"), *BOOK.glob("*.ipynb"), *BOOK.glob("*.zip"), *(paths.ROOT / "_static").glob("*")]
    sources += [paths.ROOT / name for name in ("_config.yml", "_toc.yml", "references.bib")]
    built = index.stat().st_mtime
    return all(f.stat().st_mtime <= built for f in sources if f.exists())


def build_html(strict: bool = True) -> float:
    """Run ``jupyter-book build`` on the repository root; on failure print only warnings and errors."""
    start = time.perf_counter()
    HTML_STAMP.unlink(missing_ok=True)
    # --all: Sphinx's incremental build misses new citations (bibliography page) and static-file edits
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(paths.ROOT), "--all", "--keep-going"]
    if strict:
        cmd.append("-W")
    print("[html] jupyter-book build ...", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.ROOT)
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).splitlines()
        lines = [_ANSI.sub("", ln) for ln in lines]
        keep = [ln for ln in lines if re.search(r"WARNING|ERROR|Error|Exception", ln)] or lines[-30:]
        raise ChapterError("jupyter-book build failed:\n" + "\n".join(keep[:40]))
    HTML_STAMP.touch()
    seconds = time.perf_counter() - start
    print(f"[html] done in {seconds:.1f} s: {paths.ROOT / '_build' / 'html' / 'index.html'}", flush=True)
    return seconds


def parse_params(pairs: list[str]) -> dict:
    """``["k=v", ...]`` to a dict, reading each value as JSON when it parses (numbers, booleans)."""
    params = {}
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"parameter {pair!r} is not of the form name=value")
        key, value = pair.split("=", 1)
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hukoumob.book.build", description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="replica", help="'replica' (default) or the path of the real survey file")
    parser.add_argument("--only", nargs="*", help="chapter names (file stems in notebooks/) to run")
    parser.add_argument("-p", "--param", action="append", default=[], help="extra parameter name=value")
    parser.add_argument("--force", action="store_true", help="re-execute even unchanged chapters")
    parser.add_argument("--no-html", action="store_true", help="execute chapters but skip jupyter-book")
    args = parser.parse_args(argv)
    try:
        source = resolve_source(args.data)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    params = {"data_source": "replica" if source.kind == "replica" else str(source.path), **parse_params(args.param)}
    todo = chapters(args.only)
    for chapter in todo:
        chapter.params = params
    os.environ.setdefault("PYTHONHASHSEED", "0")
    start = time.perf_counter()
    try:
        executed = run_chapters(todo, force=args.force)
        if not args.no_html:
            if executed or not html_is_current():
                archive_results()
                build_html()
            else:
                print("[html] unchanged, kept", flush=True)
    except ChapterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"book built in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
