"""End-to-end: execute every chapter on the default data and build the HTML, in a copy of the repo.

The copy (tracked and untracked, not ignored files) keeps the working tree
clean; ``PYTHONPATH`` points the kernel at the copy's package (helpers in
``tests/_repo_copy.py``, shared with ``tests/test_real_file_mode.py``).
"""

from pathlib import Path

import pandas as pd
import pytest
from _repo_copy import build as _build
from _repo_copy import copy_repo as _copy_repo
from _repo_copy import digest as _digest

pytestmark = pytest.mark.slow


def _browser_check(what: str, package: str) -> tuple[Path, str]:
    """``tests/a11y`` and the system Chromium for a check run by Node.js, or a skip naming what to install."""
    import shutil

    from hukoumob.inputs import paths

    a11y = paths.ROOT / "tests" / "a11y"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium or not shutil.which("node"):
        pytest.skip(f"{what} needs Chromium and Node.js: apt-get install chromium nodejs")
    if not (a11y / "node_modules" / package).is_dir():
        pytest.skip(f"{what} needs its npm packages: npm ci --prefix tests/a11y")
    return a11y, chromium


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    repo = _copy_repo(tmp_path_factory.mktemp("book"))
    before = _digest(repo / "data")
    first = _build(repo)
    second = _build(repo)
    return repo, before, first, second


def test_every_chapter_executes_and_the_html_builds(built):
    repo, _, first, _ = built
    assert first.returncode == 0, first.stdout + first.stderr
    chapters = sorted(p.stem for p in (repo / "notebooks").glob("[0-9][0-9]_*.md"))
    assert chapters, "no chapters found"
    for name in chapters:
        assert (repo / "book" / f"{name}.ipynb").exists()
        assert (repo / "_build" / "html" / "book" / f"{name}.html").exists()
        assert f"{name}: done in" in first.stdout


def test_chapters_write_results_that_match_the_contract(built):
    repo, *_ = built
    from hukoumob.inputs.schema import SCHEMAS, SOURCES

    written = sorted((repo / "results").glob("*.csv"))
    assert {"table3.csv", "table4.csv"} <= {f.name for f in written}
    for file in written:
        frame = pd.read_csv(file)
        if file.stem in SCHEMAS:
            assert set(frame["source"]) <= set(SOURCES), file.name
            assert not frame.duplicated([*SCHEMAS[file.stem].keys, "source"]).any(), file.name
    countries = pd.read_csv(repo / "results" / "comparison_countries.csv")
    assert list(countries.columns) == ["country", "term", "value"]
    for table in ("table3", "table4"):
        frame = pd.read_csv(repo / "results" / f"{table}.csv")
        assert (frame["source"] == "published_tables").sum() > 40


def test_report_and_replica_scorecard_agree_row_for_row(built):
    """results/reproducibility.csv (from what the chapters wrote) and results/replica_scorecard.csv (the
    replica's scorecard, computed from the men) give every calibration target the same numbers and verdict."""
    repo, *_ = built
    rep = pd.read_csv(repo / "results" / "reproducibility.csv", dtype=str, keep_default_na=False)
    card = pd.read_csv(repo / "results" / "replica_scorecard.csv", dtype=str, keep_default_na=False)
    rep = rep[rep["source"] == "replica"].set_index(["table", "key"])
    card = card[~card["key"].str.startswith("statement=")]  # stated facts, signs, moves: no printed number
    card = card.set_index(["table", "key"])
    if not (repo / "results" / "text.csv").exists():  # no chapter writes the text numbers (yet)
        card = card.drop(index="text", level="table", errors="ignore")
    assert len(card) > 300 and card.index.isin(rep.index).all()
    both = card.join(rep, rsuffix="_report")
    for col in ("published", "ours", "difference", "tolerance", "criterion", "verdict", "grade"):
        differ = both[both[col] != both[f"{col}_report"]]
        assert differ.empty, f"{col} differs for {len(differ)} numbers, e.g. {differ.index[0]}"
    assert ((both["verdict"] == "on calibration target") == (both["hit"] == "True")).all()


def test_unchanged_rebuild_reexecutes_nothing(built):
    _, _, _, second = built
    assert second.returncode == 0, second.stderr
    assert "executing" not in second.stdout
    assert "unchanged, kept" in second.stdout
    assert "[html] unchanged, kept" in second.stdout


def test_build_writes_nothing_under_data(built):
    repo, before, *_ = built
    assert _digest(repo / "data") == before


def test_failing_chapter_names_itself_and_its_error(built):
    repo, *_ = built
    broken = repo / "notebooks" / "99_broken.md"
    broken.write_text(
        (repo / "notebooks" / "02_data_and_variables.md").read_text().split("# Data and variables")[0]
        + "# Broken\n\n```{code-cell} ipython3\nx = 1\n```\n\n```{code-cell} ipython3\nraise ValueError('boom here')\n```\n"
    )
    try:
        run = _build(repo, "--only", "99_broken", "--no-html")
    finally:
        broken.unlink()
    assert run.returncode == 1
    assert "chapter 99_broken failed in code cell 2 (\"raise ValueError('boom here')\"): ValueError: boom here" in run.stderr
    assert len(run.stderr.splitlines()) < 25
    assert not (repo / "book" / "99_broken.ipynb").exists()


def test_unknown_data_source_stops_before_executing(built):
    repo, *_ = built
    run = _build(repo, "--data", "replika", "--no-html")
    assert run.returncode == 2
    assert "replika" in run.stderr and "executing" not in run.stdout


