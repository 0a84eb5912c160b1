"""The record-level models against R gnm on expanded records (issue 15).

Table 5 Models 3b and 3c (Wu and Treiman 2007, eq. 4: covariates through the
scores, ``b``, and on the association, ``mu_t``) fitted by
:func:`hukoumob.mobility.fit_records` and by gnm on the same records
re-expressed as counts (``expandCategorical``, a custom nonlin term for the
homogeneous scores; ``tests/oracles/gnm_records.R``), on the replica's
rural-origin men and on a weighted simulated set; and gnm's own stereotype
example on the ``backPain`` data (``Mult(pain, offset(x1) + x2 + x3)``),
fitted by ``fit_records(None, ...)``. Frozen gnm outputs are compared in
every run; where R is present a live run must reproduce them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import xlogy

from hukoumob.mobility import fit_records
from hukoumob.mobility.gnm_oracle import r_available

ORACLES = Path(__file__).resolve().parent / "oracles"
SPECS = {
    "model3b": ([], ["hukou_change"]),
    "model3c": (["educ", "hukou_change", "educ_x_hukou_change"], ["hukou_change", "educ"]),
}
CASES = [(s, m) for s in ("replica", "simulated") for m in SPECS]
REL = 1e-6


def _records() -> pd.DataFrame:
    d = pd.read_csv(ORACLES / "gnm_records_input.csv")
    d["educ_x_hukou_change"] = d["educ"] * d["hukou_change"]
    return d


def _frozen(name: str) -> pd.DataFrame:
    return pd.read_csv(ORACLES / name)


def _gnm(fits: pd.DataFrame, s: str, m: str) -> dict:
    g = fits[(fits["set"] == s) & (fits["model"] == m)]
    assert len(g), f"no frozen gnm rows for {s} {m}"
    return dict(zip(g["term"], g["value"].astype(float)))


def _fit(d: pd.DataFrame, s: str, m: str):
    d = d[d["set"] == s]
    x, t = SPECS[m]
    cats = [str(k) for k in range(1, 7)]
    return fit_records(d["father"].astype(str), d["son"].astype(str), x=d[x] if x else None, t=d[t],
                       weights=d["weight"], categories=cats), d


def _saturated(d: pd.DataFrame, keys: list[str], outcome: str) -> float:
    """Multinomial log-likelihood of the saturated model over gnm's ids (same father and covariates)."""
    c = d.groupby(keys + [outcome])["weight"].sum()
    n = c.groupby(level=list(range(len(keys)))).transform("sum")
    return float(xlogy(c.to_numpy(), c.to_numpy() / n.to_numpy()).sum())


@pytest.fixture(scope="module")
def fitted():
    d = _records()
    return {(s, m): _fit(d, s, m) for s, m in CASES}


@pytest.mark.parametrize("s,m", CASES)
def test_loglik_and_deviance_match_gnm(fitted, s, m):
    res, d = fitted[(s, m)]
    ref = _gnm(_frozen("gnm_records_fits.csv"), s, m)
    assert res.converged and bool(ref["converged"])
    assert res.loglik == pytest.approx(ref["loglik"], rel=1e-10)
    keys = ["father"] + sorted(set(SPECS[m][0] + SPECS[m][1]))
    deviance = 2.0 * (_saturated(d, keys, "son") - res.loglik)
    assert deviance == pytest.approx(ref["deviance"], rel=REL)
    # gnm's rank: one parameter per eliminated id (same father and covariates) plus ours (the constrained
    # phi_1 fixes gnm's scale)
    assert int(ref["df_rank"]) == d.groupby(keys).ngroups + res.layout.n_free


@pytest.mark.parametrize("s,m", CASES)
def test_normalised_parameters_match_gnm(fitted, s, m):
    res, _ = fitted[(s, m)]
    ref = _gnm(_frozen("gnm_records_fits.csv"), s, m)
    names = {f"a:{k + 1}": f"a:{k + 1}" for k in range(6)} | {f"phi:{k + 1}": f"phi:{k + 1}" for k in range(6)}
    names |= {n: n for n in res.names if n in ("delta", "mu0") or n.startswith(("mu:", "b:"))}
    p = res.params
    for ours, theirs in names.items():
        assert p[ours] == pytest.approx(ref[theirs], rel=REL, abs=REL), ours


@pytest.mark.parametrize("s,m", CASES)
def test_standard_errors_match_gnm(fitted, s, m):
    """gnm's SEs (expected information; the normalised parameters by the delta method in R) against ours
    with the expected information and the scores estimated."""
    res, _ = fitted[(s, m)]
    ref = _gnm(_frozen("gnm_records_fits.csv"), s, m)
    se = res.standard_errors("expected", se="model_scores_estimated")
    checked = 0
    for name, value in ref.items():
        if name.startswith("se:") and value > 0 and not name.startswith("se:a:"):
            assert se[name[3:]] == pytest.approx(value, rel=REL), name
            checked += 1
    assert checked >= 8


