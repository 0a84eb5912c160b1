"""Stage 2 of the replica: birth year, residence and hukou at 14, and the father (ISEI, schooling, party).

Equations (s = sample/residence in 1996, v = father's class, U = urban hukou
at 14, e_k independent standard normals, zs() = weighted z-score within s,
M_s(.) = the moment matching of :func:`.transforms.match_moments_int`, which
fixes the weighted mean and SD of Table 1 in sample s after clipping to the
variable's range and rounding):

* birth year: B = 1926.5 + 50 Q_Beta(Phi(e_B + c_R); alpha_s, beta_s), then M_s
  on [1927, 1976] (men 20-69 in 1996). The Beta's shape is solved from Table
  1's mean and SD, so the age distribution is skewed towards the young as the
  printed moments require. c_R (``at_risk_cohort_shift``) is zero except for
  Table 6's population (rural origin, father not farming): c_chg < 0 for its
  hukou changers (older, long non-farm careers), c_stay > 0 for its stayers.
  Fitted with Table 6's hazard (:func:`hukoumob.replica.calibrate.fit_hazard`):
  the printed Models 2 and 4 agree only on a population whose converted men
  hold most of the person-years at each level of schooling beyond primary,
  that is, whose converted men have long careers at risk and whose stayers
  short ones;
* hukou at 14: rural for groups C and X, urban for U (group from
  :mod:`.design`); residence at 14 (village = 1) agrees with it except for a
  share ``p_mismatch`` of men born after 1941; for men born in or before 1941
  (no hukou system at 14) the hukou at 14 *is* residence at 14, the paper's
  imputation;
* father's ISEI: FI = M_s(m_v + s_v e_1 + d_FI U) on [16, 90];
* father's schooling: FE = M_s(c_FE,s zs(FI) + d_FE U + g_FE zs(B) + e_2) on [0, 18];
* father a party member at 14: the highest scores l_v + 0.5 zs(FE) + PSU
  effect + logistic noise, until the weighted share is Table 1's (by s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from hukoumob.inputs.schema import CLASSES
from .targets import RESIDENCES
from .transforms import exact_share, match_moments_int, wstd

BIRTH_RANGE = (1927, 1976)
HUKOU_SYSTEM_YEAR = 1955  # hukou at 14 exists only for men born after 1941


def beta_shape(mean: float, sd: float, lo: float = BIRTH_RANGE[0] - 0.5, hi: float = BIRTH_RANGE[1] + 0.5) -> tuple[float, float]:
    """Beta(alpha, beta) on [lo, hi] with the given mean and SD (method of moments)."""
    m = (mean - lo) / (hi - lo)
    v = (sd / (hi - lo)) ** 2
    k = m * (1 - m) / v - 1
    return float(m * k), float((1 - m) * k)


def psu_effect(psu: np.ndarray, sd: float, rng: np.random.Generator) -> np.ndarray:
    """A normal PSU random effect (SD ``sd``) for each row; the source of the replica's clustering."""
    uniq, inv = np.unique(psu, return_inverse=True)
    return rng.normal(0.0, sd, uniq.size)[inv]


def draw_origins(men: pd.DataFrame, p: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Add birth_year, residence14_rural, hukou14_rural, hukou14_imputed and the father's variables."""
    out = men.copy()
    n = len(out)
    w = out["weight"].to_numpy()
    sample = out["sample"].to_numpy()
    urban0 = (out["group"].to_numpy() == "U").astype(float)
    e = rng.standard_normal((n, 4))
    psu_party = psu_effect(out["psu"].to_numpy(), p["cluster_sd"]["father_party"], rng)
    noise_party = rng.logistic(size=n)
    mismatch = rng.random(n)
    t1 = p["table1"]

    birth = np.zeros(n)
    fisei = np.zeros(n)
    feduc = np.zeros(n)
    fparty = np.zeros(n, dtype=int)
    v = pd.Categorical(out["father_class"], categories=CLASSES).codes
    o = p["origins"]
    # Table 6's population (rural origin, father not farming): its changers older, its stayers younger
    cohort = o.get("at_risk_cohort_shift", {"stayer": 0.0, "changer": 0.0})
    g = out["group"].to_numpy()
    pop6 = (g != "U") & (out["father_class"].to_numpy() != "farm")
    e_birth = e[:, 0] + pop6 * np.where(g == "X", cohort["changer"], cohort["stayer"])
    for s in RESIDENCES:
        i = sample == s
        a, b = beta_shape(t1["birth_year"][s]["mean"] + 1900, t1["birth_year"][s]["sd"])
        raw = BIRTH_RANGE[0] - 0.5 + 50 * stats.beta.ppf(stats.norm.cdf(e_birth[i]), a, b)
        birth[i] = match_moments_int(raw, w[i], t1["birth_year"][s]["mean"] + 1900, t1["birth_year"][s]["sd"], *BIRTH_RANGE)
        raw = np.asarray(o["fisei_class_mean"])[v[i]] + np.asarray(o["fisei_class_sd"])[v[i]] * e[i, 1] + o["fisei_urban_origin"] * urban0[i]
        fisei[i] = match_moments_int(raw, w[i], t1["father_isei"][s]["mean"], t1["father_isei"][s]["sd"], 16, 90)
        raw = (o["feduc_on_fisei"][s] * wstd(fisei[i], w[i]) + o["feduc_urban_origin"] * urban0[i]
               + o["feduc_cohort"] * wstd(birth[i], w[i]) + e[i, 2])
        feduc[i] = match_moments_int(raw, w[i], t1["father_educ"][s]["mean"], t1["father_educ"][s]["sd"], 0, 18)
        score = np.asarray(o["fparty_class_logodds"])[v[i]] + 0.5 * wstd(feduc[i], w[i]) + psu_party[i] + noise_party[i]
        fparty[i] = exact_share(score, w[i], t1["father_party_member14"][s]["proportion"])
    out["birth_year"] = birth.astype(int)
    hukou14_rural = (urban0 == 0).astype(int)
    imputed = out["birth_year"].to_numpy() <= HUKOU_SYSTEM_YEAR - 14
    flip = (~imputed) & (mismatch < o["p_mismatch_residence14"])
    out["residence14_rural"] = np.where(flip, 1 - hukou14_rural, hukou14_rural)
    out["hukou14_rural"] = hukou14_rural
    out["hukou14_imputed"] = imputed.astype(int)
    out["father_isei"] = fisei.astype(int)
    out["father_educ"] = feduc.astype(int)
    out["father_party_member14"] = fparty
    return out
