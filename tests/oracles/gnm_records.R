# Regenerates the frozen R gnm oracle of the record-level models (issue 15):
# Table 5 Models 3b and 3c of Wu and Treiman (2007), eq. 4, covariates on the
# scale (b) and on the association (mu_t), fitted by gnm on expanded records,
# and gnm's own stereotype model for the backPain data (its help example).
#
#   Rscript tests/oracles/gnm_records.R [outdir] [n_seeds] [input.csv]
#
# Input (default: gnm_records_input.csv next to this script, written by
# make_gnm_records.py): one row per person, columns set, father, son (class
# codes 1..J), weight, educ, hukou_change.
# Output (to outdir, default this script's folder):
#   gnm_records_fits.csv     set, model, term, value: deviance, loglik (multinomial),
#                            df_rank, converged, iterations, then the normalised
#                            parameters a:k, phi:k, delta, mu0, mu:t, b:x and their
#                            SEs (se:<name>, expected information, delta method)
#   gnm_records_fitted.csv   set, model, father, son, fitted (weighted counts)
#   gnm_backpain.csv         term, value: gnm's example (help(backPain)) numbers
#   gnm_backpain_data.csv    the backPain data (x1, x2, x3, pain code 1..6)
#
# The model, for person i with father's class v and son's class q:
#   eta_iq = a_q + delta 1[q = v] + phi_q (x_i'b + (mu0 + t_i'mu_t) phi_v)
# with the same scores phi for fathers and sons, sum(phi) = 0. The records are
# re-expressed as counts with gnm's expandCategorical (one id per person, its
# weight the count of its class), persons with the same father, covariates and
# class are then summed (covariate patterns: the likelihood is the same), and
# the multinomial likelihood is the Poisson one with the ids eliminated.
# gnm's Mult cannot give the father's and the son's scores one parameter
# vector inside a product with covariates, so the term is the custom nonlin
# function HomogStereo below: phi_k is parameter k for k < J and minus their
# sum for k = J (the restriction sum(phi) = 0, which in Model 3b is not a
# normalisation but part of the model). The scale (phi -> c phi,
# mu -> mu / c^2, b -> b / c) is fixed by constraining phi_1 = 1; every sign
# of mu stays free. Normalisation afterwards (as hukoumob.mobility): phi of
# unit length, farm (the last class) negative, a_farm = 0.
suppressPackageStartupMessages(library(gnm))
args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
outdir <- if (length(args) >= 1 && nzchar(args[1])) args[1] else here
n_seeds <- if (length(args) >= 2) as.integer(args[2]) else 3L
input_csv <- if (length(args) >= 3) args[3] else file.path(here, "gnm_records_input.csv")

MODELS <- list(
  model3b = list(x = character(0), t = c("hukou_change")),
  model3c = list(x = c("educ", "hukou_change", "educ_x_hukou_change"), t = c("hukou_change", "educ"))
)

HomogStereo <- function(J, xform, tform) {
  preds <- c(rep(list(~ 1), J - 1), if (!is.null(xform)) list(xform), list(tform))
  names(preds) <- c(paste0("phi", 1:(J - 1)), if (!is.null(xform)) "b", "mu")
  vars <- c(lapply(paste0("S", 1:J), as.name), lapply(paste0("F", 1:J), as.name))
  has_x <- !is.null(xform)
  list(predictors = preds, variables = vars,
       term = function(predLabels, varLabels) {
         p <- predLabels[1:(J - 1)]
         S <- varLabels[1:J]
         F <- varLabels[J + 1:J]
         score <- function(ind) paste0("(", paste0(ind[1:(J - 1)], "*", p, collapse = " + "),
                                       " - ", ind[J], "*(", paste(p, collapse = " + "), "))")
         mu <- predLabels[J + has_x]
         inner <- paste0("(", mu, ") * ", score(F))
         if (has_x) inner <- paste0("(", predLabels[J], ") + ", inner)
         paste0(score(S), " * (", inner, ")")
       }, call = as.expression(match.call()))
}
class(HomogStereo) <- "nonlin"

