"""Table 5 from individual records (:mod:`hukoumob.tables.table5.from_records`; Wu and Treiman
2007, equation 4 and Table 5).

* Models 1, 2, 3a fitted to the records equal the same models fitted to the
  weighted table of the records (the two routes of the book agree);
* Model 3c recovers known covariate effects (``b``, ``mu_t``) on records
  simulated from equation 4;
* one route for every kind of SE (``MobilityResults.cov_params(se=...)``): the
  design-based covariance is the engine's sandwich with the survey meat over
  the whole file's design (the model's men a domain), reduces to the robust
  one without clustering, and the scorecard uses the same numbers as the chapter;
* the rows follow the results contract; the worked numbers follow their formulas.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hukoumob.tables.table5 import from_records as mr
from hukoumob.mobility import fit_records, simulate_records
from hukoumob.inputs.records import load_records
from hukoumob.book.results import write_results
from hukoumob.inputs.schema import CLASSES
from hukoumob.survey import SurveyDesign, design_meat, linearized_vcov


@pytest.fixture(scope="module")
def men():
    return load_records("replica").men


@pytest.fixture(scope="module")
def t5(men):
    return mr.table5_from_records(men)


@pytest.mark.parametrize("model", ["model1", "model2", "model3a"])
def test_record_fit_equals_table_fit(men, t5, model):
    rec, tab = t5.fits[model], mr.fit_model_table(men, model)
    np.testing.assert_allclose(rec.beta, tab.beta, atol=1e-6)
    assert rec.loglik == pytest.approx(tab.loglik, abs=1e-8)
    np.testing.assert_allclose(rec.standard_errors(scores="fixed").dropna(),
                               tab.standard_errors(scores="fixed").dropna(), rtol=1e-5)
    assert rec.n_paper == tab.n_paper == 6 * int(mr.sample_mask(men, model).sum())


def test_rows_follow_the_contract(men, t5):
    written = write_results(t5.rows, "table5", "replica")
    assert set(written["model"]) == set(mr.MODELS)
    fit = t5.rows.set_index(["model", "panel", "term", "statistic"])["value"]
    assert fit["model3c", "fit", "df", "est"] == 12 and fit["model3b", "fit", "df", "est"] == 8
    assert fit["model3c", "fit", "N", "est"] == 6 * int((men["hukou14_rural"] == 1).sum())


def test_design_rows_carry_design_ses(men, t5):
    d = mr.table5_from_records(men, models=["model3b"], se="design")
    r = d.rows.set_index(["panel", "term", "statistic"])["value"]
    s = t5.se.query("model == 'model3b'").set_index("parameter")
    assert r["C_association", "association_x_hukou_change", "se"] == pytest.approx(s.loc["mu:hukou_change", "se_design"])


@pytest.mark.parametrize("scores", ["fixed", "estimated"])
def test_design_covariance_is_the_engine_sandwich_over_the_whole_design(men, t5, scores):
    fit = t5.fits["model3c"]
    kind = "design" if scores == "fixed" else "design_scores_estimated"
    V = fit.cov_params(se=kind)
    mask = mr.sample_mask(men, "model3c").to_numpy()
    keep = fit.free_indices(scores)
    S = np.zeros((len(men), keep.size))
    S[mask] = fit.score_contributions()[:, keep]
    design = mr.survey_design(men).restrict(mask)  # the whole file, the model's men a domain
    Ainv = np.linalg.inv(fit.information()[np.ix_(keep, keep)])
    B = fit.basis[:, keep]
    ref = B @ Ainv @ design_meat(S, design) @ Ainv @ B.T
    np.testing.assert_allclose(V.to_numpy(), ref, rtol=1e-8, atol=1e-12)
    if scores == "estimated":  # all free coordinates: the engine's general sandwich
        np.testing.assert_allclose(V.to_numpy(), fit.sandwich(design_meat(S, design)).to_numpy(), rtol=1e-8, atol=1e-12)


def test_design_differs_from_a_design_built_on_the_subsample(men, t5):
    """The domain keeps the strata's PSU counts; a design built on the model's men alone changes them,
    and with them the SEs (the scorecard's former convention)."""
    fit = t5.fits["model2"]
    mask = mr.sample_mask(men, "model2").to_numpy()
    sub = fit.with_design(mr.survey_design(men[mask]), None, linearized_vcov)
    assert not np.allclose(sub.standard_errors(se="design")[["delta", "mu0"]],
                           fit.standard_errors(se="design")[["delta", "mu0"]], rtol=1e-6)


def test_kinds_of_standard_error_are_named_options(men, t5):
    fit = t5.fits["model3b"]
    model = fit.standard_errors(se="model")
    assert np.isnan(model["phi:farm"]) and not np.isnan(fit.standard_errors(se="model_scores_estimated")["phi:farm"])
    np.testing.assert_allclose(model.dropna(), fit.standard_errors(scores="fixed").dropna())  # the scores shorthand
    assert fit.with_se("design").bse["mu0"] == pytest.approx(fit.standard_errors(se="design")["mu0"])
    # the rows written for the book use the kind asked for, model-based (scores fixed) by default
    rows = fit.to_table5_rows("model3b").set_index(["term", "statistic"])["value"]
    assert rows["overall_association", "se"] == pytest.approx(model["mu0"])
    rows_d = fit.to_table5_rows("model3b", se="design").set_index(["term", "statistic"])["value"]
    assert rows_d["overall_association", "se"] == pytest.approx(fit.standard_errors(se="design")["mu0"])
    table = fit.se_table()
    assert list(table.columns) == ["parameter", "est", "se_model", "se_model_scores_estimated", "se_design"]


def test_kinds_of_standard_error_bad_input(men, t5):
    fit = t5.fits["model1"]
    with pytest.raises(ValueError, match="se must be one of"):
        fit.standard_errors(se="robust")
    bare = mr.fit_model_table(men, "model1")
    with pytest.raises(ValueError, match="with_design"):
        bare.standard_errors(se="design")
    with pytest.raises(ValueError, match="not to a table"):
        bare.with_design(mr.survey_design(men), None, linearized_vcov)
    with pytest.raises(ValueError, match="records but the domain has"):
        t5.fits["model2"].with_design(mr.survey_design(men), None, linearized_vcov)
    shuffled = men.sample(frac=1.0, random_state=1)
    with pytest.raises(ValueError, match="weights differ"):
        fit.with_design(mr.survey_design(shuffled), None, linearized_vcov)
    with pytest.raises(TypeError, match="survey design"):
        fit.with_design(men, None, linearized_vcov)
    with pytest.raises(TypeError, match="linearize"):
        fit.with_design(mr.survey_design(men), None, None)


def test_scorecard_uses_the_chapter_route(men, t5):
    """The replica scorecard's Table 5 SEs are the chapter's, of either kind (issue 12: they were up to 23% apart)."""
    from hukoumob.replica import scorecard

    design = mr.table5_from_records(men, se="design").rows
    for flag, rows in ((False, t5.rows), (True, design)):
        card = scorecard.table5_replica(men, design_se=flag)
        pd.testing.assert_frame_equal(card.reset_index(drop=True), rows.reset_index(drop=True))


def test_design_se_without_clustering_is_the_robust_se():
    """One stratum, every man his own PSU, weights 1: the design meat is n/(n-1) times
    the outer product of the scores (the sandwich of White 1982)."""
    rng = np.random.default_rng(3)
    n = 3000
    origin = rng.integers(0, 6, n)
    phi = np.array([0.3, 0.4, 0.1, -0.1, 0.2, -0.9])
    phi = (phi - phi.mean()) / np.linalg.norm(phi - phi.mean())
    dest = simulate_records(rng, origin, np.zeros(6), phi, 0.5, 1.5)
    men = pd.DataFrame({"father_class": np.array(CLASSES)[origin], "son_class": np.array(CLASSES)[dest],
                        "hukou14_rural": 1, "weight": 1.0, "stratum": 1, "psu": np.arange(n),
                        "educ": 0, "hukou_change": 0})
    fit = mr.fit_model(men, "model1")
    V = fit.cov_params(se="design_scores_estimated")
    U = fit.score_contributions()
    ref = fit.sandwich(n / (n - 1) * (U - U.mean(0)).T @ (U - U.mean(0)))
    np.testing.assert_allclose(V.to_numpy(), ref.to_numpy(), rtol=1e-8, atol=1e-12)
    # correctly specified model, iid: the robust SEs are close to the model-based ones, for either scores convention
    for model_kind, design_kind in (("model_scores_estimated", "design_scores_estimated"), ("model", "design")):
        ratio = fit.standard_errors(se=design_kind)[["delta", "mu0"]] / fit.standard_errors(se=model_kind)[["delta", "mu0"]]
        assert np.all(np.abs(ratio - 1) < 0.15)


def test_model3c_recovers_known_covariate_effects():
    rng = np.random.default_rng(20070415)
    n = 30000
    origin = rng.choice(6, n, p=[0.04, 0.02, 0.02, 0.08, 0.06, 0.78])
    educ = rng.integers(0, 17, n).astype(float)
    hc = (rng.random(n) < 1 / (1 + np.exp(-(educ - 10) / 2))).astype(float)
    phi = np.array([0.45, 0.17, -0.07, 0.06, 0.23, -0.84])
    phi = (phi - phi.mean()) / np.linalg.norm(phi - phi.mean())
    a = np.array([-1.5, -2.0, -2.0, -1.0, -1.2, 0.0])
    true_b = np.array([0.15, 1.2, 0.13])
    true_mu = np.array([-1.4, -0.06])
    x = np.column_stack([educ, hc, educ * hc])
    t = np.column_stack([hc, educ])
    dest = simulate_records(rng, origin, a, phi, 0.6, 0.5, x=x, t=t, mu_t=true_mu, b=true_b)
    res = fit_records(origin, dest, x=pd.DataFrame(x, columns=["educ", "hukou_change", "educ_x_hukou_change"]),
                      t=pd.DataFrame(t, columns=["hukou_change", "educ"]), categories=CLASSES)
    est, se = res.params, res.standard_errors()
    for name, true in zip(["b:educ", "b:hukou_change", "b:educ_x_hukou_change", "mu:hukou_change", "mu:educ"],
                          [*true_b, *true_mu]):
        assert abs(est[name] - true) < 4 * se[name], (name, est[name], true, se[name])
    np.testing.assert_allclose(res.phi.to_numpy(), phi, atol=0.05)


def test_worked_numbers_follow_their_formulas(t5):
    f3b, f3c = t5.fits["model3b"], t5.fits["model3c"]
    w = mr.worked_numbers(f3b, f3c, t5.design_vcov["model3b"], t5.design_vcov["model3c"]).set_index("name")
    p, q = f3b.params, f3c.params
    M = p["mu0"] + p["mu:hukou_change"]
    assert w.loc["assoc_changers_3b", "value"] == pytest.approx(M)
    assert w.loc["odds_I_II_vs_IVab", "value"] == pytest.approx(
        math.exp(p["phi:farm"] * (p["phi:I_II"] - p["phi:IVab"]) * M) - 1)
    assert w.loc["odds_I_II_vs_V_VI", "value"] == pytest.approx(
        math.exp(p["phi:farm"] * (p["phi:I_II"] - p["phi:V_VI"]) * M) - 1)
    assert w.loc["assoc_changers_3c", "value"] == pytest.approx(q["mu0"] + q["mu:hukou_change"])
    assert w.loc["factor_hukou_change", "value"] == pytest.approx(math.exp(q["b:hukou_change"]))
    assert w.loc["factor_educ_changers", "value"] == pytest.approx(
        w.loc["factor_educ_stayers", "value"] * math.exp(q["b:educ_x_hukou_change"]))
    V = t5.design_vcov["model3b"]
    se = math.sqrt(V.loc["mu0", "mu0"] + V.loc["mu:hukou_change", "mu:hukou_change"] + 2 * V.loc["mu0", "mu:hukou_change"])
    assert w.loc["assoc_changers_3b", "se"] == pytest.approx(se)


def test_domain_keeps_the_whole_design(men, t5):
    """Design SEs of a subsample model use every PSU of the sample (zero scores outside)."""
    mask = mr.sample_mask(men, "model2").to_numpy()
    design = SurveyDesign.from_frame(men, "stratum", "psu", "weight", lonely_psu="adjust").restrict(mask)
    assert design.n_obs == int(mask.sum())
    assert (design.psus_per_stratum() == men.groupby("stratum")["psu"].nunique().to_numpy()).all()
