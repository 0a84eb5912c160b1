"""Fitting the Table 5 models: recovery of known parameters, invariances,
table == records, the normalisation, the covariance conventions and the
Table 5 long rows."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from hukoumob.inputs.reference import load_erikson_tables
from hukoumob.mobility import (
    MobilityData,
    expected_table,
    fit_records,
    fit_table,
    model_probabilities,
    simulate_records,
    simulate_table,
)
from hukoumob.mobility.likelihood import derivatives
from hukoumob.inputs.schema import CLASSES, SCHEMAS


# the engine knows no class labels: the paper's classes come in as arguments
fit_table = functools.partial(fit_table, categories=CLASSES)
fit_records = functools.partial(fit_records, categories=CLASSES)

J = 6


def _unit_scores(raw):
    phi = np.asarray(raw, float)
    phi = phi - phi.mean()
    phi = phi / np.linalg.norm(phi)
    return -phi if phi[-1] > 0 else phi


TRUE_PHI = _unit_scores([0.9, 0.5, 0.3, 0.1, -0.2, -1.4])
TRUE_A = np.array([0.3, -0.4, -0.8, 0.2, -0.1, 0.0])
TRUE_DELTA = 0.7
TRUE_MU = 2.2


@pytest.fixture(scope="module")
def erikson():
    return load_erikson_tables()


# ------------------------------------------------------------------- recovery
def test_exact_recovery_from_expected_table():
    """Fitting the model's own expected counts returns its parameters."""
    rows = np.array([900.0, 350.0, 200.0, 1200.0, 800.0, 2500.0])
    m = expected_table(rows, TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU)
    res = fit_table(m)
    assert res.converged
    np.testing.assert_allclose(res.phi.to_numpy(), TRUE_PHI, atol=1e-7)
    np.testing.assert_allclose(res.params.filter(like="a:").to_numpy(), TRUE_A, atol=1e-7)
    assert res.delta == pytest.approx(TRUE_DELTA, abs=1e-7)
    assert res.mu0 == pytest.approx(TRUE_MU, abs=1e-7)
    np.testing.assert_allclose(res.fitted_table().to_numpy(), m, rtol=1e-8)


def test_recovery_from_simulated_table_within_standard_errors():
    rng = np.random.default_rng(11)
    rows = np.array([30000, 12000, 8000, 40000, 25000, 90000])
    tab = simulate_table(rng, rows, TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU)
    res = fit_table(tab)
    truth = np.r_[TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU]
    se = res.bse.to_numpy()
    free = np.isfinite(se)
    z = (res.beta - truth)[free] / se[free]
    assert np.all(np.abs(z) < 4.5), dict(zip(np.array(res.names)[free], z.round(2)))
    # and the sampling error is small in absolute terms
    assert np.max(np.abs(res.phi.to_numpy() - TRUE_PHI)) < 0.02


# Model 3c-like covariates: x = (educ, hukou_change, educ x hukou_change),
# t = (hukou_change, educ); parameters chosen for the test, not the paper's
TRUE_B = np.array([0.15, 1.2, 0.08])
TRUE_MUT = np.array([-1.5, -0.03])
X_NAMES = ["educ", "hukou_change", "educ_x_hukou_change"]
T_NAMES = ["hukou_change", "educ"]


def _covariates(educ, hc):
    x = np.column_stack([educ, hc, educ * hc])
    t = np.column_stack([hc, educ])
    return x, t


def _expected_records(with_b: bool):
    """Covariate patterns x destinations with fractional weights N * P(q | pattern)."""
    v, educ, hc = (g.ravel() for g in np.meshgrid(np.arange(J), [0, 3, 6, 9, 12, 16], [0, 1], indexing="ij"))
    x, t = _covariates(educ.astype(float), hc.astype(float))
    if with_b:
        P = model_probabilities(TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU, v, x=x, t=t, mu_t=TRUE_MUT, b=TRUE_B)
    else:  # Model 3b form: association varies with hukou change, no b
        t = t[:, :1]
        P = model_probabilities(TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU, v, t=t, mu_t=TRUE_MUT[:1])
    n_pat = 50.0 + 10.0 * v  # unequal pattern sizes
    w = (n_pat[:, None] * P).ravel()
    return np.repeat(v, J), np.tile(np.arange(J), v.size), np.repeat(x, J, axis=0), np.repeat(t, J, axis=0), w