patterns <- function(d, covs, J) {
  # expandCategorical: one id per person, count 1 in its class; times the weight;
  # then persons with the same father, covariates and class summed (patterns)
  d$son <- factor(d$son, levels = 1:J)
  long <- expandCategorical(d[, c("son", "father", "weight", covs)], "son", group = FALSE)
  long$count <- long$count * long$weight
  key <- do.call(paste, c(long[, c("father", covs)], sep = "|"))
  agg <- aggregate(long["count"], by = c(list(key = key, son = long$son), long[, c("father", covs)]), FUN = sum)
  agg$id <- factor(agg$key)
  agg <- agg[order(agg$id, agg$son), ]
  agg$diag <- as.numeric(as.integer(agg$son) == agg$father)
  for (k in 1:J) {
    agg[[paste0("S", k)]] <- as.numeric(as.integer(agg$son) == k)
    agg[[paste0("F", k)]] <- as.numeric(agg$father == k)
  }
  agg
}

fit_records <- function(d, spec, J, n_seeds) {
  covs <- unique(c(spec$x, spec$t))
  long <- patterns(d, covs, J)
  xform <- if (length(spec$x)) as.formula(paste("~ -1 +", paste(spec$x, collapse = " + "))) else NULL
  tform <- as.formula(paste("~ 1 +", paste(spec$t, collapse = " + ")))
  best <- NULL
  for (s in seq_len(n_seeds)) {
    set.seed(s)
    f <- tryCatch(suppressWarnings(gnm(count ~ -1 + son + diag + HomogStereo(J, xform, tform),
                                       eliminate = id, constrain = "phi1$", constrainTo = 1,
                                       family = poisson, data = long, verbose = FALSE, trace = FALSE,
                                       tolerance = 1e-8, iterMax = 5000)),
                  error = function(e) NULL)
    if (!is.null(f) && (is.null(best) || f$deviance < best$deviance)) best <- f
  }
  list(fit = best, long = long)
}

normalised <- function(co, spec, J) {
  # co: gnm's coefficients (constrained phi1 = 1, son1 aliased = 0) -> our parameters
  g <- function(pat) co[grep(pat, names(co))]
  p <- c(1, unname(g("\\)phi[0-9]+$")[-1]))
  phi <- c(p, -sum(p))
  b <- if (length(spec$x)) unname(g("\\)b")) else numeric(0)
  mu <- unname(g("\\)mu"))
  a <- c(0, unname(co[paste0("son", 2:J)]))
  cc <- sqrt(sum(phi^2))
  phi <- phi / cc
  mu <- mu * cc^2
  b <- b * cc
  if (phi[J] > 0) { phi <- -phi; b <- -b }
  out <- c(a - a[J], phi, unname(co["diag"]), mu, b)
  names(out) <- c(paste0("a:", 1:J), paste0("phi:", 1:J), "delta", "mu0",
                  if (length(spec$t)) paste0("mu:", spec$t), if (length(spec$x)) paste0("b:", spec$x))
  out
}

delta_se <- function(fit, spec, J) {
  co <- coef(fit)
  co[is.na(co) & grepl("phi1$", names(co))] <- 1
  V <- vcov(fit)
  free <- names(co)[!is.na(co) & !grepl("phi1$", names(co)) & names(co) %in% rownames(V)]
  V <- V[free, free]
  f0 <- normalised(co, spec, J)
  Jm <- matrix(0, length(f0), length(free))
  for (k in seq_along(free)) {
    h <- 1e-6 * max(1, abs(co[free[k]]))
    up <- co; dn <- co
    up[free[k]] <- up[free[k]] + h
    dn[free[k]] <- dn[free[k]] - h
    Jm[, k] <- (normalised(up, spec, J) - normalised(dn, spec, J)) / (2 * h)
  }
  list(est = f0, se = sqrt(pmax(diag(Jm %*% V %*% t(Jm)), 0)))
}

