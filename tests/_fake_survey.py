"""A fake survey file in the real file's layout, made from the replica, with its filled-in mapping.

Used by ``tests/test_replica_records.py`` (loading and validation) and
``tests/test_real_file_mode.py`` (the whole book on it). The fake file has
its own variable names (``COLS``), EGP-10 class codes, urban/rural sample
codes, no hukou at 14 for men born in or before 1941 (to impute), hukou now
instead of hukou change, and some women (copies of men with ``sex = 2``),
so every step of :func:`hukoumob.inputs.records.apply_mapping` is exercised.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from hukoumob.inputs import paths

EGP10 = {"I_II": "I", "III": "III", "IVab": "IVa", "V_VI": "VI", "VIIa": "VIIa", "farm": "IVc"}
COLS = {  # ours -> the fake file's names
    "id": "respid", "stratum": "strat", "psu": "cluster", "adults": "nadult", "birth_year": "byear",
    "residence14_rural": "res14", "hukou14_rural": "hk14", "father_isei": "fisei", "father_educ": "fedu",
    "father_party_member14": "fparty", "educ": "eduyrs", "first_isei": "isei1", "current_isei": "isei96",
    "party_member": "ccp", "labor_force_entry_year": "yrwork", "farm_entry_year": "yrfarm",
    "year_junior_hs": "yrjh", "year_senior_hs": "yrsh", "year_vocational": "yrvoc", "year_college": "yrcol",
    "party_join_year": "yrccp", "sent_down": "sdown", "sent_down_year": "yrsdown", "sent_down_return_year": "yrback",
}


def fake_file(folder: Path, n_women: int = 300, name: str = "fake.csv", mapping_name: str = "map.yml",
              men: pd.DataFrame | None = None):
    """Write the fake file (``.csv`` or Stata ``.dta``, by ``name``'s suffix) and its mapping into ``folder``.

    ``men`` are the records to disguise (columns of ``data/replica/men.csv``;
    default the replica itself). Returns ``(file, mapping_file, raw, mapping)``:
    the paths, the raw frame as written and the mapping as a dict.
    """
    men = pd.read_csv(paths.REPLICA / "men.csv") if men is None else men
    raw = men.rename(columns=COLS)[list(COLS.values())].copy()
    raw["sex"] = 1
    raw["age"] = 1996 - men["birth_year"]
    raw["smp"] = np.where(men["residence_rural"] == 1, 2, 1)
    raw["hk14"] = np.where(men["birth_year"] <= 1941, np.nan, men["hukou14_rural"])  # no hukou at 14: to impute
    raw["hknow"] = np.where((men["hukou14_rural"] == 1) & (men["hukou_change"] == 0), 1, 0)
    # labels as plain strings (a Categorical would map to a Categorical, which to_stata writes as value labels)
    raw["egpf"] = men["father_class"].astype(object).map(EGP10)
    raw["egp96"] = men["son_class"].astype(object).map(EGP10)
    women = raw.sample(n_women, random_state=1).assign(sex=2)
    women["respid"] = raw["respid"].max() + 1 + np.arange(n_women)  # a person id of their own
    raw = pd.concat([raw, women], ignore_index=True)
    file = Path(folder) / name
    if file.suffix.lower() == ".dta":
        raw.to_stata(file, write_index=False)
    else:
        raw.to_csv(file, index=False)
    mapping = {"variables": {
        **{ours: {"source": theirs} for ours, theirs in COLS.items()},
        "sex": {"source": "sex", "male": 1}, "age": {"source": "age"},
        "sample": {"source": "smp", "recode": {1: "urban", 2: "rural"}},
        "weight": {"compute": "footnote5"},
        "hukou_now_rural": {"source": "hknow"},
        "father_class": {"source": "egpf", "transform": "egp10"},
        "son_class": {"source": "egp96", "transform": "egp10"},
    }}
    mfile = Path(folder) / mapping_name
    mfile.write_text(yaml.safe_dump(mapping))
    return file, mfile, raw, mapping
