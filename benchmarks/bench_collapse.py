"""Timing of record-level fits collapsed into covariate patterns (issue 15).

Table 5 Model 3c (Wu and Treiman 2007, equation 4) with model-based and
design-based SEs (:func:`hukoumob.tables.table5.from_records.fit_model`, then
``cov_params(se="design")``) on the replica's men and on the replica stacked
100 times (each copy's PSUs kept apart, strata shared). Fits grow with
covariate patterns, not persons, so the goal is stacked <= 2x replica. The
replica is also timed person by person (``collapse=False``), for the gain.

Prints the median wall times over ``--repeats`` runs (after a warm-up), the
ratio and the load average, and the same for the process's CPU time (which a
loaded machine disturbs less than wall time); exits non-zero if the wall-time
ratio misses the goal.

Usage::

    .venv/bin/python benchmarks/bench_collapse.py [--repeats 3] [--copies 100]
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy: small matrices are slower multithreaded

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import pandas as pd  # noqa: E402
from _timing import load_average, run_times  # noqa: E402

from hukoumob.inputs.records import load_records  # noqa: E402
from hukoumob.tables.table5 import from_records as mr  # noqa: E402

GOAL_RATIO = 2.0


def stacked(men: pd.DataFrame, copies: int) -> pd.DataFrame:
    """``copies`` copies of the men's file, each copy's PSUs distinct."""
    width = int(men["psu"].max()) + 1
    parts = [men.assign(psu=men["psu"] + k * width) for k in range(copies)]
    return pd.concat(parts, ignore_index=True)


def model3c_with_design_ses(men: pd.DataFrame, **options):
    fit = mr.fit_model(men, "model3c", **options)
    return fit.standard_errors(se="model"), fit.standard_errors(se="design")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--copies", type=int, default=100)
    args = parser.parse_args()
    men = load_records("replica").men
    big = stacked(men, args.copies)

    def med(fn):
        return statistics.median(run_times(fn, args.repeats))

    def med_cpu(fn):
        fn()
        times = []
        for _ in range(args.repeats):
            t0 = time.process_time()
            fn()
            times.append(time.process_time() - t0)
        return statistics.median(times)

    t_person = med(lambda: model3c_with_design_ses(men, collapse=False))
    t_small = med(lambda: model3c_with_design_ses(men))
    t_big = med(lambda: model3c_with_design_ses(big))
    ratio = t_big / t_small
    c_small = med_cpu(lambda: model3c_with_design_ses(men))
    c_big = med_cpu(lambda: model3c_with_design_ses(big))
    n_pat = mr.fit_model(men, "model3c").data.n
    print(f"Model 3c with model and design SEs, replica ({len(men)} men, "
          f"{int(mr.sample_mask(men, 'model3c').sum())} rural-origin, {n_pat} covariate patterns):")
    print(f"  person by person (collapse=False): {t_person:.3f} s")
    print(f"  collapsed into patterns:           {t_small:.3f} s")
    print(f"replica stacked {args.copies} times ({len(big)} men), collapsed: {t_big:.3f} s")
    print(f"ratio stacked / replica (wall): {ratio:.2f} (goal <= {GOAL_RATIO:.0f}: {'met' if ratio <= GOAL_RATIO else 'NOT met'})")
    print(f"CPU time: replica {c_small:.3f} s, stacked {c_big:.3f} s, ratio {c_big / c_small:.2f}")
    print(f"load average {load_average()} on {os.cpu_count()} cores; OPENBLAS_NUM_THREADS=1")
    return 0 if ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
