"""Our values of the numbers the paper prints in its text (``data/published/text_numbers.csv``).

Most text numbers are formulas over table cells (the odds "31.4 per cent
(e^-1.158)" is ``100 * exp(table6[model2/educ_junior_hs/est])``). Ours are
the same formulas evaluated on *our* rows of those tables, which the table
modules compute (no table is re-implemented here); the rest are shares of the
men's records that no table cell gives (:func:`records_only_numbers`). One
function per family, each returning the tidy ``id, value, source`` frame of
``results/text.csv`` (schema :data:`hukoumob.inputs.schema.TEXT_SCHEMA`):

* :func:`published_tables_numbers`: from Table 5 Models 1, 2, 3a re-estimated
  from the published tables and Table 4's derived Ns (source
  ``published_tables``);
* :func:`table1_numbers`, :func:`table2_numbers`, :func:`outflow_numbers`,
  :func:`table5_numbers`, :func:`table6_numbers`: from the records' Tables 1,
  2, 3-4, 5 and 6 (source ``replica`` or ``lhsccc``);
* :func:`records_only_numbers`: shares and counts of the records;
* :func:`records_numbers`: all of the records families for one men file;
  :func:`all_text_numbers`: every computable text number, both routes.

Which numbers a route gives is decided by ``computable_from`` in the
transcription (``tables`` / ``records``); a formula whose cells our rows lack
(a Table 6 model that is not estimable) is left out and listed in the
frame's ``attrs["missing"]``. :func:`beside_paper` puts ours next to the
printed value for chapters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from hukoumob.inputs.labels import readable
from hukoumob.inputs import text_numbers as tn
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import SCHEMAS, SURVEY_YEAR

#: The transcription's route behind each source of ``results/``.
ROUTE_OF_SOURCE = {"published_tables": "tables", "replica": "records", "lhsccc": "records"}
COLUMNS = ["id", "value", "source"]


def _route(source: str) -> str:
    if source not in ROUTE_OF_SOURCE:
        raise ValueError(f"unknown source {source!r}; choose one of {sorted(ROUTE_OF_SOURCE)}")
    return ROUTE_OF_SOURCE[source]


def _lookup(rows_by_table: Mapping[str, pd.DataFrame], column: str = "value") -> Callable[[tn.Cell], float]:
    """``cell -> our value`` (or our ``bound``) over tidy rows in the published key form; ``KeyError`` for a cell we lack."""
    index = {}
    for table, rows in rows_by_table.items():
        keys = list(SCHEMAS[table].keys)
        col = rows[column] if column in rows.columns else pd.Series(np.nan, index=rows.index)
        index[table] = rows.assign(**{k: rows[k].astype(str) for k in keys}, _v=col).set_index(keys)["_v"]

    def value(cell: tn.Cell) -> float:
        series = index[cell.table]
        if cell.key not in series.index:
            raise KeyError(str(cell))
        got = series.loc[cell.key]
        got = got.iloc[0] if isinstance(got, pd.Series) else got
        if column == "value" and not np.isfinite(float(got)):
            raise KeyError(str(cell))
        return float(got)

    return value


def propagated_bound(derivation: tn.Derivation, value: Callable[[tn.Cell], float],
                     bound: Callable[[tn.Cell], float], text_value: Callable[[str], float], step: float = 1e-6) -> float:
    """First-order worst case of a formula when each cell moves within its ``bound``:
    sum over cells of |d formula / d cell| x bound (NaN if a cell has no bound)."""
    base = tn.evaluate(derivation, value, text_value)
    total = 0.0
    for cell in derivation.cells:
        b = bound(cell)
        if not np.isfinite(b):
            return float("nan")
        moved = tn.evaluate(derivation, lambda c: value(c) + (step if c == cell else 0.0), text_value)
        total += abs((moved - base) / step) * b
    return total


def evaluate_formulas(rows_by_table: Mapping[str, pd.DataFrame], source: str,
                      ours: Mapping[str, float] | None = None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every formula text number of ``source``'s route whose tables are all in ``rows_by_table``.

    ``ours`` gives our values of other text numbers a formula refers to
    (``text[...]``); a formula whose text references are not all there, or
    whose cells our rows lack, is left out (``attrs["missing"]``: id -> why).
    Where the rows carry a ``bound`` (the difference rounding of the printed
    inputs can explain, :func:`hukoumob.book.results.compare`), the result has
    one too: :func:`propagated_bound` plus half a unit of the text's printed
    last digit.
    """
    route = _route(source)
    frame = tn.load_text_numbers() if frame is None else frame
    lookup, ours = _lookup(rows_by_table), dict(ours or {})
    with_bounds = any("bound" in r.columns for r in rows_by_table.values())
    bound_of = _lookup(rows_by_table, "bound") if with_bounds else None
    out, missing = [], {}
    for _, row in frame[(frame["kind"] == "formula") & frame["sources"].map(lambda s: route in s)].iterrows():
        d = tn.parse_derivation(row["derivation"])
        if not set(d.tables) <= set(rows_by_table) or not set(d.text_refs) <= set(ours):
            continue
        try:
            value = tn.evaluate(d, lookup, ours.__getitem__)
            bound = float("nan")
            if bound_of is not None and not d.text_refs:
                bound = propagated_bound(d, lookup, bound_of, ours.__getitem__) + 0.5 * 10.0 ** -int(row["decimals"])
            out.append((row["id"], value, source, bound))
        except KeyError as err:
            missing[row["id"]] = f"our rows lack {err.args[0]}"
        except (ValueError, ZeroDivisionError, OverflowError) as err:
            missing[row["id"]] = f"cannot evaluate ({err})"
    result = pd.DataFrame(out, columns=[*COLUMNS, "bound"])
    if not with_bounds:
        result = result.drop(columns="bound")
    result.attrs["missing"] = missing
    return result


