"""Timing of Table 2 (hukoumob.tables.table1_2) on a data set the size of the paper's (2,844 men).

* all four Table 2 models with design SEs (``table2_rows``: validation,
  design construction, Model 1 urban / rural / total, Model 2 total, tidy
  rows), for the residence split and for the hukou split;
* Table 1 (``table1_rows``);
* the SE aside (``se_comparison``: design, cluster and plain SEs).

Runs on the synthetic replica when ``data/replica/men.csv`` and
``hukoumob.inputs.records`` exist, otherwise on 2,844 men drawn from
``table1_2.simulate_attainment`` (100 PSUs in 50 strata). Prints the
median wall time in milliseconds over ``--repeats`` runs and exits non-zero
if one call of ``table2_rows`` takes 1 s or more (the target).

Usage::

    .venv/bin/python benchmarks/bench_attainment.py [--repeats 25]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from _timing import load_average, median_ms

from hukoumob.tables import table1_2

TARGET_MS = 1000.0
N_MEN = 2844


def load_men():
    """The replica's men if available, else 2,844 simulated men; returns (men, label)."""
    try:
        from hukoumob.inputs.records import load_records

        men = load_records("replica").men
        return men, f"synthetic replica ({len(men):,} men)"
    except Exception:  # the replica is optional for a timing run
        sim = table1_2.simulate_attainment(men_per_psu=15, seed=1996)
        keep = np.random.default_rng(1996).choice(len(sim), N_MEN, replace=False)
        men = sim.iloc[np.sort(keep)].reset_index(drop=True)
        return men, f"simulated stand-in ({len(men):,} men)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25)
    args = parser.parse_args(argv)

    men, label = load_men()
    rows = [
        ("Table 2, 4 models + design SEs, residence split", lambda: table1_2.table2_rows(men, "residence")),
        ("Table 2, 4 models + design SEs, hukou split", lambda: table1_2.table2_rows(men, "hukou")),
        ("Table 1, 3 groups", lambda: table1_2.table1_rows(men)),
        ("SE aside: design, cluster and plain SEs", lambda: table1_2.se_comparison(men)),
    ]
    results = {}
    print(f"hukoumob.tables.table1_2 benchmark on the {label} (median of {args.repeats} runs; load average "
          f"{load_average()})")
    for name, fn in rows:
        results[name] = median_ms(fn, args.repeats)
        print(f"  {name:<52s} {results[name]:8.2f} ms")
    worst = max(results[name] for name, _ in rows[:2])
    ok = worst < TARGET_MS
    print(f"target: all Table 2 models < {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'} ({worst:.1f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
