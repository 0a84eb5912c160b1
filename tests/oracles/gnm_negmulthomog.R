# NegMultHomog: gnm's MultHomog with the sign reversed, -(phi_i)(phi_j), a
# custom nonlin term, so that a homogeneous association mu < 0 can be fitted
# (MultHomog can only express mu > 0). Sourced by gnm_family.R and
# gnm_family_common.R.
NegMultHomog <- function(..., inst = NULL) {
  dots <- match.call(expand.dots = FALSE)[["..."]]
  list(predictors = dots, common = rep(1, length(dots)),
       term = function(predLabels, ...) paste0("-(", paste(predLabels, collapse = ")*("), ")"),
       call = as.expression(match.call()))
}
class(NegMultHomog) <- "nonlin"
