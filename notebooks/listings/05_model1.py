# Table 5, Model 1, re-estimated from the published Table 3:
# homogeneous scores and a uniform diagonal (the quasi-RC II model).
# The R tab fits the same model with gnm. From the project's root:
#   .venv/bin/python notebooks/listings/05_model1.py
from hukoumob.tables.table5.from_published import fit_published

fit = fit_published("model1")
print("delta", round(fit.delta, 4))  # immobility
print("mu", round(fit.mu0, 4))  # association
# scores: sum 0, sum of squares 1, farm negative
for cls, score in fit.phi.items():
    print(f"phi_{cls}", round(score, 4))
