"""What the paper's prose says, checked on a men file: stated facts, stated numbers, asserted signs, predicted moves.

Four kinds of check, each a function returning one row per checked item in
the scorecard's columns (``criterion, table, item, published, replica,
tolerance, hit``) plus a ``reason`` where the paper's own numbers say why a
miss cannot be helped. The scorecard (:mod:`.scorecard`) consumes them.

* :func:`stated_facts` (criterion ``stated_fact``): structural statements
  about who is in which population, which the replica holds *by
  construction* (:mod:`.schooling`, :mod:`.sentdown`, :mod:`.origins`):
  "everyone analyzed in Table 6 who attained tertiary education also
  successfully converted his hukou"; the sent-down men and their returns;
  hukou changers all of rural origin; the imputation of hukou at 14 for men
  born in or before 1941; Table 6's farmers in 1996 have all moved into
  agriculture.
* :func:`text_number_rows` (criterion ``text_number``): every number of
  ``data/published/text_numbers.csv`` that records can give (the send-down
  counts included), valued by the book's one route
  (:mod:`hukoumob.tables.text_numbers`: formulas on the replica's own
  tables, shares and counts of its records) and judged against the targets
  and tolerances of :mod:`.text_tolerances` (shares within 2 points; counts
  within 10%; a number computed from Table 2/5/6 coefficients inside the
  range one published SE of them implies; a bound as a bound; a number
  whose coefficients carry no printed SE, such as the Table 5 scores, gets
  the neutral verdict ``hit = NaN``), the same ones the book's verdict
  policy reads.
* :func:`sign_rows` (criterion ``text_sign``): the signs and significance
  levels the prose asserts (no family-background term of Table 6 Model 1
  significant; own schooling, party and experience protect in Model 2; ...).
* :func:`predicted_moves_rows` (criterion ``predicted_moves``): the printed
  coefficients of each Table 6 model applied to the men's person-years
  predict their weighted moves into agriculture within 10%.

Significance uses the SEs the paper used: design-based for Tables 2 and 6,
model-based for Table 5 (:mod:`hukoumob.tables.table5.from_records`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from hukoumob.inputs.text_numbers import load_text_numbers
from hukoumob.tables import table6 as _table6
from hukoumob.tables.table6 import at_risk, person_years
from . import sentdown, targets
from .text_tolerances import JUDGED_ELSEWHERE, text_targets_frame

COLUMNS = ["criterion", "table", "item", "published", "replica", "tolerance", "hit", "reason"]
#: Goal per criterion of :func:`all_rows` (share of judged rows on target).
GOALS = targets.TEXT_GOALS
SHARE_POINTS = targets.TEXT_SHARE_TOLERANCE
COUNT_SHARE = targets.TEXT_COUNT_TOLERANCE
Z_05 = stats.norm.ppf(0.975)


def _row(criterion, table, item, published, replica, tolerance, hit, reason="", target=None):
    row = dict(zip(COLUMNS, (criterion, table, item, published, replica, tolerance, hit, reason)))
    row["target"] = published if target is None else target
    return row


# ------------------------------------------------------------------ stated facts
def stated_facts(men: pd.DataFrame) -> pd.DataFrame:
    """The structural statements of the text, each with the number of men who break it (0 = holds)."""
    pop = men[at_risk(men)]
    rows = []

    def fact(item, broken, reason):
        n = int(np.sum(broken))
        rows.append(_row("stated_fact", "text", item, 0.0, float(n), 0.0, n == 0, reason))

    fact("Table 6's population: every man with tertiary education converted his hukou",
         (pop["educ_level"] == "college") & (pop["hukou_change"] == 0),
         "Explaining downward mobility, Model 4: \"everyone analyzed in Table 6 who attained tertiary "
         "education also successfully converted his hukou\"")
    fact("hukou changers are all of rural hukou at 14", (men["hukou_change"] == 1) & (men["hukou14_rural"] == 0),
         "Data and variables: hukou change = rural at 14, urban now")
    early = men["birth_year"] <= 1941
    fact("born in or before 1941: hukou at 14 imputed from residence at 14",
         early & (men["hukou14_rural"] != men["residence14_rural"]),
         "Data and variables: village -> rural, town or city -> urban")
    fact("Table 6's farmers in 1996 have all moved into agriculture",
         (pop["son_class"] == "farm") & pop["farm_entry_year"].isna(),
         "Explaining downward mobility: the event is the first move into agriculture")
    if "sent_down" in men.columns:
        sent = men["sent_down"] == 1
        returned = men["sent_down_return_year"].notna()
        fact("sent-down men lived in a town or city at fourteen and turned sixteen in the send-down years",
             sent & ~pd.Series(sentdown.eligible(men), index=men.index), "Mobility tables: urban-origin men sent down")
        fact("sent-down men who returned live in the urban sample; the others in the rural sample",
             sent & (returned == (men["residence_rural"] == 1)), "Mobility tables: \"failed to resume an urban status\"")
        fact("a return comes after the year sent down",
             sent & returned & (men["sent_down_return_year"] <= men["sent_down_year"]), "sent-down histories")
        fact("no one not sent down has a send-down year", ~sent & men["sent_down_year"].notna(), "sent-down histories")
    return pd.DataFrame(rows, columns=COLUMNS)


# ------------------------------------------------------------------ the replica's tables
def replica_tables(men: pd.DataFrame, table5: pd.DataFrame | None = None, table6: pd.DataFrame | None = None,
                   table2: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The men's Tables 1-6 in the results' long form (Table 5 with model-based SEs, as the paper's)."""
    from hukoumob.tables import table1_2, tabulate
    from hukoumob.tables.table5.from_records import table5_from_records

    out = {"table1": table1_2.table1_rows(men)}
    out.update(tabulate.outflow_tables(men))
    if table2 is None:
        table2 = table1_2.table2_rows(men, lonely_psu="adjust", p_values="all")
    out["table2"] = table2
    if table5 is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table5 = table5_from_records(men, se="model").rows
    out["table5"] = table5
    if table6 is None:  # the one route to Table 6 (chapter 07, the scorecard)
        table6 = _table6.table6_rows(_table6.fit_models(_table6.build_person_years(men)))
    out["table6"] = table6
    return out


