"""Disclosure control of what the book publishes from the real survey file (ARCHITECTURE.md, "Real-file runs and disclosure").

One module, called by every writer of real-file output
(:func:`hukoumob.book.results.write_results` for ``results/``, the zip and
the comparison tables; the chapters' figures through :func:`protect_curve`
and :func:`may_draw_records`). On by default whenever the source is
``lhsccc``; nothing here applies to the replica or the published tables.

Rules:

1. **Rounding.** Every number is rounded to the precision the paper prints
   for it (``decimals`` of ``data/published/<table>.csv``; a number the paper
   does not print takes the finest precision the paper uses for the same
   statistic in that table).
2. **Small cells.** A number resting on fewer than ``min_cell`` unweighted
   men (default :data:`DEFAULT_MIN_CELL`, settable as ``min_cell:`` in the
   mapping file) is suppressed: its value is left empty and its
   ``disclosure`` column says so. What a number rests on (:func:`support`):
   a table cell, the men in it; a proportion, the fewer of the men with and
   without the attribute; a model term of a dummy, the fewer of the men with
   it who have and have not the outcome (Table 6: events; Table 5: hukou
   changers); a curve step, the men whose events make it. Zero cells (no
   man) are kept.
3. **Complementary cells.** In an outflow table a single suppressed cell of
   a column (or a row) could be recovered from the column's 100 per cent (or
   the Total column), so the next smallest non-zero cell of that column or
   row is suppressed as well, until no line has exactly one.
4. **No records drawn.** Figures of individual records are not drawn from
   the real file (:func:`may_draw_records`); curves are drawn only at steps
   that rest on ``min_cell`` men or more (:func:`protect_curve`).

The rules are hand-written: the statistical-disclosure packages (sdcMicro,
tau-Argus) are R/Java tools for whole microdata releases, not for the few
result tables here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import CLASSES, SCHEMAS

DEFAULT_MIN_CELL = 5
#: The ``disclosure`` column's text for a suppressed number ({n} is min_cell).
SUPPRESSED = "suppressed: rests on fewer than {n} men"


def enabled(source: str) -> bool:
    """Disclosure control applies to real-file output only."""
    return source == "lhsccc"


def min_cell(mapping: dict | None = None) -> int:
    """The threshold: ``min_cell`` of the mapping file (``$HUKOUMOB_LHSCCC_MAPPING``), else 5."""
    if mapping is None:
        from hukoumob.inputs.records import load_mapping

        try:
            mapping = load_mapping()
        except ValueError:
            mapping = {}
    value = mapping.get("min_cell", DEFAULT_MIN_CELL)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"min_cell: the mapping file's min_cell must be a whole number >= 1 (it is {value!r})")
    return value


# --- what each number rests on --------------------------------------------------------------


def _fewer(ones: int, n: int) -> int:
    return int(min(ones, n - ones))


def _support_table1(frame: pd.DataFrame, men: pd.DataFrame) -> list[int]:
    groups = {"national": np.ones(len(men), bool), "rural": (men["residence_rural"] == 1).to_numpy(),
              "urban": (men["residence_rural"] == 0).to_numpy()}
    out = []
    for var, stat, group in frame[["variable", "statistic", "group"]].itertuples(index=False):
        sel = groups[group]
        if var == "N":
            out.append(int(sel.sum()))
            continue
        col = pd.to_numeric(men.loc[sel, var], errors="coerce").dropna()
        out.append(_fewer(int((col == 1).sum()), len(col)) if stat == "proportion" else len(col))
    return out


def _support_table2(frame: pd.DataFrame, men: pd.DataFrame) -> list[int]:
    samples = {"urban": men["residence_rural"] == 0, "rural": men["residence_rural"] == 1,
               "total": pd.Series(True, index=men.index)}
    out = []
    for sample, term in frame[["sample", "term"]].itertuples(index=False):
        sel = samples.get(sample, pd.Series(True, index=men.index))
        n = int(sel.sum())
        out.append(_fewer(int((men.loc[sel, "hukou14_rural"] == 0).sum()), n) if term == "urban_hukou14" else n)
    return out


def outflow_cells(men: pd.DataFrame, table: str, panel: str) -> pd.DataFrame:
    """Unweighted men per (son_class, father_class) cell of an outflow panel, with ``total`` margins."""
    from hukoumob.tables.tabulate import PANELS

    m = men[PANELS[(table, panel)](men)]
    counts = pd.crosstab(m["son_class"], m["father_class"]).reindex(index=list(CLASSES), columns=list(CLASSES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts


def _complementary(small: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Rule 3: add the smallest non-zero unsuppressed cell of any row or column holding exactly one suppressed cell."""
    small = small.copy()
    for _ in range(100):
        changed = False
        for axis in (0, 1):
            lines = small.T if axis == 0 else small
            cnt = counts.T if axis == 0 else counts
            for label in lines.index:
                if lines.loc[label].sum() != 1:
                    continue
                free = cnt.loc[label][(~lines.loc[label]) & (cnt.loc[label] > 0)]
                if free.empty:
                    continue
                pick = free.idxmin()
                if axis == 0:
                    small.loc[pick, label] = True
                else:
                    small.loc[label, pick] = True
                changed = True
                break
            if changed:
                break
        if not changed:
            return small
    return small


