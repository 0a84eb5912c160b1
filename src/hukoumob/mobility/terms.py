"""Log-linear and log-multiplicative Poisson models of a mobility table, with
analytic first and second derivatives (the terms of gnm, Turner and Firth).

A model is ``log m_c = X_c b + sum_t term_t(theta_t)_c`` over the cells ``c``
of :class:`.tables.Cells`, with a full-rank linear design ``X`` (margins,
diagonal, fixed-score association, full interaction) and at most one
multiplicative term:

``Homog``      ``mu_l phi_i phi_j``: homogeneous row-column scores (quasi-RC
               II; Wu and Treiman 2007, eq. 3), one ``mu`` per layer (any sign);
``RC``         ``mu phi_i psi_j``: Goodman's RC(1) with separate scores;
``Unidiff``    ``exp(beta_l) gamma_ij``: Xie's (1992) log-multiplicative layer
               effect on the full two-way interaction (``beta_1 = 0``).

Scores are parametrised in a sum-zero (Helmert) basis, ``phi = H a``, and kept
at unit length: the exact invariance ``(a, mu) -> (c a, mu / c^2)`` (Homog)
or ``(a, b, mu) -> (c a, d b, mu / (c d))`` (RC) is removed by taking Newton
steps orthogonal to its ``null`` directions and mapping each iterate back
with ``retract``. Each term gives its Jacobian columns and the second-order
contraction ``sum_c e_c d2 eta_c`` for residuals ``e``; :mod:`.search` needs
nothing else. Written by hand because no Python library fits these models
(statsmodels' GLM is linear in the parameters).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .tables import Cells

_HELMERT: dict[int, np.ndarray] = {}


def helmert(J: int) -> np.ndarray:
    """Orthonormal ``J x (J-1)`` basis of the sum-zero vectors."""
    H = _HELMERT.get(J)
    if H is None:
        H = np.zeros((J, J - 1))
        for k in range(1, J):
            H[:k, k - 1] = 1.0
            H[k, k - 1] = -k
            H[:, k - 1] /= np.sqrt(k * (k + 1))
        H.flags.writeable = False
        _HELMERT[J] = H
    return H


def _onehot(codes: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n)[codes]


# ------------------------------------------------------------------ linear part
def linear_design(cells: Cells, association: str, diagonal: str, layered: bool) -> tuple[np.ndarray, list[str]]:
    """Full-rank design of the linear part and its column names.

    Two-way: intercept, origin and destination effects (first category the
    reference), the diagonal (``uniform``: one indicator; ``full``: one per
    diagonal cell; ``layer``: one indicator per layer) and, for
    ``association="uniform"``, the product of integer scores ``i * j``.
    Layered: origin x layer and destination x layer effects (the margins of
    every layer), plus ``constant``'s full origin x destination interaction.
    """
    I, J, L = cells.I, cells.J, cells.L
    r, c, l = cells.row, cells.col, cells.lay
    cols, names = [], []
    if not layered:
        cols.append(np.ones(cells.N))
        names.append("(intercept)")
        R, C = _onehot(r, I), _onehot(c, J)
        cols += list(R[:, 1:].T)
        names += [f"origin:{o}" for o in cells.origins[1:]]
        cols += list(C[:, 1:].T)
        names += [f"destination:{d}" for d in cells.destinations[1:]]
    else:
        RL = _onehot(l * I + r, L * I)
        cols += list(RL.T)
        names += [f"{cells.layer_name}:{k}|origin:{o}" for k in cells.layers for o in cells.origins]
        for k in range(L):
            for j in range(1, J):
                cols.append(((l == k) & (c == j)).astype(float))
                names.append(f"{cells.layer_name}:{cells.layers[k]}|destination:{cells.destinations[j]}")
    on_diag = (r == c).astype(float)
    if diagonal == "uniform":
        cols.append(on_diag)
        names.append("delta")
    elif diagonal == "full":
        for j in range(J):
            cols.append(((r == j) & (c == j)).astype(float))
            names.append(f"delta:{cells.origins[j]}")
    elif diagonal == "layer":
        for k in range(L):
            cols.append(on_diag * (l == k))
            names.append(f"delta:{cells.layers[k]}")
    if association == "uniform":
        cols.append((r + 1.0) * (c + 1.0))
        names.append("mu")
    elif association == "constant":
        for i in range(1, I):
            for j in range(1, J):
                cols.append(((r == i) & (c == j)).astype(float))
                names.append(f"gamma:{cells.origins[i]}|{cells.destinations[j]}")
    return np.column_stack(cols), names


# ------------------------------------------------------------- nonlinear terms
@dataclass
class Homog:
    """``mu_l phi_i phi_j`` with one score vector ``phi = H a`` for origin and
    destination and one association ``mu_l`` per layer (``L = 1`` two-way;
    ``common``: one ``mu`` for every layer)."""

    cells: Cells
    common: bool = False
    n_mu: int = field(init=False)
    size: int = field(init=False)

    def __post_init__(self):
        c = self.cells
        self.n_mu = 1 if self.common else c.L
        self.lay = np.zeros_like(c.lay) if self.common else c.lay
        self.H = helmert(c.J)
        self.Hr = self.H[c.row]
        self.Hc = self.H[c.col]
        self.Lh = _onehot(self.lay, self.n_mu)
        self.size = self.n_mu + c.J - 1

    def names(self) -> list[str]:
        c = self.cells
        mu = ["mu"] if self.n_mu == 1 else [f"mu:{k}" for k in c.layers]
        return mu + [f"score_coord:{k}" for k in range(1, c.J)]

    def split(self, t):
        return t[: self.n_mu], t[self.n_mu:]

    def eta(self, t):
        mu, a = self.split(t)
        u = self.H @ a
        c = self.cells
        return mu[self.lay] * u[c.row] * u[c.col]

    def jac(self, t, out=None):
        mu, a = self.split(t)
        u = self.H @ a
        c = self.cells
        ur, uc = u[c.row], u[c.col]
        D = np.empty((c.N, self.size)) if out is None else out
        if self.n_mu == 1:
            D[:, 0] = ur * uc
        else:
            D[:, : self.n_mu] = self.Lh * (ur * uc)[:, None]
        D[:, self.n_mu:] = (mu[self.lay][:, None] if self.n_mu > 1 else mu[0]) * (uc[:, None] * self.Hr + ur[:, None] * self.Hc)
        return D

    def second(self, t, e):
        mu, a = self.split(t)
        u = self.H @ a
        c = self.cells
        E = e.reshape(c.L, c.I, c.J)
        if self.common:
            E = E.sum(axis=0, keepdims=True)
        Es = E + E.transpose(0, 2, 1)
        S = np.zeros((self.size, self.size))
        S[: self.n_mu, self.n_mu:] = (Es @ u) @ self.H
        S[self.n_mu:, : self.n_mu] = S[: self.n_mu, self.n_mu:].T
        Em = mu[0] * Es[0] if self.n_mu == 1 else (mu[:, None, None] * Es).sum(axis=0)
        S[self.n_mu:, self.n_mu:] = self.H.T @ Em @ self.H
        return S

    def null(self, t):
        mu, a = self.split(t)
        return np.concatenate([-2.0 * mu, a])[:, None]

    def retract(self, t):
        mu, a = self.split(t)
        n2 = a @ a
        if not n2 > 0:
            return t
        return np.concatenate([mu * n2, a / np.sqrt(n2)])

    def start(self, Z, sign, k=0):
        """Start from the ``k``-th eigenpair (by absolute value) of the
        symmetrised double-centred log table ``Z`` (L x J x J), with the
        association's sign flipped if ``sign < 0`` relative to the eigenvalue."""
        Zp = Z.sum(axis=0)
        w, U = np.linalg.eigh(0.5 * (Zp + Zp.T))
        order = np.argsort(-np.abs(w))
        u = U[:, order[k]]
        mu = np.array([u @ Zl @ u for Zl in (Z.sum(axis=0, keepdims=True) / Z.shape[0] if self.common else Z)]) * sign
        return np.concatenate([mu, self.H.T @ u])

    def random(self, rng, Z):
        Zp = Z.sum(axis=0)
        scale = np.max(np.abs(np.linalg.eigvalsh(0.5 * (Zp + Zp.T)))) / Z.shape[0]
        a = rng.standard_normal(self.cells.J - 1)
        a /= np.sqrt(a @ a)
        mu = rng.choice([-1.0, 1.0]) * scale * np.exp(rng.uniform(-1, 0.5, self.n_mu))
        return np.concatenate([mu, a])