def text_number_rows(men: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None,
                     source: str = "replica") -> pd.DataFrame:
    """Every record-computable prose number on the men, with its target, tolerance and verdict.

    The values come from the book's one route for text numbers
    (:func:`hukoumob.tables.text_numbers.records_numbers`, on the tables
    given), the targets and tolerances from the one place they are set
    (:func:`hukoumob.replica.text_tolerances.text_targets_frame`), the
    verdict from :func:`hukoumob.replica.targets.on_target` (which the book's
    verdict policy also uses). ``published`` is the printed number,
    ``target`` what the replica is held to (see :mod:`.text_tolerances`).
    """
    from hukoumob.tables.text_numbers import records_numbers

    tn = load_text_numbers().set_index("id")
    tables = replica_tables(men) if tables is None else tables
    ours = records_numbers(men, source, table5_rows=tables["table5"], table6_rows=tables["table6"],
                           person_years=len(person_years(men)), table1_rows=tables["table1"],
                           table2_rows=tables["table2"], outflow={k: tables[k] for k in ("table3", "table4")})
    values = dict(zip(ours["id"], ours["value"]))
    missing = ours.attrs.get("missing", {})
    rows = []
    for t in text_targets_frame().itertuples():
        pub = float(tn.loc[t.id, "value"])
        value = float(values.get(t.id, np.nan))
        if not np.isfinite(value):
            rows.append(_row("text_number", t.table, t.id, pub, np.nan, t.tolerance, np.nan,
                             "not computed on these records: " + str(missing.get(t.id, "")), t.target))
            continue
        if not t.criterion:  # nothing to judge it by: neutral
            rows.append(_row("text_number", t.table, t.id, pub, value, np.nan, np.nan, t.reason, t.target))
            continue
        hit = bool(targets.on_target([value], [t.target], [t.tolerance], [False], [t.upper])[0])
        reason = "; ".join(x for x in (t.reason, "" if hit else t.miss_reason) if x)
        rows.append(_row("text_number", t.table, t.id, pub, value, t.tolerance, hit, reason, t.target))
    return pd.DataFrame(rows, columns=[*COLUMNS, "target"])


