# Regenerates the frozen R gnm oracle for hukoumob.mobility.fit_model
# (issue 15): every model of the family on every table below.
#
#   Rscript tests/oracles/gnm_family.R [outdir] [n_seeds] [table1,table2,...] [tables.csv]
#
# With a fourth argument the tables are read from that CSV (the format of
# gnm_family_tables.csv; benchmarks/bench_mobility_family.py uses this for the
# paper's panels) instead of R's data sets.
#
# Writes gnm_family_tables.csv (the input cells), gnm_family_fits.csv
# (deviance, df per table x model), gnm_family_params.csv (normalised
# parameters) and gnm_family_fitted.csv (fitted values) to outdir (default:
# this script's folder). Normalisation (as in hukoumob.mobility.family):
# scores centred to sum 0 and scaled to unit length, last category negative;
# the scale goes into mu. gnm's MultHomog can only express mu > 0, so
# rc_homog is also fitted with NegMultHomog (the sign-reversed term, a custom
# nonlin function) and the better fit kept; rc_homog_layer is the custom
# LayerHomog: mu_l phi_i phi_j with one free multiplier per layer (any sign).
# The limit at infinity of rc/full on yaish education 1 (no MLE; gnm's seeds
# stop short of it) is checked against gnm's fit of the limiting model by
# gnm_limits.R (gnm_family_limits*.csv).
suppressPackageStartupMessages(library(gnm))
args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
outdir <- if (length(args) >= 1) args[1] else here
n_seeds <- if (length(args) >= 2) as.integer(args[2]) else 10L
only <- if (length(args) >= 3 && nzchar(args[3])) strsplit(args[3], ",")[[1]] else NULL  # fit only these tables
input_csv <- if (length(args) >= 4) args[4] else NULL

source(file.path(here, "gnm_negmulthomog.R"))  # the sign-reversed MultHomog

LayerHomog <- function(layer, origin, destination, inst = NULL) {
  list(predictors = list(substitute(layer), substitute(origin), substitute(destination)),
       common = c(1, 2, 2),
       term = function(predLabels, ...) paste0("(", predLabels[1], ")*(", predLabels[2], ")*(", predLabels[3], ")"),
       call = as.expression(match.call()))
}
class(LayerHomog) <- "nonlin"

# ------------------------------------------------------------------ tables
long <- function(arr3, id, layer_name) {
  # arr3: layer x origin x destination array with dimnames
  d <- as.data.frame.table(arr3, responseName = "count", stringsAsFactors = FALSE)
  names(d)[1:3] <- c("layer", "origin", "destination")
  L <- dimnames(arr3)[[1]]; O <- dimnames(arr3)[[2]]; D <- dimnames(arr3)[[3]]
  d$layer_code <- match(d$layer, L); d$origin_code <- match(d$origin, O); d$destination_code <- match(d$destination, D)
  d$table <- id; d$layer_name <- layer_name
  d[order(d$layer_code, d$origin_code, d$destination_code), ]
}
two <- function(mat) { a <- array(mat, c(1, dim(mat)), list("all", rownames(mat), colnames(mat))); a }

tabs <- list()
if (!is.null(input_csv)) {
  inp <- read.csv(input_csv, stringsAsFactors = FALSE, colClasses = c(layer_name = "character"))
  inp$layer_name[is.na(inp$layer_name)] <- ""
  for (id in unique(inp$table)) tabs[[id]] <- inp[inp$table == id, ]
} else {
os <- unclass(occupationalStatus); dimnames(os) <- list(as.character(1:8), as.character(1:8))
tabs[["occupationalStatus"]] <- long(two(os), "occupationalStatus", "")
data(yaish)
y6 <- yaish[, -7, -7]
for (k in 1:5) tabs[[paste0("yaish_educ", k)]] <- long(two(y6[k, , ]), paste0("yaish_educ", k), "")
tabs[["yaish_collapsed"]] <- long(two(apply(y6, c(2, 3), sum)), "yaish_collapsed", "")
tabs[["yaish_layered"]] <- long(y6, "yaish_layered", "educ")
data(erikson)
er <- as.data.frame(erikson)
lvl <- levels(er$origin)
levels(er$origin) <- levels(er$destination) <-
  c(rep(paste(lvl[1:2], collapse = " + "), 2), lvl[3], rep(paste(lvl[4:5], collapse = " + "), 2), lvl[6:9])
er7 <- xtabs(Freq ~ origin + destination + country, data = er)
for (cty in dimnames(er7)$country) tabs[[paste0("erikson_", cty)]] <- long(two(unclass(er7)[, , cty]), paste0("erikson_", cty), "")
er3 <- aperm(unclass(er7), c(3, 1, 2))
tabs[["erikson_layered"]] <- long(er3, "erikson_layered", "country")
alltabs <- do.call(rbind, tabs)
write.csv(alltabs[, c("table", "layer_name", "layer", "origin", "destination", "layer_code", "origin_code",
                      "destination_code", "count")], file.path(outdir, "gnm_family_tables.csv"), row.names = FALSE)
}