class _RowColumnGauge:
    """The invariances of ``mu (row scores) (column scores)`` with coordinates
    ``t = (mu, a, b)`` (``split``): ``a`` times ``c`` and ``b`` times ``d`` with
    ``mu`` divided by ``c d`` leave the term unchanged (:class:`RC`,
    :class:`BlockRC`)."""

    def null(self, t):
        mu, a, b = self.split(t)
        n1 = np.concatenate([[-mu], a, np.zeros_like(b)])
        n2 = np.concatenate([[-mu], np.zeros_like(a), b])
        return np.column_stack([n1, n2])

    def retract(self, t):
        """The same term with ``a`` and ``b`` of unit length."""
        mu, a, b = self.split(t)
        na, nb = np.sqrt(a @ a), np.sqrt(b @ b)
        if not (na > 0 and nb > 0):
            return t
        return np.concatenate([[mu * na * nb], a / na, b / nb])


@dataclass
class RC(_RowColumnGauge):
    """``mu phi_i psi_j``: Goodman's RC(1) with separate unit-length
    sum-zero scores ``phi = H_I a`` (origins) and ``psi = H_J b``
    (destinations)."""

    cells: Cells
    size: int = field(init=False)

    def __post_init__(self):
        c = self.cells
        self.I = c.I
        self.HI, self.HJ = helmert(c.I), helmert(c.J)
        self.Hr, self.Hc = self.HI[c.row], self.HJ[c.col]
        self.size = 1 + (c.I - 1) + (c.J - 1)

    def names(self) -> list[str]:
        c = self.cells
        return ["mu"] + [f"row_coord:{k}" for k in range(1, c.I)] + [f"col_coord:{k}" for k in range(1, c.J)]

    def split(self, t):
        I = self.I
        return t[0], t[1:I], t[I:]

    def eta(self, t):
        mu, a, b = self.split(t)
        return mu * (self.HI @ a)[self.cells.row] * (self.HJ @ b)[self.cells.col]

    def jac(self, t, out=None):
        mu, a, b = self.split(t)
        c = self.cells
        u, w = (self.HI @ a)[c.row], (self.HJ @ b)[c.col]
        D = np.empty((c.N, self.size)) if out is None else out
        I = c.I
        D[:, 0] = u * w
        np.multiply(mu * w[:, None], self.Hr, out=D[:, 1:I])
        np.multiply(mu * u[:, None], self.Hc, out=D[:, I:])
        return D

    def second(self, t, e):
        mu, a, b = self.split(t)
        c = self.cells
        E = e.reshape(c.L, c.I, c.J).sum(axis=0)
        u, w = self.HI @ a, self.HJ @ b
        I = c.I
        S = np.zeros((self.size, self.size))
        S[0, 1:I] = self.HI.T @ (E @ w)
        S[0, I:] = self.HJ.T @ (E.T @ u)
        S[1:I, I:] = mu * self.HI.T @ E @ self.HJ
        return S + S.T


    def start(self, Z, sign, k=0):
        Uo, s, Vt = np.linalg.svd(Z.sum(axis=0))
        return np.concatenate([[s[k] * sign], self.HI.T @ Uo[:, k], self.HJ.T @ Vt[k]])

    def random(self, rng, Z):
        s = np.linalg.svd(Z.sum(axis=0), compute_uv=False)[0]
        a = rng.standard_normal(self.cells.I - 1)
        b = rng.standard_normal(self.cells.J - 1)
        return np.concatenate([[s * np.exp(rng.uniform(-1, 0.5))], a / np.sqrt(a @ a), b / np.sqrt(b @ b)])


