"""Survey-design (Taylor-linearisation) variance estimation.

What Stata's ``svy`` prefix and R's ``survey`` package (Lumley 2004, *Journal
of Statistical Software* 9(8)) do for a one-stage stratified cluster sample
with the with-replacement approximation for PSUs (Binder 1983). The models
themselves are statsmodels' (``WLS`` for least squares, ``GLM`` with a
binomial family and ``freq_weights`` for the logit, ``DescrStatsW`` for
weighted means); this module adds only what statsmodels lacks:

* :class:`SurveyDesign`: strata, PSUs (nested in strata), weights, the
  single-PSU option (default :data:`DEFAULT_LONELY_PSU`), domains, the
  design degrees of freedom (#PSUs - #strata);
* :func:`linearized_vcov`: the generic core. A fitted model's per-row
  weighted scores and its inverse Hessian (the bread) in, :math:`B M B`
  out. Means, regressions and the stereotype logit all use it;
* :func:`svy_mean`, :func:`svy_proportion`, :func:`svy_regress`
  (:func:`svy_ols`, :func:`svy_logit`): fit with statsmodels, return a
  :class:`SurveyResult` that carries the statsmodels results
  (``.model``) and the design covariance, with ``summary()``;
* :func:`separating_terms` and :class:`SeparationError`: a logit with no
  finite estimate names the covariates that separate;
  :class:`DesignVarianceError`: a design too small for a variance;
* :func:`compare_se`: design vs cluster-robust (CR1) vs plain SEs.

statsmodels has cluster-robust covariances (``cov_type="cluster"``) but no
stratified, with-replacement design variance with domains, single-PSU
rules and design df. Why not a survey library: R ``survey`` is the reference
implementation but is R; the maintained Python package ``svy`` 0.35 (successor
of ``samplics``) does match R on these estimators (checked on the data of
``tests/test_survey_r.py``: means, OLS, domains, zero weights and the
single-PSU options to 1e-14, the logit to 3e-9 at its default convergence
tolerance), but it pulls in Polars, PyArrow and two compiled extensions
(about 400 MB on top of NumPy, SciPy and pandas), works on Polars frames,
is pre-1.0, and has no public "scores + bread in, covariance out" entry
point, which the book's custom stereotype logit needs. The
formula is short; this module implements it directly and is tested
against R ``survey`` to 1e-6 (relative; R's outputs frozen in
``tests/oracles/survey_*.csv`` so every test run compares, and live where R
is installed) and against hand computations.

Usage::

    from hukoumob.survey import SurveyDesign, svy_ols, svy_mean

    design = SurveyDesign.from_frame(men, strata="stratum", psu="psu", weights="weight")
    res = svy_ols(men, "current_isei", ["father_educ", "father_isei", "educ", "first_isei"], design)
    res.summary()          # term, estimate, se, t, df, p, ci_lower, ci_upper
    svy_mean(men, "educ", design, domain=men["hukou14_rural"] == 1).summary()
"""

from .compare import compare_results, compare_se
from .design import DEFAULT_LONELY_PSU, LONELY_PSU_OPTIONS, SurveyDesign, design_df
from .errors import DesignVarianceError, SeparationError
from .estimators import CONSTANT, svy_logit, svy_mean, svy_ols, svy_proportion, svy_regress
from .linearization import design_meat, linearized_vcov, psu_totals
from .results import SurveyResult
from .separation import separating_terms
from .simulate import simulate_survey
from .vce import cluster_vcov

__all__ = [
    "CONSTANT",
    "DEFAULT_LONELY_PSU",
    "DesignVarianceError",
    "LONELY_PSU_OPTIONS",
    "SeparationError",
    "SurveyDesign",
    "SurveyResult",
    "cluster_vcov",
    "compare_results",
    "compare_se",
    "design_df",
    "design_meat",
    "linearized_vcov",
    "psu_totals",
    "separating_terms",
    "simulate_survey",
    "svy_logit",
    "svy_mean",
    "svy_ols",
    "svy_proportion",
    "svy_regress",
]
