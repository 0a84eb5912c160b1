# Table 5, Model 1, re-estimated from the published Table 3 with gnm,
# in its Poisson log-linear form:
#   log m = father + son + delta [diagonal] + mu phi_father phi_son.
# From the project's root: Rscript notebooks/listings/05_model1.R
if (!requireNamespace("gnm", quietly = TRUE)) {
  message("This R tab needs the R package gnm: ",
          "apt-get install r-cran-gnm (or install.packages(\"gnm\"))")
  quit(status = 1)
}
suppressPackageStartupMessages(library(gnm))
classes <- c("I_II", "III", "IVab", "V_VI", "VIIa", "farm")
t3 <- read.csv("data/published/table3.csv")
cells <- subset(t3, kind == "pct" & son_class %in% classes &
                    father_class %in% classes)
n <- subset(t3, kind == "weighted_n" & son_class == "N")
# weighted counts from the printed percentages and weighted Ns
n_father <- n$value[match(cells$father_class, n$father_class)]
cells$count <- cells$value / 100 * n_father
cells$father <- factor(cells$father_class, levels = classes)
cells$son <- factor(cells$son_class, levels = classes)
best <- NULL
# gnm starts MultHomog at random values: keep the best of a few starts
for (seed in 1:5) {
  set.seed(seed)
  fit <- gnm(count ~ father + son + Diag(father, son, binary = TRUE) +
               MultHomog(father, son), family = poisson, data = cells,
             verbose = FALSE, trace = FALSE, tolerance = 1e-10)
  if (is.null(best) || fit$deviance < best$deviance) best <- fit
}
u <- coef(best)[grep("^MultHomog", names(coef(best)))]
centred <- u - mean(u)  # centring moves only the father and son effects
phi <- centred / sqrt(sum(centred^2))
if (phi[length(phi)] > 0) phi <- -phi  # farm negative, as in the paper
delta <- coef(best)[grep("^Diag", names(coef(best)))]
cat("delta", round(delta, 4), "\n")
cat("mu", round(sum(centred^2), 4), "\n")
for (j in seq_along(classes)) {
  cat(paste0("phi_", classes[j]), round(phi[[j]], 4), "\n")
}