@dataclass
class BlockRC(_RowColumnGauge):
    """``mu u_c w_c`` on a block of cells, zero elsewhere: ``u_c = Hr[c] a``,
    ``w_c = Hc[c] b`` with per-cell basis rows (zero rows outside the block).
    The finite part of an RC(1) term at a limit at infinity (:mod:`.limits`):
    the scores of the groups of one side times the scores of the categories
    of the other; ``a`` and ``b`` kept at unit length as in :class:`RC`."""

    cells: Cells
    Hr: np.ndarray  # N x ka
    Hc: np.ndarray  # N x kb
    size: int = field(init=False)

    def __post_init__(self):
        self.ka, self.kb = self.Hr.shape[1], self.Hc.shape[1]
        self.size = 1 + self.ka + self.kb

    def names(self) -> list[str]:
        return ["mu"] + [f"row_coord:{k}" for k in range(1, self.ka + 1)] + [f"col_coord:{k}" for k in range(1, self.kb + 1)]

    def split(self, t):
        return t[0], t[1: 1 + self.ka], t[1 + self.ka:]

    def eta(self, t):
        mu, a, b = self.split(t)
        return mu * (self.Hr @ a) * (self.Hc @ b)

    def jac(self, t, out=None):
        mu, a, b = self.split(t)
        u, w = self.Hr @ a, self.Hc @ b
        D = np.empty((self.cells.N, self.size)) if out is None else out
        D[:, 0] = u * w
        np.multiply(mu * w[:, None], self.Hr, out=D[:, 1: 1 + self.ka])
        np.multiply(mu * u[:, None], self.Hc, out=D[:, 1 + self.ka:])
        return D

    def second(self, t, e):
        mu, a, b = self.split(t)
        u, w = self.Hr @ a, self.Hc @ b
        ka = self.ka
        S = np.zeros((self.size, self.size))
        S[0, 1: 1 + ka] = self.Hr.T @ (e * w)
        S[0, 1 + ka:] = self.Hc.T @ (e * u)
        S[1: 1 + ka, 1 + ka:] = mu * (self.Hr * e[:, None]).T @ self.Hc
        return S + S.T



