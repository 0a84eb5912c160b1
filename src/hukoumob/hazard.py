"""Table 6: person-years at risk of a first move into agriculture, and the discrete-time logit.

Population (paper, "Explaining downward mobility into agriculture"): men of
rural hukou origin whose father (at 14) was not in farming. The clock starts
at entry into the labour force; each year from entry to the first move into
agriculture (the event) or 1996 (right-censoring) is one record. Covariates,
as in Table 6:

* father's class (dummies, reference I+II), schooling, party membership at 14;
* own educational level reached by the year at risk (dummies, reference
  primary): junior high, senior high, vocational, college+ (time-varying);
* own party membership before the year at risk (joined in an earlier year);
* hukou change since 14 (constant);
* labour-market experience = year at risk - year of entry;
* educational level x hukou change (junior, senior, vocational; the college
  interaction is not identified in the paper's data).

The four models of Table 6 are nested; :data:`MODEL_TERMS` lists them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LAST_YEAR = 1996
FATHER_TERMS = ["father_III", "father_IVab", "father_V_VI", "father_VIIa", "father_educ", "father_party_member"]
EDUC_TERMS = ["educ_junior_hs", "educ_senior_hs", "educ_vocational", "educ_college"]
INTERACTIONS = ["junior_hs_x_hukou_change", "senior_hs_x_hukou_change", "vocational_x_hukou_change"]
#: Covariates of Table 6's Models 1-4 (the constant is added by the estimator).
MODEL_TERMS = {
    "model1": FATHER_TERMS,
    "model2": [*FATHER_TERMS, *EDUC_TERMS, "party_member", "labor_market_experience"],
    "model3": [*FATHER_TERMS, *EDUC_TERMS, "party_member", "hukou_change", "labor_market_experience"],
    "model4": [*FATHER_TERMS, *EDUC_TERMS, "party_member", "hukou_change", *INTERACTIONS, "labor_market_experience"],
}


def at_risk(men: pd.DataFrame) -> pd.Series:
    """Table 6's population: rural hukou at 14 and father not in farming."""
    return (men["hukou14_rural"] == 1) & (men["father_class"] != "farm")


def person_years(men: pd.DataFrame, end: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """One row per man and year at risk, with Table 6's covariates and ``event``.

    ``men`` needs: labor_force_entry_year, farm_entry_year (NaN: never),
    father_class, father_educ, father_party_member14, year_junior_hs,
    year_senior_hs, year_vocational, year_college, party_join_year,
    hukou_change, weight, stratum, psu. Only the men of :func:`at_risk` are
    used. ``end`` overrides the last year at risk (default: the farm entry
    year, else 1996).
    """
    pop = men[at_risk(men)]
    entry = pop["labor_force_entry_year"].to_numpy(int)
    farm = pop["farm_entry_year"].to_numpy(float)
    last = np.where(np.isfinite(farm), np.minimum(farm, LAST_YEAR), LAST_YEAR) if end is None else np.asarray(end)[at_risk(men).to_numpy()]
    last = np.maximum(last, entry).astype(int)
    spells = last - entry + 1
    row = np.repeat(np.arange(len(pop)), spells)
    year = entry[row] + (np.arange(row.size) - np.repeat(np.cumsum(spells) - spells, spells))
    py = pd.DataFrame({"person": pop.index.to_numpy()[row], "year": year})
    py["event"] = (np.isfinite(farm[row]) & (year == farm[row])).astype(int)
    fc = pop["father_class"].to_numpy()[row]
    for c in ["III", "IVab", "V_VI", "VIIa"]:
        py[f"father_{c}"] = (fc == c).astype(int)
    py["father_educ"] = pop["father_educ"].to_numpy(float)[row]
    py["father_party_member"] = pop["father_party_member14"].to_numpy(int)[row]
    by = {lev: pop[f"year_{lev}"].to_numpy(float)[row] for lev in ["junior_hs", "senior_hs", "vocational", "college"]}
    college = by["college"] <= year
    voc = (by["vocational"] <= year) & ~college
    senior = (by["senior_hs"] <= year) & ~college
    junior = (by["junior_hs"] <= year) & ~college & ~voc & ~senior
    py["educ_junior_hs"], py["educ_senior_hs"] = junior.astype(int), senior.astype(int)
    py["educ_vocational"], py["educ_college"] = voc.astype(int), college.astype(int)
    py["party_member"] = (pop["party_join_year"].to_numpy(float)[row] < year).astype(int)
    hc = pop["hukou_change"].to_numpy(int)[row]
    py["hukou_change"] = hc
    py["junior_hs_x_hukou_change"] = py["educ_junior_hs"] * hc
    py["senior_hs_x_hukou_change"] = py["educ_senior_hs"] * hc
    py["vocational_x_hukou_change"] = py["educ_vocational"] * hc
    py["labor_market_experience"] = year - entry[row]
    for col in ["weight", "stratum", "psu"]:
        py[col] = pop[col].to_numpy()[row]
    return py


def design_matrix(py: pd.DataFrame, model: str = "model4") -> np.ndarray:
    """Covariates of one Table 6 model plus a constant (last column)."""
    return np.column_stack([py[MODEL_TERMS[model]].to_numpy(float), np.ones(len(py))])


def fit_table6(py: pd.DataFrame, models=("model1", "model2", "model3", "model4")) -> pd.DataFrame:
    """Weighted logits of Table 6 with design-based SEs (strata, PSU; :mod:`hukoumob.survey`).

    Returns rows in the Table 6 long schema (model, term, statistic, value)
    with ``est`` and ``se``; a model that cannot be estimated (perfect
    separation: some covariate level without any event) gets NaN rows.
    """
    from .survey import SurveyDesign, svy_logit

    design = SurveyDesign.from_frame(py, strata="stratum", psu="psu", weights="weight", lonely_psu="adjust")
    rows = []
    for m in models:
        try:
            res = svy_logit(py, "event", MODEL_TERMS[m], design)
        except (ValueError, np.linalg.LinAlgError):
            # separation (a covariate level with no event): no finite estimates; report NaN
            rows += [(m, t, st, np.nan) for t in [*MODEL_TERMS[m], "constant"] for st in ("est", "se")]
            continue
        est, se = res.estimates, np.sqrt(np.diag(res.vcov.to_numpy()))
        for name, b, s in zip(est.index, est.to_numpy(), se):
            term = "constant" if name in ("_cons", "const", "constant", "(Intercept)") else name
            rows += [(m, term, "est", float(b)), (m, term, "se", float(s))]
    return pd.DataFrame(rows, columns=["model", "term", "statistic", "value"])
