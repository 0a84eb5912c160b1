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

Displays that chapters build straight from fitted models, not from results
rows, pass through the same rules: :func:`guard_table5_se` (Table 5's SEs
and design effects), :func:`guard_worked` (the worked numbers of Models 3b
and 3c, resting on the fewest men of their parameters,
:data:`WORKED_PARAMETERS`), :func:`guard_hazard` (predicted-hazard curves:
a curve's education x hukou-change group must have ``min_cell`` men with
and without a move, each point ``min_cell`` men at risk),
:func:`guard_facts` (shares of the records) and :func:`guard_estimates`
(any other display, given what each row rests on); :func:`number_text`
writes a suppressed number into the prose. A text number computed from
table cells is suppressed when any of its cells is (:func:`_text_suppressed`).

The rules are hand-written: the statistical-disclosure packages (sdcMicro,
tau-Argus) are R/Java tools for whole microdata releases, not for the few
result tables here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import CLASSES, SCHEMAS, SURVEY_YEAR

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


def _support_table2(frame: pd.DataFrame, men: pd.DataFrame, split: str = "residence") -> list[int]:
    from hukoumob.tables.table1_2 import group_masks

    masks = group_masks(men, split)
    samples = {"urban": masks["urban"], "rural": masks["rural"], "total": masks["national"]}
    hukou14_urban = (men["hukou14_rural"] == 0).to_numpy()
    out = []
    for sample, term in frame[["sample", "term"]].itertuples(index=False):
        sel = samples.get(sample, masks["national"])
        n = int(sel.sum())
        out.append(_fewer(int((hukou14_urban & sel).sum()), n) if term == "urban_hukou14" else n)
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
    """Men a Table 5 row rests on: a hukou-change term, the fewer of changers and stayers; a class score,
    the men with that class as origin or destination; immobility, the men in their father's class;
    otherwise the model's men. Counted once per model (value counts, not a comparison per row)."""
    from hukoumob.tables.table5 import from_records

    memo: dict[str, dict] = {}
    out = []
    for model, panel, term in frame[["model", "panel", "term"]].itertuples(index=False):
        if model not in memo:
            m = men.loc[from_records.sample_mask(men, model).to_numpy(), ["father_class", "son_class", "hukou_change"]]
            father, son = m["father_class"].to_numpy(), m["son_class"].to_numpy()
            same = father == son
            memo[model] = {"n": len(m), "changers": int((m["hukou_change"].to_numpy() == 1).sum()),
                           "father": pd.Series(father).value_counts(), "son": pd.Series(son).value_counts(),
                           "same": pd.Series(father[same]).value_counts(), "stayers": int(same.sum())}
        c = memo[model]
        if "hukou_change" in term:
            out.append(_fewer(c["changers"], c["n"]))
        elif panel == "A_scaling":
            out.append(int(c["father"].get(term, 0) + c["son"].get(term, 0) - c["same"].get(term, 0)))
        elif panel == "B_immobility":
            out.append(c["stayers"])
        else:
            out.append(c["n"])
    return out


def _support_table6(frame: pd.DataFrame, men: pd.DataFrame, person_years: pd.DataFrame | None = None) -> list[int]:
    """Men a Table 6 term rests on: for a dummy, the fewer of the men with it who have and have not
    the event; otherwise the fewer of the population's men with and without an event. ``person_years``
    (default: :func:`hukoumob.tables.table6.build_person_years` of ``men``) lets a refit on part of the
    person-years (an exercise's window) be judged on what it was fitted to."""
    from hukoumob.tables import table6

    py = table6.build_person_years(men).data if person_years is None else person_years
    py = py[py["weight"] > 0] if "weight" in py.columns else py
    person = py["person"].to_numpy()
    event = py["event"].to_numpy() == 1
    men_all, men_event = len(np.unique(person)), len(np.unique(person[event]))
    memo: dict[str, int] = {}
    for term in set(frame["term"]):
        if term in py.columns and set(pd.unique(py[term])) <= {0, 1}:
            on = py[term].to_numpy() == 1
            men_on = len(np.unique(person[on]))
            events_on = len(np.unique(person[on & event]))
            memo[term] = min(events_on, men_on - events_on)
        else:
            memo[term] = min(men_event, men_all - men_event)
    return [memo[t] for t in frame["term"]]


def support(frame: pd.DataFrame, table: str, men: pd.DataFrame, *, split: str = "residence",
            person_years: pd.DataFrame | None = None) -> pd.Series:
    """Unweighted men each row of a results frame rests on (rule 2 of the module docstring). ``split``:
    Table 2's urban/rural samples (:data:`hukoumob.tables.table1_2.SPLITS`); ``person_years``: Table 6's
    person-years, if not all of ``men``'s."""
    if table == "table1":
        values = _support_table1(frame, men)
    elif table == "table2":
        values = _support_table2(frame, men, split)
    elif table in ("table3", "table4"):
        values = _support_outflow(frame, men, table, DEFAULT_MIN_CELL)[0]
    elif table == "table5":
        values = _support_table5(frame, men)
    elif table == "table6":
        values = _support_table6(frame, men, person_years)
    else:
        raise ValueError(f"no disclosure rule for table {table!r}")
    return pd.Series(values, index=frame.index, name="support")


