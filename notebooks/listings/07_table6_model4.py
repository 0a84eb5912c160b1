# Table 6, Model 4, on the SYNTHETIC replica: the person-year file (one row
# per man and year at risk), a weighted logit with design-based (linearised)
# SEs, Table 6's population a domain of the whole sample's design.
# The R tab fits the same model with survey. From the project's root:
#   .venv/bin/python notebooks/listings/07_table6_model4.py
from hukoumob.inputs.records import load_records
from hukoumob.tables.table6 import build_person_years, fit_models

py = build_person_years(load_records("replica").men)  # checked histories
print("person_years", len(py.data))
fit = fit_models(py, models=("model4",))["model4"]
for term in fit.estimates.index:
    print(f"{term} {fit.estimates[term]:.4f} {fit.se[term]:.4f}")
