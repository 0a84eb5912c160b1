"""The generic core: Taylor-linearised (sandwich) covariance for a survey design.

Every design-based variance in the package goes through
:func:`linearized_vcov`: means and proportions, weighted least squares,
logistic regression, and the stereotype (multinomial) logit, whose score
contributions are computed elsewhere. Given

* ``scores``: the per-row score (estimating-function) contributions
  :math:`u_i`, an ``n x p`` matrix **already multiplied by the weights**
  (e.g. :math:`w_i x_i (y_i - \\hat\\mu_i)` for a GLM with canonical link);
* ``bread``: the inverse of the weighted information (minus the Hessian of
  the weighted pseudo-log-likelihood, or the derivative of the estimating
  equations), :math:`B = (\\sum_i w_i \\partial u_i / \\partial\\theta)^{-1}`;
* the design (strata :math:`h`, PSUs :math:`i` nested in strata),

it returns

.. math::

    V = B \\Big[ \\sum_h \\frac{n_h}{n_h - 1}
        \\sum_{i=1}^{n_h} (z_{hi} - \\bar z_h)(z_{hi} - \\bar z_h)^\\top \\Big] B,
    \\qquad z_{hi} = \\sum_{k \\in \\text{PSU } hi} u_k,

with :math:`n_h` the number of PSUs in stratum :math:`h` and
:math:`\\bar z_h` their mean: Binder's (1983) linearisation with the
with-replacement (ultimate cluster) approximation and no finite-population
correction. This is Stata's ``svy`` linearised variance and R ``survey``'s
``svyrecvar`` (Lumley 2004) for a one-stage design declared with
``svydesign(ids=~psu, strata=~stratum, weights=~weight, nest=TRUE)``.

Rows may be finer than the units that carry the scores (e.g. person x
alternative rows of a conditional logit): only PSU totals :math:`z_{hi}`
enter, so the scores may be given on any rows that nest in PSUs.

Rows may also be coarser: where many rows share a covariate pattern whose
score per unit weight is the same (a fit to collapsed records), pass the
``m x p`` pattern scores per unit weight and each row's pattern
(``pattern=``): row ``i``'s score is ``w_i`` times its pattern's, and the PSU
totals are ``sum_k W_gk s_k`` with ``W_gk`` the weight of pattern ``k`` in
PSU ``g``, so nothing of size rows x p is formed.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .design import SurveyDesign, check_lonely_psu
from .errors import DesignVarianceError


def _as_scores(scores: np.ndarray, design: SurveyDesign) -> np.ndarray:
    """Validate ``scores`` against ``design`` and return an ``n x p`` float array."""
    s = np.asarray(scores, dtype=float)
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2:
        raise ValueError(f"scores must be an n x p matrix; got shape {s.shape}")
    design.check_length(s.shape[0], "scores")
    bad = ~np.isfinite(s)
    if bad.any():
        rows = int(bad.any(axis=1).sum())
        raise ValueError(f"scores: {rows} row(s) with non-finite values (NaN or inf)")
    inactive = ~design.active
    if inactive.any() and np.any(s[inactive] != 0):
        rows = int(np.any(s[inactive] != 0, axis=1).sum())
        raise ValueError(
            f"scores: {rows} row(s) with zero weight have non-zero scores; scores must "
            "already be multiplied by the weights"
        )
    return s


def _pattern_totals(unit_scores: np.ndarray, pattern, design: SurveyDesign) -> np.ndarray:
    """PSU totals of ``w_i * unit_scores[pattern[i]]`` (module docstring), without forming the rows."""
    u = np.asarray(unit_scores, dtype=float)
    if u.ndim == 1:
        u = u[:, None]
    if u.ndim != 2:
        raise ValueError(f"pattern scores must be an m x p matrix; got shape {u.shape}")
    if not np.isfinite(u).all():
        raise ValueError("pattern scores have non-finite values (NaN or inf)")
    pat = np.asarray(pattern)
    design.check_length(pat.shape[0], "pattern")
    if pat.dtype.kind not in "iu":
        raise ValueError("pattern must hold integer pattern codes")
    w, psu = design.weights, design.psu_code
    m = u.shape[0]
    if pat.size and (pat.min() < 0 or pat.max() >= m):
        # codes out of range are allowed on zero-weight rows (outside a domain) only
        on = w > 0
        if on.any() and (pat[on].min() < 0 or pat[on].max() >= m):
            raise ValueError(f"pattern codes of positive-weight rows must lie in 0..{m - 1}")
        w, psu, pat = w[on], psu[on], pat[on]
    # PSU x pattern weights (duplicates add up in the product; zero weights add nothing); coo: no sorting
    cells = sparse.coo_matrix((w, (psu, pat)), shape=(design.n_psu_total, m))
    return np.asarray(cells @ u)


def psu_totals(scores: np.ndarray, design: SurveyDesign, *, pattern=None) -> np.ndarray:
    """PSU totals :math:`z_{hi}` of the score contributions, ``n_psu_total x p``.

    Rows are PSU codes (``design.psu_code``); the stratum of PSU ``g`` is
    ``design.psu_stratum[g]``. With ``pattern`` (one integer per design
    row), ``scores`` are ``m x p`` pattern scores per unit weight (module
    docstring).

    Examples
    --------
    The scores of a weighted mean sum to zero over the PSUs; pattern scores
    per unit weight give the same totals as the rows they stand for:

    >>> import numpy as np
    >>> from hukoumob.survey import SurveyDesign, psu_totals, simulate_survey
    >>> sim = simulate_survey()
    >>> design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> y, w = sim["y"].to_numpy(), design.weights
    >>> z = psu_totals(w * (y - np.average(y, weights=w)), design)
    >>> z.shape, abs(round(float(z.sum()), 10))
    ((40, 1), 0.0)
    >>> unit, rows = np.array([[1.0], [2.0]]), np.arange(design.n) % 2
    >>> bool(np.allclose(psu_totals(unit, design, pattern=rows),
    ...                  psu_totals(w[:, None] * unit[rows], design)))
    True
    """
    if pattern is not None:
        return _pattern_totals(scores, pattern, design)
    s = _as_scores(scores, design)
    return np.asarray(design.indicator @ s)


def design_meat(
    scores: np.ndarray,
    design: SurveyDesign,
    *,
    lonely_psu: str | None = None,
    pattern=None,
) -> np.ndarray:
    """The "meat" :math:`\\sum_h n_h/(n_h-1) \\sum_i (z_{hi}-\\bar z_h)(z_{hi}-\\bar z_h)^\\top`.

    Parameters
    ----------
    scores : (n, p) array
        Weighted score contributions per row (zero on zero-weight rows).
    design : SurveyDesign
    pattern : (n,) int array, optional
        Each row's covariate pattern; ``scores`` are then the ``m x p``
        pattern scores per unit weight (module docstring).
    lonely_psu : str, optional
        Overrides ``design.lonely_psu`` for strata (of the estimation
        sample) that hold a single PSU. As R's ``options(survey.lonely.psu=)``
        for a one-stage design:

        ``"fail"``
            raise a ValueError naming the strata (R's default; Stata
            reports missing standard errors). The package's default is
            :data:`~hukoumob.survey.design.DEFAULT_LONELY_PSU`.
        ``"remove"``
            the stratum contributes zero (R ``remove``).
        ``"certainty"``
            the PSU is a certainty unit and contributes zero (R
            ``certainty``, Stata ``singleunit(certainty)``). For a one-stage
            design this equals ``remove``; they differ only in multistage
            designs, which this module does not handle.
        ``"adjust"``
            the single PSU total is centred at the grand mean of all PSU
            totals, :math:`(z_{h1}-\\bar z)(z_{h1}-\\bar z)^\\top`, scale 1
            (Stata ``singleunit(centered)``; R ``adjust``, which centres at
            zero, the grand mean of scores that sum to zero as estimating
            equations do at the estimate).
        ``"average"``
            the singleton strata get the average contribution of the other
            strata: the sum over strata with two or more PSUs is multiplied
            by (#strata / #strata with two or more PSUs) (R ``average``).

    Returns
    -------
    (p, p) ndarray

    Raises
    ------
    DesignVarianceError
        If the estimation sample (rows of positive weight: a domain, or the
        whole design) lies in fewer than two PSUs: between-PSU variation
        cannot be estimated from one PSU, whatever ``lonely_psu`` says.

    Examples
    --------
    The meat of a weighted mean, divided by the squared total weight, is its
    design variance (R ``svymean`` gives the same SE, 0.2403):

    >>> import numpy as np
    >>> from hukoumob.survey import SurveyDesign, design_meat, simulate_survey
    >>> sim = simulate_survey()
    >>> design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> y, w = sim["y"].to_numpy(), design.weights
    >>> M = design_meat(w * (y - np.average(y, weights=w)), design)
    >>> round(float(np.sqrt(M[0, 0]) / w.sum()), 4)
    0.2403
    """
    option = check_lonely_psu(lonely_psu or design.lonely_psu)
    z = psu_totals(scores, design, pattern=pattern)
    if design.n_psu < 2:
        raise DesignVarianceError(
            f"the estimation sample ({design.n_obs} row(s) of positive weight) lies in "
            f"{design.n_psu} PSU of the design's {design.n_psu_total}: a design-based variance "
            "needs at least two PSUs"
        )
    p = z.shape[1]
    n_strata = len(design.stratum_labels)
    in_sample = design.active_strata                      # by stratum code
    n_h = design.psus_per_stratum().astype(float)         # all PSUs of the stratum
    h_of_psu = design.psu_stratum
    keep = in_sample[h_of_psu]                            # PSUs of in-sample strata
    single = (n_h == 1) & in_sample

    if single.any() and option == "fail":
        labels = list(design.stratum_labels[single])
        shown = ", ".join(map(str, labels[:20])) + (" ..." if len(labels) > 20 else "")
        raise ValueError(
            f"{len(labels)} stratum/strata with a single PSU: {shown}. The variance is not "
            "defined there; choose lonely_psu='remove', 'certainty', 'adjust' or 'average' "
            "(R options(survey.lonely.psu=), Stata svyset singleunit())"
        )

    # Centre each PSU total at its stratum mean; scale n_h / (n_h - 1).
    by_stratum = sparse.coo_matrix((np.ones(len(z)), (h_of_psu, np.arange(len(z)))), shape=(n_strata, len(z)))
    sums = np.asarray(by_stratum @ z).reshape(n_strata, p)
    means = sums / np.maximum(n_h, 1.0)[:, None]
    multi_psu = keep & ~single[h_of_psu]
    scale = np.zeros(len(z))
    nh_psu = n_h[h_of_psu]
    scale[multi_psu] = nh_psu[multi_psu] / (nh_psu[multi_psu] - 1.0)
    lonely = None
    if single.any() and option == "adjust":  # the single PSUs against the grand mean, before z is reused
        lonely = z[keep & single[h_of_psu]] - z[keep].mean(axis=0)
    centred = means[h_of_psu]
    np.subtract(z, centred, out=centred)  # z - means[h], in place
    weighted = np.multiply(centred, scale[:, None], out=z)  # z's memory: no more full-size arrays
    meat = weighted.T @ centred

    if single.any():
        if option == "adjust":
            meat = meat + lonely.T @ lonely
        elif option == "average":
            n_in = int(in_sample.sum())
            n_ok = n_in - int(single.sum())
            if n_ok == 0:
                raise ValueError(
                    "lonely_psu='average': every stratum holds a single PSU, there is "
                    "nothing to average"
                )
            meat = meat * (n_in / n_ok)
        # "remove" and "certainty": contribute zero.
    return meat


def linearized_vcov(
    scores: np.ndarray,
    bread: np.ndarray,
    design: SurveyDesign,
    *,
    lonely_psu: str | None = None,
    pattern=None,
) -> np.ndarray:
    """Design-based (Taylor-linearised) covariance :math:`V = B\\,M\\,B^\\top`.

    Parameters
    ----------
    scores : (n, p) array
        Per-row score contributions already multiplied by the weights; rows
        aligned with ``design``.
    bread : (p, p) array
        Inverse of the weighted information (Hessian) matrix. For a mean it
        is ``1 / sum(w)``; for weighted least squares ``inv(X' W X)``; for a
        logit ``inv(X' W diag(mu (1 - mu)) X)``.
    design : SurveyDesign
    lonely_psu : str, optional
        Overrides ``design.lonely_psu``; see :func:`design_meat`.
    pattern : (n,) int array, optional
        Each row's covariate pattern; ``scores`` are then ``m x p`` pattern
        scores per unit weight (module docstring): the cost grows with
        patterns and PSUs, not with rows x parameters.

    Returns
    -------
    (p, p) ndarray
        The linearised covariance matrix. Its degrees of freedom are
        ``design.df`` (#PSUs - #strata).

    Notes
    -----
    Method: Binder (1983); Stata ``svy`` linearised variance estimator;
    R ``survey::svyrecvar`` (Lumley 2004). For cluster-robust and
    model-based alternatives see :mod:`hukoumob.survey.compare`.

    Examples
    --------
    The weighted mean of ``y``: score :math:`w_i (y_i - \\bar y)`, bread
    :math:`1 / \\sum w_i` (R ``svymean`` gives the same 0.2403):

    >>> import numpy as np
    >>> from hukoumob.survey import SurveyDesign, linearized_vcov, simulate_survey
    >>> sim = simulate_survey()
    >>> design = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> y, w = sim["y"].to_numpy(), design.weights
    >>> ybar = np.average(y, weights=w)
    >>> V = linearized_vcov(w * (y - ybar), np.array([[1 / w.sum()]]), design)
    >>> round(float(np.sqrt(V[0, 0])), 4)
    0.2403
    """
    b = np.atleast_2d(np.asarray(bread, dtype=float))
    meat = design_meat(scores, design, lonely_psu=lonely_psu, pattern=pattern)
    p = meat.shape[0]
    if b.shape != (p, p):
        raise ValueError(f"bread must be {p} x {p} to match the scores; got shape {b.shape}")
    if not np.isfinite(b).all():
        raise ValueError("bread has non-finite entries")
    v = b @ meat @ b.T
    return (v + v.T) / 2.0


__all__ = ["linearized_vcov", "design_meat", "psu_totals"]
