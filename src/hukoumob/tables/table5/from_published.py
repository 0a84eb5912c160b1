"""Table 5, Models 1, 2 and 3a, re-estimated from the published Tables 3 and 4.

These models have no individual covariates, so they depend on the data only
through the weighted origin x destination tables, which
:mod:`hukoumob.tables.table3_4` rebuilds from the printed percentages and Ns. This
module fits them with :mod:`hukoumob.mobility`, works out how much of each
difference from the paper the rounding of the printed inputs explains, and
how much the scale of the paper's weights does. It also tries Model 3b on the
Panel B minus Panel C split, checks from Panels B and C which kind of
standard error Table 5 prints (:func:`model3a_standard_errors`), and fits
Model 1 to the England, France and Sweden tables for the comparison the paper
describes in its notes 8 and 11.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.tables import table3_4
from hukoumob.inputs import paths
from hukoumob.mobility import fit_records, fit_table
from hukoumob.inputs.reference import load_erikson_tables
from hukoumob.mobility.results import SE_KINDS, MobilityResults
from hukoumob.survey import SurveyDesign, linearized_vcov
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import CLASSES, SCHEMAS

#: The published panel each model is fitted to.
PANEL_OF_MODEL: dict[str, tuple[str, str]] = {
    "model1": ("table3", "total"),
    "model2": ("table4", "A_urban_origin"),
    "model3a": ("table4", "B_rural_origin"),
}
_KEYS = ["model", "panel", "term", "statistic"]


def unweighted_n(table: str, panel: str) -> float:
    """The printed unweighted N of a panel (errata applied): the paper's N is this times six."""
    pub = load_published(table)
    row = pub.query("panel == @panel and kind == 'unweighted_n' and father_class == 'total'")
    return float(row["value"].iloc[0])


def fit_published(model: str, pct: pd.DataFrame | None = None, n: pd.Series | None = None,
                  **fit_options) -> MobilityResults:
    """Fit one of Models 1, 2, 3a to the weighted counts rebuilt from its published panel.

    ``pct`` and ``n`` override the printed percentages and Ns (used to
    perturb them within their rounding).
    """
    table, panel = PANEL_OF_MODEL[model]
    if pct is None or n is None:
        pct, n = table3_4.published_panel(table, panel)
    counts = table3_4.rebuild_counts(pct, n)
    return fit_table(table3_4.as_array(counts), categories=CLASSES, n_persons=unweighted_n(table, panel), **fit_options)


def fit_panel(panel: str, table: str = "table4", **fit_options) -> MobilityResults:
    """Model 1 (quasi-RC II with a uniform diagonal) fitted to any printed panel of Tables 3-4."""
    return fit_table(table3_4.as_array(table3_4.rebuild_counts(*table3_4.published_panel(table, panel))), categories=CLASSES,
                     **fit_options)


def rows_from_published(model: str) -> pd.DataFrame:
    """Table 5 rows of one model (results-contract form), fitted to the published panel."""
    return fit_published(model).to_table5_rows(model, allowed=SCHEMAS["table5"].allowed)


def rounding_spread(model: str, step: float = 1e-4) -> pd.Series:
    """How far each Table 5 number can move when the printed inputs move within their rounding.

    First-order worst case: with y the Table 5 rows and x the printed
    percentages (rounded to 0.05 points) and weighted Ns (rounded to 0.5
    men) of the panel(s) the model is fitted to, the bound is
    sum_i |dy/dx_i| h_i, the derivatives by forward differences of re-fits
    from the deterministic start. This is the ``bound`` behind the verdicts
    of the chapter: a difference from the paper within it is explained by the
    rounding of Tables 3 and 4 alone.
    """
    if model == "model3b":
        panels = [("table4", "B_rural_origin"), ("table4", "C_rural_origin_rural_now")]
        refit = lambda moved: fit_model3b_from_tables(moved, n_starts=1)[0]  # noqa: E731
    else:
        panels = [PANEL_OF_MODEL[model]]
        refit = lambda moved: fit_published(model, *moved[panels[0]], n_starts=1)  # noqa: E731
    printed = {key: table3_4.published_panel(*key) for key in panels}
    base = refit(printed).to_table5_rows(model).set_index(_KEYS)["value"]
    bound = pd.Series(0.0, index=base.index)
    for key, (pct, n) in printed.items():
        for v in CLASSES:  # father's column v: its six cells and its N
            for what, half in [*((q, 0.05) for q in CLASSES), ("N", 0.5)]:
                p, m = pct.copy(), n.copy()
                if what == "N":
                    m[v] += step
                else:
                    p.loc[what, v] += step
                moved = {**printed, key: (p, m)}
                again = refit(moved).to_table5_rows(model).set_index(_KEYS)["value"]
                bound += ((again - base) / step).abs() * half
    return bound


