"""Real-file mode: a fake file in the real layout (built from the replica) loads; bad inputs stop with clear messages."""

import numpy as np
import pandas as pd
import pytest
import yaml

from hukoumob import paths
from hukoumob.records import RecordsError, load_records

EGP10 = {"I_II": "I", "III": "III", "IVab": "IVa", "V_VI": "VI", "VIIa": "VIIa", "farm": "IVc"}
COLS = {  # ours -> the fake file's names
    "stratum": "strat", "psu": "cluster", "adults": "nadult", "birth_year": "byear",
    "residence14_rural": "res14", "hukou14_rural": "hk14", "father_isei": "fisei", "father_educ": "fedu",
    "father_party_member14": "fparty", "educ": "eduyrs", "first_isei": "isei1", "current_isei": "isei96",
    "party_member": "ccp", "labor_force_entry_year": "yrwork", "farm_entry_year": "yrfarm",
    "year_junior_hs": "yrjh", "year_senior_hs": "yrsh", "year_vocational": "yrvoc", "year_college": "yrcol",
    "party_join_year": "yrccp",
}


def fake_file(tmp_path, n_women=300):
    men = pd.read_csv(paths.REPLICA / "men.csv")
    raw = men.rename(columns=COLS)[list(COLS.values())].copy()
    raw["sex"] = 1
    raw["age"] = 1996 - men["birth_year"]
    raw["smp"] = np.where(men["residence_rural"] == 1, 2, 1)
    raw["hk14"] = np.where(men["birth_year"] <= 1941, np.nan, men["hukou14_rural"])  # no hukou at 14: to impute
    raw["hknow"] = np.where((men["hukou14_rural"] == 1) & (men["hukou_change"] == 0), 1, 0)
    raw["egpf"] = men["father_class"].map(EGP10)
    raw["egp96"] = men["son_class"].map(EGP10)
    women = raw.sample(n_women, random_state=1).assign(sex=2)
    raw = pd.concat([raw, women], ignore_index=True)
    file = tmp_path / "fake.csv"
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
    mfile = tmp_path / "map.yml"
    mfile.write_text(yaml.safe_dump(mapping))
    return file, mfile, raw, mapping


def test_fake_real_file_loads_and_matches_the_replica(tmp_path):
    before = sorted(p.name for p in paths.DATA.rglob("*"))
    file, mfile, _, _ = fake_file(tmp_path)
    rec = load_records(str(file), mapping=mfile)
    men = pd.read_csv(paths.REPLICA / "men.csv")
    assert rec.source == "lhsccc" and len(rec.men) == len(men)
    assert (rec.men["hukou14_rural"].to_numpy() == men["hukou14_rural"].to_numpy()).all()  # imputation for <= 1941
    assert (rec.men["hukou_change"].to_numpy() == men["hukou_change"].to_numpy()).all()
    assert (rec.men["son_class"].to_numpy() == men["son_class"].to_numpy()).all()
    assert sorted(p.name for p in paths.DATA.rglob("*")) == before  # nothing written under data/


def _fails(tmp_path, raw, mapping, *needles):
    file = tmp_path / "bad.csv"
    raw.to_csv(file, index=False)
    mfile = tmp_path / "bad.yml"
    mfile.write_text(yaml.safe_dump(mapping))
    with pytest.raises(RecordsError) as err:
        load_records(str(file), mapping=mfile)
    for needle in needles:
        assert needle in str(err.value), str(err.value)
    return str(err.value)


def test_wrong_path_and_unreadable_file(tmp_path):
    with pytest.raises(RecordsError, match="no such file"):
        load_records(str(tmp_path / "nowhere.dta"))
    bad = tmp_path / "broken.dta"
    bad.write_bytes(b"not a stata file")
    with pytest.raises(RecordsError, match="cannot be read"):
        load_records(str(bad))


def test_mapping_naming_a_missing_variable(tmp_path):
    _, _, raw, mapping = fake_file(tmp_path)
    mapping["variables"]["educ"] = {"source": "TO_FILL_years_schooling"}
    _fails(tmp_path, raw, mapping, "educ", "TO_FILL_years_schooling", "not in the file")


def test_codes_out_of_range_all_reported_with_counts(tmp_path):
    _, _, raw, mapping = fake_file(tmp_path)
    raw.loc[:4, "isei96"] = 150
    raw.loc[:2, "ccp"] = 7
    msg = _fails(tmp_path, raw, mapping, "current_isei: 5 of", "party_member: 3 of")
    assert "150" not in msg  # counts, never contents


def test_sample_not_men_20_69(tmp_path):
    _, _, raw, mapping = fake_file(tmp_path)
    raw.loc[:9, "byear"] = 1980  # 16 years old in 1996
    _fails(tmp_path, raw, mapping, "birth_year: 10 of", "20-69")


def test_shipped_mapping_has_placeholders_only(tmp_path):
    file, _, _, _ = fake_file(tmp_path)
    with pytest.raises(RecordsError, match="TO_FILL_"):
        load_records(str(file))
