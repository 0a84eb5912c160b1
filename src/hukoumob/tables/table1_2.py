"""Status attainment: the paper's Table 1 (descriptive statistics) and Table 2 (Blau-Duncan models).

Everything here takes the men's records (one row per man, the column names of
the results contract: ``current_isei``, ``first_isei``, ``educ``,
``father_isei``, ``father_educ``, ``birth_year``, ``hukou14_rural``,
``residence_rural``, ``party_member``, ``father_party_member14``,
``hukou_change``, ``weight``, ``stratum``, ``psu``) and returns tidy rows in
the form of ``data/published/table1.csv`` and ``table2.csv``, ready for
:func:`hukoumob.book.results.write_results` and :func:`hukoumob.book.results.compare`.

Table 1 (:func:`table1_rows`)
    Weighted means, standard deviations and proportions for all men
    (``national``) and by place of residence in 1996 (``rural``, ``urban``),
    with weighted and unweighted Ns. The weighted SD follows Stata's
    ``summarize`` with analytic weights:

    .. math:: s^2 = \\frac{n}{n-1}\\,\\frac{\\sum_i w_i (x_i - \\bar x_w)^2}{\\sum_i w_i},

    which does not depend on the scale of the weights. At Table 1's one
    decimal the divisor is immaterial (``n / (n - 1)`` moves an SD by less
    than 0.04 per cent for the smallest group, 1,395 men).

Table 2 (:func:`table2_rows`)
    Weighted least squares of current ISEI on father's schooling, father's
    ISEI, own schooling and first-job ISEI (Model 1: urban, rural, total),
    plus urban hukou at 14 (Model 2, total). Standard errors are design-based
    (Taylor linearisation with strata and PSUs, :func:`hukoumob.survey.svy_ols`),
    which is what the paper's note a describes (Stata's survey estimation).
    The urban and rural columns are *domain* estimates: the whole design is
    kept and the weights are zeroed outside the domain (Stata ``svy,
    subpop()``, R ``subset(design, ...)``). p-values are two-sided, from a t
    distribution on the design degrees of freedom (#PSUs - #strata of the
    estimation sample).

    Standardized coefficients are ``beta_k = b_k sd(x_k) / sd(y)``. By default
    (``beta_sds="sample"``) the SDs are the weighted SDs of the regression's
    own estimation sample (Stata ``regress ..., beta``). With
    ``beta_sds="residence"`` they are the SDs of the residence group of the
    same name, i.e. Table 1's SDs, which is what the published betas match
    (:func:`published_checks`).

Which urban/rural split? (:data:`SPLITS`)
    The paper's text describes Table 2's urban sample as "those with urban
    hukou", but the printed standardized coefficients and constants agree
    with Table 1's *residence* groups. Both are available: ``split="residence"``
    (place of residence in 1996, Table 1's columns) and ``split="hukou"``
    (registration in 1996: rural unless rural at 14 and changed since, see
    :func:`registration_rural_1996`). :func:`published_checks` weighs the
    published numbers alone; :func:`split_moment_checks` and
    :func:`split_distance` add the evidence of a data set.

References: Blau and Duncan (1967: 170) for the model; Binder (1983) and
Lumley (2004) for the linearised variance; StataCorp (2003) for Stata's
``svy`` conventions the paper used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hukoumob.tables import us1962
from hukoumob.inputs.published import load_published
from hukoumob.survey import DEFAULT_LONELY_PSU, SurveyDesign, SurveyResult, compare_se, svy_ols

#: The outcome of every Table 2 model.
OUTCOME = "current_isei"
#: Model 1 regressors (Table 2 rows, in the printed order).
MODEL1_TERMS: tuple[str, ...] = ("father_educ", "father_isei", "educ", "first_isei")
#: Model 2 adds urban hukou at 14 (= 1 - hukou14_rural).
MODEL2_TERMS: tuple[str, ...] = (*MODEL1_TERMS, "urban_hukou14")
#: Design columns: sampling weight, stratum, primary sampling unit.
DESIGN_COLUMNS: tuple[str, ...] = ("weight", "stratum", "psu")
#: Table 1's continuous variables (mean and SD) and dichotomous ones (proportion), printed order.
CONTINUOUS: tuple[str, ...] = ("current_isei", "first_isei", "educ", "father_isei", "father_educ", "birth_year")
DICHOTOMOUS: tuple[str, ...] = ("hukou14_rural", "residence_rural", "party_member", "father_party_member14")
#: The two readings of Table 2's urban/rural columns (see the module docstring).
SPLITS: dict[str, str] = {
    "residence": "place of residence in 1996 (Table 1's columns)",
    "hukou": "hukou registration in 1996 (the paper's text)",
}
#: Table 2's columns: (model, sample), printed order after the U.S. column.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("model1", "urban"), ("model1", "rural"), ("model1", "total"), ("model2", "total"),
)
#: Where Table 2 prints a p-value (notes c-f): (model, sample, term). Keys only, no values.
P_PRINTED: frozenset[tuple[str, str, str]] = frozenset({
    ("model1", "rural", "father_educ"),
    ("model1", "total", "father_educ"),
    ("model1", "urban", "father_isei"),
    ("model2", "total", "constant"),
})
#: Table 1 group of each Table 2 sample (the total sample is Table 1's national column).
GROUP_OF_SAMPLE = {"urban": "urban", "rural": "rural", "total": "national"}

#: Labels of the printed rows (Tables 1 and 2).
LABELS = {
    "current_isei": "Current occupation ISEI",
    "first_isei": "First occupation ISEI",
    "educ": "Years of schooling",
    "father_isei": "Father's occupation ISEI",
    "father_educ": "Father's years of schooling",
    "birth_year": "Birth year (two digits)",
    "hukou14_rural": "Hukou at 14: rural",
    "residence_rural": "Current residence: rural",
    "party_member": "Communist Party member",
    "father_party_member14": "Father party member when R was 14",
    "urban_hukou14": "Urban hukou at 14",
    "constant": "Constant",
    "r2": "R-squared",
}


class AttainmentDataError(ValueError):
    """The men's records lack a column or hold values the models cannot use."""


