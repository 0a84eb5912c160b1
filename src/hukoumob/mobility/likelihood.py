"""Log-likelihood of the Table 5 models and its analytic derivatives.

For record ``i`` (see :mod:`.spec`) and destination ``q`` the linear predictor
of equation 4 of the paper is::

    M_i     = mu0 + t_i' mu_t                       (association, Panel C)
    s_i     = x_i' b + M_i * phi[v_i]               (the bracket of eq. 4)
    eta_iq  = a_q + phi_q * s_i + delta * 1[q = v_i]

and ``P_iq = exp(eta_iq) / sum_r exp(eta_ir)``. The log-likelihood is the
conditional multinomial one, ``l = sum_i sum_q C_iq log P_iq`` (for a table:
``sum_vq n_vq log P(q | v)``, the Poisson log-linear model
``log m_vq = lambda_v + a_q + delta 1[q=v] + mu phi_v phi_q`` with the origin
margins fixed).

Derivatives are taken with respect to the *full* parameter vector of
:class:`.spec.ParamLayout` (all ``J`` intercepts and all ``J`` scores, no
constraints); :mod:`.fit` maps them onto the free parameters. With ``D_i`` the
``J x p`` Jacobian of ``eta_i`` and ``r_i = C_i - n_i P_i``:

* score: ``g = sum_i D_i' r_i``;
* Hessian: ``-sum_i n_i D_i' (diag P_i - P_i P_i') D_i + S``, where the first
  term (``H1``, the expected information) is positive semi-definite and
  ``S = sum_i sum_q r_iq d2 eta_iq`` is the second-order term that exists
  because ``eta`` is bilinear in ``phi`` and ``(mu, b)``.

Every function accepts one parameter vector ``(p,)`` or a stack ``(S, p)``
(several starts iterated together, see :mod:`.fit`); outputs gain the same
leading axis. Batching the starts costs little more than one start because
the arrays are small and numpy's per-call overhead dominates.
"""

from __future__ import annotations

import numpy as np

from .spec import MobilityData

_add = np.add.reduce
_ONES: dict[int, np.ndarray] = {}


def _ones(n: int) -> np.ndarray:
    """A cached, read-only vector of ``n`` ones (sums over a short last axis
    are much faster as a product with it than as a numpy reduction)."""
    v = _ONES.get(n)
    if v is None:
        v = np.ones(n)
        v.flags.writeable = False
        if len(_ONES) < 64:
            _ONES[n] = v
    return v


def linear_predictor(beta: np.ndarray, data: MobilityData) -> tuple[np.ndarray, ...]:
    """``eta`` of equation 4 and its ingredients ``(eta, s, M, phi_v)``.

    For a stack ``beta`` of shape ``(S, p)``: ``eta`` is ``(S, n, J)``, and
    ``s`` (the bracket of eq. 4), ``M`` (the association) and ``phi_v`` (the
    score of each record's origin) are ``(S, n)``. A 1-D ``beta`` gives the
    same without the leading axis.
    """
    if beta.ndim == 1:
        return tuple(z[0] for z in linear_predictor(beta[None, :], data))
    c = data.const
    J = c.J
    phi = beta[:, J : 2 * J]
    if c.T:
        M = beta[:, c.mu0, None] + beta[:, c.mu_t0 : c.b0] @ data.t.T
    else:
        M = np.repeat(beta[:, c.mu0, None], c.n, axis=1)
    phv = phi if c.is_table else phi[:, data.origin]
    s = M * phv
    if c.K:
        s += beta[:, c.b0 :] @ data.x.T
    eta = s[:, :, None] * phi[:, None, :]
    eta += beta[:, None, :J]
    eta += beta[:, c.delta, None, None] * data.origin_onehot
    return eta, s, M, phv


def log_probabilities(eta: np.ndarray) -> np.ndarray:
    """Log-softmax of ``eta`` over its last axis (numerically stable)."""
    J = eta.shape[-1]
    if eta.size <= 2000:
        m = np.maximum.reduce(eta, axis=-1)
    else:  # numpy reduces a short last axis slowly; go column by column
        m = eta[..., 0].copy()
        for j in range(1, J):
            np.maximum(m, eta[..., j], out=m)
    z = eta - m[..., None]
    z -= np.log(np.exp(z) @ _ones(J))[..., None]
    return z


def loglik(beta: np.ndarray, data: MobilityData):
    """Conditional multinomial log-likelihood ``sum_i sum_q C_iq log P_iq``
    (a float, or an ``(S,)`` array for a stack of parameter vectors)."""
    return derivatives(beta, data, 0)


