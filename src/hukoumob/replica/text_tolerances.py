"""Calibration targets of the paper's prose numbers: what the replica is held to for each, and how closely.

Every number of ``data/published/text_numbers.csv`` that individual records
can give (``computable_from`` names ``records``, or ``data/replica/text_targets.csv``
lists it) is a calibration target of the replica (issue 14, "stated numbers
are targets"), with one of these tolerances (:data:`TOLERANCES`):

* ``share`` (a per cent or fraction): within :data:`TEXT_SHARE_TOLERANCE` points;
* ``count``: within :data:`TEXT_COUNT_TOLERANCE` of the target;
* ``se`` (a number computed from Table 2, 5 or 6 coefficients): the range that one
  published SE of those coefficients implies for it (delta method on the printed
  SEs, taken as independent); a number whose coefficients carry no printed SE
  (the Table 5 class scores) is no calibration target (a neutral verdict);
* ``exact``: held by construction (tolerance 0);
* ``bound``: the printed value is an upper limit ("less than"): the target is met below it.

The *target* is the printed value, except where the number is a formula over
the paper's own table cells and the text prints those cells rounded, within
the text's own precision (half a unit of its last printed digit; "about"
allows :data:`TEXT_ABOUT_RELATIVE` of the value, as the verdict
policy reads the prose): then the target is the tables' value, which the
replica is built to ("about half" for Table 4's 46.1 per cent: the target is
46.1). Where the paper's own tables give a value outside the text's
precision, the text contradicts its tables: the target stays the printed
value, the contradiction is the ``reason``, and the verdict says off target
when the replica follows the tables. For ``se`` numbers the target is always
the formula on the printed coefficients (the centre of the SE range).

:func:`text_targets_frame` is the one place these targets are computed: the
verdict policy reads them through :func:`hukoumob.replica.targets.calibration_targets`
(``table="text"``), and :mod:`hukoumob.replica.statements` judges the replica with them.
The tolerances are defined here and re-exported by :mod:`hukoumob.replica.targets`.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import SCHEMAS
from hukoumob.inputs import paths
from hukoumob.inputs.text_numbers import Cell, evaluate, load_text_numbers, parse_derivation

#: Shares within this many points ...
TEXT_SHARE_TOLERANCE = 2.0
#: ... counts within this share ...
TEXT_COUNT_TOLERANCE = 0.10
#: ... and a number the text prints as "about" is what the text says within this share of it (the verdict
#: policy's reading of the prose, :mod:`hukoumob.book.verdicts`).
TEXT_ABOUT_RELATIVE = 0.10
#: Goals of the prose checks (:func:`hukoumob.replica.statements.all_rows`): share of judged rows on target.
TEXT_GOALS = {"stated_fact": 1.0, "text_number": 0.9, "text_sign": 1.0, "predicted_moves": 1.0}
#: The prose numbers with a replica-specific rule: ``data/replica/text_targets.csv``.
TEXT_TARGETS_FILE = "text_targets.csv"
TOLERANCES = ("share", "count", "exact", "bound", "se")

#: Text numbers judged by another criterion of the scorecard (Table 6's person-years, within 2%).
JUDGED_ELSEWHERE = ("t6_person_years",)
COEFFICIENT_TABLES = ("table2", "table5", "table6")
COLUMNS = ["id", "table", "kind", "criterion", "target", "tolerance", "upper", "reason", "miss_reason"]
#: Why a number from a model the replica's tables fix cannot move (shown only when it is off target).
FIXED_BY_TABLES = {
    "model3b": ("Model 3b depends on the data only through Table 4's Panels B and C, which the replica holds "
                "exactly: the same formula on the published tables gives the replica's value"),
    "model1": ("Model 1 depends on the data only through Table 3, which the replica holds exactly; the "
               "printed scores are rounded to three decimals"),
}


@functools.lru_cache(maxsize=1)
def _published_lookup():
    """``cell -> value`` over the published tables (errata applied: what the replica was built to)."""
    index = {}
    for name in ("table1", "table2", "table3", "table4", "table5", "table6"):
        frame = load_published(name)
        keys = list(SCHEMAS[name].keys)
        index[name] = frame.assign(**{k: frame[k].astype(str) for k in keys}).set_index(keys)["value"]

    def value(cell: Cell) -> float:
        s = index[cell.table]
        key = tuple(cell.key) if len(cell.key) > 1 else cell.key[0]
        if key not in s.index:
            raise KeyError(f"{cell}: not a published cell")
        v = s.loc[key]
        return float(v.iloc[0] if isinstance(v, pd.Series) else v)

    return value


def text_targets() -> pd.DataFrame:
    """``data/replica/text_targets.csv`` joined with the printed values of ``data/published/text_numbers.csv``.

    Columns: ``text_id``, ``measure`` (the name under which :mod:`.sentdown`
    reads a printed count, or empty), ``tolerance`` (:data:`TOLERANCES`),
    ``reason`` (why a miss cannot be helped on this replica, or empty),
    ``published`` (the printed number). Raises ValueError naming the file and
    the target whose row is bad.
    """
    file = paths.REPLICA / TEXT_TARGETS_FILE
    try:
        rows = pd.read_csv(file, dtype=str, comment="#", keep_default_na=False)
    except (FileNotFoundError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ValueError(f"{file}: cannot be read ({err})") from None
    need = {"text_id", "measure", "tolerance"}
    if not need <= set(rows.columns):
        raise ValueError(f"{file}: columns {sorted(need - set(rows.columns))} missing")
    if "reason" not in rows.columns:
        rows["reason"] = ""
    printed = load_text_numbers().set_index("id")["value"]
    for row in rows.itertuples():
        if row.tolerance not in TOLERANCES:
            raise ValueError(f"{file}: target {row.text_id!r}: tolerance {row.tolerance!r} is not one of {TOLERANCES}")
        if row.text_id not in printed.index:
            raise ValueError(f"{file}: target {row.text_id!r} is not in data/published/text_numbers.csv")
    return rows.assign(published=rows["text_id"].map(printed).astype(float))


def _se_cell(cell: Cell) -> Cell | None:
    """The printed SE cell of a coefficient cell of Tables 2, 5 and 6 (None if it has none)."""
    if cell.table not in COEFFICIENT_TABLES or cell.key[-1] not in ("est", "b"):
        return None
    return Cell(cell.table, (*cell.key[:-1], "se"))


def se_half_width(deriv, pub_value, text_value) -> float:
    """One published SE of the coefficients a formula uses, carried to the formula (delta method)."""
    grads = []
    for i, cell in enumerate(deriv.cells):
        se_cell = _se_cell(cell)
        if se_cell is None:
            continue
        try:
            se = pub_value(se_cell)
        except KeyError:
            continue
        h = 1e-4 * max(1.0, abs(pub_value(cell)))

        def shifted(c, _i=i, _h=h):
            return pub_value(c) + (_h if c == deriv.cells[_i] else 0.0)

        grads.append((evaluate(deriv, shifted, text_value) - evaluate(deriv, pub_value, text_value)) / h * se)
    return float(np.sqrt(np.sum(np.square(grads)))) if grads else float("nan")


def text_precision(printed: float, decimals: int, qualifier: str) -> float:
    """How far a value may lie from the printed text number and still be what the text says: half a
    unit of its last digit; "about" allows :data:`~hukoumob.replica.TEXT_ABOUT_RELATIVE` of it."""
    bound = 0.5 * 10.0 ** (-int(decimals))
    if qualifier == "about":
        bound = max(bound, TEXT_ABOUT_RELATIVE * abs(printed))
    return bound


def source_table(deriv) -> str:
    """The paper's table a formula draws on (a coefficient table first), else ``"text"``."""
    if deriv.kind != "formula":
        return "text"
    tabs = [t for t in deriv.tables if t in COEFFICIENT_TABLES]
    return tabs[0] if tabs else (deriv.tables[0] if deriv.tables else "text")


