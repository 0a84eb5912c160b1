"""Calibration targets of the replica, read from the transcribed tables (``data/published``).

Nothing here is typed from the paper: every number comes from
:func:`hukoumob.inputs.published.load_published` (errata applied) or from the
weighted cell counts that :mod:`hukoumob.tables.table3_4` rebuilds from Tables 3-4.

The three *origin groups* of the replica are the three ways Table 4 cuts the
men:

* ``U``: urban hukou at 14 (Table 4, Panel A);
* ``C``: rural hukou at 14, still rural in 1996 (Panel C);
* ``X``: rural hukou at 14, urban hukou in 1996, the hukou changers
  (Panel B minus Panel C).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.tables import table3_4
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import CLASSES

GROUPS = ("U", "C", "X")
RESIDENCES = ("rural", "urban")
#: Table 1 variables that are continuous (mean and SD by residence).
CONTINUOUS = ("current_isei", "first_isei", "educ", "father_isei", "father_educ", "birth_year")
#: Table 1 variables that are proportions (by residence).
DICHOTOMOUS = ("hukou14_rural", "party_member", "father_party_member14")


def table1_targets() -> dict:
    """Table 1 by residence: ``{variable: {group: {statistic: value}}}`` (national, rural, urban)."""
    t1 = load_published("table1")
    out: dict = {}
    for row in t1.itertuples():
        out.setdefault(row.variable, {}).setdefault(row.group, {})[row.statistic] = float(row.value)
    return out


def panel_counts() -> dict[str, pd.DataFrame]:
    """Rebuilt weighted counts (father rows x son columns) of the groups U, C and X.

    X = Panel B minus Panel C, with the few negative cells that rounding
    produces set to zero.
    """
    a = table3_4.rebuild_counts(*table3_4.published_panel("table4", "A_urban_origin"))
    b = table3_4.rebuild_counts(*table3_4.published_panel("table4", "B_rural_origin"))
    c = table3_4.rebuild_counts(*table3_4.published_panel("table4", "C_rural_origin_rural_now"))
    x = (b - c).clip(lower=0.0)
    return {"U": a, "C": c, "X": x}


def unweighted_counts() -> dict[str, pd.Series]:
    """Unweighted men by father's class in each group (Table 4's unweighted N rows; X = B - C)."""
    t4 = load_published("table4")

    def row(panel: str) -> pd.Series:
        sel = t4.query("panel == @panel and kind == 'unweighted_n' and father_class in @CLASSES")
        return sel.set_index("father_class")["value"].astype(float).reindex(list(CLASSES))

    a, b, c = row("A_urban_origin"), row("B_rural_origin"), row("C_rural_origin_rural_now")
    return {"U": a.astype(int), "C": c.astype(int), "X": (b - c).clip(lower=0).astype(int)}


def table2_targets() -> pd.DataFrame:
    """Table 2's metric coefficients, SEs and R2 (Chinese columns) as published."""
    t2 = load_published("table2")
    return t2[t2["model"] != "us1962"].reset_index(drop=True)


def table5_targets() -> pd.DataFrame:
    """Table 5 as published (all models)."""
    return load_published("table5")


def table6_targets() -> pd.DataFrame:
    """Table 6 as published (estimates, SEs, footnote letters)."""
    return load_published("table6")


def published_value(frame: pd.DataFrame, **keys) -> float:
    """One published number selected by its key columns (raises unless exactly one row matches)."""
    rows = frame
    for k, v in keys.items():
        rows = rows[rows[k] == v]
    if len(rows) != 1:
        raise KeyError(f"{keys}: {len(rows)} rows")
    return float(rows["value"].iloc[0])


def coefficients(frame: pd.DataFrame, model: str, statistic: str = "est", **keys) -> pd.Series:
    """Published estimates of one model of Table 5/6 (``term -> value``)."""
    sel = frame[(frame["model"] == model) & (frame["statistic"] == statistic)]
    for k, v in keys.items():
        sel = sel[sel[k] == v]
    return sel.set_index("term")["value"].astype(float)


def as_matrix(counts: pd.DataFrame) -> np.ndarray:
    """Counts in :data:`CLASSES` order (father rows, son columns)."""
    return counts.reindex(index=list(CLASSES), columns=list(CLASSES)).to_numpy(float)


def person_years_target() -> int:
    """Table 6's number of person-years, read from its title in ``data/published/README.md``.

    The N of Table 6 is in the title, not a table cell, so the transcription
    records it only in the README's file list ("(N=3,392)").
    """
    import re

    from hukoumob.inputs import paths

    text = (paths.PUBLISHED / "README.md").read_text()
    m = re.search(r"Whose Father Worked Outside of Agriculture \(N=([0-9,]+)\)", text)
    if not m:
        raise ValueError("Table 6's N not found in data/published/README.md")
    return int(m.group(1).replace(",", ""))