def test_exact_recovery_from_expected_records_with_covariates():
    """Model 3c form: the records' expected counts return the parameters of
    eq. 4 exactly."""
    v, y, x, t, w = _expected_records(with_b=True)
    res = fit_records(v, y, x=x, t=t, weights=w, x_names=X_NAMES, t_names=T_NAMES)
    assert res.converged
    np.testing.assert_allclose(res.phi.to_numpy(), TRUE_PHI, atol=1e-6)
    np.testing.assert_allclose(res.params.filter(like="b:").to_numpy(), TRUE_B, atol=1e-6)
    np.testing.assert_allclose(res.params.filter(like="mu:").to_numpy(), TRUE_MUT, atol=1e-6)
    assert res.delta == pytest.approx(TRUE_DELTA, abs=1e-6)
    assert res.mu0 == pytest.approx(TRUE_MU, abs=1e-6)
    assert res.df_model == 4 + 2 + 2 + 3
    assert res.df_paper == 12


def test_exact_recovery_model3b_form():
    """Model 3b form (a ``t`` that is not also an ``x``): here sum(phi) = 0 is a
    restriction, not a normalisation; data generated under it are recovered."""
    v, y, _, t, w = _expected_records(with_b=False)
    res = fit_records(v, y, t=t, weights=w, t_names=["hukou_change"])
    np.testing.assert_allclose(res.phi.to_numpy(), TRUE_PHI, atol=1e-6)
    assert res.params["mu:hukou_change"] == pytest.approx(TRUE_MUT[0], abs=1e-6)
    assert res.mu0 == pytest.approx(TRUE_MU, abs=1e-6)
    assert (res.df_model, res.df_paper) == (7, 8)


def test_recovery_from_simulated_records_with_covariates():
    rng = np.random.default_rng(12)
    n = 4000
    v = rng.choice(J, size=n, p=[0.12, 0.05, 0.05, 0.15, 0.13, 0.5])
    educ = rng.integers(0, 17, n).astype(float)
    hc = (rng.random(n) < 0.25).astype(float)
    x, t = _covariates(educ, hc)
    y = simulate_records(rng, v, TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU, x=x, t=t, mu_t=TRUE_MUT, b=TRUE_B)
    w = rng.uniform(0.5, 1.5, n)
    res = fit_records(v, y, x=pd.DataFrame(x, columns=X_NAMES), t=pd.DataFrame(t, columns=T_NAMES),
                      weights=w, n_starts=2)
    truth = np.r_[TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU, TRUE_MUT, TRUE_B]
    se = res.bse.to_numpy()
    free = np.isfinite(se)
    z = (res.beta - truth)[free] / se[free]
    assert np.all(np.abs(z) < 4.5), dict(zip(np.array(res.names)[free], z.round(2)))
    assert res.n_persons == n
    assert res.n_paper == n * J
    assert res.sum_weights == pytest.approx(w.sum())


# ---------------------------------------------------------------- invariances
def test_scaling_counts_leaves_estimates_unchanged(erikson):
    tab = erikson["F"]
    r1 = fit_table(tab)
    r2 = fit_table(tab * 7.3)
    np.testing.assert_allclose(r2.beta, r1.beta, atol=1e-8)
    assert r2.loglik == pytest.approx(7.3 * r1.loglik, rel=1e-10)
    assert r2.lr_chi2 == pytest.approx(7.3 * r1.lr_chi2, rel=1e-9)
    np.testing.assert_allclose(r2.bse.dropna(), r1.bse.dropna() / np.sqrt(7.3), rtol=1e-6)


def test_permuting_categories_permutes_the_scores(erikson):
    tab = erikson["EW"]
    perm = np.array([3, 5, 0, 2, 4, 1])
    cats = [CLASSES[i] for i in perm]
    r1 = fit_table(tab)
    r2 = fit_table(tab[np.ix_(perm, perm)], categories=cats, ref="farm", sign_ref="farm")
    np.testing.assert_allclose(r2.phi[list(CLASSES)].to_numpy(), r1.phi.to_numpy(), atol=1e-8)
    assert r2.delta == pytest.approx(r1.delta, abs=1e-8)
    assert r2.mu0 == pytest.approx(r1.mu0, abs=1e-8)
    assert r2.loglik == pytest.approx(r1.loglik, rel=1e-12)
    a1 = r1.params.filter(like="a:")
    a2 = r2.params.filter(like="a:")[[f"a:{c}" for c in CLASSES]]
    np.testing.assert_allclose(a2.to_numpy(), a1.to_numpy(), atol=1e-8)


