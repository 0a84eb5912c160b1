"""hukoumob.survey against R ``survey`` (Lumley) on the same simulated sample.

R fits every reference analysis (``tests/oracles/survey_sim.R``) on
``simulate_survey()`` (10 strata x 4 PSUs x 15 rows, unequal weights, a PSU
effect) and writes estimates, SEs, p-values and dfs at full precision; each
test compares one analysis at a relative tolerance of 1e-6, against the
frozen output (``tests/oracles/survey_sim.csv``, every run) and against a
live R run (where R and ``survey`` are installed). See ``tests/_survey_oracle.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _survey_oracle import SOURCES, reference

from hukoumob.survey import (
    SurveyDesign,
    SurveyResult,
    simulate_survey,
    svy_logit,
    svy_mean,
    svy_ols,
    svy_proportion,
)

RTOL = 1e-6
X = ["x1", "x2", "x3"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return simulate_survey()


@pytest.fixture(scope="module", params=SOURCES)
def ref(request, tmp_path_factory) -> dict:
    """R results keyed by (analysis, term, stat), frozen or live."""
    table = reference("survey_sim", request.param, tmp_path_factory.mktemp("rsurvey"))
    return {
        (a, t, s): (np.nan if v == "NA" else float(v))
        for a, t, s, v in table[["analysis", "term", "stat", "value"]].itertuples(index=False)
    }


def _r_term(term: str) -> str:
    if term == "constant":
        return "(Intercept)"
    if term.startswith("cat="):
        return "factor(cat)" + term[4:]
    return term


def check(ref: dict, analysis: str, res: SurveyResult, *, p: bool = False, df: str | None = "df") -> float:
    """Assert estimates and SEs (and p, df) equal R's; return the largest relative difference."""
    worst = 0.0
    compared = 0
    for term in res.estimates.index:
        rt = _r_term(term)
        pairs = [("est", res.estimates[term]), ("se", res.se[term])]
        if p:
            pairs.append(("p", res.p[term]))
        for stat, ours in pairs:
            key = (analysis, rt, stat)
            if key not in ref:
                continue
            theirs = ref[key]
            rel = abs(ours - theirs) / abs(theirs)
            worst = max(worst, rel)
            compared += 1
            assert rel < RTOL, f"{analysis} {term} {stat}: ours {ours!r}, R {theirs!r}"
    # every term has at least R's SE (plain analyses keep only SEs)
    assert compared >= len(res.estimates), f"{analysis}: R gave {compared} numbers for {len(res.estimates)} terms"
    if df is not None:
        assert res.df == ref[(analysis, "_", df)]
    return worst


def test_means_and_proportions(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "mean_y", svy_mean(data, "y", design))
    check(ref, "mean_yb", svy_proportion(data, "yb", design))
    joint = svy_mean(data, ["y", "x1"], design)
    check(ref, "mean_joint", joint)
    assert joint.vcov.loc["y", "x1"] == pytest.approx(ref[("mean_joint", "y:x1", "cov")], rel=RTOL)
    check(ref, "prop_cat", svy_proportion(data, "cat", design))


def test_linear_regression(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "ols", svy_ols(data, "y", X, design), df="df")
    # R's summary.svyglm tests on design df - K + 1
    check(ref, "ols", svy_ols(data, "y", X, design, df_method="residual"), p=True, df="df_resid")


def test_logistic_regression(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "logit", svy_logit(data, "yb", X, design, df_method="residual"), p=True, df="df_resid")


def test_domain_estimation(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "dom_mean_y", svy_mean(data, "y", design, domain="dom"))
    check(ref, "dom_ols", svy_ols(data, "y", ["x1", "x3"], design, domain="dom", df_method="residual"),
          p=True, df="df_resid")
    check(ref, "dom_logit", svy_logit(data, "yb", ["x1", "x3"], design, domain=data.dom == 1))


def test_zero_weights(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight0")
    assert design.df == 29  # one PSU of s03 has only zero weights
    check(ref, "zero_mean_y", svy_mean(data, "y", design))
    check(ref, "zero_ols", svy_ols(data, "y", X, design, df_method="residual"), p=True, df="df_resid")


def test_cluster_robust(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    # R's unstratified design applies G/(G-1) only; CR1 for OLS adds (N-1)/(N-K)
    ols = svy_ols(data, "y", X, design, vce="cluster")
    n, k = len(data), 4
    for term in ols.estimates.index:
        ours = ols.se[term] / np.sqrt((n - 1) / (n - k))
        assert ours == pytest.approx(ref[("clus_ols", _r_term(term), "se")], rel=RTOL)
    check(ref, "clus_logit", svy_logit(data, "yb", X, design, vce="cluster"), df=None)


def test_plain(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "plain_ols", svy_ols(data, "y", X, design, vce="plain"), df=None)
    check(ref, "plain_logit", svy_logit(data, "yb", X, design, vce="plain"), df=None)


@pytest.mark.parametrize("option", ["remove", "certainty", "adjust", "average"])
def test_singleton_options(ref, data, option):
    single = data[data.keep_single == 1].reset_index(drop=True)
    design = SurveyDesign.from_frame(single, "stratum", "psu", "weight", lonely_psu=option)
    assert design.singleton_strata() == ["s01", "s02"]
    check(ref, f"single_{option}_mean_y", svy_mean(single, "y", design))
    check(ref, f"single_{option}_ols", svy_ols(single, "y", X, design))
    check(ref, f"single_{option}_logit", svy_logit(single, "yb", X, design))


def test_singleton_fail(ref, data):
    single = data[data.keep_single == 1].reset_index(drop=True)
    (r_message,) = [t for (a, t, s) in ref if a == "single_fail"]
    assert "s01" in r_message
    with pytest.raises(ValueError, match="2 stratum/strata with a single PSU: s01, s02"):
        svy_mean(single, "y", SurveyDesign.from_frame(single, "stratum", "psu", "weight", lonely_psu="fail"))


@pytest.mark.needs_r
def test_frozen_oracle_is_what_r_computes_today(tmp_path):
    """The frozen file is a live R run's output (same rows; values to 1e-12), so it cannot go stale unseen."""
    from _survey_oracle import frozen, run_r

    live, still = run_r("survey_sim", tmp_path), frozen("survey_sim")
    key = ["analysis", "term", "stat"]
    assert live[key].equals(still[key])
    a = pd.to_numeric(live["value"], errors="coerce").to_numpy()
    b = pd.to_numeric(still["value"], errors="coerce").to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-12)


def test_a_changed_input_is_caught(monkeypatch):
    import _survey_oracle as so

    monkeypatch.setitem(so.INPUTS, "survey_sim", lambda: (simulate_survey(seed=1), []))
    with pytest.raises(pytest.fail.Exception, match="input of the frozen oracle survey_sim has changed"):
        so.frozen("survey_sim")
