# Frozen R gnm oracle for the limit at infinity of RC(1) + full diagonal on
# gnm's yaish, education layer 1 (6 x 6, class 7 dropped), issue 15:
#
#   Rscript tests/oracles/gnm_limits.R [outdir]
#
# The MLE does not exist: along the iterations mu -> infinity, the column
# scores split into {4} and the rest, the zero cells (2,4) and (5,4) go to 0,
# the other cells of column 4 are fitted exactly and rows 1, 2, 3, 6 share
# one row score (gnm's 60 seeds reach G2 11.7164 with converged=FALSE). The
# limit is the supremum of the likelihood on that face of the model's
# closure, fitted here as an ordinary model on the cells that stay positive:
#
#   limiting_model  cells (2,4), (5,4) removed (fitted values 0); one
#                   parameter per remaining cell of column 4 (rows 1, 3, 6;
#                   (4,4) is its diagonal parameter); the row scores of
#                   rows 1, 2, 3, 6 one level (a factor), so that the
#                   interaction is rank one on rows 4, 5 x the other columns.
#   cells_removed   plain RC(1) + full diagonal with (2,4), (5,4) removed:
#                   a lower bound of the limit, not the limit (its maximum is
#                   finite, with positive fitted values in the removed cells).
#
# Writes gnm_family_limits.csv (deviance, df, converged per fit) and
# gnm_family_limits_fitted.csv (fitted values; 0 in the removed cells) to
# outdir (default: this script's folder).
suppressPackageStartupMessages(library(gnm))
args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
outdir <- if (length(args) >= 1) args[1] else here
data(yaish)
y1 <- yaish[1, -7, -7]
d <- as.data.frame.table(y1, responseName = "count", stringsAsFactors = FALSE)
names(d)[1:2] <- c("origin", "destination")
d$origin <- factor(d$origin, levels = rownames(y1))
d$destination <- factor(d$destination, levels = colnames(y1))
oi <- as.integer(d$origin); di <- as.integer(d$destination)
removed <- (oi == 2 & di == 4) | (oi == 5 & di == 4)
d$col4 <- factor(ifelse(di == 4 & oi %in% c(1, 3, 6), paste0("r", oi), "none"))
d$grp <- factor(ifelse(oi %in% c(4, 5), paste0("r", oi), "base"))
s <- d[!removed, ]
fit_best <- function(formula, n) {
  best <- NULL
  for (seed in seq_len(n)) {
    set.seed(seed)
    f <- tryCatch(suppressWarnings(gnm(formula, family = poisson, data = s, verbose = FALSE, trace = FALSE,
                                       tolerance = 1e-12, iterMax = 5000)), error = function(e) NULL)
    if (!is.null(f) && (is.null(best) || f$deviance < best$deviance)) best <- f
  }
  best
}
fits <- list(
  limiting_model = fit_best(count ~ origin + destination + Diag(origin, destination) + col4 +
                              Mult(grp, destination), 20),
  cells_removed = fit_best(count ~ origin + destination + Diag(origin, destination) +
                             Mult(origin, destination), 20))
rows <- list(); fv <- list()
for (k in names(fits)) {
  f <- fits[[k]]
  rows[[k]] <- data.frame(table = "yaish_educ1", model = "rc/full", fit = k, deviance = f$deviance,
                          df_subset = f$df.residual, converged = isTRUE(f$converged))
  m <- rep(0, nrow(d)); m[!removed] <- fitted(f)
  fv[[k]] <- data.frame(table = "yaish_educ1", model = "rc/full", fit = k, origin = d$origin,
                        destination = d$destination, fitted = signif(m, 15))
}
write.csv(do.call(rbind, rows), file.path(outdir, "gnm_family_limits.csv"), row.names = FALSE)
write.csv(do.call(rbind, fv), file.path(outdir, "gnm_family_limits_fitted.csv"), row.names = FALSE)