def _combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if p is not None]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    out.attrs["missing"] = {k: v for p in parts for k, v in p.attrs.get("missing", {}).items()}
    return out.drop_duplicates("id", keep="first").reset_index(drop=True)


# ------------------------------------------------------------ published tables
def published_tables_numbers(fits: Mapping | None = None, table5_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Text numbers from the published tables (source ``published_tables``).

    Table 5 Models 1, 2 and 3a re-estimated from Tables 3 and 4
    (:func:`hukoumob.tables.table5.from_published.rows_from_published`, or
    the given ``fits``: model -> :class:`~hukoumob.mobility.MobilityResults`)
    and Table 3-4's derived cells (:func:`hukoumob.tables.table3_4.reproduce_table`):
    the Model 1 immobility, association, farm score and worked odds, and the
    share of urban-hukou holders of rural origin. With ``table5_rows`` (e.g.
    :func:`~hukoumob.tables.table5.from_published.table5_from_published`, which
    carries each estimate's rounding ``bound``) every number gets a ``bound``.
    """
    from hukoumob.tables import table3_4
    from hukoumob.tables.table5 import from_published

    models = from_published.PANEL_OF_MODEL
    rows5 = table5_rows if table5_rows is not None else pd.concat(
        [fits[m].to_table5_rows(m) if fits and m in fits else from_published.rows_from_published(m) for m in models],
        ignore_index=True)
    rows = {"table5": rows5, "table3": table3_4.reproduce_table("table3"), "table4": table3_4.reproduce_table("table4")}
    if table5_rows is None:  # bounds only when every table carries them
        rows = {k: v.drop(columns="bound", errors="ignore") for k, v in rows.items()}
    return evaluate_formulas(rows, "published_tables")


# ------------------------------------------------------------------- records
def table1_numbers(rows: pd.DataFrame, source: str, ours: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Text numbers from Table 1 of the records (:func:`hukoumob.tables.table1_2.table1_rows`):
    the shares of rural origin and residence and note 7's informal migrants (with ``ours``'
    value of the 68 per cent)."""
    return evaluate_formulas({"table1": rows}, source, ours)


def table2_numbers(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Text numbers from Table 2 of the records (:func:`hukoumob.tables.table1_2.table2_rows`): the
    ISEI points that an urban hukou origin adds (the text quotes Model 2's coefficient)."""
    return evaluate_formulas({"table2": rows}, source)


def outflow_numbers(tables: Mapping[str, pd.DataFrame], source: str,
                    ours: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Text numbers from Tables 3 and 4 of the records (:func:`hukoumob.tables.tabulate.outflow_tables`):
    the shares of sons in farming the text quotes, the urban-hukou holders of rural origin, and (with
    ``ours``' count of sent-down men who did not return) that count per thousand men of Table 3."""
    return evaluate_formulas({"table3": tables["table3"], "table4": tables["table4"]}, source, ours)


def table5_numbers(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Text numbers from Table 5 of the records
    (:func:`hukoumob.tables.table5.from_records.table5_from_records` ``.rows``): Model 1's
    parameters and worked odds, Model 3b's associations and odds, Model 3c's associations and factors."""
    return evaluate_formulas({"table5": rows}, source)


def table6_numbers(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Text numbers from Table 6 of the records (:func:`hukoumob.tables.table6.table6_rows`): the odds
    percentages of Models 2 and 3."""
    return evaluate_formulas({"table6": rows}, source)


#: A share of the records resting on fewer men than this is not given (ARCHITECTURE.md, "Real-file runs and disclosure").
MIN_MEN = 5


def _share(event: np.ndarray, among: np.ndarray, w: np.ndarray) -> float:
    """Weighted share of ``event`` among ``among``; NaN (left out) when fewer than :data:`MIN_MEN` men
    are in the group or in the event cell."""
    if among.sum() < MIN_MEN or 0 < (among & event).sum() < MIN_MEN:
        return np.nan
    den = w[among].sum()
    return float(w[among & event].sum() / den) if den > 0 else np.nan


def _college(men: pd.DataFrame) -> np.ndarray | None:
    """Men with tertiary education: a year of reaching college (the Table 6 histories), else
    ``educ_level == "college"``; None when the file has neither."""
    if "year_college" in men.columns:
        return pd.to_numeric(men["year_college"], errors="coerce").notna().to_numpy()
    if "educ_level" in men.columns:
        return (men["educ_level"] == "college").to_numpy()
    return None


def tertiary_numbers(men: pd.DataFrame) -> dict[str, float]:
    """The text's shares of tertiary-educated men in professional or managerial jobs (class I+II):
    "83 per cent of those with tertiary education", "82 per cent of tertiary educated men from rural
    hukou origins whose fathers were employed in agriculture" (weighted, in per cent; NaN for too few men
    or without the schooling columns)."""
    ids = ("tertiary_in_I_II_pct", "tertiary_rural_farm_in_I_II_pct")
    college = _college(men)
    if college is None:
        return dict.fromkeys(ids, np.nan)
    w = men["weight"].to_numpy(float)
    in_I_II = (men["son_class"] == "I_II").to_numpy()
    rural_farm = ((men["hukou14_rural"] == 1) & (men["father_class"] == "farm")).to_numpy()
    return dict(zip(ids, (100 * _share(in_I_II, college, w), 100 * _share(in_I_II, college & rural_farm, w))))


def sent_down_numbers(men: pd.DataFrame) -> dict[str, float]:
    """The rustication counts of the text ("only 13 of the 170 urban-origin men ... who had been sent
    down ... failed to resume an urban status", "and only two of those with urban hukou at age 14"):
    men who lived in a town or city at fourteen and were sent down; those with no year of return; those
    of them with urban hukou at 14. Unweighted counts, as the text gives them; NaN without the
    send-down columns (``sent_down``, ``sent_down_return_year``)."""
    ids = ("sent_down_urban_origin_n", "sent_down_failed_n", "sent_down_failed_urban14_n")
    if not {"sent_down", "sent_down_return_year", "residence14_rural"} <= set(men.columns):
        return dict.fromkeys(ids, np.nan)
    sent = (pd.to_numeric(men["sent_down"], errors="coerce") == 1).to_numpy()
    lost = sent & pd.to_numeric(men["sent_down_return_year"], errors="coerce").isna().to_numpy()
    urban14 = (men["residence14_rural"] == 0).to_numpy()
    return dict(zip(ids, (float((sent & urban14).sum()), float(lost.sum()),
                          float((lost & (men["hukou14_rural"] == 0).to_numpy()).sum()))))


def records_only_numbers(men: pd.DataFrame, source: str, person_years: int | None = None,
                         frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Text numbers the records give but no table cell: the ``records:`` rows of the transcription.

    Ages, the share born in or before 1941, the segmentation shares beside
    Table 1 (:func:`hukoumob.tables.table1_2.segmentation_facts`), the tertiary
    educated in I+II, Table 6's person-years (``person_years``, else
    :func:`hukoumob.tables.table6.build_person_years`) and the send-down counts
    (:func:`sent_down_numbers`).
    """
    from hukoumob.tables import table1_2, table6

    _route(source)
    w = men["weight"].to_numpy(float)
    everyone = np.ones(len(men), bool)
    facts = table1_2.segmentation_facts(men)
    age = SURVEY_YEAR - men["birth_year"].to_numpy(float)
    if person_years is None:
        person_years = len(table6.build_person_years(men).data)
    values = {
        "sample_age_min": float(np.nanmin(age)),
        "sample_age_max": float(np.nanmax(age)),
        "born_before_1942_pct": 100 * _share(men["birth_year"].to_numpy() <= 1941, everyone, w),
        "movers_changed_hukou_pct": 100 * facts["movers_changed"],
        "rural_modal_isei_share": facts["rural_modal_share"],
        "rural_modal_isei": facts["rural_modal_isei"],
        **tertiary_numbers(men),
        "t6_person_years": float(person_years),
        **sent_down_numbers(men),
    }
    frame = tn.load_text_numbers() if frame is None else frame
    expected = set(frame.loc[frame["kind"] == "records", "id"])
    if set(values) != expected:
        raise RuntimeError(f"records-only text numbers out of step with the transcription: "
                           f"computed {sorted(set(values) - expected)}, not computed {sorted(expected - set(values))}")
    out = pd.DataFrame([(k, v, source) for k, v in values.items() if np.isfinite(v)], columns=COLUMNS)
    out.attrs["missing"] = {k: f"an empty group, fewer than {MIN_MEN} men, or no such column in the records"
                            for k, v in values.items() if not np.isfinite(v)}
    return out


def records_numbers(men: pd.DataFrame, source: str, *, table5_rows: pd.DataFrame | None = None,
                    table6_rows: pd.DataFrame | None = None, person_years: int | None = None,
                    table1_rows: pd.DataFrame | None = None, table2_rows: pd.DataFrame | None = None,
                    outflow: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every text number the records give (source ``replica`` or ``lhsccc``).

    Rows of tables a chapter has already computed may be passed in; the rest
    are computed here by the table modules.
    """
    from hukoumob.tables import table1_2, table6, tabulate
    from hukoumob.tables.table5 import from_records

    if _route(source) != "records":
        raise ValueError(f"{source!r} is not a records source")
    if table6_rows is None or person_years is None:
        pyo = table6.build_person_years(men)
        person_years = len(pyo.data) if person_years is None else person_years
        table6_rows = table6.table6_rows(table6.fit_models(pyo)) if table6_rows is None else table6_rows
    only = records_only_numbers(men, source, person_years)
    ours = dict(zip(only["id"], only["value"]))
    return _combine([
        only,
        table1_numbers(table1_2.table1_rows(men) if table1_rows is None else table1_rows, source, ours),
        table2_numbers(table1_2.table2_rows(men) if table2_rows is None else table2_rows, source),
        outflow_numbers(tabulate.outflow_tables(men) if outflow is None else outflow, source, ours),
        table5_numbers(from_records.table5_from_records(men).rows if table5_rows is None else table5_rows, source),
        table6_numbers(table6_rows, source),
    ])


def all_text_numbers(men: pd.DataFrame | None = None, source: str = "replica") -> pd.DataFrame:
    """Every computable text number: the published-table route, and the records route when ``men`` is given."""
    parts = [published_tables_numbers()]
    if men is not None:
        parts.append(records_numbers(men, source))
    return _combine_sources(parts)


def _combine_sources(parts: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(parts, ignore_index=True)
    out.attrs["missing"] = {f"{k} ({p['source'].iloc[0] if len(p) else '?'})": v
                            for p in parts for k, v in p.attrs.get("missing", {}).items()}
    return out


# ---------------------------------------------------------------- for chapters
def beside_paper(ours: pd.DataFrame, ids=None) -> pd.DataFrame:
    """Ours next to the printed text value, by id: ``id, source, ours, paper, unit, qualifier, fragment``."""
    frame = tn.load_text_numbers().set_index("id")
    sel = ours if ids is None else ours[ours["id"].isin(list(ids))]
    out = sel.rename(columns={"value": "ours"}).join(
        frame[["value", "unit", "qualifier", "fragment", "section"]].rename(columns={"value": "paper"}), on="id")
    return out.reset_index(drop=True)


def range_position(value: float, low: float, high: float) -> str:
    """Where ``value`` lies against a printed range, to go before "the range": 'below the lowest of',
    'within' or 'above the highest of'."""
    return "below the lowest of" if value < low else "above the highest of" if value > high else "within"


# ------------------------------------------------- where ours contradicts the paper
#: Groups of text numbers whose order the paper's text relies on (each in the paper's order).
ORDERED = (
    ("m1_odds_III_vs_IVab", "m1_odds_III_vs_V_VI", "m1_odds_III_vs_VIIa", "m1_odds_III_vs_farm"),
    ("m3b_odds_I_II_vs_IVab", "m3b_odds_I_II_vs_V_VI"),
    ("m3c_educ_factor_stayers", "m3c_educ_factor_changers"),
    ("t6_odds_junior_hs_pct", "t6_odds_senior_hs_pct", "t6_odds_vocational_pct", "t6_odds_college_pct"),
)
#: A text number is "off in size" when ours / paper falls outside this band (or the sign differs).
SIZE_BAND = (0.8, 1.25)
#: Significance level of the comparison (the paper's weakest footnote letter, p < .05).
ALPHA = 0.05
_T5_P_DEFAULT = 0.01  # Table 5 note b: "P-values are less than .01 except where explicitly indicated"


def _printed_significant(table: str, pub: pd.DataFrame) -> pd.Series:
    """Whether the paper prints each estimate as significant at :data:`ALPHA`, by key (without statistic)."""
    keys = [k for k in SCHEMAS[table].keys if k != "statistic"]
    est = pub[pub["statistic"] == "est"].set_index(keys)
    if table == "table6":
        sig = pub[pub["statistic"] == "sig"].set_index(keys)["value"]
        return pd.Series(est.index.isin(sig.index), index=est.index)
    p = pub[pub["statistic"] == "p"].set_index(keys)["value"].astype(float)
    has_se = pub[pub["statistic"] == "se"].set_index(keys).index
    out = pd.Series(np.where(p.reindex(est.index).isna(), _T5_P_DEFAULT, p.reindex(est.index)) < ALPHA, index=est.index)
    return out[est.index.isin(has_se)]


def _coefficient_reason(gap_se: float) -> str:
    if not np.isfinite(gap_se):
        return "no printed standard error to judge the gap by"
    if gap_se <= 2:
        return (f"ours is {gap_se:.1f} printed SEs from the paper's: sampling noise of one synthetic sample "
                "can do this")
    return f"ours is {gap_se:.1f} printed SEs from the paper's: the replica misses this coefficient"


def _formula_reason(text_id: str, ours_rows: Mapping[str, pd.DataFrame], frame: pd.DataFrame) -> str:
    """Why a derived text number may differ: how far its inputs are from the printed ones."""
    d = tn.parse_derivation(frame.set_index("id").at[text_id, "derivation"])
    gaps, score_gaps = [], []
    mine = _lookup({t: r for t, r in ours_rows.items() if t in d.tables})
    for cell in d.cells:
        try:
            ours_v, paper_v = mine(cell), tn.published_cell(cell)
        except KeyError:
            continue
        keys = cell.keys
        if keys.get("panel") == "A_scaling":
            score_gaps.append(abs(ours_v - paper_v))
            continue
        se_key = tn.Cell(cell.table, tuple("se" if k == "statistic" else v for k, v in keys.items()))
        try:
            gaps.append(abs(ours_v - paper_v) / tn.published_cell(se_key))
        except (IndexError, KeyError):
            pass
    parts = []
    if gaps:
        g = max(gaps)
        parts.append(f"its coefficients are within {g:.1f} printed SEs of the paper's" if g <= 2
                     else f"a coefficient it uses is {g:.1f} printed SEs off")
    if score_gaps:
        parts.append(f"it rests on class scores (no printed SEs), ours off by up to {max(score_gaps):.3f}")
    return "; ".join(parts) + ("; the formula magnifies small differences" if gaps and max(gaps) <= 2 else "")


def contradictions(ours_text: pd.DataFrame, ours_rows: Mapping[str, pd.DataFrame],
                   sections: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every place where our estimates reverse or contradict the paper, with the likely reason.

    ``ours_text``: our text numbers (one source); ``ours_rows``: our rows of the tables
    (``{"table5": ..., "table6": ...}``, results-contract form). Kinds:

    * ``sign``: an estimate of the other sign, where either side is significant at
      :data:`ALPHA`;
    * ``significance``: significant in the paper and not in ours, or the reverse (Table 6's
      footnote letters; Table 5's notes: p < .01 unless a p is printed), and a text bound
      ("p<.05") ours does not meet;
    * ``order``: the class scores of a model ranked differently, or two text numbers of
      :data:`ORDERED` in the other order;
    * ``size``: a text number (percentage or factor) whose ratio to the paper's falls outside
      :data:`SIZE_BAND`, in the given ``sections`` (default all).

    Columns: kind, where, paper, ours, reason. Computed, never typed: it follows the data.
    """
    frame = tn.load_text_numbers()
    paper = frame.set_index("id")
    ours = ours_text.set_index("id")["value"]
    items = []

    def add(kind, where, p, o, reason):
        items.append({"kind": kind, "where": where, "paper": p, "ours": o, "reason": reason})

    for table, rows in ours_rows.items():
        pub = load_published(table, corrected=False)
        keys = [k for k in SCHEMAS[table].keys if k != "statistic"]
        mine = rows.assign(**{k: rows[k].astype(str) for k in keys})
        est = mine[mine["statistic"] == "est"].set_index(keys)["value"].astype(float)
        se_pub = pub[pub["statistic"] == "se"].set_index(keys)["value"].astype(float)
        est_pub = pub[pub["statistic"] == "est"].set_index(keys)["value"].astype(float)
        se_ours = mine[mine["statistic"] == "se"].set_index(keys)["value"].astype(float)
        sig_pub = _printed_significant(table, pub)
        if table == "table6":
            sig_ours = pd.Series(est.index.isin(mine[mine["statistic"] == "sig"].set_index(keys).index), index=est.index)
        else:
            p = mine[mine["statistic"] == "p"].set_index(keys)["value"].astype(float)
            sig_ours = (p < ALPHA).reindex(est.index)
        for key in sig_pub.index.intersection(est.index):
            parts = [str(k) for k in (key if isinstance(key, tuple) else (key,))]
            label = f"{table.replace('table', 'Table ')} {parts[0].replace('model', 'Model ')} {readable(parts[-1])}"
            p_v, o_v, se = est_pub[key], est[key], se_pub.get(key, np.nan)
            gap = abs(o_v - p_v) / se if se and np.isfinite(se) else np.nan
            so = bool(sig_ours.get(key, False)) if pd.notna(sig_ours.get(key, np.nan)) else False
            if np.sign(p_v) != np.sign(o_v) and (sig_pub[key] or so) and p_v != 0:
                add("sign", label, p_v, o_v, _coefficient_reason(gap))
            if bool(sig_pub[key]) != so:
                what = "significant in the paper, not in ours" if sig_pub[key] else "significant in ours, not in the paper"
                reason = _coefficient_reason(gap)
                ratio = se_ours.get(key, np.nan) / se if se else np.nan
                if np.isfinite(ratio) and not 0.77 <= ratio <= 1.3:
                    reason = (f"our standard error is {ratio:.2f} times the printed one, while the estimate is "
                              f"{gap:.1f} printed SEs from the paper's")
                z_pub = abs(p_v / se) if se else np.nan
                if table == "table6" and not sig_pub[key] and z_pub > 1.96:
                    reason += (f"; the paper's own z is {z_pub:.1f}, so its missing footnote letter looks like a "
                               "misprint (data/published/README.md)")
                add("significance", f"{label} ({what})", p_v, o_v, reason)
        if table == "table5":
            scores = mine[(mine["panel"] == "A_scaling") & (mine["statistic"] == "est")]
            for model, s in scores.groupby("model"):
                o_rank = s.set_index("term")["value"].astype(float)
                p_rank = est_pub.xs(("A_scaling",), level=["panel"]).xs(model, level="model") if False else \
                    pub[(pub["model"] == model) & (pub["panel"] == "A_scaling") & (pub["statistic"] == "est")].set_index("term")["value"].astype(float)
                swapped = [(a, b) for i, a in enumerate(p_rank.sort_values(ascending=False).index)
                           for b in p_rank.sort_values(ascending=False).index[i + 1:]
                           if o_rank[a] < o_rank[b]]
                if swapped:
                    pairs = ", ".join(f"{readable(a)} above {readable(b)}" for a, b in swapped)
                    add("order", f"Table 5 {model.replace('model', 'Model ')} class scores: the paper has {pairs}; ours the reverse",
                        np.nan, np.nan,
                        f"the paper prints no SEs for scores; ours differ from the printed ones by up to "
                        f"{float((o_rank - p_rank.reindex(o_rank.index)).abs().max()):.3f}")
    for group in ORDERED:
        present = [k for k in group if k in ours.index]
        for i, a in enumerate(present):
            for b in present[i + 1:]:
                if np.sign(paper.at[a, "value"] - paper.at[b, "value"]) != np.sign(ours[a] - ours[b]):
                    add("order", f"`{a}` (paper {paper.at[a, 'printed']}, ours {ours[a]:.3g}) against `{b}` "
                        f"(paper {paper.at[b, 'printed']}, ours {ours[b]:.3g}): the order is reversed",
                        np.nan, np.nan, _formula_reason(a, ours_rows, frame))
    for text_id, o_v in ours.items():
        row = paper.loc[text_id]
        if sections is not None and row["section"] not in sections:
            continue
        if row["qualifier"] == "less_than" and row["unit"] == "p_value" and not o_v < row["value"]:
            add("significance", f"`{text_id}`: the paper's p < {row['printed']}", row["value"], o_v,
                _formula_reason(text_id, ours_rows, frame) if row["kind"] == "formula" else "")
        if row["unit"] in ("percent", "factor") and row["kind"] == "formula" and "operand" not in text_id:
            ratio = o_v / row["value"] if row["value"] else np.nan
            if not (SIZE_BAND[0] <= ratio <= SIZE_BAND[1]):
                add("size", f"`{text_id}` (\"{row['fragment']}\"; paper {row['printed']}, ours {o_v:.3g})", np.nan, np.nan,
                    _formula_reason(text_id, ours_rows, frame))
    return pd.DataFrame(items, columns=["kind", "where", "paper", "ours", "reason"])


def contradictions_markdown(items: pd.DataFrame, digits: int = 3) -> str:
    """:func:`contradictions` as a Markdown list, each item with the paper's value beside ours."""
    if items.empty:
        return "None: on this source every sign, significance level, order and size checked agrees with the paper."
    lines = []
    for r in items.itertuples():
        values = "" if not (np.isfinite(r.paper) and np.isfinite(r.ours)) else \
            f" (paper {r.paper:.{digits}g}, ours {r.ours:.{digits}g})"
        lines.append(f"* **{r.kind}**: {r.where}{values}. *Likely reason:* {r.reason}.")
    return "\n".join(lines)