# ------------------------------------------------------------------ fitting
best_of <- function(fits) {
  fits <- Filter(function(f) !is.null(f) && is.finite(f$deviance), fits)
  if (!length(fits)) return(NULL)
  fits[[which.min(sapply(fits, function(f) f$deviance))]]
}
try_fit <- function(formula, d, seed) {
  set.seed(seed)
  tryCatch(suppressWarnings(gnm(formula, family = poisson, data = d, verbose = FALSE, trace = FALSE,
                                tolerance = 1e-12, iterMax = 2000)), error = function(e) NULL)
}
norm_scores <- function(u) { c0 <- u - mean(u); s <- sqrt(sum(c0^2)); list(phi = c0 / s, len = s) }
coefs_like <- function(f, pattern) { co <- coef(f); co[grepl(pattern, names(co), fixed = TRUE)] }

params <- list(); fits <- list(); fitted <- list()
record <- function(id, model, f, d, p, seconds, nfits) {
  fits[[length(fits) + 1]] <<- data.frame(table = id, model = model, deviance = f$deviance,
                                         df = f$df.residual, converged = isTRUE(f$converged),
                                         seconds = seconds, n_fits = nfits)
  if (length(p)) params[[length(params) + 1]] <<- data.frame(table = id, model = model, term = names(p),
                                                             value = unname(p))
  fitted[[length(fitted) + 1]] <<- data.frame(table = id, model = model, layer = d$layer, origin = d$origin,
                                             destination = d$destination, fitted = unname(fitted(f)))
}
sign_last <- function(phi) if (phi[length(phi)] > 0) -1 else 1

