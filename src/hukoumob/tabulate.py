"""Tables 1, 3 and 4 computed from individual records (the replica or the real file), in the results form.

* :func:`table1`: weighted means and SDs (continuous variables), weighted
  proportions (dummies), weighted and unweighted Ns, by residence in 1996
  (``residence_rural``) and nationally; birth year is printed as its last
  two digits (``birth_year - 1900``), as in the paper.
* :func:`outflow_table`: weighted outflow percentages (son's class within
  father's class), the Total column, weighted and unweighted Ns, for Table 3
  (all men) and Table 4's panels (urban origin, rural origin, rural origin
  still holding a rural hukou).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import CLASSES

CONTINUOUS = ("current_isei", "first_isei", "educ", "father_isei", "father_educ", "birth_year")
DICHOTOMOUS = ("hukou14_rural", "residence_rural", "party_member", "father_party_member14")
PANELS = {
    ("table3", "total"): lambda m: np.ones(len(m), bool),
    ("table4", "A_urban_origin"): lambda m: (m["hukou14_rural"] == 0).to_numpy(),
    ("table4", "B_rural_origin"): lambda m: (m["hukou14_rural"] == 1).to_numpy(),
    ("table4", "C_rural_origin_rural_now"): lambda m: ((m["hukou14_rural"] == 1) & (m["hukou_change"] == 0)).to_numpy(),
}


def _wmean(x, w):
    return float(np.sum(w * x) / np.sum(w))


def _wsd(x, w):
    """Weighted SD with denominator sum(w) - 1 (Stata ``summarize`` with aweights normalised to n)."""
    m = _wmean(x, w)
    return float(np.sqrt(np.sum(w * (x - m) ** 2) / (np.sum(w) - 1)))


def table1(men: pd.DataFrame) -> pd.DataFrame:
    """Table 1 from records: rows (variable, statistic, group, value) of the results contract."""
    rows = []
    groups = {"national": np.ones(len(men), bool), "rural": (men["residence_rural"] == 1).to_numpy(),
              "urban": (men["residence_rural"] == 0).to_numpy()}
    w_all = men["weight"].to_numpy(float)
    for g, sel in groups.items():
        w = w_all[sel]
        for var in CONTINUOUS:
            x = men.loc[sel, var].to_numpy(float) - (1900 if var == "birth_year" else 0)
            rows += [(var, "mean", g, _wmean(x, w)), (var, "sd", g, _wsd(x, w))]
        for var in DICHOTOMOUS:
            if var == "residence_rural" and g != "national":
                continue
            rows.append((var, "proportion", g, _wmean(men.loc[sel, var].to_numpy(float), w)))
        rows += [("N", "weighted_n", g, float(w.sum())), ("N", "unweighted_n", g, float(sel.sum()))]
    return pd.DataFrame(rows, columns=["variable", "statistic", "group", "value"])


def weighted_table(men: pd.DataFrame, sel: np.ndarray | None = None) -> pd.DataFrame:
    """Weighted origin (father, rows) x destination (son, columns) counts in class order."""
    m = men if sel is None else men[sel]
    t = m.pivot_table(index="father_class", columns="son_class", values="weight", aggfunc="sum", fill_value=0.0, observed=False)
    return t.reindex(index=list(CLASSES), columns=list(CLASSES), fill_value=0.0).astype(float)


def outflow_table(men: pd.DataFrame, table: str, panel: str) -> pd.DataFrame:
    """One outflow panel from records, in the tidy form of ``data/published/table3.csv``/``table4.csv``."""
    sel = PANELS[(table, panel)](men)
    counts = weighted_table(men, sel)
    unw = men[sel].groupby("father_class").size().reindex(list(CLASSES), fill_value=0)
    cols = counts.T.copy()
    cols["total"] = cols.sum(axis=1)
    pct = cols / cols.sum(axis=0) * 100
    rows = []
    for son in CLASSES:
        for father in [*CLASSES, "total"]:
            rows.append((son, father, "pct", float(pct.loc[son, father])))
    for father in [*CLASSES, "total"]:
        rows.append(("total", father, "pct", float(pct[father].sum())))
        rows.append(("N", father, "weighted_n", float(cols[father].sum())))
        rows.append(("N", father, "unweighted_n", float(unw.sum() if father == "total" else unw[father])))
    out = pd.DataFrame(rows, columns=["son_class", "father_class", "kind", "value"])
    out.insert(0, "panel", panel)
    return out[["panel", "son_class", "father_class", "value", "kind"]]


def outflow_tables(men: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Tables 3 and 4 from records: ``{"table3": ..., "table4": ...}``."""
    out = {}
    for (table, panel) in PANELS:
        out.setdefault(table, []).append(outflow_table(men, table, panel))
    return {t: pd.concat(f, ignore_index=True) for t, f in out.items()}
