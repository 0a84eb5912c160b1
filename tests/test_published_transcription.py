"""Checks of the transcription of Wu and Treiman's (2007) six tables in ``data/published/``.

The CSVs hold the numbers exactly as printed (one row per printed number);
``errata.csv`` lists the printed numbers that internal consistency proves to
be misprints, with their corrections. These tests read the files with pandas
and check (a) the results contract of :mod:`hukoumob.inputs.schema`, (b) facts about
the paper's layout (how many numbers each table prints, which models have
which rows), and (c) the arithmetic that ties printed numbers together
(percentages add to 100, Ns add to their totals, the Total column of an
outflow table is the N-weighted average of the father columns, ...). Every
check can fail: a mistyped number in a CSV breaks at least one of them.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from hukoumob.inputs import paths
from hukoumob.inputs.published import load_published, parse_key
from hukoumob.inputs.schema import CLASSES, SCHEMAS, TEXT_VALUED

PUB = paths.PUBLISHED
TABLES = sorted(SCHEMAS)
FATHER_COLS = (*CLASSES, "total")

#: Printed numbers per table, counted on the paper's table pages (a "-" is not a number).
PRINTED_COUNTS = {
    # 6 continuous x 3 groups x (mean, sd) + 4 proportions x 3 groups - 2 dashes + 2 N rows x 3
    "table1": 36 + 10 + 6,
    # metric: 5 terms x 4 columns x (b, se) + hukou (b, se); 4 p-values in notes c-f;
    # R2 in 5 columns; standardized: 4 terms x 5 columns + hukou in Model 2
    "table2": 40 + 2 + 4 + 5 + 21,
    # 7 rows (6 classes + Total) x 7 columns of percentages + 2 N rows x 7
    "table3": 49 + 14,
    "table4": 3 * (49 + 14),
    # A: 6 x 5; B: 5 x (est, se); C: overall 5 x 2 + p, hukou change 2 x 2, schooling 2 + p;
    # D: 3 x 2 + p; fit: 4 x 5
    "table5": 30 + 10 + 11 + 4 + 3 + 7 + 20,
    # est + se per printed cell (54 cells = 108) plus 22 footnote letters ... see below
    "table6": 121,
}
# Table 6 in detail: father rows 6 x 4 cells; education 4 x 3; party 3; hukou change 2;
# interactions 3 (college x hukou change is all dashes); experience 3; constant 4 -> 51 cells,
# i.e. 102 est/se numbers, plus 19 footnote letters.
TABLE6_CELLS = 6 * 4 + 4 * 3 + 3 + 2 + 3 + 3 + 4
TABLE6_LETTERS = 19


def read_raw(table: str) -> pd.DataFrame:
    """A transcribed table exactly as stored (all columns as text)."""
    return pd.read_csv(PUB / f"{table}.csv", dtype=str, keep_default_na=False)


def numeric(table: str) -> pd.DataFrame:
    """The table with ``value`` as numbers (Table 6's ``sig`` rows dropped)."""
    frame = read_raw(table)
    if table == "table6":
        frame = frame[frame["statistic"] != "sig"].copy()
    frame["value"] = frame["value"].astype(float)
    return frame


def errata() -> pd.DataFrame:
    return pd.read_csv(PUB / "errata.csv", dtype=str, keep_default_na=False)


def corrected(table: str) -> pd.DataFrame:
    """The numeric table with the errata applied (done here, independently of the package)."""
    frame = numeric(table)
    for _, row in errata().query("table == @table").iterrows():
        match = np.logical_and.reduce([frame[k] == v for k, v in parse_key(row["key"]).items()])
        frame.loc[match, "value"] = float(row["corrected"])
    return frame


def outflow_panels(frame: pd.DataFrame):
    """Yield (panel, pct matrix son x father, weighted Ns, unweighted Ns) of Table 3 or 4."""
    for panel, d in frame.groupby("panel", sort=False):
        pct = d[d["kind"] == "pct"].pivot(index="son_class", columns="father_class", values="value")
        wn = d[d["kind"] == "weighted_n"].set_index("father_class")["value"]
        un = d[d["kind"] == "unweighted_n"].set_index("father_class")["value"]
        yield panel, pct.loc[[*CLASSES, "total"], list(FATHER_COLS)], wn, un


def weighted_average_interval(pcts: np.ndarray, ns: np.ndarray) -> tuple[float, float]:
    """Range of sum(n*p)/sum(n) when every p is known to +-0.05 and every n to +-0.5."""
    values = []
    for shift in itertools.product((-0.5, 0.5), repeat=len(ns)):
        n = ns + np.array(shift)
        for p in (np.clip(pcts - 0.05, 0, None), pcts + 0.05):
            values.append(float((n * p).sum() / n.sum()))
    return min(values), max(values)


def total_column_misses(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """(panel, son_class) whose printed Total-column percentage no rounding can reconcile
    with the N-weighted average of the father columns."""
    misses = set()
    for panel, pct, wn, _ in outflow_panels(frame):
        ns = wn[list(CLASSES)].to_numpy(float)
        for son in CLASSES:
            lo, hi = weighted_average_interval(pct.loc[son, list(CLASSES)].to_numpy(float), ns)
            printed = pct.loc[son, "total"]
            if printed + 0.05 < lo or printed - 0.05 > hi:
                misses.add((panel, son))
    return misses


# --------------------------------------------------------------------------- contract


@pytest.mark.parametrize("table", TABLES)
def test_columns_are_exactly_the_schema(table):
    assert tuple(read_raw(table).columns) == SCHEMAS[table].columns


@pytest.mark.parametrize("table", TABLES)
def test_key_values_are_allowed_and_filled(table):
    frame = read_raw(table)
    for key, allowed in SCHEMAS[table].allowed.items():
        bad = set(frame[key]) - set(allowed)
        assert not bad, f"{table}.{key}: unknown values {sorted(bad)}"
    assert (frame != "").all().all(), f"{table}: empty cells"


@pytest.mark.parametrize("table", TABLES)
def test_no_duplicate_keys(table):
    frame = read_raw(table)
    dup = frame[frame.duplicated(list(SCHEMAS[table].keys), keep=False)]
    assert dup.empty, dup


@pytest.mark.parametrize("table", TABLES)
def test_values_are_numbers_except_footnote_letters(table):
    frame = read_raw(table)
    text = pd.Series(False, index=frame.index)
    for name, column, level in TEXT_VALUED:
        if name == table:
            text |= frame[column] == level
    numbers = pd.to_numeric(frame.loc[~text, "value"], errors="coerce")
    assert numbers.notna().all(), frame.loc[~text][numbers.isna()]
    assert set(frame.loc[text, "value"]) <= {"b", "c", "d"}


@pytest.mark.parametrize("table", TABLES)
def test_row_count_equals_printed_numbers(table):
    assert len(read_raw(table)) == PRINTED_COUNTS[table]


def test_table6_count_breakdown():
    t6 = read_raw("table6")
    assert (t6["statistic"] == "est").sum() == TABLE6_CELLS
    assert (t6["statistic"] == "se").sum() == TABLE6_CELLS
    assert (t6["statistic"] == "sig").sum() == TABLE6_LETTERS
    assert PRINTED_COUNTS["table6"] == 2 * TABLE6_CELLS + TABLE6_LETTERS


@pytest.mark.parametrize("table", TABLES)
def test_package_loader_accepts_the_files(table):
    """The package's own validation and errata application agree with the checks here."""
    loaded = load_published(table)
    ours = corrected(table) if table != "table6" else None
    if ours is not None:
        keys = list(SCHEMAS[table].keys)
        merged = loaded.merge(ours, on=keys, suffixes=("_pkg", "_here"))
        assert len(merged) == len(ours)
        assert np.allclose(merged["value_pkg"].astype(float), merged["value_here"])
        assert int(loaded["erratum"].sum()) == len(errata().query("table == @table"))


# --------------------------------------------------------------------------- errata


def test_errata_match_the_printed_values():
    """Each erratum names exactly one transcribed row whose printed value is the one stated,
    so neither the errata file nor the transcription can drift without failing here."""
    e = errata()
    assert list(e.columns) == ["table", "key", "printed", "corrected", "reason"]
    assert not e.duplicated(["table", "key"]).any()
    for _, row in e.iterrows():
        assert row["table"] in SCHEMAS
        key = parse_key(row["key"])
        assert set(key) == set(SCHEMAS[row["table"]].keys), row["key"]
        frame = numeric(row["table"])
        match = np.logical_and.reduce([frame[k] == v for k, v in key.items()])
        assert match.sum() == 1, row["key"]
        assert frame.loc[match, "value"].iloc[0] == float(row["printed"]), row["key"]
        assert float(row["corrected"]) != float(row["printed"])
        assert len(row["reason"]) > 40


def test_errata_list():
    """The misprints found: Table 3's unweighted N of class III and four cells of the Total
    column of Table 4, Panel C."""
    got = {(r.table, r.key, float(r.printed), float(r.corrected)) for r in errata().itertuples()}
    c = "panel=C_rural_origin_rural_now;son_class={};father_class=total;kind=pct"
    assert got == {
        ("table3", "panel=total;son_class=N;father_class=III;kind=unweighted_n", 707.0, 107.0),
        ("table4", c.format("I_II"), 5.5, 6.0),
        ("table4", c.format("IVab"), 3.7, 3.2),
        ("table4", c.format("V_VI"), 9.0, 12.7),
        ("table4", c.format("VIIa"), 7.5, 3.7),
    }


# --------------------------------------------------------------------------- Tables 3 and 4


@pytest.mark.parametrize("table", ["table3", "table4"])
def test_outflow_columns_sum_to_100_and_match_total_row(table):
    for panel, pct, _, _ in outflow_panels(corrected(table)):
        for col in FATHER_COLS:
            column_sum = pct.loc[list(CLASSES), col].sum()
            printed_total = pct.loc["total", col]
            assert abs(column_sum - 100) <= 0.3, (panel, col, column_sum)
            assert abs(printed_total - 100) <= 0.3, (panel, col, printed_total)
            assert abs(column_sum - printed_total) <= 0.1 + 1e-9, (panel, col, column_sum, printed_total)


@pytest.mark.parametrize("table", ["table3", "table4"])
def test_total_column_is_weighted_average_of_father_columns(table):
    """With errata applied, every Total-column cell equals the N-weighted average of the
    father columns within the paper's rounding (computed as an exact interval), and thus
    also within the looser 0.6 points."""
    frame = corrected(table)
    assert total_column_misses(frame) == set()
    for panel, pct, wn, _ in outflow_panels(frame):
        ns = wn[list(CLASSES)].to_numpy(float)
        for son in CLASSES:
            avg = (pct.loc[son, list(CLASSES)].to_numpy(float) * ns).sum() / ns.sum()
            assert abs(avg - pct.loc[son, "total"]) <= 0.6, (panel, son)


def test_printed_total_column_misses_are_exactly_the_errata():
    assert total_column_misses(numeric("table3")) == set()
    listed = {
        (k["panel"], k["son_class"])
        for k in map(parse_key, errata().query("table == 'table4'")["key"])
        if k["father_class"] == "total" and k["kind"] == "pct"
    }
    assert total_column_misses(numeric("table4")) == listed
    assert listed == {("C_rural_origin_rural_now", s) for s in ("I_II", "IVab", "V_VI", "VIIa")}


@pytest.mark.parametrize("table", ["table3", "table4"])
@pytest.mark.parametrize("kind", ["weighted_n", "unweighted_n"])
def test_ns_add_up_to_total(table, kind):
    for panel, _, wn, un in outflow_panels(corrected(table)):
        n = wn if kind == "weighted_n" else un
        assert n[list(CLASSES)].sum() == n["total"], (panel, kind)


def test_printed_table3_unweighted_ns_do_not_add_up():
    """The raw printed value is what the erratum says it is (707, adding up to 3,444)."""
    t3 = numeric("table3")
    un = t3[t3["kind"] == "unweighted_n"].set_index("father_class")["value"]
    assert un[list(CLASSES)].sum() == 3444 and un["total"] == 2844


def test_table3_is_panels_a_and_b_of_table4_combined():
    """Table 3 covers all men, Table 4 Panels A and B split them by hukou origin: weighted Ns
    add up (within rounding) and every Table 3 percentage is the N-weighted mix of Panels A
    and B within the rounding interval."""
    panels = {p: (pct, wn) for p, pct, wn, _ in outflow_panels(corrected("table4"))}
    (_, pct3, wn3, _), = list(outflow_panels(corrected("table3")))
    pa, wa = panels["A_urban_origin"]
    pb, wb = panels["B_rural_origin"]
    for col in FATHER_COLS:
        assert abs(wa[col] + wb[col] - wn3[col]) <= 1
        for son in CLASSES:
            lo, hi = weighted_average_interval(
                np.array([pa.loc[son, col], pb.loc[son, col]]), np.array([wa[col], wb[col]])
            )
            assert lo - 0.05 <= pct3.loc[son, col] <= hi + 0.05, (son, col)


def test_table4_panel_c_fits_inside_panel_b():
    """Panel C (rural origin, still rural hukou) is a subset of Panel B (rural origin), so no
    cell can hold more weighted men in C than in B."""
    panels = {p: (pct, wn) for p, pct, wn, _ in outflow_panels(corrected("table4"))}
    pb, wb = panels["B_rural_origin"]
    pc, wc = panels["C_rural_origin_rural_now"]
    for col in FATHER_COLS:
        assert wc[col] <= wb[col]
        for son in CLASSES:
            assert (pc.loc[son, col] - 0.05) * (wc[col] - 0.5) <= (pb.loc[son, col] + 0.05) * (wb[col] + 0.5)


# --------------------------------------------------------------------------- Table 1


def test_table1_ns_and_national_means():
    t1 = corrected("table1").set_index(["variable", "statistic", "group"])["value"]
    for stat in ("weighted_n", "unweighted_n"):
        assert t1["N", stat, "rural"] + t1["N", stat, "urban"] == t1["N", stat, "national"]
    nr, nu = t1["N", "weighted_n", "rural"], t1["N", "weighted_n", "urban"]
    share = nr / (nr + nu)
    for var, stat, half in [
        ("current_isei", "mean", 0.05), ("first_isei", "mean", 0.05), ("educ", "mean", 0.05),
        ("father_isei", "mean", 0.05), ("father_educ", "mean", 0.05), ("birth_year", "mean", 0.05),
        ("hukou14_rural", "proportion", 0.005), ("party_member", "proportion", 0.005),
        ("father_party_member14", "proportion", 0.005),
    ]:
        mix = share * t1[var, stat, "rural"] + (1 - share) * t1[var, stat, "urban"]
        assert abs(mix - t1[var, stat, "national"]) <= 2 * half + 1e-9, var
    # national SD from the within- and between-group variance of the two residence groups
    for var in ("current_isei", "first_isei", "educ", "father_isei", "father_educ", "birth_year"):
        mr, mu = t1[var, "mean", "rural"], t1[var, "mean", "urban"]
        pooled = (share * t1[var, "sd", "rural"] ** 2 + (1 - share) * t1[var, "sd", "urban"] ** 2
                  + share * (1 - share) * (mu - mr) ** 2)
        assert abs(np.sqrt(pooled) - t1[var, "sd", "national"]) <= 0.12, var
    # the rural and urban columns of "Current residence: rural" are printed as "-"
    assert ("residence_rural", "proportion", "rural") not in t1.index
    assert ("residence_rural", "proportion", "national") in t1.index
    for var in ("current_isei", "first_isei", "educ", "father_isei", "father_educ", "birth_year"):
        assert all((var, s, g) in t1.index for s in ("mean", "sd") for g in ("national", "rural", "urban"))


# --------------------------------------------------------------------------- Table 2


def test_table2_has_every_printed_column():
    t2 = numeric("table2")
    cols = {("us1962", "us1962"), ("model1", "urban"), ("model1", "rural"), ("model1", "total"), ("model2", "total")}
    assert set(zip(t2["model"], t2["sample"])) == cols
    cell = t2.set_index(["model", "sample", "term", "statistic"])["value"]
    chinese = cols - {("us1962", "us1962")}
    for m, s in chinese:
        for term in ("father_educ", "father_isei", "educ", "first_isei", "constant"):
            assert (m, s, term, "b") in cell.index and (m, s, term, "se") in cell.index
    for m, s in cols:
        assert (m, s, "r2", "r2") in cell.index
        for term in ("father_educ", "father_isei", "educ", "first_isei"):
            assert (m, s, term, "beta") in cell.index
    # urban hukou at 14 only in Model 2; the U.S. column has no metric coefficients
    assert set(t2.loc[t2["term"] == "urban_hukou14", "model"]) == {"model2"}
    assert set(t2.loc[t2["model"] == "us1962", "statistic"]) == {"beta", "r2"}
    # p-values only where notes c-f print them
    p = t2[t2["statistic"] == "p"]
    assert set(zip(p["sample"], p["term"])) == {
        ("rural", "father_educ"), ("total", "father_educ"), ("urban", "father_isei"), ("total", "constant")
    }
    assert p["value"].between(0, 1).all()
    assert (t2.loc[t2["statistic"] == "se", "value"] > 0).all()


def test_table2_standardized_coefficients_follow_from_table1_sds():
    """beta = b * sd(x) / sd(y) with the SDs of Table 1 (national SDs for the total sample):
    a check that every metric coefficient sits in the right column."""
    t1 = numeric("table1").set_index(["variable", "statistic", "group"])["value"]
    t2 = numeric("table2").set_index(["model", "sample", "term", "statistic"])["value"]
    group = {"urban": "urban", "rural": "rural", "total": "national"}
    for model, sample in [("model1", "urban"), ("model1", "rural"), ("model1", "total"), ("model2", "total")]:
        g = group[sample]
        for term in ("father_educ", "father_isei", "educ", "first_isei"):
            implied = t2[model, sample, term, "b"] * t1[term, "sd", g] / t1["current_isei", "sd", g]
            assert abs(implied - t2[model, sample, term, "beta"]) < 0.01, (model, sample, term)


# --------------------------------------------------------------------------- Table 5

MODELS5 = ("model1", "model2", "model3a", "model3b", "model3c")


def test_table5_has_every_model_and_core_rows():
    t5 = numeric("table5")
    cell = t5.set_index(["model", "panel", "term", "statistic"])["value"]
    assert set(t5["model"]) == set(MODELS5)
    for m in MODELS5:
        for cls in CLASSES:
            assert (m, "A_scaling", cls, "est") in cell.index
        assert (m, "B_immobility", "immobility", "est") in cell.index
        assert (m, "B_immobility", "immobility", "se") in cell.index
        assert (m, "C_association", "overall_association", "est") in cell.index
        for term in ("N", "loglik", "lr_chi2", "df"):
            assert (m, "fit", term, "est") in cell.index
    # no standard errors for scaling parameters (note a)
    assert set(t5.loc[t5["panel"] == "A_scaling", "statistic"]) == {"est"}
    # association x hukou change in 3b and 3c; schooling terms only in 3c
    assert set(t5.loc[t5["term"] == "association_x_hukou_change", "model"]) == {"model3b", "model3c"}
    for term in ("association_x_educ", "educ", "hukou_change", "educ_x_hukou_change"):
        assert set(t5.loc[t5["term"] == term, "model"]) == {"model3c"}
    p = t5[t5["statistic"] == "p"]
    assert set(p["term"]) == {"overall_association", "association_x_educ", "educ_x_hukou_change"}
    assert set(p["model"]) == {"model3c"}


def test_table5_scaling_metric_is_normalized():
    """The SOR model identifies the scale by sum(phi) = 0 and sum(phi^2) = 1."""
    a = numeric("table5").query("panel == 'A_scaling'")
    for m, phi in a.groupby("model")["value"]:
        assert abs(phi.sum()) <= 6 * 0.0005 + 1e-9, m
        assert abs((phi**2).sum() - 1) <= 0.003, m


def test_table5_n_is_six_records_per_man():
    """Each man contributes one record per destination class (6) to the conditional logit."""
    n = numeric("table5").query("term == 'N'").set_index("model")["value"]
    t3 = corrected("table3").query("kind == 'unweighted_n' and father_class == 'total'")["value"].item()
    t4 = corrected("table4").query("kind == 'unweighted_n' and father_class == 'total'").set_index("panel")["value"]
    assert n["model1"] == 6 * t3
    assert n["model2"] == 6 * t4["A_urban_origin"]
    for m in ("model3a", "model3b", "model3c"):
        assert n[m] == 6 * t4["B_rural_origin"]


# --------------------------------------------------------------------------- Table 6


def test_table6_models_and_rows():
    t6 = read_raw("table6")
    assert set(t6["model"]) == {"model1", "model2", "model3", "model4"}
    models = t6[t6["statistic"] == "est"].groupby("term")["model"].apply(set).to_dict()
    every = {"model1", "model2", "model3", "model4"}
    for term in ("father_III", "father_IVab", "father_V_VI", "father_VIIa", "father_educ",
                 "father_party_member", "constant"):
        assert models[term] == every, term
    for term in ("educ_junior_hs", "educ_senior_hs", "educ_vocational", "educ_college",
                 "party_member", "labor_market_experience"):
        assert models[term] == {"model2", "model3", "model4"}, term
    assert models["hukou_change"] == {"model3", "model4"}
    for term in ("junior_hs_x_hukou_change", "senior_hs_x_hukou_change", "vocational_x_hukou_change"):
        assert models[term] == {"model4"}, term
    # printed as dashes in every model (all tertiary-educated men changed hukou)
    assert "college_x_hukou_change" not in models
    # every est has its se, every footnote letter belongs to an est
    est = set(zip(t6.loc[t6.statistic == "est", "model"], t6.loc[t6.statistic == "est", "term"]))
    se = set(zip(t6.loc[t6.statistic == "se", "model"], t6.loc[t6.statistic == "se", "term"]))
    sig = set(zip(t6.loc[t6.statistic == "sig", "model"], t6.loc[t6.statistic == "sig", "term"]))
    assert est == se and sig <= est
    assert (numeric("table6").query("statistic == 'se'")["value"] > 0).all()