def test_table_fit_equals_individual_record_fit(erikson):
    """A small integer table expanded to one record per person gives the same
    estimates, log-likelihood and standard errors as the table."""
    tab = np.round(erikson["S"] / 4)
    rt = fit_table(tab)
    v, y = np.nonzero(tab)
    reps = tab[v, y].astype(int)
    rr = fit_records(np.repeat(v, reps), np.repeat(y, reps))
    np.testing.assert_allclose(rr.beta, rt.beta, atol=1e-8)
    assert rr.loglik == pytest.approx(rt.loglik, rel=1e-12)
    np.testing.assert_allclose(rr.bse.dropna(), rt.bse.dropna(), rtol=1e-7)
    assert rr.n_persons == tab.sum()
    # and one weighted record per cell as well (weights = counts)
    rw = fit_records(v, y, weights=tab[v, y])
    np.testing.assert_allclose(rw.beta, rt.beta, atol=1e-8)
    assert rw.n_persons == v.size  # records, not persons: the paper's N needs persons


# --------------------------------------------------------------- normalisation
def test_normalisation_sign_and_reference(erikson):
    res = fit_table(erikson["EW"])
    phi = res.phi.to_numpy()
    assert abs(phi.sum()) < 1e-12
    assert phi @ phi == pytest.approx(1.0, abs=1e-12)
    assert res.phi["farm"] < 0
    assert res.params["a:farm"] == 0.0
    assert np.isnan(res.bse["a:farm"])
    V = res.cov_params().loc[[f"phi:{c}" for c in CLASSES], [f"phi:{c}" for c in CLASSES]].to_numpy()
    # constrained covariance: no variance along 1 or along phi, rank J - 2
    np.testing.assert_allclose(V @ np.ones(J), 0, atol=1e-12)
    np.testing.assert_allclose(V @ phi, 0, atol=1e-12)
    assert np.linalg.matrix_rank(V, tol=1e-10) == J - 2


def test_sign_reference_can_be_changed(erikson):
    r1 = fit_table(erikson["EW"])
    r2 = fit_table(erikson["EW"], sign_ref="I_II")
    assert r2.phi["I_II"] < 0
    np.testing.assert_allclose(r2.phi.to_numpy(), -r1.phi.to_numpy(), atol=1e-10)
    assert r2.mu0 == pytest.approx(r1.mu0, abs=1e-10)


def test_fixed_score_covariance_is_the_conditional_logit_covariance(erikson):
    """``scores="fixed"`` equals the inverse of minus the finite-difference
    Hessian in (a without ref, delta, mu0) with the scores held at phi_hat."""
    res = fit_table(erikson["S"])
    L = res.layout
    idx = [i for i in range(J) if i != L.ref] + [L.delta, L.mu0]
    h = 1e-5

    def grad(e):
        return derivatives(res.beta + e, res.data, 1)[1][idx]

    E = np.zeros((len(idx), L.p))
    E[np.arange(len(idx)), idx] = h
    H = np.array([(grad(e) - grad(-e)) / (2 * h) for e in E])
    V = np.linalg.inv(-0.5 * (H + H.T))
    names = [res.names[i] for i in idx]
    np.testing.assert_allclose(res.cov_params(scores="fixed").loc[names, names].to_numpy(), V, rtol=1e-5)
    # accounting for the scores can only increase the variances here
    assert np.all(res.standard_errors()[["delta", "mu0"]] >= res.standard_errors(scores="fixed")[["delta", "mu0"]])


def test_sandwich_with_information_as_meat_is_the_model_covariance(erikson):
    res = fit_table(erikson["F"])
    np.testing.assert_allclose(res.sandwich(res.information()).to_numpy(), res.cov_params().to_numpy(), atol=1e-12)
    sc = res.score_contributions()
    assert sc.shape == (J, len(res.free_names))
    assert np.max(np.abs(sc.sum(axis=0))) < 1e-6


