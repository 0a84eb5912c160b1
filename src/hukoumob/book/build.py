"""Build the book: jupytext -> papermill -> ``book/`` -> ``jupyter-book build`` (execution off).

Usage (what ``make book`` and ``make chapter`` run)::

    python -m hukoumob.book.build                      # every chapter, then the HTML
    python -m hukoumob.book.build --data path/file.dta # the same on the real survey file
    python -m hukoumob.book.build --only 04_mobility_tables -p some_param=2
    python -m hukoumob.book.build --no-html            # execute chapters only

A chapter is re-executed only when its content hash changes: the hash covers
the chapter's source, the package (``src/``), everything under ``data/``,
``requirements.txt``, the parameters it runs with (jupyter-cache would see
the code cells only) and, on the real file, the file's digest (size, mtime,
SHA-256) and its mapping. A failing chapter stops the build with its name,
the cell and the error. The build never writes under ``data/``.

Runs are kept apart and all-or-nothing (:class:`Run`): ``results/`` holds
the results of one complete run on one data source, stamped in
``results/run.json`` with the source and the real file's digest; a run on
another source or another file starts from an empty results folder, so a
replica build never reads or publishes real-file rows and a real-file run
clears earlier real-file results. The real file and its mapping are read and
validated once before any chapter runs. Chapters execute into a staging
folder (``_build/staging``: executed notebooks, results, hashes) and the HTML
is built into another; only when everything succeeded are they swapped in,
so a run that fails, or is stopped by Ctrl-C or SIGTERM, leaves the previous
results and HTML as they were.

Parameters given with ``-p name=value`` are read by the type of the
chapter's default (``parameters`` cell): a boolean from
``true/false/yes/no/1/0``, numbers as numbers; unknown names and values that
do not parse are errors listing the chapter's parameters.

A chapter that reads ``results/`` says so in its Jupytext front matter::

    hukoumob:
      reads_results: true

Such chapters (the introduction, the conclusions, the reproducibility
report) run after every chapter that does not, back matter (``8x``/``9x``,
which writes the report's own files) before the others, and what they read
enters their hash.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from hukoumob.book.archive import project_archive
from hukoumob.inputs import paths
from hukoumob.inputs.sources import resolve_source

NOTEBOOKS = paths.ROOT / "notebooks"
BOOK = paths.ROOT / "book"
HASHES = paths.ROOT / "_build" / "chapter-hashes.json"
HTML_STAMP = paths.ROOT / "_build" / "html-built-ok"
HTML = paths.ROOT / "_build" / "html"
STAGING = paths.ROOT / "_build" / "staging"
RUN_STAMP = "run.json"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Files of ``results/`` that a chapter reading ``results/`` writes itself (the reproducibility report),
#: left out of that chapter's own hash (the chapters that read them after it still hash them).
WRITTEN_BY_BACK_MATTER = {"90_reproducibility": {"reproducibility.csv"}}


class ChapterError(RuntimeError):
    """A chapter raised while executing; the message names the chapter, the cell and the error."""


class Stopped(BaseException):
    """SIGTERM (or SIGINT) arrived: stop the build; raised by the signal handler."""


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
    def settings(self) -> dict:
        """The chapter's ``hukoumob:`` block of its front matter (see :func:`chapter_settings`)."""
        return chapter_settings(self.source)

    @property
    def reads_results(self) -> bool:
        """The chapter reads ``results/`` (front matter ``hukoumob: {reads_results: true}``)."""
        return self.settings["reads_results"]

    @property
    def is_back_matter(self) -> bool:
        return self.name[:1] in "89"


#: The settings a chapter's ``hukoumob:`` front matter may hold, with their defaults.
CHAPTER_SETTINGS = {"reads_results": False}