inp <- read.csv(input_csv)
inp$educ_x_hukou_change <- inp$educ * inp$hukou_change
fits <- list()
fitted_rows <- list()
for (set in unique(inp$set)) {
  d <- inp[inp$set == set, ]
  J <- max(c(d$father, d$son))
  for (m in names(MODELS)) {
    spec <- MODELS[[m]]
    r <- fit_records(d, spec, J, n_seeds)
    f <- r$fit
    co <- coef(f)
    co[is.na(co) & grepl("phi1$", names(co))] <- 1
    ds <- delta_se(f, spec, J)
    fv <- fitted(f)
    tot <- ave(r$long$count, r$long$id, FUN = sum)
    ll <- sum(ifelse(r$long$count > 0, r$long$count * log(fv / tot), 0))
    fits[[length(fits) + 1]] <- data.frame(
      set = set, model = m,
      term = c("deviance", "loglik", "df_rank", "converged", "iterations", names(ds$est), paste0("se:", names(ds$est))),
      value = c(f$deviance, ll, f$rank, as.numeric(f$converged), f$iter, unname(ds$est), ds$se))
    ft <- aggregate(list(fitted = fv), by = list(father = r$long$father, son = as.integer(r$long$son)), FUN = sum)
    fitted_rows[[length(fitted_rows) + 1]] <- data.frame(set = set, model = m, ft)
    cat(set, m, "deviance", format(f$deviance, digits = 12), "converged", f$converged, "\n")
  }
}
write.csv(do.call(rbind, fits), file.path(outdir, "gnm_records_fits.csv"), row.names = FALSE)
write.csv(do.call(rbind, fitted_rows), file.path(outdir, "gnm_records_fitted.csv"), row.names = FALSE)

# ---------------------------------------------- gnm's own stereotype example (help(backPain))
backPainLong <- expandCategorical(backPain, "pain")
noRelationship <- gnm(count ~ pain, eliminate = id, family = "poisson", data = backPainLong, verbose = FALSE)
set.seed(1)
oneDimensional <- suppressWarnings(update(noRelationship, ~ . + Mult(pain, offset(x1) + x2 + x3),
                                          verbose = FALSE, tolerance = 1e-10, iterMax = 1000))
ctr <- getContrasts(oneDimensional, pickCoef(oneDimensional, "[.]pain"))$qvframe
size <- tapply(backPainLong$count, backPainLong$id, sum)[backPainLong$id]
ll <- sum(oneDimensional$y * log(oneDimensional$fitted / size))
ll0 <- sum(noRelationship$y * log(noRelationship$fitted / size))
co <- coef(oneDimensional)
slopes <- co[c(grep("\\)\\.x2$", names(co)), grep("\\)\\.x3$", names(co)))]
levs <- levels(backPain$pain)
bp <- data.frame(
  term = c("deviance", "loglik", "loglik_null", "n_parameters",
           paste0("contrast:", levs), paste0("se_contrast:", levs), "slope:x2", "slope:x3"),
  value = c(oneDimensional$deviance, ll, ll0, oneDimensional$rank - nlevels(oneDimensional$eliminate),
            ctr[, "estimate"], ctr[, "SE"], unname(slopes)))
write.csv(bp, file.path(outdir, "gnm_backpain.csv"), row.names = FALSE)
write.csv(data.frame(x1 = backPain$x1, x2 = backPain$x2, x3 = backPain$x3, pain = as.integer(backPain$pain)),
          file.path(outdir, "gnm_backpain_data.csv"), row.names = FALSE)
writeLines(c(R.version.string, paste("gnm", as.character(packageVersion("gnm")))),
           file.path(outdir, "gnm_records_R_version.txt"))
