"""Tables 3 and 4 computed from individual records (the replica or the real file), in the results form.

(Table 1 from records is :func:`hukoumob.tables.table1_2.table1_rows`, the one route.)

* :func:`outflow_table`: weighted outflow percentages (son's class within
  father's class), the Total column, weighted and unweighted Ns, for Table 3
  (all men) and Table 4's panels (urban origin, rural origin, rural origin
  still holding a rural hukou).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.schema import CLASSES

PANELS = {
    ("table3", "total"): lambda m: np.ones(len(m), bool),
    ("table4", "A_urban_origin"): lambda m: (m["hukou14_rural"] == 0).to_numpy(),
    ("table4", "B_rural_origin"): lambda m: (m["hukou14_rural"] == 1).to_numpy(),
    ("table4", "C_rural_origin_rural_now"): lambda m: ((m["hukou14_rural"] == 1) & (m["hukou_change"] == 0)).to_numpy(),
}


def weighted_table(men: pd.DataFrame, sel: np.ndarray | None = None) -> pd.DataFrame:
    """Weighted origin (father, rows) x destination (son, columns) counts in class order."""
    m = men if sel is None else men[sel]
    t = m.pivot_table(index="father_class", columns="son_class", values="weight", aggfunc="sum", fill_value=0.0, observed=False)
    return t.reindex(index=list(CLASSES), columns=list(CLASSES), fill_value=0.0).astype(float)


def outflow_table(men: pd.DataFrame, table: str, panel: str) -> pd.DataFrame:
    """One outflow panel from records, in the tidy form of ``data/published/table3.csv``/``table4.csv``."""
    sel = PANELS[(table, panel)](men)
    counts = weighted_table(men, sel)
    unw = men[sel].groupby("father_class", observed=True).size().reindex(list(CLASSES), fill_value=0)
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
