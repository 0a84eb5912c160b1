"""Covariate patterns (issue 15): a record-level fit collapsed into patterns (same origin,
destination, covariates; weights summed) is the fit person by person: the same estimates,
model-based SEs and design-based SEs (Table 5 Models 3b and 3c of Wu and Treiman 2007,
equation 4), with the per-person scores recovered from the pattern scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hukoumob.inputs.records import load_records
from hukoumob.inputs.schema import CLASSES
from hukoumob.mobility import fit_records
from hukoumob.mobility.spec import MobilityData
from hukoumob.survey import SurveyDesign, linearized_vcov
from hukoumob.tables.table5 import from_records as mr

#: Newton run to rounding (the default 1e-10 decrement leaves ~1e-9 between two routes)
TOL = 1e-20


def _compare(a, b, design=None):
    np.testing.assert_allclose(a.beta, b.beta, rtol=0, atol=1e-10)
    assert a.loglik == pytest.approx(b.loglik, rel=1e-12)
    for scores in ("fixed", "estimated"):
        np.testing.assert_allclose(a.standard_errors(scores=scores).fillna(0), b.standard_errors(scores=scores).fillna(0),
                                   rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(a.score_contributions(), b.score_contributions(), rtol=1e-8, atol=1e-10)
    if design is not None:
        np.testing.assert_allclose(a.standard_errors(se="design").fillna(0), b.standard_errors(se="design").fillna(0),
                                   rtol=1e-9, atol=1e-10)


@pytest.fixture(scope="module")
def men():
    return load_records("replica").men


@pytest.mark.parametrize("model", ["model3b", "model3c"])
def test_replica_collapsed_equals_person_by_person(men, model):
    a = mr.fit_model(men, model, tol=TOL)
    b = mr.fit_model(men, model, collapse=False, tol=TOL)
    assert a.data.n < b.data.n == a.data.n_records  # fewer patterns than men: the test compares two routes
    _compare(a, b, design=True)
    assert a.n_paper == b.n_paper and a.sum_weights == pytest.approx(b.sum_weights, rel=1e-12)


def test_simulated_file_with_weights_strata_and_psus():
    """Duplicated persons with different weights, strata and PSUs (so the pattern's score
    must be split by weight and the meat sees each person in their own PSU)."""
    rng = np.random.default_rng(15)
    n = 1500
    v = rng.integers(0, 6, n)
    y = np.where(rng.random(n) < 0.4, v, rng.integers(0, 6, n))
    educ = rng.integers(0, 4, n).astype(float)
    hc = (rng.random(n) < 0.3).astype(float)
    w = rng.choice([0.5, 1.0, 2.5], n)
    w[:5] = 0.0  # zero-weight persons stay in the design
    frame = pd.DataFrame({"stratum": rng.integers(0, 5, n), "weight": w})
    frame["psu"] = frame["stratum"] * 10 + rng.integers(0, 4, n)
    x = np.column_stack([educ, hc, educ * hc])
    t = np.column_stack([hc, educ])
    kw = dict(tol=TOL, x=x, t=t, weights=w, categories=CLASSES, x_names=["educ", "hc", "educ_x_hc"], t_names=["hc", "educ"])
    design = SurveyDesign.from_frame(frame, strata="stratum", psu="psu", weights="weight")
    a = fit_records(v, y, **kw).with_design(design, None, linearized_vcov)
    b = fit_records(v, y, collapse=False, **kw).with_design(design, None, linearized_vcov)
    assert a.data.n < n / 3 and b.data.n == n
    _compare(a, b, design=True)
    np.testing.assert_allclose(a.probabilities(), b.probabilities(), atol=1e-12)
    np.testing.assert_allclose(a.fitted_table().to_numpy(), b.fitted_table().to_numpy(), rtol=1e-10)


def test_patterns_group_identical_rows_only():
    v = np.array([0, 0, 1, 0, 2, 0, 0])
    y = np.array([1, 1, 1, 1, 2, 0, 0])
    x = np.array([[1.0], [1.0], [1.0], [2.0], [0.0], [-0.0], [0.0]])
    w = np.arange(1.0, 8.0)
    d = MobilityData.from_records(v, y, x=x, weights=w, categories=list("abc"), x_names=["x"])
    pattern = [0, 0, 1, 2, 3, 4, 4]
    np.testing.assert_array_equal(d.record_pattern, pattern)
    np.testing.assert_allclose(d.totals, [3, 3, 4, 5, 13])
    np.testing.assert_allclose(d.counts[0], [0, 3, 0])
    np.testing.assert_allclose(d.counts[4], [13, 0, 0])
    assert d.n == 5 and d.n_records == 7 and d.n_persons == 7
    rows = d.person_rows(np.arange(5.0)[:, None] * d.totals[:, None])  # per unit weight: the pattern's number
    np.testing.assert_allclose(rows[:, 0], np.array(pattern) * w)
    assert MobilityData.from_records(v, y, x=x, weights=w, categories=list("abc"), collapse=False).n == 7


def test_psu_totals_from_pattern_scores_equal_the_row_totals():
    """``linearized_vcov(unit, bread, design, pattern=rows)``: row i's score is ``w_i unit[rows_i]``;
    the PSU totals (and so the covariance) are those of the rows, without forming them."""
    from hukoumob.survey import design_meat, psu_totals

    rng = np.random.default_rng(4)
    n, m, p = 500, 17, 3
    frame = pd.DataFrame({"stratum": rng.integers(0, 6, n), "weight": rng.uniform(0.2, 3.0, n)})
    frame["psu"] = frame["stratum"] * 10 + rng.integers(0, 3, n)
    frame.loc[rng.random(n) < 0.2, "weight"] = 0.0  # outside a domain
    design = SurveyDesign.from_frame(frame, strata="stratum", psu="psu", weights="weight")
    unit = rng.standard_normal((m, p))
    rows = rng.integers(0, m, n)
    scores = design.weights[:, None] * unit[rows]
    np.testing.assert_allclose(psu_totals(unit, design, pattern=rows), psu_totals(scores, design), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(design_meat(unit, design, pattern=rows), design_meat(scores, design), rtol=1e-12)
    bread = np.eye(p)
    np.testing.assert_allclose(linearized_vcov(unit, bread, design, pattern=rows),
                               linearized_vcov(scores, bread, design), rtol=1e-12)
    with pytest.raises(ValueError, match="pattern codes"):
        psu_totals(unit, design, pattern=rows + m)


@pytest.mark.parametrize("kind", ["small_ints", "big_sorted", "big_unsorted", "big_runs", "floats", "labels"])
def test_design_codes_equal_sorted_factorize(kind):
    from hukoumob.survey.design import _factorize_sorted

    rng = np.random.default_rng(7)
    values = {
        "small_ints": rng.integers(1001, 1030, 400),
        "big_sorted": np.sort(rng.integers(0, 10**12, 400)),
        "big_unsorted": rng.integers(0, 10**12, 400),
        "big_runs": np.repeat(rng.integers(0, 10**12, 40), rng.integers(1, 20, 40)),
        "floats": rng.integers(0, 9, 400) * 0.5,
        "labels": np.array(list("qwertyuiop"), dtype=object)[rng.integers(0, 10, 400)],
    }[kind]
    codes, labels = _factorize_sorted(values)
    ref_codes, ref_labels = pd.factorize(values, sort=True)
    np.testing.assert_array_equal(codes, ref_codes)
    np.testing.assert_array_equal(labels, ref_labels)


# ----------------------------------------------------------------- the fast paths of issue 15's collapse
def test_categorical_classes_give_the_same_codes_as_labels():
    """Class labels as a pandas Categorical are read from its codes (no string per record):
    in the categories' own order, in another order, with unused categories; a missing
    value or a used category outside the classes is an error naming it."""
    from hukoumob.mobility.errors import MobilityInputError
    from hukoumob.mobility.spec import _codes

    cats = ("a", "b", "c")
    labels = np.array(list("cabbca"), dtype=object)
    expected = _codes(labels, cats, "origin")
    for categories in (list("abc"), list("cba"), list("abcz")):
        got = _codes(pd.Categorical(labels, categories=categories), cats, "origin")
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(_codes(pd.Series(pd.Categorical(labels, categories=categories)), cats, "o"), expected)
    with pytest.raises(MobilityInputError, match="'nan'"):
        _codes(pd.Categorical(["a", None, "b"], categories=list("abc")), cats, "origin")
    with pytest.raises(MobilityInputError, match="'z'"):
        _codes(pd.Categorical(["a", "z"], categories=list("abz")), cats, "origin")


def test_integer_and_boolean_covariates_fit_as_floats_do():
    """Whole-number covariates stay integers until the records are collapsed (no float
    copy of a large file); the fit is that of the same values as floats, collapsed or not."""
    rng = np.random.default_rng(3)
    n = 800
    v, y = rng.integers(0, 4, n), rng.integers(0, 4, n)
    educ, hc = rng.integers(0, 12, n), rng.random(n) < 0.3
    w = rng.choice([0.5, 1.0, 2.0], n)
    ref = fit_records(v, y, x=np.column_stack([educ, hc]).astype(float), t=hc[:, None].astype(float), weights=w, tol=TOL)
    as_int = fit_records(v, y, x=np.column_stack([educ, hc]), t=hc[:, None], weights=w, tol=TOL)
    as_bool = fit_records(v, y, x=pd.DataFrame({"x0": educ, "x1": hc}), t=hc, weights=w, tol=TOL, t_names=["t0"])
    person = fit_records(v, y, x=np.column_stack([educ, hc]), t=hc[:, None], weights=w, tol=TOL, collapse=False)
    for fit in (as_int, as_bool, person):
        np.testing.assert_allclose(fit.beta, ref.beta, rtol=0, atol=1e-10)
        assert fit.data.x.dtype == float and fit.loglik == pytest.approx(ref.loglik, rel=1e-13)


def test_a_covariate_passed_twice_as_a_view_is_coded_once():
    from hukoumob.mobility.spec import _same_column

    x = np.asfortranarray(np.arange(12.0).reshape(4, 3))
    t = x[:, 1::-1]  # x's second and first columns, same memory
    assert _same_column(t[:, 0], x[:, 1]) and not _same_column(t[:, 0], x[:, 0])
    assert _same_column(x[:, 2].copy(), x[:, 2])
    head = np.zeros(100)
    tail = head.copy()
    tail[-1] = 1.0
    assert not _same_column(head, tail)  # equal first values, different columns


def test_table5_covariate_blocks_hold_the_frame_values(men):
    """Model 3c's x and t (paper, eq. 4): the narrow integer block equals the frame's
    values; t is a view of x; a float schooling column gives a float block and the same fit."""
    mask = mr.sample_mask(men, "model3c").to_numpy()
    spec = mr.MODEL_SPECS["model3c"]
    x, t = mr._covariate_blocks(men, mask, spec["x"], spec["t"])
    d = mr.model_frame(men, "model3c")
    np.testing.assert_array_equal(x, d[spec["x"]].to_numpy())
    np.testing.assert_array_equal(t, d[spec["t"]].to_numpy())
    assert x.dtype == np.int16 and np.shares_memory(x, t)
    floats = men.assign(educ=men["educ"].astype(float))
    xf, tf = mr._covariate_blocks(floats, mask, spec["x"], spec["t"])
    assert xf.dtype == float
    np.testing.assert_array_equal(xf, x)
    a, b = mr.fit_model(men, "model3c"), mr.fit_model(floats, "model3c")
    np.testing.assert_allclose(a.beta, b.beta, rtol=0, atol=1e-12)


@pytest.mark.parametrize("order", ["grouped", "shuffled"])
def test_design_codes_by_runs_equal_the_general_route(order):
    """A file grouped by PSU is coded one run at a time; the codes, the PSUs' strata and
    weights, and a domain's active PSUs equal those of the same rows coded one by one."""
    from hukoumob.survey.design import _factorize_sorted

    rng = np.random.default_rng(11)
    sizes = rng.integers(1, 30, 60)
    psu = np.repeat(rng.choice(np.arange(10**6, 10**6 + 500), 60, replace=False), sizes)
    stratum = psu % 7
    w = rng.random(psu.size)
    if order == "shuffled":
        perm = rng.permutation(psu.size)
        psu, stratum, w = psu[perm], stratum[perm], w[perm]
    d = SurveyDesign(strata=stratum, psu=psu, weights=w)
    ref_codes, ref_pairs = pd.factorize(pd.MultiIndex.from_arrays([stratum, psu]), sort=True)
    np.testing.assert_array_equal(d.psu_code, ref_codes)
    np.testing.assert_array_equal(d.stratum_code, pd.factorize(stratum, sort=True)[0])
    assert (d._runs is None) == (order == "shuffled")  # the grouped file went by runs
    np.testing.assert_array_equal(d.psu_stratum, _factorize_sorted(np.array([s for s, _ in ref_pairs]))[0])
    np.testing.assert_allclose(d.psu_weights, np.bincount(ref_codes, weights=w), rtol=1e-13)
    domain = rng.random(psu.size) < 0.3
    sub = d.restrict(domain)
    np.testing.assert_array_equal(sub.active_psus, np.bincount(ref_codes[domain], minlength=d.n_psu_total) > 0)
    assert sub.n_obs == int(domain.sum()) and d.n_obs == psu.size
