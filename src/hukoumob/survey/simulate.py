"""A small simulated stratified cluster sample with known structure.

Used by the tests (the same rows are analysed here and by R ``survey``), by
``benchmarks/bench_survey.py``, and available to the book's aside on design
effects: the PSU random effect makes outcomes and one regressor correlated
within PSUs, so design and cluster SEs exceed plain ones by a known
mechanism. It is not the calibrated replica of the LHSCCC sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit


def simulate_survey(
    n_strata: int = 10,
    psu_per_stratum: int = 4,
    obs_per_psu: int = 15,
    *,
    n_obs: int | None = None,
    psu_sd: float = 1.0,
    seed: int = 20070415,
) -> pd.DataFrame:
    """Simulate a stratified, clustered sample with unequal weights.

    Parameters
    ----------
    n_strata, psu_per_stratum, obs_per_psu : int
        Design size: ``n_strata * psu_per_stratum`` PSUs of
        ``obs_per_psu`` rows each.
    n_obs : int, optional
        If given, the total number of rows instead: spread over the PSUs as
        evenly as possible (sizes differ by at most one, assigned at random).
    psu_sd : float
        Standard deviation of the PSU random effect.
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    DataFrame
        Columns ``stratum`` (``"s01"``, ...), ``psu`` (1, 2, ... within each
        stratum: labels repeat across strata, so PSUs must be nested),
        ``weight`` (stratum factor x individual factor), ``x1`` (normal,
        correlated within PSU), ``x2`` (0/1), ``x3`` (uniform 0-10), ``y``
        (linear in x1..x3 plus stratum and PSU effects), ``yb`` (0/1,
        logistic in x1..x3 plus PSU effect), ``cat`` (a, b, c), ``dom`` (0/1
        domain indicator), ``weight0`` (``weight`` with one whole PSU and
        about 5% of rows set to zero) and ``keep_single`` (0 for the rows of
        PSUs 2+ of strata s01 and s02: keeping only rows with 1 leaves two
        single-PSU strata).

    Examples
    --------
    >>> from hukoumob.survey import simulate_survey
    >>> sim = simulate_survey(n_strata=3, psu_per_stratum=2, obs_per_psu=5)
    >>> sim.shape, sim["stratum"].nunique()
    ((30, 12), 3)
    >>> sim.groupby("stratum")["psu"].nunique().tolist()
    [2, 2, 2]
    """
    rng = np.random.default_rng(seed)
    n_psu = n_strata * psu_per_stratum
    if n_obs is None:
        sizes = np.full(n_psu, obs_per_psu)
    else:
        if n_obs < n_psu:
            raise ValueError(f"n_obs={n_obs} is smaller than the number of PSUs {n_psu}")
        sizes = np.full(n_psu, n_obs // n_psu)
        sizes[rng.choice(n_psu, n_obs - sizes.sum(), replace=False)] += 1
    rows = []
    g = 0
    for h in range(n_strata):
        s_eff = rng.normal(0, 0.5)
        base_w = rng.uniform(0.5, 3.0)
        for j in range(psu_per_stratum):
            u = rng.normal(0, psu_sd)
            for _ in range(sizes[g]):
                rows.append((f"s{h + 1:02d}", j + 1, s_eff, u, base_w * rng.uniform(0.5, 2.0)))
            g += 1
    d = pd.DataFrame(rows, columns=["stratum", "psu", "s_eff", "u", "weight"])
    n = len(d)
    d["x1"] = rng.normal(0, 1, n) + 0.5 * d["u"]
    d["x2"] = (rng.uniform(size=n) < 0.4).astype(float)
    d["x3"] = rng.uniform(0, 10, n)
    d["y"] = 1 + 0.5 * d.x1 - 0.3 * d.x2 + 0.2 * d.x3 + d.u + d.s_eff + rng.normal(0, 1, n)
    eta = -0.5 + 0.8 * d.x1 + 0.5 * d.x2 - 0.05 * d.x3 + 0.7 * d.u
    d["yb"] = (rng.uniform(size=n) < expit(eta)).astype(float)
    d["cat"] = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    d["dom"] = ((d.x2 == 1) | (rng.uniform(size=n) < 0.2)).astype(int)
    w0 = d["weight"].copy()
    w0[(d.stratum == "s03") & (d.psu == 2)] = 0.0
    w0[rng.uniform(size=n) < 0.05] = 0.0
    d["weight0"] = w0
    d["keep_single"] = (~(d.stratum.isin(["s01", "s02"]) & (d.psu > 1))).astype(int)
    return d.drop(columns=["s_eff", "u"])


__all__ = ["simulate_survey"]
