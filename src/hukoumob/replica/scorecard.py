"""The calibration scorecard: how close the replica's re-estimates come to what it was built to.

The criteria and tolerances are :mod:`hukoumob.replica.targets`' (issue 5 of
the project): Table 1 within the paper's rounding (Ns exact); Tables 3-4's
outflow percentages within half a point where the father column has at least
50 weighted men (against the corrected values of ``errata.csv``); Tables 2, 5
and 6's estimates within one published SE; their SEs within 30% of the
published SE; R2 within 0.02; Table 6's person-years within 2%. Each number
is computed by the one function the chapters use for it (``table1_2``,
``tabulate``, ``table5.from_records``, ``table6``), so the scorecard and
``results/`` hold the same numbers; the book judges both with one policy
(:mod:`hukoumob.book.verdicts`), whose "on calibration target" is exactly
this module's ``hit``.

:func:`scorecard` returns one row per calibration target with ``criterion``,
``table``, ``key`` (as in ``errata.csv``), ``statistic``, ``item``,
``published`` (as printed), ``target`` (what the replica was built to),
``replica``, ``tolerance``, ``ratio``, ``difference`` and ``hit``;
:func:`summary` gives the hit rate per criterion; :func:`summary_with_strict` adds the
strict count (Table 5's SEs design-based too) beside the like-for-like one.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import SCHEMAS
from hukoumob.tables import table1_2, table6, tabulate
from hukoumob.tables.table5 import from_records
from . import targets

#: Relative tolerance of the SEs (:data:`hukoumob.replica.targets.SE_RATIO_TOLERANCE`).
SE_TOLERANCE = targets.SE_RATIO_TOLERANCE
GOALS = targets.GOALS
CARD_COLUMNS = ["criterion", "table", "key", "statistic", "item", "published", "target", "replica", "tolerance",
                "ratio", "difference", "hit"]


def table2_replica(men: pd.DataFrame) -> pd.DataFrame:
    """Table 2 on records with design-based SEs (:func:`hukoumob.tables.table1_2.table2_rows`, as chapter 03)."""
    return table1_2.table2_rows(men)


def table5_replica(men: pd.DataFrame, design_se: bool = True) -> pd.DataFrame:
    """Table 5's five models on records: the rows of
    :func:`hukoumob.tables.table5.from_records.table5_from_records` (the same fits and SEs as
    the chapter), with design-based SEs (whole-file design, the model's men a domain, scores
    held fixed) if ``design_se``, else model-based ones with the scores held fixed (the paper's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_records.table5_from_records(men, se="design" if design_se else "model").rows


def table6_replica(men: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Table 6's rows and person-years on records (:mod:`hukoumob.tables.table6`, as chapter 07)."""
    pyobj = table6.build_person_years(men)
    return table6.table6_rows(table6.fit_models(pyobj)), len(pyobj.data)


def _key(table: str, frame: pd.DataFrame) -> pd.Series:
    keys = list(SCHEMAS[table].keys)
    return frame[keys].astype(str).apply(lambda r: ";".join(f"{k}={v}" for k, v in zip(keys, r)), axis=1)


def _rows(table: str, ours: pd.DataFrame) -> pd.DataFrame:
    """Calibration targets of one table joined with the replica's numbers (the table's keys + ``value``)."""
    pub = load_published(table, corrected=False)
    keys = list(SCHEMAS[table].keys)
    pub = pub.join(targets.calibration_targets(table, pub))
    pub = pub[pub["criterion"] != ""]
    m = pub.merge(ours[[*keys, "value"]].rename(columns={"value": "replica"}), on=keys)
    stat = "kind" if "kind" in keys else "statistic"
    return pd.DataFrame({
        "criterion": m["criterion"], "table": table, "key": _key(table, m), "statistic": m[stat],
        "item": m[[k for k in keys if k != stat]].astype(str).agg(" ".join, axis=1),
        "published": m["value"].astype(float), "target": m["target"].astype(float),
        "replica": pd.to_numeric(m["replica"], errors="coerce"), "tolerance": m["tolerance"].astype(float),
        "ratio": m["ratio"].astype(bool),
    })


def _judged(card: pd.DataFrame) -> pd.DataFrame:
    card = card.copy()
    card["difference"] = card["replica"] - card["published"]
    card["hit"] = targets.on_target(card["replica"], card["target"], card["tolerance"], card["ratio"])
    return card[CARD_COLUMNS].reset_index(drop=True)


def scorecard(men: pd.DataFrame, design_se: bool = True) -> pd.DataFrame:
    """Every calibration target of the replica against the paper, with its tolerance and whether it hits."""
    t6, n_py = table6_replica(men)
    parts = [
        _rows("table1", table1_2.table1_rows(men)),
        *(_rows(t, frame) for t, frame in tabulate.outflow_tables(men).items()),
        _rows("table2", table2_replica(men)),
        _rows("table5", table5_replica(men, design_se)),
        _rows("table6", t6),
    ]
    goal = targets.person_years_target()
    parts.append(pd.DataFrame([{
        "criterion": "person_years", "table": "text", "key": "id=t6_person_years", "statistic": "count",
        "item": "person-years", "published": float(goal), "target": float(goal), "replica": float(n_py),
        "tolerance": targets.PERSON_YEARS_TOLERANCE * goal, "ratio": False}]))
    return _judged(pd.concat(parts, ignore_index=True))


def with_model_based_table5(card: pd.DataFrame, men: pd.DataFrame) -> pd.DataFrame:
    """``card`` with Table 5's SE rows re-scored on model-based SEs, as the paper computed them.

    Table 5's notes, unlike those of Tables 2 and 6, claim no survey
    estimation, and the published tables show its SEs are model-based
    (:func:`hukoumob.tables.table5.from_published.model3a_standard_errors`). Only Table 5's
    rows change; the estimates, hence its within-1-SE rows, are the same.
    """
    t5 = _judged(_rows("table5", table5_replica(men, design_se=False)))
    t5 = t5[t5["criterion"] == "se_within_30pct"]
    keep = ~((card["table"] == "table5") & (card["criterion"] == "se_within_30pct"))
    return pd.concat([card[keep], t5], ignore_index=True)


def summary_with_strict(card: pd.DataFrame, strict: pd.DataFrame) -> pd.DataFrame:
    """:func:`summary` of ``card`` (SEs judged as the paper computed them, the frame written to
    ``results/replica_scorecard.csv``) with the strict count beside it: ``strict_hits`` and
    ``strict_hit_rate`` from ``strict`` (every SE design-based, :func:`scorecard` with ``design_se``)."""
    keys = ["criterion", "table"]
    beside = summary(strict)[[*keys, "hits", "hit_rate"]].rename(
        columns={"hits": "strict_hits", "hit_rate": "strict_hit_rate"})
    return summary(card).merge(beside, on=keys, how="left", validate="one_to_one")


def summary(card: pd.DataFrame) -> pd.DataFrame:
    """Hit rate per criterion (and per table), with the goal and whether it is met; a neutral row
    (``hit`` NaN: nothing printed to judge it by) is not counted as compared."""
    card = card.assign(hit=card["hit"].map(lambda h: float(bool(h)) if pd.notna(h) else np.nan).astype(float))
    s = card.groupby(["criterion", "table"])["hit"].agg(["sum", "count"]).rename(columns={"sum": "hits", "count": "compared"})
    tot = card.groupby("criterion")["hit"].agg(["sum", "count"]).rename(columns={"sum": "hits", "count": "compared"})
    tot["table"] = "all"
    s = pd.concat([s.reset_index(), tot.reset_index()], ignore_index=True)
    s["hits"] = s["hits"].astype(int)
    s["hit_rate"] = s["hits"] / s["compared"]
    s["goal"] = s["criterion"].map(targets.ALL_GOALS)
    s["met"] = np.where(s["table"] == "all", s["hit_rate"] >= s["goal"] - 1e-12, np.nan)
    order = list(targets.ALL_GOALS)
    s["o"] = s["criterion"].map(order.index)
    return s.sort_values(["o", "table"]).drop(columns="o").reset_index(drop=True)
