"""Survey-design (Taylor-linearisation) variance estimation.

What Stata's ``svy`` prefix and R's ``survey`` package (Lumley 2004, *Journal
of Statistical Software* 9(8)) do for a one-stage stratified cluster sample
with the with-replacement approximation for PSUs (Binder 1983), as a small
NumPy module:

* :class:`SurveyDesign`: strata, PSUs (nested in strata), weights, the
  single-PSU option, the design degrees of freedom (#PSUs - #strata);
* :func:`linearized_vcov`: the generic core. Per-row weighted scores plus
  a bread matrix in, :math:`B M B` out. Means, regressions and the
  stereotype logit all use it;
* :func:`svy_mean`, :func:`svy_proportion`, :func:`svy_regress`
  (:func:`svy_ols`, :func:`svy_logit`): estimators returning a
  :class:`SurveyResult` with ``summary()``;
* :func:`compare_se`: design vs cluster-robust (CR1) vs plain SEs.

Why our own module rather than a library: R ``survey`` is the reference
implementation but is R; the maintained Python package ``svy`` 0.35 (successor
of ``samplics``) does match R on these estimators (checked on the data of
``tests/test_survey_r.py``: means, OLS, domains, zero weights and the
single-PSU options to 1e-14, the logit to 3e-9 at its default convergence
tolerance), but it pulls in Polars, PyArrow and two compiled extensions
(about 400 MB on top of NumPy, SciPy and pandas), works on Polars frames,
is pre-1.0, and has no public "scores + bread in, covariance out" entry
point, which the book's custom stereotype logit needs. The
formula is short; this module implements it directly and is tested
against R ``survey`` to 1e-6 (relative) and against hand computations.

Usage::

    from hukoumob.survey import SurveyDesign, svy_ols, svy_mean

    design = SurveyDesign.from_frame(men, strata="stratum", psu="psu", weights="weight")
    res = svy_ols(men, "current_isei", ["father_educ", "father_isei", "educ", "first_isei"], design)
    res.summary()          # term, estimate, se, t, df, p, ci_lower, ci_upper
    svy_mean(men, "educ", design, domain=men["hukou14_rural"] == 1).summary()
"""

from .compare import compare_results, compare_se
from .design import LONELY_PSU_OPTIONS, SurveyDesign, design_df
from .estimators import CONSTANT, svy_logit, svy_mean, svy_ols, svy_proportion, svy_regress
from .linearization import design_meat, linearized_vcov, psu_totals
from .results import SurveyResult
from .simulate import simulate_survey
from .vce import cluster_vcov

__all__ = [
    "CONSTANT",
    "LONELY_PSU_OPTIONS",
    "SurveyDesign",
    "SurveyResult",
    "cluster_vcov",
    "compare_results",
    "compare_se",
    "design_df",
    "design_meat",
    "linearized_vcov",
    "psu_totals",
    "simulate_survey",
    "svy_logit",
    "svy_mean",
    "svy_ols",
    "svy_proportion",
    "svy_regress",
]