def _support_outflow(frame: pd.DataFrame, men: pd.DataFrame, table: str, threshold: int) -> tuple[list[int], list[bool]]:
    """Men per cell and margin of Tables 3-4, and which cells are suppressed (small, rule 2, or complementary,
    rule 3)."""
    n, hide = pd.Series(0, index=frame.index), pd.Series(False, index=frame.index)
    for panel, rows in frame.groupby("panel"):
        counts = outflow_cells(men, table, panel)
        small = _complementary((counts > 0) & (counts < threshold), counts)
        col_n = counts.sum(axis=0)
        for i, (son, father) in rows[["son_class", "father_class"]].iterrows():
            if son in ("total", "N"):
                n[i] = int(col_n[father])
            else:
                n[i], hide[i] = int(counts.loc[son, father]), bool(small.loc[son, father])
    return n.tolist(), hide.tolist()


def _support_table5(frame: pd.DataFrame, men: pd.DataFrame) -> list[int]:
    from hukoumob.tables.table5 import from_records

    out = []
    cache: dict[str, pd.DataFrame] = {}
    for model, panel, term in frame[["model", "panel", "term"]].itertuples(index=False):
        if model not in cache:
            cache[model] = men[from_records.sample_mask(men, model).to_numpy()]
        m = cache[model]
        n = len(m)
        if "hukou_change" in term:
            out.append(_fewer(int((m["hukou_change"] == 1).sum()), n))
        elif panel == "A_scaling":
            out.append(int(((m["father_class"] == term) | (m["son_class"] == term)).sum()))
        elif panel == "B_immobility":
            out.append(int((m["father_class"] == m["son_class"]).sum()))
        else:
            out.append(n)
    return out


def _support_table6(frame: pd.DataFrame, men: pd.DataFrame) -> list[int]:
    from hukoumob.tables import table6

    py = table6.build_person_years(men).data
    py = py[py["weight"] > 0] if "weight" in py.columns else py
    persons = py.groupby("person")
    n_men = persons.ngroups
    n_events = int(persons["event"].max().sum())
    memo: dict[str, int] = {}
    for term in set(frame["term"]):
        if term in py.columns and set(pd.unique(py[term])) <= {0, 1}:
            on = py[py[term] == 1]
            men_on = on["person"].nunique()
            events_on = int(on.groupby("person")["event"].max().sum())
            memo[term] = min(events_on, men_on - events_on)
        else:
            memo[term] = min(n_events, n_men - n_events)
    return [memo[t] for t in frame["term"]]


def support(frame: pd.DataFrame, table: str, men: pd.DataFrame) -> pd.Series:
    """Unweighted men each row of a results frame rests on (rule 2 of the module docstring)."""
    if table == "table1":
        values = _support_table1(frame, men)
    elif table == "table2":
        values = _support_table2(frame, men)
    elif table in ("table3", "table4"):
        values = _support_outflow(frame, men, table, DEFAULT_MIN_CELL)[0]
    elif table == "table5":
        values = _support_table5(frame, men)
    elif table == "table6":
        values = _support_table6(frame, men)
    else:
        raise ValueError(f"no disclosure rule for table {table!r}")
    return pd.Series(values, index=frame.index, name="support")


def _text_units(frame: pd.DataFrame) -> pd.Series:
    from hukoumob.inputs.text_numbers import load_text_numbers

    return frame["id"].map(load_text_numbers().set_index("id")["unit"])


def suppressed(frame: pd.DataFrame, table: str, men: pd.DataFrame, threshold: int) -> pd.Series:
    """Which rows rules 2 and 3 suppress: resting on 1 to ``threshold - 1`` men (Table 6: also a dummy term
    with no event or only events), or complementary cells of an outflow table. The text's numbers
    (``text``) are computed from the tables' protected rows or from all men; of them a count of 1 to
    ``threshold - 1`` is suppressed."""
    if table == "text":
        value = pd.to_numeric(frame["value"], errors="coerce")
        return (_text_units(frame) == "count") & (value > 0) & (value < threshold)
    if table in ("table3", "table4"):
        return pd.Series(_support_outflow(frame, men, table, threshold)[1], index=frame.index)
    n = support(frame, table, men)
    small = (n > 0) & (n < threshold)
    return small | (n <= 0) if table == "table6" else small


