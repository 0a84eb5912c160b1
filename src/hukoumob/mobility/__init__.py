"""Mobility models: the standard family of log-linear and log-multiplicative
models for mobility tables (:func:`fit_model`) and the Table 5 engine, a
multinomial conditional logit with log-multiplicative association (quasi-RC
II / stereotype ordered regression; Wu and Treiman 2007, equations 1-4 and
Table 5; :func:`fit_table`, :func:`fit_records`).

Modules: ``family`` (the family of models, one entry point), ``tables``
(input tables and their category order), ``terms`` (the models' linear and
multiplicative terms with analytic derivatives), ``search`` and ``trust``
(the trust-region Newton search over starts), ``geometry`` (score bases),
``spec`` (the Table 5 engine's data and parameter layout), ``likelihood``
(its log-likelihood, analytic score and Hessian), ``fit`` (its starts,
Newton iterations, normalisation, constrained covariance), ``results``
(results object, Table 5 rows), ``simulate`` (data from the model),
``gnm_oracle`` (R's gnm as an independent check, for tests and the
benchmark), ``errors``. What it fits, how it is checked and how to cite it:
``README.md`` in this folder.

Typical use::

    from hukoumob.mobility import fit_model, fit_table, fit_records
    res = fit_model(table, association="rc_homog", diagonal="uniform")  # one model of the family
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

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.mobility import fit_table
    >>> t = np.array([[40., 15, 8, 3], [14, 45, 20, 9],
    ...               [7, 18, 50, 21], [2, 8, 22, 48]])
    >>> res = fit_table(t, categories=["I", "II", "III", "IV"])
    >>> round(res.mu0, 3), round(res.delta, 3)
    (2.552, 0.683)
    >>> res.phi.round(3).tolist()            # sum 0, sum of squares 1
    [0.693, 0.202, -0.249, -0.646]
    >>> res.summary()[["parameter", "est", "se"]].tail(2).round(3)
      parameter    est     se
    8     delta  0.683  0.146
    9       mu0  2.552  0.484
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

    Examples
    --------
    Records drawn from the model with one covariate on the scale (``b``),
    then fitted:

    >>> import numpy as np
    >>> from hukoumob.mobility import fit_records, simulate_records
    >>> origin = np.repeat([0, 1, 2], 400)
    >>> educ = np.random.default_rng(2).normal(size=(1200, 1))
    >>> son = simulate_records(np.random.default_rng(3), origin,
    ...                        a=[0.0, 0.2, -0.1], phi=[0.7, 0.0, -0.7],
    ...                        delta=0.5, mu0=2.0, x=educ, b=[0.8])
    >>> res = fit_records(origin, son, x=educ, x_names=["educ"])
    >>> res.params[["delta", "mu0", "b:educ"]].round(2).tolist()
    [0.3, 2.41, 0.78]
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
