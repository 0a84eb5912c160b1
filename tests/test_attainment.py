"""Tables 1 and 2 (hukoumob.tables.table1_2): hand computations, known coefficients, R survey, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from _survey_oracle import SOURCES, reference

from hukoumob.tables import table1_2 as att
from hukoumob.tables import us1962
from hukoumob.book import results
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import SCHEMAS


@pytest.fixture(scope="module")
def men() -> pd.DataFrame:
    return att.simulate_attainment()


def cell(rows: pd.DataFrame, *key):
    keys = list(rows.columns[: len(key)])
    sel = rows
    for k, v in zip(keys, key):
        sel = sel[sel[k] == v]
    (value,) = sel["value"].tolist()
    return value


# --------------------------------------------------------------------------- Table 1
def hand_made() -> pd.DataFrame:
    """Six men: three rural, three urban, unequal weights."""
    return pd.DataFrame({
        "current_isei": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
        "first_isei": [2.0, 4.0, 6.0, 1.0, 1.0, 4.0],
        "educ": [0.0, 3.0, 6.0, 9.0, 12.0, 12.0],
        "father_isei": [16.0, 16.0, 16.0, 30.0, 40.0, 50.0],
        "father_educ": [0.0, 0.0, 3.0, 6.0, 6.0, 9.0],
        "birth_year": [40.0, 50.0, 60.0, 40.0, 50.0, 60.0],
        "hukou14_rural": [1, 1, 1, 1, 0, 0],
        "residence_rural": [1, 1, 1, 0, 0, 0],
        "party_member": [0, 0, 1, 1, 1, 0],
        "father_party_member14": [0, 0, 0, 0, 1, 1],
        "hukou_change": [0, 0, 0, 1, 0, 0],
        "weight": [1.0, 1.0, 2.0, 0.5, 0.5, 1.0],
        "stratum": ["r", "r", "r", "u", "u", "u"],
        "psu": [1, 2, 2, 1, 1, 2],
    })


def test_table1_weighted_means_sds_and_ns_by_hand():
    rows = att.table1_rows(hand_made())
    # rural first_isei: x = 2, 4, 6 with w = 1, 1, 2 -> mean 18/4 = 4.5;
    # sum w (x - m)^2 = 6.25 + 0.25 + 4.5 = 11, / sum w = 2.75, x n/(n-1) = 3/2 -> 4.125
    assert cell(rows, "first_isei", "mean", "rural") == pytest.approx(4.5)
    assert cell(rows, "first_isei", "sd", "rural") == pytest.approx(np.sqrt(4.125))
    # urban first_isei: x = 1, 1, 4 with w = .5, .5, 1 -> mean 5/2 = 2.5;
    # sum w (x - m)^2 = .5 * 2.25 * 2 + 2.25 = 4.5, / 2 = 2.25, x 3/2 = 3.375
    assert cell(rows, "first_isei", "mean", "urban") == pytest.approx(2.5)
    assert cell(rows, "first_isei", "sd", "urban") == pytest.approx(np.sqrt(3.375))
    # national: proportion rural residence = 4 / 6; weighted N = 6, unweighted 6
    assert cell(rows, "residence_rural", "proportion", "national") == pytest.approx(4 / 6)
    assert cell(rows, "hukou14_rural", "proportion", "urban") == pytest.approx(0.25)
    assert cell(rows, "party_member", "proportion", "rural") == pytest.approx(0.5)
    assert cell(rows, "N", "weighted_n", "national") == pytest.approx(6.0)
    assert cell(rows, "N", "weighted_n", "urban") == pytest.approx(2.0)
    assert cell(rows, "N", "unweighted_n", "rural") == 3
    # the residence proportion is only given for the national column (as printed)
    assert not ((rows["variable"] == "residence_rural") & (rows["group"] != "national")).any()
    assert rows["value"].notna().all()
    # rows follow the contract: written and compared without complaint
    results.write_results(rows, "table1", "replica")
    assert set(results.compare("table1", rows.assign(source="replica"))["verdict"])


def test_weighted_sd_is_scale_free_and_equals_sample_sd_with_equal_weights():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=50), rng.uniform(0.2, 3, 50)
    assert att.weighted_sd(x, w) == pytest.approx(att.weighted_sd(x, 7 * w))
    assert att.weighted_sd(x, np.ones(50)) == pytest.approx(np.std(x, ddof=1))
    with pytest.raises(att.AttainmentDataError, match="at least 2"):
        att.weighted_sd([1.0], [1.0])


def test_table1_hukou_split_groups_by_registration(men):
    by_res = att.table1_rows(men, "residence")
    by_huk = att.table1_rows(men, "hukou")
    reg = att.registration_rural_1996(men)
    assert cell(by_huk, "N", "unweighted_n", "urban") == (reg == 0).sum()
    assert cell(by_res, "N", "unweighted_n", "urban") == (men["residence_rural"] == 0).sum()
    assert cell(by_res, "current_isei", "mean", "urban") != cell(by_huk, "current_isei", "mean", "urban")


# --------------------------------------------------------------------------- Table 2
def test_table2_recovers_known_coefficients():
    big = att.simulate_attainment(men_per_psu=40, seed=11)
    fit = att.fit_table2(big)
    res = fit.fits["model2", "total"]
    true = big.attrs["true"]
    for term, value in true.items():
        assert abs(res.estimates[term] - value) < 4 * res.se[term], term
    # point estimates are weighted least squares: statsmodels WLS gives the same numbers
    data = att.with_urban_hukou14(big)
    x = sm.add_constant(data[list(att.MODEL2_TERMS)], prepend=False)
    wls = sm.WLS(data["current_isei"], x, weights=data["weight"]).fit()
    np.testing.assert_allclose(res.estimates.to_numpy(), wls.params.to_numpy(), rtol=1e-10)
    assert res.extra["r2"] == pytest.approx(wls.rsquared)
    # a rural domain fit equals WLS on the rural men alone
    rural = (big["residence_rural"] == 1).to_numpy()
    x1 = sm.add_constant(data.loc[rural, list(att.MODEL1_TERMS)], prepend=False)
    wls1 = sm.WLS(data.loc[rural, "current_isei"], x1, weights=data.loc[rural, "weight"]).fit()
    np.testing.assert_allclose(fit.fits["model1", "rural"].estimates.to_numpy(), wls1.params.to_numpy(), rtol=1e-10)


def test_table2_rows_follow_the_contract(men):
    rows = att.table2_rows(men)
    allowed = SCHEMAS["table2"].allowed
    for key, values in allowed.items():
        assert set(rows[key]) <= set(values)
    assert not rows.duplicated(["model", "sample", "term", "statistic"]).any()
    assert rows["value"].notna().all()
    p = rows[rows["statistic"] == "p"]
    assert set(zip(p["model"], p["sample"], p["term"])) == set(att.P_PRINTED)
    assert (rows.loc[rows["statistic"] == "se", "value"] > 0).all()
    assert "beta" not in set(rows.loc[rows["term"] == "constant", "statistic"])
    assert set(rows.loc[rows["term"] == "urban_hukou14", "model"]) == {"model2"}
    every = att.table2_rows(men, p_values="all")
    assert (every["statistic"] == "p").sum() == 3 * 5 + 6
    # beta = b sd(x) / sd(y) with the estimation sample's weighted SDs
    urban = men[men["residence_rural"] == 0]
    b = cell(rows, "model1", "urban", "educ", "b")
    implied = b * att.weighted_sd(urban["educ"], urban["weight"]) / att.weighted_sd(urban["current_isei"], urban["weight"])
    assert cell(rows, "model1", "urban", "educ", "beta") == pytest.approx(implied)
    # the comparison with the paper is a join on these keys
    comp = results.compare("table2", rows.assign(source="replica"))
    printed = load_published("table2")
    assert len(comp) == (printed["model"] != "us1962").sum()  # every Chinese number of Table 2


def test_hukou_and_residence_splits_differ_only_through_who_is_urban(men):
    by_res = att.table2_rows(men, "residence")
    by_huk = att.table2_rows(men, "hukou")
    key = ["model", "sample", "term", "statistic"]
    both = by_res.merge(by_huk, on=key, suffixes=("_res", "_huk"))
    same_total = both["sample"] == "total"
    np.testing.assert_allclose(both.loc[same_total, "value_res"], both.loc[same_total, "value_huk"])
    assert (both.loc[~same_total, "value_res"] - both.loc[~same_total, "value_huk"]).abs().max() > 0.01
    # when registration and residence coincide, so do the two splits
    aligned = men.copy()
    aligned["hukou14_rural"] = aligned["residence_rural"]
    aligned["hukou_change"] = 0
    a, b = att.table2_rows(aligned, "residence"), att.table2_rows(aligned, "hukou")
    np.testing.assert_allclose(a["value"], b["value"])
    # betas standardized with residence SDs: same as sample SDs under the residence split only
    res_r = att.table2_rows(men, "residence", beta_sds="residence")
    np.testing.assert_allclose(res_r["value"], by_res["value"])
    huk_r = att.table2_rows(men, "hukou", beta_sds="residence")
    urban_beta = (huk_r["sample"] == "urban") & (huk_r["statistic"] == "beta")
    assert not np.allclose(huk_r.loc[urban_beta, "value"], by_huk.loc[urban_beta, "value"])
    dist = att.split_distance({"residence": by_res, "hukou": by_huk})
    assert list(dist.index) == ["residence", "hukou"] and dist.notna().all().all()
    moments = att.split_moment_checks(men)
    assert set(moments["split"]) == {"residence", "hukou"} and moments["implied"].notna().all()


def test_split_is_validated(men):
    with pytest.raises(ValueError, match="split='registration'"):
        att.table2_rows(men, "registration")
    with pytest.raises(ValueError, match="beta_sds"):
        att.table2_rows(men, beta_sds="national")
    bad = men.copy()
    bad.loc[bad.index[:2], "hukou14_rural"] = 0
    bad.loc[bad.index[:2], "hukou_change"] = 1
    with pytest.raises(att.AttainmentDataError, match="hukou_change: 2 man"):
        att.registration_rural_1996(bad)


def test_model2_constant_under_the_1_2_coding(men):
    fit = att.fit_table2(men)
    est, se = att.constant_coded_1_2(fit)
    recoded = att.with_urban_hukou14(men)
    recoded["urban_hukou14"] += 1
    design = att.survey_design(men)
    from hukoumob.survey import svy_ols

    direct = svy_ols(recoded, "current_isei", list(att.MODEL2_TERMS), design)
    assert est == pytest.approx(direct.estimates["constant"])
    assert se == pytest.approx(direct.se["constant"])


# --------------------------------------------------------------------------- bad input
def test_missing_column_is_named(men):
    with pytest.raises(att.AttainmentDataError, match="column\\(s\\) missing.*first_isei"):
        att.table2_rows(men.drop(columns="first_isei"))
    with pytest.raises(att.AttainmentDataError, match="psu"):
        att.table2_rows(men.drop(columns="psu"))
    with pytest.raises(att.AttainmentDataError, match="birth_year"):
        att.table1_rows(men.drop(columns="birth_year"))


def test_missing_values_are_named_with_their_count(men):
    bad = men.copy()
    bad.loc[bad.index[[3, 10, 99]], "educ"] = np.nan
    with pytest.raises(att.AttainmentDataError, match="educ: 3 missing value\\(s\\) of 2800"):
        att.table2_rows(bad)
    with pytest.raises(att.AttainmentDataError, match="educ: 3 missing"):
        att.table1_rows(bad)
    bad2 = men.copy()
    bad2["residence_rural"] = bad2["residence_rural"].astype(float)
    bad2.loc[bad2.index[0], "residence_rural"] = 2.0
    with pytest.raises(att.AttainmentDataError, match="residence_rural: 1 value\\(s\\) other than 0/1"):
        att.table1_rows(bad2)
    with pytest.raises(att.AttainmentDataError, match="stratum: 1 missing"):
        att.table2_rows(men.assign(stratum=men["stratum"].where(men.index != 5)))
    with pytest.raises(att.AttainmentDataError, match="no rows"):
        att.table1_rows(men.iloc[:0])


def test_an_empty_group_stops_rather_than_giving_nan(men):
    all_rural = men.assign(residence_rural=1)
    with pytest.raises(att.AttainmentDataError, match="urban group has no men"):
        att.table1_rows(all_rural)
    with pytest.raises(att.AttainmentDataError, match="urban group has no men"):
        att.table2_rows(all_rural)


# --------------------------------------------------------------------------- published-only checks
def test_published_betas_and_constants_fit_table1_residence_groups():
    checks = att.published_checks()
    assert len(checks) == 16 + 1 + 4 + 1  # 16 Model 1 betas + Model 2 hukou beta, 4 constants, 1 recoding
    ok = checks.set_index(["model", "sample", "term", "check"])["consistent"]
    assert ok.drop(("model2", "total", "constant", "constant")).all()
    # Model 2's printed constant does not pass through the means with 0/1 coding, but does with 1/2
    assert not ok["model2", "total", "constant", "constant"]
    assert ok["model2", "total", "constant", "constant_hukou_coded_1_2"]


def test_annotate_comparison_adds_notes(men):
    comp = results.compare("table2", att.table2_rows(men).assign(source="replica"))
    noted = att.annotate_comparison(comp)
    row = noted[(noted["model"] == "model2") & (noted["term"] == "constant") & (noted["statistic"] == "b")]
    assert "1/2" in row["note"].iloc[0]
    # three rows get a chapter note, added to the verdict policy's own reason (replica rows carry one now)
    assert (noted["note"] != comp["note"]).sum() == 3


# --------------------------------------------------------------------------- path model, SE aside, layout
def test_path_coefficients_reproduce_table2_standardized_coefficients(men):
    us = att.us1962_path_coefficients()
    y = us[(us["target"] == "current_isei") & (us["kind"] == "path")].set_index("source")["value"]
    bd = us1962.us1962_table2_rows().set_index("term")["value"]
    for term in att.MODEL1_TERMS:
        assert y[term] == pytest.approx(bd[term])
    china = att.path_coefficients(att.weighted_correlations(men))
    yc = china[(china["target"] == "current_isei") & (china["kind"] == "path")].set_index("source")["value"]
    rows = att.table2_rows(men)
    for term in att.MODEL1_TERMS:
        assert yc[term] == pytest.approx(cell(rows, "model1", "total", term, "beta"))
    r2 = 1 - china.query("kind == 'residual' and target == 'current_isei'")["value"].iloc[0] ** 2
    assert r2 == pytest.approx(cell(rows, "model1", "total", "r2", "r2"))
    assert set(china["kind"]) == {"correlation", "path", "residual"}
    assert len(china) == 1 + 2 + 3 + 4 + 3


def test_path_diagram_draws(men):
    import matplotlib

    matplotlib.use("Agg")
    from hukoumob.figures import path_diagram

    fig = path_diagram.path_diagram_pair(
        {"U.S.": att.us1962_path_coefficients(), "China": att.path_coefficients(att.weighted_correlations(men))},
        "test",
    )
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[1].texts]
    assert any(t.startswith("R-squared") for t in labels)


def test_se_comparison_matches_table2(men):
    tab = att.se_comparison(men)
    rows = att.table2_rows(men)
    se = tab.set_index("term")["se_design"]
    for term in (*att.MODEL1_TERMS, "constant"):
        assert se[term] == pytest.approx(cell(rows, "model1", "total", term, "se"))
    assert (tab[["se_design", "se_cluster", "se_plain"]] > 0).all().all()


def test_format_tables(men):
    t1 = att.format_table1(att.table1_rows(men))
    assert t1.shape == (12, 3) and not t1.isna().any().any()
    t2 = att.format_table2(att.table2_rows(men), us1962.us1962_table2_rows())
    assert list(t2.columns) == ["U.S. 1962", "Model 1 urban", "Model 1 rural", "Model 1 total", "Model 2 total"]
    assert t2.loc[("Metric", "Urban hukou at 14"), "Model 1 urban"] == "-"
    assert t2.loc[("Metric", "Constant"), "U.S. 1962"] == "-"


# --------------------------------------------------------------------------- against R survey
@pytest.mark.parametrize("source", SOURCES)
def test_table2_against_r_survey(men, tmp_path, source):
    """Table 2's fits against R ``svyglm`` (tests/oracles/survey_table2.R): frozen every run, live where R is."""
    ref = reference("survey_table2", source, tmp_path)
    ref["term"] = ref["term"].replace({"(Intercept)": "constant"})
    ref = ref.set_index(["column", "term"]).astype(float)
    ours = {f"{m}_{s}": rows for (m, s), rows in att.fit_table2(men).fits.items()}
    ours["hukou_urban"] = att.fit_table2(men, "hukou").fits["model1", "urban"]
    checked = 0
    for column, res in ours.items():
        for term in res.estimates.index:
            r = ref.loc[(column, term)]
            assert res.estimates[term] == pytest.approx(r["est"], rel=1e-8), (column, term)
            assert res.se[term] == pytest.approx(r["se"], rel=1e-6), (column, term)
            assert res.p[term] == pytest.approx(r["p"], rel=1e-6, abs=1e-12), (column, term)
            checked += 1
    assert checked == 3 * 5 + 6 + 5 == len(ref)


