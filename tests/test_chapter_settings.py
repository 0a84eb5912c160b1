"""Per-chapter build settings (front matter ``hukoumob:``) and the run order they imply."""

from __future__ import annotations

from pathlib import Path

import pytest

from hukoumob.book import build

READERS = {"01_introduction", "08_conclusions", "90_reproducibility"}  # chapters that read results/


def _chapter(tmp_path: Path, name: str, block: str = "") -> build.Chapter:
    source = tmp_path / f"{name}.md"
    source.write_text(f"---\njupytext:\n  text_representation:\n    extension: .md\n{block}---\n\n# {name}\n")
    return build.Chapter(source)


def test_the_book_flags_the_chapters_that_read_results():
    flagged = {c.name for c in build.chapters() if c.reads_results}
    assert READERS <= flagged
    assert not {c.name for c in build.chapters() if c.name[:2] in {"02", "03", "04", "05", "07"}} & flagged


def test_readers_run_after_writers_and_back_matter_first(tmp_path):
    chs = [_chapter(tmp_path, "01_intro", "hukoumob:\n  reads_results: true\n"),
           _chapter(tmp_path, "02_data"),
           _chapter(tmp_path, "08_end", "hukoumob:\n  reads_results: true\n"),
           _chapter(tmp_path, "80_replica"),
           _chapter(tmp_path, "90_report", "hukoumob:\n  reads_results: true\n")]
    assert [c.name for c in build.run_order(chs)] == ["02_data", "80_replica", "90_report", "01_intro", "08_end"]


def test_the_real_book_runs_its_report_before_the_chapters_that_read_it():
    order = [c.name for c in build.chapters()]
    assert order.index("90_reproducibility") < order.index("08_conclusions")
    assert order.index("90_reproducibility") < order.index("01_introduction")
    assert max(order.index(n) for n in ("05_mobility_models", "80_replica")) < order.index("90_reproducibility")


@pytest.mark.parametrize(
    "block,message",
    [("hukoumob:\n  reads_result: true\n", "unknown hukoumob setting"),
     ("hukoumob:\n  reads_results: yes please\n", "must be true or false"),
     ("hukoumob: [1, 2]\n", "must be a mapping")],
)
def test_bad_settings_name_the_file_and_the_problem(tmp_path, block, message):
    with pytest.raises(ValueError, match=message):
        _chapter(tmp_path, "05_bad", block).reads_results


def test_no_settings_means_defaults(tmp_path):
    assert _chapter(tmp_path, "02_plain").reads_results is False