# ------------------------------------------------------------------ signs and significance
#: (item, table, model, term, sign, significance) asserted by the prose: sign +1/-1/0 (0: none asserted);
#: significance "yes" (p < .05), "p001" (p < .001) or "no" (p >= .05).
SIGNS = [
    *[(f"Table 6 Model 1: {t} does not protect (not significant)", "table6", "model1", t, 0, "no")
      for t in ("father_III", "father_IVab", "father_V_VI", "father_VIIa", "father_educ", "father_party_member")],
    *[(f"Table 6 Model 2: {t} protects (negative, significant)", "table6", "model2", t, -1, "yes")
      for t in ("educ_junior_hs", "educ_senior_hs", "educ_vocational", "educ_college", "party_member")],
    ("Table 6 Model 2: experience lowers the odds (negative, significant)", "table6", "model2",
     "labor_market_experience", -1, "yes"),
    ("Table 6 Model 3: hukou change deters the move (negative, significant)", "table6", "model3", "hukou_change", -1, "yes"),
    ("Table 6 Model 3: party membership still protects", "table6", "model3", "party_member", -1, "yes"),
    ("Table 6 Model 4: vocational schooling protects", "table6", "model4", "educ_vocational", -1, "yes"),
    ("Table 6 Model 4: tertiary schooling protects", "table6", "model4", "educ_college", -1, "yes"),
    ("Table 6 Model 4: junior high not protective for stayers", "table6", "model4", "educ_junior_hs", 0, "no"),
    ("Table 6 Model 4: senior high not protective for stayers", "table6", "model4", "educ_senior_hs", 0, "no"),
    ("Table 6 Model 4: junior high protects changers", "table6", "model4", "junior_hs_x_hukou_change", -1, "yes"),
    ("Table 6 Model 4: senior high protects changers", "table6", "model4", "senior_hs_x_hukou_change", -1, "yes"),
    ("Table 5 Model 3b: hukou change lowers the association (p<.001)", "table5", "model3b",
     "association_x_hukou_change", -1, "p001"),
    ("Table 5 Model 3c: hukou change lowers the association (p<.001)", "table5", "model3c",
     "association_x_hukou_change", -1, "p001"),
    ("Table 5 Model 3c: schooling has no net effect on the association", "table5", "model3c", "association_x_educ", 0, "no"),
    ("Table 5 Model 3c: schooling raises attainment", "table5", "model3c", "educ", 1, "yes"),
    ("Table 5 Model 3c: more so for changers (p<.05)", "table5", "model3c", "educ_x_hukou_change", 1, "yes"),
    ("Table 2 Model 1 urban: father's ISEI has no significant effect", "table2", "model1", "father_isei", 0, "no"),
    ("Table 2 Model 1 urban: father's schooling has a negative effect", "table2", "model1", "father_educ", -1, "none"),
]


def _est_se(tables, table, model, term):
    f = tables[table]
    sel = f[(f["model"] == model) & (f["term"] == term)]
    if table == "table5":
        sel = sel[sel["panel"].isin(["C_association", "D_covariates", "B_immobility"])]
    if table == "table2":
        sel = sel[sel["sample"] == "urban"]
    est_name = "b" if table == "table2" else "est"
    est = sel.loc[sel["statistic"] == est_name, "value"]
    se = sel.loc[sel["statistic"] == "se", "value"]
    if est.empty or se.empty:
        raise KeyError(f"{table} {model} {term}: no estimate or SE on the replica")
    return float(est.iloc[0]), float(se.iloc[0])