def derivatives(beta: np.ndarray, data: MobilityData, order: int = 2):
    """Log-likelihood and its analytic derivatives in the full parametrisation.

    Parameters
    ----------
    beta
        Full parameter vector ``(p,)`` (layout of :class:`.spec.ParamLayout`)
        or a stack ``(S, p)``.
    data
        Validated records.
    order
        0: return ``ll``; 1: ``(ll, g)``; 2: ``(ll, g, H1, S)`` where the
        Hessian of ``ll`` is ``S - H1`` (module docstring): ``H1`` is the
        expected (Fisher) information, ``H1 - S`` the observed information.
        Shapes: ``ll`` scalar or ``(S,)``; ``g`` ``(p,)`` or ``(S, p)``;
        ``H1``, ``S`` ``(p, p)`` or ``(S, p, p)``.
    """
    if beta.ndim == 1:
        out = derivatives(beta[None, :], data, order)
        if order == 0:
            return float(out[0])
        return (float(out[0][0]),) + tuple(z[0] for z in out[1:])
    c = data.const
    J, T, K, p, n = c.J, c.T, c.K, c.p, c.n
    nS = beta.shape[0]
    eta, s, M, phv = linear_predictor(beta, data)
    logP = log_probabilities(eta)
    C = data.counts
    ll = _add((logP * C).reshape(nS, n * J), axis=1)
    if order == 0:
        return ll
    phi = beta[:, J : 2 * J]
    P = np.exp(logP)
    nI = data.totals
    nP = P * nI[:, None]
    R = C - nP  # (S, n, J)
    u = (R @ phi[:, :, None])[:, :, 0]  # (S, n)
    V = data.origin_onehot
    Mu = M * u
    pu = phv * u
    Rt = R.transpose(0, 2, 1)  # (S, J, n)
    g = np.empty((nS, p))
    g[:, :J] = _ones(n) @ R
    g[:, c.delta] = _add((R * V).reshape(nS, n * J), axis=1)
    g[:, c.mu0] = _add(pu, axis=1)
    if c.is_table:
        g[:, J : 2 * J] = (Rt @ s[:, :, None])[:, :, 0] + Mu
    else:
        g[:, J : 2 * J] = (Rt @ s[:, :, None])[:, :, 0] + Mu @ V
    if T:
        g[:, c.mu_t0 : c.b0] = pu @ data.t
    if K:
        g[:, c.b0 :] = u @ data.x
    if order == 1:
        return ll, g

    # expected information H1 = sum_i D_i' (diag(n_i P_i) - n_i P_i P_i') D_i
    if n * J * p <= _DENSE_LIMIT:
        D = _jacobian_eta(beta, data, s, M, phv)  # (S, n, J, p)
        D2 = D.reshape(nS, n * J, p)
        E = (P[:, :, None, :] @ D)[:, :, 0, :]  # (S, n, p): P_i' D_i
        H1 = D2.transpose(0, 2, 1) @ (D2 * nP.reshape(nS, n * J, 1))
        H1 -= E.transpose(0, 2, 1) @ (E * nI[:, None])
    else:
        H1 = _expected_information(data, P, nP, phi, s, M, phv)

    # second-order term S = sum_i sum_q r_iq d2 eta_iq (only phi rows/columns)
    S = np.zeros((nS, p, p))
    if c.is_table:
        G = Rt * M[:, None, :]  # G[r, v] = M_v r_vr
        Svec = (Rt @ phv[:, :, None])[:, :, 0] + u
    else:
        G = (V.T @ (R * M[:, :, None])).transpose(0, 2, 1)  # G[r, v] = sum_{i: v_i = v} M_i r_ir
        Svec = (Rt @ phv[:, :, None])[:, :, 0] + u @ V
    S[:, J : 2 * J, J : 2 * J] = G + G.transpose(0, 2, 1)
    S[:, J : 2 * J, c.mu0] = Svec
    if T:
        S[:, J : 2 * J, c.mu_t0 : c.b0] = Rt @ (phv[:, :, None] * data.t) + V.T @ (u[:, :, None] * data.t)
    if K:
        S[:, J : 2 * J, c.b0 :] = Rt @ data.x
    S[:, c.mu0 :, J : 2 * J] = S[:, J : 2 * J, c.mu0 :].transpose(0, 2, 1)
    return ll, g, H1, S


#: Above this many entries of one record set's Jacobian (n x J x p) the
#: expected information is assembled block by block (see
#: :func:`_expected_information`) instead of from the dense Jacobian.
_DENSE_LIMIT = 4000  # also the size up to which spec keeps a Jacobian template


