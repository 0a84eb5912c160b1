"""The men's records as Tables 1 and 2 use them: names, checks, the urban/rural splits, the design.

Column names are the results contract's (``current_isei``, ``first_isei``,
``educ``, ``father_isei``, ``father_educ``, ``birth_year``, ``hukou14_rural``,
``residence_rural``, ``party_member``, ``father_party_member14``,
``hukou_change``, ``weight``, ``stratum``, ``psu``). :func:`check_men` stops
any absent, non-numeric or incomplete column before it reaches a table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hukoumob.inputs.labels import TABLE1_2_LABELS
from hukoumob.survey import DEFAULT_LONELY_PSU, SurveyDesign

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

#: Labels of the printed rows (Tables 1 and 2; one definition, :mod:`hukoumob.inputs.labels`).
LABELS = TABLE1_2_LABELS


class AttainmentDataError(ValueError):
    """The men's records lack a column or hold values the models cannot use."""


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


def _no_nan(frame: pd.DataFrame, what: str) -> None:
    bad = frame["value"].isna() | ~np.isfinite(frame["value"].astype(float))
    if bad.any():
        keys = frame.loc[bad].drop(columns="value").astype(str).agg("/".join, axis=1).tolist()[:5]
        raise AttainmentDataError(f"{what}: {int(bad.sum())} value(s) could not be computed, e.g. {keys}")
