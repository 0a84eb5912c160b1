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

from hukoumob.inputs import text_numbers as tn
from hukoumob.inputs.schema import SCHEMAS, SURVEY_YEAR

#: The transcription's route behind each source of ``results/``.
ROUTE_OF_SOURCE = {"published_tables": "tables", "replica": "records", "lhsccc": "records"}
COLUMNS = ["id", "value", "source"]


def _route(source: str) -> str:
    if source not in ROUTE_OF_SOURCE:
        raise ValueError(f"unknown source {source!r}; choose one of {sorted(ROUTE_OF_SOURCE)}")
    return ROUTE_OF_SOURCE[source]


def _lookup(rows_by_table: Mapping[str, pd.DataFrame]) -> Callable[[tn.Cell], float]:
    """``cell -> our value`` over tidy rows in the published key form; ``KeyError`` for a cell we lack."""
    index = {}
    for table, rows in rows_by_table.items():
        keys = list(SCHEMAS[table].keys)
        index[table] = rows.assign(**{k: rows[k].astype(str) for k in keys}).set_index(keys)["value"]

    def value(cell: tn.Cell) -> float:
        series = index[cell.table]
        if cell.key not in series.index:
            raise KeyError(str(cell))
        got = series.loc[cell.key]
        got = got.iloc[0] if isinstance(got, pd.Series) else got
        if not np.isfinite(float(got)):
            raise KeyError(str(cell))
        return float(got)

    return value