# --------------------------------------------------------------------------- inputs
def check_men(men: pd.DataFrame, columns: Sequence[str], *, what: str = "status attainment") -> None:
    """Stop with a clear message unless ``men`` has every column, numeric and complete.

    Raises :class:`AttainmentDataError` naming each absent column, each
    non-numeric one, and each variable with missing or infinite values
    (with their count), all at once; dichotomous variables
    (:data:`DICHOTOMOUS`, ``hukou_change``) must be 0/1. Used by Tables 1
    and 2 so that no NaN can reach a table.
    """
    if not isinstance(men, pd.DataFrame):
        raise AttainmentDataError(f"{what}: expected a DataFrame of men, got {type(men).__name__}")
    if len(men) == 0:
        raise AttainmentDataError(f"{what}: the data have no rows")
    absent = [c for c in columns if c not in men.columns]
    if absent:
        raise AttainmentDataError(f"{what}: column(s) missing from the men's records: {', '.join(absent)}")
    problems = []
    for col in columns:
        values = men[col]
        if col in ("stratum", "psu"):
            k = int(values.isna().sum())
            if k:
                problems.append(f"{col}: {k} missing value(s) of {len(men)}")
            continue
        if pd.api.types.is_bool_dtype(values):
            values = values.astype(float)
        if not pd.api.types.is_numeric_dtype(values):
            problems.append(f"{col}: not numeric (dtype {values.dtype})")
            continue
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        k = int((~np.isfinite(arr)).sum())
        if k:
            problems.append(f"{col}: {k} missing value(s) of {len(men)}")
            continue
        if col in (*DICHOTOMOUS, "hukou_change") and not np.isin(arr, (0.0, 1.0)).all():
            problems.append(f"{col}: {int((~np.isin(arr, (0.0, 1.0))).sum())} value(s) other than 0/1")
    if problems:
        raise AttainmentDataError(f"{what}: " + "; ".join(problems))


