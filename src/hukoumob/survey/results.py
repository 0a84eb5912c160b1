"""The results object shared by every estimator of :mod:`hukoumob.survey`.

A :class:`SurveyResult` wraps the fit (for regressions, the statsmodels
results object in :attr:`SurveyResult.model`: point estimates, fitted values,
R-squared, log-likelihood) together with the covariance that statsmodels does
not compute: the design-based one (strata, with-replacement PSUs, domains,
single-PSU rules) and its reference t distribution on the design degrees of
freedom. statsmodels' own ``summary()`` of :attr:`SurveyResult.model` would
print model-based standard errors, so :meth:`SurveyResult.summary` is the
table to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True, eq=False)
class SurveyResult:
    """Estimates with their covariance matrix and the reference t distribution.

    Attributes
    ----------
    estimates : pandas.Series
        Point estimates indexed by term.
    vcov : pandas.DataFrame
        Covariance matrix (terms x terms).
    df : float
        Degrees of freedom of the t reference distribution for tests and
        intervals (``numpy.inf`` means the normal distribution). For design
        standard errors this is the design df, #PSUs - #strata (Stata);
        see ``df_method`` of :func:`hukoumob.survey.svy_regress`.
    vce : str
        Variance estimator: ``"design"`` (Taylor linearisation),
        ``"cluster"`` (CR1 by PSU) or ``"plain"`` (model-based).
    estimator : str
        ``"mean"``, ``"ols"`` or ``"logit"``.
    n_obs, n_psu, n_strata : int
        Rows, PSUs and strata of the estimation sample (positive weight).
    sum_weights : float
        Sum of the weights over the estimation sample.
    level : float
        Confidence level of :attr:`ci`.
    extra : dict
        Estimator-specific statistics (``r2`` for OLS, ``loglik`` and
        ``iterations`` for the logit, ...).
    model : statsmodels results or None
        The fitted statsmodels model (``WLS`` or ``GLM`` results) on the rows
        of the estimation sample, whose ``params`` are :attr:`estimates`;
        ``None`` for means, proportions and estimates computed elsewhere.
    index : pandas.Index or None
        Row labels (of the data passed in) of the estimation sample, in the
        order of :attr:`model`'s rows.
    """

    estimates: pd.Series
    vcov: pd.DataFrame
    df: float
    vce: str
    estimator: str
    n_obs: int
    n_psu: int
    n_strata: int
    sum_weights: float
    level: float = 0.95
    extra: dict[str, Any] = field(default_factory=dict)
    model: Any = None
    index: Any = None

    @classmethod
    def from_vcov(
        cls,
        estimates: Any,
        vcov: Any,
        design: Any,
        *,
        names: Any = None,
        estimator: str = "custom",
        vce: str = "design",
        df: float | None = None,
        level: float = 0.95,
        extra: dict[str, Any] | None = None,
    ) -> "SurveyResult":
        """Wrap estimates and a covariance computed elsewhere (e.g. a stereotype logit).

        ``design`` is the :class:`~hukoumob.survey.design.SurveyDesign` the
        covariance was computed on; ``df`` defaults to its design df.
        """
        est = np.asarray(estimates, dtype=float).ravel()
        if names is None:
            names = list(estimates.index) if isinstance(estimates, pd.Series) else [f"b{i}" for i in range(len(est))]
        v = np.asarray(vcov, dtype=float)
        if v.shape != (len(est), len(est)):
            raise ValueError(f"vcov must be {len(est)} x {len(est)}; got shape {v.shape}")
        return cls(
            estimates=pd.Series(est, index=list(names), name="estimate"),
            vcov=pd.DataFrame(v, index=list(names), columns=list(names)),
            df=float(design.df if df is None else df),
            vce=vce,
            estimator=estimator,
            n_obs=design.n_obs,
            n_psu=design.n_psu,
            n_strata=design.n_strata,
            sum_weights=float(design.weights.sum()),
            level=level,
            extra=dict(extra or {}),
        )

    @property
    def fittedvalues(self) -> pd.Series:
        """Fitted means of the estimation sample's rows (statsmodels' ``fittedvalues``)."""
        if self.model is None:
            raise AttributeError(f"a {self.estimator} result has no fitted values")
        return pd.Series(np.asarray(self.model.fittedvalues), index=self.index, name="fitted")

    @property
    def se(self) -> pd.Series:
        """Standard errors (square roots of the diagonal of :attr:`vcov`)."""
        return pd.Series(np.sqrt(np.diag(self.vcov.to_numpy())), index=self.estimates.index, name="se")

    @property
    def t(self) -> pd.Series:
        """Wald t statistics, estimate / se."""
        return (self.estimates / self.se).rename("t")

    def _dist(self):
        if not np.isfinite(self.df):
            return stats.norm
        if self.df <= 0:
            return None
        return stats.t(self.df)

    @property
    def p(self) -> pd.Series:
        """Two-sided p-values from t on :attr:`df` (normal if df is infinite; NaN if df <= 0)."""
        dist = self._dist()
        if dist is None:
            return pd.Series(np.nan, index=self.estimates.index, name="p")
        return pd.Series(2.0 * dist.sf(np.abs(self.t.to_numpy())), index=self.estimates.index, name="p")

    @property
    def ci(self) -> pd.DataFrame:
        """Wald confidence intervals at :attr:`level` (columns ``lower``, ``upper``)."""
        dist = self._dist()
        q = np.nan if dist is None else dist.ppf(0.5 + self.level / 2.0)
        half = q * self.se
        return pd.DataFrame({"lower": self.estimates - half, "upper": self.estimates + half})

    def summary(self) -> pd.DataFrame:
        """Tidy table: one row per term with estimate, se, t, df, p, ci_lower, ci_upper."""
        ci = self.ci
        out = pd.DataFrame(
            {
                "term": self.estimates.index,
                "estimate": self.estimates.to_numpy(),
                "se": self.se.to_numpy(),
                "t": self.t.to_numpy(),
                "df": self.df,
                "p": self.p.to_numpy(),
                "ci_lower": ci["lower"].to_numpy(),
                "ci_upper": ci["upper"].to_numpy(),
            }
        )
        return out.reset_index(drop=True)

    def __repr__(self) -> str:
        head = (
            f"SurveyResult({self.estimator}, vce={self.vce!r}, n_obs={self.n_obs}, "
            f"n_psu={self.n_psu}, n_strata={self.n_strata}, df={self.df})"
        )
        return head + "\n" + self.summary().to_string(index=False)


__all__ = ["SurveyResult"]
