"""Stage 5 of the replica: the work history behind Table 6 (first move into agriculture), drawn forward.

For the men of Table 6's population (rural origin, father not in farming) the
yearly hazard of a first move into agriculture is a logit in the covariates of
Table 6's Model 4, with the replica's parameters theta::

    h_it = expit( theta' z_it ),   t = entry year, ..., 1996

with z_it the time-varying covariates of :func:`hukoumob.tables.table6.person_years`.
The first move is drawn *forward* from this hazard, by inversion with one
uniform U_i per man: with F_i(t) = 1 - prod_{s<=t} (1 - h_is) the probability
of a first move by year t, the man moves in the first year with
F_i(t) >= U_i, and is censored at 1996 if F_i(1996) < U_i. (One uniform per
man keeps the draw a monotone, nearly continuous function of theta, which
the calibration's common random numbers rely on.)

The son's class in 1996 (stage 6, :mod:`.destinations`) then takes its
farmers among the movers only: Table 4's weighted farm count of each (origin
group, father's class) cell is filled by a random choice of the cell's
movers (the others moved and left again, which the paper says is "possible
and even probable"). If a cell's movers do not weigh enough, the non-movers
closest to moving (highest F_i(1996)) are made movers, with the year drawn
from P(T = t | T <= 1996) by the same inversion (:func:`force_moves`).

For all other men the first year in agriculture is the year of entry if their
1996 class is farming (a first job in farming), and missing otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.tables.table6 import MODEL_TERMS, at_risk, design_matrix, person_years
from .transforms import expit

TERMS = [*MODEL_TERMS["model4"], "constant"]


def yearly_hazards(men: pd.DataFrame, theta: dict) -> pd.DataFrame:
    """Person-years to 1996 of every at-risk man with the hazard h_it of the true parameters."""
    tmp = men.copy()
    tmp["farm_entry_year"] = np.nan
    py = person_years(tmp)
    beta = np.array([theta[t] for t in TERMS])
    eta = design_matrix(py, "model4") @ beta
    if "hazard_frailty" in men.columns:  # the PSU's shared frailty (drawn in :mod:`.careers`)
        eta = eta + men["hazard_frailty"].reindex(py["person"].to_numpy()).to_numpy(float)
    py["hazard"] = expit(eta)
    return py


def _cumulative(py: pd.DataFrame) -> np.ndarray:
    """F_i(t) = P(first move by year t) on each person-year row."""
    log_s = np.log1p(-np.minimum(py["hazard"].to_numpy(), 1 - 1e-12))
    return 1 - np.exp(pd.Series(log_s).groupby(py["person"].to_numpy()).cumsum().to_numpy())


def _first_year(py: pd.DataFrame, cum: np.ndarray, u: pd.Series) -> pd.Series:
    """For each person, the first year with F(t) >= u (persons never reaching u are left out)."""
    hit = cum >= u.reindex(py["person"].to_numpy()).to_numpy()
    return pd.Series(py["year"].to_numpy()[hit], index=py["person"].to_numpy()[hit]).groupby(level=0).min()


def draw_moves(men: pd.DataFrame, theta: dict, rng: np.random.Generator) -> pd.DataFrame:
    """The forward draw for Table 6's population: one row per at-risk man (indexed as ``men``).

    Columns: ``u`` (the man's uniform), ``p_move`` (F_i(1996)), ``year``
    (first move, NaN if censored) and ``year_forced`` (the year he would get
    if made a mover: F_i^{-1}(F_i(1996) (U_i - F_i(1996)) / (1 - F_i(1996))),
    equal to ``year`` for movers).
    """
    risk = at_risk(men).to_numpy()
    u_all = rng.random(len(men))
    idx = men.index[risk]
    u = pd.Series(u_all[risk], index=idx)
    py = yearly_hazards(men, theta)
    cum = _cumulative(py)
    p_move = pd.Series(cum, index=py["person"].to_numpy()).groupby(level=0).last().reindex(idx)
    year = _first_year(py, cum, u).reindex(idx)
    pm = p_move.to_numpy()
    u_forced = np.where(u.to_numpy() <= pm, u.to_numpy(),
                        pm * (u.to_numpy() - pm) / np.maximum(1 - pm, 1e-12))
    year_forced = _first_year(py, cum, pd.Series(np.maximum(u_forced, 0.0), index=idx)).reindex(idx)
    return pd.DataFrame({"u": u, "p_move": p_move, "year": year, "year_forced": year_forced.fillna(year)})


def force_moves(moves: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Make the men at index labels ``rows`` movers (year from P(T = t | T <= 1996))."""
    out = moves.copy()
    out.loc[rows, "year"] = out.loc[rows, "year_forced"]
    return out


def draw_history(men: pd.DataFrame, moves: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``farm_entry_year`` (first year in agriculture; NaN if never by 1996)."""
    out = men.copy()
    farm_now = out["son_class"].to_numpy() == "farm"
    first = np.where(farm_now, out["labor_force_entry_year"].to_numpy(float), np.nan)
    if moves is not None:
        pos = out.index.get_indexer(moves.index)
        first[pos] = moves["year"].to_numpy(float)
    out["farm_entry_year"] = first
    return out


def expected_person_years(men: pd.DataFrame, theta: dict) -> float:
    """Expected number of Table 6 person-years under the hazard (sum over men of sum_t S_i(t-1))."""
    py = yearly_hazards(men, theta)
    cum = _cumulative(py)
    surv_before = 1 - np.concatenate([[0.0], cum[:-1]])
    first_row = np.concatenate([[True], py["person"].to_numpy()[1:] != py["person"].to_numpy()[:-1]])
    surv_before[first_row] = 1.0
    return float(surv_before.sum())
