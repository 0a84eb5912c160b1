"""The mobility-model family against R's gnm, on every table of the oracle.

``tests/oracles/gnm_family.R`` fitted every model with gnm (the best of
several seeds; ``rc_homog`` with both MultHomog and the sign-reversed
NegMultHomog; ``rc_homog_layer`` with a custom nonlin term) and froze the
deviances, degrees of freedom, normalised parameters and fitted values under
``tests/oracles/``. These tests compare with the frozen files on every run;
``test_live_gnm_agrees_with_frozen`` reruns R on a few tables where R is
present. Where gnm's seeds stop short of a limit at infinity (``LIMITS``),
ours is compared with gnm's fit of the limiting model (``gnm_limits.R``).
"""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hukoumob.mobility import fit_model
from hukoumob.mobility.family import DIAGONALS, LAYERED_ASSOCIATIONS, TWO_WAY_ASSOCIATIONS
from hukoumob.mobility.gnm_oracle import r_available

ORACLES = Path(__file__).parent / "oracles"
TWO_WAY_TABLES = ["occupationalStatus"] + [f"yaish_educ{k}" for k in range(1, 6)] + [
    "yaish_collapsed", "erikson_EW", "erikson_F", "erikson_S"]
LAYERED_TABLES = ["yaish_layered", "erikson_layered"]
TWO_WAY_MODELS = [f"{a}/{d}" for a in TWO_WAY_ASSOCIATIONS for d in DIAGONALS]


def oracle_table(tables: pd.DataFrame, tid: str) -> pd.DataFrame:
    """The long table ``tid`` of ``gnm_family_tables.csv`` with categorical
    columns in R's level order (and the layer column for a layered table)."""
    d = tables[tables["table"] == tid].sort_values(["layer_code", "origin_code", "destination_code"])
    if d.empty:
        raise KeyError(tid)

    def cat(col):
        vals = d[col].astype(str)
        return pd.Categorical(vals, categories=list(dict.fromkeys(vals)))

    out = pd.DataFrame({"origin": cat("origin"), "destination": cat("destination"),
                        "count": d["count"].to_numpy(dtype=float)})
    name = d["layer_name"].iloc[0]
    if name:
        out[name] = cat("layer")
    return out


def _read(name):
    return pd.read_csv(ORACLES / name, keep_default_na=False)


@pytest.fixture(scope="module")
def frozen():
    return {k: _read(f"gnm_family_{k}.csv") for k in ("tables", "fits", "params", "fitted")}


_CACHE: dict = {}


def ours(frozen, tid, model):
    key = (tid, model)
    if key not in _CACHE:
        table = oracle_table(frozen["tables"], tid)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if "/" in model:
                a, d = model.split("/")
                _CACHE[key] = fit_model(table, a, d)
            else:
                _CACHE[key] = fit_model(table, model, layer=table.columns[-1])
    return _CACHE[key]


def _ref(frozen, tid, model):
    f = frozen["fits"]
    row = f[(f["table"] == tid) & (f["model"] == model)]
    assert len(row) == 1, (tid, model)
    return row.iloc[0]


#: Where gnm's best of its seeds stops at a lower maximum than our search
#: finds (the tests then assert that ours has the higher likelihood). None
#: since yaish education 1 and 4 were refitted with 60 seeds (10 missed the
#: maximum of rc/full on education 4, which 60 reach).
GNM_SHORT: set = set()

#: Limits at infinity that gnm's seeds approach without reaching, checked
#: against gnm's fit of the limiting model instead (``gnm_limits.R``, frozen
#: in ``gnm_family_limits*.csv``): RC(1) with a full diagonal on yaish
#: education 1 has no maximum; the zero cells (2,4) and (5,4) go to 0 and 60
#: gnm seeds stop at G2 11.7164 (converged=FALSE), short of the limit
#: 11.69435 that our search computes on the limiting model (:mod:`hukoumob.mobility.limits`).
LIMITS = {("yaish_educ1", "rc/full")}

