"""The limit at infinity of an RC(1) fit whose maximum likelihood estimate
does not exist: the deviance and fitted values the iterations approach,
computed on the limiting model ("the extended MLE").

When zero cells' fitted values go to 0 through the multiplicative term
``mu phi_i psi_j`` (``mu -> inf``), the scores of one side (say the columns)
split into a base group ``C0`` and one group ``C*`` far from it, and the rows
into base rows ``R0`` (scores within ``O(1/mu)`` of each other) and the
others. Writing ``phi_i = c_i + e_i / mu`` and ``psi_j = k_C + f_j / mu``,
the term is, up to row and column effects and ``O(1/mu)``::

    mu (c_i - c_R0)(k_C* - k_C0)    rows off the base x C*: diverges; only zero cells
                                    (their fitted values -> 0) or diagonal cells (their delta)
    (c_i - c_R0) f_j                rows off the base x base columns: rank one
    e_i (k_C* - k_C0)               base rows x C*: a free parameter per base row

and the ``e_i f_j / mu`` rest vanishes. A row whose ``C*`` cells are all
zero (or full-diagonal) may leave the base; the rows whose zero cells go to 0
must all lie on one side of the base (``c_i - c_R0`` of one sign, else some
would go to infinity): where the fit of the limiting model puts them on both
sides, the rows of the smaller side are put back into the base and it is
refitted (each choice is tried, the best kept). The limiting model (the
linear design, the per-row parameters, a :class:`.terms.BlockRC` term for the
rank-one part, an offset ``-inf`` on the vanishing cells, and zero cells whose
own parameter then runs to ``-inf`` as in a log-linear model added to them)
is fitted by :func:`.search.newton`; its deviance is the limit of the deviance
along the path (the supremum of the likelihood on that face of the model's
closure), its fitted values the limit of the fitted values. Both sides are
tried as the exploded one. :func:`.family.fit_cells` accepts it only where it
is at or below the path's deviance and the continued path does not pass
below it; a value of the closure the model approaches, not a certificate
that no other face is better.

Handled: two-way ``rc`` (the family's other terms are left as approached,
``limit_finished=False``). Hand-written: no library computes extended MLEs of
log-multiplicative models (for log-linear models see Fienberg and Rinaldo
2012, whose facial sets this generalises to the rank-one term).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import qr

from .search import ZERO_FIT, newton
from .terms import RC, BlockRC, Model, helmert

#: The scores of the exploded side: one group ``C*`` apart from the base where
#: a gap between sorted scores exceeds ``GAP_REL`` of their range.
GAP_REL = 0.1


@dataclass
class Limit:
    """The limit of a diverging fit: deviance, fitted values (0 in
    ``zero_cells``, the cells whose fitted values go to 0) and the limiting
    model's fit (``model``, ``theta``)."""

    deviance: float
    fitted: np.ndarray
    zero_cells: np.ndarray
    model: Model
    theta: np.ndarray


def _exploded(v: np.ndarray) -> np.ndarray | None:
    """Mask of the one group of scores apart from the rest (the smaller side
    of the single large gap), or None if the gaps do not single one out."""
    order = np.argsort(v)
    gaps = np.diff(v[order])
    cut = np.flatnonzero(gaps > GAP_REL * float(v.max() - v.min()))
    if len(cut) != 1:
        return None
    k = int(cut[0]) + 1
    mask = np.zeros(v.shape, bool)
    mask[order[:k] if k <= len(v) - k else order[k:]] = True
    return mask


def _full_rank(X: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Columns of ``X`` that are linearly independent on the rows ``keep``."""
    _, R, piv = qr(X[keep], mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    r = int(np.sum(d > 1e-10 * max(d[0], 1e-300))) if d.size else 0
    return np.sort(piv[:r])


def finish_rc(model: Model, theta: np.ndarray, y: np.ndarray, diagonal: str, max_iter: int = 300) -> Limit | None:
    """The limit of the RC(1) fit diverging from ``theta`` (module
    docstring), or None where it is not of the handled form."""
    term = model.term
    c = model.cells
    if not isinstance(term, RC) or c.L != 1:
        return None
    mu, a, b = term.split(theta[model.pL:])
    phi, psi = term.HI @ a, term.HJ @ b
    if not (np.all(np.isfinite(phi)) and np.all(np.isfinite(psi)) and np.isfinite(mu)):
        return None
    best = None
    for side in ("col", "row"):
        exp_sc, oth_sc = (psi, phi) if side == "col" else (phi, psi)
        star = _exploded(exp_sc)
        if star is None:
            continue
        lim = _finish_side(model, theta, y, diagonal, side, star, exp_sc, oth_sc, mu, max_iter)
        if lim is not None and (best is None or lim.deviance < best.deviance):
            best = lim
    return best


def _finish_side(model, theta, y, diagonal, side, star, exp_sc, oth_sc, mu, max_iter):
    c = model.cells
    e_of, o_of = (c.col, c.row) if side == "col" else (c.row, c.col)
    n_oth = c.I if side == "col" else c.J
    in_star = star[e_of]
    diag_ok = (c.row == c.col) if diagonal == "full" else np.zeros(c.N, bool)
    # a category of the other side may leave the base if its C* cells are zero or full-diagonal
    free = np.array([not np.any(in_star & (o_of == i) & ~diag_ok & (y > 0)) for i in range(n_oth)])
    has_zero = np.array([np.any(in_star & (o_of == i) & ~diag_ok) for i in range(n_oth)])
    if not free.any() or free.all():
        return None
    eta_path = model.eta(theta)
    out, tried = None, set()
    todo = [free.copy()]
    while todo:
        off = todo.pop()
        key = off.tobytes()
        if key in tried or not off.any() or off.all():
            continue
        tried.add(key)
        lim, g = _fit_face(model, y, eta_path, side, star, off, diag_ok, exp_sc, oth_sc, mu, max_iter)
        if lim is None:
            continue
        zr = [i for i in np.flatnonzero(off) if has_zero[i]]
        signs = {i: np.sign(g[i]) for i in zr if abs(g[i]) > 1e-12}
        pos = [i for i, s in signs.items() if s > 0]
        neg = [i for i, s in signs.items() if s < 0]
        if pos and neg:  # both sides of the base: put either side back into it
            for back in (pos, neg):
                nxt = off.copy()
                nxt[back] = False
                todo.append(nxt)
            continue
        if out is None or lim.deviance < out.deviance:
            out = lim
    return out


def _fit_face(model, y, eta_path, side, star, off, diag_ok, exp_sc, oth_sc, mu, max_iter):
    """Fit the limiting model with the categories ``off`` of the other side
    out of the base; returns the limit and the rank-one scores of the other side."""
    c = model.cells
    e_of, o_of = (c.col, c.row) if side == "col" else (c.row, c.col)
    n_oth = len(off)
    in_star = star[e_of]
    o_off = off[o_of]
    zero = in_star & o_off & ~diag_ok
    W = float(y.sum())
    cols = [model.X]
    base_o = [i for i in range(n_oth) if not off[i]]
    cols.append(np.column_stack([(in_star & (o_of == i)).astype(float) for i in base_o]))
    nonbase = [i for i in range(n_oth) if off[i]]
    base_e = [j for j in range(len(star)) if not star[j]]
    blk = o_off & ~in_star  # rows off the base x base columns: the rank-one part
    block_term, t0 = None, np.zeros(0)
    if len(nonbase) == 1 or len(base_e) < 2:
        cols.append(np.column_stack([(blk & (e_of == j)).astype(float) for j in base_e]))
    else:
        Hb = helmert(len(base_e))
        pos_o = {i: k for k, i in enumerate(nonbase)}
        pos_e = {j: k for k, j in enumerate(base_e)}
        U = np.zeros((c.N, len(nonbase)))
        U[blk, [pos_o[i] for i in o_of[blk]]] = 1.0
        V = np.zeros((c.N, len(base_e) - 1))
        V[blk] = Hb[[pos_e[j] for j in e_of[blk]]]
        block_term = BlockRC(c, U, V) if side == "col" else BlockRC(c, V, U)
        g = oth_sc[nonbase] - oth_sc[base_o].mean()
        f = Hb.T @ (exp_sc[base_e] - exp_sc[base_e].mean())
        t0 = block_term.retract(np.concatenate([[mu], g, f] if side == "col" else [[mu], f, g]))
    Xall = np.column_stack(cols)
    base_eta = eta_path
    for _ in range(4):  # zero cells whose own parameter runs to -inf join the vanishing cells
        keep = ~zero
        X = Xall[:, _full_rank(Xall, keep)]
        lim_model = Model(c, X, [f"limit:{k}" for k in range(X.shape[1])], block_term,
                          offset=np.where(zero, -np.inf, 0.0))
        tv = block_term.eta(t0) if block_term is not None else 0.0
        b0 = np.linalg.lstsq(X[keep], (base_eta - tv)[keep], rcond=None)[0]
        run = newton(lim_model, np.concatenate([b0, t0]), y, max_iter=max_iter)
        th = run.theta
        m = np.exp(lim_model.eta(th))
        more = (y == 0) & ~zero & (m < ZERO_FIT * W)
        if not more.any():
            break
        if block_term is not None and np.any(more & blk):
            return None, None  # a cell of the rank-one part would vanish on its own: not this face
        zero = zero | more
        base_eta = lim_model.eta(th)
        if block_term is not None:
            t0 = th[X.shape[1]:]
    else:
        return None, None
    if not run.converged:
        return None, None
    g = np.zeros(n_oth)
    if block_term is not None:
        mu_f, ga, gb = block_term.split(th[lim_model.pL:])
        g[nonbase] = ga if side == "col" else gb
    else:
        g[nonbase] = 1.0  # one category off the base: no sign to keep
    lim = Limit(deviance=float(run.deviance), fitted=m, zero_cells=np.flatnonzero(zero), model=lim_model, theta=th)
    return lim, g