# --- rounding ----------------------------------------------------------------------------------


def printed_decimals(frame: pd.DataFrame, table: str) -> pd.Series:
    """Decimals the paper prints for each row of ``frame`` (rule 1)."""
    if table == "text":
        from hukoumob.inputs.text_numbers import load_text_numbers

        return frame["id"].map(load_text_numbers().set_index("id")["decimals"]).fillna(3).astype(int)
    pub = load_published(table, corrected=False)
    keys = list(SCHEMAS[table].keys)
    kind = "statistic" if "statistic" in keys else "kind"
    exact = pub.set_index(keys)["decimals"]
    finest = pub.groupby(kind)["decimals"].max()
    idx = pd.MultiIndex.from_frame(frame[keys].astype(str))
    exact.index = pd.MultiIndex.from_frame(exact.index.to_frame().astype(str))
    dec = pd.Series(exact.reindex(idx).to_numpy(), index=frame.index)
    fallback = frame[kind].map(finest).fillna(int(pub["decimals"].max()))
    return dec.fillna(fallback).astype(int)


def _round(value, decimals: int):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value  # text (Table 6's footnote letters)
    return round(number, decimals) if np.isfinite(number) else number


def protect(frame: pd.DataFrame, table: str, men: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """Rules 1-3 on a results frame from the real file: rounded values, suppressed rows emptied and marked
    in a ``disclosure`` column. ``bound`` (a rounding bound) is rounded to one more decimal."""
    threshold = min_cell() if threshold is None else threshold
    out = frame.copy()
    dec = printed_decimals(out, table)
    out["value"] = [_round(v, d) for v, d in zip(out["value"], dec)]
    if "bound" in out.columns:
        out["bound"] = [_round(v, d + 1) for v, d in zip(out["bound"], dec)]
    small = suppressed(out, table, men, threshold)
    out["value"] = out["value"].astype(object).where(~small, np.nan)
    if "bound" in out.columns:
        out.loc[small, "bound"] = np.nan
    out["disclosure"] = np.where(small, SUPPRESSED.format(n=threshold), "")
    return out


def protect_curve(curve: pd.DataFrame, threshold: int | None = None, group: str = "group",
                  events: str = "n_events", at_risk: str = "n") -> pd.DataFrame:
    """Rule 2 for a step curve (:func:`hukoumob.tables.table6.cumulative_entry`): within each group,
    steps are pooled forward until each rests on ``threshold`` men with events or more, and the curve
    stops where fewer than ``threshold`` men are at risk. The cumulative values of kept steps are
    unchanged (a pooled step jumps at its last year), rounded to 3 decimals."""
    threshold = min_cell() if threshold is None else threshold
    parts = []
    for _, g in curve.sort_values([group, "experience"]).groupby(group, sort=False):
        g = g[g[at_risk] >= threshold].copy()
        pooled = g[events].cumsum()
        keep, last = [], 0
        for i, total in zip(g.index, pooled):
            if total - last >= threshold or total == last == 0 and not keep:
                keep.append(i)
                last = total
        parts.append(g.loc[keep])
    out = pd.concat(parts) if parts else curve.iloc[:0]
    out["cumulative"] = out["cumulative"].round(3)
    return out


def may_draw_records(source: str) -> bool:
    """Rule 4: figures of individual records are drawn from the replica only, never from the real file."""
    return not enabled(source)


# --- what chapters call (no-ops on the replica) ---------------------------------------------


def guard(frame: pd.DataFrame, table: str, source: str, men: pd.DataFrame) -> pd.DataFrame:
    """:func:`protect` for real-file rows (rounded, small cells emptied and marked); other sources unchanged.
    Chapters apply it where a table is computed, so every display and glued number uses the protected rows."""
    return protect(frame, table, men) if enabled(source) else frame


def guard_curve(curve: pd.DataFrame, source: str) -> pd.DataFrame:
    """:func:`protect_curve` for a real-file curve; other sources unchanged."""
    return protect_curve(curve) if enabled(source) else curve


def guard_counts(frame: pd.DataFrame, columns: list[str], source: str) -> pd.DataFrame:
    """Counts of men (or of their person-years) between 1 and ``min_cell - 1`` shown as ``"< min_cell"``."""
    if not enabled(source):
        return frame
    n, out = min_cell(), frame.copy()
    for c in columns:
        out[c] = [f"< {n}" if 0 < v < n else v for v in out[c]]
    return out


def count_text(count: int, source: str, fmt: str = "{:,}") -> str:
    """A count for the prose: ``"fewer than 5"`` for 1 to ``min_cell - 1`` men of the real file."""
    n = min_cell() if enabled(source) else 0
    return f"fewer than {n}" if 0 < count < n else fmt.format(count)
