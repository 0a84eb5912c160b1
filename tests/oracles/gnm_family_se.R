# Regenerates the frozen R gnm standard errors of the family's normalised
# scores (issue 15): RC(1) row and column scores and the homogeneous scores,
# each centred to sum 0 and scaled to unit length (gnm's getContrasts with
# ref = "mean", scaleRef = "mean", scaleWeights = "unit"), on R's
# occupationalStatus, with and without a uniform diagonal. gnm's standard
# errors come from the expected (Fisher) information; the test compares
# hukoumob.mobility.fit_model(..., information="expected").
#
#   Rscript tests/oracles/gnm_family_se.R [outdir]
#
# Writes gnm_family_se.csv: model, term (phi:k / psi:k), estimate, se.
suppressPackageStartupMessages(library(gnm))
args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
outdir <- if (length(args) >= 1) args[1] else here
d <- as.data.frame(occupationalStatus)
d$diag <- factor(ifelse(as.integer(d$origin) == as.integer(d$destination), 1, 0))
unit <- function(m, pattern) {
  r <- getContrasts(m, pickCoef(m, pattern), ref = "mean", scaleRef = "mean", scaleWeights = "unit")
  r$qvframe
}
fit <- function(formula) {
  set.seed(20070415)
  gnm(formula, family = poisson, data = d, verbose = FALSE, iterMax = 1000, tolerance = 1e-12)
}
rows <- list()
add <- function(model, prefix, q) {
  rows[[length(rows) + 1]] <<- data.frame(model = model, term = paste0(prefix, ":", seq_len(nrow(q))),
                                          estimate = q[, 1], se = q[, 2])
}
for (diag in c("none", "uniform")) {
  extra <- if (diag == "uniform") " + diag" else ""
  m <- fit(as.formula(paste("Freq ~ origin + destination", extra, "+ Mult(1, origin, destination)")))
  add(paste0("rc/", diag), "phi", unit(m, "[.]origin"))
  add(paste0("rc/", diag), "psi", unit(m, "[.]destination"))
  h <- fit(as.formula(paste("Freq ~ origin + destination", extra, "+ MultHomog(origin, destination)")))
  add(paste0("rc_homog/", diag), "phi", unit(h, "MultHomog"))
}
out <- do.call(rbind, rows)
write.csv(out, file.path(outdir, "gnm_family_se.csv"), row.names = FALSE)
cat("wrote", nrow(out), "rows to", file.path(outdir, "gnm_family_se.csv"), "\n")
