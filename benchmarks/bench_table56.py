"""Timing of Table 5 from individual records and of Table 6's hazard models.

* all five Table 5 models (Models 1, 2, 3a, 3b, 3c of Wu and Treiman 2007)
  fitted to the replica's men with model-based and design-based SEs
  (:func:`hukoumob.tables.table5.from_records.table5_from_records`; target < 10 s);
* Table 6: the person-year file with its bad-input checks and the four
  weighted logits with design SEs (:func:`hukoumob.tables.table6.build_person_years`,
  :func:`hukoumob.tables.table6.fit_models`; target < 2 s). Models that the data
  leave unestimable (perfect separation) are detected, not fitted, and the
  count is printed.

Prints the median wall time over ``--repeats`` runs (after a warm-up) and
exits non-zero if a target is missed.

Usage::

    .venv/bin/python benchmarks/bench_table56.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

from _timing import run_times

from hukoumob.tables import table6
from hukoumob.tables.table5 import from_records as mr
from hukoumob.inputs.records import load_records

TARGETS_S = {"table5": 10.0, "table6": 2.0}


def median_s(fn, repeats: int) -> float:
    """Median wall time of ``fn()`` in seconds (after one warm-up call)."""
    return statistics.median(run_times(fn, repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    men = load_records("replica").men

    def fit_table6():
        return table6.fit_models(table6.build_person_years(men))

    fits = fit_table6()
    n_sep = len(fits.separated_models())
    times = {
        "table5": median_s(lambda: mr.table5_from_records(men), args.repeats),
        "table6": median_s(fit_table6, args.repeats),
    }
    print(f"Table 5, five models with model and design SEs ({len(men)} men): "
          f"{times['table5']:.3f} s (target < {TARGETS_S['table5']:.0f} s)")
    print(f"Table 6, person-years + four logits with design SEs: {times['table6']:.3f} s "
          f"(target < {TARGETS_S['table6']:.0f} s; {n_sep} of 4 models not estimable on this replica)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    missed = [k for k, t in times.items() if t >= TARGETS_S[k]]
    if missed:
        print("targets missed:", ", ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