def chapter_settings(source: Path) -> dict:
    """The ``hukoumob:`` settings of a Jupytext MyST chapter's YAML front matter, defaults filled in.

    An unknown setting or a value of the wrong type stops with the file and the problem.
    """
    import yaml

    text = source.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    front = (yaml.safe_load(match.group(1)) or {}) if match else {}
    block = front.get("hukoumob") or {}
    if not isinstance(block, dict):
        raise ValueError(f"{source}: front matter 'hukoumob' must be a mapping, not {block!r}")
    unknown = sorted(set(block) - set(CHAPTER_SETTINGS))
    if unknown:
        raise ValueError(f"{source}: unknown hukoumob setting(s) {unknown}; known: {sorted(CHAPTER_SETTINGS)}")
    settings = {**CHAPTER_SETTINGS, **block}
    if not isinstance(settings["reads_results"], bool):
        raise ValueError(f"{source}: hukoumob.reads_results must be true or false, not {settings['reads_results']!r}")
    return settings


def run_order(found: list[Chapter]) -> list[Chapter]:
    """Chapters that write ``results/`` first (in file-name order), then those that read it:
    back matter (which writes the report's files) before the rest."""
    return sorted(found, key=lambda c: (c.reads_results, c.reads_results and not c.is_back_matter, c.name))


def chapters(only: list[str] | None = None) -> list[Chapter]:
    """The chapters in ``notebooks/`` in run order (:func:`run_order`), optionally only those named."""
    found = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md"))
    if only is not None and not only:
        raise SystemExit(f"no chapter named (make chapter NAME=...); chapters are {[p.stem for p in found]}")
    if only:
        names = {p.stem for p in found}
        unknown = sorted(set(only) - names)
        if unknown:
            raise SystemExit(f"unknown chapter(s) {unknown}; chapters are {sorted(names)}")
        found = [p for p in found if p.stem in only]
    return run_order([Chapter(p) for p in found])


def _files_under(folder: Path, pattern: str = "*") -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def file_digest(path: Path) -> str:
    """The real file's digest: its size, modification time and SHA-256 (a file replaced at the same
    path is noticed). Never printed; it enters the chapter hashes and ``results/run.json``."""
    stat = path.stat()
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return f"{stat.st_size}:{stat.st_mtime_ns}:{h.hexdigest()}"


def shared_digest(data: str = "") -> str:
    """Hash of what every chapter depends on: the package, ``data/``, the pinned requirements,
    the real file's digest ``data`` (:func:`file_digest`, empty for the replica) and the real
    file's variable mapping when ``$HUKOUMOB_LHSCCC_MAPPING`` puts it outside ``data/``."""
    h = hashlib.sha256(data.encode())
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

    Chapters that read ``results/`` (:attr:`Chapter.reads_results`: the
    introduction, the conclusions, the reproducibility report) depend on what
    the other chapters wrote there, so that enters their hash.
    """
    h = hashlib.sha256(shared.encode())
    h.update(chapter.source.read_bytes())
    h.update(json.dumps(chapter.params, sort_keys=True, default=str).encode())
    if chapter.reads_results:
        for f in sorted(paths.results_dir().glob("*.csv")):
            if f.name not in WRITTEN_BY_BACK_MATTER.get(chapter.name, ()):  # its own output must not change its hash
                h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


GUARD_TAG = "hukoumob-guard"
#: First cell of every executed chapter (hidden in the HTML, there in the downloadable notebook): says
#: what the notebook needs and stops with one line when the package is not importable.
GUARD_CELL = """\
# This chapter of "Hukou and mobility in China: an executable replication" runs on the project's
# package `hukoumob` and its data/ folder. To run it: download the whole project
# (hukou-replication-book.zip, on the book's "Run it yourself" page), unpack it, run `make book`
# once, and open this notebook from the project's book/ folder with the project's .venv Python.
try:
    import hukoumob  # noqa: F401
