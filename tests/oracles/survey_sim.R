# R survey (Lumley) reference analyses of simulate_survey(); frozen and live use: tests/_survey_oracle.py
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
