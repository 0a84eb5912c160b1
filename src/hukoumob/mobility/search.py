"""Maximum likelihood for :mod:`.terms` models: a trust-region Newton method
with analytic derivatives, and the search for the global maximum.

Everything is relative to the table total ``W`` so that a table multiplied by
``10^k`` gives the same normalised estimates (the Newton iterations are
equivariant under scaling: only the intercepts move, by ``k log 10``):

* a start has converged when the observed information in free coordinates is
  positive definite and the Newton decrement ``g' A^{-1} g`` is at most
  ``tol * W`` (the last Newton step is then taken), or, at a flat maximum
  (``mu = 0``: the scores are not identified), when the gradient is at most
  ``gtol * W`` and the information is positive semi-definite;
* "converged" in the result means in addition that the score in free
  coordinates at the final point is at most ``gtol * W``;
* a fitted value below ``1e-9 W`` in a zero cell means a parameter runs to
  infinity: the maximum likelihood estimate does not exist (the deviance
  still converges to its limit) and the fit is never called converged;
  cells with an offset of ``-inf`` (structural zeros of a limiting model,
  :mod:`.limits`) are 0 by design and do not count.

The global search iterates deterministic starts (leading eigen- or singular
vectors of the double-centred log table, each with both signs of the
association) and seeded random starts (random unit scores, random sign),
and groups the converged end points into distinct maxima; the schedule
(early stop of the random starts, a first pass of a few iterations per start
and the slow starts resumed) is in :func:`.family.fit_cells`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg.lapack import dposv as _dposv
from scipy.special import xlogy

from .trust import trust_region_step
from .terms import Model

#: Relative tolerances (module docstring).
TOL = 1e-11
GTOL = 1e-7
ZERO_FIT = 1e-9
#: A start whose deviance fell by less than ``STALL * W`` over ten iterations has stalled.
STALL = 1e-8


@dataclass
class Run:
    """End point of one start."""

    theta: np.ndarray
    deviance: float
    converged: bool
    iterations: int
    grad: float  # max abs score in free coordinates, relative to W
    flat: bool  # stopped at a flat (singular) maximum
    diverged: bool  # fitted values of zero cells numerically 0
    label: str = ""
    #: stopped at the iteration cap, not converged: :func:`newton` can resume it
    #: (``resume=``) with its trust radius and deviance history
    paused: bool = False
    radius: float = 1.0
    history: list = field(default_factory=list, repr=False)

    @property
    def status(self) -> str:
        """``maximum`` (converged), ``limit`` (diverged or stalled: the
        likelihood rises towards infinity), ``abandoned`` or ``not converged``."""
        if self.converged:
            return "maximum"
        if "(abandoned)" in self.label:
            return "abandoned"
        if self.diverged or "(stalled)" in self.label or "(ill-conditioned)" in self.label:
            return "limit"
        return "not converged"


def deviance(y: np.ndarray, m: np.ndarray, ylogy: float) -> float:
    """``G^2 = 2 sum (y log(y/m) - y + m)``."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return float(2.0 * (ylogy - xlogy(y, m).sum() - y.sum() + m.sum()))


def _fitted(model: Model, theta):
    with np.errstate(over="ignore"):
        return np.exp(model.eta(theta))


def derivatives(model: Model, theta, y, expected: bool = False, m=None):
    """Gradient ``g`` of the Poisson log-likelihood and observed information
    ``D' diag(m) D - sum_c (y_c - m_c) d2 eta_c`` (full parametrisation);
    with ``expected`` also the expected (Fisher) information ``D' diag(m) D``.
    ``m``: the fitted values at ``theta`` if already known."""
    if m is None:
        m = _fitted(model, theta)
    D = model.jac(theta)
    e = y - m
    g = D.T @ e
    F = D.T @ (D * m[:, None])
    A = F - model.second(theta, e)
    return (m, g, A, F) if expected else (m, g, A)


