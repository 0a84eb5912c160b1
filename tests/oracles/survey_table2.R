# Table 2's four models (and the hukou split's urban column) on simulate_attainment(), R survey
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$urban_hukou14 <- 1 - d$hukou14_rural
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
out <- list()
fit <- function(name, design, f) {
  m <- svyglm(f, design)
  cf <- coef(m); se <- SE(m); df <- degf(design)
  p <- 2 * pt(-abs(cf / se), df)
  out[[length(out) + 1]] <<- data.frame(column = name, term = names(cf), est = sprintf("%.17g", cf),
                                         se = sprintf("%.17g", se), p = sprintf("%.17g", p))
}
f1 <- current_isei ~ father_educ + father_isei + educ + first_isei
fit("model1_urban", subset(des, residence_rural == 0), f1)
fit("model1_rural", subset(des, residence_rural == 1), f1)
fit("model1_total", des, f1)
fit("model2_total", des, update(f1, . ~ . + urban_hukou14))
d$reg_rural <- as.integer(d$hukou14_rural == 1 & d$hukou_change == 0)
desh <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
fit("hukou_urban", subset(desh, reg_rural == 0), f1)
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
