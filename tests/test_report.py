"""The reproducibility report (hukoumob.book.report): every published number has its rows and verdicts."""

from __future__ import annotations

import shutil

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from hukoumob.inputs import paths
from hukoumob.book import report
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import SCHEMAS


def _published_as_results(folder, source="replica", tables=tuple(SCHEMAS)):
    """A results/ folder whose numbers are the printed ones (text-valued letters included)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        frame = load_published(table, corrected=False)
        frame = frame[list(SCHEMAS[table].columns)].assign(source=source)
        frame.to_csv(folder / f"{table}.csv", index=False)
    return folder


def _every_published_key() -> set[tuple[str, str]]:
    return {
        (t, report.key_string(t, row)) for t in SCHEMAS for _, row in load_published(t, corrected=False).iterrows()
    }


def _assert_complete(rep: pd.DataFrame, sources: set[str]) -> None:
    assert report.missing_numbers(rep).empty
    per_source = rep.groupby("source")[["table", "key"]].apply(lambda f: set(zip(f["table"], f["key"])))
    assert set(per_source.index) == sources
    for source, keys in per_source.items():
        missing = _every_published_key() - keys
        assert not missing, f"{source}: {len(missing)} published numbers have no row, e.g. {sorted(missing)[:3]}"
    assert not rep.duplicated(["table", "key", "source"]).any()
    assert rep["verdict"].notna().all()
    assert set(rep["verdict"].astype(str)) <= set(report.REPORT_VERDICTS)


def test_empty_results_still_list_every_published_number(tmp_path):
    rep = report.build_report(tmp_path / "nothing")
    _assert_complete(rep, {"published_tables", "replica"})
    assert set(rep["verdict"].astype(str)) <= {"not reproduced from this source", "cannot be reproduced"}


def test_printed_numbers_as_results_are_reproduced(tmp_path):
    rep = report.build_report(_published_as_results(tmp_path / "results"))
    _assert_complete(rep, {"published_tables", "replica"})
    replica = rep[rep["source"] == "replica"]
    feasible = replica[replica["feasible"] == "yes"]
    assert (feasible["verdict"] == "reproduced").all()
    # Table 6's footnote letters are compared as text
    letters = replica[(replica["table"] == "table6") & replica["key"].str.endswith("statistic=sig")]
    assert len(letters) and (letters["verdict"] == "reproduced").all()
    # Table 2's U.S. column is not the replica's to give
    us = replica[replica["key"].str.startswith("model=us1962")]
    assert len(us) and (us["verdict"] == "cannot be reproduced").all()


def test_real_file_numbers_add_a_source(tmp_path):
    folder = _published_as_results(tmp_path / "results", source="lhsccc", tables=("table1",))
    rep = report.build_report(folder)
    _assert_complete(rep, {"published_tables", "replica", "lhsccc"})


def test_the_books_own_results_are_covered(tmp_path):
    """On what the chapters last wrote to results/ (when a build has run), no published number is missing."""
    real = paths.ROOT / "results"
    if not any(real.glob("table*.csv")):
        pytest.skip("no results/ yet: build the book first")
    folder = tmp_path / "copy"
    shutil.copytree(real, folder)
    rep = report.build_report(folder)
    _assert_complete(rep, set(rep["source"]))
    cov = report.coverage(rep)
    parts = [c for c in report.COVERAGE_COLUMNS if c != "published numbers"]
    assert (cov[parts].sum(axis=1) == cov["published numbers"]).all()


def test_inputs_and_impossible_numbers_are_not_counted_as_reproduced(tmp_path):
    rep = report.build_report(_published_as_results(tmp_path / "results", source="published_tables"))
    tab = rep[rep["source"] == "published_tables"].set_index(["table", "key"])
    unweighted = tab.loc[("table3", "panel=total;son_class=N;father_class=I_II;kind=unweighted_n")]
    assert unweighted["verdict"] == "cannot be reproduced" and unweighted["feasible"] == "input"
    cell = tab.loc[("table4", "panel=A_urban_origin;son_class=farm;father_class=I_II;kind=pct")]
    assert cell["verdict"] == "cannot be reproduced" and "round trip" in cell["reason"]
    total = tab.loc[("table4", "panel=A_urban_origin;son_class=farm;father_class=total;kind=pct")]
    assert total["verdict"] == "reproduced"
    assert (tab.loc["table1", "verdict"] == "cannot be reproduced").all()
    assert (tab.loc["table6", "verdict"] == "cannot be reproduced").all()
    cov = report.coverage(rep)
    assert cov.loc["all tables", "inputs of the published-table rebuild"] > 0


def test_a_difference_gets_a_verdict_and_a_reason(tmp_path):
    folder = _published_as_results(tmp_path / "results", tables=("table5", "table6"))
    t5 = pd.read_csv(folder / "table5.csv", dtype=str, keep_default_na=False)
    row = (t5["model"] == "model1") & (t5["term"] == "immobility") & (t5["statistic"] == "est")
    se = float(t5.loc[(t5["model"] == "model1") & (t5["term"] == "immobility") & (t5["statistic"] == "se"),
                      "value"].item())
    t5.loc[row, "value"] = str(float(t5.loc[row, "value"].item()) + 3 * se)
    t5.to_csv(folder / "table5.csv", index=False)
    t6 = pd.read_csv(folder / "table6.csv", dtype=str, keep_default_na=False)
    t6 = t6[~((t6["model"] == "model1") & (t6["term"] == "constant") & (t6["statistic"] == "sig"))]
    t6.to_csv(folder / "table6.csv", index=False)
    rep = report.build_report(folder).set_index(["table", "key", "source"])
    moved = rep.loc[("table5", "model=model1;panel=B_immobility;term=immobility;statistic=est", "replica")]
    assert moved["verdict"] == "differs" and moved["difference"] == pytest.approx(3 * se)
    assert moved["reason"] and moved["chapter"]
    letter = rep.loc[("table6", "model=model1;term=constant;statistic=sig", "replica")]
    assert letter["verdict"] == "differs" and letter["reproduced"] == "n.s."


def test_links_point_at_existing_chapter_sections():
    for chapter, anchor in {*report.CHAPTERS.values(), *report.EXPLAINED.values()}:
        source = paths.ROOT / "notebooks" / f"{chapter}.md"
        assert source.exists(), chapter
        anchors = {report.heading_anchor(line.lstrip("#").strip().replace("`", ""))
                   for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("#")}
        assert anchor in anchors, f"{chapter} has no section {anchor!r}"


def test_figure_has_one_panel_per_table(tmp_path):
    rep = report.build_report(_published_as_results(tmp_path / "results"))
    fig = report.plot_report(rep, "test")
    titled = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert len(titled) == len(SCHEMAS)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in titled)
    matplotlib.pyplot.close(fig)
