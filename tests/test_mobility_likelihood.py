"""Analytic derivatives of the Table 5 likelihood against finite differences.

The score and Hessian of ``hukoumob.mobility.likelihood`` are checked at
random (non-optimal) parameter values for a table and for weighted individual
records with both kinds of covariates (``b`` and ``mu_t`` of eq. 4), and the
free-coordinate information at the estimate against a finite-difference
Hessian along the normalised parameter set.
"""

from __future__ import annotations

import numpy as np
import pytest

from hukoumob.mobility import MobilityData, fit_table
from hukoumob.mobility.fit import free_basis, tangent_basis
import hukoumob.mobility.likelihood as likelihood_module
from hukoumob.mobility.likelihood import derivatives, score_contributions


def _table_data(seed=1):
    rng = np.random.default_rng(seed)
    return MobilityData.from_table(rng.integers(1, 60, size=(6, 6)).astype(float))


def _record_data(seed=2, n=250):
    rng = np.random.default_rng(seed)
    v = rng.integers(0, 6, n)
    y = rng.integers(0, 6, n)
    x = rng.normal(size=(n, 3))
    t = rng.normal(size=(n, 2))
    w = rng.uniform(0.2, 2.0, n)
    return MobilityData.from_records(v, y, x=x, t=t, weights=w, x_names=["x1", "x2", "x3"], t_names=["t1", "t2"])


DATASETS = {"table": _table_data, "records_with_covariates": _record_data}


def _fd_gradient(beta, data, h=1e-6):
    E = np.eye(beta.size)
    return np.array([(derivatives(beta + h * e, data, 0) - derivatives(beta - h * e, data, 0)) / (2 * h) for e in E])


def _fd_hessian(beta, data, h=1e-6):
    E = np.eye(beta.size)
    H = np.array([(derivatives(beta + h * e, data, 1)[1] - derivatives(beta - h * e, data, 1)[1]) / (2 * h) for e in E])
    return 0.5 * (H + H.T)


@pytest.mark.parametrize("name", list(DATASETS))
def test_gradient_matches_finite_differences(name):
    data = DATASETS[name]()
    beta = np.random.default_rng(3).normal(scale=0.5, size=data.layout.p)
    _, g = derivatives(beta, data, 1)
    gfd = _fd_gradient(beta, data)
    assert np.max(np.abs(g - gfd)) <= 1e-6 * max(1.0, np.max(np.abs(g)))


@pytest.mark.parametrize("name", list(DATASETS))
def test_hessian_matches_finite_difference_gradient(name):
    data = DATASETS[name]()
    beta = np.random.default_rng(4).normal(scale=0.5, size=data.layout.p)
    _, _, H1, S = derivatives(beta, data)
    Hfd = _fd_hessian(beta, data)
    assert np.max(np.abs((S - H1) - Hfd)) <= 1e-6 * np.max(np.abs(Hfd))
    # the expected information is symmetric positive semi-definite
    assert np.allclose(H1, H1.T)
    assert np.linalg.eigvalsh(H1)[0] > -1e-8 * np.max(np.abs(H1))


@pytest.mark.parametrize("name", list(DATASETS))
def test_batched_evaluation_equals_single(name):
    data = DATASETS[name]()
    betas = np.random.default_rng(5).normal(scale=0.5, size=(3, data.layout.p))
    batch = derivatives(betas, data)
    for k in range(3):
        single = derivatives(betas[k], data)
        for b, s in zip(batch, single):
            np.testing.assert_allclose(np.asarray(b)[k], s, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("name", list(DATASETS))
def test_score_contributions_sum_to_gradient(name):
    data = DATASETS[name]()
    beta = np.random.default_rng(6).normal(scale=0.5, size=data.layout.p)
    sc = score_contributions(beta, data)
    assert sc.shape == (data.n, data.layout.p)
    np.testing.assert_allclose(sc.sum(axis=0), derivatives(beta, data, 1)[1], rtol=1e-10, atol=1e-9)


def test_tangent_basis_is_orthonormal_and_orthogonal_to_constraints():
    rng = np.random.default_rng(7)
    for _ in range(20):
        phi = rng.normal(size=6)
        phi -= phi.mean()
        phi /= np.linalg.norm(phi)
        Q = tangent_basis(phi)
        assert Q.shape == (6, 4)
        np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-12)
        np.testing.assert_allclose(Q.T @ phi, 0, atol=1e-12)
        np.testing.assert_allclose(Q.sum(axis=0), 0, atol=1e-12)