def _text_units(frame: pd.DataFrame) -> pd.Series:
    from hukoumob.inputs.text_numbers import load_text_numbers

    return frame["id"].map(load_text_numbers().set_index("id")["unit"])


def _text_records_support(men: pd.DataFrame) -> dict[str, int]:
    """Men each ``records:`` text number rests on (:func:`hukoumob.tables.text_numbers.records_only_numbers`):
    a share, the fewer of the group's men with and without the attribute; the youngest and oldest age,
    the men of that age."""
    from hukoumob.tables import table1_2
    from hukoumob.tables.text_numbers import _college

    seg = table1_2.segmentation_counts(men)
    age = SURVEY_YEAR - pd.to_numeric(men["birth_year"], errors="coerce")
    out = {"sample_age_min": int((age == age.min()).sum()), "sample_age_max": int((age == age.max()).sum()),
           "born_before_1942_pct": _fewer(int((age >= SURVEY_YEAR - 1941).sum()), len(men)),
           "movers_changed_hukou_pct": _fewer(*seg["movers_changed"]),
           "rural_modal_isei_share": _fewer(*seg["rural_modal_share"]),
           "rural_modal_isei": _fewer(*seg["rural_modal_isei"])}
    college = _college(men)
    if college is not None:
        in_I_II = (men["son_class"] == "I_II").to_numpy()
        rural_farm = ((men["hukou14_rural"] == 1) & (men["father_class"] == "farm")).to_numpy()
        for key, among in (("tertiary_in_I_II_pct", college), ("tertiary_rural_farm_in_I_II_pct", college & rural_farm)):
            out[key] = _fewer(int((in_I_II & among).sum()), int(among.sum()))
    return out


def _text_suppressed(frame: pd.DataFrame, men: pd.DataFrame, threshold: int) -> pd.Series:
    """Rule 2 for the text's numbers: a count of 1 to ``threshold - 1``; a formula over a table cell (or
    another text number) that rule 2 or 3 suppresses; a ``records:`` share resting on too few men."""
    from hukoumob.inputs import text_numbers as tn

    spec = tn.load_text_numbers().set_index("id")
    value = pd.to_numeric(frame["value"], errors="coerce")
    hide = dict(zip(frame["id"], ((frame["id"].map(spec["unit"]) == "count") & (value > 0) & (value < threshold))))
    derivations = {i: tn.parse_derivation(spec.loc[i, "derivation"]) for i in frame["id"] if i in spec.index}
    cells = {c for d in derivations.values() for c in d.cells}
    hidden_cells: set = set()
    for table in {c.table for c in cells}:
        mine = sorted({c for c in cells if c.table == table}, key=str)
        keys = pd.DataFrame([c.key for c in mine], columns=list(SCHEMAS[table].keys))
        hidden_cells |= {c for c, h in zip(mine, suppressed(keys, table, men, threshold)) if h}
    records = _text_records_support(men) if any(d.kind == "records" for d in derivations.values()) else {}
    for i, d in derivations.items():
        if any(c in hidden_cells for c in d.cells) or (d.kind == "records" and 0 < records.get(i, threshold) < threshold):
            hide[i] = True
    for _ in range(len(derivations)):  # a formula over a suppressed text number
        more = {i for i, d in derivations.items() if not hide.get(i) and any(hide.get(r) for r in d.text_refs)}
        if not more:
            break
        hide.update(dict.fromkeys(more, True))
    return frame["id"].map(hide).fillna(False).astype(bool)


def suppressed(frame: pd.DataFrame, table: str, men: pd.DataFrame, threshold: int, **options) -> pd.Series:
    """Which rows rules 2 and 3 suppress: resting on 1 to ``threshold - 1`` men (Table 6: also a dummy term
    with no event or only events), or complementary cells of an outflow table. The text's numbers
    (``text``): :func:`_text_suppressed`. ``options``: those of :func:`support`."""
    if table == "text":
        return _text_suppressed(frame, men, threshold)
    if table in ("table3", "table4"):
        return pd.Series(_support_outflow(frame, men, table, threshold)[1], index=frame.index)
    n = support(frame, table, men, **options)
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


