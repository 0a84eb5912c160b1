"""Stage 3 of the replica: years of schooling and the five levels of Table 6, with the year each was reached.

Years of schooling (s = residence, X = hukou changer, U = urban origin)::

    ED = M_s( p1_s zs(FE) + p2_s zs(FI) + d_ED,U U + d_ED,X X + g_ED zs(B)
              + R (s_stay (1 - X) + s_chg X) + u_psu + e_3 )  on [0, hi_i]

(M_s: Table 1's weighted mean and SD in sample s; u_psu: a PSU effect;
R = 1 for Table 6's population, rural origin with a father outside farming;
s_stay, s_chg: ``schooling.at_risk_shift``, set by hand towards the composition
Table 6's printed coefficients imply: few primary-schooled person-years.)
``hi_i`` = 19, except 14 for the men of Table 6's population who kept a rural
hukou: the paper says "everyone analyzed in Table 6 who attained tertiary
education also successfully converted his hukou" (Model 4), so their
schooling is censored below college *inside* the moment matching (the
sample's weighted mean and SD still hold).
Levels, as in Table 6: ``primary`` (fewer than 9 years, including none),
``junior_hs`` (9-11), ``senior_hs`` or ``vocational`` (12-14; vocational
with a probability that is higher for hukou changers), ``college`` (15 or
more). The year a level is reached is the birth year + 7 + its years
(9, 12, or the man's own years for college); a share ``p_adult_education`` of
men with a post-junior level reached it through adult education after
entering the labour force (their level is time-varying in Table 6's
person-years; the year is set in :mod:`.careers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .origins import psu_effect
from .targets import RESIDENCES
from .transforms import match_moments_int, stage_inputs, wstd

LEVELS = ("primary", "junior_hs", "senior_hs", "vocational", "college")
LEVEL_YEARS = {"junior_hs": 9, "senior_hs": 12, "vocational": 12, "college": 15}
COLLEGE_YEARS = LEVEL_YEARS["college"]


def level_of(educ: np.ndarray, vocational: np.ndarray) -> np.ndarray:
    """Table 6's educational level from years of schooling and the vocational track flag."""
    return np.select(
        [educ >= 15, (educ >= 12) & vocational, educ >= 12, educ >= 9],
        ["college", "vocational", "senior_hs", "junior_hs"],
        default="primary",
    )


def draw_schooling(men: pd.DataFrame, p: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Add educ (years), educ_level and the year each level was reached (``year_<level>``)."""
    out = men.copy()
    n, w, sample, u0, x = stage_inputs(out)
    e = rng.standard_normal(n)
    upsu = psu_effect(out["psu"].to_numpy(), p["cluster_sd"]["educ"], rng)
    voc_draw = rng.random(n)
    q = p["paths"]
    t1 = p["table1"]["educ"]
    educ = np.zeros(n)
    nonfarm = out["father_class"].to_numpy() != "farm"
    pop6 = (u0 == 0) & nonfarm  # Table 6's population: rural origin, father not farming
    # the paper (Table 6, Model 4): everyone of Table 6's population with tertiary schooling converted his hukou
    cap = np.where(pop6 & (x == 0), COLLEGE_YEARS - 1, 19)
    # Table 6's population is more schooled than other rural-origin men (a latent shift, stayers and changers)
    at_risk_shift = p["schooling"].get("at_risk_shift", {"stayer": 0.0, "changer": 0.0})
    shift = pop6 * np.where(x == 1, at_risk_shift["changer"], at_risk_shift["stayer"])
    for s in RESIDENCES:
        i = sample == s
        raw = (q["ed_on_fe"][s] * wstd(out["father_educ"].to_numpy()[i], w[i])
               + q["ed_on_fi"][s] * wstd(out["father_isei"].to_numpy()[i], w[i])
               + q["ed_urban_origin"] * u0[i] + q["ed_changer"] * x[i]
               + shift[i]
               + q["ed_cohort"] * wstd(out["birth_year"].to_numpy()[i], w[i]) + upsu[i] + e[i])
        educ[i] = match_moments_int(raw, w[i], t1[s]["mean"], t1[s]["sd"], 0, cap[i])
    out["educ"] = educ.astype(int)
    sch = p["schooling"]
    pv = np.where(x == 1, sch["p_vocational_changer"], sch["p_vocational"])
    out["educ_level"] = level_of(educ, voc_draw < pv)
    birth = out["birth_year"].to_numpy()
    for level, years in LEVEL_YEARS.items():
        reached = _reached(out["educ_level"].to_numpy(), level)
        yrs = np.maximum(educ, years) if level == "college" else years
        out[f"year_{level}"] = np.where(reached, np.minimum(birth + 7 + yrs, 1996), np.nan)
    return out


def _reached(level: np.ndarray, which: str) -> np.ndarray:
    """Whether each man reached ``which`` (junior high is passed on the way to any higher level)."""
    order = {"primary": 0, "junior_hs": 1, "senior_hs": 2, "vocational": 2, "college": 3}
    rank = np.vectorize(order.get)(level)
    if which in ("senior_hs", "vocational"):
        return level == which
    if which == "college":
        return level == "college"
    return rank >= order[which]
