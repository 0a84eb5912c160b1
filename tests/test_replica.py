"""The synthetic replica: reproducible, calibrated to Tables 1-4, exact Table 2 by residence, parameters recovered."""

import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest

from hukoumob.inputs import paths
from hukoumob.tables import table1_2, tabulate
from hukoumob.inputs.published import load_published
from hukoumob.replica import calibrate as cal
from hukoumob.replica import generate as gen
from hukoumob.replica import io
from hukoumob.inputs.schema import CLASSES


def test_regeneration_is_byte_identical(params, tmp_path):
    io.save_men(gen.generate(params), tmp_path)
    new = hashlib.sha256((tmp_path / "men.csv").read_bytes()).hexdigest()
    old = hashlib.sha256((paths.REPLICA / "men.csv").read_bytes()).hexdigest()
    assert new == old
    assert (paths.REPLICA / "men.csv").stat().st_size < 5_000_000


def test_unweighted_ns_exact(men):
    t1 = load_published("table1").query("statistic == 'unweighted_n'").set_index("group")["value"]
    assert len(men) == t1["national"]
    assert (men["residence_rural"] == 1).sum() == t1["rural"]
    assert (men["residence_rural"] == 0).sum() == t1["urban"]


def test_table1_within_rounding(men):
    rep = table1_2.table1_rows(men)
    pub = load_published("table1")
    m = pub.merge(rep, on=["variable", "statistic", "group"], suffixes=("_p", "_r"))
    tol = m["statistic"].map({"mean": 0.1, "sd": 0.2, "proportion": 0.01, "weighted_n": 0.5, "unweighted_n": 0})
    miss = m[(m["value_r"] - m["value_p"].astype(float)).abs() > tol + 1e-9]
    # the one known miss: the printed rural share disagrees with the printed weighted Ns
    assert list(miss["variable"]) == ["residence_rural"]


def test_outflow_percentages_within_half_a_point(men):
    for table, rep in tabulate.outflow_tables(men).items():
        pub = load_published(table)
        n = pub[pub["kind"] == "weighted_n"].set_index(["panel", "father_class"])["value"]
        m = pub[(pub["kind"] == "pct") & pub["son_class"].isin(CLASSES)].merge(rep, on=["panel", "son_class", "father_class", "kind"])
        big = m[[n.get((p, f), 0) >= 50 for p, f in zip(m["panel"], m["father_class"])]]
        hit = (big["value_x"].astype(float) - big["value_y"]).abs() <= 0.5
        assert hit.mean() >= (1.0 if table == "table4" else 0.97), big[~hit]


def test_table2_model1_by_residence(men, params):
    est = cal.table2_estimates(men)
    for s in ("urban", "rural"):
        for k, term in enumerate(["father_educ", "father_isei", "educ", "first_isei"]):
            assert est[("model1", s, term)] == pytest.approx(params["status"]["b"][s][k], abs=0.02)


def test_person_years_within_two_percent(men):
    from hukoumob.tables.table6 import person_years
    from hukoumob.replica.targets import person_years_target

    assert abs(len(person_years(men)) / person_years_target() - 1) <= 0.02


def test_clustering_is_real(men):
    """A PSU effect: schooling varies between PSUs more than chance allows (one-way ANOVA F)."""
    rural = men[men["residence_rural"] == 1]
    groups = [g["educ"].to_numpy() for _, g in rural.groupby("psu")]
    from scipy import stats

    assert stats.f_oneway(*groups).pvalue < 1e-6


def test_model3c_parameters_recovered_on_a_large_draw(params):
    """10x replica drawn from the model alone (no conditioning on the tables): Model 3c's b and mu recovered."""
    big = gen.generate(params, seed=7, scale=10, exact=False, hazard=False)
    res = cal.fit_model3c(big)
    true = params["destinations"]["model3c"]
    se = res.bse
    pairs = {"b:educ": true["b"][0], "b:hukou_change": true["b"][1], "b:educ_x_hukou_change": true["b"][2],
             "mu:hukou_change": true["mu_t"][0], "mu:educ": true["mu_t"][1], "delta": true["delta"]}
    for name, value in pairs.items():
        assert abs(res.params[name] - value) <= 4 * se[name] + 0.02, (name, res.params[name], value)


def test_hazard_parameters_recovered_on_a_large_draw(params):
    """10x replica drawn forward: Table 6 Model 4's true coefficients recovered by the person-year logit."""
    big = gen.generate(params, seed=11, scale=10, exact=False, hazard=True)
    est, _ = cal.fit_hazard_point(big)
    theta = params["history"]["theta"]
    for k in ["educ_junior_hs", "party_member", "labor_market_experience", "constant", "hukou_change"]:
        assert est[k] == pytest.approx(theta[k], abs=max(0.35, 0.25 * abs(theta[k]))), k


def test_true_parameters_under_the_conditioning(params):
    """Draws made like the committed file recover the hazard's truth; Table 5's model is only recovered alone."""
    from hukoumob.replica import recovery

    rec = recovery.recovery(params, seeds=(101, 102)).set_index(["table", "term"])
    hz = rec.loc["table6 model4"]
    for term in ["educ_junior_hs", "labor_market_experience", "constant"]:
        row = hz.loc[term]
        assert abs(row["like_committed_mean"] - row["true"]) <= max(3 * row["like_committed_sd"], 0.35), term
    m3b = rec.loc[("table5 model3b", "overall_association")]
    # held to Table 4, Model 3b barely moves between draws; the model alone gives another association
    assert abs(m3b["model_only"] - m3b["like_committed_mean"]) > 5 * m3b["like_committed_sd"]
