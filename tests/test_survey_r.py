"""hukoumob.survey against R ``survey`` (Lumley) on the same simulated sample.

One Rscript run (module fixture) fits every reference analysis on
``simulate_survey()`` (10 strata x 4 PSUs x 15 rows, unequal weights, a PSU
effect) and writes estimates, SEs, p-values and dfs to CSV at full
precision; each test compares one analysis at a relative tolerance of 1e-6.
Skipped where ``Rscript`` or the ``survey`` package is absent.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from hukoumob.survey import (
    SurveyDesign,
    SurveyResult,
    simulate_survey,
    svy_logit,
    svy_mean,
    svy_ols,
    svy_proportion,
)

pytestmark = pytest.mark.needs_r

RTOL = 1e-6
X = ["x1", "x2", "x3"]

R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
out <- list()
put <- function(analysis, term, stat, value) {
  out[[length(out) + 1]] <<- data.frame(analysis = analysis, term = term, stat = stat,
                                        value = sprintf("%.17g", value))
}
put_stat <- function(analysis, s, df) {
  est <- coef(s); se <- SE(s)
  for (i in seq_along(est)) {
    put(analysis, names(est)[i], "est", est[i]); put(analysis, names(est)[i], "se", se[i])
  }
  put(analysis, "_", "df", df)
}
put_glm <- function(analysis, f) {
  cf <- summary(f)$coefficients
  for (i in seq_len(nrow(cf))) {
    put(analysis, rownames(cf)[i], "est", cf[i, 1]); put(analysis, rownames(cf)[i], "se", cf[i, 2])
    put(analysis, rownames(cf)[i], "p", cf[i, 4])
  }
  put(analysis, "_", "df", degf(f$survey.design)); put(analysis, "_", "df_resid", f$df.residual)
}
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
put_stat("mean_y", svymean(~y, des), degf(des))
put_stat("mean_yb", svymean(~yb, des), degf(des))
m <- svymean(~y + x1, des); put_stat("mean_joint", m, degf(des))
put("mean_joint", "y:x1", "cov", vcov(m)[1, 2])
put_stat("prop_cat", svymean(~factor(cat), des), degf(des))
put_glm("ols", svyglm(y ~ x1 + x2 + x3, des))
put_glm("logit", svyglm(yb ~ x1 + x2 + x3, des, family = quasibinomial(), control = ctl))
sub <- subset(des, dom == 1)
put_stat("dom_mean_y", svymean(~y, sub), degf(sub))
put_glm("dom_ols", svyglm(y ~ x1 + x3, sub))
put_glm("dom_logit", svyglm(yb ~ x1 + x3, sub, family = quasibinomial(), control = ctl))
des0 <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight0, nest = TRUE, data = d)
put_stat("zero_mean_y", svymean(~y, des0), degf(des0))
put_glm("zero_ols", suppressWarnings(svyglm(y ~ x1 + x2 + x3, des0)))
d$psuid <- paste(d$stratum, d$psu)
desc <- svydesign(ids = ~psuid, weights = ~weight, data = d)
put_glm("clus_ols", svyglm(y ~ x1 + x2 + x3, desc))
put_glm("clus_logit", svyglm(yb ~ x1 + x2 + x3, desc, family = quasibinomial(), control = ctl))
cf <- summary(glm(y ~ x1 + x2 + x3, data = d, weights = weight))$coefficients
for (i in seq_len(nrow(cf))) put("plain_ols", rownames(cf)[i], "se", cf[i, 2])
d$wn <- d$weight / mean(d$weight)
g <- suppressWarnings(glm(yb ~ x1 + x2 + x3, data = d, weights = wn, family = binomial(), control = ctl))
cf <- summary(g)$coefficients
for (i in seq_len(nrow(cf))) put("plain_logit", rownames(cf)[i], "se", cf[i, 2])
ds <- d[d$keep_single == 1, ]
dess <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = ds)
for (opt in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = opt)
  put_stat(paste0("single_", opt, "_mean_y"), svymean(~y, dess), degf(dess))
  put_glm(paste0("single_", opt, "_ols"), svyglm(y ~ x1 + x2 + x3, dess))
  put_glm(paste0("single_", opt, "_logit"),
          svyglm(yb ~ x1 + x2 + x3, dess, family = quasibinomial(), control = ctl))
}
options(survey.lonely.psu = "fail")
msg <- tryCatch({svymean(~y, dess); "no error"}, error = function(e) conditionMessage(e))
put("single_fail", msg, "error", NA)
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
"""


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return simulate_survey()


