"""Tables 3 and 4: weighted mobility tables rebuilt from published outflow percentages.

An outflow table prints, for each father's class v, the percentage of sons in
each class q and the column's weighted N. The weighted cell count is therefore

    n_vq = p_qv / 100 * N_v,

which is all the multinomial models of Table 5 (Models 1, 2 and 3a) need from
the data. Re-percentaging the rebuilt counts gives the published cells back up
to rounding, and it gives the *Total* column and the total N as genuine
derived quantities: the Total column is the N-weighted average of the father
columns, sum_v p_qv N_v / sum_v N_v.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import CLASSES

OUTFLOW_TABLES = {"table3": ("total",), "table4": ("A_urban_origin", "B_rural_origin", "C_rural_origin_rural_now")}


def published_panel(table: str, panel: str) -> tuple[pd.DataFrame, pd.Series]:
    """The printed percentages (son rows x father columns) and father-column weighted Ns of one panel.

    Both include the ``total`` column as printed; errata are applied.
    """
    if panel not in OUTFLOW_TABLES.get(table, ()):
        raise ValueError(f"{table} has no outflow panel {panel!r}; panels: {OUTFLOW_TABLES.get(table)}")
    pct, n = panel_from_rows(load_published(table), panel)
    if pct.isna().any().any() or n.isna().any():
        raise ValueError(f"{table} panel {panel}: the transcription lacks some cells or Ns")
    return pct, n


def panel_from_rows(rows: pd.DataFrame, panel: str) -> tuple[pd.DataFrame, pd.Series]:
    """Percentages (son rows x father columns, ``total`` included) and weighted Ns of one panel from tidy
    rows in the results contract (``data/published/`` or ``results/`` of one source); missing cells are NaN."""
    pub = rows[rows["panel"].astype(str) == panel]
    cols = [*CLASSES, "total"]
    pct = (
        pub[(pub["kind"] == "pct") & pub["son_class"].isin(CLASSES)]
        .pivot(index="son_class", columns="father_class", values="value")
        .reindex(index=list(CLASSES), columns=cols)
        .astype(float)
    )
    n = pub[pub["kind"] == "weighted_n"].set_index("father_class")["value"].reindex(cols).astype(float)
    return pct, n


def column_ns(table: str, panel: str) -> pd.DataFrame:
    """The printed men per father's column of one panel (six classes and ``total``): columns
    ``weighted_n`` and ``unweighted_n``, as printed in Tables 3 and 4 (errata applied)."""
    if panel not in OUTFLOW_TABLES.get(table, ()):
        raise ValueError(f"{table} has no outflow panel {panel!r}; panels: {OUTFLOW_TABLES.get(table)}")
    pub = load_published(table)
    pub = pub[(pub["panel"].astype(str) == panel) & (pub["son_class"] == "N")]
    out = pub.pivot(index="father_class", columns="kind", values="value").reindex([*CLASSES, "total"])
    return out.reindex(columns=["weighted_n", "unweighted_n"]).astype(float)


def rebuild_counts(pct: pd.DataFrame, n: pd.Series) -> pd.DataFrame:
    """Weighted counts n_vq = p_qv / 100 * N_v, as an origin (rows) x destination (columns) table.

    ``pct`` has son classes as rows and father classes as columns (as printed);
    only the six father columns are used. The result is indexed by father's
    class (``origin``) with son's class columns (``destination``), the layout
    the mobility models take.
    """
    counts = pct[list(CLASSES)].mul(n[list(CLASSES)], axis=1) / 100.0
    counts = counts.T
    counts.index.name, counts.columns.name = "origin", "destination"
    return counts


def outflow_percentages(counts: pd.DataFrame) -> pd.DataFrame:
    """Re-percentage an origin x destination count table into a printed-style outflow table.

    Returns son rows x father columns plus the ``total`` column, in percent.
    """
    table = counts.T.copy()
    table["total"] = table.sum(axis=1)
    return table / table.sum(axis=0) * 100.0


def farm_shares(counts: pd.DataFrame) -> pd.Series:
    """Per cent of sons in farming by father's class, and pooled over fathers outside farming (``non_farm``).

    ``counts`` is an origin x destination table (:func:`rebuild_counts`); the
    pooled share weights each father's class by its weighted N. This is the
    quantity behind the paper's "high rate of mobility into agriculture"
    (Tables 3 and 4).
    """
    c = counts.reindex(index=list(CLASSES), columns=list(CLASSES)).astype(float)
    shares = c["farm"] / c.sum(axis=1) * 100.0
    outside = c.drop(index="farm")
    shares["non_farm"] = outside["farm"].sum() / outside.to_numpy().sum() * 100.0
    shares.index.name = "father_class"
    return shares


def rounding_bound_total(pct: pd.DataFrame, n: pd.Series, decimals: int = 1) -> pd.Series:
    """Largest error in a derived Total-column percentage that rounding of the inputs can explain.

    The Total column is T_q = sum_v p_qv N_v / N with N = sum_v N_v. Each
    printed cell is off by at most h (half a unit of its last digit) and each
    weighted N by at most 0.5; since dT_q/dN_v = (p_qv - T_q) / N, the error
    is at most h + 0.5 sum_v |p_qv - T_q| / N, plus h for rounding the printed
    Total itself.
    """
    h = 0.5 * 10.0 ** (-decimals)
    nv = n[list(CLASSES)]
    cells = pct[list(CLASSES)]
    derived = cells.mul(nv, axis=1).sum(axis=1) / nv.sum()
    spread = cells.sub(derived, axis=0).abs().sum(axis=1)
    return 2 * h + 0.5 * spread / nv.sum()


def rounding_bound_cells(pct: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """Error bound of a re-percentaged cell: h plus the shift from the printed column sum S.

    Re-percentaging gives p * 100 / S; the unrounded percentage lies within h
    of p, so the re-percentaged cell lies within h + |p| |S - 100| / S of it.
    """
    h = 0.5 * 10.0 ** (-decimals)
    cells = pct[list(CLASSES)]
    s = cells.sum(axis=0)
    return h + cells.abs() * (s - 100.0).abs() / s


def reproduce_panel(table: str, panel: str) -> pd.DataFrame:
    """Reproduce one printed outflow panel from its rebuilt weighted counts, in the tidy results form.

    Rows: every cell percentage (a round trip that checks the rebuild), the
    Total column and the Total row (derived), and the total weighted N
    (derived). A ``bound`` column gives the error rounding of the printed
    inputs alone can explain (used by :func:`hukoumob.book.results.compare`).
    """
    pct, n = published_panel(table, panel)
    counts = rebuild_counts(pct, n)
    again = outflow_percentages(counts)
    half = 0.05
    cell_bound = rounding_bound_cells(pct)
    rows = []
    for son in CLASSES:
        for father in CLASSES:
            rows.append((son, father, "pct", again.loc[son, father], cell_bound.loc[son, father]))
    total_bound = rounding_bound_total(pct, n)
    for son in CLASSES:
        rows.append((son, "total", "pct", again.loc[son, "total"], total_bound[son]))
    for father in [*CLASSES, "total"]:
        rows.append(("total", father, "pct", again[father].sum(), 6 * half + half))
    rows.append(("N", "total", "weighted_n", counts.to_numpy().sum(), 0.5 * len(CLASSES) + 0.5))
    out = pd.DataFrame(rows, columns=["son_class", "father_class", "kind", "value", "bound"])
    out.insert(0, "panel", panel)
    return out


def reproduce_table(table: str) -> pd.DataFrame:
    """All panels of Table 3 (``"table3"``) or Table 4 (``"table4"``), stacked."""
    if table not in OUTFLOW_TABLES:
        raise ValueError(f"{table!r} is not an outflow table; choose one of {sorted(OUTFLOW_TABLES)}")
    return pd.concat([reproduce_panel(table, p) for p in OUTFLOW_TABLES[table]], ignore_index=True)


def as_array(counts: pd.DataFrame) -> np.ndarray:
    """The counts as a float array in :data:`CLASSES` order on both axes (origin rows)."""
    return counts.reindex(index=list(CLASSES), columns=list(CLASSES)).to_numpy(dtype=float)
