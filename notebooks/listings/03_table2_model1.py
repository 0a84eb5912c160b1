# Table 2, Model 1 for urban residents, on the SYNTHETIC replica:
# weighted OLS of the current job's ISEI, design-based (linearised)
# standard errors, urban men as a domain of the whole design.
# The R tab fits the same model with survey. From the project's root:
#   .venv/bin/python notebooks/listings/03_table2_model1.py
from hukoumob.inputs.records import load_records
from hukoumob.tables.table1_2 import table2_rows

rows = table2_rows(load_records("replica").men)
urban = rows[(rows["model"] == "model1") & (rows["sample"] == "urban")]
coef = urban.pivot(index="term", columns="statistic", values="value")
for term in ["father_educ", "father_isei", "educ", "first_isei", "constant"]:
    print(f"{term} {coef.loc[term, 'b']:.4f} {coef.loc[term, 'se']:.4f}")