except ImportError:
    raise SystemExit("This notebook needs the book's package hukoumob and its data/: download "
                     "hukou-replication-book.zip (book page 'Run it yourself'), unpack it, run "
                     "'make book' there and open the notebook with that project's .venv.") from None"""


def _to_notebook(source: Path, target: Path) -> None:
    """Convert a Jupytext MyST notebook to .ipynb with the kernel and language papermill needs, and
    put :data:`GUARD_CELL` first."""
    import jupytext
    import nbformat

    nb = jupytext.read(source)
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD_CELL, metadata={"tags": ["remove-cell", GUARD_TAG]}))
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
    code = [c for c in nb.cells if c.cell_type == "code"
            and not {"injected-parameters", GUARD_TAG} & set(c.metadata.get("tags", []))]
    for i, cell in enumerate(code, 1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return f"code cell {i} ({first[:60]!r})"
    return "a cell"


KERNEL_START_LOCK = paths.ROOT / "_build" / "kernel-start.lock"
#: Seconds a kernel may take to answer its first request (kernel_info) once started.
KERNEL_START_TIMEOUT = 120
#: What jupyter_client says when a kernel never answered kernel_info: the start failed, no cell ran.
_KERNEL_START_FAILED = re.compile(r"Kernel died before replying to kernel_info|Kernel didn't respond in")


@contextlib.contextmanager
def kernel_start_lock(path: Path | None = None):
    """Hold the build's kernel start-up lock: an exclusive ``flock`` on ``_build/kernel-start.lock``,
    shared by the build's worker processes and released by the system if its holder dies.

    Why: a kernel's ports are picked free by its manager and bound by the kernel a moment later;
    two kernels started at the same moment in two processes can pick the same port, and one dies
    before replying to kernel_info (seen in CI with two chapters at a time)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): no worker processes there either (they need fork)
        yield
        return
    path = path or KERNEL_START_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _serial_start_kernel_manager():
    """jupyter_client's ``AsyncKernelManager`` whose ``start_kernel`` holds :func:`kernel_start_lock`
    until the new kernel has answered kernel_info (its ports are bound by then): one kernel starts
    at a time across the build, the chapters still run side by side."""
    from jupyter_client.manager import AsyncKernelManager

    class SerialStartKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kwargs):
            with kernel_start_lock():
                await super().start_kernel(**kwargs)
                client = self.client()
                client.start_channels()
                try:
                    await client.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
                finally:
                    client.stop_channels()

    return SerialStartKernelManager


