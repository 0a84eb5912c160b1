"""Table 2: the Blau-Duncan models of current ISEI with design-based standard errors.

Weighted least squares (statsmodels ``WLS`` through :func:`hukoumob.survey.svy_ols`)
of current ISEI on father's schooling, father's ISEI, own schooling and
first-job ISEI (Model 1: urban, rural, total), plus urban hukou at 14 (Model 2,
total). Standard errors are design-based (Taylor linearisation with strata
and PSUs), which is what the paper's note a describes (Stata's survey
estimation). The urban and rural columns are *domain* estimates: the whole
design is kept and the weights are zeroed outside the domain (Stata ``svy,
subpop()``, R ``subset(design, ...)``). p-values are two-sided, from a t
distribution on the design degrees of freedom (#PSUs - #strata of the
estimation sample).

Standardized coefficients are ``beta_k = b_k sd(x_k) / sd(y)``. By default
(``beta_sds="sample"``) the SDs are the weighted SDs of the regression's own
estimation sample (Stata ``regress ..., beta``). With ``beta_sds="residence"``
they are the SDs of the residence group of the same name, i.e. Table 1's SDs,
which is what the published betas match (:func:`hukoumob.tables.table1_2.published_checks`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from hukoumob.survey import DEFAULT_LONELY_PSU, SurveyResult, compare_se, svy_ols

from .men import (
    COLUMNS,
    DESIGN_COLUMNS,
    GROUP_OF_SAMPLE,
    LABELS,
    MODEL1_TERMS,
    MODEL2_TERMS,
    OUTCOME,
    P_PRINTED,
    _no_nan,
    check_men,
    group_masks,
    survey_design,
    with_urban_hukou14,
)
from .table1 import weighted_sd


@dataclass(frozen=True)
class Table2Fit:
    """The four fitted Chinese columns of Table 2 under one split.

    ``fits`` maps ``(model, sample)`` to the :class:`~hukoumob.survey.SurveyResult`;
    ``beta`` maps it to the standardized coefficients used in the table.
    """

    split: str
    beta_sds: str
    fits: dict[tuple[str, str], SurveyResult]
    beta: dict[tuple[str, str], pd.Series]


def fit_table2(
    men: pd.DataFrame,
    split: str = "residence",
    *,
    beta_sds: str = "sample",
    lonely_psu: str = DEFAULT_LONELY_PSU,
    df_method: str = "design",
) -> Table2Fit:
    """Fit Table 2's Models 1 (urban, rural, total) and 2 (total) with design-based SEs.

    ``split`` chooses the urban/rural samples (:data:`SPLITS`); they are
    domains of the full design. ``beta_sds`` chooses the SDs of the
    standardized coefficients: ``"sample"`` (the estimation sample's weighted
    SDs) or ``"residence"`` (Table 1's residence-group SDs, national for the
    total sample). ``lonely_psu`` and ``df_method`` are passed to
    :func:`hukoumob.survey.svy_ols`.

    Raises :class:`AttainmentDataError` naming any missing column or any
    model variable with missing values (and how many).
    """
    if beta_sds not in ("sample", "residence"):
        raise ValueError(f"beta_sds={beta_sds!r} is not 'sample' or 'residence'")
    check_men(men, [OUTCOME, *MODEL1_TERMS, "hukou14_rural", *DESIGN_COLUMNS], what="Table 2")
    data = with_urban_hukou14(men)
    masks = group_masks(men, split)
    design = survey_design(men, lonely_psu=lonely_psu)
    fits: dict[tuple[str, str], SurveyResult] = {}
    beta: dict[tuple[str, str], pd.Series] = {}
    sd_masks = group_masks(men, "residence") if beta_sds == "residence" else masks
    w = design.weights
    for model, sample in COLUMNS:
        terms = list(MODEL1_TERMS if model == "model1" else MODEL2_TERMS)
        domain = None if sample == "total" else masks[sample]
        res = svy_ols(data, OUTCOME, terms, design, domain=domain, df_method=df_method)
        # estimates, covariance, df and extras only: the statsmodels model (design matrix, residuals
        # over every man) is not kept, which on a 300,000-man file is tens of MB per column of Table 2
        fits[model, sample] = res = replace(res, model=None, index=None)
        if beta_sds == "sample":
            beta[model, sample] = res.extra["beta"].drop("constant")
        else:
            m = sd_masks[GROUP_OF_SAMPLE[sample]] & (w > 0)
            sy = weighted_sd(data[OUTCOME].to_numpy(float)[m], w[m])
            beta[model, sample] = pd.Series(
                {t: res.estimates[t] * weighted_sd(data[t].to_numpy(float)[m], w[m]) / sy for t in terms},
                name="beta",
            )
    return Table2Fit(split, beta_sds, fits, beta)


def table2_rows(
    men: pd.DataFrame,
    split: str = "residence",
    *,
    beta_sds: str = "sample",
    p_values: str = "printed",
    lonely_psu: str = DEFAULT_LONELY_PSU,
    df_method: str = "design",
) -> pd.DataFrame:
    """Table 2's Chinese columns in the results form (``model, sample, term, statistic, value``).

    For each column of :data:`COLUMNS`: metric coefficients ``b`` with
    design-based ``se`` for every term and the constant, standardized
    coefficients ``beta`` (not for the constant), and ``r2`` (``term="r2"``,
    ``statistic="r2"``, the weighted R-squared). p-values (``statistic="p"``)
    only where the paper prints one (:data:`P_PRINTED`, notes c-f), or for
    every coefficient with ``p_values="all"``. See :func:`fit_table2` for
    ``split``, ``beta_sds``, ``lonely_psu`` and ``df_method``. The U.S. 1962
    column comes from :func:`hukoumob.tables.us1962.us1962_table2_rows`.
    """
    if p_values not in ("printed", "all"):
        raise ValueError(f"p_values={p_values!r} is not 'printed' or 'all'")
    fit = fit_table2(men, split, beta_sds=beta_sds, lonely_psu=lonely_psu, df_method=df_method)
    return rows_from_fit(fit, p_values=p_values)


def rows_from_fit(fit: Table2Fit, *, p_values: str = "printed") -> pd.DataFrame:
    """Tidy Table 2 rows of a :class:`Table2Fit` (see :func:`table2_rows`)."""
    rows = []
    for (model, sample), res in fit.fits.items():
        p = res.p
        for term in res.estimates.index:
            rows.append((model, sample, term, "b", float(res.estimates[term])))
            rows.append((model, sample, term, "se", float(res.se[term])))
            if p_values == "all" or (model, sample, term) in P_PRINTED:
                rows.append((model, sample, term, "p", float(p[term])))
            if term != "constant":
                rows.append((model, sample, term, "beta", float(fit.beta[model, sample][term])))
        rows.append((model, sample, "r2", "r2", float(res.extra["r2"])))
    out = pd.DataFrame(rows, columns=["model", "sample", "term", "statistic", "value"])
    _no_nan(out, "Table 2")
    return out


def format_table2(rows: pd.DataFrame, us_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 2's printed layout: metric b (se), constant, R-squared, then standardized coefficients.

    ``rows`` from :func:`table2_rows`; ``us_rows`` (optional) from
    :func:`hukoumob.tables.us1962.us1962_table2_rows`. Returns a DataFrame of
    strings, one column per printed column, "-" where the paper has none.
    """
    cell = pd.concat([rows, us_rows] if us_rows is not None else [rows]).set_index(
        ["model", "sample", "term", "statistic"])["value"]
    cols = ([("us1962", "us1962")] if us_rows is not None else []) + list(COLUMNS)
    names = {("us1962", "us1962"): "U.S. 1962", ("model1", "urban"): "Model 1 urban",
             ("model1", "rural"): "Model 1 rural", ("model1", "total"): "Model 1 total",
             ("model2", "total"): "Model 2 total"}

    def get(key, fmt):
        return fmt.format(cell[key]) if key in cell.index else "-"

    table = {}
    for term in (*MODEL2_TERMS, "constant"):
        dec = "{:.2f}" if term in ("urban_hukou14", "constant") else "{:.3f}"
        table[("Metric", LABELS[term])] = [
            get((m, s, term, "b"), dec) + (f" ({dec.format(cell[m, s, term, 'se'])})"
                                           if (m, s, term, "se") in cell.index else "")
            for m, s in cols
        ]
    table[("Metric", LABELS["r2"])] = [get((m, s, "r2", "r2"), "{:.3f}") for m, s in cols]
    for term in MODEL2_TERMS:
        table[("Standardized", LABELS[term])] = [get((m, s, term, "beta"), "{:.3f}") for m, s in cols]
    out = pd.DataFrame(table, index=[names[c] for c in cols]).T
    out.index = pd.MultiIndex.from_tuples(out.index, names=["coefficients", "variable"])
    return out