def sign_rows(men: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The signs, significance levels and orders the prose asserts, on the men (see :data:`SIGNS`)."""
    tables = replica_tables(men) if tables is None else tables
    rows = []
    for item, table, model, term, sign, sig in SIGNS:
        est, se = _est_se(tables, table, model, term)
        z = est / se
        ok = True
        if sign:
            ok &= np.sign(est) == sign
        if sig == "yes":
            ok &= abs(z) >= Z_05
        elif sig == "p001":
            ok &= abs(z) >= stats.norm.ppf(1 - 0.0005)
        elif sig == "no":
            ok &= abs(z) < Z_05
        rows.append(_row("text_sign", table, item, float(sign), z, Z_05, bool(ok), f"estimate {est:.3f}, z = {z:.2f}"))
    # the order of Model 3b's worked odds for a converted peasant's son (72 per cent > 9.8 per cent > 0)
    t5 = tables["table5"]
    phi = t5[(t5["model"] == "model3b") & (t5["panel"] == "A_scaling") & (t5["statistic"] == "est")].set_index("term")["value"]
    mu, _ = _est_se(tables, "table5", "model3b", "overall_association")
    mux, _ = _est_se(tables, "table5", "model3b", "association_x_hukou_change")
    odds = {c: np.exp(phi["farm"] * (phi["I_II"] - phi[c]) * (mu + mux)) - 1 for c in ("IVab", "V_VI")}
    ok = odds["IVab"] > odds["V_VI"] > 0
    rows.append(_row("text_sign", "table5", "Table 5 Model 3b: worked odds for a converted peasant's son, "
                     "vs small owner > vs skilled worker > 0", 1.0, float(odds["IVab"] - odds["V_VI"]), 0.0, bool(ok),
                     f"odds {100 * odds['IVab']:.1f}% and {100 * odds['V_VI']:.1f}%"
                     + ("" if ok else "; Model 3b rests only on Table 4's Panels B and C, which the replica holds")))
    return pd.DataFrame(rows, columns=COLUMNS)


# ------------------------------------------------------------------ Table 6's composition
def predicted_moves_rows(men: pd.DataFrame) -> pd.DataFrame:
    """Each printed Table 6 model applied to the men's person-years: predicted vs realised weighted moves."""
    from .calibrate import predicted_moves

    rows = []
    for model, (pred, obs) in predicted_moves(person_years(men)).items():
        rows.append(_row("predicted_moves", "table6", f"{model}: moves predicted by the printed coefficients",
                         obs, pred, COUNT_SHARE * obs, abs(pred - obs) <= COUNT_SHARE * obs + 1e-9,
                         "published = the replica's weighted moves; replica = those the printed model predicts"))
    return pd.DataFrame(rows, columns=COLUMNS)


def scorecard_rows(men: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """:func:`all_rows` in the scorecard's columns (:data:`hukoumob.replica.scorecard.CARD_COLUMNS`).

    ``target`` is what the replica is held to (:mod:`.text_tolerances`: the
    printed value, or the paper's own tables' value where the text rounds
    them; for an SE range its centre), ``key`` the text number's id or the
    statement, ``table`` ``"text"`` for every row (the report's table of the
    prose numbers), ``hit`` NaN for a neutral verdict (nothing to judge it by).
    """
    rows = all_rows(men, tables)
    ids = rows["item"].where(rows["criterion"] == "text_number")
    return pd.DataFrame({
        "criterion": rows["criterion"], "table": "text",
        "key": np.where(ids.notna(), "id=" + ids.fillna(""), "statement=" + rows["item"]),
        "statistic": rows["criterion"].map({"text_number": "value", "stated_fact": "men breaking it",
                                            "text_sign": "z", "predicted_moves": "weighted moves"}),
        "item": rows["item"], "published": rows["published"], "target": rows["target"].fillna(rows["published"]),
        "replica": rows["replica"], "tolerance": rows["tolerance"], "ratio": False,
        "difference": rows["replica"] - rows["published"], "hit": rows["hit"], "reason": rows["reason"],
    })


def with_statements(card: pd.DataFrame, men: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The replica's scorecard (:func:`hukoumob.replica.scorecard.scorecard`) with the checks of the prose
    (:func:`scorecard_rows`) after it: the frame ``results/replica_scorecard.csv`` is written from."""
    return pd.concat([card, scorecard_rows(men, tables)], ignore_index=True)


def all_rows(men: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The four kinds of check together (what the scorecard adds to the table criteria)."""
    tables = replica_tables(men) if tables is None else tables
    return pd.concat([stated_facts(men), text_number_rows(men, tables), sign_rows(men, tables),
                      predicted_moves_rows(men)], ignore_index=True)


def changer_share_needed(men: pd.DataFrame, levels=("educ_junior_hs", "educ_senior_hs")) -> pd.DataFrame:
    """The hukou changers' share of a schooling level's person-years at which the printed Models 2 and 4
    predict the same moves at that level, against the men's share.

    Both models' score equations for the level's dummy hold at their own
    estimates, so on the paper's person-years each level's moves predicted by
    the printed Model 2 equal those of the printed Model 4. With d = p4 - p2
    per person-year (printed coefficients), the share s of changers' years
    that balances them solves (1 - s) mean(d | stayer) + s mean(d | changer) = 0.
    """
    from hukoumob.tables.table6 import MODEL_TERMS, design_matrix

    py = person_years(men)
    t6 = targets.table6_targets()
    pred = {}
    for m in ("model2", "model4"):
        b = targets.coefficients(t6, m).reindex([*MODEL_TERMS[m], "constant"]).to_numpy()
        pred[m] = 1 / (1 + np.exp(-design_matrix(py, m) @ b))
    d = pred["model4"] - pred["model2"]
    rows = []
    for lev in levels:
        at = py[lev].to_numpy() == 1
        chg = py["hukou_change"].to_numpy() == 1
        a_s, a_c = d[at & ~chg].mean(), d[at & chg].mean()
        rows.append({"level": lev, "needed": float(a_s / (a_s - a_c)), "replica": float(chg[at].mean())})
    return pd.DataFrame(rows)
