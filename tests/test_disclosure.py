"""Disclosure control of real-file output (hukoumob.book.disclosure): rounding, small cells, curves."""

import numpy as np
import pandas as pd
import pytest
import yaml
from _fake_survey import fake_file

from hukoumob.book import disclosure, results
from hukoumob.inputs.published import load_published
from hukoumob.inputs.records import load_records
from hukoumob.tables import table1_2, table6, tabulate


@pytest.fixture(scope="module")
def men(tmp_path_factory):
    file, mfile, _, _ = fake_file(tmp_path_factory.mktemp("fake"))
    return load_records(str(file), mapping=mfile).men


@pytest.mark.parametrize("table", ["table3", "table4"])
def test_every_small_outflow_cell_is_suppressed_with_its_complement(men, table):
    frame = tabulate.outflow_tables(men)[table]
    out = disclosure.protect(frame, table, men, threshold=5)
    cells = out[(out["kind"] == "pct") & ~out["son_class"].isin(["total", "N"]) & (out["father_class"] != "total")]
    hidden = 0
    for panel, rows in cells.groupby("panel"):
        counts = disclosure.outflow_cells(men, table, panel)
        for r in rows.itertuples():
            n = counts.loc[r.son_class, r.father_class]
            if 0 < n < 5:
                assert pd.isna(r.value) and r.disclosure.startswith("suppressed"), (panel, r.son_class, r.father_class)
        grid = rows.pivot(index="son_class", columns="father_class", values="disclosure") != ""
        assert not (grid.sum(axis=0) == 1).any() and not (grid.sum(axis=1) == 1).any()  # none recoverable
        hidden += int(grid.to_numpy().sum())
    assert hidden > 0  # the fake file has small cells (the test can fail)


def test_values_are_rounded_to_the_printed_precision(men):
    out = disclosure.protect(table1_2.table1_rows(men), "table1", men, threshold=5)
    pub = load_published("table1", corrected=False).set_index(["variable", "statistic", "group"])["decimals"]
    for r in out.dropna(subset=["value"]).itertuples():
        d = pub.get((r.variable, r.statistic, r.group), 2)
        assert round(float(r.value), int(d)) == float(r.value)


def test_table1_proportion_resting_on_few_men_is_suppressed(men):
    few = men.copy()
    few["party_member"] = 0
    few.loc[few.index[:3], "party_member"] = 1  # three party members
    out = disclosure.protect(table1_2.table1_rows(few), "table1", few, threshold=5)
    party = out[out["variable"] == "party_member"]
    assert party["value"].isna().any()  # where they are
    assert (party["value"].isna() | (party["value"].astype(float) == 0)).all()  # a group without any: 0, rests on nobody
    assert out[out["variable"] == "educ"]["value"].notna().all()


def test_table6_term_with_few_events_is_suppressed(men):
    py = table6.build_person_years(men)
    rows = table6.table6_rows(table6.fit_models(py))
    support = disclosure.support(rows, "table6", men)
    out = disclosure.protect(rows, "table6", men, threshold=5)
    small = support < 5
    assert out.loc[small, "value"].isna().all() and out.loc[~small, "value"].notna().all()
    assert small.any()  # the fake file has such a term


def test_curve_steps_rest_on_min_cell_men(men):
    py = table6.build_person_years(men).data
    km = table6.cumulative_entry(py)
    assert ((km["n_events"] > 0) & (km["n_events"] < 5)).any()
    out = disclosure.protect_curve(km, 5)
    assert (out["n"] >= 5).all()
    for _, g in out.groupby("group"):
        pooled = km[(km["group"] == g["group"].iloc[0]) & (km["n"] >= 5)].set_index("experience")["n_events"].cumsum()
        jumps = np.diff(np.concatenate([[0], pooled.loc[g["experience"]].to_numpy()]))
        assert (jumps[jumps > 0] >= 5).all()


def test_min_cell_from_the_mapping(tmp_path, monkeypatch):
    mapping = tmp_path / "m.yml"
    mapping.write_text(yaml.safe_dump({"variables": {}, "min_cell": 10}))
    monkeypatch.setenv("HUKOUMOB_LHSCCC_MAPPING", str(mapping))
    assert disclosure.min_cell() == 10
    mapping.write_text(yaml.safe_dump({"variables": {}, "min_cell": 0}))
    with pytest.raises(ValueError, match="min_cell"):
        disclosure.min_cell()
    monkeypatch.delenv("HUKOUMOB_LHSCCC_MAPPING")
    assert disclosure.min_cell() == disclosure.DEFAULT_MIN_CELL


def test_real_file_rows_need_their_men_and_are_protected_when_written(men):
    frame = tabulate.outflow_tables(men)["table4"]
    with pytest.raises(ValueError, match="disclosure"):
        results.write_results(frame, "table4", "lhsccc")
    written = results.write_results(frame, "table4", "lhsccc", men=men)
    emptied = written.loc[written["disclosure"] != "", "value"]
    assert len(emptied) and (emptied.isna() | (emptied == "")).all()
    back = results.load_results("table4", "lhsccc")
    assert back.loc[back["disclosure"].fillna("") != "", "value"].isna().all()  # an empty field in the CSV
    compared = results.compare("table4", written)  # suppressed numbers are not compared (nor shown)
    assert len(compared) == int((written["disclosure"] == "").sum()) - int(
        (~written.set_index(["panel", "son_class", "father_class", "kind"]).index.isin(
            load_published("table4").set_index(["panel", "son_class", "father_class", "kind"]).index)
         & (written["disclosure"] == "").to_numpy()).sum())


def test_replica_is_not_touched(men):
    frame = tabulate.outflow_tables(men)["table3"]
    assert disclosure.guard(frame, "table3", "replica", men) is frame
    assert disclosure.count_text(3, "replica") == "3" and disclosure.count_text(3, "lhsccc") == "fewer than 5"


def test_a_run_writes_only_its_own_source(men, monkeypatch):
    monkeypatch.setenv("HUKOUMOB_RUN_SOURCE", "replica")
    with pytest.raises(ValueError, match="runs on 'replica'"):
        results.write_results(tabulate.outflow_tables(men)["table3"], "table3", "lhsccc", men=men)
