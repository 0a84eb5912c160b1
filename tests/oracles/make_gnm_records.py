"""Regenerate the frozen R gnm oracle of the record-level models (``gnm_records_*.csv``, ``gnm_backpain*.csv``).

The records (``gnm_records_input.csv``, one row per person):

* ``replica``: the synthetic replica's rural-origin men (Table 5 Models 3b and 3c; father's and son's
  class, weight, schooling, hukou change), frozen so that a recalibrated replica does not move the oracle;
* ``simulated``: 600 men drawn from equation 4 with known parameters (fixed seed), with unequal weights.

``gnm_records.R`` fits Models 3b and 3c to each set by gnm on expanded records (``expandCategorical``,
a custom nonlin term for the homogeneous scores inside the covariate product) and gnm's own stereotype
example for the ``backPain`` data. Run from the repository root, where R and gnm are installed::

    .venv/bin/python tests/oracles/make_gnm_records.py

``tests/test_mobility_records_gnm.py`` compares our engine with these files in every test run and,
where R is present, reruns R on the simulated set.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
INPUT_FILE = HERE / "gnm_records_input.csv"
#: Seeded gnm fits per model (the best deviance is kept).
N_SEEDS = 3


def simulated_records() -> pd.DataFrame:
    """600 men from equation 4 (Model 3c's terms), six classes, fixed seed, weights 0.5 / 1 / 2."""
    from hukoumob.mobility import simulate_records

    rng = np.random.default_rng(15)
    n = 600
    father = rng.choice(6, size=n, p=[0.05, 0.05, 0.08, 0.1, 0.07, 0.65])
    educ = rng.integers(0, 13, size=n).astype(float)
    hc = (rng.random(n) < 0.25).astype(float)
    phi = np.array([0.6, 0.35, 0.1, 0.05, -0.05, -0.75])
    phi = (phi - phi.mean()) / np.linalg.norm(phi - phi.mean())
    x = np.column_stack([educ, hc, educ * hc])
    t = np.column_stack([hc, educ])
    son = simulate_records(rng, father, [0.2, -0.4, -0.6, 0.3, -0.1, 0.0], phi, 0.5, 1.2,
                           x=x, t=t, mu_t=[-0.6, 0.05], b=[0.12, 0.8, -0.05])
    w = rng.choice([0.5, 1.0, 2.0], size=n)
    return pd.DataFrame({"set": "simulated", "father": father + 1, "son": son + 1, "weight": w,
                         "educ": educ, "hukou_change": hc})


def replica_records() -> pd.DataFrame:
    """The replica's rural-origin men, class codes 1..6 in the order of ``CLASSES``."""
    from hukoumob.inputs.records import load_records
    from hukoumob.inputs.schema import CLASSES

    men = load_records("replica").men
    d = men.loc[men["hukou14_rural"] == 1]
    code = {c: i + 1 for i, c in enumerate(CLASSES)}
    return pd.DataFrame({"set": "replica", "father": d["father_class"].map(code).to_numpy(),
                         "son": d["son_class"].map(code).to_numpy(), "weight": d["weight"].to_numpy(),
                         "educ": d["educ"].to_numpy(float), "hukou_change": d["hukou_change"].to_numpy(float)})


def oracle_input() -> pd.DataFrame:
    return pd.concat([replica_records(), simulated_records()], ignore_index=True)


def main() -> int:
    oracle_input().to_csv(INPUT_FILE, index=False, float_format="%.17g")
    run = subprocess.run(["Rscript", str(HERE / "gnm_records.R"), str(HERE), str(N_SEEDS), str(INPUT_FILE)],
                         text=True)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