def execute(chapter: Chapter, cwd: Path, target: Path | None = None) -> float:
    """Run one chapter with papermill into ``target`` (default ``book/<name>.ipynb``); return seconds
    taken or raise :class:`ChapterError`.

    Kernels start one at a time (:func:`_serial_start_kernel_manager`). A chapter whose kernel still
    dies before answering kernel_info (no cell has run) is started again, once, with one line saying so.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    target = target or chapter.executed
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hukoumob-") as tmp:
        raw, out = Path(tmp) / "in.ipynb", Path(tmp) / "out.ipynb"
        _to_notebook(chapter.source, raw)
        for attempt in (1, 2):
            try:
                with _kernel_stderr_filtered(Path(tmp) / "stderr.txt"):
                    pm.execute_notebook(
                        str(raw), str(out), parameters=chapter.params, kernel_name="python3",
                        language="python", cwd=str(cwd), progress_bar=False, log_output=False,
                        kernel_manager_class=_serial_start_kernel_manager(), start_timeout=KERNEL_START_TIMEOUT,
                    )
                break
            except PapermillExecutionError as err:
                trace = "\n".join(_ANSI.sub("", "\n".join(err.traceback)).splitlines()[-12:])
                where = _failing_cell(out)
                raise ChapterError(
                    f"chapter {chapter.name} failed in {where}: {err.ename}: {err.evalue}\n{trace}"
                ) from None
            except RuntimeError as err:
                if not _KERNEL_START_FAILED.search(str(err)):
                    raise
                if attempt == 2:
                    raise ChapterError(f"chapter {chapter.name}: its kernel died twice while starting ({err})") from None
                print(f"{chapter.name}: its kernel died while starting ({err}); starting it again, once", flush=True)
        _tidy_executed(out, chapter.params)
        shutil.move(str(out), target)
    return time.perf_counter() - start


class Run:
    """One build on one data source, staged and swapped in whole (module docstring).

    ``source`` is ``"replica"`` or ``"lhsccc"``; ``data`` the real file's
    digest (empty for the replica). While chapters run, ``$HUKOUMOB_RESULTS``
    points the kernels at the staging results folder and
    ``$HUKOUMOB_RUN_SOURCE`` names the run's source (which
    :func:`hukoumob.results.write_results` enforces).
    """

    def __init__(self, source: str, data: str = ""):
        self.source, self.data = source, data
        self.final = paths.results_dir()
        self.staging = STAGING
        self.results = self.staging / "results"
        self.book = self.staging / "book"
        self.stamp = {"source": source, "data": hashlib.sha256(data.encode()).hexdigest() if data else ""}
        self.fresh = False  # True: earlier results are of another source or file, every chapter runs

    def starts_fresh(self) -> bool:
        """Whether the results in place are of another source or file than this run's (or none)."""
        old = self.final / RUN_STAMP
        return not (old.exists() and json.loads(old.read_text()) == self.stamp)

    def __enter__(self) -> "Run":
        shutil.rmtree(self.staging, ignore_errors=True)
        self.book.mkdir(parents=True)
        if not self.starts_fresh():
            shutil.copytree(self.final, self.results)
        else:
            self.results.mkdir(parents=True)
            self.fresh = True
            if self.final.exists() and any(self.final.iterdir()):
                print("[results] earlier results are from another data source or file: not carried over", flush=True)
        (self.results / RUN_STAMP).write_text(json.dumps(self.stamp, indent=1))
        self._env = {k: os.environ.get(k) for k in ("HUKOUMOB_RESULTS", "HUKOUMOB_RUN_SOURCE")}
        os.environ["HUKOUMOB_RESULTS"] = str(self.results)
        os.environ["HUKOUMOB_RUN_SOURCE"] = self.source
        return self

    def __exit__(self, kind, value, trace) -> None:
        for key, old in self._env.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
        shutil.rmtree(self.staging, ignore_errors=True)

    def swap_in(self, hashes: dict) -> "Swap":
        """Move the staged notebooks, results and hashes into place, keeping the old ones to undo."""
        swap = Swap(self.staging / "previous")
        for nb in sorted([*self.book.glob("*.ipynb"), *self.book.glob("results.zip")]):
            swap.replace(nb, BOOK / nb.name)
        swap.replace(self.results, self.final)
        staged = self.staging / "chapter-hashes.json"
        staged.write_text(json.dumps(hashes, indent=1, sort_keys=True))
        swap.replace(staged, HASHES)
        return swap


class Swap:
    """Files and folders moved into place, each with the previous version kept until :meth:`keep`."""

    def __init__(self, attic: Path):
        self.attic, self.moves = attic, []
        attic.mkdir(parents=True, exist_ok=True)

    def replace(self, new: Path, place: Path) -> None:
        place.parent.mkdir(parents=True, exist_ok=True)
        old = None
        if place.exists():
            old = self.attic / f"{len(self.moves)}-{place.name}"
            shutil.move(str(place), old)
        shutil.move(str(new), place)
        self.moves.append((place, old))

    def undo(self) -> None:
        for place, old in reversed(self.moves):
            if place.is_dir():
                shutil.rmtree(place)
            else:
                place.unlink(missing_ok=True)
            if old is not None:
                shutil.move(str(old), place)
        self.moves = []


