# Table 2, Model 1 for urban residents, on the SYNTHETIC replica, with
# survey: strata, PSUs (villages, neighbourhoods) and weights; urban men
# as a domain (subset). From the project's root:
#   Rscript notebooks/listings/03_table2_model1.R
if (!requireNamespace("survey", quietly = TRUE)) {
  message("This R tab needs the R package survey: ",
          "apt-get install r-cran-survey (or install.packages(\"survey\"))")
  quit(status = 1)
}
suppressPackageStartupMessages(library(survey))
men <- read.csv("data/replica/men.csv")
design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
                    nest = TRUE, data = men)
fit <- svyglm(current_isei ~ father_educ + father_isei + educ + first_isei,
              design = subset(design, residence_rural == 0))
est <- coef(fit)
se <- sqrt(diag(vcov(fit)))
terms <- c("father_educ", "father_isei", "educ", "first_isei", "(Intercept)")
for (term in terms) {
  name <- if (term == "(Intercept)") "constant" else term
  cat(name, sprintf("%.4f", est[[term]]), sprintf("%.4f", se[[term]]), "\n")
}
