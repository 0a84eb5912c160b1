"""Real-file mode: a fake file in the real layout (built from the replica) loads; bad inputs stop with clear messages."""

import pandas as pd
import pytest
import yaml
from _fake_survey import fake_file

from hukoumob.inputs import paths
from hukoumob.inputs.records import RecordsError, load_records


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


def test_mapping_named_by_the_environment_and_a_stata_file(tmp_path, monkeypatch):
    file, mfile, _, _ = fake_file(tmp_path, name="fake.dta")
    monkeypatch.setenv("HUKOUMOB_LHSCCC_MAPPING", str(mfile))
    rec = load_records(str(file))
    assert rec.source == "lhsccc" and len(rec.men) == len(pd.read_csv(paths.REPLICA / "men.csv"))


def test_sent_down_histories_load_and_are_checked(tmp_path):
    file, mfile, raw, mapping = fake_file(tmp_path)
    rec = load_records(str(file), mapping=mfile)
    men = pd.read_csv(paths.REPLICA / "men.csv")
    assert (rec.men["sent_down"].to_numpy() == men["sent_down"].to_numpy()).all()
    not_sent = raw.index[(raw["sdown"] == 0) & (raw["sex"] == 1)][:4]
    raw.loc[not_sent, "yrsdown"] = 1970
    sent = raw.index[(raw["sdown"] == 1) & raw["yrback"].notna()][:2]
    raw.loc[sent, "yrback"] = raw.loc[sent, "yrsdown"]
    _fails(tmp_path, raw, mapping, "sent_down_year: 4 of", "sent_down is not 1",
           "sent_down_return_year: 2 of", "in or before the year sent down")