@dataclass
class Unidiff:
    """``exp(beta_l) gamma_ij``: the full origin x destination interaction
    (treatment-coded, ``gamma_1j = gamma_i1 = 0``) scaled by a layer effect,
    ``beta_1 = 0`` (Xie 1992; gnm's ``Mult(Exp(layer), origin:destination)``)."""

    cells: Cells
    size: int = field(init=False)

    def __post_init__(self):
        c = self.cells
        self.nb = c.L - 1
        idx = (c.row - 1) * (c.J - 1) + (c.col - 1)
        inside = (c.row > 0) & (c.col > 0)
        self.G = np.zeros((c.N, (c.I - 1) * (c.J - 1)))
        self.G[np.flatnonzero(inside), idx[inside]] = 1.0
        self.Lh = _onehot(c.lay, c.L)[:, 1:]
        self.size = self.nb + self.G.shape[1]

    def names(self) -> list[str]:
        c = self.cells
        return ([f"layer_effect:{k}" for k in c.layers[1:]]
                + [f"gamma:{o}|{d}" for o in c.origins[1:] for d in c.destinations[1:]])

    def _parts(self, t):
        beta = np.concatenate([[0.0], t[: self.nb]])
        g = t[self.nb:]
        return beta, g

    def eta(self, t):
        beta, g = self._parts(t)
        return np.exp(beta)[self.cells.lay] * (self.G @ g)

    def jac(self, t, out=None):
        beta, g = self._parts(t)
        eb = np.exp(beta)[self.cells.lay]
        gam = self.G @ g
        D = np.empty((self.cells.N, self.size)) if out is None else out
        np.multiply(self.Lh, (eb * gam)[:, None], out=D[:, : self.nb])
        np.multiply(eb[:, None], self.G, out=D[:, self.nb:])
        return D

    def second(self, t, e):
        beta, g = self._parts(t)
        eb = np.exp(beta)[self.cells.lay]
        gam = self.G @ g
        S = np.zeros((self.size, self.size))
        nb = self.nb
        S[np.arange(nb), np.arange(nb)] = self.Lh.T @ (e * eb * gam)
        S[:nb, nb:] = (self.Lh * (e * eb)[:, None]).T @ self.G
        S[nb:, :nb] = S[:nb, nb:].T
        return S

    def null(self, t):
        return np.zeros((self.size, 0))

    def retract(self, t):
        return t

    def start(self, gamma, beta):
        return np.concatenate([beta, gamma])

    def random(self, rng, gamma):
        return np.concatenate([rng.normal(0.0, 0.5, self.nb), gamma])


