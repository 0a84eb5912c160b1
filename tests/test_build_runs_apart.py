"""``make chapter`` on another data source or file runs the whole book (issue 16, runs kept apart).

Without this, ``book/`` would keep the other chapters executed on the earlier data, and the HTML
built after a one-chapter run would show two sources side by side.
"""

import json

import pytest

from hukoumob.book import build


@pytest.fixture
def place(tmp_path, monkeypatch):
    """An empty ``book/`` and ``results/`` in a temporary folder."""
    book, results = tmp_path / "book", tmp_path / "results"
    book.mkdir()
    results.mkdir()
    monkeypatch.setattr(build, "BOOK", book)
    monkeypatch.setenv("HUKOUMOB_RESULTS", str(results))
    return book, results


def _stamp(results, source, data=""):
    (results / build.RUN_STAMP).write_text(json.dumps(build.Run(source, data).stamp))


def _names(todo):
    return [c.name for c in todo]


def test_same_source_runs_only_the_named_chapter(place):
    book, results = place
    _stamp(results, "replica")
    (book / "03_status_attainment.ipynb").write_text("{}")
    todo = build.chapters(["04_mobility_tables"])
    assert _names(build.widen_to_whole_book(todo, build.Run("replica"))) == ["04_mobility_tables"]


def test_another_file_runs_every_chapter(place, capsys):
    book, results = place
    _stamp(results, "lhsccc", "digest of file one")
    (book / "03_status_attainment.ipynb").write_text("{}")
    todo = build.chapters(["04_mobility_tables"])
    wide = build.widen_to_whole_book(todo, build.Run("lhsccc", "digest of file two"))
    assert _names(wide) == _names(build.chapters())
    assert "another data source or file" in capsys.readouterr().out


def test_the_replica_after_a_real_file_runs_every_chapter(place):
    book, results = place
    _stamp(results, "lhsccc", "digest")
    (book / "03_status_attainment.ipynb").write_text("{}")
    wide = build.widen_to_whole_book(build.chapters(["04_mobility_tables"]), build.Run("replica"))
    assert len(wide) == len(build.chapters())


def test_a_first_build_with_nothing_else_in_book_runs_the_named_chapter(place):
    todo = build.chapters(["04_mobility_tables"])
    assert _names(build.widen_to_whole_book(todo, build.Run("replica"))) == ["04_mobility_tables"]


def test_results_without_a_stamp_say_nothing_of_another_source(place):
    book, _ = place
    (book / "03_status_attainment.ipynb").write_text("{}")
    todo = build.chapters(["04_mobility_tables"])
    assert _names(build.widen_to_whole_book(todo, build.Run("replica"))) == ["04_mobility_tables"]
