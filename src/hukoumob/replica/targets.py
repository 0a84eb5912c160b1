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
from hukoumob.inputs.schema import CLASSES, SCHEMAS

GROUPS = ("U", "C", "X")
RESIDENCES = ("rural", "urban")
#: Table 1 variables that are continuous (mean and SD by residence).
CONTINUOUS = ("current_isei", "first_isei", "educ", "father_isei", "father_educ", "birth_year")
#: Table 1 variables that are proportions (by residence).
DICHOTOMOUS = ("hukou14_rural", "party_member", "father_party_member14")

# --------------------------------------------------------------------------- calibration tolerances
# How close the replica was built to come to each printed number (issue 5 of the project). The
# calibration (:mod:`hukoumob.replica.calibrate`), the scorecard (:mod:`hukoumob.replica.scorecard`)
# and the book's verdict policy (:mod:`hukoumob.book.verdicts`) all read them from here.

#: Table 1: absolute tolerance per statistic (the paper's rounding, Ns exact).
TABLE1_TOLERANCE = {"mean": 0.1, "sd": 0.2, "proportion": 0.01, "weighted_n": 0.5, "unweighted_n": 0.0}
#: Tables 3-4: outflow percentages within half a point ...
OUTFLOW_TOLERANCE = 0.5
#: ... in father columns with at least this weighted N (smaller columns are no calibration target).
OUTFLOW_MIN_WEIGHTED_N = 50
#: Tables 2, 5, 6: coefficients within this many published SEs.
ESTIMATE_TOLERANCE_SE = 1.0
#: Tables 2, 5, 6: SEs within this share of the published SE (a ratio, never an absolute difference).
SE_RATIO_TOLERANCE = 0.3
#: Table 2: R-squared, absolute.
R2_TOLERANCE = 0.02
#: Table 6's person-years (the N of its title; text number ``t6_person_years``), relative.
PERSON_YEARS_TOLERANCE = 0.02
#: The paper's prose numbers: their tolerances and goals live with their targets (:mod:`.text_tolerances`).
from .text_tolerances import (  # noqa: E402  (re-exported: one definition each)
    TEXT_ABOUT_RELATIVE, TEXT_COUNT_TOLERANCE, TEXT_GOALS, TEXT_SHARE_TOLERANCE, TEXT_TARGETS_FILE, TOLERANCES,
    text_targets, text_targets_frame,
)
#: Share of each criterion's numbers that must be on target (the replica's acceptance goals).
GOALS = {"table1": 1.0, "tables3_4": 1.0, "unweighted_n": 1.0, "within_1se": 0.9, "r2": 1.0,
         "person_years": 1.0, "se_within_30pct": 0.8}
#: The table goals and those of the prose checks (:mod:`hukoumob.replica.statements`): the scorecard's summary.
ALL_GOALS = {**GOALS, **TEXT_GOALS}
#: What each criterion means, in words (column ``criterion`` of the scorecard and the report).
CRITERIA = {
    "table1": "Table 1 within rounding",
    "unweighted_n": "unweighted N exact",
    "tables3_4": f"within {OUTFLOW_TOLERANCE} points (column N >= {OUTFLOW_MIN_WEIGHTED_N})",
    "within_1se": "within 1 published SE",
    "se_within_30pct": f"SE within {SE_RATIO_TOLERANCE:.0%} of the published SE",
    "r2": f"R2 within {R2_TOLERANCE}",
    "person_years": f"person-years within {PERSON_YEARS_TOLERANCE:.0%}",
    "text_number": (f"text number: share within {TEXT_SHARE_TOLERANCE:g} points, count within "
                    f"{TEXT_COUNT_TOLERANCE:.0%}, from coefficients within 1 published SE"),
    "stated_fact": "stated fact holds (no man breaks it)",
    "text_sign": "asserted sign and significance hold",
    "predicted_moves": f"printed Table 6 model predicts the moves within {TEXT_COUNT_TOLERANCE:.0%}",
}


