"""Timing of hukoumob.survey on problems the size of the paper's.

* a weighted OLS with 5 regressors and design SEs on n = 2,844 men in
  200 PSUs / 100 strata (Table 2 size);
* the four Table-2-like regressions (total, urban and rural domains, and a
  model with one more regressor), design construction included;
* a weighted logit with design SEs on n = 3,400 person-years (Table 6 size);
* the three-way SE comparison of the aside;
* the bare statsmodels fits (``WLS``, ``GLM`` binomial with ``freq_weights``)
  of the same OLS and logit, and the ratio of the survey estimator to them
  (what the design covariance, checks and results wrapper add).

Prints the median wall time in milliseconds over ``--repeats`` runs and the
load average, and exits non-zero if the four regressions take 1 s or more
(the target).

Usage::

    .venv/bin/python benchmarks/bench_survey.py [--repeats 25]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from _timing import load_average, median_ms

from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import WLS

from hukoumob.survey import SurveyDesign, compare_se, simulate_survey, svy_logit, svy_ols

TARGET_MS = 1000.0


def make_data(n_obs: int, seed: int):
    """Simulated sample with 100 strata x 2 PSUs and two extra regressors."""
    d = simulate_survey(100, 2, n_obs=n_obs, seed=seed)
    rng = np.random.default_rng(seed + 1)
    d["x4"] = rng.normal(size=len(d)) + 0.3 * d["x1"]
    d["x5"] = rng.integers(0, 2, size=len(d)).astype(float)
    return d


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25)
    args = parser.parse_args(argv)

    men = make_data(2844, seed=1996)
    years = make_data(3400, seed=1997)
    x5 = ["x1", "x2", "x3", "x4", "x5"]
    x4 = ["x1", "x2", "x4", "x5"]
    design = SurveyDesign.from_frame(men, "stratum", "psu", "weight")
    urban = (men["x3"] > 5).to_numpy()

    def one_ols():
        return svy_ols(men, "y", x5, design)

    def table2():
        d = SurveyDesign.from_frame(men, "stratum", "psu", "weight", lonely_psu="adjust")
        return [
            svy_ols(men, "y", x4, d),
            svy_ols(men, "y", x4, d, domain=urban),
            svy_ols(men, "y", x4, d, domain=~urban),
            svy_ols(men, "y", x5, d),
        ]

    def logit():
        d = SurveyDesign.from_frame(years, "stratum", "psu", "weight")
        return svy_logit(years, "yb", x5, d)

    def design_only():
        return SurveyDesign.from_frame(men, "stratum", "psu", "weight")

    def comparison():
        return compare_se(men, "y", x5, design)

    xm = np.column_stack([men[x5].to_numpy(float), np.ones(len(men))])
    xy = np.column_stack([years[x5].to_numpy(float), np.ones(len(years))])

    def bare_wls():
        return WLS(men["y"].to_numpy(float), xm, weights=men["weight"].to_numpy(float)).fit()

    def bare_glm():
        return GLM(years["yb"].to_numpy(float), xy, family=Binomial(), freq_weights=years["weight"].to_numpy(float)
                   ).fit(method="newton", start_params=np.zeros(xy.shape[1]), tol=1e-10, disp=0, optim_hessian="eim")

    rows = [
        ("design construction, n=2844, 200 PSUs / 100 strata", design_only),
        ("OLS, 5 regressors + design SEs, n=2844", one_ols),
        ("4 Table-2-like regressions (incl. design)", table2),
        ("logit, 5 regressors + design SEs, n=3400", logit),
        ("compare_se (design, cluster, plain), n=2844", comparison),
        ("bare statsmodels WLS fit, same OLS", bare_wls),
        ("bare statsmodels GLM binomial fit, same logit", bare_glm),
    ]
    results = {}
    print(f"hukoumob.survey benchmark (median of {args.repeats} runs; load average "
          f"{load_average()})")
    for label, fn in rows:
        results[label] = median_ms(fn, args.repeats)
        print(f"  {label:<52s} {results[label]:8.2f} ms")
    print(f"ratio survey estimator / bare statsmodels fit: OLS "
          f"{results['OLS, 5 regressors + design SEs, n=2844'] / results['bare statsmodels WLS fit, same OLS']:.2f}, "
          f"logit {results['logit, 5 regressors + design SEs, n=3400'] / results['bare statsmodels GLM binomial fit, same logit']:.2f}")
    total = results["4 Table-2-like regressions (incl. design)"]
    ok = total < TARGET_MS
    print(f"target: 4 Table-2-like regressions < {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'} ({total:.1f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
