"""The R tabs of the chapters (issue 17): each R listing in ``notebooks/listings/`` fits the same model
as the Python listing beside it and prints the same numbers. Runs the R side where R and the package it
loads are present; says in one line what to install where not."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from hukoumob.inputs import paths

LISTINGS = paths.ROOT / "notebooks" / "listings"
R_FILES = sorted(LISTINGS.glob("*.R"))


def _printed(text: str) -> dict[str, list[float]]:
    """``name value [value ...]`` lines as numbers."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0]] = [float(v) for v in parts[1:]]
    return out


def _r_package(listing):
    return re.search(r"library\((\w+)\)", listing.read_text()).group(1)


def test_every_r_listing_checks_its_package_first():
    for r in R_FILES:
        text, package = r.read_text(), _r_package(r)
        guard = text.find(f'requireNamespace("{package}", quietly = TRUE)')
        assert 0 <= guard < text.find(f"library({package})"), f"{r.name}: no requireNamespace guard before library()"


@pytest.mark.needs_r
@pytest.mark.parametrize("listing", R_FILES, ids=[p.stem for p in R_FILES])
def test_a_missing_r_package_gives_one_clear_line(listing, tmp_path):
    """Bad input (issue 17): an R tab whose package is not installed says so in one line, no traceback."""
    if shutil.which("Rscript") is None:
        pytest.skip("R tabs need R: apt-get install r-base-core")
    package = _r_package(listing)
    missing = "hukoumobNoSuchPackage"
    text = listing.read_text().replace(f'requireNamespace("{package}"', f'requireNamespace("{missing}"')
    copy = tmp_path / listing.name
    copy.write_text(text.replace(f"library({package})", f"library({missing})"))
    r = subprocess.run(["Rscript", str(copy)], cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode != 0 and r.stdout == ""
    assert len(lines) == 1 and f"needs the R package {package}" in lines[0], r.stderr


def test_listings_come_in_pairs_and_are_shown_in_a_chapter():
    assert R_FILES, "no R listings"
    chapters = "\n".join(p.read_text() for p in (paths.ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
    for r in R_FILES:
        assert r.with_suffix(".py").exists(), f"{r.name} has no Python listing beside it"
        assert f"listings/{r.name}" in chapters and f"listings/{r.stem}.py" in chapters, f"{r.name} is in no chapter's tabs"


@pytest.mark.needs_r
@pytest.mark.parametrize("listing", R_FILES, ids=[p.stem for p in R_FILES])
def test_r_listing_prints_the_books_numbers(listing):
    package = _r_package(listing)
    if shutil.which("Rscript") is None:
        pytest.skip("R tabs need R: apt-get install r-base-core")
    has = subprocess.run(["Rscript", "-e", f'cat(nzchar(system.file(package = "{package}")))'],
                         capture_output=True, text=True)
    if has.stdout.strip() != "TRUE":
        pytest.skip(f"R tab {listing.name} needs the R package {package}: apt-get install r-cran-{package}")
    r = subprocess.run(["Rscript", str(listing)], cwd=paths.ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    py = subprocess.run([sys.executable, str(listing.with_suffix(".py"))], cwd=paths.ROOT,
                        capture_output=True, text=True, timeout=300)
    assert py.returncode == 0, py.stderr
    ours, theirs = _printed(py.stdout), _printed(r.stdout)
    assert ours and set(ours) == set(theirs), (py.stdout, r.stdout)
    for name, values in ours.items():
        assert values == pytest.approx(theirs[name], abs=1.01e-4), name
