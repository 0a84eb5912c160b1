"""Stage 4 of the replica: entry into the labour force, first-job ISEI, hukou change and party membership.

* Entry year: birth + max(7 + years of schooling before work, 15) + Poisson(``entry_delay``),
  at most 1996. Men with adult education (share ``p_adult_education`` of those
  beyond junior high; in Table 6's population ``p_adult_education_at_risk``,
  by stayer and changer, the changers' share fitted with Table 6's hazard)
  leave school after their previous level and reach their last level
  ``2 + Poisson(3)`` years after entry (at most 1996).
* First-job ISEI::

      FJ = M_s( q1_s zs(ED) + q2_s zs(FI) + q3_s zs(FE) + d_FJ,U U + d_FJ,X X + u_psu + e_4 )  on [16, 90]

* Hukou change (group X): the year is the later of age 15 and the entry year
  plus Poisson(2), at most 1996.
* Party membership: the highest scores ``r_ED zs(ED) + r_FP FP + r_X X + r_age zs(1996 - B) +
  u_psu + logistic noise`` until the weighted share is Table 1's (by residence);
  the year joined is uniform between max(entry, age 18) and 1996.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.schema import SURVEY_YEAR

from .origins import psu_effect
from .schooling import LEVEL_YEARS
from .targets import RESIDENCES
from .transforms import exact_share, match_moments_int, stage_inputs, wstd



def draw_careers(men: pd.DataFrame, p: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Add labor_force_entry_year, first_isei, hukou_change, hukou_change_year, party_member, party_join_year."""
    out = men.copy()
    n, w, sample, u0, x = stage_inputs(out)
    birth = out["birth_year"].to_numpy()
    educ = out["educ"].to_numpy().astype(float)
    level = out["educ_level"].to_numpy()
    c = p["careers"]
    delay = rng.poisson(c["entry_delay"], n)
    pa6 = p["schooling"]["p_adult_education_at_risk"]
    pop6 = (u0 == 0) & (out["father_class"].to_numpy() != "farm")  # Table 6's population
    p_adult = np.where(pop6, np.where(x == 1, pa6["changer"], pa6["stayer"]), p["schooling"]["p_adult_education"])
    adult = (rng.random(n) < p_adult) & np.isin(level, ["senior_hs", "vocational", "college"])
    adult_lag = 2 + rng.poisson(3, n)
    e = rng.standard_normal(n)
    upsu = psu_effect(out["psu"].to_numpy(), p["cluster_sd"]["first_isei"], rng)
    hk_lag = rng.poisson(2, n)
    party_noise = rng.logistic(size=n)
    party_psu = psu_effect(out["psu"].to_numpy(), p["cluster_sd"]["party"], rng)
    join_u = rng.random(n)

    previous_years = np.select([level == "college", np.isin(level, ["senior_hs", "vocational"])], [12, 9], default=educ)
    school_years = np.where(adult, previous_years, educ)
    entry = birth + np.maximum(7 + school_years, 15) + delay
    entry = np.minimum(entry, SURVEY_YEAR)
    out["labor_force_entry_year"] = entry.astype(int)
    last_level = {"college": "year_college", "senior_hs": "year_senior_hs", "vocational": "year_vocational"}
    for lev, col in last_level.items():
        sel = adult & (level == lev)
        out.loc[sel, col] = np.minimum(entry[sel] + adult_lag[sel], SURVEY_YEAR)
    out["adult_education"] = adult.astype(int)

    q = p["paths"]
    t1 = p["table1"]["first_isei"]
    fj = np.zeros(n)
    for s in RESIDENCES:
        i = sample == s
        raw = (q["fj_on_ed"][s] * wstd(educ[i], w[i])
               + q["fj_on_fi"][s] * wstd(out["father_isei"].to_numpy()[i], w[i])
               + q["fj_on_fe"][s] * wstd(out["father_educ"].to_numpy()[i], w[i])
               + q["fj_urban_origin"] * u0[i] + q["fj_changer"] * x[i] + upsu[i] + e[i])
        fj[i] = match_moments_int(raw, w[i], t1[s]["mean"], t1[s]["sd"], 16, 90)
    out["first_isei"] = fj.astype(int)

    out["hukou_change"] = x.astype(int)
    out["hukou_change_year"] = np.where(x == 1, np.minimum(np.maximum(birth + 15, entry + hk_lag), SURVEY_YEAR), np.nan)

    party = np.zeros(n, dtype=int)
    t1p = p["table1"]["party_member"]
    for s in RESIDENCES:
        i = sample == s
        score = (c["party_on_educ"] * wstd(educ[i], w[i]) + c["party_on_father"] * out["father_party_member14"].to_numpy()[i]
                 + c["party_changer"] * x[i] + c["party_on_age"] * wstd(SURVEY_YEAR - birth[i], w[i])
                 + party_psu[i] + party_noise[i])
        party[i] = exact_share(score, w[i], t1p[s]["proportion"])
    out["party_member"] = party
    start = np.where(c.get("party_before_entry", False), birth + 18, np.maximum(entry, birth + 18))
    start = np.minimum(start, SURVEY_YEAR)
    skew = c.get("party_join_skew", 1.0)  # > 1: joins drawn earlier in the career (u ** skew)
    out["party_join_year"] = np.where(party == 1, np.floor(start + join_u**skew * (SURVEY_YEAR - start + 1)).clip(max=SURVEY_YEAR), np.nan)
    # drawn last, so that the draws above do not depend on it
    out["hazard_frailty"] = psu_effect(out["psu"].to_numpy(), p["cluster_sd"].get("hazard", 0.0), rng)
    return out