def protect(frame: pd.DataFrame, table: str, men: pd.DataFrame, threshold: int | None = None,
            **options) -> pd.DataFrame:
    """Rules 1-3 on a results frame from the real file: rounded values, suppressed rows emptied and marked
    in a ``disclosure`` column. ``bound`` (a rounding bound) is rounded to one more decimal. ``options``:
    those of :func:`support` (Table 2's split, Table 6's person-years)."""
    threshold = min_cell() if threshold is None else threshold
    out = frame.copy()
    dec = printed_decimals(out, table)
    out["value"] = [_round(v, d) for v, d in zip(out["value"], dec)]
    if "bound" in out.columns:
        out["bound"] = [_round(v, d + 1) for v, d in zip(out["bound"], dec)]
    small = suppressed(out, table, men, threshold, **options)
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


def guard(frame: pd.DataFrame, table: str, source: str, men: pd.DataFrame, **options) -> pd.DataFrame:
    """:func:`protect` for real-file rows (rounded, small cells emptied and marked); other sources unchanged.
    Chapters apply it where a table is computed, so every display and glued number uses the protected rows."""
    return protect(frame, table, men, **options) if enabled(source) else frame


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


def number_text(value, fmt: str, source: str, suffix: str = "") -> str:
    """A number for the prose, formatted; a real-file number emptied by disclosure control (NaN or None)
    reads ``"(suppressed: fewer than 5 men)"``. On other sources a missing number is an error."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        if not enabled(source):
            raise ValueError("number_text: no number to show")
        return f"(suppressed: fewer than {min_cell()} men)"
    return value if isinstance(value, str) else format(float(value), fmt) + suffix


# --- displays built from fitted models (not from results rows) ------------------------------------------


def guard_estimates(frame: pd.DataFrame, rests_on, source: str, decimals: dict[str, int],
                    blank: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rules 1-2 for a display made straight from fitted models: the ``decimals`` columns rounded, and on
    rows whose ``rests_on`` (men per row, a sequence aligned with ``frame``) is 1 to ``min_cell - 1``
    those columns emptied and the ``blank`` ones (text holding the same numbers, e.g. a formula) set to
    "suppressed", marked in a ``disclosure`` column. Other sources unchanged."""
    if not enabled(source):
        return frame
    threshold, out = min_cell(), frame.copy()
    n = pd.Series(np.asarray(rests_on, dtype=float), index=out.index)
    small = (n > 0) & (n < threshold)
    for c, d in decimals.items():
        out[c] = pd.to_numeric(out[c], errors="coerce").round(d).where(~small, np.nan)
    for c in blank:
        out[c] = out[c].astype(object).where(~small, "suppressed")
    out["disclosure"] = np.where(small, SUPPRESSED.format(n=threshold), "")
    return out


#: Table 5 engine parameters (:class:`hukoumob.mobility.MobilityResults` names) -> (panel, term) of the rows.
def _table5_key(parameter: str) -> tuple[str, str]:
    kind, _, name = parameter.partition(":")
    if kind == "phi":
        return "A_scaling", name
    if parameter == "delta":
        return "B_immobility", "immobility"
    if parameter == "mu0":
        return "C_association", "overall_association"
    if kind == "mu":
        return "C_association", f"association_x_{name}"
    if kind == "b":
        return "D_covariates", name
    raise ValueError(f"no disclosure rule for the Table 5 parameter {parameter!r}")


def table5_parameter_support(men: pd.DataFrame, model: str, parameters) -> list[int]:
    """Men each Table 5 parameter of ``model`` rests on (the rule of the model's rows, :func:`support`)."""
    keys = pd.DataFrame([(model, *_table5_key(p)) for p in parameters], columns=["model", "panel", "term"])
    return _support_table5(keys, men)


def guard_table5_se(se: pd.DataFrame, men: pd.DataFrame, source: str) -> pd.DataFrame:
    """The SE table of :class:`hukoumob.tables.table5.from_records.Table5Records` (``.se``) for display:
    estimates and SEs to 3 decimals, design effects to 2, a parameter resting on too few men emptied."""
    if not enabled(source):
        return se
    n = [table5_parameter_support(men, m, [p])[0] for m, p in se[["model", "parameter"]].itertuples(index=False)]
    return guard_estimates(se, n, source, {"est": 3, "se_model": 3, "se_design": 3, "deff": 2})


#: The parameters each worked number of :func:`hukoumob.tables.table5.from_records.worked_numbers` is made of.
WORKED_PARAMETERS = {
    "assoc_changers_3b": ("model3b", ["mu0", "mu:hukou_change"]),
    "odds_I_II_vs_IVab": ("model3b", ["phi:farm", "phi:I_II", "phi:IVab", "mu0", "mu:hukou_change"]),
    "odds_I_II_vs_V_VI": ("model3b", ["phi:farm", "phi:I_II", "phi:V_VI", "mu0", "mu:hukou_change"]),
    "assoc_stayers_3c": ("model3c", ["mu0"]),
    "assoc_changers_3c": ("model3c", ["mu0", "mu:hukou_change"]),
    "factor_hukou_change": ("model3c", ["b:hukou_change"]),
    "factor_educ_stayers": ("model3c", ["b:educ"]),
    "factor_educ_changers": ("model3c", ["b:educ", "b:educ_x_hukou_change"]),
    "p_educ_x_hukou_change": ("model3c", ["b:educ_x_hukou_change"]),
    "factor_hukou_change_I_II_vs_farm": ("model3c", ["b:hukou_change", "phi:I_II", "phi:farm"]),
}