def evaluate_formulas(rows_by_table: Mapping[str, pd.DataFrame], source: str,
                      ours: Mapping[str, float] | None = None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every formula text number of ``source``'s route whose tables are all in ``rows_by_table``.

    ``ours`` gives our values of other text numbers a formula refers to
    (``text[...]``); a formula whose text references are not all there, or
    whose cells our rows lack, is left out (``attrs["missing"]``: id -> why).
    """
    route = _route(source)
    frame = tn.load_text_numbers() if frame is None else frame
    lookup, ours = _lookup(rows_by_table), dict(ours or {})
    out, missing = [], {}
    for _, row in frame[(frame["kind"] == "formula") & frame["sources"].map(lambda s: route in s)].iterrows():
        d = tn.parse_derivation(row["derivation"])
        if not set(d.tables) <= set(rows_by_table) or not set(d.text_refs) <= set(ours):
            continue
        try:
            out.append((row["id"], tn.evaluate(d, lookup, ours.__getitem__), source))
        except KeyError as err:
            missing[row["id"]] = f"our rows lack {err.args[0]}"
        except (ValueError, ZeroDivisionError, OverflowError) as err:
            missing[row["id"]] = f"cannot evaluate ({err})"
    result = pd.DataFrame(out, columns=COLUMNS)
    result.attrs["missing"] = missing
    return result


def _combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if p is not None]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    out.attrs["missing"] = {k: v for p in parts for k, v in p.attrs.get("missing", {}).items()}
    return out.drop_duplicates("id", keep="first").reset_index(drop=True)


# ------------------------------------------------------------ published tables
def published_tables_numbers(fits: Mapping | None = None) -> pd.DataFrame:
    """Text numbers from the published tables (source ``published_tables``).

    Table 5 Models 1, 2 and 3a re-estimated from Tables 3 and 4
    (:func:`hukoumob.tables.table5.from_published.rows_from_published`, or
    the given ``fits``: model -> :class:`~hukoumob.mobility.MobilityResults`)
    and Table 3-4's derived cells (:func:`hukoumob.tables.table3_4.reproduce_table`):
    the Model 1 immobility, association, farm score and worked odds, and the
    share of urban-hukou holders of rural origin.
    """
    from hukoumob.tables import table3_4
    from hukoumob.tables.table5 import from_published

    models = from_published.PANEL_OF_MODEL
    rows5 = pd.concat([fits[m].to_table5_rows(m) if fits and m in fits else from_published.rows_from_published(m)
                       for m in models], ignore_index=True)
    rows = {"table5": rows5, "table3": table3_4.reproduce_table("table3"), "table4": table3_4.reproduce_table("table4")}
    return evaluate_formulas(rows, "published_tables")


# ------------------------------------------------------------------- records
def table1_numbers(rows: pd.DataFrame, source: str, ours: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Text numbers from Table 1 of the records (:func:`hukoumob.tables.table1_2.table1_rows`):
    the shares of rural origin and residence and note 7's informal migrants (with ``ours``'
    value of the 68 per cent)."""
    return evaluate_formulas({"table1": rows}, source, ours)


def table2_numbers(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Text numbers from Table 2 of the records (:func:`hukoumob.tables.table1_2.table2_rows`): the
    7.22 ISEI points of urban hukou origin."""
    return evaluate_formulas({"table2": rows}, source)


def outflow_numbers(tables: Mapping[str, pd.DataFrame], source: str) -> pd.DataFrame:
    """Text numbers from Tables 3 and 4 of the records (:func:`hukoumob.tables.tabulate.outflow_tables`):
    the shares of sons in farming the text quotes, and the urban-hukou holders of rural origin."""
    return evaluate_formulas({"table3": tables["table3"], "table4": tables["table4"]}, source)


def table5_numbers(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Text numbers from Table 5 of the records
    (:func:`hukoumob.tables.table5.from_records.table5_from_records` ``.rows``): Model 1's
    parameters and worked odds, Model 3b's associations and odds, Model 3c's associations and factors."""
    return evaluate_formulas({"table5": rows}, source)


def table6_numbers(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Text numbers from Table 6 of the records (:func:`hukoumob.tables.table6.table6_rows`): the odds
    percentages of Models 2 and 3."""
    return evaluate_formulas({"table6": rows}, source)


def _share(event: np.ndarray, among: np.ndarray, w: np.ndarray) -> float:
    den = w[among].sum()
    return float(w[among & event].sum() / den) if den > 0 else np.nan


def records_only_numbers(men: pd.DataFrame, source: str, person_years: int | None = None,
                         frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Text numbers the records give but no table cell: the ``records:`` rows of the transcription.

    Ages, the share born in or before 1941, the segmentation shares beside
    Table 1 (:func:`hukoumob.tables.table1_2.segmentation_facts`), the tertiary
    educated in I+II, and Table 6's person-years (``person_years``, else
    :func:`hukoumob.tables.table6.build_person_years`).
    """
    from hukoumob.tables import table1_2, table6

    _route(source)
    w = men["weight"].to_numpy(float)
    everyone = np.ones(len(men), bool)
    facts = table1_2.segmentation_facts(men)
    age = SURVEY_YEAR - men["birth_year"].to_numpy(float)
    college = (men["educ_level"] == "college").to_numpy()
    in_I_II = (men["son_class"] == "I_II").to_numpy()
    rural_farm = ((men["hukou14_rural"] == 1) & (men["father_class"] == "farm")).to_numpy()
    if person_years is None:
        person_years = len(table6.build_person_years(men).data)
    values = {
        "sample_age_min": float(np.nanmin(age)),
        "sample_age_max": float(np.nanmax(age)),
        "born_before_1942_pct": 100 * _share(men["birth_year"].to_numpy() <= 1941, everyone, w),
        "movers_changed_hukou_pct": 100 * facts["movers_changed"],
        "rural_modal_isei_share": facts["rural_modal_share"],
        "rural_modal_isei": facts["rural_modal_isei"],
        "tertiary_in_I_II_pct": 100 * _share(in_I_II, college, w),
        "tertiary_rural_farm_in_I_II_pct": 100 * _share(in_I_II, college & rural_farm, w),
        "t6_person_years": float(person_years),
    }
    frame = tn.load_text_numbers() if frame is None else frame
    expected = set(frame.loc[frame["kind"] == "records", "id"])
    if set(values) != expected:
        raise RuntimeError(f"records-only text numbers out of step with the transcription: "
                           f"computed {sorted(set(values) - expected)}, not computed {sorted(expected - set(values))}")
    out = pd.DataFrame([(k, v, source) for k, v in values.items() if np.isfinite(v)], columns=COLUMNS)
    out.attrs["missing"] = {k: "an empty group in the records" for k, v in values.items() if not np.isfinite(v)}
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
        outflow_numbers(tabulate.outflow_tables(men) if outflow is None else outflow, source),
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