@pytest.fixture(scope="module")
def ref(data, tmp_path_factory) -> dict:
    """R results keyed by (analysis, term, stat)."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not available")
    tmp = tmp_path_factory.mktemp("rsurvey")
    data.to_csv(tmp / "sim.csv", index=False, float_format="%.17g")
    (tmp / "ref.R").write_text(R_SCRIPT)
    proc = subprocess.run(
        ["Rscript", str(tmp / "ref.R"), str(tmp / "sim.csv"), str(tmp / "ref.csv")],
        capture_output=True, text=True, timeout=120,
    )
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip("the R package 'survey' is not installed")
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(tmp / "ref.csv", keep_default_na=False)
    return {
        (a, t, s): (np.nan if v == "NA" else float(v))
        for a, t, s, v in table[["analysis", "term", "stat", "value"]].itertuples(index=False)
    }


def _r_term(term: str) -> str:
    if term == "constant":
        return "(Intercept)"
    if term.startswith("cat="):
        return "factor(cat)" + term[4:]
    return term


def check(ref: dict, analysis: str, res: SurveyResult, *, p: bool = False, df: str | None = "df") -> float:
    """Assert estimates and SEs (and p, df) equal R's; return the largest relative difference."""
    worst = 0.0
    for term in res.estimates.index:
        rt = _r_term(term)
        pairs = [("est", res.estimates[term]), ("se", res.se[term])]
        if p:
            pairs.append(("p", res.p[term]))
        for stat, ours in pairs:
            key = (analysis, rt, stat)
            if key not in ref:
                continue
            theirs = ref[key]
            rel = abs(ours - theirs) / abs(theirs)
            worst = max(worst, rel)
            assert rel < RTOL, f"{analysis} {term} {stat}: ours {ours!r}, R {theirs!r}"
    if df is not None:
        assert res.df == ref[(analysis, "_", df)]
    return worst


def test_means_and_proportions(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "mean_y", svy_mean(data, "y", design))
    check(ref, "mean_yb", svy_proportion(data, "yb", design))
    joint = svy_mean(data, ["y", "x1"], design)
    check(ref, "mean_joint", joint)
    assert joint.vcov.loc["y", "x1"] == pytest.approx(ref[("mean_joint", "y:x1", "cov")], rel=RTOL)
    check(ref, "prop_cat", svy_proportion(data, "cat", design))


def test_linear_regression(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "ols", svy_ols(data, "y", X, design), df="df")
    # R's summary.svyglm tests on design df - K + 1
    check(ref, "ols", svy_ols(data, "y", X, design, df_method="residual"), p=True, df="df_resid")


def test_logistic_regression(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "logit", svy_logit(data, "yb", X, design, df_method="residual"), p=True, df="df_resid")


def test_domain_estimation(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "dom_mean_y", svy_mean(data, "y", design, domain="dom"))
    check(ref, "dom_ols", svy_ols(data, "y", ["x1", "x3"], design, domain="dom", df_method="residual"),
          p=True, df="df_resid")
    check(ref, "dom_logit", svy_logit(data, "yb", ["x1", "x3"], design, domain=data.dom == 1))


def test_zero_weights(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight0")
    assert design.df == 29  # one PSU of s03 has only zero weights
    check(ref, "zero_mean_y", svy_mean(data, "y", design))
    check(ref, "zero_ols", svy_ols(data, "y", X, design, df_method="residual"), p=True, df="df_resid")


def test_cluster_robust(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    # R's unstratified design applies G/(G-1) only; CR1 for OLS adds (N-1)/(N-K)
    ols = svy_ols(data, "y", X, design, vce="cluster")
    n, k = len(data), 4
    for term in ols.estimates.index:
        ours = ols.se[term] / np.sqrt((n - 1) / (n - k))
        assert ours == pytest.approx(ref[("clus_ols", _r_term(term), "se")], rel=RTOL)
    check(ref, "clus_logit", svy_logit(data, "yb", X, design, vce="cluster"), df=None)


def test_plain(ref, data):
    design = SurveyDesign.from_frame(data, "stratum", "psu", "weight")
    check(ref, "plain_ols", svy_ols(data, "y", X, design, vce="plain"), df=None)
    check(ref, "plain_logit", svy_logit(data, "yb", X, design, vce="plain"), df=None)


@pytest.mark.parametrize("option", ["remove", "certainty", "adjust", "average"])
def test_singleton_options(ref, data, option):
    single = data[data.keep_single == 1].reset_index(drop=True)
    design = SurveyDesign.from_frame(single, "stratum", "psu", "weight", lonely_psu=option)
    assert design.singleton_strata() == ["s01", "s02"]
    check(ref, f"single_{option}_mean_y", svy_mean(single, "y", design))
    check(ref, f"single_{option}_ols", svy_ols(single, "y", X, design))
    check(ref, f"single_{option}_logit", svy_logit(single, "yb", X, design))


def test_singleton_fail(ref, data):
    single = data[data.keep_single == 1].reset_index(drop=True)
    (r_message,) = [t for (a, t, s) in ref if a == "single_fail"]
    assert "s01" in r_message
    with pytest.raises(ValueError, match="2 stratum/strata with a single PSU: s01, s02"):
        svy_mean(single, "y", SurveyDesign.from_frame(single, "stratum", "psu", "weight", lonely_psu="fail"))
