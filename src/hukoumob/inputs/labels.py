"""Reader-facing labels of the results contract's key values (terms, classes, variables, panels).

One mapping for every table the book displays: the code and ``results/`` keep the
contract's names (``father_V_VI``, ``educ_junior_hs``), displayed tables show
:func:`readable` of them. Table 1-2 variables come from
:data:`hukoumob.tables.table1_2.men.LABELS`'s wording, classes from
:data:`hukoumob.inputs.classes.SHORT`.
"""

from __future__ import annotations

import pandas as pd

from hukoumob.inputs.classes import SHORT

#: Education levels of Table 6 (time-varying, reference primary).
LEVEL_LABELS: dict[str, str] = {
    "primary": "Primary", "junior_hs": "Junior high", "senior_hs": "Senior high",
    "vocational": "Vocational", "college": "College+",
}

#: Labels of the printed rows of Tables 1 and 2 (also :data:`hukoumob.tables.table1_2.LABELS`).
TABLE1_2_LABELS: dict[str, str] = {
    "current_isei": "Current occupation ISEI",
    "first_isei": "First occupation ISEI",
    "educ": "Years of schooling",
    "father_isei": "Father's occupation ISEI",
    "father_educ": "Father's years of schooling",
    "birth_year": "Birth year (two digits)",
    "hukou14_rural": "Hukou at 14: rural",
    "residence_rural": "Current residence: rural",
    "party_member": "Communist Party member",
    "father_party_member14": "Father party member when R was 14",
    "urban_hukou14": "Urban hukou at 14",
    "constant": "Constant",
    "r2": "R-squared",
}
#: Key values that are not class codes, by what they are in the paper's tables.
LABELS: dict[str, str] = {
    **TABLE1_2_LABELS,
    # Table 5
    "immobility": "Immobility (delta)",
    "overall_association": "Association (mu)",
    "association_x_hukou_change": "Association x hukou change",
    "association_x_educ": "Association x schooling",
    "hukou_change": "Hukou change",
    "educ_x_hukou_change": "Schooling x hukou change",
    "loglik": "Log-likelihood",
    "lr_chi2": "LR chi-squared",
    "df": "Degrees of freedom",
    # Table 6
    "father_III": "Father: routine non-manual (III)",
    "father_IVab": "Father: small owner (IVab)",
    "father_V_VI": "Father: foreman, skilled (V+VI)",
    "father_VIIa": "Father: semi-, unskilled (VIIa)",
    "father_party_member": "Father party member",
    "educ_junior_hs": "Junior high",
    "educ_senior_hs": "Senior high",
    "educ_vocational": "Vocational",
    "educ_college": "College+",
    "junior_hs_x_hukou_change": "Junior high x hukou change",
    "senior_hs_x_hukou_change": "Senior high x hukou change",
    "vocational_x_hukou_change": "Vocational x hukou change",
    "college_x_hukou_change": "College+ x hukou change",
    "labor_market_experience": "Labour-market experience",
    # panels of Tables 4 and 5
    "A_urban_origin": "A: urban origin",
    "B_rural_origin": "B: rural origin",
    "C_rural_origin_rural_now": "C: rural origin, rural now",
    "A_scaling": "A: class scores",
    "B_immobility": "B: immobility",
    "C_association": "C: association",
    "D_covariates": "D: covariates",
    "fit": "fit",
    **{f"model{i}": f"Model {i}" for i in range(1, 5)},
    **{f"model3{c}": f"Model 3{c}" for c in "abc"},
    "us1962": "U.S. 1962",
}

#: What each source of a reproduced number is, in words (the ``source`` column of ``results/``).
SOURCE_LABELS: dict[str, str] = {
    "published_tables": "re-estimated from the published tables",
    "replica": "estimated on the synthetic replica",
    "lhsccc": "estimated on the real survey file",
}

#: The paper's tables, in order, with the names the book gives them.
TABLE_TITLES: dict[str, str] = {
    "table1": "Table 1: descriptive statistics",
    "table2": "Table 2: status attainment",
    "table3": "Table 3: outflow, all men",
    "table4": "Table 4: outflow by hukou origin",
    "table5": "Table 5: mobility models",
    "table6": "Table 6: hazard of entering agriculture",
    "text": "Numbers in the text and notes",
}

#: Key columns whose values :func:`readable_frame` relabels.
LABELLED_COLUMNS = ("term", "variable", "father_class", "son_class", "panel", "model", "sample")


def readable(name) -> str:
    """The reader's label of one key value (a class code, term, variable, panel or model); unknown
    values (and blanks) come back as they are, missing values as ``""``."""
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    name = str(name)
    return SHORT.get(name) or LABELS.get(name) or LEVEL_LABELS.get(name) or name


def readable_key(key) -> str:
    """A report key (``model=model2;term=educ_junior_hs;statistic=se``) in words
    (``Model 2, Junior high, se``); anything else comes back as it is."""
    if not isinstance(key, str) or "=" not in key:
        return readable(key) if isinstance(key, str) else ("" if key is None or pd.isna(key) else str(key))
    return ", ".join(readable(part.split("=", 1)[1]) for part in key.split(";") if "=" in part)


def readable_frame(frame: pd.DataFrame, columns=LABELLED_COLUMNS) -> pd.DataFrame:
    """A copy of ``frame`` with the values of its key ``columns`` (those present) relabelled by
    :func:`readable`, and its index too when the index holds key values."""
    out = frame.copy()
    for c in columns:
        if c in out.columns:
            out[c] = out[c].map(readable)
    if out.index.dtype == object and any(str(v) in LABELS or str(v) in SHORT for v in out.index):
        out.index = [readable(v) for v in out.index]
    return out