CASES = [(t, m) for t in TWO_WAY_TABLES for m in TWO_WAY_MODELS] + [
    (t, m) for t in LAYERED_TABLES for m in LAYERED_ASSOCIATIONS]


def _limit_oracle(kind):
    f = _read(f"gnm_family_limits{kind}.csv")
    return f


@pytest.mark.parametrize("tid,model", CASES)
def test_deviance_and_df_match_gnm(frozen, tid, model):
    res = ours(frozen, tid, model)
    ref = _ref(frozen, tid, model)
    assert res.df_resid == int(ref["df"])
    if (tid, model) in LIMITS:
        # the limit: at least as far as gnm's best seed, and equal to gnm's fit of the limiting model
        lim = _limit_oracle("").set_index("fit")
        assert not res.mle_exists and not res.converged and res.limit_finished
        assert res.deviance <= float(ref["deviance"])
        assert res.deviance == pytest.approx(float(lim.loc["limiting_model", "deviance"]), rel=1e-6)
        # removing the vanishing cells alone gives a lower bound, not the limit
        assert res.deviance > float(lim.loc["cells_removed", "deviance"]) + 1.0
        return
    rel = 1e-6 if res.mle_exists else 1e-5
    if (tid, model) in GNM_SHORT:
        assert res.deviance < float(ref["deviance"]) * (1 - 1e-3)
        return
    assert res.deviance == pytest.approx(float(ref["deviance"]), rel=rel, abs=rel * 1e-3)


@pytest.mark.parametrize("tid,model", CASES)
def test_fitted_values_match_gnm(frozen, tid, model):
    if (tid, model) in GNM_SHORT:
        pytest.skip("gnm stopped at a lower maximum (GNM_SHORT)")
    res = ours(frozen, tid, model)
    fv = frozen["fitted"]
    ref = fv[(fv["table"] == tid) & (fv["model"] == model)]
    if (tid, model) in LIMITS:  # against gnm's fit of the limiting model, 0 in the vanishing cells
        lf = _limit_oracle("_fitted")
        ref = lf[(lf["table"] == tid) & (lf["model"] == model) & (lf["fit"] == "limiting_model")]
    mine = res.fitted
    lay = res.cells.layer_name
    keys = ([lay] if lay else []) + ["origin", "destination"]
    ref = ref.assign(origin=ref["origin"].astype(str), destination=ref["destination"].astype(str))
    if lay:
        ref = ref.rename(columns={"layer": lay}).assign(**{lay: lambda x: x[lay].astype(str)})
    joined = mine.astype({k: str for k in keys}).merge(ref[keys + ["fitted"]], on=keys, suffixes=("", "_gnm"))
    assert len(joined) == len(mine)
    rel = 1e-6 if res.mle_exists or (tid, model) in LIMITS else 1e-5
    # relative to each cell, with a floor for cells whose fitted value goes to 0
    floor = rel * res.total / len(mine) if (tid, model) not in LIMITS else 1e-12
    np.testing.assert_array_less(np.abs(joined["fitted"] - joined["fitted_gnm"]),
                                 rel * np.abs(joined["fitted_gnm"]) + floor)


@pytest.mark.parametrize("tid,model", CASES)
def test_normalised_parameters_match_gnm(frozen, tid, model):
    if (tid, model) in GNM_SHORT:
        pytest.skip("gnm stopped at a lower maximum (GNM_SHORT)")
    res = ours(frozen, tid, model)
    pr = frozen["params"]
    ref = pr[(pr["table"] == tid) & (pr["model"] == model)]
    if ref.empty:
        pytest.skip("no parameters of interest (linear margins only)")
    if not res.mle_exists:
        pytest.skip("the MLE does not exist (a parameter at infinity): compared by deviance and fitted values")
    ref = ref.set_index("term")["value"].astype(float)
    mine = res.params.copy()
    if res.association == "unidiff":  # gnm's contrasts with the first layer (0 included)
        mine = res.layer_effects.rename(lambda k: f"layer_effect:{k}")
    missing = [k for k in ref.index if k not in mine.index]
    assert not missing, missing
    np.testing.assert_allclose(mine[ref.index].to_numpy(), ref.to_numpy(), atol=1e-6, rtol=1e-6)