def guard_worked(worked: pd.DataFrame, men: pd.DataFrame, source: str) -> pd.DataFrame:
    """The worked numbers of Models 3b and 3c (:func:`~hukoumob.tables.table5.from_records.worked_numbers`)
    for display: value and SE to 3 decimals; one resting on too few men (the fewest of its parameters',
    :data:`WORKED_PARAMETERS`) emptied, its formula (which prints those parameters) too."""
    if not enabled(source):
        return worked
    unknown = set(worked["name"]) - set(WORKED_PARAMETERS)
    if unknown:
        raise ValueError(f"no disclosure rule for the worked numbers {sorted(unknown)}")
    n = [min(table5_parameter_support(men, *WORKED_PARAMETERS[name])) for name in worked["name"]]
    return guard_estimates(worked, n, source, {"value": 3, "se": 3}, blank=("formula",))


def hazard_cells(py: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Per (education, hukou_change) curve of :func:`hukoumob.tables.table6.predicted_hazard` and each
    experience: the men at risk there, and the fewer of the cell's men with and without an event (what
    the cell's Model 4 terms rest on, rule 2)."""
    from hukoumob.tables.table6 import LEVELS

    lev = np.select([py[f"educ_{lv}"] == 1 for lv in LEVELS[1:]], LEVELS[1:], default="primary")
    frame = pd.DataFrame({"education": lev, "hukou_change": py["hukou_change"].astype(int).to_numpy(),
                          "labor_market_experience": py["labor_market_experience"].to_numpy(),
                          "person": py["person"].to_numpy(), "event": py["event"].to_numpy()})
    frame = frame[(py["weight"] > 0).to_numpy()] if "weight" in py.columns else frame
    cell = frame.groupby(["education", "hukou_change"])
    men_on = cell["person"].nunique()
    events = frame[frame["event"] == 1].groupby(["education", "hukou_change"])["person"].nunique()
    events = events.reindex(men_on.index, fill_value=0)
    rests = np.minimum(events, men_on - events).rename("rests_on")
    at_risk = frame.groupby(["education", "hukou_change", "labor_market_experience"])["person"].nunique().rename("at_risk")
    keys = pred[["education", "hukou_change", "labor_market_experience"]]
    out = keys.join(rests, on=["education", "hukou_change"]).join(at_risk, on=["education", "hukou_change",
                                                                             "labor_market_experience"])
    return out.fillna({"rests_on": 0, "at_risk": 0})


def guard_hazard(pred: pd.DataFrame, py: pd.DataFrame, source: str) -> pd.DataFrame:
    """Rule 2 for the predicted-hazard curves (Table 6 Model 4): a curve is drawn only where its
    education x hukou-change cell rests on ``min_cell`` men with and without an event, and only at the
    experience where ``min_cell`` men of the cell are at risk. ``attrs["not_drawn"]``: the (education,
    hukou_change) curves left out entirely. Other sources unchanged (``not_drawn`` empty)."""
    if not enabled(source):
        out = pred.copy()
        out.attrs["not_drawn"] = []
        return out
    threshold = min_cell()
    cells = hazard_cells(py, pred)
    keep = ((cells["rests_on"] >= threshold) & (cells["at_risk"] >= threshold)).to_numpy()
    out = pred[keep].copy()
    curves = list(dict.fromkeys(map(tuple, pred[["education", "hukou_change"]].to_numpy().tolist())))
    drawn = set(map(tuple, out[["education", "hukou_change"]].to_numpy().tolist()))
    out.attrs["not_drawn"] = [c for c in curves if c not in drawn]
    return out


def guard_facts(facts: dict[str, float], counts: dict[str, tuple[int, int]], source: str) -> dict[str, float]:
    """Shares of the records (e.g. :func:`hukoumob.tables.table1_2.segmentation_facts`, with
    :func:`~hukoumob.tables.table1_2.segmentation_counts`): a share whose group has too few men with or
    without the attribute becomes NaN (shown by :func:`number_text` as suppressed). Other sources unchanged."""
    if not enabled(source):
        return facts
    threshold = min_cell()
    return {k: (np.nan if 0 < _fewer(*counts[k]) < threshold else v) for k, v in facts.items()}
