"""Stage 6 of the replica: the son's class in 1996, drawn from the Table 5 model and held to Tables 3-4.

Within each cell (origin group g, father's class v) the men's classes are a
draw from the model of equation 4 (ARCHITECTURE.md, Table 5)::

    P(Y = q | x, t, v) ∝ exp( a_q + phi_q [ sum_k b_k x_k + (mu_0 + sum_t mu_t t) phi_v ] + delta 1[q = v] + lambda_gvq )

conditioned on the cell's weighted class counts being those rebuilt from
Table 4 (Panel A for U, Panel C for C, Panel B minus Panel C for X). The
conditioning is done the Gumbel-max way: each man gets utilities
``log P(q) + Gumbel noise`` and the assignment that maximises total utility
subject to the weighted counts is found from the dual of that assignment
problem (:func:`dual_prices`); the dual prices are the offsets lambda_gvq (so the draw is the model plus
cell-specific offsets). A local search then moves single men, or swaps pairs,
until the weighted counts are as close to the targets as the men's weights
allow.

For rural-origin men, x = (educ, hukou_change, educ x hukou_change) and
t = (hukou_change, educ) with the Model 3c parameters; for urban-origin men,
the Model 2 parameters with b_educ on educ. For the men of Table 6's
population (rural origin, father not farming) only the movers of the forward
hazard draw (:mod:`.history`) can be farming in 1996: each cell's weighted
farm count is filled by movers (chosen by their farm utility), and the other
men share the other classes (:func:`_pick_farmers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

from ..mobility import model_probabilities
from hukoumob.inputs.schema import CLASSES
from .targets import GROUPS

FARM = CLASSES.index("farm")


def class_probabilities(men: pd.DataFrame, p: dict) -> np.ndarray:
    """Model probabilities P(q | x, t, v) of each man (n x 6), before conditioning on the tables."""
    d = p["destinations"]
    n = len(men)
    v = pd.Categorical(men["father_class"], categories=CLASSES).codes
    educ = men["educ"].to_numpy(float)
    hc = men["hukou_change"].to_numpy(float)
    rural = men["group"].to_numpy() != "U"
    prob = np.zeros((n, len(CLASSES)))
    m3 = d["model3c"]
    x = np.column_stack([educ, hc, educ * hc])
    t = np.column_stack([hc, educ])
    prob[rural] = model_probabilities(
        m3["a"], m3["phi"], m3["delta"], m3["mu0"], v[rural], x=x[rural], t=t[rural], mu_t=m3["mu_t"], b=m3["b"]
    )
    m2 = d["model2"]
    ur = ~rural
    prob[ur] = model_probabilities(
        m2["a"], m2["phi"], m2["delta"], m2["mu0"], v[ur], x=educ[ur, None] - 9.0, b=[m2["b_educ"]]
    )
    return prob


def assign_cell(util: np.ndarray, w: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Classes maximising total utility with weighted class counts ``target`` (LP + local search).

    ``util``: n x J utilities; ``w``: weights; ``target``: J weighted counts
    (rescaled here to add up to sum(w)). Returns class indices.
    """
    n, J = util.shape
    target = np.asarray(target, float)
    if target.sum() <= 0:
        return util.argmax(axis=1)
    target = target * w.sum() / target.sum()
    allowed = target > 0
    if n == 1:
        return np.array([int(np.argmax(np.where(allowed, util[0], -np.inf)))])
    lam = dual_prices(util[:, allowed], w, target[allowed])
    full = np.full(J, -np.inf)
    full[allowed] = lam
    cls = (util + full[None, :]).argmax(axis=1)
    return _local_search(cls, w, target, allowed)