def default_jobs(environ=os.environ, cores: int | None = None) -> int:
    """How many chapters execute at once: ``$HUKOUMOB_BUILD_JOBS`` when set (1 runs them one at a
    time), else 2 on a machine with two cores or more, else 1. Kernels start one at a time
    (:func:`kernel_start_lock`), so two chapters side by side no longer collide at start-up."""
    given = environ.get("HUKOUMOB_BUILD_JOBS", "").strip()
    if given:
        try:
            return max(1, int(given))
        except ValueError:
            raise SystemExit(f"HUKOUMOB_BUILD_JOBS={given!r} is not a whole number of chapters at a time") from None
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return 2 if cores >= 2 else 1


#: Chapters executed at once (:func:`default_jobs`). Chapters that read ``results/`` always run after
#: the others, one at a time (:func:`run_order`).
JOBS = default_jobs()


def run_chapters(todo: list[Chapter], force: bool = False, run: Run | None = None, data: str = "",
                 jobs: int | None = None) -> tuple[int, dict]:
    """Execute the chapters whose content hash changed into the run's staging folder, printing
    progress with times. The chapters that write ``results/`` run ``jobs`` at a time
    (default :data:`JOBS`; ``write_results`` locks each file it merges into), then those that read it,
    in order. Returns the number executed and the hashes to record."""
    shared = shared_digest(data)
    known = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    force = force or (run is not None and run.fresh)
    labels = {c.name: f"[{i}/{len(todo)}] {c.name}" for i, c in enumerate(todo, 1)}

    def due(chapter: Chapter) -> str | None:
        digest = chapter_digest(chapter, shared)  # readers: computed after the writers changed results/
        if not force and known.get(chapter.name) == digest and chapter.executed.exists():
            print(f"{labels[chapter.name]}: unchanged, kept", flush=True)
            return None
        return digest

    writers = [(c, d) for c in todo if not c.reads_results and (d := due(c)) is not None]
    executed = _execute_all(writers, run, known, labels, jobs or JOBS)
    for chapter in (c for c in todo if c.reads_results):
        digest = due(chapter)
        if digest is not None:
            executed += _execute_all([(chapter, digest)], run, known, labels, 1)
    return executed, known