def calibration_targets(table: str, published: pd.DataFrame) -> pd.DataFrame:
    """The calibration target of each printed number of ``table`` (``"text"`` for the prose numbers).

    ``published`` holds the printed rows (the table's keys and ``value``, as
    :func:`hukoumob.inputs.published.load_published` gives them with
    ``corrected=False``, or ``data/published/text_numbers.csv`` for
    ``"text"``). Returns, on the same index: ``criterion`` (a key of
    :data:`GOALS`, ``""`` when the replica was not built to the number),
    ``target`` (the value the replica was built to: the corrected one where
    ``errata.csv`` lists a misprint), ``tolerance`` (absolute, in the
    number's unit; for ``se_within_30pct`` the ratio tolerance) and ``ratio``
    (True where the SE is judged by its ratio to the target).
    """
    out = pd.DataFrame({"criterion": "", "target": np.nan, "tolerance": np.nan, "ratio": False, "upper": False,
                        "target_reason": "", "miss_reason": ""}, index=published.index)
    if table == "text":
        py = published["id"] == "t6_person_years"
        goal = pd.to_numeric(published.loc[py, "value"], errors="coerce")
        out.loc[py, ["criterion", "target", "tolerance"]] = \
            pd.DataFrame({"criterion": "person_years", "target": goal, "tolerance": PERSON_YEARS_TOLERANCE * goal})
        tt = text_targets_frame().set_index("id")
        at = published["id"].isin(tt.index)
        got = tt.loc[published.loc[at, "id"]].set_index(published.index[at])
        out.loc[at, ["criterion", "target", "tolerance", "upper", "target_reason", "miss_reason"]] = \
            got[["criterion", "target", "tolerance", "upper", "reason", "miss_reason"]].to_numpy()
        out["upper"] = out["upper"].astype(bool)
        return out
    keys = list(SCHEMAS[table].keys)
    corrected = load_published(table)
    target = corrected.set_index(keys)["value"].reindex(pd.MultiIndex.from_frame(published[keys]))
    target = pd.to_numeric(pd.Series(target.to_numpy(), index=published.index), errors="coerce")
    if table == "table1":
        tol = published["statistic"].map(TABLE1_TOLERANCE)
        out["criterion"] = np.where(published["statistic"] == "unweighted_n", "unweighted_n", "table1")
        out["tolerance"] = tol
    elif table in ("table3", "table4"):
        n = corrected[corrected["kind"] == "weighted_n"].set_index(["panel", "father_class"])["value"].astype(float)
        col_n = pd.Series([n.get((p, f), 0.0) for p, f in zip(published["panel"], published["father_class"])],
                          index=published.index)
        hit = (published["kind"] == "pct") & published["son_class"].isin(CLASSES) & (col_n >= OUTFLOW_MIN_WEIGHTED_N)
        out.loc[hit, "criterion"] = "tables3_4"
        out.loc[hit, "tolerance"] = OUTFLOW_TOLERANCE
    elif table in ("table2", "table5", "table6"):
        rows = published if table != "table2" else published[published["model"] != "us1962"]
        est = "b" if table == "table2" else "est"
        other = [k for k in keys if k != "statistic"]
        se = corrected[corrected["statistic"] == "se"].set_index(other)["value"].astype(float)
        idx = pd.MultiIndex.from_frame(rows[other])
        printed_se = pd.Series(se.reindex(idx).to_numpy(), index=rows.index)
        is_est = (rows["statistic"] == est) & printed_se.notna()
        out.loc[is_est[is_est].index, "criterion"] = "within_1se"
        out.loc[is_est[is_est].index, "tolerance"] = ESTIMATE_TOLERANCE_SE * printed_se[is_est]
        is_se = rows["statistic"] == "se"
        # an SE is a target only where its estimate is (Table 2's R2 rows have none)
        out.loc[is_se[is_se].index, ["criterion", "tolerance", "ratio"]] = ["se_within_30pct", SE_RATIO_TOLERANCE, True]
        if table == "table2":
            r2 = rows["statistic"] == "r2"
            out.loc[r2[r2].index, ["criterion", "tolerance"]] = ["r2", R2_TOLERANCE]
    out.loc[out["criterion"] != "", "target"] = target[out["criterion"] != ""]
    return out


def on_target(ours, target, tolerance, ratio, upper=None) -> np.ndarray:
    """Whether each number is within its calibration tolerance (absolute, or as a ratio to the target);
    where ``upper``, whether it is below the target (an upper limit, plus the tolerance)."""
    ours, target, tolerance = (np.asarray(v, dtype=float) for v in (ours, target, tolerance))
    ratio = np.asarray(ratio, dtype=bool)
    upper = np.zeros(ours.shape, bool) if upper is None else np.asarray(upper, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(ratio, np.abs(ours / target - 1.0), np.abs(ours - target))
        below = ours < target + np.nan_to_num(tolerance, nan=-np.inf)
    within = np.nan_to_num(gap, nan=np.inf) <= np.nan_to_num(tolerance, nan=-1.0) + 1e-9
    return np.where(upper, below & np.isfinite(ours), within)


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


def text_target(measure: str) -> float:
    """The printed number behind one measure of :func:`text_targets` (raises KeyError naming it)."""
    t = text_targets().query("measure != ''").set_index("measure")["published"]
    if measure not in t.index:
        raise KeyError(f"text target {measure!r} not in data/replica/{TEXT_TARGETS_FILE}")
    return float(t[measure])


def sent_down_targets() -> dict[str, int]:
    """Men sent down per cell of :mod:`.sentdown` (returned; not returned by hukou at 14), from the prose."""
    total = int(text_target("sent_down_count"))
    lost = int(text_target("sent_down_not_returned"))
    lost_urban = int(text_target("sent_down_not_returned_urban_hukou14"))
    if not 0 <= lost_urban <= lost <= total:
        raise ValueError(f"sent-down targets inconsistent: {lost_urban} <= {lost} <= {total} fails")
    return {"returned": total - lost, "not_returned_urban_hukou14": lost_urban,
            "not_returned_rural_hukou14": lost - lost_urban}
