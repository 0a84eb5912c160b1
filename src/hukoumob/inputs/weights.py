"""Case weights of the 1996 survey, as the paper's footnote 5 defines them.

Three steps, each computed separately for the urban and rural samples:

1. HHWT = adults in the household / mean adults per household (one adult was
   interviewed per household, so people in larger households are
   under-represented);
2. POPWT = (1995 population / sample size) x HHWT, with the populations and
   sample sizes of :data:`POPULATION_1995` and :data:`SAMPLE_SIZE`;
3. WEIGHT = POPWT / mean(POPWT), normalised over the whole sample so that the
   weights sum to the number of cases.

These constants are inputs of the weighting (design facts stated in the
footnote), not estimates the book reproduces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: 1995 population of urban and rural China (footnote 5).
POPULATION_1995 = {"urban": 3.52e8, "rural": 8.59e8}
#: Completed interviews in the urban and rural samples (footnote 5; both sexes).
SAMPLE_SIZE = {"urban": 3087, "rural": 3003}


def household_weight(adults: pd.Series, sample: pd.Series) -> pd.Series:
    """HHWT: adults in the household over the mean number of adults in the same sample."""
    return adults / adults.groupby(sample).transform("mean")


def population_weight(hhwt: pd.Series, sample: pd.Series) -> pd.Series:
    """POPWT = (1995 population / sample size) x HHWT, by sample (urban or rural)."""
    factor = sample.map({s: POPULATION_1995[s] / SAMPLE_SIZE[s] for s in SAMPLE_SIZE})
    return factor * hhwt


def normalized_weight(popwt: pd.Series) -> pd.Series:
    """WEIGHT = POPWT / mean(POPWT) over the whole sample (weights then sum to the sample size)."""
    return popwt / popwt.mean()


def footnote5_weights(households: pd.DataFrame) -> pd.DataFrame:
    """All three weights of footnote 5 for a table of respondents.

    ``households`` needs ``adults`` (adults aged 20-69 in the respondent's
    household, a whole number of at least 1) and ``sample`` (``"urban"`` or
    ``"rural"``). Returns a copy with ``hhwt``, ``popwt`` and ``weight`` added.
    Raises ``ValueError`` naming the column and the number of bad rows.
    """
    missing = [c for c in ("adults", "sample") if c not in households.columns]
    if missing:
        raise ValueError(f"footnote5_weights needs columns {missing}")
    adults = pd.to_numeric(households["adults"], errors="coerce")
    bad = adults.isna() | (adults < 1) | (adults != np.floor(adults))
    if bad.any():
        raise ValueError(f"'adults' must be a whole number >= 1; {int(bad.sum())} rows are not")
    sample = households["sample"]
    unknown = ~sample.isin(list(SAMPLE_SIZE))
    if unknown.any():
        raise ValueError(f"'sample' must be 'urban' or 'rural'; {int(unknown.sum())} rows are not")
    out = households.copy()
    out["hhwt"] = household_weight(adults, sample)
    out["popwt"] = population_weight(out["hhwt"], sample)
    out["weight"] = normalized_weight(out["popwt"])
    return out
