"""Table 5 shaped for reading: the frames the chapters show (no estimation here).

The chapters on Table 5 (from the published tables and from records) call
these and add a caption; every number in them comes from
:mod:`.from_published` or :mod:`.from_records`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.classes import SHORT
from hukoumob.inputs.reference import SURVEYS
from hukoumob.inputs.text_numbers import printed
from hukoumob.inputs.schema import CLASSES

KEYS = ["model", "panel", "term", "statistic"]

#: Readable names of the parameters Table 5 prints an SE for (engine names -> words).
PARAMETER_NAMES = {
    "delta": "immobility", "mu0": "overall association", "mu:hukou_change": "association x hukou change",
    "mu:educ": "association x schooling", "b:educ": "schooling", "b:hukou_change": "hukou change",
    "b:educ_x_hukou_change": "schooling x hukou change",
}

#: Column labels of :func:`hukoumob.tables.table5.from_published.model3a_standard_errors`.
SE_COLUMNS = {
    "term": "term",
    "se_published": "printed",
    "se_model": "model-based",
    "se_sandwich": "linearisation",
    "ratio_weighted": "linearisation / model-based",
    "ratio_printed": "linearisation / printed",
    "se_model_unit": "model-based, unit weights",
    "se_sandwich_unit": "linearisation, unit weights",
    "ratio_unit": "ratio, unit weights",
    "se_sandwich_scores_estimated": "linearisation, scores estimated",
}


def side_by_side(rows: pd.DataFrame, published: pd.Series) -> pd.DataFrame:
    """Panels A-C of Table 5, ours beside the published, one column pair per model.

    ``rows``: Table 5 long rows (results contract); ``published``: the
    published values indexed by :data:`KEYS`. Rows are the class scores,
    immobility and association with their SEs, in the paper's order.
    """
    ours = rows.query("statistic in ['est', 'se'] and panel != 'fit'").set_index(KEYS)["value"]
    frame = pd.DataFrame({"ours": ours, "published": published.reindex(ours.index)}).reset_index()
    frame["row"] = frame["term"] + np.where(frame["statistic"] == "se", " (se)", "")
    wide = frame.pivot(index="row", columns="model", values=["ours", "published"]).swaplevel(axis=1).sort_index(axis=1)
    order = [*CLASSES, "immobility", "immobility (se)", "overall_association", "overall_association (se)"]
    labels = {**{c: f"score {SHORT[c]}" for c in CLASSES}, "overall_association": "association",
              "overall_association (se)": "association (se)"}
    return wide.reindex(order).rename(index=labels)


def model3a_se_table(ses: pd.DataFrame) -> pd.DataFrame:
    """Model 3a's SEs of several kinds with readable column names, the like-for-like ones first."""
    return ses[list(SE_COLUMNS)].rename(columns=SE_COLUMNS)


def country_table(countries: pd.DataFrame) -> pd.DataFrame:
    """Model 1 by country (:func:`.from_published.country_comparison`), one column per country."""
    wide = countries.pivot(index="term", columns="country", values="value")
    wide = wide.reindex([*(f"phi_{c}" for c in CLASSES), "immobility", "association", "loglik"])[["China", "EW", "F", "S"]]
    return wide.rename(index={f"phi_{c}": f"score {SHORT[c]}" for c in CLASSES}, columns=COUNTRY)


#: Country labels of the comparison (codes of ``data/reference``), each with its survey year:
#: China's from the paper's text, the others' from :data:`hukoumob.inputs.reference.SURVEYS`.
COUNTRY = {"China": f"China {printed('survey_year')}",
           **{code: f"{name} {year}" for code, (name, year, _) in SURVEYS.items()}}


def immobility_and_association(fits: dict) -> pd.DataFrame:
    """Immobility and association of several fits, one column per fit (named by the dict's keys)."""
    return pd.DataFrame({name: [f.delta, f.mu0] for name, f in fits.items()}, index=["immobility", "association"])


def standard_errors_table(se: pd.DataFrame) -> pd.DataFrame:
    """Panels B-D from records (:attr:`.from_records.Table5Records.se`) with readable parameter names."""
    return se.assign(parameter=se["parameter"].map(PARAMETER_NAMES).fillna(se["parameter"]))


def scores_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Panel A (class scores), classes by model."""
    return rows[rows["panel"] == "A_scaling"].pivot(index="term", columns="model", values="value").reindex(list(CLASSES))


def fit_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Panel E (N, log-likelihood, LR chi2, df), one row per model."""
    return rows[rows["panel"] == "fit"].pivot(index="model", columns="term", values="value")[["N", "loglik", "lr_chi2", "df"]]
