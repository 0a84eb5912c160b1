"""Regenerate the frozen R gnm oracle of the table models (``gnm_paper_tables.csv``, ``gnm_paper_fits.csv``).

The tables: the Erikson-Goldthorpe-Portocarero tables of England and Wales, France and Sweden collapsed
to six classes (``data/reference``), a table simulated from the model (fixed seed), and the weighted
tables behind Wu and Treiman's Table 5 Models 1, 2 and 3a, rebuilt from the published Tables 3 and 4.
R fits each with ``gnm(count ~ origin + destination + Diag(origin, destination, binary = TRUE) +
MultHomog(origin, destination), family = poisson)`` (:mod:`hukoumob.mobility.gnm_oracle`).

Run from the repository root, where R and gnm are installed::

    .venv/bin/python tests/oracles/make_gnm_paper.py

``tests/test_mobility_gnm.py`` compares our engine with these files in every test run, checks that the
tables it would build today are the frozen ones, and, where R is present, that a live gnm run still
gives the frozen numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TABLES_FILE = HERE / "gnm_paper_tables.csv"
FITS_FILE = HERE / "gnm_paper_fits.csv"
#: Seeded gnm starts per table (the best deviance is kept).
N_STARTS = 3


def simulated_table() -> np.ndarray:
    """A 6 x 6 table drawn from the quasi-RC II model with a uniform diagonal (fixed seed)."""
    from hukoumob.mobility import simulate_table

    rng = np.random.default_rng(2007)
    phi = np.array([0.55, 0.3, 0.05, -0.05, 0.0, -0.85])
    phi = (phi - phi.mean()) / np.linalg.norm(phi - phi.mean())
    return simulate_table(rng, [400, 150, 120, 600, 350, 1500], [0.4, -0.3, -0.9, 0.3, -0.2, 0.0], phi, 0.6, 1.8)


def oracle_tables() -> dict[str, np.ndarray]:
    """Every table of the oracle, by name (module docstring), as built from the repository today."""
    from hukoumob.inputs.reference import load_erikson_tables
    from hukoumob.tables import table3_4
    from hukoumob.tables.table5.from_published import PANEL_OF_MODEL

    tables = {k: np.asarray(v, dtype=float) for k, v in load_erikson_tables().items()}
    tables["simulated"] = np.asarray(simulated_table(), dtype=float)
    for model, (table, panel) in PANEL_OF_MODEL.items():
        tables[model] = table3_4.as_array(table3_4.rebuild_counts(*table3_4.published_panel(table, panel)))
    return tables


def main() -> int:
    from hukoumob.mobility.gnm_oracle import r_available, run_gnm, tables_frame

    if not r_available():
        print("Rscript with the gnm package is not available; nothing regenerated", file=sys.stderr)
        return 1
    tables = oracle_tables()
    raw = run_gnm(tables, n_starts=N_STARTS)
    raw = raw[raw["term"] != "seconds_per_fit"]  # a timing, not an oracle value
    tables_frame(tables).to_csv(TABLES_FILE, index=False, float_format="%.17g")
    raw.to_csv(FITS_FILE, index=False, float_format="%.17g")
    print(f"wrote {TABLES_FILE.name} ({len(tables)} tables) and {FITS_FILE.name} ({len(raw)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