def table5_from_published() -> pd.DataFrame:
    """Models 1, 2 and 3a in results form with a ``bound`` column (printed rounding + input rounding).

    The bound of each row is :func:`rounding_spread` plus half a unit of the
    number as the paper prints it, so that the verdict "reproduced" means:
    within what rounding of the inputs and of the output can explain.
    """
    pub = load_published("table5").set_index(_KEYS)["decimals"]
    frames = []
    for model in PANEL_OF_MODEL:
        rows = rows_from_published(model)
        spread = rounding_spread(model).reindex(rows.set_index(_KEYS).index).to_numpy()
        half = pub.reindex(rows.set_index(_KEYS).index).map(lambda d: 0.5 * 10.0 ** -d).to_numpy()
        frames.append(rows.assign(bound=spread + np.nan_to_num(half, nan=0.0)))
    return pd.concat(frames, ignore_index=True)


def weight_scale(rows: pd.DataFrame) -> pd.DataFrame:
    """What the published log-likelihoods say about the total of the paper's weights.

    A weighted log-likelihood is a sum over men of weight x log-probability,
    so scaling every weight by ``c`` scales the log-likelihood and the LR
    chi-square by ``c`` and divides standard errors by sqrt(c), leaving the
    estimates alone. Per model: ``c`` from the log-likelihood, ``c`` from the
    LR chi-square, and the standard errors that ``c`` (from the
    log-likelihood alone) predicts, beside the printed ones.
    """
    ours = rows.set_index(_KEYS)["value"]
    pub = load_published("table5").set_index(_KEYS)["value"]
    out = []
    for model in sorted(set(rows["model"])):
        c_ll = pub[(model, "fit", "loglik", "est")] / ours[(model, "fit", "loglik", "est")]
        c_lr = pub[(model, "fit", "lr_chi2", "est")] / ours[(model, "fit", "lr_chi2", "est")]
        for panel, term in (("B_immobility", "immobility"), ("C_association", "overall_association")):
            se = ours[(model, panel, term, "se")]
            out.append({
                "model": model, "c_from_loglik": c_ll, "c_from_lr_chi2": c_lr, "term": term,
                "se_ours": se, "se_rescaled": se / np.sqrt(c_ll), "se_published": pub[(model, panel, term, "se")],
            })
    return pd.DataFrame(out)


def changers_and_stayers(panels: dict | None = None) -> dict[str, pd.DataFrame]:
    """Rural-origin men split by hukou change: Table 4 Panel C (stayers) and Panel B minus C (changers).

    Cells where the subtraction goes negative (rounding of two panels) are
    set to zero; the number of such cells is returned under ``"negative"``.
    ``panels`` may replace the printed ``(pct, n)`` of either panel.
    """
    panels = panels or {}
    b_key, c_key = ("table4", "B_rural_origin"), ("table4", "C_rural_origin_rural_now")
    b = table3_4.rebuild_counts(*panels.get(b_key, table3_4.published_panel(*b_key)))
    c = table3_4.rebuild_counts(*panels.get(c_key, table3_4.published_panel(*c_key)))
    diff = b - c
    negative = int((diff < 0).to_numpy().sum())
    return {"changers": diff.clip(lower=0), "stayers": c, "negative": negative}


def fit_model3b_from_tables(panels: dict | None = None, **fit_options) -> tuple[MobilityResults, int]:
    """Model 3b (association varying with hukou change) on the Panel B minus C split.

    Each weighted cell of the two tables becomes one record with the cell's
    count as its weight and ``hukou_change`` = 1 for changers. Returns the fit
    and the number of negative cells set to zero. The paper's N for 3b cannot
    be rebuilt this way (the unweighted counts of changers are not printed),
    so only the estimates are comparable. Model 3b has no covariate other
    than the hukou-change split, so with exact tables this fit would equal
    the paper's.
    """
    split = changers_and_stayers(panels)
    origin, destination, weight, change = [], [], [], []
    for flag, table in ((1, split["changers"]), (0, split["stayers"])):
        for v in CLASSES:
            for q in CLASSES:
                if table.loc[v, q] > 0:
                    origin.append(v)
                    destination.append(q)
                    weight.append(table.loc[v, q])
                    change.append(flag)
    fit = fit_records(np.array(origin), np.array(destination), t=np.array(change, float)[:, None],
                      t_names=["hukou_change"], weights=np.array(weight), categories=CLASSES,
                      **fit_options)
    return fit, split["negative"]


