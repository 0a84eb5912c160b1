"""Stage 6 of the replica: the work history behind Table 6 (first move into agriculture).

For the men of Table 6's population (rural origin, father not in farming) the
yearly hazard of a first move into agriculture is the logit of Table 6's
Model 4 with the replica's parameters theta::

    h_it = expit( theta' z_it ),   t = entry year, ..., 1996

with z_it the time-varying covariates of :func:`hukoumob.hazard.person_years`.
P(first move by 1996) = P_e = 1 - prod_t (1 - h_it). A man who moved stays in
agriculture with probability ``pi_stay`` (moves back and forth are "possible
and even probable", as the paper says), so P(farming in 1996) = pi_stay P_e
feeds the son's class draw (:mod:`.destinations`). A man placed in farming
has moved; a man placed outside farming has moved (and left again) with
probability P_e (1 - pi_stay) / (1 - pi_stay P_e). Movers get their first
year in agriculture from the hazard's conditional distribution
P(T = t | T <= 1996) ∝ h_it prod_{s<t} (1 - h_is); the others are censored at
1996. ``pi_stay`` is calibrated to the 3,392 person-years of Table 6. For all other men the first
year in agriculture is the year of entry if their 1996 class is farming (a
first job in farming), and missing otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..hazard import MODEL_TERMS, at_risk, design_matrix, person_years
from .transforms import expit

TERMS = [*MODEL_TERMS["model4"], "constant"]


def yearly_hazards(men: pd.DataFrame, theta: dict) -> pd.DataFrame:
    """Person-years to 1996 of every at-risk man with the hazard h_it of the true parameters."""
    tmp = men.copy()
    tmp["farm_entry_year"] = np.nan
    py = person_years(tmp)
    beta = np.array([theta[t] for t in TERMS])
    py["hazard"] = expit(design_matrix(py, "model4") @ beta)
    return py


def farm_probability(men: pd.DataFrame, theta: dict, pi_stay: float = 1.0) -> np.ndarray:
    """P(farming in 1996) = pi_stay x P(first move into agriculture by 1996) for the at-risk men, NaN for the others."""
    py = yearly_hazards(men, theta)
    surv = py.assign(ls=np.log1p(-py["hazard"])).groupby("person")["ls"].sum()
    out = np.full(len(men), np.nan)
    pos = men.index.get_indexer(surv.index)
    out[pos] = pi_stay * (1 - np.exp(surv.to_numpy()))
    return out


def draw_history(men: pd.DataFrame, theta: dict, rng: np.random.Generator, pi_stay: float = 1.0) -> pd.DataFrame:
    """Add ``farm_entry_year`` (first year in agriculture; NaN if never by 1996)."""
    out = men.copy()
    farm_now = out["son_class"].to_numpy() == "farm"
    first = np.where(farm_now, out["labor_force_entry_year"].to_numpy(float), np.nan)
    risk = at_risk(out).to_numpy()
    py = yearly_hazards(out, theta)
    h = py["hazard"].to_numpy()
    person = py["person"].to_numpy()
    # density of a first event in year t: h_t * S_{t-1}
    log_s = np.log1p(-np.minimum(h, 1 - 1e-12))
    cum = pd.Series(log_s).groupby(person).cumsum().to_numpy() - log_s
    dens = h * np.exp(cum)
    u = rng.random(len(out))
    pos = out.index.get_indexer(person)
    tot = pd.Series(dens).groupby(pos).transform("sum").to_numpy()
    cdf = pd.Series(dens / tot).groupby(pos).cumsum().to_numpy()
    chosen = (cdf >= u[pos]) & (np.concatenate([[0.0], cdf[:-1]]) * (np.concatenate([[-1], pos[:-1]]) == pos) < u[pos])
    event_year = pd.Series(py["year"].to_numpy()[chosen], index=pos[chosen])
    event_year = event_year[~event_year.index.duplicated()]
    first[risk] = np.nan
    pe = farm_probability(out, theta, 1.0)
    p_moved = np.where(farm_now, 1.0, pe * (1 - pi_stay) / np.maximum(1 - pi_stay * pe, 1e-12))
    sel = risk & (rng.random(len(out)) < p_moved)
    idx = np.flatnonzero(sel)
    first[idx] = event_year.reindex(idx).to_numpy()
    out["farm_entry_year"] = first
    return out