def _worker_init() -> None:
    """In a worker process: the build's stop handlers (inherited through fork) give way to the
    default, so a worker that the build ends goes quietly, without a traceback."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _execute_one(chapter: Chapter, target: Path | None, label: str) -> float:
    print(f"{label}: executing ...", flush=True)  # printed when it starts, in a worker too
    return execute(chapter, cwd=NOTEBOOKS, target=target)


def _finished(chapter: Chapter, digest: str, seconds: float, run: Run | None, known: dict, label: str) -> None:
    known[chapter.name] = digest
    if run is None:
        HASHES.parent.mkdir(parents=True, exist_ok=True)
        HASHES.write_text(json.dumps(known, indent=1, sort_keys=True))
    print(f"{label}: done in {seconds:.1f} s", flush=True)


def _execute_all(pending: list[tuple[Chapter, str]], run: Run | None, known: dict, labels: dict,
                 jobs: int) -> int:
    """Execute ``pending`` chapters, ``jobs`` at a time in worker processes (in this process when
    one); the first that fails stops the others and raises its :class:`ChapterError`."""
    target = (lambda c: run.book / f"{c.name}.ipynb") if run else (lambda c: None)
    if jobs <= 1 or len(pending) <= 1:
        for chapter, digest in pending:
            seconds = _execute_one(chapter, target(chapter), labels[chapter.name])
            _finished(chapter, digest, seconds, run, known, labels[chapter.name])
        return len(pending)
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init)
    try:
        futures = {}
        for chapter, digest in pending:
            futures[pool.submit(_execute_one, chapter, target(chapter), labels[chapter.name])] = (chapter, digest)
        left = set(futures)
        while left:
            done, left = wait(left, return_when=FIRST_COMPLETED)  # report each as it ends
            for future in done:
                chapter, digest = futures[future]
                _finished(chapter, digest, future.result(), run, known, labels[chapter.name])
    except BaseException:  # a chapter failed, or the build was stopped: end the other chapters now
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return len(pending)


def archive_results(results: Path | None = None, target: Path | None = None) -> Path:
    """Zip every ``results/*.csv`` into ``book/results.zip``, which the book offers as a download."""
    target = target or BOOK / "results.zip"
    files = sorted((results or paths.results_dir()).glob("*.csv"))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            info = zipfile.ZipInfo(f"results/{f.name}", date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, f.read_bytes(), zipfile.ZIP_DEFLATED)
    return target


def html_is_current() -> bool:
    """True when the last successful HTML build is newer than every page source and config file."""
    index = HTML_STAMP
    if not index.exists() or not (HTML / "index.html").exists():
        return False
    sources = [*BOOK.glob("*.md"), *BOOK.glob("*.ipynb"), *BOOK.glob("*.zip"), *(paths.ROOT / "_static").glob("*")]
    sources += [paths.ROOT / name for name in ("_config.yml", "_toc.yml", "references.bib")]
    built = index.stat().st_mtime
    return all(f.stat().st_mtime <= built for f in sources if f.exists())


def build_html(strict: bool = True, output: Path | None = None) -> float:
    """Run ``jupyter-book build`` on the repository root into ``output`` (default the root; the HTML
    lands in ``<output>/_build/html``); on failure print only warnings and errors."""
    start = time.perf_counter()
    # --all: Sphinx's incremental build misses new citations (bibliography page) and static-file edits
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(paths.ROOT), "--all", "--keep-going"]
    if output is not None:
        cmd += ["--path-output", str(output)]
    if strict:
        cmd.append("-W")
    print("[html] jupyter-book build ...", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.ROOT)
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).splitlines()
        lines = [_ANSI.sub("", ln) for ln in lines]
        keep = [ln for ln in lines if re.search(r"WARNING|ERROR|Error|Exception", ln)] or lines[-30:]
        raise ChapterError("jupyter-book build failed:\n" + "\n".join(keep[:40]))
    seconds = time.perf_counter() - start
    print(f"[html] done in {seconds:.1f} s: {HTML / 'index.html'}", flush=True)
    return seconds


def chapter_parameters(chapter: Chapter) -> dict:
    """The names and default values of the chapter's ``parameters`` cell (literal assignments)."""
    import jupytext

    nb = jupytext.read(chapter.source)
    cell = next((c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None)
    defaults = {}
    for node in ast.parse(cell.source).body if cell is not None else []:
        if isinstance(node, ast.Assign):
            for name in node.targets:
                if isinstance(name, ast.Name):
                    defaults[name.id] = ast.literal_eval(node.value)
    return defaults


_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


def typed_value(text: str, default):
    """``text`` read as the type of ``default``: bool from true/false/yes/no/on/off/1/0, then int,
    float, str; JSON for a ``None`` default. Raises ``ValueError`` if it does not parse."""
    if isinstance(default, bool):
        word = text.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(f"{text!r} is not a boolean (true/false, yes/no, 1/0)")
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        return float(text)
    if isinstance(default, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_params(pairs: list[str], todo: list[Chapter] | None = None) -> dict[str, dict]:
    """``["k=v", ...]`` to the parameters of each chapter of ``todo``, each value typed by that
    chapter's default (:func:`typed_value`). A name no chapter of ``todo`` declares, or a value that
    does not parse, stops the build with the chapters' parameters listed. Returns ``{chapter: params}``."""
    todo = todo if todo is not None else chapters()
    declared = {c.name: chapter_parameters(c) for c in todo}
    out: dict[str, dict] = {c.name: {} for c in todo}
    listing = "; ".join(f"{name}: {', '.join(f'{k}={v!r}' for k, v in d.items()) or 'none'}" for name, d in declared.items())
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"parameter {pair!r} is not of the form name=value")
        key, value = pair.split("=", 1)
        if key == "data_source":
            raise SystemExit("data_source is set with --data (make ... DATA=path), not as a parameter")
        takers = [name for name, d in declared.items() if key in d]
        if not takers:
            raise SystemExit(f"unknown parameter {key!r}; the parameters are {listing}")
        for name in takers:
            try:
                out[name][key] = typed_value(value, declared[name][key])
            except ValueError as err:
                raise SystemExit(
                    f"parameter {key}={value!r} for {name}: {err} (the default is {declared[name][key]!r}); "
                    f"the parameters are {listing}"
                ) from None
    return out


def _on_signal(signum, frame):  # noqa: ARG001 - signal handler signature
    # a stopped build ends the kernel under nbclient's running cell; asyncio would then log the dead
    # task's DeadKernelError ("Task exception was never retrieved") when it is collected: the stop is
    # reported in one line instead
    logging.getLogger("asyncio").disabled = True
    raise Stopped(signal.Signals(signum).name)


def _validate_real_file(path: Path) -> str:
    """Read and validate the real file and its mapping once, before any chapter runs; its digest."""
    from hukoumob.inputs.records import load_records

    load_records(str(path))
    digest = file_digest(path)
    mapping = paths.lhsccc_mapping()
    if mapping.is_file():
        digest += ":" + hashlib.sha256(mapping.read_bytes()).hexdigest()
    return digest


def widen_to_whole_book(todo: list[Chapter], run: Run) -> list[Chapter]:
    """The chapters a run executes: ``todo``, or every chapter when the results in place are stamped
    with another data source or file than this run's and ``book/`` holds chapters executed on it
    (else ``make chapter`` on a new file would leave them beside it, and the HTML would show two
    sources, issue 16). The added chapters run with their default parameters."""
    named = {c.name for c in todo}
    left = [c for c in chapters() if c.name not in named]
    stamp = run.final / RUN_STAMP
    if not stamp.exists() or not run.starts_fresh() or not any(c.executed.exists() for c in left):
        return todo  # same data, or nothing known to be of other data
    print(f"[build] the chapters in book/ were run on another data source or file: all {len(named) + len(left)} "
          f"chapters run, so the book shows this run's data only", flush=True)
    return run_order([*todo, *left])


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
    todo = chapters(args.only)
    per_chapter = parse_params(args.param, todo)
    data = "replica" if source.kind == "replica" else str(source.path)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    start = time.perf_counter()
    try:
        digest = ""
        if source.kind == "lhsccc":
            from hukoumob.inputs.records import RecordsError

            try:
                digest = _validate_real_file(source.path)
            except RecordsError as err:
                print(f"error: {err}", file=sys.stderr)
                return 2
        run = Run(source.kind, digest)
        todo = widen_to_whole_book(todo, run)
        for chapter in todo:
            chapter.params = {"data_source": data, **per_chapter.get(chapter.name, {})}
        with run:
            executed, hashes = run_chapters(todo, force=args.force, run=run, data=digest)
            html = not args.no_html and (executed or not html_is_current())
            # every run zips its own results, with or without the HTML: a zip of an earlier run (another
            # file, another source) never stays beside this run's results
            archive_results(run.results, run.book / "results.zip")
            if html:
                project_archive()
            swap = run.swap_in(hashes)
            try:
                if html:
                    out = run.staging / "html-out"
                    build_html(output=out)
                    HTML_STAMP.unlink(missing_ok=True)
                    swap.replace(out / "_build" / "html", HTML)
                    HTML_STAMP.touch()
                elif not args.no_html:
                    print("[html] unchanged, kept", flush=True)
            except BaseException:
                swap.undo()  # the HTML failed or the build was stopped: put the previous run back
                raise
    except ChapterError as err:
        print(f"error: {err}", file=sys.stderr)
        print("the previous results and HTML are kept as they were", file=sys.stderr)
        return 1
    except Stopped as why:
        print(f"stopped by {why}: the previous results and HTML are kept as they were", file=sys.stderr)
        return 128 + int(getattr(signal, str(why), signal.SIGTERM))
    print(f"book built in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
