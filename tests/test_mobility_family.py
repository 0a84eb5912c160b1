"""The mobility-model family (issue 15): recovery on simulated tables, scale
invariance, input handling and bad input, the global search."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from hukoumob.mobility import (
    MobilityConvergenceWarning,
    MobilityInputError,
    StartsDisagreeWarning,
    fit_family,
    fit_model,
    fit_statistics,
)
from hukoumob.mobility.family import DIAGONALS, LAYERED_ASSOCIATIONS, TWO_WAY_ASSOCIATIONS

LABELS = ["a", "b", "c", "d", "e"]
PHI = np.array([0.6, 0.35, -0.05, -0.3, -0.6])
PHI = (PHI - PHI.mean()) / np.linalg.norm(PHI - PHI.mean())
PSI = np.array([0.5, 0.5, 0.0, -0.2, -0.8])
PSI = (PSI - PSI.mean()) / np.linalg.norm(PSI - PSI.mean())
ROW = np.log([300, 200, 150, 400, 250.0])
COL = np.log([1.0, 0.8, 1.3, 0.7, 1.1])


def expected(mu, delta=0.0, phi=PHI, psi=None, delta_full=None):
    psi = phi if psi is None else psi
    eta = ROW[:, None] + COL[None, :] + mu * np.outer(phi, psi)
    eta += np.diag(np.full(5, delta) if delta_full is None else delta_full)
    return np.exp(eta)


def long(arr, labels=LABELS):
    o, d = np.meshgrid(range(arr.shape[0]), range(arr.shape[1]), indexing="ij")
    return pd.DataFrame({"origin": np.array(labels)[o.ravel()], "destination": np.array(labels)[d.ravel()],
                         "count": arr.ravel()})


def square(arr, labels=LABELS):
    return pd.DataFrame(arr, index=labels, columns=labels)


def quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# ------------------------------------------------------------------ recovery
@pytest.mark.parametrize("mu", [1.7, -1.2])
def test_rc_homog_recovers_true_parameters_of_either_sign(mu):
    res = quiet(fit_model, square(expected(mu, 0.4)), "rc_homog", "uniform")
    assert res.converged and res.mle_exists
    assert res.deviance == pytest.approx(0.0, abs=1e-8)
    assert res.mu == pytest.approx(mu, abs=1e-8)
    assert res.delta == pytest.approx(0.4, abs=1e-8)
    sign = -1.0 if PHI[-1] > 0 else 1.0
    np.testing.assert_allclose(res.scores["origin"].to_numpy(), sign * PHI, atol=1e-8)


def test_rc_recovers_separate_scores():
    res = quiet(fit_model, square(expected(2.0, phi=PHI, psi=PSI)), "rc", "none")
    assert res.deviance == pytest.approx(0.0, abs=1e-8)
    assert res.mu == pytest.approx(2.0, abs=1e-8)
    np.testing.assert_allclose(res.scores["origin"].to_numpy(), PHI, atol=1e-8)
    np.testing.assert_allclose(res.scores["destination"].to_numpy(), PSI, atol=1e-8)


def test_full_diagonal_and_uniform_association_recovered():
    dfull = np.array([0.5, -0.2, 0.3, 0.1, 0.7])
    ij = np.outer(np.arange(1, 6), np.arange(1, 6))
    tab = np.exp(ROW[:, None] + COL[None, :] + 0.15 * ij + np.diag(dfull))
    res = fit_model(square(tab), "uniform", "full")
    assert res.deviance == pytest.approx(0.0, abs=1e-8)
    assert res.mu == pytest.approx(0.15, abs=1e-9)
    np.testing.assert_allclose(res.delta.to_numpy(), dfull, atol=1e-9)


def test_poisson_sample_estimates_near_truth():
    rng = np.random.default_rng(5)
    m = expected(1.5, 0.5) * 40
    res = quiet(fit_model, square(rng.poisson(m).astype(float)), "rc_homog", "uniform")
    assert res.converged
    assert res.mu == pytest.approx(1.5, abs=4 * res.bse["mu"])
    assert res.delta == pytest.approx(0.5, abs=4 * res.bse["delta"])
    assert 0 < res.deviance < 60  # G2 ~ chi2 on 12 df


def _layered(arr3, layers=("x", "y", "z")):
    rows = []
    for k, lab in enumerate(layers):
        f = long(arr3[k])
        f.insert(0, "group", lab)
        rows.append(f)
    return pd.concat(rows, ignore_index=True)


def test_unidiff_recovers_layer_effects():
    gamma = np.outer(PHI, PSI) * 2.0 + np.diag([0.4, 0.1, 0.2, 0.3, 0.5])
    betas = np.array([0.0, -0.4, 0.3])
    arr = np.stack([np.exp(ROW[:, None] + COL[None, :] + k * 0.1 + np.exp(b) * gamma) for k, b in enumerate(betas)])
    res = quiet(fit_model, _layered(arr), "unidiff", layer="group")
    assert res.deviance == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(res.layer_effects.to_numpy(), betas, atol=1e-8)
    assert res.df_resid == 3 * 25 - (3 * 5 + 3 * 4 + 2 + 16)


def test_rc_homog_layer_recovers_per_layer_association_of_any_sign():
    mus, deltas = np.array([1.5, -0.8, 0.6]), np.array([0.3, 0.6, -0.1])
    arr = np.stack([expected(m, d) for m, d in zip(mus, deltas)])
    res = quiet(fit_model, _layered(arr), "rc_homog_layer", layer="group")
    assert res.deviance == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(res.mu.to_numpy(), mus, atol=1e-8)
    np.testing.assert_allclose(res.delta.to_numpy(), deltas, atol=1e-8)
    np.testing.assert_allclose(res.layer_effects.to_numpy(), mus, atol=1e-8)
    np.testing.assert_allclose(np.abs(res.scores["origin"].to_numpy()), np.abs(PHI), atol=1e-8)


def test_constant_and_conditional_independence_nest():
    rng = np.random.default_rng(3)
    arr = np.stack([rng.poisson(expected(1.0, 0.3) * 5) for _ in range(3)]).astype(float)
    t = _layered(arr)
    ci = fit_model(t, "conditional_independence", layer="group")
    co = fit_model(t, "constant", layer="group")
    un = quiet(fit_model, t, "unidiff", layer="group")
    assert ci.deviance > co.deviance >= un.deviance - 1e-8
    assert ci.df_resid - co.df_resid == 16
    assert co.df_resid - un.df_resid == 2


# ------------------------------------------------------ mu = 0 and no MLE
def test_independence_with_uniform_diagonal_has_mu_zero_and_converges():
    tab = expected(0.0, 0.5)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = fit_model(square(tab), "rc_homog", "uniform")
    assert res.converged and res.mle_exists
    assert res.mu == pytest.approx(0.0, abs=1e-8)
    assert res.delta == pytest.approx(0.5, abs=1e-8)
    assert res.deviance == pytest.approx(0.0, abs=1e-8)
    assert any("not identified" in str(x.message) for x in w)


def test_paper_engine_handles_mu_zero_table():
    from hukoumob.mobility import fit_table

    res = quiet(fit_table, expected(0.0, 0.5), categories=LABELS)
    assert res.converged
    assert res.mu0 == pytest.approx(0.0, abs=1e-6)
    assert res.delta == pytest.approx(0.5, abs=1e-6)


def test_mle_that_does_not_exist_is_reported_not_converged():
    tab = np.diag([10.0, 20, 30, 40, 50])
    with pytest.warns(MobilityConvergenceWarning, match="does not exist"):
        res = fit_model(square(tab), "none", "full")
    assert not res.converged and not res.mle_exists
    assert res.deviance == pytest.approx(0.0, abs=1e-6)


# ------------------------------------------------------------ scale freedom
@pytest.mark.parametrize("model", [("rc_homog", "uniform"), ("rc", "none"), ("uniform", "full")])
def test_scale_free_two_way(model):
    rng = np.random.default_rng(11)
    base = rng.poisson(expected(-0.9, 0.6) * 3).astype(float)
    ref = quiet(fit_model, square(base), *model)
    sel = [k for k in ref.params.index if k != "(intercept)"]
    for k in range(-9, 10):
        res = quiet(fit_model, square(base * 10.0**k), *model)
        assert res.converged, k
        assert res.deviance == pytest.approx(ref.deviance * 10.0**k, rel=1e-7), k
        np.testing.assert_allclose(res.params[sel].to_numpy(), ref.params[sel].to_numpy(), atol=1e-6, err_msg=str(k))
        assert res.params["(intercept)"] == pytest.approx(ref.params["(intercept)"] + k * np.log(10), abs=1e-6)


def test_scale_free_layered():
    rng = np.random.default_rng(2)
    arr = np.stack([rng.poisson(expected(m, 0.3) * 4) for m in (1.2, 0.5, -0.4)]).astype(float)
    t = _layered(arr)
    for assoc in ("unidiff", "rc_homog_layer"):
        ref = quiet(fit_model, t, assoc, layer="group")
        for k in (-9, -4, 4, 9):
            res = quiet(fit_model, t.assign(count=t["count"] * 10.0**k), assoc, layer="group")
            assert res.converged
            assert res.deviance == pytest.approx(ref.deviance * 10.0**k, rel=1e-7)
            np.testing.assert_allclose(res.layer_effects.to_numpy(), ref.layer_effects.to_numpy(), atol=1e-6)


# ------------------------------------------------------------ input forms
def test_long_square_and_array_inputs_agree():
    tab = np.random.default_rng(1).poisson(expected(1.0, 0.4) * 2).astype(float)
    a = quiet(fit_model, long(tab), "rc_homog", "uniform")
    b = quiet(fit_model, square(tab), "rc_homog", "uniform")
    c = quiet(fit_model, tab, "rc_homog", "uniform")
    assert a.deviance == pytest.approx(b.deviance, rel=1e-10)
    assert a.deviance == pytest.approx(c.deviance, rel=1e-10)
    assert list(a.scores.index) == LABELS


def test_square_frame_columns_are_aligned_by_label():
    tab = np.random.default_rng(1).poisson(expected(1.0, 0.4) * 2).astype(float)
    ref = quiet(fit_model, square(tab), "rc_homog", "uniform")
    shuffled = square(tab)[["c", "a", "e", "b", "d"]]
    res = quiet(fit_model, shuffled, "rc_homog", "uniform")
    assert res.deviance == pytest.approx(ref.deviance, rel=1e-10)
    np.testing.assert_allclose(res.fitted["fitted"], ref.fitted["fitted"], rtol=1e-9)


def test_category_order_categorical_then_first_appearance():
    tab = np.random.default_rng(4).poisson(expected(1.0) * 2).astype(float)
    f = long(tab)
    order = ["e", "d", "c", "b", "a"]
    fc = f.assign(origin=pd.Categorical(f["origin"], order), destination=pd.Categorical(f["destination"], order))
    res = fit_model(fc, "uniform", "none")
    assert list(res.cells.origins) == order
    # reversing both orders leaves the linear-by-linear fit unchanged
    assert res.deviance == pytest.approx(fit_model(f, "uniform", "none").deviance, rel=1e-9)
    shuffled = f.sample(frac=1.0, random_state=0)
    assert fit_model(shuffled, "none", "none").cells.origins == tuple(pd.unique(shuffled["origin"]))


def test_missing_cells_of_a_long_table_are_zeros():
    tab = np.random.default_rng(4).poisson(expected(1.0) * 2).astype(float)
    tab[0, 3] = 0
    f = long(tab)
    a = quiet(fit_model, f, "rc_homog", "none")
    b = quiet(fit_model, f[f["count"] > 0], "rc_homog", "none")
    assert a.deviance == pytest.approx(b.deviance, rel=1e-10)


# ---------------------------------------------------------------- bad input
def _t():
    return square(expected(1.0, 0.3))


@pytest.mark.parametrize("value,match", [(np.nan, "NaN"), (np.inf, "inf"), (-1.0, "negative")])
def test_bad_counts(value, match):
    tab = expected(1.0)
    tab[1, 2] = value
    with pytest.raises(MobilityInputError, match=match):
        fit_model(square(tab), "none")


def test_complex_counts_raise():
    tab = expected(1.0).astype(complex)
    tab[0, 0] += 1j
    with pytest.raises(MobilityInputError, match="complex"):
        fit_model(tab, "none")
    with pytest.raises(MobilityInputError, match="complex"):
        fit_model(square(tab), "none")


def test_unknown_names_list_valid_ones():
    with pytest.raises(MobilityInputError, match="valid: 'none', 'uniform', 'rc', 'rc_homog'"):
        fit_model(_t(), "quasi")
    with pytest.raises(MobilityInputError, match="'full'"):
        fit_model(_t(), "rc", "partial")
    with pytest.raises(MobilityInputError, match="needs a layered table"):
        fit_model(_t(), "unidiff")


def test_mismatched_labels_raise():
    t = _t()
    t.columns = ["a", "b", "c", "d", "x"]
    with pytest.raises(MobilityInputError, match=r"only in the index \['e'\], only in the columns \['x'\]"):
        fit_model(t, "none")


def test_non_square_for_square_only_models():
    rect = np.random.default_rng(0).poisson(np.full((4, 5), 20.0)).astype(float)
    fit_model(rect, "rc", "none")  # fine
    for assoc, diag in (("rc_homog", "none"), ("none", "uniform"), ("rc", "full")):
        with pytest.raises(MobilityInputError, match="square"):
            fit_model(rect, assoc, diag)


def test_layer_problems():
    arr = np.stack([expected(1.0, 0.3)] * 2)
    t = _layered(arr, ("x", "y"))
    with pytest.raises(MobilityInputError, match="one level"):
        fit_model(t[t["group"] == "x"], "constant", layer="group")
    z = t.copy()
    z.loc[z["group"] == "y", "count"] = 0.0
    with pytest.raises(MobilityInputError, match="all zero"):
        fit_model(z, "constant", layer="group")
    with pytest.raises(MobilityInputError, match="not in the frame"):
        fit_model(t, "constant", layer="cohort")
    with pytest.raises(MobilityInputError, match="layered association"):
        fit_model(t, "rc_homog", layer="group")
    with pytest.raises(MobilityInputError, match="diagonal applies to two-way"):
        fit_model(t, "unidiff", "full", layer="group")


def test_empty_margin_and_duplicates_raise():
    tab = expected(1.0)
    tab[2] = 0
    with pytest.raises(MobilityInputError, match="empty origin"):
        fit_model(square(tab), "none")
    f = long(expected(1.0))
    with pytest.raises(MobilityInputError, match="duplicate"):
        fit_model(pd.concat([f, f.iloc[:1]]), "none")


def _rect_long(count_name="count"):
    # a 3 x 4 table with integer labels: read as square, its 3 columns would be fitted as a 12 x 3 table
    tab = np.random.default_rng(3).poisson(np.full((3, 4), 20.0)).astype(float)
    o, d = np.meshgrid(range(1, 4), range(1, 5), indexing="ij")
    return pd.DataFrame({"origin": o.ravel(), "destination": d.ravel(), count_name: tab.ravel()}), tab


@pytest.mark.parametrize("name", ["freq", "n"])
def test_long_frame_with_a_misnamed_count_column_is_an_error(name):
    f, tab = _rect_long(name)
    for frame in (f, f.astype({"origin": str, "destination": str})):
        with pytest.raises(MobilityInputError, match=(
                rf"long table needs columns 'origin', 'destination', 'count'; missing \['count'\] "
                rf"\(columns found: \['origin', 'destination', '{name}'\]\); rename '{name}' to 'count'")):
            fit_model(frame, "none")
    # two other numeric columns: no guess at which holds the counts
    with pytest.raises(MobilityInputError, match=r"missing \['count'\] \(columns found: \[.*'weight'\]\)$"):
        fit_model(f.assign(weight=1.0), "none")
    # renamed, it is the 3 x 4 table
    res = fit_model(f.rename(columns={name: "count"}), "none")
    assert (res.cells.I, res.cells.J) == (3, 4)
    assert res.deviance == pytest.approx(fit_model(tab, "none").deviance, rel=1e-12)


def test_a_frame_with_origin_or_destination_is_read_as_long():
    f, _ = _rect_long()
    with pytest.raises(MobilityInputError, match=r"missing \['destination'\] \(columns found: \['origin', 'count'\]\)"):
        fit_model(f.drop(columns="destination"), "none")
    with pytest.raises(MobilityInputError, match=r"missing \['origin'\]"):
        fit_model(f.drop(columns="origin"), "none")
    with pytest.raises(MobilityInputError, match=r"duplicate column names \['count'\]"):
        fit_model(pd.concat([f, f[["count"]]], axis=1), "none")


def test_layered_call_names_a_missing_layer_column():
    t = _layered(np.stack([expected(1.0, 0.3)] * 2), ("x", "y")).rename(columns={"count": "freq"})
    with pytest.raises(MobilityInputError, match=(
            r"needs columns 'origin', 'destination', 'count' and the layer column 'cohort'; "
            r"missing \['count', 'cohort'\] \(columns found: \['group', 'origin', 'destination', 'freq'\]\); "
            r"rename 'freq' to 'count'")):
        fit_model(t, "constant", layer="cohort")
    with pytest.raises(MobilityInputError, match=r"^layer column 'cohort' is not in the frame \(columns found"):
        fit_model(t.rename(columns={"freq": "count"}), "constant", layer="cohort")


def test_counts_must_have_a_numeric_dtype():
    f, tab = _rect_long()
    text = f.astype({"count": int}).astype({"count": str})  # "12": never converted silently
    with pytest.raises(MobilityInputError, match=r"column 'count' is not numeric \(dtype object\)"):
        fit_model(text, "none")
    with pytest.raises(MobilityInputError, match=r"column 'count' is not numeric \(dtype string\)"):
        fit_model(text.astype({"count": "string"}), "none")
    with pytest.raises(MobilityInputError, match=r"column 'count' is not numeric \(dtype object\)"):
        fit_model(f.astype({"count": object}), "none")  # numbers held as objects
    with pytest.raises(MobilityInputError, match=r"column 'count' is boolean \(dtype bool\)"):
        fit_model(f.assign(count=f["count"] > 18), "none")
    sq = square(expected(1.0))
    with pytest.raises(MobilityInputError, match=r"column 'c' of the square table is not numeric \(dtype object\)"):
        fit_model(sq.astype({"c": str}), "none")
    with pytest.raises(MobilityInputError, match=r"column 'a' of the square table is boolean"):
        fit_model(sq > 0, "none")
    with pytest.raises(MobilityInputError, match=r"table is boolean \(dtype bool\)"):
        fit_model(np.ones((3, 3), dtype=bool), "none")
    with pytest.raises(MobilityInputError, match=r"table is not numeric \(dtype <U"):
        fit_model(tab.astype(int).astype(str), "none")
    # pandas' nullable integers are numbers; a missing one is NaN
    ref = fit_model(f, "none")
    assert fit_model(f.astype({"count": "Int64"}), "none").deviance == pytest.approx(ref.deviance, rel=1e-12)
    na = f.astype({"count": "Int64"})
    na.loc[2, "count"] = pd.NA
    with pytest.raises(MobilityInputError, match=r"column 'count' contains NaN \(1 cells\)"):
        fit_model(na, "none")


# ------------------------------------------------------------ the search
def test_distinct_maxima_are_reported_and_warned():
    # a table with two maxima of opposite sign (see the yaish case in the gnm tests)
    rng = np.random.default_rng(8)
    found = None
    for _ in range(40):
        tab = rng.poisson(np.full((5, 5), 6.0) + np.diag(np.full(5, 3.0))).astype(float)
        res = quiet(fit_model, tab, "rc_homog", "uniform")
        if len(res.maxima) > 1:
            found = tab
            break
    assert found is not None
    with pytest.warns(StartsDisagreeWarning, match="distinct maxima"):
        res = fit_model(found, "rc_homog", "uniform")
    assert res.deviance == res.maxima["deviance"].min()
    assert set(res.starts["maximum"]) >= {0, 1}
    assert "distinct maxima" in res.summary()


def test_first_start_of_a_maximum_is_the_first_in_start_order():
    # fit_model's docstring table: eigen1+ and eigen1- both reach the best maximum, eigen1- a shade lower
    t = np.array([[40., 15, 8, 3], [14, 45, 20, 9], [7, 18, 50, 21], [2, 8, 22, 48]])
    res = fit_model(t, "rc_homog", "uniform", warn=False)
    starts = res.starts
    assert len(res.maxima) == 2
    for _, row in res.maxima.iterrows():
        reached = starts[starts["maximum"] == row["maximum"]]
        assert row["n_starts"] == len(reached)
        assert row["first_start"] == reached["start"].iloc[0]
    assert res.maxima["first_start"].tolist() == ["eigen1+", "eigen2+"]


def test_family_statistics_table():
    tab = np.random.default_rng(6).poisson(expected(1.2, 0.4) * 3).astype(float)
    fam = fit_family(square(tab))
    assert set(fam) == {(a, d) for a in TWO_WAY_ASSOCIATIONS for d in DIAGONALS}
    st = fit_statistics(fam).set_index("model")
    assert st.loc["none/none", "df"] == 16
    assert st.loc["rc_homog/uniform", "df"] == 16 - 4 - 1
    assert st.loc["rc/full", "df"] == 16 - 7 - 5
    assert (st["deviance"] >= -1e-9).all()
    # nested models: more parameters never fit worse
    assert st.loc["rc/uniform", "deviance"] <= st.loc["rc_homog/uniform", "deviance"] + 1e-8
    assert st.loc["rc_homog/full", "deviance"] <= st.loc["rc_homog/uniform", "deviance"] + 1e-8
    r = fam[("rc_homog", "uniform")]
    assert r.bic == pytest.approx(r.deviance - r.df_resid * np.log(tab.sum()))
    assert r.aic == pytest.approx(r.deviance - 2 * r.df_resid)
    assert r.dissimilarity == pytest.approx(50 * np.abs(tab.ravel() - r.fitted["fitted"]).sum() / tab.sum())
    assert LAYERED_ASSOCIATIONS[0] == "conditional_independence"


# ------------------------------------------------- the paper's engine (fit_table)
def test_fit_table_aligns_square_frame_by_label_and_rejects_complex():
    from hukoumob.mobility import fit_table

    tab = np.random.default_rng(1).poisson(expected(1.0, 0.4) * 2).astype(float)
    ref = quiet(fit_table, square(tab), n_starts=1)
    res = quiet(fit_table, square(tab)[["c", "a", "e", "b", "d"]], n_starts=1)
    assert res.loglik == pytest.approx(ref.loglik, rel=1e-12)
    np.testing.assert_allclose(res.phi.to_numpy(), ref.phi.to_numpy(), atol=1e-10)
    bad = square(tab)
    bad.columns = ["a", "b", "c", "d", "x"]
    with pytest.raises(MobilityInputError, match="labels differ"):
        fit_table(bad)
    with pytest.raises(MobilityInputError, match="complex"):
        fit_table(tab.astype(complex), categories=LABELS)


def test_fit_table_reaches_the_family_global_maximum_and_is_scale_free():
    from hukoumob.mobility import fit_table

    rng = np.random.default_rng(12)
    tab = rng.poisson(expected(-0.9, 0.6) * 3).astype(float)
    fam = quiet(fit_model, tab, "rc_homog", "uniform")
    ref = quiet(fit_table, tab, categories=LABELS)
    assert ref.loglik == pytest.approx(fam.loglik, rel=1e-10)
    assert ref.mu0 == pytest.approx(fam.mu, abs=1e-7)
    for k in (-9, -5, 5, 9):
        res = quiet(fit_table, tab * 10.0**k, categories=LABELS)
        assert res.converged
        assert res.mu0 == pytest.approx(ref.mu0, abs=1e-6)
        assert res.delta == pytest.approx(ref.delta, abs=1e-6)
        np.testing.assert_allclose(res.phi.to_numpy(), ref.phi.to_numpy(), atol=1e-6)
        assert res.loglik == pytest.approx(ref.loglik * 10.0**k, rel=1e-8)


def test_two_paths_to_one_limit_are_one_end_point():
    """A diagonal table under RC(1) + full diagonal: every start creeps towards the
    one supremum (G2 -> 0, the off-diagonal cells' fitted values -> 0); the paths
    stop at different tiny deviances, which is not two distinct maxima."""
    from hukoumob.mobility import MobilityConvergenceWarning, StartsDisagreeWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit_model(np.diag([10.0, 20, 30]), "rc", "full")
    kinds = {type(w.message) for w in caught}
    assert MobilityConvergenceWarning in kinds and StartsDisagreeWarning not in kinds
    assert len(res.maxima) == 1 and res.maxima["status"].iloc[0] == "limit"
    assert not res.mle_exists and not res.converged and res.deviance < 1e-4
