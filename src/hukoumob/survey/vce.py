"""Alternative sandwich covariances for the "why design SEs?" aside.

* :func:`cluster_vcov`: cluster-robust by PSU, ignoring strata, with the
  CR1 small-sample factor of Stata's ``vce(cluster psu)``:
  :math:`V = c\\,B \\big(\\sum_g z_g z_g^\\top\\big) B` with
  :math:`c = G/(G-1) \\cdot (N-1)/(N-K)` for linear regression and
  :math:`c = G/(G-1)` for maximum-likelihood models such as the logit
  (StataCorp, *Stata User's Guide*, "Obtaining robust variance estimates").
  Cluster totals are not centred (as in Stata); at the estimate the scores
  sum to zero, so centring would change nothing but the factor.
  Its reference distribution is t on G - 1 degrees of freedom.

The model-based ("plain", iid) covariance is computed by the estimators
themselves (:func:`hukoumob.survey.svy_regress` with ``vce="plain"``).
"""

from __future__ import annotations

import numpy as np

from .design import SurveyDesign
from .linearization import psu_totals


def cluster_vcov(
    scores: np.ndarray,
    bread: np.ndarray,
    design: SurveyDesign,
    *,
    n_params: int,
    linear: bool,
) -> np.ndarray:
    """Cluster-robust (CR1) covariance with PSUs as clusters and no strata.

    Parameters
    ----------
    scores : (n, p) array
        Weighted score contributions (as for :func:`linearized_vcov`).
    bread : (p, p) array
        Inverse weighted information.
    design : SurveyDesign
        Its (nested) PSUs are the clusters; strata are ignored.
    n_params : int
        Number of estimated coefficients K.
    linear : bool
        True for least squares (factor ``G/(G-1) * (N-1)/(N-K)``), False for
        ML models (factor ``G/(G-1)``), as Stata.

    Returns
    -------
    (p, p) ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.survey import (SurveyDesign, cluster_vcov,
    ...                              simulate_survey, svy_ols)
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> fit = svy_ols(sim, "y", ["x1"], d)       # its scores and bread
    >>> V = cluster_vcov(fit.extra["scores"], fit.extra["bread"], d,
    ...                  n_params=2, linear=True)
    >>> np.sqrt(np.diag(V)).round(4)             # x1, constant
    array([0.0851, 0.1807])
    """
    z = psu_totals(scores, design)[design.active_psus]
    g = z.shape[0]
    if g < 2:
        raise ValueError(f"cluster-robust variance needs at least 2 clusters; got {g}")
    n = design.n_obs
    c = g / (g - 1.0)
    if linear:
        if n <= n_params:
            raise ValueError(f"{n} observations for {n_params} parameters")
        c *= (n - 1.0) / (n - n_params)
    b = np.atleast_2d(np.asarray(bread, dtype=float))
    v = c * (b @ (z.T @ z) @ b.T)
    return (v + v.T) / 2.0


__all__ = ["cluster_vcov"]