def worked_odds(fit: MobilityResults) -> pd.Series:
    """The paper's worked example for Model 1 (section on Table 5): a professional's son who leaves I+II.

    The odds of destination III against destination q, relative to what they
    would be without origin-destination association, are
    exp(phi_I_II (phi_III - phi_q) mu); returned as per-cent increases for
    q = IVab, V_VI, VIIa and farm.
    """
    phi, mu = fit.phi, fit.mu0
    return pd.Series(
        {q: 100 * (np.exp(phi["I_II"] * (phi["III"] - phi[q]) * mu) - 1) for q in ("IVab", "V_VI", "VIIa", "farm")}
    )


def country_comparison(china: MobilityResults | None = None) -> pd.DataFrame:
    """Model 1 for China (Table 3) and for England and Wales, France and Sweden (notes 8 and 11).

    Tidy ``country, term, value`` rows: the six scores ``phi_<class>``,
    ``immobility``, ``association`` and ``loglik`` (conditional on origin).
    """
    fits = {"China": china or fit_published("model1")}
    fits.update({k: fit_table(v, categories=CLASSES) for k, v in load_erikson_tables().items()})
    rows = []
    for country, fit in fits.items():
        rows += [(country, f"phi_{c}", fit.phi[c]) for c in CLASSES]
        rows += [(country, "immobility", fit.delta), (country, "association", fit.mu0), (country, "loglik", fit.loglik)]
    return pd.DataFrame(rows, columns=["country", "term", "value"])


def write_country_comparison(frame: pd.DataFrame) -> None:
    """Write ``results/comparison_countries.csv`` (columns country, term, value)."""
    out = paths.results_dir()
    out.mkdir(parents=True, exist_ok=True)
    frame[["country", "term", "value"]].to_csv(out / "comparison_countries.csv", index=False)


def rural_origin_records() -> pd.DataFrame:
    """Rural-origin men rebuilt one row per man from Table 4 Panels B and C (Table 5 Model 3a's data).

    Panel C is the rural-origin men living in rural areas, Panel B minus C
    those living in cities. Per (residence, father's class) column the
    printed weighted and unweighted Ns give the column's mean weight; each
    cell's weighted count divided by it, rounded, is its number of men, and
    each man carries the mean weight. Columns: ``father_class``,
    ``son_class``, ``residence`` (``rural``/``urban``), ``weight``. Cells of
    B minus C that go negative (rounding of two panels) get no men.
    """
    b_key, c_key = ("table4", "B_rural_origin"), ("table4", "C_rural_origin_rural_now")
    (_, n_b), (_, n_c) = table3_4.published_panel(*b_key), table3_4.published_panel(*c_key)
    pub = load_published("table4").query("kind == 'unweighted_n'").set_index(["panel", "father_class"])["value"]
    unw_b = pub[b_key[1]].reindex(list(CLASSES)).astype(float)
    unw_c = pub[c_key[1]].reindex(list(CLASSES)).astype(float)
    split = changers_and_stayers()
    columns = {
        "rural": (split["stayers"], n_c[list(CLASSES)] / unw_c),
        "urban": (split["changers"], (n_b[list(CLASSES)] - n_c[list(CLASSES)]) / (unw_b - unw_c)),
    }
    rows = []
    for residence, (counts, mean_weight) in columns.items():
        for v in CLASSES:
            for q in CLASSES:
                men = int(round(counts.loc[v, q] / mean_weight[v]))
                rows += [(v, q, residence, float(mean_weight[v]))] * men
    return pd.DataFrame(rows, columns=["father_class", "son_class", "residence", "weight"])


