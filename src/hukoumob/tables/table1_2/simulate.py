"""A simulated two-sample design with known Table 2 coefficients (tests and benchmarks; not the replica)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .men import MODEL1_TERMS


def simulate_attainment(
    n_strata: int = 25,
    psu_per_stratum: int = 4,
    men_per_psu: int = 14,
    *,
    seed: int = 2007,
    psu_sd: float = 3.0,
) -> pd.DataFrame:
    """A simulated two-sample design (rural, urban) with known Table 2 coefficients.

    Not the calibrated replica: a small generative model for tests and
    benchmarks. ``n_strata`` rural and ``n_strata`` urban strata, each with
    ``psu_per_stratum`` PSUs of ``men_per_psu`` men (the default is about
    the paper's 2,844 men: 2 x 25 x 4 x 14 = 2,800). The rural sample lives
    in rural places and is 98% of rural origin; the urban sample is 41% of
    rural origin, of whom 68% changed hukou. Current ISEI follows Model 2 with
    the coefficients in ``attrs["true"]`` plus a PSU effect and noise, so
    Model 2 on the total sample is unbiased for them. The columns follow the
    results contract.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for sample in ("rural", "urban"):
        for h in range(n_strata):
            for j in range(psu_per_stratum):
                u = rng.normal(0, psu_sd)
                for _ in range(men_per_psu):
                    rows.append((sample, f"{sample[0]}{h + 1:02d}", j + 1, u))
    d = pd.DataFrame(rows, columns=["sample", "stratum", "psu", "u"])
    n = len(d)
    rural_sample = (d["sample"] == "rural").to_numpy()
    d["residence_rural"] = rural_sample.astype(int)
    d["hukou14_rural"] = (rng.uniform(size=n) < np.where(rural_sample, 0.98, 0.41)).astype(int)
    changed = rng.uniform(size=n) < np.where(rural_sample, 0.03, 0.68)
    d["hukou_change"] = ((d["hukou14_rural"] == 1) & changed).astype(int)
    urban14 = 1 - d["hukou14_rural"].to_numpy()
    d["birth_year"] = rng.integers(27, 77, size=n)
    d["father_educ"] = np.clip(np.round(rng.gamma(1.2, 2.2, n) + 2.5 * urban14), 0, 18)
    d["father_isei"] = np.clip(16 + 0.8 * d["father_educ"] + 14 * urban14 * rng.uniform(0.3, 1.7, n)
                               + rng.normal(0, 6, n) * (rng.uniform(size=n) < 0.4), 10, 90)
    d["educ"] = np.clip(np.round(4 + 0.3 * d["father_educ"] + 0.06 * d["father_isei"] + 2.5 * urban14
                                 + 0.04 * (d["birth_year"] - 50) + rng.normal(0, 3, n)), 0, 19)
    d["first_isei"] = np.clip(8 + 0.08 * d["father_isei"] + 1.4 * d["educ"] + 8 * urban14
                              + rng.normal(0, 9, n), 10, 90)
    true = {"father_educ": -0.25, "father_isei": 0.15, "educ": 1.1, "first_isei": 0.5,
            "urban_hukou14": 7.0, "constant": 1.0}
    d["current_isei"] = (true["constant"] + sum(true[t] * d[t] for t in MODEL1_TERMS)
                         + true["urban_hukou14"] * urban14 + d["u"] + rng.normal(0, 9, n))
    d["party_member"] = (rng.uniform(size=n) < 0.05 + 0.02 * d["educ"]).astype(int)
    d["father_party_member14"] = (rng.uniform(size=n) < 0.08 + 0.1 * urban14).astype(int)
    adults = rng.integers(1, 5, size=n)
    d["weight"] = np.where(rural_sample, 2.6, 1.0) * adults / adults.mean()
    d["weight"] = d["weight"] / d["weight"].mean()
    out = d.drop(columns=["sample", "u"])
    out.attrs["true"] = true
    return out