def _kind(row, listed: pd.DataFrame, table: str) -> str:
    if row.id in listed.index:
        return listed.loc[row.id, "tolerance"]
    if row.unit == "p_value" or row.qualifier == "less_than":
        return "bound"
    if table in COEFFICIENT_TABLES:
        return "se"
    return "share" if row.unit in ("percent", "fraction") else "count"


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def text_targets_frame() -> pd.DataFrame:
    """One row per record-computable prose number: :data:`COLUMNS` (see the module docstring).

    ``criterion`` is ``"text_number"`` (or ``""``: no calibration target,
    neutral), ``target`` and ``tolerance`` in the number's printed unit,
    ``upper`` True for a bound, ``reason`` why the target is what it is
    (the text rounds its table, or contradicts it), ``miss_reason`` why a
    miss cannot be helped (a model the replica's held tables fix).
    """
    return _frame().copy()


@functools.lru_cache(maxsize=1)
def _frame() -> pd.DataFrame:
    tn = load_text_numbers()
    listed = text_targets().set_index("text_id")
    printed = tn.set_index("id")["value"]
    pub_value = _published_lookup()
    rows = []
    for r in tn.itertuples():
        if ("records" not in r.sources and r.id not in listed.index) or r.id in JUDGED_ELSEWHERE:
            continue
        deriv = parse_derivation(r.derivation)
        table = source_table(deriv)
        kind = _kind(r, listed, table)
        pub = float(r.value)
        reason = ""
        implied = np.nan
        if deriv.kind == "formula":
            implied = evaluate(deriv, pub_value, printed.__getitem__)
        precision = text_precision(pub, r.decimals, r.qualifier)
        if r.qualifier == "less_than":  # "less than": the tables agree when they give a value below it
            agrees = np.isfinite(implied) and implied < pub
        else:
            agrees = np.isfinite(implied) and abs(implied - pub) <= precision + 1e-9
        if np.isfinite(implied) and not agrees:
            reason = (f"the text contradicts the paper's own tables: they give {_fmt(implied)}, the text prints "
                      f"{r.printed}{' (about)' if r.qualifier == 'about' else ''}; the replica is built to the tables")
        elif np.isfinite(implied) and abs(implied - pub) > 1e-9 and kind in ("share", "count"):
            reason = (f"the text rounds the paper's own tables' {_fmt(implied)} to {r.printed}"
                      f"{' (about)' if r.qualifier == 'about' else ''}: the target is the tables' value")
        target, upper, criterion = pub, False, "text_number"
        if kind == "share":
            tol = TEXT_SHARE_TOLERANCE if r.unit == "percent" else TEXT_SHARE_TOLERANCE / 100
            target = implied if agrees else pub
        elif kind == "count":
            target = implied if agrees else pub
            tol = TEXT_COUNT_TOLERANCE * abs(target)
        elif kind == "exact":
            tol = 0.0
        elif kind == "bound":
            tol, upper = 0.0, True
            reason = reason or "a bound: the printed value is an upper limit"
        else:  # se: the range one published SE of the coefficients implies, centred on the paper's own value
            tol = se_half_width(deriv, pub_value, printed.__getitem__)
            target = implied
            if not np.isfinite(tol):
                criterion, target = "", np.nan
                reason = "no printed SE for the coefficients it comes from: no calibration target"
        miss = next((why for model, why in FIXED_BY_TABLES.items()
                     if table == "table5" and f"table5[{model}/" in r.derivation), "")
        if r.id in listed.index and listed.loc[r.id, "reason"]:
            miss = "; ".join(x for x in (miss, listed.loc[r.id, "reason"]) if x)
        rows.append((r.id, table, kind, criterion, target, tol, upper, reason, miss))
    return pd.DataFrame(rows, columns=COLUMNS)
