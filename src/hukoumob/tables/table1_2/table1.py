"""Table 1: weighted means, standard deviations and proportions by place of residence.

Weighted moments come from :class:`statsmodels.stats.weightstats.DescrStatsW`.
The SD follows Stata's ``summarize`` with analytic weights,

.. math:: s^2 = \\frac{n}{n-1}\\,\\frac{\\sum_i w_i (x_i - \\bar x_w)^2}{\\sum_i w_i},

which does not depend on the scale of the weights (``DescrStatsW``'s own
``ddof`` divides by ``sum(w) - ddof``, the frequency-weight convention, so
its ``var`` is taken with ``ddof=0`` and scaled by ``n / (n - 1)``). At
Table 1's one decimal the divisor is immaterial (``n / (n - 1)`` moves an
SD by less than 0.04 per cent for the smallest group, 1,395 men).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import DescrStatsW

from .men import (
    CONTINUOUS,
    DICHOTOMOUS,
    LABELS,
    AttainmentDataError,
    _no_nan,
    check_men,
    group_masks,
    registration_rural_1996,
)


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted mean ``sum(w x) / sum(w)`` (Table 1's means and proportions; ``DescrStatsW.mean``)."""
    return float(DescrStatsW(np.asarray(x, float), weights=np.asarray(w, float)).mean)


def weighted_sd(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted SD with Stata's analytic-weight divisor (Table 1's SDs).

    ``sqrt(n / (n - 1) * sum(w (x - xbar_w)^2) / sum(w))`` with ``n`` the
    number of rows of positive weight (``DescrStatsW.var`` times ``n / (n - 1)``):
    invariant to rescaling the weights, equal to the usual sample SD when all
    weights are equal.
    """
    x = np.asarray(x, float)
    w = np.asarray(w, float)
    n = int((w > 0).sum())
    if n < 2:
        raise AttainmentDataError(f"a standard deviation needs at least 2 observations; got {n}")
    return float(np.sqrt(n / (n - 1) * DescrStatsW(x, weights=w).var))


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


def _segmentation_groups(men: pd.DataFrame) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """(event, among) masks of each share of :func:`segmentation_facts`, the weights and the rural residents."""
    check_men(men, ["current_isei", "hukou14_rural", "residence_rural", "hukou_change", "weight"],
              what="segmentation facts")
    w = men["weight"].to_numpy(float)
    rural14 = men["hukou14_rural"].to_numpy() == 1
    rural_res = men["residence_rural"].to_numpy() == 1
    changed = men["hukou_change"].to_numpy() == 1
    reg_urban = registration_rural_1996(men).to_numpy() == 0
    everyone = np.ones_like(rural14)
    isei = men["current_isei"].to_numpy(float)
    by_value = pd.Series(w[rural_res]).groupby(isei[rural_res]).sum()
    modal = (isei == by_value.idxmax()) if len(by_value) else np.zeros_like(rural14)
    groups = {
        "rural_origin": (rural14, everyone),
        "rural_residence": (rural_res, everyone),
        "urban_residents_rural_origin": (rural14, ~rural_res),
        "movers_changed": (changed, rural14 & ~rural_res),
        "urban_hukou_rural_origin": (rural14, reg_urban),
        "rural_modal_isei": (modal, rural_res),
        "rural_modal_share": (modal, rural_res),
    }
    return groups, w, rural_res


def segmentation_facts(men: pd.DataFrame) -> dict[str, float]:
    """Weighted shares the paper quotes beside Table 1 (section "Data and Variables").

    Keys: ``rural_origin`` (rural hukou at 14, all men), ``rural_residence``
    (living in a rural place in 1996), ``urban_residents_rural_origin``
    (rural origin among urban residents), ``movers_changed`` (hukou changers
    among rural-origin men living in urban places: the rest are the cities'
    "floating population"), ``urban_hukou_rural_origin`` (rural origin among
    men holding an urban hukou in 1996), ``rural_modal_isei`` and
    ``rural_modal_share`` (the most common current ISEI among rural residents
    and the weighted share holding it). The men each rests on:
    :func:`segmentation_counts`.
    """
    groups, w, rural_res = _segmentation_groups(men)

    def share(event, among):
        if not (among & (w > 0)).any():
            raise AttainmentDataError("segmentation facts: an empty group")
        return float(w[among & event].sum() / w[among].sum())

    isei = men["current_isei"].to_numpy(float)[rural_res]
    by_value = pd.Series(w[rural_res]).groupby(isei).sum()
    out = {k: share(*groups[k]) for k in groups if not k.startswith("rural_modal")}
    out["rural_modal_isei"] = float(by_value.idxmax())
    out["rural_modal_share"] = float(by_value.max() / by_value.sum())
    return out


def segmentation_counts(men: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Unweighted men behind each share of :func:`segmentation_facts`: (men with the attribute, men in the
    group); for the modal ISEI, the rural residents holding it and all rural residents."""
    groups, _, _ = _segmentation_groups(men)
    return {k: (int((event & among).sum()), int(among.sum())) for k, (event, among) in groups.items()}