@pytest.mark.parametrize("s,m", CASES)
def test_fitted_table_matches_gnm(fitted, s, m):
    res, _ = fitted[(s, m)]
    g = _frozen("gnm_records_fitted.csv")
    g = g[(g["set"] == s) & (g["model"] == m)]
    tab = res.fitted_table().to_numpy()
    ours = tab[g["father"].to_numpy() - 1, g["son"].to_numpy() - 1]
    np.testing.assert_allclose(ours, g["fitted"].to_numpy(), rtol=REL)
    assert len(g) == 36


def test_the_simulated_input_is_what_the_generator_builds():
    sys.path.insert(0, str(ORACLES))
    try:
        import make_gnm_records
    finally:
        sys.path.pop(0)
    built = make_gnm_records.simulated_records().reset_index(drop=True)
    frozen = _records()
    frozen = frozen[frozen["set"] == "simulated"].drop(columns="educ_x_hukou_change").reset_index(drop=True)
    pd.testing.assert_frame_equal(built, frozen, check_dtype=False)


# ----------------------------------------------------------------- backPain
def _backpain_fit():
    d = _frozen("gnm_backpain_data.csv")
    return fit_records(None, d["pain"] - 1, x=d[["x1", "x2", "x3"]]), d


def test_backpain_stereotype_model_reproduces_gnm_example():
    """gnm's help(backPain): the stereotype model ``Mult(pain, offset(x1) + x2 + x3)`` on expanded records.
    Its category contrasts ``gamma_q - gamma_worse`` are ``b_x1 (phi_q - phi_worse)`` in our normalisation,
    its slopes ``b_x2 / b_x1`` and ``b_x3 / b_x1``."""
    res, d = _backpain_fit()
    ref = _frozen("gnm_backpain.csv").set_index("term")["value"]
    assert res.converged
    assert res.loglik == pytest.approx(ref["loglik"], rel=1e-10)
    assert res.loglik_null == pytest.approx(ref["loglik_null"], rel=1e-10)
    # gnm's expandCategorical groups patients with the same x1, x2, x3
    assert 2.0 * (_saturated(d.assign(weight=1.0), ["x1", "x2", "x3"], "pain") - res.loglik) == pytest.approx(
        ref["deviance"], rel=REL)
    # parameters beyond the intercepts: (J - 2) scores + 3 slopes, plus gnm's 5 intercepts = its 12
    assert res.layout.n_free == int(ref["n_parameters"])
    p = res.params
    V = res.cov_params("expected", se="model_scores_estimated")
    levels = [k.split(":", 1)[1] for k in ref.index if k.startswith("contrast:")]
    b1 = p["b:x1"]
    for q, lev in enumerate(levels):
        est = b1 * (p[f"phi:{q}"] - p["phi:0"])
        g = pd.Series(0.0, index=res.names)
        g[f"phi:{q}"] += b1
        g["phi:0"] -= b1
        g["b:x1"] += p[f"phi:{q}"] - p["phi:0"]
        se = float(np.sqrt(max(g @ V @ g, 0.0)))
        assert est == pytest.approx(ref[f"contrast:{lev}"], rel=REL, abs=1e-9), lev
        assert se == pytest.approx(ref[f"se_contrast:{lev}"], rel=REL, abs=1e-9), lev
    assert p["b:x2"] / b1 == pytest.approx(ref["slope:x2"], rel=REL)
    assert p["b:x3"] / b1 == pytest.approx(ref["slope:x3"], rel=REL)


def test_a_model_without_origin_rejects_association_covariates():
    from hukoumob.mobility import MobilityInputError

    d = _frozen("gnm_backpain_data.csv")
    with pytest.raises(MobilityInputError, match="needs an origin"):
        fit_records(None, d["pain"] - 1, x=d[["x1"]], t=d[["x2"]])
    with pytest.raises(MobilityInputError, match="needs covariates"):
        fit_records(None, d["pain"] - 1)


# ------------------------------------------------------------------- live R
@pytest.mark.needs_r
def test_live_gnm_agrees_with_frozen(tmp_path):
    if not r_available():
        pytest.skip("Rscript with the gnm package is not available")
    d = pd.read_csv(ORACLES / "gnm_records_input.csv")
    d[d["set"] == "simulated"].to_csv(tmp_path / "in.csv", index=False, float_format="%.17g")
    run = subprocess.run(["Rscript", str(ORACLES / "gnm_records.R"), str(tmp_path), "2", str(tmp_path / "in.csv")],
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr
    live, frozen = pd.read_csv(tmp_path / "gnm_records_fits.csv"), _frozen("gnm_records_fits.csv")
    for m in SPECS:
        a, b = _gnm(live, "simulated", m), _gnm(frozen, "simulated", m)
        for k in ("deviance", "loglik", "phi:1", "mu0", "delta"):
            assert a[k] == pytest.approx(b[k], rel=REL), (m, k)
    bl = pd.read_csv(tmp_path / "gnm_backpain.csv").set_index("term")["value"]
    bf = _frozen("gnm_backpain.csv").set_index("term")["value"]
    np.testing.assert_allclose(bl.to_numpy(), bf.loc[bl.index].to_numpy(), rtol=REL, atol=1e-12)
