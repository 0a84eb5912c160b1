# Four models of the family on Table 4's Panel B (rural origin), each with
# a uniform diagonal, re-estimated from the published table. The R tab fits
# the same models with gnm. From the project's root:
#   .venv/bin/python notebooks/listings/06_model_family.py
from hukoumob.mobility import fit_model
from hukoumob.tables.model_fit import panel_table

table = panel_table("B_rural_origin")  # weighted counts: pct / 100 x N
models = ["none/uniform", "uniform/uniform", "rc/uniform", "rc_homog/uniform"]
for model in models:
    fit = fit_model(table, *model.split("/"))  # global search over starts
    print(model, round(fit.deviance, 4), fit.df_resid)  # G2 and its df
paper = fit  # rc_homog/uniform, the paper's model (Model 3a)
print("mu", round(paper.mu, 4))  # association
print("delta", round(paper.delta, 4))  # immobility
# scores: sum 0, sum of squares 1, farm negative
for cls, score in paper.scores["origin"].items():
    print(f"phi_{cls}", round(score, 4))