def registration_rural_1996(men: pd.DataFrame) -> pd.Series:
    """1 if a man held a rural hukou in 1996: rural at 14 and no hukou change since.

    The paper's hukou change is rural at 14 and urban in 1996; changes the
    other way are not recorded (the paper treats them as virtually absent),
    so urban-origin men count as urban.
    """
    check_men(men, ["hukou14_rural", "hukou_change"], what="hukou registration in 1996")
    bad = int(((men["hukou_change"] == 1) & (men["hukou14_rural"] == 0)).sum())
    if bad:
        raise AttainmentDataError(f"hukou_change: {bad} man/men with hukou_change = 1 but an urban hukou at 14")
    return ((men["hukou14_rural"] == 1) & (men["hukou_change"] == 0)).astype(int).rename("registration_rural_1996")


def rural_indicator(men: pd.DataFrame, split: str) -> pd.Series:
    """The 0/1 rural indicator that defines the ``rural`` and ``urban`` samples of a split.

    ``split="residence"``: ``residence_rural`` (Table 1's columns);
    ``split="hukou"``: :func:`registration_rural_1996`.
    """
    if split not in SPLITS:
        raise ValueError(f"split={split!r} is not one of {', '.join(SPLITS)}")
    if split == "residence":
        check_men(men, ["residence_rural"], what="residence split")
        return men["residence_rural"].astype(int)
    return registration_rural_1996(men)


def group_masks(men: pd.DataFrame, split: str = "residence") -> dict[str, np.ndarray]:
    """Boolean row masks of Table 1's groups: ``national`` (all), ``rural`` and ``urban`` under ``split``."""
    rural = rural_indicator(men, split).to_numpy() == 1
    masks = {"national": np.ones(len(men), dtype=bool), "rural": rural, "urban": ~rural}
    for g, m in masks.items():
        if not m.any():
            raise AttainmentDataError(f"{split} split: the {g} group has no men")
    return masks