for (id in names(tabs)) {
  if (!is.null(only) && !(id %in% only)) next
  d <- tabs[[id]]
  layered <- d$layer_name[1] != ""
  O <- unique(d$origin[order(d$origin_code)])
  d$origin <- factor(d$origin, levels = O)
  d$destination <- factor(d$destination, levels = unique(d$destination[order(d$destination_code)]))
  d$layerf <- factor(d$layer, levels = unique(d$layer[order(d$layer_code)]))
  d$uv <- as.numeric(d$origin_code * d$destination_code)
  d$diag1 <- as.numeric(d$origin_code == d$destination_code)
  if (!layered) {
    for (assoc in c("none", "uniform", "rc", "rc_homog")) for (diag in c("none", "uniform", "full")) {
      rhs <- "count ~ origin + destination"
      if (diag == "uniform") rhs <- paste(rhs, "+ Diag(origin, destination, binary = TRUE)")
      if (diag == "full") rhs <- paste(rhs, "+ Diag(origin, destination)")
      t0 <- proc.time()[["elapsed"]]
      if (assoc %in% c("none", "uniform")) {
        if (assoc == "uniform") rhs <- paste(rhs, "+ uv")
        f <- try_fit(as.formula(rhs), d, 1); nf <- 1
      } else if (assoc == "rc") {
        f <- best_of(lapply(seq_len(n_seeds), function(s) try_fit(as.formula(paste(rhs, "+ Mult(origin, destination)")), d, s)))
        nf <- n_seeds
      } else {
        pos <- lapply(seq_len(n_seeds), function(s) try_fit(as.formula(paste(rhs, "+ MultHomog(origin, destination)")), d, s))
        neg <- lapply(seq_len(n_seeds), function(s) try_fit(as.formula(paste(rhs, "+ NegMultHomog(origin, destination)")), d, s))
        f <- best_of(c(pos, neg)); nf <- 2 * n_seeds
      }
      secs <- proc.time()[["elapsed"]] - t0
      model <- paste(assoc, diag, sep = "/")
      p <- c()
      if (diag == "uniform") p["delta"] <- coefs_like(f, "Diag(")
      if (diag == "full") { dl <- coefs_like(f, "Diag("); names(dl) <- paste0("delta:", O); p <- c(p, dl) }
      if (assoc == "uniform") p["mu"] <- coef(f)[["uv"]]
      if (assoc == "rc") {
        a <- coefs_like(f, ").origin"); b <- coefs_like(f, ").destination")
        na <- norm_scores(a); nb <- norm_scores(b)
        sa <- sign_last(na$phi); mu <- na$len * nb$len
        p["mu"] <- mu
        p[paste0("phi:", O)] <- sa * na$phi
        p[paste0("psi:", levels(d$destination))] <- sa * nb$phi
      }
      if (assoc == "rc_homog") {
        u <- coefs_like(f, "MultHomog(")
        neg <- any(grepl("NegMultHomog", names(coef(f)), fixed = TRUE))
        nu <- norm_scores(u)
        p["mu"] <- (if (neg) -1 else 1) * nu$len^2
        p[paste0("phi:", O)] <- sign_last(nu$phi) * nu$phi
      }
      record(id, model, f, d, p, secs, nf)
    }
  } else {
    base <- "count ~ layerf*origin + layerf*destination"
    for (assoc in c("conditional_independence", "constant", "unidiff", "rc_homog_layer")) {
      t0 <- proc.time()[["elapsed"]]
      p <- c()
      Ls <- levels(d$layerf)
      if (assoc == "conditional_independence") { f <- try_fit(as.formula(base), d, 1); nf <- 1 }
      if (assoc == "constant") { f <- try_fit(as.formula(paste(base, "+ origin:destination")), d, 1); nf <- 1 }
      if (assoc == "unidiff") {
        f <- best_of(lapply(seq_len(n_seeds), function(s) try_fit(as.formula(paste(base, "+ Mult(Exp(layerf), origin:destination)")), d, s)))
        nf <- n_seeds
        be <- coefs_like(f, "Mult(Exp(.), origin:destination).layerf")
        p[paste0("layer_effect:", Ls)] <- be - be[1]
      }
      if (assoc == "rc_homog_layer") {
        f <- best_of(lapply(seq_len(n_seeds), function(s) try_fit(count ~ layerf*origin + layerf*destination + layerf:diag1 +
                                                                LayerHomog(layerf, origin, destination), d, s)))
        nf <- n_seeds
        co <- coef(f)
        lh <- grepl("LayerHomog", names(co), fixed = TRUE)
        m <- co[lh & grepl(")layerf", names(co), fixed = TRUE)]
        u <- co[lh & !grepl(")layerf", names(co), fixed = TRUE)]
        nu <- norm_scores(u)
        p[paste0("mu:", Ls)] <- m * nu$len^2
        p[paste0("phi:", O)] <- sign_last(nu$phi) * nu$phi
        dl <- co[grepl(":diag1", names(co), fixed = TRUE)]
        p[paste0("delta:", Ls)] <- dl
      }
      secs <- proc.time()[["elapsed"]] - t0
      record(id, assoc, f, d, p, secs, nf)
    }
  }
  cat(id, "done\n")
}
write.csv(do.call(rbind, fits), file.path(outdir, "gnm_family_fits.csv"), row.names = FALSE)
write.csv(do.call(rbind, params), file.path(outdir, "gnm_family_params.csv"), row.names = FALSE)
fv <- do.call(rbind, fitted); fv$fitted <- signif(fv$fitted, 15)
write.csv(fv, file.path(outdir, "gnm_family_fitted.csv"), row.names = FALSE)
cat(capture.output(sessionInfo())[1:3], sep = "\n", file = file.path(outdir, "gnm_family_R_version.txt"))
cat("gnm", as.character(packageVersion("gnm")), "\n", file = file.path(outdir, "gnm_family_R_version.txt"), append = TRUE)
