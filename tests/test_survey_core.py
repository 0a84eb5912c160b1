"""Tests of hukoumob.survey against hand computations, statsmodels and bad inputs.

The R ``survey`` comparisons are in ``test_survey_r.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from hukoumob.survey import (
    SurveyDesign,
    SurveyResult,
    compare_results,
    compare_se,
    design_meat,
    linearized_vcov,
    simulate_survey,
    svy_logit,
    svy_mean,
    svy_ols,
    svy_proportion,
    svy_regress,
)


# --------------------------------------------------------------------------- tiny designs
def tiny(extra_singleton: bool = False) -> pd.DataFrame:
    """Stratum A: PSUs a1, a2; stratum B: b1, b2 (one row each); optionally C: c1."""
    rows = [("A", "1", 1.0, 1.0), ("A", "2", 3.0, 1.0), ("B", "1", 2.0, 2.0), ("B", "2", 4.0, 2.0)]
    if extra_singleton:
        rows.append(("C", "1", 5.0, 1.0))
    return pd.DataFrame(rows, columns=["stratum", "psu", "y", "weight"])


def hand_linearized_variance(z_by_psu: dict, stratum_of: dict) -> float:
    """sum_h n_h/(n_h-1) sum_i (z_hi - zbar_h)^2, written out with loops."""
    total = 0.0
    for h in set(stratum_of.values()):
        zs = [z for g, z in z_by_psu.items() if stratum_of[g] == h]
        m = sum(zs) / len(zs)
        total += len(zs) / (len(zs) - 1) * sum((z - m) ** 2 for z in zs)
    return total


def test_mean_variance_by_hand():
    # ybar = 16/6 = 8/3; scores w(y - ybar)/W = -5/18, 1/18 | -4/18, 8/18
    # stratum A: 2 * ((-3/18)^2 + (3/18)^2) = 36/324; B: 2 * 2 * (6/18)^2 = 144/324
    d = tiny()
    res = svy_mean(d, "y", SurveyDesign.from_frame(d, "stratum", "psu", "weight"))
    assert res.estimates["y"] == pytest.approx(8 / 3, rel=1e-14)
    assert res.vcov.loc["y", "y"] == pytest.approx(5 / 9, rel=1e-14)
    assert res.df == 2
    s = res.summary()
    assert list(s.columns) == ["term", "estimate", "se", "t", "df", "p", "ci_lower", "ci_upper"]
    assert s.loc[0, "se"] == pytest.approx(np.sqrt(5) / 3, rel=1e-14)


def test_ols_variance_by_hand():
    sim = simulate_survey(3, 3, 4, seed=1)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    res = svy_ols(sim, "y", ["x1", "x3"], design)
    # independent computation: normal equations and explicit PSU loops
    X = np.column_stack([sim.x1, sim.x3, np.ones(len(sim))])
    w = sim.weight.to_numpy()
    y = sim.y.to_numpy()
    A = sum(w[i] * np.outer(X[i], X[i]) for i in range(len(y)))
    beta = np.linalg.solve(A, sum(w[i] * X[i] * y[i] for i in range(len(y))))
    Ainv = np.linalg.inv(A)
    meat = np.zeros((3, 3))
    for h, dh in sim.groupby("stratum"):
        zs = [
            sum(w[i] * X[i] * (y[i] - X[i] @ beta) for i in dg.index)
            for _, dg in dh.groupby("psu")
        ]
        zbar = sum(zs) / len(zs)
        meat += len(zs) / (len(zs) - 1) * sum(np.outer(z - zbar, z - zbar) for z in zs)
    V = Ainv @ meat @ Ainv
    np.testing.assert_allclose(res.estimates.to_numpy(), beta, rtol=1e-10)
    np.testing.assert_allclose(res.vcov.to_numpy(), V, rtol=1e-10)
    assert list(res.estimates.index) == ["x1", "x3", "constant"]
    assert res.df == 9 - 3


@pytest.mark.parametrize(
    ("option", "expected"),
    [("remove", 20 / 49), ("certainty", 20 / 49), ("adjust", 24 / 49), ("average", 30 / 49)],
)
def test_singleton_options_by_hand(option, expected):
    # W = 7, ybar = 3; scores/W: A: -2/7, 0; B: -2/7, 2/7; C (single PSU): 2/7
    # A: 2*2*(1/7)^2 = 4/49, B: 2*2*(2/7)^2 = 16/49 -> 20/49 without C.
    # adjust: C centred at the grand mean 0 -> + 4/49; average: 20/49 * 3/2.
    d = tiny(extra_singleton=True)
    design = SurveyDesign.from_frame(d, "stratum", "psu", "weight", lonely_psu=option)
    res = svy_mean(d, "y", design)
    assert res.estimates["y"] == pytest.approx(3.0, rel=1e-14)
    assert res.vcov.loc["y", "y"] == pytest.approx(expected, rel=1e-12)
    assert res.df == 5 - 3


def test_singleton_fail_names_strata():
    d = tiny(extra_singleton=True)
    with pytest.raises(ValueError, match=r"1 stratum/strata with a single PSU: C"):
        svy_mean(d, "y", SurveyDesign.from_frame(d, "stratum", "psu", "weight", lonely_psu="fail"))
    # the option can also be given to the core directly
    design = SurveyDesign.from_frame(d, "stratum", "psu", "weight")
    scores = np.array([-2, 0, -2, 2, 2]) / 7.0
    assert design_meat(scores, design, lonely_psu="remove")[0, 0] == pytest.approx(20 / 49)


def test_average_with_only_singletons_fails():
    d = pd.DataFrame({"s": ["A", "B"], "p": [1, 1], "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match="nothing to average"):
        svy_mean(d, "y", SurveyDesign.from_frame(d, "s", "p", lonely_psu="average"))


def test_zero_weight_keeps_psu_in_design():
    # a2 gets weight 0: W = 5, ybar = 13/5; z = -0.32, 0 | -0.24, 0.56
    # A: 2 * 2 * 0.16^2 = 0.1024, B: 2 * 2 * 0.4^2 = 0.64
    d = tiny()
    d.loc[1, "weight"] = 0.0
    design = SurveyDesign.from_frame(d, "stratum", "psu", "weight")
    res = svy_mean(d, "y", design)
    assert res.estimates["y"] == pytest.approx(13 / 5, rel=1e-14)
    assert res.vcov.loc["y", "y"] == pytest.approx(0.7424, rel=1e-12)
    assert (res.df, res.n_obs, res.n_psu, res.n_strata) == (1, 3, 3, 2)
    # dropping the row instead leaves stratum A with one PSU
    with pytest.raises(ValueError, match="single PSU: A"):
        svy_mean(d[d.weight > 0], "y",
                 SurveyDesign.from_frame(d[d.weight > 0], "stratum", "psu", "weight", lonely_psu="fail"))
    # a domain is the same as zero weights
    full = SurveyDesign.from_frame(tiny(), "stratum", "psu", "weight")
    dom = svy_mean(tiny(), "y", full, domain=np.array([True, False, True, True]))
    assert dom.vcov.loc["y", "y"] == pytest.approx(0.7424, rel=1e-12)


def test_zero_weight_rows_may_hold_missing_values():
    d = tiny()
    d.loc[1, "weight"] = 0.0
    d.loc[1, "y"] = np.nan
    res = svy_mean(d, "y", SurveyDesign.from_frame(d, "stratum", "psu", "weight"))
    assert res.estimates["y"] == pytest.approx(13 / 5, rel=1e-14)


def test_psus_are_nested_in_strata():
    sim = simulate_survey(4, 3, 5, seed=2)
    nested = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    unique = SurveyDesign(sim.stratum, sim.stratum + "-" + sim.psu.astype(str), sim.weight)
    a = svy_ols(sim, "y", ["x1"], nested)
    b = svy_ols(sim, "y", ["x1"], unique)
    np.testing.assert_allclose(a.vcov.to_numpy(), b.vcov.to_numpy(), rtol=1e-13)
    assert nested.n_psu == 12 and nested.df == 8


def test_core_is_invariant_to_splitting_rows_within_psu():
    """Scores may be given on finer rows (person x alternative): only PSU totals matter."""
    sim = simulate_survey(4, 3, 5, seed=3)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    res = svy_ols(sim, "y", ["x1", "x2"], design)
    scores, bread = res.extra["scores"], res.extra["bread"]
    long = pd.concat([sim, sim], ignore_index=True)
    long_design = SurveyDesign.from_frame(long, "stratum", "psu", "weight")
    v = linearized_vcov(np.vstack([scores * 0.25, scores * 0.75]), bread, long_design)
    np.testing.assert_allclose(v, res.vcov.to_numpy(), rtol=1e-12)


def test_unstratified_unclustered_is_hc0_times_n_over_n_minus_1():
    sim = simulate_survey(2, 2, 20, seed=4)
    design = SurveyDesign(weights=sim.weight)
    res = svy_ols(sim, "y", ["x1", "x2", "x3"], design)
    X = sm.add_constant(sim[["x1", "x2", "x3"]], prepend=False)
    fit = sm.WLS(sim.y, X, weights=sim.weight).fit(cov_type="HC0")
    n = len(sim)
    np.testing.assert_allclose(res.vcov.to_numpy(), fit.cov_params().to_numpy() * n / (n - 1), rtol=1e-10)
    assert res.df == n - 1


def test_cluster_and_plain_match_statsmodels():
    sim = simulate_survey(6, 3, 8, seed=5)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    X = sm.add_constant(sim[["x1", "x2", "x3"]], prepend=False)
    groups = pd.factorize(sim.stratum + "-" + sim.psu.astype(str))[0]
    wls = sm.WLS(sim.y, X, weights=sim.weight)
    clus = svy_ols(sim, "y", ["x1", "x2", "x3"], design, vce="cluster")
    ref = wls.fit(cov_type="cluster", cov_kwds={"groups": groups})  # CR1: G/(G-1) (N-1)/(N-K)
    np.testing.assert_allclose(clus.se.to_numpy(), ref.bse.to_numpy(), rtol=1e-10)
    assert clus.df == 18 - 1
    plain = svy_ols(sim, "y", ["x1", "x2", "x3"], design, vce="plain")
    np.testing.assert_allclose(plain.se.to_numpy(), wls.fit().bse.to_numpy(), rtol=1e-10)
    assert plain.df == len(sim) - 4
    # logit, plain: inverse information with weights normalised to mean 1
    wn = sim.weight / sim.weight.mean()
    glm = sm.GLM(sim.yb, X, family=sm.families.Binomial(), var_weights=wn).fit(tol=1e-12)
    lp = svy_logit(sim, "yb", ["x1", "x2", "x3"], design, vce="plain")
    np.testing.assert_allclose(lp.estimates.to_numpy(), glm.params.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(lp.se.to_numpy(), glm.bse.to_numpy(), rtol=1e-8)


def test_compare_se_table():
    sim = simulate_survey(8, 3, 10, seed=6)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    tab = compare_se(sim, "y", ["x1", "x3"], design)
    assert list(tab.columns) == [
        "term", "estimate", "se_design", "se_cluster", "se_plain",
        "design_over_plain", "cluster_over_plain", "design_over_cluster",
    ]
    assert list(tab.term) == ["x1", "x3", "constant"]
    np.testing.assert_allclose(tab.design_over_plain, tab.se_design / tab.se_plain)
    # x1 and y share a PSU effect: clustering inflates the SE of x1
    assert tab.set_index("term").loc["x1", "design_over_plain"] > 1.2
    other = svy_ols(sim, "y", ["x1"], design)
    with pytest.raises(ValueError, match="same model"):
        compare_results(other, other, svy_ols(sim, "y", ["x3"], design, vce="plain"))


def test_result_p_ci_and_df():
    d = tiny()
    res = svy_mean(d, "y", SurveyDesign.from_frame(d, "stratum", "psu", "weight"))
    from scipy import stats

    t = (8 / 3) / (np.sqrt(5) / 3)
    assert res.p["y"] == pytest.approx(2 * stats.t(2).sf(t), rel=1e-12)
    q = stats.t(2).ppf(0.975)
    assert res.ci.loc["y", "lower"] == pytest.approx(8 / 3 - q * np.sqrt(5) / 3, rel=1e-12)
    sim = simulate_survey(5, 2, 10, seed=7)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    r = svy_ols(sim, "y", ["x1", "x2", "x3"], design, df_method="residual")
    assert r.df == 5 - 4 + 1
    r0 = svy_ols(sim, "y", ["x1", "x2", "x3"], design)
    assert r0.df == 5
    assert 0 < r0.extra["r2"] < 1


def test_proportions():
    sim = simulate_survey(5, 2, 10, seed=8)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    p1 = svy_proportion(sim, "yb", design)
    m1 = svy_mean(sim, "yb", design)
    np.testing.assert_allclose(p1.vcov.to_numpy(), m1.vcov.to_numpy())
    pc = svy_proportion(sim, "cat", design)
    assert list(pc.estimates.index) == ["cat=a", "cat=b", "cat=c"]
    assert pc.estimates.sum() == pytest.approx(1.0)
    # proportions sum to one: their covariance matrix has zero row sums
    np.testing.assert_allclose(pc.vcov.to_numpy().sum(axis=1), 0, atol=1e-15)


# --------------------------------------------------------------------------- bad input
@pytest.fixture()
def sim():
    return simulate_survey(4, 2, 6, seed=9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strata": [1, 1, 2], "psu": [1, 2], "weights": [1.0, 1.0, 1.0]}, "strata has 3, psu has 2, weights has 3"),
        ({"strata": [1, 1, 2], "psu": [1, 2, 1], "weights": [1.0, -1.0, 1.0]}, "weights: 1 negative"),
        ({"strata": [1, 1, 2], "psu": [1, 2, 1], "weights": [1.0, np.nan, 1.0]}, "weights: 1 missing"),
        ({"strata": [1, None, 2], "psu": [1, 2, 1]}, "strata: 1 missing"),
        ({"strata": [1, 1, 2], "psu": [1, np.nan, np.nan]}, "psu: 2 missing"),
        ({"strata": [1, 1, 2], "psu": [1, 2, 1], "weights": [0.0, 0.0, 0.0]}, "all 3 weights are zero"),
        ({"strata": [1, 1, 2], "psu": [1, 2, 1], "lonely_psu": "skip"}, "lonely_psu='skip' is not one of"),
        ({"strata": [1, 1, 2], "psu": [1, 2, 1], "weights": [1.0, np.inf, 1.0]}, "weights: 1 non-finite"),
    ],
)
def test_bad_design(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SurveyDesign(**kwargs)


def test_missing_model_values_are_named_and_counted(sim):
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    bad = sim.copy()
    bad.loc[[0, 5, 7], "x1"] = np.nan
    bad.loc[[3], "y"] = np.nan
    with pytest.raises(ValueError, match=r"\(y: 1 missing; x1: 3 missing\)"):
        svy_ols(bad, "y", ["x1", "x2"], design)
    with pytest.raises(ValueError, match=r"y: 1 missing"):
        svy_ols(bad, "y", ["x2"], design)
    with pytest.raises(ValueError, match=r"x1: 3 missing"):
        svy_mean(bad, ["x1"], design)
    # excluded by the domain: fine
    ok = svy_ols(bad, "y", ["x1", "x2"], design, domain=bad[["x1", "y"]].notna().all(axis=1))
    assert ok.n_obs == len(sim) - 4


def test_other_bad_inputs(sim):
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    with pytest.raises(ValueError, match=f"data has {len(sim) - 1} rows but the design has {len(sim)}"):
        svy_ols(sim.iloc[1:], "y", ["x1"], design)
    with pytest.raises(ValueError, match="not in data: nope"):
        svy_ols(sim, "y", ["x1", "nope"], design)
    with pytest.raises(ValueError, match="'cat' is not numeric"):
        svy_ols(sim, "y", ["cat"], design)
    with pytest.raises(ValueError, match="collinear: rank 2 < 3"):
        svy_ols(sim.assign(z=2 * sim.x1), "y", ["x1", "z"], design)
    with pytest.raises(ValueError, match="outside \\[0, 1\\]"):
        svy_logit(sim, "y", ["x1"], design)
    with pytest.raises(ValueError, match="family="):
        svy_regress(sim, "y", ["x1"], design, family="poisson")
    with pytest.raises(ValueError, match="domain: 1 missing"):
        svy_mean(sim, "y", design, domain=np.r_[np.nan, np.ones(len(sim) - 1)])
    with pytest.raises(ValueError, match="design column"):
        SurveyDesign.from_frame(sim, "stratum", "cluster", "weight")
    with pytest.raises(ValueError, match="zero weight have non-zero scores"):
        d0 = design.with_weights(np.r_[0.0, sim.weight.to_numpy()[1:]])
        linearized_vcov(np.ones((len(sim), 1)), np.eye(1), d0, lonely_psu="remove")
    with pytest.raises(ValueError, match="bread must be 2 x 2"):
        linearized_vcov(np.zeros((len(sim), 2)), np.eye(3), design)
    with pytest.raises(ValueError, match="scores has 3 rows"):
        linearized_vcov(np.zeros((3, 1)), np.eye(1), design)
    with pytest.raises(ValueError, match="non-finite"):
        linearized_vcov(np.full((len(sim), 1), np.nan), np.eye(1), design)


def test_logit_separation_is_reported():
    d = pd.DataFrame({"s": [1] * 4 + [2] * 4, "p": [1, 1, 2, 2] * 2, "x": np.arange(8.0), "yb": [0, 0, 0, 0, 1, 1, 1, 1.0]})
    with pytest.raises(ValueError, match="separation"):
        svy_logit(d, "yb", ["x"], SurveyDesign.from_frame(d, "s", "p"), max_iter=30)


def test_standardized_coefficients_and_r2():
    sim = simulate_survey(5, 2, 10, seed=10)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    res = svy_ols(sim, "y", ["x1", "x3"], design)
    w = sim.weight

    def z(v):
        m = np.average(v, weights=w)
        return (v - m) / np.sqrt(np.average((v - m) ** 2, weights=w))

    fit = sm.WLS(z(sim.y), sm.add_constant(np.column_stack([z(sim.x1), z(sim.x3)])), weights=w).fit()
    np.testing.assert_allclose(res.extra["beta"][["x1", "x3"]].to_numpy(), fit.params[1:], rtol=1e-10)
    assert np.isnan(res.extra["beta"]["constant"])
    assert res.extra["r2"] == pytest.approx(fit.rsquared, rel=1e-10)


def test_result_from_vcov_for_custom_models():
    """A model fitted elsewhere (e.g. the stereotype logit) reuses the core and the result."""
    sim = simulate_survey(5, 2, 10, seed=11)
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    ref = svy_ols(sim, "y", ["x1"], design)
    v = linearized_vcov(ref.extra["scores"], ref.extra["bread"], design)
    res = SurveyResult.from_vcov(ref.estimates, v, design, estimator="ols")
    pd.testing.assert_frame_equal(res.summary(), ref.summary())
    with pytest.raises(ValueError, match="vcov must be 2 x 2"):
        SurveyResult.from_vcov(ref.estimates, np.eye(3), design)


@pytest.mark.parametrize("module", ["design", "linearization", "estimators", "compare"])
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"hukoumob.survey.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_df_conventions_for_domains_and_zero_weights():
    # R degf(): PSUs with a positive-weight row; Stata: all PSUs of strata with one.
    d = tiny(extra_singleton=True)
    d.loc[1, "weight"] = 0.0           # PSU a2 (stratum A) only zero weight
    d.loc[4, "weight"] = 0.0           # stratum C only zero weight
    design = SurveyDesign.from_frame(d, "stratum", "psu", "weight")
    assert (design.df, design.df_stata) == (3 - 2, 4 - 2)
    assert design.singleton_strata() == []          # C is out of the sample
    assert svy_mean(d, "y", design).df == 1
    assert svy_mean(d, "y", design, df_method="stata").df == 2
    assert svy_proportion(d, "y", design, df_method="stata").df == 2
    with pytest.raises(ValueError, match="df_method"):
        svy_mean(d, "y", design, df_method="residual")
    full = SurveyDesign.from_frame(tiny(), "stratum", "psu", "weight")
    assert full.df == full.df_stata == full.degrees_of_freedom("stata") == 2


# --------------------------------------------------------------------------- edges (issue 16, item 6)
def separated_sample(kind: str) -> pd.DataFrame:
    """60 rows in 6 strata x 2 PSUs; ``x`` and ``z`` continuous, ``d`` a 0/1 dummy.

    ``kind="quasi"``: no event among the rows with d = 1 (quasi-complete
    separation by ``d``); ``"complete"``: y = 1 exactly when x > 0.
    """
    rng = np.random.default_rng(7)
    n = 60
    d = pd.DataFrame({"stratum": np.repeat(np.arange(6), 10), "psu": np.tile(np.repeat([1, 2], 5), 6),
                      "weight": rng.uniform(0.5, 2.0, n), "x": rng.normal(size=n), "z": rng.normal(size=n),
                      "d": (np.arange(n) % 4 == 0).astype(float)})
    if kind == "quasi":
        d["y"] = np.where(d["d"] == 1, 0.0, (rng.uniform(size=n) < 0.5).astype(float))
    else:
        d["y"] = (d["x"] > 0).astype(float)
    return d


def test_quasi_complete_separation_names_the_covariate():
    from hukoumob.survey import SeparationError

    d = separated_sample("quasi")
    design = SurveyDesign.from_frame(d, "stratum", "psu", "weight")
    with pytest.raises(SeparationError, match=r"logit of 'y': perfect or quasi-complete separation") as err:
        svy_logit(d, "y", ["x", "z", "d"], design)
    assert err.value.terms == ["d"]
    assert isinstance(err.value, ValueError)
    # without the separating dummy the same rows fit
    assert np.isfinite(svy_logit(d, "y", ["x", "z"], design).se).all()


def test_complete_separation_names_the_covariate():
    from hukoumob.survey import SeparationError

    d = separated_sample("complete")
    design = SurveyDesign.from_frame(d, "stratum", "psu", "weight")
    with pytest.raises(SeparationError) as err:
        svy_logit(d, "y", ["x", "z"], design)
    assert "x" in err.value.terms and "z" not in err.value.terms
    assert "x" in str(err.value)


def test_separating_terms_finds_none_in_overlapping_data():
    from hukoumob.survey import separating_terms

    d = separated_sample("quasi")
    x = np.column_stack([d[["x", "z"]].to_numpy(), np.ones(len(d))])
    assert separating_terms(d["y"].to_numpy(), x, ["x", "z", "constant"]) == []
    assert separating_terms(d["y"].to_numpy(), np.column_stack([x, d["d"]]), ["x", "z", "constant", "d"]) == ["d"]


@pytest.mark.parametrize("option", ["fail", "remove", "certainty", "adjust", "average"])
def test_a_single_psu_overall_is_an_error_not_se_zero(option):
    from hukoumob.survey import DesignVarianceError

    d = pd.DataFrame({"stratum": 1, "psu": 1, "weight": [1.0, 2.0, 1.0, 3.0], "y": [1.0, 2.0, 4.0, 3.0],
                      "x": [0.0, 1.0, 3.0, 2.0]})
    design = SurveyDesign.from_frame(d, "stratum", "psu", "weight", lonely_psu=option)
    with pytest.raises(DesignVarianceError, match=r"lies in 1 PSU of the design's 1: a design-based variance"):
        svy_mean(d, "y", design)
    with pytest.raises(DesignVarianceError, match="at least two PSUs"):
        svy_ols(d, "y", ["x"], design)


def test_a_domain_in_a_single_psu_is_an_error():
    from hukoumob.survey import DesignVarianceError

    design = SurveyDesign.from_frame(tiny(), "stratum", "psu", "weight")
    with pytest.raises(DesignVarianceError, match=r"\(1 row\(s\) of positive weight\) lies in 1 PSU of the design's 4"):
        svy_mean(tiny(), "y", design, domain=np.array([True, False, False, False]))


def test_a_domain_with_no_psu_is_an_error():
    design = SurveyDesign.from_frame(tiny(), "stratum", "psu", "weight")
    with pytest.raises(ValueError, match="domain: no row of the domain has positive weight"):
        svy_mean(tiny(), "y", design, domain=np.zeros(4, bool))


def test_design_df_zero_is_an_error_not_df_zero():
    from hukoumob.survey import DesignVarianceError

    # two strata, one PSU of each holds the domain: 2 PSUs - 2 strata = df 0
    design = SurveyDesign.from_frame(tiny(), "stratum", "psu", "weight")
    with pytest.raises(DesignVarianceError, match=r"design df = 0: the estimation sample's 2 PSU\(s\) lie in 2"):
        svy_mean(tiny(), "y", design, domain=np.array([True, False, True, False]))


def test_regressions_carry_the_statsmodels_fit():
    sim = simulate_survey()
    design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    ols = svy_ols(sim, "y", ["x1", "x2"], design, domain="dom")
    np.testing.assert_array_equal(ols.model.params, ols.estimates.to_numpy())
    assert ols.extra["r2"] == ols.model.rsquared
    assert list(ols.fittedvalues.index) == list(sim.index[(sim["dom"] == 1).to_numpy()])
    logit = svy_logit(sim, "yb", ["x1", "x2"], design)
    assert logit.extra["loglik"] == pytest.approx(float(
        (sim["weight"] * (sim["yb"] * np.log(logit.fittedvalues) + (1 - sim["yb"]) * np.log1p(-logit.fittedvalues))).sum()),
        rel=1e-12)
    with pytest.raises(AttributeError, match="a mean result has no fitted values"):
        svy_mean(sim, "y", design).fittedvalues