def test_no_page_fetches_anything_from_another_host(built):
    """Offline reading (issue 17): scripts, style sheets, fonts and images all ship with the book.

    The one remote URL left in the pages is sphinx-thebe's constant naming where thebe would come from;
    it loads only when a reader presses a live-code launch button, which the book does not show
    unless a repository is configured in ``_config.yml``.
    """
    from _html_scan import scan_site

    repo, *_ = built
    html = repo / "_build" / "html"
    assert (html / "_static" / "mathjax" / "tex-chtml.js").exists(), "MathJax is not shipped with the book"
    assert scan_site(html) == {}


def test_the_project_archive_holds_the_tracked_files_and_builds_a_chapter(built, tmp_path):
    """The book offers the whole project as one download (issue 17): its files are those the
    repository tracks, nothing the build made, and a chapter builds from the unpacked archive."""
    import subprocess
    import sys
    import zipfile

    from hukoumob.book.archive import ARCHIVE_NAME, TOP

    repo, *_ = built
    served = list((repo / "_build" / "html" / "_downloads").rglob(ARCHIVE_NAME))
    assert served, "the HTML does not offer the project archive"
    with zipfile.ZipFile(served[0]) as zf:
        names = {n.removeprefix(f"{TOP}/") for n in zf.namelist()}
        zf.extractall(tmp_path)
    for needed in ("README.md", "Makefile", "requirements.txt", "_config.yml", "_toc.yml", "MANIFEST.txt",
                   "src/hukoumob/__init__.py", "notebooks/02_data_and_variables.md", "data/published/table3.csv",
                   "data/replica/men.csv", "tests/test_build_end_to_end.py", ".ci/run"):
        assert needed in names, needed
    made = [n for n in names if n.startswith(("results/", "_build/", ".venv/")) or n.endswith((".ipynb", ".zip", ".dta"))]
    assert not made, f"build output in the archive: {made[:5]}"
    unpacked = tmp_path / TOP
    env = {**__import__("os").environ, "PYTHONPATH": str(unpacked / "src"), "HUKOUMOB_RESULTS": str(unpacked / "results")}
    run = subprocess.run([sys.executable, "-m", "hukoumob.book.build", "--only", "02_data_and_variables", "--no-html"],
                         cwd=unpacked, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (unpacked / "book" / "02_data_and_variables.ipynb").exists()


def test_no_serious_or_critical_accessibility_violations(built):
    """axe-core (WCAG 2.x A/AA rules) in headless Chromium over every page of the book, at 1280 and at
    390 px (issue 17).

    Needs Debian's ``chromium`` and the pinned npm packages of ``tests/a11y`` (``.ci/run`` installs
    both); skipped with one line saying what to install where either is missing.
    """
    import json
    import subprocess

    a11y, chromium = _browser_check("accessibility check", "axe-core")
    repo, *_ = built
    html = repo / "_build" / "html"
    pages = [p for p in sorted(html.rglob("*.html"))
             if "_static" not in p.parts and 'http-equiv="Refresh"' not in p.read_text(errors="replace")[:400]]
    assert len(pages) > 10
    run = subprocess.run(["node", str(a11y / "check.mjs"), chromium, *map(str, pages)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    bad = [f"{Path(page).relative_to(html)} at {v['width']} px: {v['impact']} {v['id']} ({v['help']}) at {v['nodes'][:2]}"
           for page, found in report.items() for v in found if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(bad)


def test_figure_type_is_at_least_the_body_text_at_1280_and_390_px(built):
    """Issue 17: in headless Chromium at 1280 and 390 px, the smallest type of every SVG figure of
    every page, at the size the figure is shown, is at least the body text's size, and the figure is
    within the screen or inside a box that scrolls sideways (``tests/a11y/figure_type.mjs``)."""
    import json
    import subprocess

    a11y, chromium = _browser_check("figure type check", "puppeteer-core")
    repo, *_ = built
    html = repo / "_build" / "html"
    pages = [p for p in sorted((html / "book").glob("*.html"))]
    bad, figures = [], 0
    for width in (1280, 390):
        run = subprocess.run(["node", str(a11y / "figure_type.mjs"), chromium, str(width), *map(str, pages)],
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
        for page, found in json.loads(run.stdout).items():
            for fig in found["figures"]:
                figures += 1
                name = f"{Path(page).name} {fig['src'].rsplit('/', 1)[-1][:12]} at {width} px"
                if fig["n_text"] == 0 or fig["min_text_px"] < found["body_px"] - 0.05:
                    bad.append(f"{name}: smallest type {fig['min_text_px']} px, body {found['body_px']} px")
                if not fig["fits"]:
                    bad.append(f"{name}: cut off (neither on the screen nor in a scrolling box)")
    assert figures >= 2 * 10, f"only {figures} figures measured"
    assert not bad, "\n".join(bad)


def test_page_weight(built):
    """Issue 17: no chapter page over 3 MB with its images, the whole site under 40 MB."""
    import re

    repo, *_ = built
    html = repo / "_build" / "html"
    total = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
    assert total < 40e6, f"_build/html is {total / 1e6:.1f} MB"
    for page in sorted((html / "book").glob("*.html")):
        text = page.read_text(errors="replace")
        images = {m for m in re.findall(r'<img[^>]+src="([^"]+)"', text) if not m.startswith("data:")}
        weight = page.stat().st_size + sum((page.parent / src).stat().st_size for src in images
                                           if (page.parent / src).is_file())
        assert weight < 3e6, f"{page.name}: {weight / 1e6:.1f} MB with its images"