def newton(model: Model, theta0, y, *, max_iter: int = 300, tol: float = TOL, gtol: float = GTOL,
           label: str = "", abandon_above: float = np.inf, patience: int = 15, best: float = np.inf,
           resume: Run | None = None) -> Run:
    """Trust-region Newton iterations from ``theta0`` (module docstring).

    A start still above ``abandon_above`` (a deviance another start has
    already beaten by ``1e-3 W``) after ``patience`` iterations, or still
    above ``best + 1e-6 W`` after ``2 patience`` iterations, is abandoned:
    such starts creep towards a degenerate limit (for example ``mu -> -inf``
    with the scores concentrated on one category), never a better maximum.
    ``resume``: a paused run (``max_iter`` reached) to continue where it
    stopped, up to ``max_iter`` iterations in all (``theta0`` is ignored).
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _newton(model, theta0, y, max_iter=max_iter, tol=tol, gtol=gtol, label=label,
                       abandon_above=abandon_above, patience=patience, best=best, resume=resume)


def _newton(model, theta0, y, *, max_iter, tol, gtol, label, abandon_above, patience, best, resume) -> Run:
    W = float(y.sum())
    ylogy = float(xlogy(y, y).sum())
    pos = y > 0
    ypos = y[pos]

    def dev_of(th):
        """Deviance and fitted values at ``th`` (``y log m = y eta``: no logarithms)."""
        eta = model.eta(th)
        m = np.exp(eta)
        return float(2.0 * (ylogy - ypos @ eta[pos] - W + m.sum())), m

    if resume is None:
        theta = model.retract(np.asarray(theta0, dtype=float))
        radius, history, it0 = 1.0, [], 0
    else:
        theta, radius, history, it0 = resume.theta, resume.radius, list(resume.history), resume.iterations + 1
        label = resume.label
    dev, m_cur = dev_of(theta)
    flat = False
    converged = False
    paused = False
    need = True
    it = it0
    for it in range(it0, max_iter):
        if (it >= patience and dev > abandon_above) or (it >= 2 * patience and dev > best + 1e-6 * W):
            label += " (abandoned)"
            break
        history.append(dev)
        if it >= 30 and len(history) > 10 and history[-11] - dev < STALL * W:
            # creeping along a ridge towards a limit at infinity: the deviance
            # no longer moves; stop (the result says whether the MLE exists)
            label += " (stalled)"
            break
        if need:
            m, g, A, F = derivatives(model, theta, y, expected=True, m=m_cur)
            B = model.free_basis(theta)
            if B is not None:
                g, A, F = B.T @ g, B.T @ A @ B, B.T @ F @ B
            A = 0.5 * (A + A.T)
            _, d, info = _dposv(A, g)
            need = False
        gmax = float(np.max(np.abs(g))) / W if g.size else 0.0
        if info == 0:
            dec = float(g @ d)
            if dec <= tol * W:
                step = d if B is None else B @ d
                new = model.retract(theta + step)
                nd, m_new = dev_of(new)
                if nd <= dev + 1e-12 * W:
                    theta, dev, m_cur = new, nd, m_new
                converged = True
                break
            n = float(np.sqrt(d @ d))
            if n > radius:
                d = d * (radius / n)
        elif gmax > gtol:
            # indefinite observed information far from a maximum: a Fisher
            # scoring step (the expected information is positive definite
            # where the model is identified), shortened to the trust radius
            Fr = F + (1e-10 * np.trace(F) / F.shape[0]) * np.eye(F.shape[0])
            _, d, finfo = _dposv(0.5 * (Fr + Fr.T), g)
            if finfo != 0:
                d = trust_region_step(A, g, radius)
            n = float(np.sqrt(d @ d))
            if n > radius:
                d = d * (radius / n)
        else:
            w, V = np.linalg.eigh(A)
            big = w > 1e-9 * max(abs(w[-1]), 1e-300)
            if w[0] >= -1e-9 * max(abs(w[-1]), 1e-300):
                # positive semi-definite: a flat direction (e.g. mu = 0 leaves the
                # scores free); Newton in the identified directions
                gv = V[:, big].T @ g
                d = V[:, big] @ (gv / w[big])
                dec = float(gv @ (gv / w[big]))
                if dec <= tol * W and gmax <= gtol:
                    step = d if B is None else B @ d
                    new = model.retract(theta + step)
                    nd, m_new = dev_of(new)
                    if nd <= dev + 1e-12 * W:
                        theta, dev, m_cur = new, nd, m_new
                    flat = converged = True
                    break
                n = float(np.sqrt(d @ d))
                if n > radius:
                    d = d * (radius / n)
            else:
                d = trust_region_step(A, g, radius)
        pred = float(g @ d - 0.5 * d @ A @ d)
        step = d if B is None else B @ d
        new = model.retract(theta + step)
        nd, m_new = dev_of(new)
        actual = 0.5 * (dev - nd)
        if np.isfinite(nd) and actual >= -1e-13 * W:
            rho = actual / pred if pred > 0 else 1.0
            dn = float(np.sqrt(d @ d))
            if rho < 0.25:
                radius = 0.25 * dn
            elif rho > 0.75 and dn >= 0.99 * radius:
                radius = min(2.0 * radius, 1e3)
            theta, dev, m_cur = new, nd, m_new
            need = True
        else:
            radius = 0.25 * float(np.sqrt(d @ d))
            if radius < 1e-14:
                break
    else:
        paused = max_iter > it0
    m, g, A = derivatives(model, theta, y, m=m_cur)
    B = model.free_basis(theta)
    gf = g if B is None else B.T @ g
    grad = float(np.max(np.abs(gf))) / W if gf.size else 0.0
    vanishing = (y == 0) & (m < ZERO_FIT * W)
    if model.offset is not None:
        vanishing &= np.isfinite(model.offset)  # structural zeros (offset -inf) are 0 by design
    diverged = bool(np.any(vanishing))
    if converged and grad > gtol:
        label += " (ill-conditioned)"  # a zero Newton decrement with a non-zero score: heading to infinity
    return Run(theta, dev, bool(converged and grad <= gtol and not diverged), it, grad, flat, diverged, label,
               paused=paused, radius=radius, history=history)


#: Two runs that both approach a limit at infinity (not converged) are one end
#: point when their deviances agree within this share of the table total: a
#: limit is approached, not reached, so where the paths stopped differs more
#: than two converged maxima do (the tolerance of the gnm checks for limits).
LIMIT_AGREE_REL = 1e-5


def group_maxima(runs: list[Run], W: float, rel: float = 1e-7) -> list[list[int]]:
    """Indices of the runs grouped into distinct end points (deviances within
    ``rel * W`` of each other; within ``LIMIT_AGREE_REL * W`` for two limits),
    best first: maxima, and limits at infinity (runs that diverged or
    stalled); abandoned runs are left out."""
    ok = [i for i, r in enumerate(runs) if "(abandoned)" not in r.label and np.isfinite(r.deviance)]
    ok.sort(key=lambda i: runs[i].deviance)
    groups: list[list[int]] = []
    for i in ok:
        head = runs[groups[-1][0]] if groups else None
        both_limits = head is not None and head.status == "limit" and runs[i].status == "limit"
        tol = (LIMIT_AGREE_REL if both_limits else rel) * max(W, 1e-300) + 1e-9 * abs(runs[i].deviance)
        if head is not None and abs(runs[i].deviance - head.deviance) <= tol:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups
