# Four models of the family on Table 4's Panel B (rural origin), each with
# a uniform diagonal, re-estimated from the published table with gnm:
#   log m = father + son + delta [diagonal] + [association]
# association: none, uniform (mu i j), RC(1) (Mult: separate scores) or
# homogeneous RC (MultHomog: the same scores, the paper's Model 3a).
# From the project's root: Rscript notebooks/listings/06_model_family.R
if (!requireNamespace("gnm", quietly = TRUE)) {
  message("This R tab needs the R package gnm: ",
          "apt-get install r-cran-gnm (or install.packages(\"gnm\"))")
  quit(status = 1)
}
suppressPackageStartupMessages(library(gnm))
classes <- c("I_II", "III", "IVab", "V_VI", "VIIa", "farm")
t4 <- subset(read.csv("data/published/table4.csv"), panel == "B_rural_origin")
cells <- subset(t4, kind == "pct" & son_class %in% classes &
                    father_class %in% classes)
n <- subset(t4, kind == "weighted_n" & son_class == "N")
# weighted counts from the printed percentages and weighted Ns
n_father <- n$value[match(cells$father_class, n$father_class)]
cells$count <- cells$value / 100 * n_father
cells$father <- factor(cells$father_class, levels = classes)
cells$son <- factor(cells$son_class, levels = classes)
cells$uv <- as.numeric(cells$father) * as.numeric(cells$son)  # i x j
base <- "count ~ father + son + Diag(father, son, binary = TRUE)"
models <- c("none/uniform" = "", "uniform/uniform" = "+ uv",
            "rc/uniform" = "+ Mult(father, son)",
            "rc_homog/uniform" = "+ MultHomog(father, son)")
for (m in names(models)) {
  best <- NULL
  # gnm starts multiplicative terms at random values: keep the best of a few
  for (seed in 1:5) {
    set.seed(seed)
    # the weighted counts are not integers: Poisson's warnings are expected
    fit <- suppressWarnings(gnm(as.formula(paste(base, models[[m]])),
                                family = poisson, data = cells,
                                verbose = FALSE, trace = FALSE,
                                tolerance = 1e-10))
    if (is.null(best) || fit$deviance < best$deviance) best <- fit
  }
  cat(m, round(best$deviance, 4), best$df.residual, "\n")  # G2 and its df
}
paper <- best  # rc_homog/uniform, the paper's model: scores normalised
u <- coef(paper)[grep("^MultHomog", names(coef(paper)))]
centred <- u - mean(u)  # centring moves only the father and son effects
phi <- centred / sqrt(sum(centred^2))
if (phi[length(phi)] > 0) phi <- -phi  # farm negative, as in the paper
cat("mu", round(sum(centred^2), 4), "\n")
cat("delta", round(coef(paper)[grep("^Diag", names(coef(paper)))], 4), "\n")
for (j in seq_along(classes)) {
  cat(paste0("phi_", classes[j]), round(phi[[j]], 4), "\n")
}