# ------------------------------------------------------------ fit statistics
def test_fit_statistics_and_starts(erikson):
    tab = erikson["EW"]
    res = fit_table(tab, n_persons=1234, n_starts=3)
    W = tab.sum()
    col = tab.sum(axis=0)
    assert res.loglik_null == pytest.approx(np.sum(col * np.log(col / W)))
    assert res.loglik_uniform == pytest.approx(-W * np.log(J))
    assert res.lr_chi2 == pytest.approx(2 * (res.loglik - res.loglik_null))
    P = res.fitted_table().to_numpy() / tab.sum(axis=1, keepdims=True)
    assert res.loglik == pytest.approx(np.sum(tab * np.log(P)), rel=1e-12)
    assert (res.df_model, res.df_paper) == (6, 7)
    assert res.n_paper == 1234 * J
    assert list(res.starts["start"]) == ["deterministic", "random1", "random2"]
    assert res.starts["converged"].all()
    assert res.starts.loc[0, "loglik"] == pytest.approx(res.loglik, abs=1e-6)
    assert isinstance(res.starts_agree, bool)
    assert res.converged and res.grad_norm < 1e-6
    one = fit_table(tab, n_starts=1)
    assert one.starts_agree and len(one.starts) == 1


def test_summary_is_tidy(erikson):
    s = fit_table(erikson["F"]).summary()
    assert list(s.columns) == ["parameter", "block", "term", "est", "se", "z", "p"]
    assert set(s["block"]) == {"intercept", "scaling", "immobility", "association"}
    assert len(s) == 2 * J + 2


def test_table5_rows_follow_the_schema(erikson):
    schema = SCHEMAS["table5"]
    rows = fit_table(erikson["S"]).to_table5_rows("model1", allowed=SCHEMAS["table5"].allowed)
    assert tuple(rows.columns) == schema.columns
    for key in schema.keys:
        assert set(rows[key]) <= set(schema.allowed[key]), key
    assert not rows.duplicated(list(schema.keys)).any()
    scal = rows[rows.panel == "A_scaling"]
    assert list(scal["term"]) == list(CLASSES) and set(scal["statistic"]) == {"est"}
    fit = rows[rows.panel == "fit"].set_index("term")["value"]
    assert fit["df"] == 7 and fit["N"] == erikson["S"].sum() * J
    with pytest.raises(ValueError, match="model_name"):
        fit_table(erikson["S"]).to_table5_rows("model9", allowed=SCHEMAS["table5"].allowed)


def test_table5_rows_with_covariates():
    rng = np.random.default_rng(13)
    n = 1500
    v = rng.integers(0, J, n)
    educ = rng.integers(0, 17, n).astype(float)
    hc = (rng.random(n) < 0.3).astype(float)
    x, t = _covariates(educ, hc)
    y = simulate_records(rng, v, TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU, x=x, t=t, mu_t=TRUE_MUT, b=TRUE_B)
    res = fit_records(v, y, x=x, t=t, x_names=X_NAMES, t_names=T_NAMES, n_starts=1)
    rows = res.to_table5_rows("model3c")
    terms = set(rows["term"])
    assert {"association_x_hukou_change", "association_x_educ", "educ", "hukou_change",
            "educ_x_hukou_change"} <= terms
    assert rows.set_index(["panel", "term", "statistic"]).loc[("fit", "df", "est"), "value"] == 12
    bad = fit_records(v, y, x=x[:, :1], x_names=["schooling"], n_starts=1)
    with pytest.raises(ValueError, match="not a Table 5 term"):
        bad.to_table5_rows("model3c", allowed=SCHEMAS["table5"].allowed)


def test_predict_proba_matches_fitted_probabilities():
    rng = np.random.default_rng(14)
    n = 800
    v = rng.integers(0, J, n)
    x = rng.normal(size=(n, 1))
    t = rng.normal(size=(n, 1))
    y = simulate_records(rng, v, TRUE_A, TRUE_PHI, TRUE_DELTA, TRUE_MU, x=x, t=t, mu_t=[0.3], b=[0.5])
    res = fit_records(v, y, x=x, t=t, n_starts=1)
    np.testing.assert_allclose(res.predict_proba(v, x=x, t=t).to_numpy(), res.probabilities(), atol=1e-12)