def test_the_family_finds_a_maximum_at_least_as_good_as_gnm_everywhere(frozen):
    """No table x model where gnm's best of its seeds beats our search."""
    worse = []
    for tid, model in CASES:
        res = ours(frozen, tid, model)
        ref = float(_ref(frozen, tid, model)["deviance"])
        rel = 1e-6 if res.mle_exists else 1e-5  # a limit at infinity is approached, not reached
        if res.deviance > ref * (1 + rel) + 1e-9:
            worse.append((tid, model, res.deviance, ref))
    assert not worse


def test_yaish_layer_3_global_maximum_has_negative_association(frozen):
    """Issue 15: the higher maximum of yaish education 3 has mu < 0, which
    gnm's MultHomog cannot express; the search finds it and reports the
    positive-mu maximum too."""
    table = oracle_table(frozen["tables"], "yaish_educ3")
    with pytest.warns(Warning, match="distinct maxima"):
        res = fit_model(table, "rc_homog", "uniform")
    assert res.mu < 0
    assert len(res.maxima) >= 2
    assert (res.maxima["mu"] > 0).any()
    assert res.deviance < res.maxima["deviance"].iloc[1]


@pytest.mark.needs_r
def test_live_gnm_agrees_with_frozen(tmp_path, frozen):
    if not r_available():
        pytest.skip("Rscript with the gnm package is not available")
    sub = "yaish_educ3,erikson_S"
    run = subprocess.run(["Rscript", str(ORACLES / "gnm_family.R"), str(tmp_path), "4", sub],
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr
    live = pd.read_csv(tmp_path / "gnm_family_fits.csv", keep_default_na=False)
    for _, row in live.iterrows():
        res = ours(frozen, row["table"], row["model"])
        assert res.df_resid == int(row["df"])
        assert res.deviance <= float(row["deviance"]) * (1 + 1e-6) + 1e-9
        ref = _ref(frozen, row["table"], row["model"])
        assert float(row["deviance"]) == pytest.approx(float(ref["deviance"]), rel=1e-5)


def test_the_limit_at_infinity_names_its_vanishing_cells(frozen):
    """yaish education 1, RC(1) + full diagonal: reported as a limit (never
    converged), the cells whose fitted values go to 0 named in the result and
    in the warning, the deviance and fitted values those of the limit."""
    from hukoumob.mobility import MobilityConvergenceWarning, StartsDisagreeWarning

    table = oracle_table(frozen["tables"], "yaish_educ1")
    # the search also finds a finite maximum (G2 15.5) below the limit, and says so
    with pytest.warns(StartsDisagreeWarning, match=r"distinct maxima.*\(limit\).*\(maximum\)"), \
            pytest.warns(MobilityConvergenceWarning, match=r"zero cells \(2, 4\), \(5, 4\) go to 0") as rec:
        res = fit_model(table, "rc", "full")
    assert any("does not exist" in str(w.message) for w in rec)
    assert not res.converged and not res.mle_exists and res.limit_finished
    z = res.zero_limit
    assert list(zip(z["origin"].astype(str), z["destination"].astype(str))) == [("2", "4"), ("5", "4")]
    assert (z["fitted"] == 0).all() and (z["count"] == 0).all()
    assert res.maxima["deviance"].iloc[0] == pytest.approx(res.deviance, rel=1e-12)
    # the other cells of column 4 are fitted exactly in the limit
    col4 = res.fitted[(res.fitted["destination"].astype(str) == "4")]
    np.testing.assert_allclose(col4["fitted"], col4["count"], rtol=1e-8, atol=1e-10)


def test_the_limit_is_approached_by_points_of_the_model(frozen):
    """The reported limit is a limit of the model, not a bound: points of
    RC(1) + full diagonal built from the limiting fit (column 4 apart with
    ``psi_4 = K``, rows 4 and 5 off the base with the rank-one scores, the
    other rows ``O(1/t)`` from it, ``delta_4`` absorbing the divergence of
    (4,4)) have deviances that fall towards it as ``t`` grows, with (2,4)
    and (5,4) going to 0."""
    from scipy.special import xlogy

    table = oracle_table(frozen["tables"], "yaish_educ1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit_model(table, "rc", "full")
    lim = res.limit
    y, row, col = res.cells.y, res.cells.row, res.cells.col
    lm, th = lim.model, lim.theta
    T = lm.term.eta(th[lm.pL:]).reshape(6, 6)
    keep = lim.fitted > 0
    base_cols, C = [0, 1, 2, 4, 5], 3
    X = res.model.X
    ind = np.column_stack([((row == i) & (col == C)).astype(float) for i in (0, 2, 5)])
    coef = np.linalg.lstsq(np.column_stack([X, ind])[keep], (lm.X @ th[: lm.pL])[keep], rcond=None)[0]
    b, v = coef[: X.shape[1]], coef[X.shape[1]:]
    U, S, Vt = np.linalg.svd(T[[3, 4]][:, base_cols])
    assert S[1] < 1e-12 * S[0]  # the interaction of rows 4, 5 is rank one
    G, F = U[:, 0] * S[0], Vt[0]
    K = -np.sign(G[1])  # (5,4) goes to -infinity
    d4 = list(res.model.linear_names).index("delta:4")
    ylogy = float(xlogy(y, y).sum())
    excess = []
    for t in (1e2, 1e4, 1e6, 1e8):
        phi, psi = np.zeros(6), np.zeros(6)
        phi[[0, 2, 5]] = v / (K * t)
        phi[1] = -np.log(t) ** 2 / (K * t)
        phi[3], phi[4] = G
        psi[base_cols], psi[C] = F / t, K
        bt = b.copy()
        bt[d4] -= t * G[0] * K
        m = np.exp(X @ bt + t * phi[row] * psi[col])  # a point of the model: mu phi psi' of rank one
        excess.append(2 * (ylogy - xlogy(y, m).sum() - y.sum() + m.sum()) - res.deviance)
    assert all(e > 0 for e in excess) and all(a > 5 * b_ for a, b_ in zip(excess, excess[1:]))
    assert excess[-1] < 1e-4


@pytest.mark.needs_r
def test_live_gnm_limit_agrees_with_frozen(tmp_path):
    if not r_available():
        pytest.skip("Rscript with the gnm package is not available")
    run = subprocess.run(["Rscript", str(ORACLES / "gnm_limits.R"), str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    live = pd.read_csv(tmp_path / "gnm_family_limits.csv").set_index("fit")
    ref = _limit_oracle("").set_index("fit")
    for k in ("limiting_model", "cells_removed"):
        assert float(live.loc[k, "deviance"]) == pytest.approx(float(ref.loc[k, "deviance"]), rel=1e-8)


def test_paper_engine_reaches_the_negative_mu_maximum_on_yaish_layer_3(frozen):
    """``fit_table`` (Table 5's engine) shares the search: on yaish education
    3 it returns the global maximum (mu < 0), not gnm's best positive one."""
    from hukoumob.mobility import fit_table

    table = oracle_table(frozen["tables"], "yaish_educ3")
    arr = table.pivot(index="origin", columns="destination", values="count")
    fam = ours(frozen, "yaish_educ3", "rc_homog/uniform")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit_table(arr.to_numpy(), categories=[str(c) for c in arr.index])
    assert res.converged
    assert res.mu0 == pytest.approx(fam.mu, abs=1e-6)
    assert res.mu0 < 0
    assert res.delta == pytest.approx(fam.delta, abs=1e-6)
    assert res.loglik == pytest.approx(fam.loglik, rel=1e-10)