@dataclass
class Model:
    """Linear design plus at most one multiplicative term (module docstring);
    ``theta = (b, term parameters)``."""

    cells: Cells
    X: np.ndarray
    linear_names: list
    term: object | None = None
    #: added to ``eta`` (``-inf``: a cell whose fitted value is 0, a structural zero)
    offset: np.ndarray | None = None

    def __post_init__(self):
        self._pL = self.X.shape[1]
        self._p = self._pL + (self.term.size if self.term is not None else 0)

    @property
    def pL(self) -> int:
        return self._pL

    @property
    def p(self) -> int:
        return self._p

    @property
    def n_null(self) -> int:
        return 0 if self.term is None else self.term.null(np.ones(self.term.size)).shape[1]

    @property
    def n_free(self) -> int:
        """Number of free parameters (the model's degrees of freedom)."""
        return self._p - self.n_null

    def names(self) -> list[str]:
        return list(self.linear_names) + (self.term.names() if self.term is not None else [])

    def eta(self, theta):
        out = self.X @ theta[: self._pL]
        if self.term is not None:
            out = out + self.term.eta(theta[self._pL:])
        if self.offset is not None:
            out = out + self.offset
        return out

    def jac(self, theta):
        """Jacobian of ``eta`` (``N x p``). With a multiplicative term the array
        is a buffer of the model, overwritten by the next call."""
        if self.term is None:
            return self.X
        D = self.__dict__.get("_jac_buffer")
        if D is None:
            D = np.empty((self.cells.N, self._p))
            D[:, : self._pL] = self.X
            self.__dict__["_jac_buffer"] = D
        self.term.jac(theta[self._pL:], out=D[:, self._pL:])
        return D

    def second(self, theta, e):
        S = np.zeros((self._p, self._p))
        if self.term is not None:
            S[self._pL:, self._pL:] = self.term.second(theta[self._pL:], e)
        return S

    def free_basis(self, theta):
        """Orthonormal ``p x n_free`` basis of the directions orthogonal to the
        invariance directions at ``theta``."""
        if self.term is None:
            return None
        Nt = self.term.null(theta[self._pL:])
        if Nt.shape[1] == 0:
            return None
        # Householder reflections of the term's block taking e_1, e_2, ... to the
        # (orthonormalised) directions: the remaining columns span their
        # orthogonal complement; the linear parameters are free as they are
        k_null = Nt.shape[1]
        B = self.__dict__.get("_basis_template")
        if B is None or B.shape[1] != self._p - k_null:
            B = np.zeros((self._p, self._p - k_null))
            B[: self._pL, : self._pL] = np.eye(self._pL)
            self.__dict__["_basis_template"] = B
        B = B.copy()
        if k_null == 1:  # one direction (Homog): Q = I - 2 w w', its columns 2.. are the complement
            w = Nt[:, 0] / np.sqrt(Nt[:, 0] @ Nt[:, 0])
            w[0] += 1.0 if w[0] >= 0 else -1.0
            w /= np.sqrt(w @ w)
            sub = B[self._pL:, self._pL:]
            sub[:] = np.outer(w, -2.0 * w[1:])
            sub[1:] += np.eye(Nt.shape[0] - 1)
            return B
        Q = np.eye(Nt.shape[0])
        for k in range(k_null):
            v = Q.T[k:] @ Nt[:, k]  # the direction in the coordinates still free
            nv = np.sqrt(v @ v)
            if not nv > 0:
                continue
            w = v / nv
            w[0] -= 1.0 if w[0] < 0 else -1.0
            w /= np.sqrt(w @ w)
            Q[:, k:] -= 2.0 * np.outer(Q[:, k:] @ w, w)
        B[self._pL:, self._pL:] = Q[:, k_null:]
        return B

    def retract(self, theta):
        if self.term is None:
            return theta
        return np.concatenate([theta[: self._pL], self.term.retract(theta[self._pL:])])
