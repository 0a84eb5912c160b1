"""The Table 5 engine: multinomial conditional logit with log-multiplicative
association (quasi-RC II / stereotype ordered regression; Wu and Treiman 2007,
equations 1-4 and Table 5).

Modules: ``spec`` (data and parameter layout), ``likelihood`` (log-likelihood,
analytic score and Hessian), ``fit`` (starts, Newton iterations, normalisation,
constrained covariance), ``results`` (results object, Table 5 rows),
``simulate`` (data from the model), ``reference`` (Erikson-Goldthorpe-
Portocarero tables collapsed to six classes), ``gnm_oracle`` (R's gnm as an
independent check, for tests and the benchmark), ``errors``.

Typical use::

    from hukoumob.mobility import fit_table, fit_records
    res = fit_table(weighted_table)                  # Models 1, 2, 3a
    res = fit_records(men.father_class, men.son_class,
                      x=men[["educ", "hukou_change", "educ_x_hukou_change"]],
                      t=men[["hukou_change", "educ"]], weights=men.weight)  # 3c
    res.summary(); res.to_table5_rows("model3c")
"""

from __future__ import annotations

from typing import Sequence

from .errors import (
    IdentificationWarning,
    MobilityConvergenceError,
    MobilityConvergenceWarning,
    MobilityInputError,
    StartsDisagreeWarning,
)
from .family import FamilyResults, fit_family, fit_model, fit_statistics
from .fit import fit_data
from .results import SE_KINDS, MobilityResults
from .simulate import expected_table, model_probabilities, simulate_records, simulate_table
from .spec import MobilityData, ParamLayout


def fit_table(
    table,
    categories: Sequence[str] | None = None,
    *,
    ref: str | int | None = None,
    sign_ref: str | int | None = None,
    n_persons: float | None = None,
    **fit_options,
) -> MobilityResults:
    """Fit the quasi-RC II model with uniform immobility to a weighted origin x
    destination table (Table 5 Models 1, 2 and 3a; paper eq. 3 plus the
    diagonal term): ``log m_vq = lambda_v + a_q + delta 1[q=v] + mu phi_v phi_q``
    with origin margins fixed.

    ``table`` rows are father's class, columns son's class (order of
    ``categories``, default ``"0".."J-1"``); counts may be
    weighted (non-integer). ``n_persons`` is the unweighted number of men
    (only for the paper's ``N``). ``fit_options`` go to :func:`.fit.fit_data`
    (``n_starts``, ``seed``, ``max_iter``, ``tol``, ``start_tol``,
    ``raise_on_failure``). Raises :class:`MobilityInputError` on bad input and
    :class:`MobilityConvergenceError` if no start converges.
    """
    data = MobilityData.from_table(table, categories, ref=ref, sign_ref=sign_ref, n_persons=n_persons)
    return fit_data(data, **fit_options)


def fit_records(
    origin,
    destination,
    *,
    x=None,
    t=None,
    weights=None,
    categories: Sequence[str] | None = None,
    x_names: Sequence[str] | None = None,
    t_names: Sequence[str] | None = None,
    ref: str | int | None = None,
    sign_ref: str | int | None = None,
    collapse: bool = True,
    **fit_options,
) -> MobilityResults:
    """Fit equation 4 of the paper to individual records (all Table 5 models).

    ``x``: covariates entering through the scores (``b_k``, Panel D);
    ``t``: covariates modifying the association (``mu_t``, Panel C); both
    ``(n, k)`` arrays or DataFrames (names from the columns, or ``x_names`` /
    ``t_names``). ``weights``: case weights. Other arguments as in
    :func:`fit_table`. Without ``x`` and ``t`` the fit equals
    :func:`fit_table` on the weighted table of the records. ``collapse``
    (default): fit covariate patterns (same origin, destination, ``x``,
    ``t``) rather than persons, so the cost grows with patterns; per-person
    scores for design-based SEs are recovered exactly
    (:class:`.spec.MobilityData`). ``collapse=False`` fits person by person.
    ``origin=None`` fits Anderson's (1984) stereotype ordered regression
    without an origin, ``eta_iq = a_q + phi_q x_i'b`` (``x`` required, no
    ``t``; ``delta`` and ``mu0`` fixed at 0): gnm's ``Mult(pain, x1 + x2 +
    x3)`` of its ``backPain`` example.
    """
    data = MobilityData.from_records(
        origin, destination, x=x, t=t, weights=weights, categories=categories,
        x_names=x_names, t_names=t_names, ref=ref, sign_ref=sign_ref, collapse=collapse,
    )
    return fit_data(data, **fit_options)


__all__ = [
    "FamilyResults",
    "IdentificationWarning",
    "MobilityConvergenceError",
    "MobilityConvergenceWarning",
    "MobilityData",
    "MobilityInputError",
    "MobilityResults",
    "SE_KINDS",
    "ParamLayout",
    "StartsDisagreeWarning",
    "expected_table",
    "fit_data",
    "fit_family",
    "fit_model",
    "fit_records",
    "fit_statistics",
    "fit_table",
    "model_probabilities",
    "simulate_records",
    "simulate_table",
]
