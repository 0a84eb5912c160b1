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


# --- displays built straight from fitted models ------------------------------------------------


def few_changers(men: pd.DataFrame, k: int, seed: int = 0) -> pd.DataFrame:
    """``men`` with only ``k`` of the rural-origin hukou changers left (the others kept a rural hukou)."""
    out = men.copy()
    changers = out.index[(out["hukou14_rural"] == 1) & (out["hukou_change"] == 1)]
    keep = pd.Index(np.random.default_rng(seed).choice(changers, k, replace=False))
    out.loc[changers.difference(keep), "hukou_change"] = 0
    return out


@pytest.fixture
def min_cell_10(tmp_path, monkeypatch):
    mapping = tmp_path / "m.yml"
    mapping.write_text(yaml.safe_dump({"variables": {}, "min_cell": 10}))
    monkeypatch.setenv("HUKOUMOB_LHSCCC_MAPPING", str(mapping))
    return 10


CHANGER_PARAMETERS = ["mu:hukou_change", "b:hukou_change", "b:educ_x_hukou_change"]


def test_table5_se_and_worked_numbers_hide_what_rests_on_few_changers(men, min_cell_10):
    from _leak_scanner import ValueScanner

    from hukoumob.tables.table5 import from_records as mr
    from hukoumob.tables.table5 import views

    few = few_changers(men, 8)  # 8 changers, min_cell 10
    t5 = mr.table5_from_records(few, models=("model3b", "model3c"))
    raw_w = mr.worked_numbers(t5.fits["model3b"], t5.fits["model3c"], t5.design_vcov["model3b"], t5.design_vcov["model3c"])
    se = disclosure.guard_table5_se(t5.se, few, "lhsccc")
    on_changers = se["parameter"].isin(CHANGER_PARAMETERS)
    assert on_changers.sum() == 4  # 3b: mu:hc; 3c: mu:hc, b:hc, b:educ x hc
    assert se.loc[on_changers, ["est", "se_model", "se_design", "deff"]].isna().all().all()
    assert se.loc[~on_changers, ["est", "se_model", "se_design"]].notna().all().all()
    assert (se.loc[on_changers, "disclosure"] != "").all()
    w = disclosure.guard_worked(raw_w, few, "lhsccc").set_index("name")
    stayers = ["assoc_stayers_3c", "factor_educ_stayers"]
    assert w.drop(index=stayers)["value"].isna().all() and (w.drop(index=stayers)["formula"] == "suppressed").all()
    assert w.loc[stayers, "value"].notna().all()
    # the second scanner: finds the hidden numbers when shown unguarded, and none once guarded
    forbidden = {f"{m} {p} {c}": v for m, p, c, v in t5.se[on_changers.to_numpy()].melt(
        id_vars=["model", "parameter"], value_vars=["est", "se_model", "se_design"])[
        ["model", "parameter", "variable", "value"]].itertuples(index=False)}
    forbidden |= {f"worked {n}": v for n, v in raw_w.set_index("name")["value"].drop(index=stayers).items()}
    scanner = ValueScanner(forbidden)
    style = {"est": "{:.3f}", "se_model": "{:.3f}", "se_design": "{:.3f}", "deff": "{:.2f}"}
    planted = views.standard_errors_table(t5.se).style.format(style).to_html() + raw_w.to_html()
    assert len({label for _, label, _ in scanner.scan_text(planted, "planted")}) >= 8
    shown = (views.standard_errors_table(se).style.format(style, na_rep="suppressed").to_html()
             + w.reset_index().to_html())
    assert scanner.scan_text(shown, "guarded") == []


def test_worked_numbers_each_have_a_rule(men):
    from hukoumob.tables.table5 import from_records as mr

    t5 = mr.table5_from_records(men, models=("model3b", "model3c"))
    names = set(mr.worked_numbers(t5.fits["model3b"], t5.fits["model3c"], t5.design_vcov["model3b"],
                                  t5.design_vcov["model3c"])["name"])
    assert names == set(disclosure.WORKED_PARAMETERS)
    for model, params in disclosure.WORKED_PARAMETERS.values():
        assert set(params) <= set(t5.fits[model].params.index)  # every rule names real parameters


def test_predicted_hazard_curves_drop_cells_and_years_of_few_men(men):
    pyo = table6.build_person_years(men)
    py = pyo.data
    fits = table6.fit_models(pyo)
    pred = table6.predicted_hazard(fits["model4"], table6.profile_rows(py))
    out = disclosure.guard_hazard(pred, py, "lhsccc")
    # independently: men of each education x hukou-change cell with and without a move, and at risk by year
    lev = np.select([py[f"educ_{lv}"] == 1 for lv in table6.LEVELS[1:]], table6.LEVELS[1:], default="primary")
    d = py.assign(education=lev)
    men_on = d.groupby(["education", "hukou_change"])["person"].nunique()
    movers = d[d["event"] == 1].groupby(["education", "hukou_change"])["person"].nunique().reindex(men_on.index, fill_value=0)
    small = {k for k in men_on.index if min(movers[k], men_on[k] - movers[k]) < 5}
    curves = set(map(tuple, pred[["education", "hukou_change"]].to_numpy().tolist()))
    assert small & curves, "the fake file has a small cell (the test can fail)"
    assert set(out.attrs["not_drawn"]) == small & curves
    drawn = set(map(tuple, out[["education", "hukou_change"]].to_numpy().tolist()))
    assert not drawn & small
    at_risk = d.groupby(["education", "hukou_change", "labor_market_experience"])["person"].nunique()
    for r in out.itertuples():
        assert at_risk.get((r.education, r.hukou_change, r.labor_market_experience), 0) >= 5
    assert len(disclosure.guard_hazard(pred, py, "replica")) == len(pred)  # replica untouched


def test_text_numbers_over_suppressed_cells_are_suppressed(men):
    from hukoumob.inputs import text_numbers as tn
    from hukoumob.tables import text_numbers

    outflow = tabulate.outflow_tables(men)
    text = text_numbers.outflow_numbers(outflow, "lhsccc")
    out = disclosure.protect(text, "text", men, threshold=5).set_index("id")
    t4 = disclosure.protect(outflow["table4"], "table4", men, threshold=5)
    t3 = disclosure.protect(outflow["table3"], "table3", men, threshold=5)
    hidden = {("table4", *k) for k in t4.loc[t4["disclosure"] != "", ["panel", "son_class", "father_class", "kind"]]
              .itertuples(index=False)} | {("table3", *k) for k in t3.loc[t3["disclosure"] != "", [
                  "panel", "son_class", "father_class", "kind"]].itertuples(index=False)}
    spec = tn.load_text_numbers().set_index("id")
    expect = {i for i in out.index if {(c.table, *c.key) for c in tn.parse_derivation(spec.loc[i, "derivation"]).cells} & hidden}
    assert expect, "the fake file's small cells reach a text number (the test can fail)"
    assert set(out.index[out["value"].isna()]) == expect


def test_shares_of_few_men_and_their_text(men, min_cell_10):
    few = few_changers(men, 8)
    facts = disclosure.guard_facts(table1_2.segmentation_facts(few), table1_2.segmentation_counts(few), "lhsccc")
    assert np.isnan(facts["movers_changed"]) and np.isfinite(facts["rural_origin"])
    assert disclosure.number_text(facts["movers_changed"], ".0%", "lhsccc") == "(suppressed: fewer than 10 men)"
    assert disclosure.number_text(facts["rural_origin"], ".0%", "lhsccc").endswith("%")
    with pytest.raises(ValueError):
        disclosure.number_text(float("nan"), ".2f", "replica")