def _expected_information(data: MobilityData, P, nP, phi, s, M, phv) -> np.ndarray:
    """``H1 = sum_i D_i' W_i D_i`` with ``W_i = n_i (diag P_i - P_i P_i')``,
    assembled from the structure of the Jacobian without forming it.

    Row ``q`` of ``D_i`` is ``[e_q | s_i e_q + M_i phi_q e_v | 1[q=v] |
    phi_q z_i]`` with ``z_i = (phi_v, phi_v t_i, x_i)`` (the ``mu0``, ``mu_t``
    and ``b`` columns), so every block is a weighted sum over records of
    ``W_i``, ``W_i phi``, ``phi' W_i phi`` or ``W_i e_v``. Cost ``O(n J^2)``
    per start instead of ``O(n J p^2)``. Shapes as in :func:`derivatives`.
    """
    c = data.const
    J, T, K, p, n = c.J, c.T, c.K, c.p, c.n
    nS = P.shape[0]
    V = data.origin_onehot
    v = data.origin
    nI = data.totals
    rows = np.arange(n)
    Z = 1 + T + K
    z = np.empty((nS, n, Z))
    z[:, :, 0] = phv
    if T:
        z[:, :, 1 : 1 + T] = phv[:, :, None] * data.t
    if K:
        z[:, :, 1 + T :] = data.x

    ones_n = _ones(n)

    def sum_w(cw):  # sum_i cw_i W_i, (S, J, J)
        cnP = cw[:, :, None] * nP
        out = -(cnP.transpose(0, 2, 1) @ P)
        out[:, np.arange(J), np.arange(J)] += ones_n @ cnP
        return out

    Pphi = (P @ phi[:, :, None])[:, :, 0]
    wphi = nP * (phi[:, None, :] - Pphi[:, :, None])  # W_i phi
    kappa = (wphi @ phi[:, :, None])[:, :, 0]  # phi' W_i phi
    Pv = P[:, rows, v]
    Wev = -nP * Pv[:, :, None]  # W_i e_v
    Wev += (nI * Pv)[:, :, None] * V
    wphiv = wphi[:, rows, v]  # e_v' W_i phi
    wphiT = wphi.transpose(0, 2, 1)

    H = np.empty((nS, p, p))
    A, F, dl, zc = slice(0, J), slice(J, 2 * J), 2 * J, slice(2 * J + 1, p)
    H[:, A, A] = sum_w(np.ones((nS, n)))
    H[:, A, F] = sum_w(s) + (wphiT * M[:, None, :]) @ V
    H[:, A, dl] = ones_n @ Wev
    H[:, A, zc] = wphiT @ z
    X = (wphiT * (s * M)[:, None, :]) @ V
    FF = sum_w(s * s) + X + X.transpose(0, 2, 1)
    FF[:, np.arange(J), np.arange(J)] += (M * M * kappa) @ V
    H[:, F, F] = FF
    H[:, F, dl] = (s[:, None, :] @ Wev)[:, 0, :] + (M * wphiv) @ V
    H[:, F, zc] = (wphiT * s[:, None, :]) @ z + V.T @ ((M * kappa)[:, :, None] * z)
    H[:, dl, dl] = _add(nI * Pv * (1.0 - Pv), axis=1)
    H[:, dl, zc] = (wphiv[:, None, :] @ z)[:, 0, :]
    H[:, zc, zc] = z.transpose(0, 2, 1) @ (kappa[:, :, None] * z)
    H[:, F, A] = H[:, A, F].transpose(0, 2, 1)
    H[:, dl, A] = H[:, A, dl]
    H[:, zc, A] = H[:, A, zc].transpose(0, 2, 1)
    H[:, dl, F] = H[:, F, dl]
    H[:, zc, F] = H[:, F, zc].transpose(0, 2, 1)
    H[:, zc, dl] = H[:, dl, zc]
    return H


def _jacobian_eta(beta, data: MobilityData, s, M, phv) -> np.ndarray:
    """``D[k, i, q, j] = d eta_iq / d beta_j`` for each start ``k``
    (``S x n x J x p``; ``beta`` is a stack)."""
    c = data.const
    J, p, n = c.J, c.p, c.n
    nS = beta.shape[0]
    phi = beta[:, J : 2 * J]
    V = data.origin_onehot
    if c.jac_template is not None:
        D = np.repeat(c.jac_template[None], nS, axis=0)
    else:
        D = np.zeros((nS, n, J, p))
        D[..., :J] = c.eye
        D[..., c.delta] = V
    # d eta_iq / d phi_r = 1[q=r] s_i + phi_q M_i 1[r = v_i]
    D[..., J : 2 * J] = s[:, :, None, None] * c.eye
    D[..., J : 2 * J] += phi[:, None, :, None] * (M[:, :, None] * V)[:, :, None, :]
    D[..., c.mu0] = phv[:, :, None] * phi[:, None, :]
    if c.T:
        D[..., c.mu_t0 : c.b0] = phi[:, None, :, None] * (phv[:, :, None] * data.t)[:, :, None, :]
    if c.K:
        D[..., c.b0 :] = phi[:, None, :, None] * data.x[None, :, None, :]
    return D


def score_contributions(beta: np.ndarray, data: MobilityData) -> np.ndarray:
    """Per-record scores ``D_i' r_i`` in the full parametrisation (n x p) for
    one parameter vector.

    Their column sums are the gradient; for weighted individual records each
    row already carries the case weight (``r_i = w_i (e_{y_i} - P_i)``).
    """
    b = beta[None, :]
    eta, s, M, phv = linear_predictor(b, data)
    P = np.exp(log_probabilities(eta))
    R = data.counts - data.totals[:, None] * P
    D = _jacobian_eta(b, data, s, M, phv)
    return (R[:, :, None, :] @ D)[0, :, 0, :]


def probabilities(beta: np.ndarray, data: MobilityData) -> np.ndarray:
    """Model probabilities ``P(q | record i)`` (n x J) for one parameter vector."""
    return np.exp(log_probabilities(linear_predictor(beta, data)[0]))
