# Table 6's four logits on the replica's person-years (population a domain), R survey
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
sub <- subset(des, dom == 1)
out <- list()
for (spec in strsplit(args[3], ";")[[1]]) {
  parts <- strsplit(spec, ":")[[1]]
  terms <- strsplit(parts[2], ",")[[1]]
  f <- svyglm(as.formula(paste("event ~", paste(terms, collapse = "+"))), sub, family = quasibinomial(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
  cf <- summary(f)$coefficients
  out[[parts[1]]] <- data.frame(model = parts[1], term = rownames(cf), est = sprintf("%.17g", cf[, 1]),
                                se = sprintf("%.17g", cf[, 2]))
}
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
