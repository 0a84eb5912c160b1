"""A downloaded chapter notebook opened outside the project says what it needs in one line (issue 17)."""

import subprocess
import sys

from hukoumob.book.build import GUARD_CELL, GUARD_TAG, _to_notebook
from hukoumob.inputs import paths


def test_guard_stops_with_one_line_where_hukoumob_is_missing(tmp_path):
    # -S: no site-packages, so the package is not importable, as on a machine without the project
    run = subprocess.run([sys.executable, "-S", "-I", "-c", GUARD_CELL], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr
    assert "hukou-replication-book.zip" in lines[0] and "make book" in lines[0]


def test_guard_passes_inside_the_project():
    run = subprocess.run([sys.executable, "-c", GUARD_CELL], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_every_chapter_notebook_starts_with_the_guard(tmp_path):
    import nbformat

    for source in sorted((paths.ROOT / "notebooks").glob("[0-9][0-9]_*.md")):
        target = tmp_path / f"{source.stem}.ipynb"
        _to_notebook(source, target)
        first = nbformat.read(target, as_version=4).cells[0]
        assert first.cell_type == "code" and GUARD_TAG in first.metadata["tags"], source.name
        assert "remove-cell" in first.metadata["tags"]