def with_urban_hukou14(men: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``men`` with ``urban_hukou14 = 1 - hukou14_rural`` (Model 2's regressor)."""
    check_men(men, ["hukou14_rural"], what="Model 2")
    return men.assign(urban_hukou14=1.0 - men["hukou14_rural"].astype(float))


def survey_design(men: pd.DataFrame, *, lonely_psu: str = DEFAULT_LONELY_PSU) -> SurveyDesign:
    """The sample design of the men's records: strata, PSUs (villages, neighbourhoods) and weights.

    Table 2, note a: PSUs are villages and neighbourhood committees, nested
    in strata. ``lonely_psu`` is passed to :class:`hukoumob.survey.SurveyDesign`.
    """
    check_men(men, DESIGN_COLUMNS, what="survey design")
    return SurveyDesign.from_frame(men, strata="stratum", psu="psu", weights="weight", lonely_psu=lonely_psu)


# --------------------------------------------------------------------------- Table 1
def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted mean ``sum(w x) / sum(w)`` (Table 1's means and proportions)."""
    return float(np.average(np.asarray(x, float), weights=np.asarray(w, float)))


def weighted_sd(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted SD with Stata's analytic-weight divisor (Table 1's SDs).

    ``sqrt(n / (n - 1) * sum(w (x - xbar_w)^2) / sum(w))`` with ``n`` the
    number of rows of positive weight: invariant to rescaling the weights, equal to the usual
    sample SD when all weights are equal.
    """
    x = np.asarray(x, float)
    w = np.asarray(w, float)
    n = int((w > 0).sum())
    if n < 2:
        raise AttainmentDataError(f"a standard deviation needs at least 2 observations; got {n}")
    m = np.average(x, weights=w)
    return float(np.sqrt(n / (n - 1) * np.average((x - m) ** 2, weights=w)))


def birth_year_two_digits(birth_year: pd.Series) -> pd.Series:
    """Birth year as Table 1 prints it, in two digits (1955 -> 55); two-digit years pass unchanged.

    Raises :class:`AttainmentDataError` if the years mix the two forms.
    """
    y = birth_year.astype(float)
    if (y >= 1800).all():
        return y - 1900
    if (y < 100).all():
        return y
    raise AttainmentDataError(
        f"birth_year: {int((y >= 100).sum())} four-digit and {int((y < 100).sum())} two-digit years mixed"
    )


def table1_rows(men: pd.DataFrame, split: str = "residence") -> pd.DataFrame:
    """Table 1 in the results form: weighted means, SDs, proportions and Ns by group.

    Groups are ``national`` (all men) and ``rural`` / ``urban`` under
    ``split`` (Table 1 is by place of residence in 1996, the default; the
    hukou split is there for the chapter's comparison). Continuous variables
    (:data:`CONTINUOUS`) get ``mean`` and ``sd`` (:func:`weighted_sd`),
    dichotomous ones (:data:`DICHOTOMOUS`) a weighted ``proportion``; the
    birth year in two digits (:func:`birth_year_two_digits`); the
    variable ``N`` gets ``weighted_n`` (sum of weights) and ``unweighted_n``.
    As in the paper, the residence proportion is given for the national
    column only (within a residence group it is 0 or 1 by definition).

    Returns a DataFrame with columns ``variable, statistic, group, value``.
    Raises :class:`AttainmentDataError` on missing columns or values.
    """
    check_men(men, [*CONTINUOUS, *DICHOTOMOUS, "weight"], what="Table 1")
    w_all = men["weight"].to_numpy(float)
    if (w_all < 0).any() or not (w_all > 0).any():
        raise AttainmentDataError("Table 1: weights must be >= 0 and not all zero")
    data = men.assign(birth_year=birth_year_two_digits(men["birth_year"]))
    rows = []
    for group, mask in group_masks(men, split).items():
        w = w_all[mask]
        for var in CONTINUOUS:
            x = data[var].to_numpy(float)[mask]
            rows.append((var, "mean", group, weighted_mean(x, w)))
            rows.append((var, "sd", group, weighted_sd(x, w)))
        for var in DICHOTOMOUS:
            if var == "residence_rural" and group != "national" and split == "residence":
                continue
            rows.append((var, "proportion", group, weighted_mean(men[var].to_numpy(float)[mask], w)))
        rows.append(("N", "weighted_n", group, float(w.sum())))
        rows.append(("N", "unweighted_n", group, float(mask.sum())))
    out = pd.DataFrame(rows, columns=["variable", "statistic", "group", "value"])
    _no_nan(out, "Table 1")
    return out


def format_table1(rows: pd.DataFrame) -> pd.DataFrame:
    """Table 1's printed layout from :func:`table1_rows`: "mean (sd)", proportions, Ns as text."""
    cell = rows.set_index(["variable", "statistic", "group"])["value"]
    groups = ["national", "rural", "urban"]
    out = {}
    for var in CONTINUOUS:
        out[LABELS[var]] = [f"{cell[var, 'mean', g]:.1f} ({cell[var, 'sd', g]:.1f})" for g in groups]
    for var in DICHOTOMOUS:
        out[LABELS[var]] = [f"{cell[var, 'proportion', g]:.2f}" if (var, "proportion", g) in cell.index else "-"
                            for g in groups]
    out["Weighted N"] = [f"{cell['N', 'weighted_n', g]:,.0f}" for g in groups]
    out["Unweighted N"] = [f"{cell['N', 'unweighted_n', g]:,.0f}" for g in groups]
    return pd.DataFrame(out, index=["National", "Rural", "Urban"]).T


def segmentation_facts(men: pd.DataFrame) -> dict[str, float]:
    """Weighted shares the paper quotes beside Table 1 (section "Data and Variables").

    Keys: ``rural_origin`` (rural hukou at 14, all men), ``rural_residence``
    (living in a rural place in 1996), ``urban_residents_rural_origin``
    (rural origin among urban residents), ``movers_changed`` (hukou changers
    among rural-origin men living in urban places: the rest are the cities'
    "floating population"), ``urban_hukou_rural_origin`` (rural origin among
    men holding an urban hukou in 1996), ``rural_modal_isei`` and
    ``rural_modal_share`` (the most common current ISEI among rural residents
    and the weighted share holding it).
    """
    check_men(men, ["current_isei", "hukou14_rural", "residence_rural", "hukou_change", "weight"],
              what="segmentation facts")
    w = men["weight"].to_numpy(float)
    rural14 = men["hukou14_rural"].to_numpy() == 1
    rural_res = men["residence_rural"].to_numpy() == 1
    changed = men["hukou_change"].to_numpy() == 1
    reg_urban = registration_rural_1996(men).to_numpy() == 0

    def share(event, among):
        if not (among & (w > 0)).any():
            raise AttainmentDataError("segmentation facts: an empty group")
        return float(w[among & event].sum() / w[among].sum())

    isei = men["current_isei"].to_numpy(float)[rural_res]
    by_value = pd.Series(w[rural_res]).groupby(isei).sum()
    return {
        "rural_origin": share(rural14, np.ones_like(rural14)),
        "rural_residence": share(rural_res, np.ones_like(rural_res)),
        "urban_residents_rural_origin": share(rural14, ~rural_res),
        "movers_changed": share(changed, rural14 & ~rural_res),
        "urban_hukou_rural_origin": share(rural14, reg_urban),
        "rural_modal_isei": float(by_value.idxmax()),
        "rural_modal_share": float(by_value.max() / by_value.sum()),
    }


# --------------------------------------------------------------------------- Table 2
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
        fits[model, sample] = res
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


# --------------------------------------------------------------------------- which split?
def published_checks() -> pd.DataFrame:
    """What the published numbers alone say about Table 2's urban/rural columns.

    Two identities of weighted least squares, evaluated with Table 2's
    printed metric coefficients and Table 1's printed residence-group moments
    (national for the total sample):

    * ``beta``: ``beta_k = b_k sd(x_k) / sd(y)``, with Table 1's SDs (for
      urban hukou at 14, the Bernoulli SD ``sqrt(p (1 - p))`` of Table 1's
      national proportion);
    * ``constant``: a regression with an intercept passes through the
      weighted means of its estimation sample, so
      ``constant = mean(y) - sum_k b_k mean(x_k)`` with Table 1's means.

    Returns one row per check: ``model, sample, term, check, printed,
    implied, difference, bound, consistent``. ``bound`` propagates half a
    unit of the last printed digit of every input (first order) plus half a
    unit of the printed result; ``consistent`` is ``|difference| <= bound``.
    If the urban/rural columns had been fitted on other groups (hukou
    holders), the constants would in general not pass through Table 1's
    residence-group means.

    For Model 2 a further row, ``constant_hukou_coded_1_2``, evaluates the
    constant identity as if urban hukou at 14 had been coded 1 (rural) and
    2 (urban) rather than 0/1: the mean of such a variable is one more, so
    the constant is lower by the hukou coefficient.
    """
    t1 = load_published("table1").set_index(["variable", "statistic", "group"])
    t2 = load_published("table2").set_index(["model", "sample", "term", "statistic"])
    val1, dec1 = t1["value"].astype(float), t1["decimals"]
    val2, dec2 = t2["value"].astype(float), t2["decimals"]

    def half(dec):
        return 0.5 * 10.0 ** (-int(dec))

    rows = []
    for model, sample in COLUMNS:
        g = GROUP_OF_SAMPLE[sample]
        terms = MODEL1_TERMS if model == "model1" else MODEL2_TERMS
        my, hy = val1[OUTCOME, "mean", g], half(dec1[OUTCOME, "mean", g])
        sy, hsy = val1[OUTCOME, "sd", g], half(dec1[OUTCOME, "sd", g])
        const, const_bound = my, hy
        for term in terms:
            b, hb = val2[model, sample, term, "b"], half(dec2[model, sample, term, "b"])
            if term == "urban_hukou14":
                p, hp = val1["hukou14_rural", "proportion", g], half(dec1["hukou14_rural", "proportion", g])
                mx, hmx = 1.0 - p, hp
                sx = np.sqrt(p * (1 - p))
                hsx = abs(1 - 2 * p) / (2 * sx) * hp
            else:
                mx, hmx = val1[term, "mean", g], half(dec1[term, "mean", g])
                sx, hsx = val1[term, "sd", g], half(dec1[term, "sd", g])
            implied = b * sx / sy
            bound = (abs(sx / sy) * hb + abs(b / sy) * hsx + abs(b * sx / sy**2) * hsy
                     + half(dec2[model, sample, term, "beta"]))
            printed = val2[model, sample, term, "beta"]
            rows.append((model, sample, term, "beta", printed, implied, bound))
            const -= b * mx
            const_bound += abs(mx) * hb + abs(b) * hmx
        const_bound += half(dec2[model, sample, "constant", "b"])
        printed_const = val2[model, sample, "constant", "b"]
        rows.append((model, sample, "constant", "constant", printed_const, const, const_bound))
        if "urban_hukou14" in terms:
            # the same identity if urban hukou had been coded 1 (rural) / 2 (urban): its mean is
            # one more, so the constant is lower by b_hukou
            b_h, hb_h = val2[model, sample, "urban_hukou14", "b"], half(dec2[model, sample, "urban_hukou14", "b"])
            rows.append((model, sample, "constant", "constant_hukou_coded_1_2", printed_const, const - b_h,
                         const_bound + hb_h))
    out = pd.DataFrame(rows, columns=["model", "sample", "term", "check", "printed", "implied", "bound"])
    out["difference"] = out["implied"] - out["printed"]
    out["consistent"] = out["difference"].abs() <= out["bound"] + 1e-12
    return out[["model", "sample", "term", "check", "printed", "implied", "difference", "bound", "consistent"]]


def split_moment_checks(men: pd.DataFrame) -> pd.DataFrame:
    """The identities of :func:`published_checks` with each split's group moments from ``men``.

    For each split (:data:`SPLITS`) and each urban/rural column of Table 2,
    the printed metric coefficients are combined with the weighted means and
    SDs of that split's groups in the data: the standardized coefficients and
    the constant that the printed ``b`` would imply *had the regressions been
    fitted on those groups*. Returns ``split, model, sample, term, check,
    printed, implied, difference, bound, consistent``, with the rounding
    bounds of :func:`published_checks` (they cover the printed inputs only;
    the data's moments are taken as exact). With the real survey file this separates
    the two readings; on the synthetic replica it shows how far apart the
    readings are under the replica's generative model.
    """
    check_men(men, [OUTCOME, *MODEL1_TERMS, "hukou14_rural", "hukou_change", "residence_rural", "weight"],
              what="split moment checks")
    t2 = load_published("table2").set_index(["model", "sample", "term", "statistic"])["value"].astype(float)
    data = with_urban_hukou14(men)
    w_all = data["weight"].to_numpy(float)
    rows = []
    for split in SPLITS:
        masks = group_masks(men, split)
        for model, sample in COLUMNS:
            if sample == "total":
                continue
            m = masks[sample] & (w_all > 0)
            w = w_all[m]
            y = data[OUTCOME].to_numpy(float)[m]
            sy = weighted_sd(y, w)
            const = weighted_mean(y, w)
            for term in MODEL1_TERMS if model == "model1" else MODEL2_TERMS:
                x = data[term].to_numpy(float)[m]
                b = t2[model, sample, term, "b"]
                rows.append((split, model, sample, term, "beta", t2[model, sample, term, "beta"],
                             b * weighted_sd(x, w) / sy))
                const -= b * weighted_mean(x, w)
            rows.append((split, model, sample, "constant", "constant", t2[model, sample, "constant", "b"], const))
    out = pd.DataFrame(rows, columns=["split", "model", "sample", "term", "check", "printed", "implied"])
    out["difference"] = out["implied"] - out["printed"]
    bounds = published_checks().set_index(["model", "sample", "term", "check"])["bound"]
    out["bound"] = bounds.reindex(pd.MultiIndex.from_frame(out[["model", "sample", "term", "check"]])).to_numpy()
    out["consistent"] = out["difference"].abs() <= out["bound"] + 1e-12
    return out


def split_distance(rows_by_split: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """How close each split's Table 2 estimates are to the printed ones (urban and rural columns).

    ``rows_by_split`` maps a split name to its :func:`table2_rows`. For the
    Model 1 urban and rural columns: the mean absolute difference of the
    metric coefficients in published standard errors (``mean_abs_z_b``), of
    the standardized coefficients (``mean_abs_diff_beta``) and of R-squared
    (``abs_diff_r2``, mean over the two columns), and the number of printed
    ``b`` within one published SE. Smaller is closer.
    """
    pub = load_published("table2").set_index(["model", "sample", "term", "statistic"])["value"].astype(float)
    out = []
    for split, rows in rows_by_split.items():
        cell = rows.set_index(["model", "sample", "term", "statistic"])["value"]
        z, db, dr2, within = [], [], [], 0
        for sample in ("urban", "rural"):
            for term in (*MODEL1_TERMS, "constant"):
                diff = cell["model1", sample, term, "b"] - pub["model1", sample, term, "b"]
                zz = abs(diff) / pub["model1", sample, term, "se"]
                z.append(zz)
                within += int(zz <= 1)
                if term != "constant":
                    db.append(abs(cell["model1", sample, term, "beta"] - pub["model1", sample, term, "beta"]))
            dr2.append(abs(cell["model1", sample, "r2", "r2"] - pub["model1", sample, "r2", "r2"]))
        out.append({"split": split, "mean_abs_z_b": float(np.mean(z)), "b_within_1_se": within,
                    "b_compared": len(z), "mean_abs_diff_beta": float(np.mean(db)),
                    "abs_diff_r2": float(np.mean(dr2))})
    return pd.DataFrame(out).set_index("split")


# --------------------------------------------------------------------------- path model
#: The basic Blau-Duncan model as a recursive system: each variable on all earlier ones.
PATH_ORDER: tuple[str, ...] = ("father_educ", "father_isei", "educ", "first_isei", "current_isei")
#: Blau and Duncan's letters for the five variables.
PATH_LETTERS = {"father_educ": "V", "father_isei": "X", "educ": "U", "first_isei": "W", "current_isei": "Y"}


def weighted_correlations(men: pd.DataFrame, columns: Sequence[str] = PATH_ORDER) -> pd.DataFrame:
    """Weighted Pearson correlation matrix of ``columns`` (weights in ``men["weight"]``)."""
    check_men(men, [*columns, "weight"], what="weighted correlations")
    x = men[list(columns)].to_numpy(float)
    w = men["weight"].to_numpy(float)
    m = np.average(x, axis=0, weights=w)
    c = ((x - m) * w[:, None]).T @ (x - m) / w.sum()
    s = np.sqrt(np.diag(c))
    return pd.DataFrame(c / np.outer(s, s), index=list(columns), columns=list(columns))


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


# --------------------------------------------------------------------------- stand-in data
def simulate_attainment(
    n_strata: int = 25,
    psu_per_stratum: int = 4,
    men_per_psu: int = 14,
    *,
    seed: int = 2007,
    psu_sd: float = 3.0,
) -> pd.DataFrame:
    """A simulated two-sample design (rural, urban) with known Table 2 coefficients.

    Not the calibrated replica: a small generative model for tests and
    benchmarks. ``n_strata`` rural and ``n_strata`` urban strata, each with
    ``psu_per_stratum`` PSUs of ``men_per_psu`` men (the default is about
    the paper's 2,844 men: 2 x 25 x 4 x 14 = 2,800). The rural sample lives
    in rural places and is 98% of rural origin; the urban sample is 41% of
    rural origin, of whom 68% changed hukou. Current ISEI follows Model 2 with
    the coefficients in ``attrs["true"]`` plus a PSU effect and noise, so
    Model 2 on the total sample is unbiased for them. The columns follow the
    results contract.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for sample in ("rural", "urban"):
        for h in range(n_strata):
            for j in range(psu_per_stratum):
                u = rng.normal(0, psu_sd)
                for _ in range(men_per_psu):
                    rows.append((sample, f"{sample[0]}{h + 1:02d}", j + 1, u))
    d = pd.DataFrame(rows, columns=["sample", "stratum", "psu", "u"])
    n = len(d)
    rural_sample = (d["sample"] == "rural").to_numpy()
    d["residence_rural"] = rural_sample.astype(int)
    d["hukou14_rural"] = (rng.uniform(size=n) < np.where(rural_sample, 0.98, 0.41)).astype(int)
    changed = rng.uniform(size=n) < np.where(rural_sample, 0.03, 0.68)
    d["hukou_change"] = ((d["hukou14_rural"] == 1) & changed).astype(int)
    urban14 = 1 - d["hukou14_rural"].to_numpy()
    d["birth_year"] = rng.integers(27, 77, size=n)
    d["father_educ"] = np.clip(np.round(rng.gamma(1.2, 2.2, n) + 2.5 * urban14), 0, 18)
    d["father_isei"] = np.clip(16 + 0.8 * d["father_educ"] + 14 * urban14 * rng.uniform(0.3, 1.7, n)
                               + rng.normal(0, 6, n) * (rng.uniform(size=n) < 0.4), 10, 90)
    d["educ"] = np.clip(np.round(4 + 0.3 * d["father_educ"] + 0.06 * d["father_isei"] + 2.5 * urban14
                                 + 0.04 * (d["birth_year"] - 50) + rng.normal(0, 3, n)), 0, 19)
    d["first_isei"] = np.clip(8 + 0.08 * d["father_isei"] + 1.4 * d["educ"] + 8 * urban14
                              + rng.normal(0, 9, n), 10, 90)
    true = {"father_educ": -0.25, "father_isei": 0.15, "educ": 1.1, "first_isei": 0.5,
            "urban_hukou14": 7.0, "constant": 1.0}
    d["current_isei"] = (true["constant"] + sum(true[t] * d[t] for t in MODEL1_TERMS)
                         + true["urban_hukou14"] * urban14 + d["u"] + rng.normal(0, 9, n))
    d["party_member"] = (rng.uniform(size=n) < 0.05 + 0.02 * d["educ"]).astype(int)
    d["father_party_member14"] = (rng.uniform(size=n) < 0.08 + 0.1 * urban14).astype(int)
    adults = rng.integers(1, 5, size=n)
    d["weight"] = np.where(rural_sample, 2.6, 1.0) * adults / adults.mean()
    d["weight"] = d["weight"] / d["weight"].mean()
    out = d.drop(columns=["sample", "u"])
    out.attrs["true"] = true
    return out


def _no_nan(frame: pd.DataFrame, what: str) -> None:
    bad = frame["value"].isna() | ~np.isfinite(frame["value"].astype(float))
    if bad.any():
        keys = frame.loc[bad].drop(columns="value").astype(str).agg("/".join, axis=1).tolist()[:5]
        raise AttainmentDataError(f"{what}: {int(bad.sum())} value(s) could not be computed, e.g. {keys}")


__all__ = [
    "AttainmentDataError",
    "COLUMNS",
    "CONTINUOUS",
    "DICHOTOMOUS",
    "LABELS",
    "MODEL1_TERMS",
    "MODEL2_TERMS",
    "OUTCOME",
    "P_PRINTED",
    "SPLITS",
    "Table2Fit",
    "annotate_comparison",
    "birth_year_two_digits",
    "check_men",
    "constant_coded_1_2",
    "fit_table2",
    "format_table1",
    "format_table2",
    "group_masks",
    "path_coefficients",
    "published_checks",
    "registration_rural_1996",
    "rows_from_fit",
    "se_comparison",
    "segmentation_facts",
    "simulate_attainment",
    "split_distance",
    "split_moment_checks",
    "survey_design",
    "table1_rows",
    "table2_rows",
    "us1962_path_coefficients",
    "weighted_correlations",
    "weighted_mean",
    "weighted_sd",
    "with_urban_hukou14",
]
