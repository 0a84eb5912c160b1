"""Which covariates separate a binary outcome: the linear programme of Konis (2007).

A logit's maximum-likelihood estimate is infinite (perfect or
quasi-complete separation; Albert and Anderson 1984) exactly when some
direction :math:`b \\ne 0` has :math:`x_i' b \\ge 0` for every event and
:math:`x_i' b \\le 0` for every non-event (rows of positive weight): along
it the log-likelihood rises forever. :func:`separating_terms` looks for
such a direction by linear programming, maximising
:math:`\\sum_i s_i x_i' b` subject to :math:`s_i x_i' b \\ge 0` and
:math:`-1 \\le b_j \\le 1` (:math:`s_i = \\pm 1` for events and
non-events, :math:`x_i' b = 0` for fractional outcomes), as the R package
``detectseparation`` does. Of the directions found, the one of least L1
norm (a second LP) is reported: its non-zero entries are the covariates
whose estimates run off to infinity.

Why here rather than a library: statsmodels warns only when *every* fitted
probability is 0 or 1 (complete separation) and says nothing of which
covariate; the LP is a few lines on SciPy's HiGHS. It is run only after a
logit fails to converge, so it costs nothing on ordinary fits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog


def separating_terms(y: np.ndarray, x: np.ndarray, names: Sequence[str], *, tol: float = 1e-6) -> list[str]:
    """Names of the columns of ``x`` along which ``y`` is separated (empty if none).

    ``y`` in [0, 1] and ``x`` (n x k) are the rows of the estimation sample
    (positive weight; weights do not matter for separation).

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.survey import separating_terms
    >>> x = np.column_stack([np.ones(6), [1, 2, 3, 4, 5, 6.]])
    >>> y = np.array([0, 0, 0, 1, 1, 1.])        # x > 3.5 predicts y exactly
    >>> separating_terms(y, x, ["constant", "x"])
    ['constant', 'x']
    >>> separating_terms(np.array([0, 1, 0, 1, 0, 1.]), x, ["constant", "x"])
    []
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    scale = np.max(np.abs(x), axis=0)
    scale[scale == 0] = 1.0
    xs = x / scale
    ones, zeros = y == 1, y == 0
    a = np.vstack([xs[ones], -xs[zeros]])          # s_i x_i, must be >= 0
    frac = xs[~(ones | zeros)]                      # fractional outcomes: x_i' b == 0
    a_ub = -a if len(a) else None
    b_ub = np.zeros(len(a)) if len(a) else None
    a_eq = frac if len(frac) else None
    b_eq = np.zeros(len(frac)) if len(frac) else None
    k = x.shape[1]
    res = linprog(-a.sum(axis=0), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                  bounds=[(-1.0, 1.0)] * k, method="highs")
    if res.status != 0 or -res.fun <= tol:
        return []
    # The sparsest such direction (least L1 norm, b = b+ - b-, with the objective fixed at 1)
    # names the covariates that must move, not every one the box lets move.
    c = a.sum(axis=0)
    two = lambda m: None if m is None else np.hstack([m, -m])  # noqa: E731
    eq = np.vstack([two(a_eq), np.r_[c, -c]]) if a_eq is not None else np.r_[c, -c][None, :]
    res2 = linprog(np.ones(2 * k), A_ub=two(a_ub), b_ub=b_ub, A_eq=eq, b_eq=np.r_[np.zeros(len(frac)), 1.0],
                   bounds=[(0, None)] * (2 * k), method="highs")
    b = res2.x[:k] - res2.x[k:] if res2.status == 0 else res.x
    big = np.max(np.abs(b))
    return [n for n, bj in zip(names, b) if abs(bj) > tol * big]


__all__ = ["separating_terms"]