def test_free_information_is_minus_the_hessian_on_the_normalised_set():
    """At the MLE, ``information_observed`` equals minus the finite-difference
    Hessian of ``ll(beta_hat + B s)`` in the free coordinates ``s``, and the
    free gradient vanishes."""
    data = _table_data(8)
    res = fit_table(data.counts)
    B = free_basis(res.beta, res.layout)
    h = 1e-5
    m = B.shape[1]

    def grad_free(s):
        return derivatives(res.beta + B @ s, res.data, 1)[1] @ B

    assert np.max(np.abs(grad_free(np.zeros(m)))) < 1e-6
    Hfd = np.array([(grad_free(h * e) - grad_free(-h * e)) / (2 * h) for e in np.eye(m)])
    np.testing.assert_allclose(res.information_observed, -0.5 * (Hfd + Hfd.T), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", list(DATASETS))
def test_structured_and_dense_expected_information_agree(name, monkeypatch):
    """Large record sets assemble H1 block by block, small ones from the dense
    Jacobian; both give the same matrix."""
    data = DATASETS[name]()
    betas = np.random.default_rng(9).normal(scale=0.5, size=(2, data.layout.p))
    monkeypatch.setattr(likelihood_module, "_DENSE_LIMIT", 10**9)
    dense = derivatives(betas, data)[2]
    monkeypatch.setattr(likelihood_module, "_DENSE_LIMIT", 0)
    structured = derivatives(betas, data)[2]
    np.testing.assert_allclose(structured, dense, rtol=1e-10, atol=1e-10 * np.max(np.abs(dense)))


def test_trust_region_step_solves_the_subproblem():
    """For an indefinite A the step lies on the boundary and satisfies the
    optimality conditions (A + lam I) d = g with A + lam I positive
    semi-definite and lam >= 0 (More and Sorensen); the hard case (g
    orthogonal to the most negative direction) also reaches the boundary."""
    from hukoumob.mobility.fit import trust_region_step

    rng = np.random.default_rng(10)
    for radius in (0.1, 1.0, 5.0):
        Q, _ = np.linalg.qr(rng.normal(size=(7, 7)))
        A = Q @ np.diag([-3.0, -0.5, 0.2, 1.0, 2.0, 4.0, 9.0]) @ Q.T
        g = rng.normal(size=7)
        d = trust_region_step(A, g, radius)
        assert np.linalg.norm(d) == pytest.approx(radius, rel=2e-3)
        r = g - A @ d  # = lam d
        lam = (r @ d) / (d @ d)
        np.testing.assert_allclose(r, lam * d, atol=1e-8 * max(1.0, np.abs(g).max()))
        assert lam >= 3.0 - 1e-8  # A + lam I positive semi-definite
        # and it beats the model value of a few random feasible steps
        m = lambda s: g @ s - 0.5 * s @ A @ s  # noqa: E731
        for _ in range(20):
            s = rng.normal(size=7)
            s *= radius * rng.random() / np.linalg.norm(s)
            assert m(d) >= m(s) - 1e-10
    # hard case
    A = np.diag([-2.0, 1.0, 3.0])
    d = trust_region_step(A, np.array([0.0, 0.1, 0.1]), 2.0)
    assert np.linalg.norm(d) == pytest.approx(2.0, rel=1e-8)


def test_trust_region_step_positive_definite():
    """Positive definite A: the Newton step when it fits, else a boundary step
    with lam > 0."""
    from hukoumob.mobility.fit import trust_region_step

    A = np.diag([0.5, 2.0, 4.0])
    g = np.array([1.0, 1.0, 1.0])
    newton_step = np.linalg.solve(A, g)
    np.testing.assert_allclose(trust_region_step(A, g, 10.0), newton_step)
    d = trust_region_step(A, g, 0.5)
    assert np.linalg.norm(d) == pytest.approx(0.5, rel=2e-3)
    lam = ((g - A @ d) @ d) / (d @ d)
    assert lam > 0
    np.testing.assert_allclose(g - A @ d, lam * d, atol=1e-10)