def _model3a_ses(d: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Model 3a on men-records with ``weights``: its SEs of every kind (:data:`SE_KINDS`), by term.

    The design is each man his own PSU in one stratum (no clustering): the
    sandwich of White (1982) with the survey scale ``n / (n - 1)``.
    """
    fit = fit_records(d["father_class"].to_numpy(), d["son_class"].to_numpy(), weights=weights, categories=CLASSES)
    fit = fit.with_design(SurveyDesign(weights=weights), None, linearized_vcov)
    names = {"delta": "immobility", "mu0": "overall_association"}
    return pd.DataFrame({k: fit.standard_errors(se=k)[list(names)].rename(names) for k in SE_KINDS})


def model3a_standard_errors(records: pd.DataFrame | None = None) -> pd.DataFrame:
    """Are Table 5's standard errors design-based? Model 3a's SEs several ways, from the published tables alone.

    On :func:`rural_origin_records` (``records`` may replace them), one row
    per term (immobility, association), all through
    :meth:`MobilityResults.standard_errors` with its ``se`` option:

    * ``se_model``: model-based with the class scores held fixed and the
      paper's weights: what a conditional logit (Hendrickx's ``mcl``)
      reports, the paper's convention;
    * ``se_model_unit``: the same with unit weights;
    * ``se_sandwich_unit``: the linearisation (sandwich) SE with unit
      weights, scores held fixed, each man his own PSU: what the model's lack
      of fit alone adds (``ratio_unit`` = over ``se_model_unit``);
    * ``se_sandwich``: the same with the paper's weights, i.e. the
      design-based SE under the most favourable design those weights allow
      (no clustering, no variation of the weights within a residence x
      father's-class column; ``ratio_weighted`` = over ``se_model``,
      ``ratio_printed`` = over the printed SE). Clustering by village and
      the household-size part of the footnote-5 weights would normally add
      to it;
    * ``se_sandwich_scores_estimated``: the sandwich with the paper's weights
      that also propagates the estimated scores (not like with like: the
      paper's SEs hold the scores fixed).
    """
    d = rural_origin_records() if records is None else records
    paper = _model3a_ses(d, d["weight"].to_numpy(dtype=float))
    unit = _model3a_ses(d, np.ones(len(d)))
    printed = load_published("table5").query("model == 'model3a' and statistic == 'se'").set_index("term")["value"]
    out = pd.DataFrame({
        "term": paper.index,
        "se_published": printed.reindex(paper.index).astype(float).to_numpy(),
        "se_model": paper["model"].to_numpy(),
        "se_model_unit": unit["model"].to_numpy(),
        "se_sandwich_unit": unit["design"].to_numpy(),
        "se_sandwich": paper["design"].to_numpy(),
        "se_sandwich_scores_estimated": paper["design_scores_estimated"].to_numpy(),
    })
    out["ratio_unit"] = out["se_sandwich_unit"] / out["se_model_unit"]
    out["ratio_weighted"] = out["se_sandwich"] / out["se_model"]
    out["ratio_printed"] = out["se_sandwich"] / out["se_published"]
    out.attrs["men"] = len(d)
    return out


def association_span(fit: MobilityResults) -> float:
    """The association on a scale that does not depend on how the scores are spread:
    ``mu (phi_max - phi_min)**2``, the log odds ratio (net of immobility) between the two
    classes farthest apart on the model's scale, as origins and as destinations."""
    phi = np.array([fit.phi[c] for c in CLASSES], dtype=float)
    return float(fit.mu0 * (phi.max() - phi.min()) ** 2)


#: Table 5 parameters grouped for :func:`largest_differences`: name -> (panel, statistic).
PARAMETER_GROUPS = {
    "class scores": ("A_scaling", "est"),
    "immobility": ("B_immobility", "est"),
    "association": ("C_association", "est"),
    "immobility SE": ("B_immobility", "se"),
    "association SE": ("C_association", "se"),
}


def largest_differences(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per group of Table 5 parameters: the largest |ours - printed| of Models 1, 2, 3a, where it is, its bound.

    ``comparison``: :func:`hukoumob.book.results.compare` of :func:`table5_from_published`.
    Columns: parameter, largest_difference, model, term, bound (of that row), n, n_within_bound.
    """
    rows = []
    for name, (panel, statistic) in PARAMETER_GROUPS.items():
        sub = comparison[(comparison["panel"] == panel) & (comparison["statistic"] == statistic)]
        if sub.empty:
            continue
        gap = sub["difference"].abs()
        bound = sub["tolerance" if "tolerance" in sub.columns else "bound"]
        top = sub.loc[gap.idxmax()]
        rows.append({"parameter": name, "largest_difference": float(gap.max()), "model": top["model"],
                     "term": top["term"], "bound": float(bound[gap.idxmax()]), "n": len(sub),
                     "n_within_bound": int((gap <= bound + 1e-9).sum())})
    return pd.DataFrame(rows)
