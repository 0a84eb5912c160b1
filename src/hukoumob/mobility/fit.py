"""Maximum likelihood for the Table 5 models: starts, Newton iterations,
normalisation of the scores and the constrained covariance matrix.

Identification and the free parameters
--------------------------------------
The likelihood of :mod:`.likelihood` is unchanged by

* ``a_q -> a_q + c`` (one intercept is fixed: ``a[ref] = 0``, ``ref`` =
  ``farm`` by default);
* ``phi -> c phi, mu -> mu / c**2, b -> b / c`` for any ``c != 0`` (scale and
  sign of the scores);
* ``phi -> phi + d`` when the shift can be absorbed (by the intercepts and,
  for the ``mu_t`` terms, by ``b`` of the same covariate). This holds in
  Models 1, 2, 3a and 3c; in Model 3b (a ``t`` that is not also an ``x``)
  ``sum(phi) = 0`` is a genuine restriction, as in the paper.

The scores are kept on the set ``sum(phi) = 0, sum(phi**2) = 1`` throughout.
At a point on that set the free parameters are ``(J-1)`` intercepts, the
``J-2`` coordinates ``s`` of ``phi = phi_hat + Q s`` (``Q`` an orthonormal
basis of the vectors orthogonal to both ``1`` and ``phi_hat``), ``delta``,
``mu0``, the ``mu_t`` and the ``b``. The linear map from free coordinates to
the full vector is the ``p x n_free`` matrix ``B`` (:func:`free_basis`).

Each Newton step is taken in these coordinates with the analytic observed
information ``B'(H1 - S)B`` within a trust region (far from the maximum,
where the information is indefinite, the step of :func:`trust_region_step`),
with step halving, and the new point is mapped back onto the sphere by the exact
invariance ``(phi, mu, b) -> (phi/c, mu c**2, b c)``, ``c = |phi|``. The sign
is fixed at the end so that the score of ``sign_ref`` (``farm``) is negative,
flipping ``b`` with it.

Starts
------
A deterministic start from the double-centred log table (:func:`table_start`)
and ``n_starts - 1`` seeded random starts (random scores on the normalised
set, the other parameters from the deterministic start) are iterated together
(:func:`newton_batch`: one batched likelihood call per iteration, which on a
6 x 6 table costs little more than one start). The best converged start is
kept; ``MobilityResults.starts`` reports every start and
``MobilityResults.starts_agree`` whether all reached the same log-likelihood.
Random starts quite often end at a second, lower maximum with a *negative*
association (``mu0 < 0``) and a large ``delta``: ``starts_agree = False``
then is information about the likelihood surface, not a failure. A
:class:`.StartsDisagreeWarning` is issued only when the deterministic start
did not reach the best maximum.

Covariance
----------
With ``A = B' I B`` the information in free coordinates (``I`` observed by
default), the covariance of the full vector is ``B A^{-1} B'``. This is the
delta-method covariance of the normalised estimates (the normalisation map
has Jacobian ``B`` at a normalised point) and equals the Aitchison-Silvey
constrained-ML covariance; its ``phi`` block has rank ``J-2`` and ``a[ref]``
has variance 0.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg.lapack import dposv as _dposv

from .errors import MobilityConvergenceError, MobilityConvergenceWarning, StartsDisagreeWarning
from .likelihood import derivatives, probabilities
from .trust import trust_region_step  # noqa: F401 (re-exported)
from .geometry import _basis_template, _sumzero_basis, free_basis, tangent_basis  # noqa: F401 (re-exported)
from .spec import MobilityData, ParamLayout

_add = np.add.reduce


def normalise(beta: np.ndarray, layout: ParamLayout, fix_sign: bool = False) -> np.ndarray:
    """Put ``beta`` (``(p,)`` or a stack ``(S, p)``) on ``sum(phi) = 0,
    sum(phi**2) = 1`` by the exact invariances of the likelihood.

    The intercepts are shifted so that ``a[ref] = 0``; the mean of ``phi`` is
    removed (a no-op for iterates, which keep the sum at zero), then
    ``phi /= c, mu *= c**2, b *= c`` with ``c = |phi|``; with ``fix_sign`` the
    signs of ``phi`` and ``b`` are flipped where the score of
    ``layout.sign_ref`` is positive. Returns a new array.
    """
    out = np.array(beta, dtype=float, ndmin=2)
    J = layout.J
    mu0, b0 = 2 * J + 1, 2 * J + 2 + layout.T
    phi = out[:, J : 2 * J]
    phi -= (_add(phi, axis=1) / J)[:, None]
    c2 = _add(phi * phi, axis=1)
    c2[~(c2 > 0)] = 1.0  # all-equal scores (or nan) are left as they are
    c = np.sqrt(c2)
    phi /= c[:, None]
    out[:, mu0:b0] *= c2[:, None]
    out[:, b0:] *= c[:, None]
    out[:, :J] -= out[:, layout.ref, None]
    if fix_sign:
        flip = phi[:, layout.sign_ref] > 0
        if flip.any():
            phi[flip] *= -1.0
            out[flip, b0:] *= -1.0
    return out[0] if np.ndim(beta) == 1 else out


def table_start(table: np.ndarray, layout: ParamLayout) -> np.ndarray:
    """Deterministic start from an origin x destination table.

    ``log(n + 0.5)`` is double-centred with the diagonal filled in by the fit
    (two passes); the leading eigenpair of its symmetric part gives the
    scores and ``mu0`` (the table analogue of ``mu phi_v phi_q``), the mean
    diagonal excess gives ``delta``, the log destination margins give the
    intercepts; ``b`` and ``mu_t`` start at zero.
    """
    J = layout.J
    Lg = np.log(table + 0.5)
    Z = Lg.copy()
    di = np.diag_indices(J)
    for _ in range(2):
        r = (_add(Z, axis=1) / J)[:, None]
        c = _add(Z, axis=0) / J
        g = _add(r[:, 0]) / J
        Dc = Z - r - c + g
        w, U = np.linalg.eigh(Dc + Dc.T)
        w *= 0.5
        k = int(np.argmax(np.abs(w)))
        Z[di] = (r[:, 0] + c - g) + w[k] * U[:, k] ** 2
    beta = np.zeros(layout.p)
    col = table.sum(axis=0)
    beta[:J] = np.log(col) - np.log(col[layout.ref])
    beta[J : 2 * J] = U[:, k]
    beta[layout.delta] = float(np.mean(Lg[di] - Z[di]))
    beta[layout.mu0] = w[k]
    return normalise(beta, layout)


@dataclass
class _Run:
    beta: np.ndarray
    loglik: float
    converged: bool
    iterations: int
    grad_norm: float
    decrement: float
    method: str


#: Initial trust-region radius (Euclidean norm in the free coordinates; the
#: scores have unit length) of each start.
TRUST_RADIUS = 1.0


def _retract(beta: np.ndarray, J: int, mu0: int, b0: int) -> np.ndarray:
    """Fast :func:`normalise` of a stack of iterates ``(S, p)``, in place (no
    sign fix; ``a[ref]`` stays 0 because the steps never move it)."""
    phi = beta[:, J : 2 * J]
    c2 = np.einsum("ij,ij->i", phi, phi)  # steps keep sum(phi) = 0 (Q is orthogonal to 1)
    c = np.sqrt(c2)
    phi /= c[:, None]
    beta[:, mu0:b0] *= c2[:, None]  # mu0 and mu_t
    beta[:, b0:] *= c[:, None]
    return beta



def newton_batch(
    betas: np.ndarray,
    data: MobilityData,
    *,
    max_iter: int = 200,
    tol: float = 1e-10,
    template: np.ndarray | None = None,
) -> list[_Run]:
    """Newton iterations in free coordinates from each start of ``betas``
    (``S x p``), all starts advanced together (one batched likelihood call per
    iteration; a start leaves the batch when it converges).

    Each iteration: ``A = B'(H1 - S)B`` (observed information in free
    coordinates). Where it is positive definite the step is the Newton step
    ``d = A^{-1} g`` (Cholesky), shortened to the start's trust radius if it
    is longer; where it is not (far from the maximum, typically from a random
    start) it is the trust-region step of :func:`trust_region_step`. The
    radius starts at ``TRUST_RADIUS``, is quartered when the model predicted the change badly
    (ratio < 0.25) and doubled when it predicted it well (> 0.75). The full
    step is tried first (with all derivatives); if the log-likelihood falls,
    the step is halved (log-likelihood only).

    Convergence: at a point where ``A`` is positive definite (a strict local
    maximum nearby) the Newton decrement ``g' A^{-1} g`` (about twice the
    distance to the maximum in log-likelihood) is at most ``tol`` times the
    total weight (relative, so that the result does not depend on the scale
    of the weights). The last Newton step is then applied without
    re-evaluation: Newton converges quadratically, so from a decrement ``e``
    it leaves one of order ``e**2``. At a flat maximum (the information is
    only positive semi-definite, e.g. ``mu0 = 0`` leaves the scores free) a
    start has converged when its score is at most ``1e-8`` times the total
    weight. ``fit_data`` re-evaluates the log-likelihood and
    ``MobilityResults`` the score at the final point.
    """
    layout = data.layout
    c = data.const
    J = c.J
    W = data.sum_weights
    tol = tol * W
    if template is None:
        template = _basis_template(layout)
    Xa = normalise(np.atleast_2d(betas), layout)
    nS = Xa.shape[0]
    runs: list[_Run | None] = [None] * nS
    method = ["newton"] * nS
    idx = np.arange(nS)  # starts still iterating; Xa, lla, ... hold their state
    radius = np.full(nS, TRUST_RADIUS)
    lla, ga, H1a, Sa = derivatives(Xa, data)
    Ball = np.repeat(template[None], nS, axis=0)  # B for every start; only the phi block changes
    cols = slice(J - 1, 2 * J - 3)
    for it in range(max_iter + 1):
        k = idx.size
        B = Ball if k == nS else Ball[:k]
        B[:, J : 2 * J, cols] = tangent_basis(Xa[:, J : 2 * J])
        Bt = B.transpose(0, 2, 1)
        gf = (Bt @ ga[:, :, None])[:, :, 0]
        A = Bt @ (H1a - Sa) @ B
        pure = np.ones(k, dtype=bool)
        pred = np.full(k, np.nan)
        d = np.empty_like(gf)
        for j in range(k):
            _, dj, info = _dposv(A[j], gf[j])  # Cholesky solve; info > 0: not PD
            if info != 0 and np.max(np.abs(gf[j])) <= 1e-8 * W:
                w = np.linalg.eigvalsh(A[j])
                if w[0] >= -1e-9 * max(abs(w[-1]), 1e-300):
                    # a flat maximum (positive semi-definite information)
                    info = 0
                    dj = np.zeros_like(gf[j])
                    method[idx[j]] += " (flat maximum)"
            if info != 0:
                # indefinite (far from the maximum): trust-region step
                pure[j] = False
                method[idx[j]] = "newton/trust-region"
                dj = trust_region_step(A[j], gf[j], radius[j])
                pred[j] = gf[j] @ dj - 0.5 * dj @ A[j] @ dj
            else:
                n2 = dj @ dj
                if n2 > radius[j] ** 2:
                    # a Newton step longer than the trust radius: shortened to it
                    pure[j] = False
                    dj = dj * (radius[j] / n2**0.5)
                    pred[j] = gf[j] @ dj - 0.5 * dj @ A[j] @ dj
            d[j] = dj
        dk = _add(gf * d, axis=1)
        step = (B @ d[:, :, None])[:, :, 0]
        adk = np.abs(dk)  # nan for a non-finite decrement
        newly = pure & (adk <= tol)
        stop = ~(adk < np.inf) | newly if it < max_iter else np.ones(k, dtype=bool)
        if stop.any():
            gnorm = np.max(np.abs(gf), axis=1)
            for j in np.flatnonzero(stop):
                final = _retract(Xa[j : j + 1] + step[j : j + 1], J, c.mu0, c.b0)[0] if newly[j] else Xa[j].copy()
                runs[idx[j]] = _Run(final, float(lla[j]), bool(newly[j]), it, float(gnorm[j]), float(dk[j]), method[idx[j]])
            keep = ~stop
            if not keep.any():
                break
            idx, Xa, step, lla, ga, H1a, Sa, dk, gf, pred, radius, pure = (
                z[keep] for z in (idx, Xa, step, lla, ga, H1a, Sa, dk, gf, pred, radius, pure))
        floor = lla - 1e-13 * np.abs(lla) - 1e-300
        cand = _retract(Xa + step, J, c.mu0, c.b0)
        out = list(derivatives(cand, data))
        tr = ~pure
        if tr.any():
            # trust-region radius: shrink after poor agreement with the model
            rho = (out[0][tr] - lla[tr]) / pred[tr]
            r = radius[tr]
            r = np.where(rho < 0.25, 0.25 * r, np.where(rho > 0.75, np.minimum(2.0 * r, 1e3), r))
            radius[tr] = r
        bad = ~(out[0] >= floor)  # also catches nan
        if bad.any():
            pending = np.flatnonzero(bad)
            t = np.ones(pending.size)
            for _ in range(50):
                t *= 0.5
                cr = _retract(Xa[pending] + t[:, None] * step[pending], J, c.mu0, c.b0)
                ok = derivatives(cr, data, 0) >= floor[pending]
                cand[pending[ok]] = cr[ok]
                bad[pending[ok]] = False
                pending, t = pending[~ok], t[~ok]
                if pending.size == 0:
                    break
            fixed = ~(out[0] >= floor) & ~bad
            if fixed.any():
                sub = derivatives(cand[fixed], data)
                for arr, new in zip(out, sub):
                    arr[fixed] = new
            if pending.size:
                for j in pending:
                    runs[idx[j]] = _Run(Xa[j].copy(), float(lla[j]), False, it, float(np.max(np.abs(gf[j]))),
                                        float(dk[j]), method[idx[j]] + " (line search failed)")
                good = ~bad
                if not good.any():
                    break
                idx, cand, radius, out = idx[good], cand[good], radius[good], [z[good] for z in out]
        Xa = cand
        lla, ga, H1a, Sa = out
    return runs  # type: ignore[return-value]


def newton(beta: np.ndarray, data: MobilityData, **options) -> _Run:
    """:func:`newton_batch` from one start."""
    return newton_batch(np.asarray(beta, dtype=float)[None, :], data, **options)[0]


def family_start(data: MobilityData) -> np.ndarray:
    """The global maximum of ``rc_homog`` with a uniform diagonal on the
    weighted table of ``data`` (:func:`.family.fit_model`), as a full
    parameter vector (``b`` and ``mu_t`` zero); :func:`table_start` if the
    search fails."""
    from .family import fit_model  # local import: family sits above the paper's engine

    layout = data.layout
    try:
        fam = fit_model(data.table(), "rc_homog", "uniform", n_random=4, warn=False)
    except Exception:  # noqa: BLE001 - any failure falls back to the eigen start
        return table_start(data.table(), layout)
    if not np.all(np.isfinite(fam.theta)):
        return table_start(data.table(), layout)
    p = fam.params
    J = layout.J
    beta = np.zeros(layout.p)
    a = np.concatenate([[0.0], [p[f"destination:{j + 1}"] for j in range(1, J)]])
    beta[:J] = a - a[layout.ref]
    beta[J : 2 * J] = [p[f"phi:{j + 1}"] for j in range(J)]
    beta[layout.delta] = p["delta"]
    beta[layout.mu0] = p["mu"]
    return beta


def stereotype_start(data: MobilityData) -> np.ndarray:
    """Start of the stereotype model without origin (``origin_terms=False``):
    intercepts from the destination margins; scores the leading left singular
    vector of ``G = sum_i (C_i - n_i pbar) x_i'`` (the multinomial logit's
    score at the margins), ``b`` one Newton step from 0 with the scores held
    there."""
    layout = data.layout
    J = layout.J
    col = data.counts.sum(axis=0)
    pbar = col / col.sum()
    R = data.counts - data.totals[:, None] * pbar
    G = R.T @ data.x
    U, _, _ = np.linalg.svd(G, full_matrices=False)
    phi = U[:, 0] - U[:, 0].mean()
    phi /= np.sqrt(phi @ phi)
    kappa = float(pbar @ phi**2 - (pbar @ phi) ** 2)
    info = kappa * (data.x.T @ (data.x * data.totals[:, None]))
    beta = np.zeros(layout.p)
    beta[:J] = np.log(col) - np.log(col[layout.ref])
    beta[J : 2 * J] = phi
    beta[layout.b] = np.linalg.lstsq(info, G.T @ phi, rcond=None)[0]
    return beta


def random_start(rng: np.random.Generator, base: np.ndarray, layout: ParamLayout) -> np.ndarray:
    """A seeded start: random scores on the normalised sphere, the other
    parameters from the deterministic start ``base``."""
    out = base.copy()
    J = layout.J
    out[J : 2 * J] = rng.standard_normal(J)
    # keep mu0 (from base) as it is: normalise only rescales the scores
    phi = out[J : 2 * J]
    phi -= phi.mean()
    phi /= np.sqrt(phi @ phi)
    return out


def fit_data(
    data: MobilityData,
    *,
    n_starts: int = 4,
    seed: int = 20070415,
    max_iter: int = 200,
    tol: float = 1e-10,
    start_tol: float = 1e-9,
    raise_on_failure: bool = True,
    start: np.ndarray | None = None,
):
    """Fit the model of equation 4 to validated records (all Table 5 models).

    Parameters
    ----------
    data
        From :meth:`.spec.MobilityData.from_table` or ``from_records``.
    n_starts
        Total number of starts: the deterministic start (or ``start``) plus
        ``n_starts - 1`` seeded random starts. The deterministic start is the
        global maximum of the same model without covariates on the weighted
        table of the records, found by the search of :func:`.family.fit_model`
        (``association="rc_homog", diagonal="uniform"``: starts of both signs
        of ``mu0``); for a table fit it already is the estimate.
    seed
        Seed of the random starts (results are reproducible).
    max_iter, tol
        Newton iteration limit and Newton-decrement tolerance per start,
        relative to the total weight (see :func:`newton_batch`).
    start_tol
        Converged starts whose log-likelihoods lie within ``start_tol`` times
        the total weight of the best count as agreeing
        (``MobilityResults.starts_agree``).
    raise_on_failure
        If no start converges, or the best one diverges (fitted probabilities
        numerically 0: the decrement also vanishes when a parameter runs off
        to infinity), raise :class:`.MobilityConvergenceError` (default);
        otherwise warn and return results with ``converged=False``.
    start
        Optional full parameter vector to use as the first start.

    Returns
    -------
    MobilityResults

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.mobility import MobilityData, fit_data
    >>> t = np.array([[40., 15, 8, 3], [14, 45, 20, 9],
    ...               [7, 18, 50, 21], [2, 8, 22, 48]])
    >>> res = fit_data(MobilityData.from_table(t), n_starts=2)
    >>> res.converged, round(res.mu0, 3)
    (True, 2.552)
    """
    from .results import MobilityResults  # local import: results imports fit

    if n_starts < 1:
        raise ValueError("n_starts must be at least 1")
    layout = data.layout
    base = family_start(data) if layout.origin_terms else stereotype_start(data)
    start_tol = start_tol * data.sum_weights
    starts = [base if start is None else np.asarray(start, dtype=float)]
    rng = np.random.default_rng(seed)
    starts += [random_start(rng, base, layout) for _ in range(n_starts - 1)]
    template = _basis_template(layout)
    # iterate the starts together, in chunks that keep the batched arrays
    # (starts x records x J doubles, a few of them) modest
    chunk = max(1, int(2e6 // (data.n * layout.J)))
    runs = []
    for i in range(0, len(starts), chunk):
        runs += newton_batch(np.array(starts[i : i + chunk]), data, max_iter=max_iter, tol=tol, template=template)
    # log-likelihood at each start's final point (after its last Newton step)
    final_ll = derivatives(np.array([r.beta for r in runs]), data, 0)
    for r, v in zip(runs, final_ll):
        if np.isfinite(v):
            r.loglik = float(v)

    ok = [r for r in runs if r.converged]
    if ok:
        best = max(ok, key=lambda r: r.loglik)
    else:
        best = max(runs, key=lambda r: r.loglik if np.isfinite(r.loglik) else -np.inf)
        msg = (
            f"no start converged within {max_iter} Newton iterations "
            f"(best log-likelihood {best.loglik:.6f}, Newton decrement {best.decrement:.3g}); "
            "the maximum may lie at infinity (sparse table) or the model is not identified"
        )
        if raise_on_failure:
            raise MobilityConvergenceError(msg)
        warnings.warn(msg, MobilityConvergenceWarning, stacklevel=3)

    final = normalise(best.beta, layout, fix_sign=True)
    converged = best.converged
    pmin = float(probabilities(final, data).min())
    if converged and pmin < 1e-12:
        # the decrement vanishes also when a parameter runs off to infinity
        # (probabilities saturate): that is no maximum
        converged = False
        msg = (
            f"fitted probabilities numerically 0 (smallest {pmin:.3g}): a parameter diverges and "
            "the maximum likelihood estimate does not exist (e.g. no off-diagonal cases, or a "
            "destination reached only from one origin)"
        )
        if raise_on_failure:
            raise MobilityConvergenceError(msg)
        warnings.warn(msg, MobilityConvergenceWarning, stacklevel=3)
    lls = np.array([r.loglik for r in runs])
    agree = bool(all(r.converged for r in runs) and np.max(np.abs(lls - best.loglik)) <= start_tol)
    if ok and (not runs[0].converged or best.loglik - runs[0].loglik > start_tol):
        warnings.warn(
            "the deterministic start did not reach the best maximum "
            f"(log-likelihoods of the starts: {np.array2string(lls, precision=6)}); "
            "kept the best: the likelihood has several local maxima, see results.starts",
            StartsDisagreeWarning,
            stacklevel=3,
        )
    ends = normalise(np.array([r.beta for r in runs]), layout, fix_sign=True)
    diffs = np.max(np.abs(ends - final), axis=1)
    start_rows = [
        {
            "start": ("deterministic" if start is None else "given") if i == 0 else f"random{i}",
            "loglik": r.loglik,
            "converged": r.converged,
            "iterations": r.iterations,
            "newton_decrement": r.decrement,
            "mu0": float(ends[i, layout.mu0]),
            "delta": float(ends[i, layout.delta]),
            "max_abs_diff_from_best": float(diffs[i]),
            "method": r.method,
        }
        for i, r in enumerate(runs)
    ]
    return MobilityResults._from_fit(
        data=data,
        beta=final,
        converged=converged,
        iterations=best.iterations,
        newton_decrement=best.decrement,
        start_rows=start_rows,
        starts_agree=agree,
    )