def dual_prices(util: np.ndarray, w: np.ndarray, target: np.ndarray, tau: float = 0.02) -> np.ndarray:
    """Offsets lambda_q of the utility-maximising assignment with weighted class counts ``target``.

    The dual of the assignment LP, smoothed with temperature ``tau``:
    minimise sum_i w_i tau logsumexp((u_i + lambda) / tau) - lambda' target
    (convex; its gradient is the soft class count minus the target).
    """
    from scipy.special import logsumexp, softmax

    def f(lam):
        z = (util + lam[None, :]) / tau
        val = np.sum(w * tau * logsumexp(z, axis=1)) - lam @ target
        grad = (w[:, None] * softmax(z, axis=1)).sum(axis=0) - target
        return val, grad

    lam = np.log(np.maximum(target, 1e-12) / w.sum()) - np.log(np.exp(util).mean(axis=0) + 1e-300)
    lam -= lam.mean()
    sol = optimize.minimize(f, lam, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return sol.x


def _local_search(cls: np.ndarray, w: np.ndarray, target: np.ndarray, allowed: np.ndarray, max_iter: int = 500) -> np.ndarray:
    """Single moves and pair swaps that reduce sum_q (W_q - T_q)^2, W_q = weighted count of class q."""
    cls = cls.copy()
    J = target.size
    for _ in range(max_iter):
        d = np.bincount(cls, weights=w, minlength=J) - target
        # single moves: man i from cls[i] to q
        dc = d[cls]
        delta = 2 * w[:, None] * (w[:, None] - dc[:, None] + d[None, :])
        delta[np.arange(cls.size), cls] = np.inf
        delta[:, ~allowed] = np.inf
        i, q = np.unravel_index(np.argmin(delta), delta.shape)
        best = delta[i, q]
        move = ("move", i, q)
        # swaps between classes a and b with different weights
        for a in range(J):
            ia = np.flatnonzero(cls == a)
            if ia.size == 0:
                continue
            for b in range(a + 1, J):
                ib = np.flatnonzero(cls == b)
                if ib.size == 0:
                    continue
                wa, ka = np.unique(w[ia], return_index=True)
                wb, kb = np.unique(w[ib], return_index=True)
                diff = wb[None, :] - wa[:, None]  # W_a gains wb - wa, W_b loses it
                dd = (d[a] + diff) ** 2 + (d[b] - diff) ** 2 - d[a] ** 2 - d[b] ** 2
                r, s = np.unravel_index(np.argmin(dd), dd.shape)
                if dd[r, s] < best:
                    best = dd[r, s]
                    move = ("swap", ia[ka[r]], ib[kb[s]])
        if best >= -1e-12:
            break
        if move[0] == "move":
            cls[move[1]] = move[2]
        else:
            i, j = move[1], move[2]
            cls[i], cls[j] = cls[j], cls[i]
    return cls


def _pick_farmers(util: np.ndarray, w: np.ndarray, target: np.ndarray, moves: pd.DataFrame, labels: np.ndarray,
                  mover: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Classes of one Table 6 cell: farmers chosen among the movers, the rest from the model with the other counts.

    ``target`` is rescaled to the cell's weight. If the movers weigh less than
    the farm count, the non-movers with the highest P(move by 1996) are made
    movers first (:func:`.history.force_moves`).
    """
    from . import history

    target = np.asarray(target, float)
    target = target * w.sum() / target.sum()
    farm_w = target[FARM]
    mover = mover.copy()
    if farm_w > 0 and w[mover].sum() < farm_w - 0.5 * w.min():
        order = np.argsort(-moves.loc[labels, "p_move"].to_numpy(), kind="stable")
        for k in order:
            if mover[k]:
                continue
            mover[k] = True
            moves = history.force_moves(moves, labels[[k]])
            if w[mover].sum() >= farm_w - 0.5 * w.min():
                break
    cls = np.full(w.size, -1)
    mv = np.flatnonzero(mover)
    if farm_w > 0 and mv.size:
        # which movers still farm in 1996: a uniform random choice with the cell's weighted farm count
        keys = util[mv][:, [FARM]] - util[mv][:, [FARM]].mean()
        two = np.column_stack([keys[:, 0], np.zeros(mv.size)])
        pick = assign_cell(two, w[mv], np.array([farm_w, max(w[mv].sum() - farm_w, 0.0)]))
        cls[mv[pick == 0]] = FARM
    rest = np.flatnonzero(cls < 0)
    nonfarm = [j for j in range(len(CLASSES)) if j != FARM]
    if rest.size:
        sub = target[nonfarm]
        if sub.sum() <= 0:
            sub = np.ones(len(nonfarm))
        got = assign_cell(util[rest][:, nonfarm], w[rest], sub)
        cls[rest] = np.asarray(nonfarm)[got]
    return cls, moves


def draw_destinations(men: pd.DataFrame, p: dict, rng: np.random.Generator, moves: pd.DataFrame | None = None,
                      exact: bool = True) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Add ``son_class``; return the men and the (possibly completed) moves of Table 6's population.

    ``moves``: the forward draw of :func:`.history.draw_moves` for the men of
    Table 6's population (rural origin, father not farming): only movers can
    be farming in 1996. ``exact=False`` draws from the model without
    conditioning on the tables (used to check that the model's parameters are
    recovered); the movers then farm in 1996 with probability
    ``history.pi_stay``.
    """
    out = men.copy()
    prob = class_probabilities(out, p)
    logp = np.log(np.clip(prob, 1e-300, None))
    util = logp + rng.gumbel(size=logp.shape)
    stay_u = rng.random(len(out))
    in_pop = np.zeros(len(out), bool)
    mover = np.zeros(len(out), bool)
    if moves is not None:
        pos = out.index.get_indexer(moves.index)
        in_pop[pos] = True
        mover[pos] = moves["year"].notna().to_numpy()
    if not exact:
        nonfarm_util = util.copy()
        nonfarm_util[:, FARM] = -np.inf
        son = np.where(in_pop, nonfarm_util.argmax(axis=1), util.argmax(axis=1))
        stays = mover & (stay_u < p["history"].get("pi_stay", 0.5))
        son[stays] = FARM
        out["son_class"] = np.asarray(CLASSES, dtype=object)[son]
        return out, moves
    son = np.empty(len(out), dtype=int)
    w = out["weight"].to_numpy()
    counts = p["destinations"]["cell_counts"]
    g = out["group"].to_numpy()
    v = out["father_class"].to_numpy()
    for grp in GROUPS:
        for vi, vc in enumerate(CLASSES):
            idx = np.flatnonzero((g == grp) & (v == vc))
            if idx.size == 0:
                continue
            target = np.asarray(counts[grp][vi], float)
            if moves is not None and in_pop[idx].all() and target.sum() > 0:
                son[idx], moves = _pick_farmers(util[idx], w[idx], target, moves, out.index[idx].to_numpy(), mover[idx])
            else:
                son[idx] = assign_cell(util[idx], w[idx], target)
    out["son_class"] = np.asarray(CLASSES, dtype=object)[son]
    return out, moves