def test_segmentation_facts_by_hand():
    facts = att.segmentation_facts(hand_made())
    assert facts["rural_origin"] == pytest.approx(4.5 / 6)
    assert facts["rural_residence"] == pytest.approx(4 / 6)
    assert facts["urban_residents_rural_origin"] == pytest.approx(0.25)
    assert facts["movers_changed"] == pytest.approx(1.0)
    assert facts["urban_hukou_rural_origin"] == pytest.approx(0.25)
    assert facts["rural_modal_isei"] == 30.0 and facts["rural_modal_share"] == pytest.approx(0.5)


def test_birth_year_is_given_in_two_digits_as_printed():
    four = hand_made().assign(birth_year=lambda d: d["birth_year"] + 1900)
    assert cell(att.table1_rows(four), "birth_year", "mean", "rural") == cell(
        att.table1_rows(hand_made()), "birth_year", "mean", "rural")
    mixed = hand_made()
    mixed.loc[0, "birth_year"] = 1940
    with pytest.raises(att.AttainmentDataError, match="birth_year: 1 four-digit and 5 two-digit"):
        att.table1_rows(mixed)


def test_runs_on_the_replica_when_present():
    records = pytest.importorskip("hukoumob.inputs.records")
    try:
        men = records.load_records("replica").men
    except Exception as err:  # the replica file is built separately
        pytest.skip(f"replica not available: {err}")
    t1 = att.table1_rows(men)
    t2 = att.table2_rows(men)
    assert t1["value"].notna().all() and t2["value"].notna().all()
    assert cell(t1, "N", "unweighted_n", "national") == len(men)
    assert cell(t1, "birth_year", "mean", "national") < 100  # two digits, as printed
    comp = results.compare("table2", t2.assign(source="replica"))
    assert len(comp) == (load_published("table2")["model"] != "us1962").sum()
