"""The basic Blau-Duncan model as a recursive path model (the chapter's path diagrams).

Weighted correlations (:class:`statsmodels.stats.weightstats.DescrStatsW`)
of the five variables and the standardized path coefficients of each
equation, for the Chinese men and for Blau and Duncan's (1967: 169) U.S. men.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import DescrStatsW

from hukoumob.tables import us1962

from .men import OUTCOME, check_men


#: The basic Blau-Duncan model as a recursive system: each variable on all earlier ones.
PATH_ORDER: tuple[str, ...] = ("father_educ", "father_isei", "educ", "first_isei", "current_isei")
#: Blau and Duncan's letters for the five variables.
PATH_LETTERS = {"father_educ": "V", "father_isei": "X", "educ": "U", "first_isei": "W", "current_isei": "Y"}


def weighted_correlations(men: pd.DataFrame, columns: Sequence[str] = PATH_ORDER) -> pd.DataFrame:
    """Weighted Pearson correlation matrix of ``columns`` (weights in ``men["weight"]``; ``DescrStatsW.corrcoef``)."""
    check_men(men, [*columns, "weight"], what="weighted correlations")
    stats = DescrStatsW(men[list(columns)].to_numpy(float), weights=men["weight"].to_numpy(float))
    return pd.DataFrame(stats.corrcoef, index=list(columns), columns=list(columns))


def path_coefficients(corr: pd.DataFrame, order: Sequence[str] = PATH_ORDER) -> pd.DataFrame:
    """Standardized path coefficients of the recursive Blau-Duncan system from a correlation matrix.

    Each of ``educ`` (U), ``first_isei`` (W) and ``current_isei`` (Y) is
    regressed on every variable before it in ``order``
    (:func:`hukoumob.tables.us1962.standardized_regression`); the last
    equation is Table 2's Model 1. Returns rows ``source, target, value`` for
    each path, a ``correlation`` row for the two exogenous variables (V, X)
    and a ``residual`` row per equation (``sqrt(1 - R^2)``).
    """
    order = list(order)
    rows = [(order[0], order[1], "correlation", float(corr.loc[order[0], order[1]]))]
    for i in range(2, len(order)):
        beta, r2 = us1962.standardized_regression(corr, order[i], order[:i])
        rows += [(src, order[i], "path", float(b)) for src, b in beta.items()]
        rows.append(("residual", order[i], "residual", float(np.sqrt(max(0.0, 1.0 - r2)))))
    return pd.DataFrame(rows, columns=["source", "target", "kind", "value"])


def us1962_path_coefficients() -> pd.DataFrame:
    """:func:`path_coefficients` of Blau and Duncan's 1962 correlations (Table 2's U.S. column)."""
    corr = us1962.load_correlations()
    names = {**{k: v for k, v in us1962.BD_TERMS.items()}, us1962.BD_OUTCOME: OUTCOME}
    return path_coefficients(corr.rename(index=names, columns=names))
