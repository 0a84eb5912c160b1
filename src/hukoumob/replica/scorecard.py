"""The calibration scorecard: how close the replica's re-estimates come to the published tables.

Criteria (issue 5 of the project; tolerances are those of the paper's rounding):

* Table 1: means within 0.1, SDs within 0.2, proportions within 0.01, Ns exact;
* Tables 3-4: outflow percentages within 0.5 points where the column's
  weighted N >= 50 (against the corrected values of ``errata.csv``);
* unweighted Ns: 2,844 men, rural and urban residents exactly (Table 1);
* Tables 2, 5 (all five models) and 6: estimate within one published SE for
  >= 90% of coefficients; R2 within 0.02; Table 6 person-years within 2%;
* design-based SEs (strata, PSU, weights) within 30% of the published SE for
  >= 80% of coefficients.

:func:`scorecard` returns one row per compared number with ``criterion``,
``published``, ``replica``, ``tolerance`` and ``hit``; :func:`summary`
gives the hit rate per criterion.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from hukoumob.tables import table1_2, tabulate
from hukoumob.tables.table6 import fit_table6, person_years
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import CLASSES
from . import calibrate as cal
from . import targets

#: Relative tolerance of the design-based SEs (issue 5: within 30% of the published SE).
SE_TOLERANCE = 0.3
GOALS = {"table1": 1.0, "tables3_4": 1.0, "unweighted_n": 1.0, "within_1se": 0.9, "r2": 1.0,
         "person_years": 1.0, "se_within_30pct": 0.8}


def _table1_rows(men: pd.DataFrame) -> pd.DataFrame:
    rep = table1_2.table1_rows(men)
    pub = load_published("table1")
    m = pub.merge(rep, on=["variable", "statistic", "group"], suffixes=("_pub", "_rep"))
    tol = m["statistic"].map({"mean": 0.1, "sd": 0.2, "proportion": 0.01, "weighted_n": 0.5, "unweighted_n": 0.0})
    m["criterion"] = np.where(m["statistic"] == "unweighted_n", "unweighted_n", "table1")
    return pd.DataFrame({"criterion": m["criterion"], "table": "table1",
                         "item": m["variable"] + " " + m["statistic"] + " " + m["group"],
                         "published": m["value_pub"].astype(float), "replica": m["value_rep"], "tolerance": tol})


def _outflow_rows(men: pd.DataFrame) -> pd.DataFrame:
    rows = []
    tabs = tabulate.outflow_tables(men)
    for table, rep in tabs.items():
        pub = load_published(table)
        n = pub[pub["kind"] == "weighted_n"].set_index(["panel", "father_class"])["value"].astype(float)
        m = pub[(pub["kind"] == "pct") & pub["son_class"].isin(CLASSES)].merge(
            rep, on=["panel", "son_class", "father_class", "kind"], suffixes=("_pub", "_rep"))
        for r in m.itertuples():
            if n.get((r.panel, r.father_class), 0) >= 50:
                rows.append(("tables3_4", table, f"{r.panel} son {r.son_class} father {r.father_class}",
                             float(r.value_pub), r.value_rep, 0.5))
    return pd.DataFrame(rows, columns=["criterion", "table", "item", "published", "replica", "tolerance"])


def table2_replica(men: pd.DataFrame) -> pd.DataFrame:
    """Table 2 on records with design-based SEs: rows (model, sample, term, statistic, value)."""
    from ..survey import SurveyDesign, svy_ols

    data = men.assign(urban_hukou14=1 - men["hukou14_rural"])
    xs = ["father_educ", "father_isei", "educ", "first_isei"]
    specs = [("model1", "urban", xs), ("model1", "rural", xs), ("model1", "total", xs), ("model2", "total", [*xs, "urban_hukou14"])]
    rows = []
    for model, sample, cols in specs:
        d = data if sample == "total" else data[data["residence_rural"] == (1 if sample == "rural" else 0)]
        design = SurveyDesign.from_frame(d, strata="stratum", psu="psu", weights="weight", lonely_psu="adjust")
        res = svy_ols(d, "current_isei", cols, design)
        se = np.sqrt(np.diag(res.vcov.to_numpy()))
        for term, b, s in zip(res.estimates.index, res.estimates.to_numpy(), se):
            rows += [(model, sample, term, "b", float(b)), (model, sample, term, "se", float(s))]
        rows.append((model, sample, "r2", "r2", float(res.extra["r2"])))
    return pd.DataFrame(rows, columns=["model", "sample", "term", "statistic", "value"])


def table5_replica(men: pd.DataFrame, design_se: bool = True) -> pd.DataFrame:
    """Table 5's five models on records: the rows of
    :func:`hukoumob.tables.table5.from_records.table5_from_records` (the same fits and SEs as
    the chapter), with design-based SEs (whole-file design, the model's men a domain, scores
    held fixed) if ``design_se``, else model-based ones with the scores held fixed (the paper's)."""
    from hukoumob.tables.table5 import from_records

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_records.table5_from_records(men, se="design" if design_se else "model").rows


def _coef_rows(pub: pd.DataFrame, rep: pd.DataFrame, keys: list[str], table: str, est: str) -> pd.DataFrame:
    """within-1-SE rows and SE-ratio rows for one table."""
    rows = []
    p_est = pub[pub["statistic"] == est].set_index(keys)["value"].astype(float)
    p_se = pub[pub["statistic"] == "se"].set_index(keys)["value"].astype(float)
    r_est = rep[rep["statistic"] == est].set_index(keys)["value"].astype(float)
    r_se = rep[rep["statistic"] == "se"].set_index(keys)["value"].astype(float)
    for k in p_est.index:
        if k not in p_se.index or k not in r_est.index:
            continue
        item = " ".join(map(str, k if isinstance(k, tuple) else (k,)))
        rows.append(("within_1se", table, item, p_est[k], r_est[k], p_se[k]))
        if k in r_se.index:
            rows.append(("se_within_30pct", table, item, p_se[k], r_se[k], SE_TOLERANCE * p_se[k]))
    return pd.DataFrame(rows, columns=["criterion", "table", "item", "published", "replica", "tolerance"])


def scorecard(men: pd.DataFrame, design_se: bool = True) -> pd.DataFrame:
    """Every compared number of the replica against the paper, with its tolerance and whether it hits."""
    parts = [_table1_rows(men), _outflow_rows(men)]
    t2p = targets.table2_targets()
    t2r = table2_replica(men)
    parts.append(_coef_rows(t2p, t2r, ["model", "sample", "term"], "table2", "b"))
    r2p = t2p[t2p["statistic"] == "r2"].set_index(["model", "sample"])["value"].astype(float)
    r2r = t2r[t2r["statistic"] == "r2"].set_index(["model", "sample"])["value"]
    parts.append(pd.DataFrame([("r2", "table2", f"{m} {s}", r2p[(m, s)], r2r[(m, s)], 0.02) for (m, s) in r2p.index],
                              columns=["criterion", "table", "item", "published", "replica", "tolerance"]))
    t5r = table5_replica(men, design_se)
    parts.append(_coef_rows(load_published("table5"), t5r, ["model", "panel", "term"], "table5", "est"))
    py = person_years(men)
    t6r = fit_table6(py)
    parts.append(_coef_rows(load_published("table6"), t6r, ["model", "term"], "table6", "est"))
    goal = targets.person_years_target()
    parts.append(pd.DataFrame([("person_years", "table6", "person-years", float(goal), float(len(py)), 0.02 * goal)],
                              columns=["criterion", "table", "item", "published", "replica", "tolerance"]))
    card = pd.concat(parts, ignore_index=True)
    card["difference"] = card["replica"] - card["published"]
    card["hit"] = card["difference"].abs() <= card["tolerance"] + 1e-9
    return card


def with_model_based_table5(card: pd.DataFrame, men: pd.DataFrame) -> pd.DataFrame:
    """``card`` with Table 5's SE rows re-scored on model-based SEs, as the paper computed them.

    Table 5's notes, unlike those of Tables 2 and 6, claim no survey
    estimation, and the published tables show its SEs are model-based
    (:func:`hukoumob.tables.table5.from_published.model3a_standard_errors`). Only Table 5's
    rows change; the estimates, hence its within-1-SE rows, are the same.
    """
    t5 = _coef_rows(load_published("table5"), table5_replica(men, design_se=False), ["model", "panel", "term"],
                    "table5", "est")
    t5 = t5[t5["criterion"] == "se_within_30pct"]
    t5 = t5.assign(difference=t5["replica"] - t5["published"])
    t5["hit"] = t5["difference"].abs() <= t5["tolerance"] + 1e-9
    keep = ~((card["table"] == "table5") & (card["criterion"] == "se_within_30pct"))
    return pd.concat([card[keep], t5], ignore_index=True)


def summary(card: pd.DataFrame) -> pd.DataFrame:
    """Hit rate per criterion (and per table), with the goal and whether it is met."""
    s = card.groupby(["criterion", "table"])["hit"].agg(["sum", "size"]).rename(columns={"sum": "hits", "size": "compared"})
    tot = card.groupby("criterion")["hit"].agg(["sum", "size"]).rename(columns={"sum": "hits", "size": "compared"})
    tot["table"] = "all"
    s = pd.concat([s.reset_index(), tot.reset_index()], ignore_index=True)
    s["hit_rate"] = s["hits"] / s["compared"]
    s["goal"] = s["criterion"].map(GOALS)
    s["met"] = np.where(s["table"] == "all", s["hit_rate"] >= s["goal"] - 1e-12, np.nan)
    order = list(GOALS)
    s["o"] = s["criterion"].map(order.index)
    return s.sort_values(["o", "table"]).drop(columns="o").reset_index(drop=True)
