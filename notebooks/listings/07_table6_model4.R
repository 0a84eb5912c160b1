# Table 6, Model 4, on the SYNTHETIC replica, with survey: the person-year
# file built from the men's histories (one row per man and year at risk),
# a weighted logit (quasibinomial: the same estimates, no warning about
# non-integer weights) with design-based SEs over the whole sample's strata
# and PSUs, Table 6's population as a domain. From the project's root:
#   Rscript notebooks/listings/07_table6_model4.R
if (!requireNamespace("survey", quietly = TRUE)) {
  message("This R tab needs the R package survey: ",
          "apt-get install r-cran-survey (or install.packages(\"survey\"))")
  quit(status = 1)
}
suppressPackageStartupMessages(library(survey))
men <- read.csv("data/replica/men.csv")
pop <- subset(men, hukou14_rural == 1 & father_class != "farm")
# years at risk: from entry into the labour force to the first move into
# agriculture (the event) or 1996 (censored). The replica's histories are
# complete (the Python side's checks remove no one) and it has no exit year.
entry <- pop$labor_force_entry_year
last <- pmin(ifelse(is.na(pop$farm_entry_year), 1996, pop$farm_entry_year),
             1996)
spells <- pmax(last, entry) - entry + 1
py <- pop[rep(seq_len(nrow(pop)), spells), ]
py$year <- py$labor_force_entry_year + sequence(spells) - 1
py$event <- as.integer(!is.na(py$farm_entry_year) &
                         py$year == py$farm_entry_year)  # the first move
for (c in c("III", "IVab", "V_VI", "VIIa")) {
  py[[paste0("father_", c)]] <- as.integer(py$father_class == c)
}
py$father_party_member <- py$father_party_member14
# a level counts from the calendar year in which it is reached
reached <- function(y) !is.na(y) & y <= py$year
college <- reached(py$year_college)
voc <- reached(py$year_vocational) & !college
senior <- reached(py$year_senior_hs) & !college
py$educ_college <- as.integer(college)
py$educ_vocational <- as.integer(voc)
py$educ_senior_hs <- as.integer(senior)
py$educ_junior_hs <- as.integer(reached(py$year_junior_hs) & !college &
                                  !voc & !senior)
# party membership counts from the year after joining
py$party_member <- as.integer(!is.na(py$party_join_year) &
                                py$party_join_year < py$year)
py$junior_hs_x_hukou_change <- py$educ_junior_hs * py$hukou_change
py$senior_hs_x_hukou_change <- py$educ_senior_hs * py$hukou_change
py$vocational_x_hukou_change <- py$educ_vocational * py$hukou_change
py$labor_market_experience <- py$year - py$labor_force_entry_year
cat("person_years", nrow(py), "\n")
# the other men keep their PSUs in the design: one row each, outside the
# domain (as subset() and Stata's subpop() expect)
others <- men[!(men$id %in% pop$id), ]
others[setdiff(names(py), names(men))] <- 0
py$in_population <- TRUE
others$in_population <- FALSE
frame <- rbind(py, others[names(py)])
design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
                    nest = TRUE, data = frame)
terms <- c("father_III", "father_IVab", "father_V_VI", "father_VIIa",
           "father_educ", "father_party_member", "educ_junior_hs",
           "educ_senior_hs", "educ_vocational", "educ_college",
           "party_member", "hukou_change", "junior_hs_x_hukou_change",
           "senior_hs_x_hukou_change", "vocational_x_hukou_change",
           "labor_market_experience")
fit <- svyglm(reformulate(terms, "event"), family = quasibinomial(),
              design = subset(design, in_population))
est <- coef(fit)
se <- sqrt(diag(vcov(fit)))
for (term in c(terms, "(Intercept)")) {
  name <- if (term == "(Intercept)") "constant" else term
  cat(name, sprintf("%.4f", est[[term]]), sprintf("%.4f", se[[term]]), "\n")
}
