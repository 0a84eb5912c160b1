"""Design-based estimators: means, proportions, linear and logistic regression.

The point estimates come from statsmodels: weighted means from
``statsmodels.stats.weightstats.DescrStatsW``, least squares from
``statsmodels.regression.linear_model.WLS``, the logit from
``statsmodels.genmod.generalized_linear_model.GLM`` with a ``Binomial``
family and the sampling weights as ``freq_weights``. The fitted model's
per-row weighted scores and its inverse Hessian go to
:func:`hukoumob.survey.linearization.linearized_vcov`, the part statsmodels
lacks (strata, with-replacement PSUs, domains, single-PSU rules, design
df); the :class:`~hukoumob.survey.results.SurveyResult` carries both. The
results agree
with R ``survey`` (``svymean``, ``svyglm(family=gaussian())``,
``svyglm(family=quasibinomial())``; Lumley 2004) and Stata ``svy: mean``,
``svy: regress``, ``svy: logit`` (Binder 1983 linearisation).

Data are a :class:`pandas.DataFrame` whose rows are aligned by position with
the :class:`~hukoumob.survey.design.SurveyDesign`. Missing values in a
model variable on a row of the estimation sample (positive weight, inside
the domain) are an error, never silently dropped: drop those rows first, or
take them out of the estimation sample with ``domain=`` (or a zero weight),
which keeps their PSUs in the design as R's ``subset()`` and Stata's
``subpop()`` do. Missing values on rows outside the estimation sample are
ignored.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import WLS
from statsmodels.stats.weightstats import DescrStatsW
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning, PerfectSeparationWarning

from .design import SurveyDesign
from .errors import DesignVarianceError, SeparationError
from .linearization import linearized_vcov
from .results import SurveyResult
from .separation import separating_terms
from .vce import cluster_vcov

#: Name of the intercept term (the results contract's name for it).
CONSTANT = "constant"

_VCE = ("design", "cluster", "plain")
_FAMILIES = {"gaussian": "ols", "ols": "ols", "binomial": "logit", "logit": "logit", "quasibinomial": "logit"}


# --------------------------------------------------------------------------- inputs
def _resolve_design(data: pd.DataFrame, design: SurveyDesign, domain: Any) -> SurveyDesign:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    if not isinstance(design, SurveyDesign):
        raise TypeError(f"design must be a SurveyDesign; got {type(design).__name__}")
    design.check_length(len(data), "data")
    if domain is None:
        return design
    if isinstance(domain, str):
        if domain not in data.columns:
            raise ValueError(f"domain column {domain!r} not in data")
        domain = data[domain]
    return design.restrict(domain)


def _columns(
    data: pd.DataFrame, names: Sequence[str], design: SurveyDesign, role: str = "model"
) -> np.ndarray:
    """Numeric ``n x k`` matrix of ``names``; zeros on rows outside the estimation sample.

    Raises a ValueError naming any absent or non-numeric column and, with
    counts, every variable with missing or infinite values in the
    estimation sample.
    """
    names = list(names)
    absent = [c for c in names if c not in data.columns]
    if absent:
        raise ValueError(f"{role} variable(s) not in data: {', '.join(map(str, absent))}")
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise ValueError(f"{role} variable(s) given more than once: {', '.join(map(str, dup))}")
    active = design.active
    n_obs = int(active.sum())
    out = np.empty((len(data), len(names)))
    problems = []
    for j, name in enumerate(names):
        col = data[name]
        if pd.api.types.is_bool_dtype(col):
            col = col.astype(float)
        if not pd.api.types.is_numeric_dtype(col):
            raise ValueError(f"{role} variable {name!r} is not numeric (dtype {col.dtype})")
        vals = col.to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(vals) & active
        if bad.any():
            kind = "missing" if np.isnan(vals[bad]).all() else "missing or infinite"
            problems.append(f"{name}: {int(bad.sum())} {kind}")
        out[:, j] = np.where(active, vals, 0.0)
    if problems:
        raise ValueError(
            f"{role} variables have missing values among the {n_obs} observations of the "
            f"estimation sample ({'; '.join(problems)}). Drop those rows, or exclude them "
            "with domain= (which keeps their PSUs in the design)"
        )
    return out


def _counts(design: SurveyDesign) -> dict[str, Any]:
    return {
        "n_obs": design.n_obs,
        "n_psu": design.n_psu,
        "n_strata": design.n_strata,
        "sum_weights": float(design.weights.sum()),
    }


# --------------------------------------------------------------------------- means
def svy_mean(
    data: pd.DataFrame,
    variables: str | Sequence[str],
    design: SurveyDesign,
    *,
    domain: Any = None,
    df_method: str = "design",
    level: float = 0.95,
) -> SurveyResult:
    """Weighted means with design-based (linearised) standard errors.

    The estimate of each variable is :math:`\\bar y = \\sum w_i y_i / \\sum w_i`;
    its score contribution is :math:`w_i (y_i - \\bar y)` and its bread
    :math:`1 / \\sum w_i`, so :math:`V = M / (\\sum w)^2` (R ``svymean``,
    Stata ``svy: mean``). Several variables get their joint covariance.

    Parameters
    ----------
    data : DataFrame
        Rows aligned by position with ``design``.
    variables : str or list of str
        Numeric columns (a 0/1 column gives a proportion).
    design : SurveyDesign
    domain : str or bool array, optional
        Subpopulation (column name or mask): estimate within it, keeping
        the full design (R ``subset()``, Stata ``subpop()``).
    df_method : {"design", "stata"}
        Design df counted as R ``degf()`` (default) or as Stata; they differ
        only for domains / zero weights, see :attr:`SurveyDesign.df_stata`.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    SurveyResult
        ``df`` is the design df, #PSUs - #strata.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, simulate_survey, svy_mean
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> res = svy_mean(sim, "y", d)
    >>> res.summary()[["term", "estimate", "se", "df"]].round(4)
      term  estimate      se    df
    0    y    1.6456  0.2403  30.0
    >>> sub = svy_mean(sim, "y", d, domain=sim["dom"] == 1)   # a domain
    >>> sub.summary()[["estimate", "se"]].round(4)
       estimate      se
    0    1.3945  0.2487
    """
    names = [variables] if isinstance(variables, str) else list(variables)
    design = _resolve_design(data, design, domain)
    y = _columns(data, names, design, role="mean")
    return _mean_from_matrix(y, names, design, level=level, estimator="mean", df_method=df_method)


def _design_df(design: SurveyDesign, df_method: str, k: int = 1) -> float:
    """Reference df for design-based inference under ``df_method``.

    Raises :class:`~hukoumob.survey.errors.DesignVarianceError` if the design
    df (#PSUs - #strata of the estimation sample) is not positive: every
    stratum of the estimation sample then holds a single PSU of it, and no
    t reference exists.
    """
    if df_method not in ("design", "stata", "residual"):
        raise ValueError(f"df_method={df_method!r} is not one of design, stata, residual")
    base = design.df_stata if df_method == "stata" else design.df
    if base <= 0:
        raise DesignVarianceError(
            f"design df = {base}: the estimation sample's {design.n_psu} PSU(s) lie in "
            f"{design.n_strata} stratum/strata, one PSU each; design-based inference needs "
            "at least one stratum with two PSUs"
        )
    return float(design.df - k + 1) if df_method == "residual" else float(base)


def _mean_from_matrix(
    y: np.ndarray,
    names: list[str],
    design: SurveyDesign,
    *,
    level: float,
    estimator: str,
    df_method: str = "design",
) -> SurveyResult:
    if df_method not in ("design", "stata"):
        raise ValueError(f"df_method={df_method!r} is not 'design' or 'stata'")
    w = design.weights
    total_w = w.sum()
    act = design.active
    est = np.atleast_1d(DescrStatsW(y[act], weights=w[act]).mean)
    scores = w[:, None] * (y - est)
    scores[~design.active] = 0.0
    v = linearized_vcov(scores, np.eye(len(names)) / total_w, design)
    return SurveyResult(
        estimates=pd.Series(est, index=names, name="estimate"),
        vcov=pd.DataFrame(v, index=names, columns=names),
        df=_design_df(design, df_method),
        vce="design",
        estimator=estimator,
        level=level,
        **_counts(design),
    )


def svy_proportion(
    data: pd.DataFrame,
    variable: str,
    design: SurveyDesign,
    *,
    domain: Any = None,
    df_method: str = "design",
    level: float = 0.95,
) -> SurveyResult:
    """Weighted proportions with design-based standard errors.

    A 0/1 (or boolean) ``variable`` gives one proportion, named
    ``variable`` (R ``svymean(~y)`` on a 0/1 variable). Any other variable
    is treated as categorical and gives one proportion per observed level,
    named ``"variable=level"``, with their joint covariance (R ``svymean``
    on a factor, Stata ``svy: proportion``). Intervals are Wald intervals on
    the design df (not Stata's logit-transformed ones). ``df_method`` as in
    :func:`svy_mean`.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, simulate_survey, svy_proportion
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> res = svy_proportion(sim, "cat", d)
    >>> res.summary()[["term", "estimate", "se"]].round(4)
        term  estimate      se
    0  cat=a    0.5335  0.0159
    1  cat=b    0.2501  0.0196
    2  cat=c    0.2165  0.0154
    """
    design = _resolve_design(data, design, domain)
    if variable not in data.columns:
        raise ValueError(f"proportion variable {variable!r} not in data")
    col = data[variable]
    active = design.active
    k = int((col.isna().to_numpy() & active).sum())
    if k:
        raise ValueError(
            f"proportion variable {variable!r}: {k} missing among the {int(active.sum())} "
            "observations of the estimation sample"
        )
    observed = pd.unique(col[active])
    if pd.api.types.is_bool_dtype(col) or (
        pd.api.types.is_numeric_dtype(col) and set(np.asarray(observed, dtype=float)) <= {0.0, 1.0}
    ):
        y = _columns(data, [variable], design, role="proportion")
        return _mean_from_matrix(
            y, [variable], design, level=level, estimator="proportion", df_method=df_method
        )
    levels = sorted(observed, key=lambda v: (str(type(v)), v))
    vals = col.to_numpy()
    y = np.column_stack([(vals == lev) & active for lev in levels]).astype(float)
    names = [f"{variable}={lev}" for lev in levels]
    return _mean_from_matrix(y, names, design, level=level, estimator="proportion", df_method=df_method)


# --------------------------------------------------------------------------- regression
def _check_rank(xtwx: np.ndarray, x: np.ndarray, w: np.ndarray, names: list[str]) -> None:
    """Raise a ValueError if the weighted cross-product matrix is (numerically) singular.

    Rank is judged on the eigenvalues of the correlation-scaled ``X'WX``
    (threshold 1e-12 of the largest), which is cheap for a few columns.
    """
    diag = np.diag(xtwx)
    if np.any(diag <= 0):
        rank = int((diag > 0).sum())
    else:
        scale = 1.0 / np.sqrt(diag)
        eig = np.linalg.eigvalsh(xtwx * np.outer(scale, scale))
        rank = int((eig > eig[-1] * 1e-12).sum())
    if rank < x.shape[1]:
        raise ValueError(_rank_message(x, w, names, rank))


def _fit_ols(y: np.ndarray, x: np.ndarray, w: np.ndarray, names: list[str], constant: bool):
    """Weighted least squares by statsmodels ``WLS`` on the rows of positive weight.

    Returns the statsmodels results, the bread ``(X'WX)^{-1}`` (its
    ``normalized_cov_params``) and the weighted scores ``w_i x_i e_i`` on all
    rows (``wexog * wresid``: whitened regressors times whitened residuals;
    zero off the estimation sample).
    """
    _check_rank(x.T @ (x * w[:, None]), x, w, names)
    act = w > 0
    model = WLS(y[act], x[act], weights=w[act], hasconst=constant)
    fit = model.fit()
    scores = np.zeros_like(x)
    scores[act] = model.wexog * fit.wresid[:, None]
    return fit, np.asarray(fit.normalized_cov_params), scores


def _standardized(beta, y, x, w, names) -> pd.Series:
    """Standardised coefficients b_k sd(x_k) / sd(y), weighted SDs of the estimation sample.

    The ratio does not depend on the divisor of the SDs (n, n - 1 or the sum
    of weights), so this is Stata's ``regress ..., beta`` with weights; the
    SDs are :class:`statsmodels.stats.weightstats.DescrStatsW`'s. The
    constant gets NaN.
    """
    act = w > 0
    sd_x = DescrStatsW(x[act], weights=w[act]).std
    sy = DescrStatsW(y[act], weights=w[act]).std
    out = [np.nan if n == CONSTANT else b * sd_x[j] / sy for j, (b, n) in enumerate(zip(beta, names))]
    return pd.Series(out, index=names, name="beta")


def _rank_message(x: np.ndarray, w: np.ndarray, names: list[str], rank: int) -> str:
    active = w > 0
    const = [n for j, n in enumerate(names) if np.ptp(x[active, j]) == 0 and n != CONSTANT]
    hint = f" (constant in the estimation sample: {', '.join(const)})" if const else ""
    return (
        f"the regressors are collinear: rank {rank} < {x.shape[1]} columns"
        f"{hint}; drop a redundant variable"
    )


def _fit_logit(y, x, w, names, tol: float, max_iter: int, outcome: str):
    """Weighted logistic regression by statsmodels ``GLM(family=Binomial())``.

    The sampling weights enter as ``freq_weights``: the point estimates
    solve :math:`\\sum_i w_i x_i (y_i - \\mu_i) = 0`, the pseudo-likelihood
    equations of R ``svyglm(family=quasibinomial())`` (``var_weights`` give
    the same estimates, but a log-likelihood with binomial-coefficient terms
    for non-integer weights; ``freq_weights`` give the pseudo-log-likelihood
    :math:`\\sum_i w_i \\{y_i \\log\\mu_i + (1-y_i)\\log(1-\\mu_i)\\}`).
    statsmodels' Newton-Raphson from zero stops when no coefficient moves by
    more than ``tol`` (with the expected information, which for the logit's
    canonical link is the observed one). Scores and bread are the model's own
    ``score_obs`` and ``hessian`` at the estimate. A fit that does not converge, or whose
    Hessian is singular, is checked for separation
    (:func:`~hukoumob.survey.separation.separating_terms`): a
    :class:`~hukoumob.survey.errors.SeparationError` names the covariates.
    """
    _check_rank(x.T @ (x * w[:, None]), x, w, names)
    act = w > 0
    model = GLM(y[act], x[act], family=Binomial(), freq_weights=w[act])
    problem = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            try:
                fit = model.fit(method="newton", start_params=np.zeros(x.shape[1]), maxiter=max_iter,
                                tol=tol, disp=0, optim_hessian="eim")
            except np.linalg.LinAlgError:
                problem = "has a singular information matrix on the way to the estimate"
    if problem is None:
        beta = np.asarray(fit.params)
        if not fit.mle_retvals["converged"] or not np.isfinite(beta).all():
            problem = f"did not converge in {max_iter} iterations"
        else:
            info = -np.asarray(model.hessian(beta, observed=False))
            try:
                bread = np.linalg.inv(info)
            except np.linalg.LinAlgError:
                problem = "has a singular information matrix at the estimate"
            else:
                if not np.isfinite(bread).all():
                    problem = "has a singular information matrix at the estimate"
    if problem is not None:
        terms = separating_terms(y[act], x[act], names)
        if terms:
            raise SeparationError(outcome, terms)
        raise ValueError(f"the logit of {outcome!r} {problem}; check for perfect separation")
    scores = np.zeros_like(x)
    scores[act] = model.score_obs(beta)
    return fit, bread, scores


def svy_regress(
    data: pd.DataFrame,
    y: str,
    x: Sequence[str],
    design: SurveyDesign,
    *,
    family: str = "gaussian",
    vce: str = "design",
    domain: Any = None,
    constant: bool = True,
    df_method: str = "design",
    level: float = 0.95,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> SurveyResult:
    """Weighted linear or logistic regression with design, cluster or plain SEs.

    Coefficients solve the weighted (pseudo-)likelihood equations
    :math:`\\sum_i w_i x_i (y_i - \\mu_i) = 0` with :math:`\\mu = x'\\beta`
    (``family="gaussian"``) or :math:`\\mu = \\text{expit}(x'\\beta)`
    (``family="binomial"``). The design covariance is the linearised
    sandwich of :func:`~hukoumob.survey.linearization.linearized_vcov` with
    scores :math:`w_i x_i (y_i - \\mu_i)` and bread
    :math:`(\\sum_i w_i v_i x_i x_i')^{-1}` (:math:`v_i = 1` or
    :math:`\\mu_i(1-\\mu_i)`): R ``svyglm`` with ``gaussian()`` or
    ``quasibinomial()`` (Lumley 2004), Stata ``svy: regress`` / ``svy:
    logit`` (Binder 1983).

    Parameters
    ----------
    data : DataFrame
        Rows aligned by position with ``design``.
    y : str
        Outcome column (0/1, or a proportion in [0, 1], for the logit).
    x : list of str
        Regressor columns (numeric; build dummies and interactions first).
    design : SurveyDesign
    family : {"gaussian", "binomial"}
        Linear (weighted least squares) or logistic regression
        (``"ols"``/``"logit"``/``"quasibinomial"`` are accepted aliases).
    vce : {"design", "cluster", "plain"}
        ``"design"``: linearised design-based covariance, df = design df.
        ``"cluster"``: cluster-robust CR1 by PSU, ignoring strata (Stata
        ``vce(cluster psu)`` with pweights), df = #PSUs - 1; see
        :mod:`hukoumob.survey.vce`.
        ``"plain"``: model-based iid covariance. Gaussian:
        :math:`\\hat\\sigma^2 (X'WX)^{-1}` with
        :math:`\\hat\\sigma^2 = \\sum w_i e_i^2 / (n - K)` on weights
        normalised to sum to n (Stata ``regress [aweight=w]``, statsmodels
        ``WLS``), df = n - K. Logit: :math:`(X'WVX)^{-1}` with weights
        normalised to mean 1 (R ``glm(family=binomial, weights=w/mean(w))``),
        normal reference.
    domain : str or bool array, optional
        Subpopulation: fit within it, keeping the whole design (R
        ``svyglm(design=subset(d, ...))``, Stata ``svy, subpop()``).
    constant : bool
        Add an intercept, named ``"constant"`` and placed last (Stata order).
    df_method : {"design", "stata", "residual"}
        For ``vce="design"``: t reference on the design df #PSUs - #strata
        (``"design"``, the default: Stata ``svy``'s df, counted as R
        ``degf()``), on the design df counted as Stata counts it for domains
        and zero weights (``"stata"``, :attr:`SurveyDesign.df_stata`), or on
        design df - K + 1 (``"residual"``, what R ``summary.svyglm`` uses
        for its p-values).
    level : float
        Confidence level.
    tol, max_iter : float, int
        Newton-Raphson convergence (logit): stop when the largest step is
        below ``tol * (1 + max|beta|)``.

    Returns
    -------
    SurveyResult
        ``extra`` holds ``r2`` (weighted R-squared) and ``beta``
        (standardised coefficients with weighted SDs of the estimation
        sample) for OLS, or ``loglik``
        (weighted pseudo-log-likelihood) and ``iterations`` (logit), and
        ``scores`` / ``bread`` for further use.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, simulate_survey, svy_regress
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> res = svy_regress(sim, "y", ["x1", "x2", "x3"], d)
    >>> res.summary()[["term", "estimate", "se", "p"]].round(4)
           term  estimate      se       p
    0        x1    0.9613  0.0685  0.0000
    1        x2   -0.3414  0.1199  0.0079
    2        x3    0.1679  0.0213  0.0000
    3  constant    0.9428  0.1794  0.0000
    """
    if family not in _FAMILIES:
        raise ValueError(f"family={family!r} is not one of gaussian, binomial")
    if vce not in _VCE:
        raise ValueError(f"vce={vce!r} is not one of {', '.join(_VCE)}")
    if df_method not in ("design", "stata", "residual"):
        raise ValueError(f"df_method={df_method!r} is not one of design, stata, residual")
    kind = _FAMILIES[family]
    x = [x] if isinstance(x, str) else list(x)
    if y in x:
        raise ValueError(f"the outcome {y!r} is also among the regressors")
    design = _resolve_design(data, design, domain)
    both = _columns(data, [y, *x], design, role="model")
    yv, xm = both[:, 0], both[:, 1:]
    names = list(x)
    if constant:
        if CONSTANT in names:
            raise ValueError(f"a regressor is named {CONSTANT!r}; use constant=False or rename it")
        xm = np.column_stack([xm, design.active.astype(float)])
        names.append(CONSTANT)
    if not names:
        raise ValueError("no regressors and no constant")
    w = design.weights
    n, k = design.n_obs, len(names)
    if n <= k:
        raise ValueError(f"{n} observations in the estimation sample for {k} coefficients")

    extra: dict[str, Any] = {}
    if kind == "ols":
        fit, bread, scores = _fit_ols(yv, xm, w, names, constant)
        beta = np.asarray(fit.params)
        extra["r2"] = float(fit.rsquared)
        extra["beta"] = _standardized(beta, yv, xm, w, names)
    else:
        act = design.active
        bad = int(((yv < 0) | (yv > 1))[act].sum())
        if bad:
            raise ValueError(
                f"logit outcome {y!r}: {bad} value(s) outside [0, 1] in the estimation sample"
            )
        fit, bread, scores = _fit_logit(yv, xm, w, names, tol, max_iter, y)
        beta = np.asarray(fit.params)
        extra["loglik"] = float(fit.llf)
        extra["iterations"] = int(fit.mle_retvals["iterations"])

    if vce == "design":
        v = linearized_vcov(scores, bread, design)
        df = _design_df(design, df_method, k)
    elif vce == "cluster":
        v = cluster_vcov(scores, bread, design, n_params=k, linear=(kind == "ols"))
        df = float(design.n_psu - 1)
    else:
        if kind == "ols":
            # statsmodels' model-based WLS covariance: sum(w e^2) / (n - K) * (X'WX)^{-1}
            v = np.asarray(fit.cov_params())
            df = float(fit.df_resid)
        else:
            v = bread * (w.sum() / n)  # weights normalised to mean 1 over the sample
            df = np.inf
    extra["scores"] = scores
    extra["bread"] = bread
    return SurveyResult(
        estimates=pd.Series(beta, index=names, name="estimate"),
        vcov=pd.DataFrame(v, index=names, columns=names),
        df=df,
        vce=vce,
        estimator=kind,
        level=level,
        extra=extra,
        model=fit,
        index=data.index[design.active],
        **_counts(design),
    )


def svy_ols(data: pd.DataFrame, y: str, x: Sequence[str], design: SurveyDesign, **kwargs) -> SurveyResult:
    """Weighted least squares with design SEs: :func:`svy_regress` with ``family="gaussian"``.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, simulate_survey, svy_ols
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> res = svy_ols(sim, "y", ["x1", "x3"], d)
    >>> res.summary()[["term", "estimate", "se"]].round(4)
           term  estimate      se
    0        x1    0.9637  0.0686
    1        x3    0.1696  0.0216
    2  constant    0.7950  0.1850
    """
    return svy_regress(data, y, x, design, family="gaussian", **kwargs)


def svy_logit(data: pd.DataFrame, y: str, x: Sequence[str], design: SurveyDesign, **kwargs) -> SurveyResult:
    """Weighted logistic regression with design SEs: :func:`svy_regress` with ``family="binomial"``.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, simulate_survey, svy_logit
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> res = svy_logit(sim, "yb", ["x1", "x3"], d)
    >>> res.summary()[["term", "estimate", "se"]].round(4)
           term  estimate      se
    0        x1    1.0576  0.1257
    1        x3   -0.0570  0.0364
    2  constant   -0.1186  0.2372
    """
    return svy_regress(data, y, x, design, family="binomial", **kwargs)


__all__ = ["CONSTANT", "svy_mean", "svy_proportion", "svy_regress", "svy_ols", "svy_logit"]
