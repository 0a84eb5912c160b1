"""The U.S. 1962 column of Table 2, re-derived from Blau and Duncan's correlation matrix.

With standardized variables, the least-squares coefficients of y on x are
beta = R_xx^{-1} r_xy and R^2 = r_xy' beta (the normal equations in
correlation form), so the "U.S. 1962" column of the paper's Table 2 follows
from the correlations of Blau and Duncan (1967: 169) alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs import paths

#: Blau and Duncan's variables under the names of the results contract (Table 2 terms).
BD_TERMS = {
    "V_father_educ": "father_educ",
    "X_father_occ": "father_isei",
    "U_educ": "educ",
    "W_first_job": "first_isei",
}
BD_OUTCOME = "Y_occ1962"


def load_correlations() -> pd.DataFrame:
    """Blau and Duncan's 5 x 5 correlation matrix (``data/reference/blau_duncan_1962_correlations.csv``).

    Checks that it is square, symmetric, has a unit diagonal and is positive
    definite, so a transcription error cannot pass silently.
    """
    file = paths.REFERENCE / "blau_duncan_1962_correlations.csv"
    corr = pd.read_csv(file, index_col=0)
    if list(corr.index) != list(corr.columns):
        raise ValueError(f"{file}: rows and columns name different variables")
    values = corr.to_numpy(float)
    if not np.allclose(values, values.T) or not np.allclose(np.diag(values), 1.0):
        raise ValueError(f"{file}: not a symmetric matrix with a unit diagonal")
    if np.linalg.eigvalsh(values).min() <= 0:
        raise ValueError(f"{file}: not positive definite")
    return corr


def standardized_regression(corr: pd.DataFrame, outcome: str, predictors: list[str]) -> tuple[pd.Series, float]:
    """Standardized coefficients and R-squared of ``outcome`` on ``predictors`` from correlations alone."""
    rxx = corr.loc[predictors, predictors].to_numpy(float)
    rxy = corr.loc[predictors, outcome].to_numpy(float)
    beta = np.linalg.solve(rxx, rxy)
    return pd.Series(beta, index=predictors), float(rxy @ beta)


def rounding_bound(corr: pd.DataFrame, outcome: str, predictors: list[str], half_unit: float = 0.0005) -> np.ndarray:
    """How far the coefficients and R-squared can move if each printed correlation is off by ``half_unit``.

    First-order bound: half_unit x sum over the off-diagonal correlations of
    |d(beta, R^2) / d r_ij|, with derivatives by central differences.
    Returns one bound per coefficient, then one for R-squared.
    """
    def solve(c):
        beta, r2 = standardized_regression(c, outcome, predictors)
        return np.append(beta.to_numpy(), r2)

    names = list(corr.index)
    total = np.zeros(len(predictors) + 1)
    eps = 1e-6
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            up, down = corr.copy(), corr.copy()
            for m, sign in ((up, 1), (down, -1)):
                m.loc[a, b] += sign * eps
                m.loc[b, a] += sign * eps
            total += np.abs((solve(up) - solve(down)) / (2 * eps))
    return half_unit * total


def us1962_table2_rows() -> pd.DataFrame:
    """Table 2's U.S. 1962 column in the results form: ``beta`` per term and ``r2``.

    A ``bound`` column carries the rounding bound of :func:`rounding_bound`
    (inputs printed to three decimals) plus half a unit of the printed result.
    """
    corr = load_correlations()
    beta, r2 = standardized_regression(corr, BD_OUTCOME, list(BD_TERMS))
    bound = rounding_bound(corr, BD_OUTCOME, list(BD_TERMS))
    rows = [("us1962", "us1962", BD_TERMS[k], "beta", v) for k, v in beta.items()]
    rows.append(("us1962", "us1962", "r2", "r2", r2))
    out = pd.DataFrame(rows, columns=["model", "sample", "term", "statistic", "value"])
    out["bound"] = bound + np.array([0.0005] * len(BD_TERMS) + [0.005])
    return out
