"""End-to-end: the chapters run in another order write byte-identical ``results/`` (issue 12).

Every number has one writer, rows are kept in the order of the results
contract whatever order they arrive in, and numbers written earlier keep
their digits when another chapter rewrites the file
(:func:`hukoumob.book.results.write_results`). Built in a copy of the
repository (``tests/_repo_copy.py``); the back matter, which reads
``results/`` (the introduction, conclusions and report), runs last in both orders.
"""

import shutil

import pytest
from _repo_copy import build, copy_repo

from hukoumob.book.build import chapters

pytestmark = pytest.mark.slow


def _files(folder):
    return {f.name: f.read_bytes() for f in sorted(folder.glob("*")) if f.is_file()}


def test_chapters_in_reverse_order_write_identical_results(tmp_path):
    repo = copy_repo(tmp_path / "book")
    forward = build(repo, "--no-html")
    assert forward.returncode == 0, forward.stdout + forward.stderr
    first = _files(repo / "results")
    assert {"table1.csv", "table5.csv", "reproducibility.csv", "replica_scorecard.csv"} <= set(first)

    shutil.rmtree(repo / "results")
    (repo / "_build" / "chapter-hashes.json").unlink()
    order = chapters()  # the build's run order: writers of results/ first, then its readers
    writers = [c.name for c in order if not c.reads_results]
    readers = [c.name for c in order if c.reads_results]
    assert len(writers) > 2 and readers
    for name in [*reversed(writers), *readers]:
        run = build(repo, "--only", name, "--no-html", "--force")
        assert run.returncode == 0, run.stdout + run.stderr
    second = _files(repo / "results")
    assert sorted(second) == sorted(first)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"results/ files that depend on the order of the chapters: {differ}"