def se_comparison(men: pd.DataFrame, *, lonely_psu: str = DEFAULT_LONELY_PSU) -> pd.DataFrame:
    """Design vs cluster-robust vs plain SEs for Table 2's Model 1, total sample (the SE aside).

    :func:`hukoumob.survey.compare_se`: linearised design SEs (strata and
    PSUs, as note a), CR1 cluster-robust SEs by PSU ignoring strata, and
    model-based SEs treating the men as independent, with their ratios.
    """
    check_men(men, [OUTCOME, *MODEL1_TERMS, *DESIGN_COLUMNS], what="SE comparison")
    return compare_se(men, OUTCOME, list(MODEL1_TERMS), survey_design(men, lonely_psu=lonely_psu))


def constant_coded_1_2(fit: Table2Fit) -> tuple[float, float]:
    """Model 2's constant and its design SE had urban hukou at 14 been coded 1 (rural) / 2 (urban).

    The same model reparameterised: the constant becomes ``b_0 - b_hukou``
    with variance ``V_00 + V_hh - 2 V_0h``. :func:`published_checks` shows
    that Table 2's printed Model 2 constant fits this coding, not 0/1.
    """
    res = fit.fits["model2", "total"]
    v = res.vcov
    est = res.estimates["constant"] - res.estimates["urban_hukou14"]
    var = v.loc["constant", "constant"] + v.loc["urban_hukou14", "urban_hukou14"] - 2 * v.loc["constant", "urban_hukou14"]
    return float(est), float(np.sqrt(var))


#: Notes attached by :func:`annotate_comparison` to rows of Table 2 whose printed value is odd.
COMPARISON_NOTES = {
    ("model2", "total", "constant", "b"): "printed constant fits urban hukou coded 1/2, ours is for 0/1 "
                                         "(published_checks)",
    ("model2", "total", "constant", "p"): "printed p (note f) does not fit printed b and se",
    ("model1", "urban", "father_isei", "p"): "printed p (note e) does not fit printed b and se",
}


def annotate_comparison(comparison: pd.DataFrame) -> pd.DataFrame:
    """Add :data:`COMPARISON_NOTES` to the ``note`` column of a Table 2 :func:`hukoumob.book.results.compare`."""
    out = comparison.copy()
    keys = list(zip(out["model"], out["sample"], out["term"], out["statistic"]))
    extra = pd.Series([COMPARISON_NOTES.get(k, "") for k in keys], index=out.index)
    out["note"] = np.where(out["note"] == "", extra, out["note"] + np.where(extra == "", "", "; " + extra))
    return out
