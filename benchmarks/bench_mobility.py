"""Timing of the Table 5 engine (hukoumob.mobility) against alternatives.

On the England-and-Wales reference table collapsed to 6 x 6 (Model 1 form:
uniform immobility + homogeneous log-multiplicative association):

* ours: ``fit_table`` with its default four starts (deterministic + three
  seeded random starts, all included), and with the deterministic start only;
* scipy: ``scipy.optimize.minimize`` (BFGS) with finite-difference gradients
  of the same log-likelihood, from the same deterministic start (scores
  normalised inside the objective: ``phi = H theta / |theta|``);
* R gnm (if ``Rscript`` and gnm are present): one
  ``gnm(count ~ origin + destination + Diag(origin, destination, binary = TRUE)
  + MultHomog(origin, destination), family = poisson)`` fit, timed inside R
  with ``system.time`` over ``--repeats`` fits (R's start-up excluded);
  gnm fits one random start per call.

Also, for scale, a Model 3c-sized fit to individual records (2,339 men, three
``b`` covariates and two ``mu_t`` covariates, weights).

Prints median wall times in milliseconds (and the fastest run, which shows
the cost without the preemption of a loaded machine), the ratios, and exits
non-zero if our default fit's median exceeds 5 ms or is less than 5 times
faster than gnm. On a shared machine the medians move with the load average
(printed).

Usage::

    .venv/bin/python benchmarks/bench_mobility.py [--repeats 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

import numpy as np
from _timing import run_times
from scipy.optimize import minimize

from hukoumob.mobility import MobilityData, fit_records, fit_table, simulate_records
from hukoumob.inputs.reference import load_erikson_tables
from hukoumob.mobility.fit import _sumzero_basis, table_start
from hukoumob.mobility.gnm_oracle import fit_gnm_tables, r_available
from hukoumob.mobility.likelihood import derivatives

TARGET_MS = 5.0
TARGET_RATIO = 5.0


def median_ms(fn, repeats: int) -> float:
    """Median wall time of ``fn()`` in milliseconds (after one warm-up call);
    the fastest run is kept in ``BEST`` (it shows the cost without the
    preemption a loaded machine adds)."""
    times = [t * 1e3 for t in run_times(fn, repeats)]
    BEST[fn] = min(times)
    return statistics.median(times)


BEST: dict = {}


def scipy_fit(table: np.ndarray):
    """BFGS with numeric gradients on (a without ref, theta, delta, mu0)."""
    data = MobilityData.from_table(table)
    L = data.layout
    J = L.J
    H = _sumzero_basis(J)
    start = table_start(table, L)
    ref_free = [q for q in range(J) if q != L.ref]

    def unpack(z):
        beta = np.zeros(L.p)
        beta[ref_free] = z[: J - 1]
        theta = z[J - 1 : 2 * J - 2]
        beta[J : 2 * J] = H @ theta / np.sqrt(theta @ theta)
        beta[L.delta], beta[L.mu0] = z[2 * J - 2], z[2 * J - 1]
        return beta

    z0 = np.r_[start[ref_free], H.T @ start[J : 2 * J], start[L.delta], start[L.mu0]]
    res = minimize(lambda z: -derivatives(unpack(z), data, 0), z0, method="BFGS", options={"gtol": 1e-6})
    return -res.fun, res


def records_problem(seed: int = 1996):
    """A Model 3c-sized sample of individual records drawn from eq. 4."""
    rng = np.random.default_rng(seed)
    n = 2339
    v = rng.choice(6, size=n, p=[0.06, 0.01, 0.01, 0.05, 0.03, 0.84])
    educ = rng.integers(0, 17, n).astype(float)
    hc = (rng.random(n) < 0.2).astype(float)
    x = np.column_stack([educ, hc, educ * hc])
    t = np.column_stack([hc, educ])
    phi = np.array([0.4, 0.3, 0.0, 0.1, 0.2, -1.0])
    phi = (phi - phi.mean()) / np.linalg.norm(phi - phi.mean())
    y = simulate_records(rng, v, [0.5, -1.0, -1.0, 0.5, 0.0, 0.0], phi, 0.6, 0.5,
                         x=x, t=t, mu_t=[-1.0, -0.02], b=[0.15, 1.2, 0.1])
    w = rng.uniform(0.5, 1.5, n)
    return v, y, x, t, w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args(argv)
    table = load_erikson_tables()["EW"]

    res = fit_table(table)
    f4 = lambda: fit_table(table)  # noqa: E731
    f1 = lambda: fit_table(table, n_starts=1)  # noqa: E731
    ours = median_ms(f4, args.repeats)
    ours1 = median_ms(f1, args.repeats)
    ll_scipy, sres = scipy_fit(table)
    sp = median_ms(lambda: scipy_fit(table), max(5, args.repeats // 5))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Model 1 form on the 6 x 6 EW table (median of {args.repeats} runs; "
          f"{os.cpu_count()} CPUs, load average {load:.2f})")
    print(f"  ours, {len(res.starts)} starts (default)      {ours:9.2f} ms   (fastest {BEST[f4]:.2f} ms)   "
          f"loglik {res.loglik:.6f}  starts agree: {res.starts_agree}  "
          f"iterations {res.starts['iterations'].tolist()}")
    print(f"  ours, deterministic start only    {ours1:9.2f} ms   (fastest {BEST[f1]:.2f} ms)")
    print(f"  scipy BFGS, numeric gradients     {sp:9.2f} ms   loglik {ll_scipy:.6f} "
          f"(diff {res.loglik - ll_scipy:.2e}; {sres.nfev} evaluations)   x{sp / ours:.1f} ours")

    ok = ours <= TARGET_MS
    if r_available():
        g = fit_gnm_tables({"EW": table}, n_starts=1, time_repeats=args.repeats)["EW"]
        gms = g["seconds_per_fit"] * 1e3
        print(f"  R gnm, one fit (timed inside R)   {gms:9.2f} ms   loglik {g['loglik']:.6f} "
              f"(diff {res.loglik - g['loglik']:.2e})   x{gms / ours:.1f} ours (all starts), "
              f"x{gms / ours1:.1f} ours (one start)")
        ok = ok and gms / ours >= TARGET_RATIO
    else:
        print("  R gnm: Rscript or gnm not available, skipped")

    v, y, x, t, w = records_problem()
    names_x = ["educ", "hukou_change", "educ_x_hukou_change"]
    names_t = ["hukou_change", "educ"]
    rrec = fit_records(v, y, x=x, t=t, weights=w, x_names=names_x, t_names=names_t)
    rec = median_ms(lambda: fit_records(v, y, x=x, t=t, weights=w, x_names=names_x, t_names=names_t),
                    max(5, args.repeats // 5))
    print(f"Model 3c form, {len(v)} individual records, {len(rrec.starts)} starts: {rec:9.2f} ms  "
          f"(iterations {rrec.starts['iterations'].tolist()}, starts agree: {rrec.starts_agree})")
    print(f"target: <= {TARGET_MS:g} ms and >= {TARGET_RATIO:g}x faster than gnm: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
