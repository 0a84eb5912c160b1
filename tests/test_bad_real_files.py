"""Every bad real file of issue 16 stops the loader with a message naming the variable, the rule and a count.

Each case starts from the fake file of ``tests/_fake_survey.py`` (the real
layout, built from the replica), spoils one thing and checks the message.
Messages must never carry the file's values; nothing is written anywhere.
"""

import numpy as np
import pandas as pd
import pytest
import yaml
from _fake_survey import fake_file

from hukoumob.inputs.records import RecordsError, load_records


@pytest.fixture
def good(tmp_path):
    _, _, raw, mapping = fake_file(tmp_path)
    return raw, mapping


def _write(tmp_path, raw, mapping, name="bad.csv", **csv):
    file = tmp_path / name
    raw.to_csv(file, index=False, **csv)
    mfile = tmp_path / "bad.yml"
    mfile.write_text(yaml.safe_dump(mapping))
    return file, mfile


def _fails(tmp_path, raw, mapping, *needles, name="bad.csv", **csv) -> str:
    file, mfile = _write(tmp_path, raw, mapping, name, **csv)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(RecordsError) as err:
        load_records(str(file), mapping=mfile)
    msg = str(err.value)
    for needle in needles:
        assert needle in msg, msg
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written
    return msg


def test_the_good_fake_file_loads(tmp_path, good):
    file, mfile = _write(tmp_path, *good)
    assert len(load_records(str(file), mapping=mfile).men) == (good[0]["sex"] == 1).sum()


def test_sex_is_required_in_the_mapping(tmp_path, good):
    raw, mapping = good
    del mapping["variables"]["sex"]
    _fails(tmp_path, raw, mapping, "sex: required in the mapping", "women")
    mapping["variables"]["sex"] = {"source": "sex"}  # no code of men
    _fails(tmp_path, raw, mapping, "sex: required", "male")


def test_missing_sex_codes_are_counted(tmp_path, good):
    raw, mapping = good
    raw.loc[:6, "sex"] = np.nan
    _fails(tmp_path, raw, mapping, "sex: 7 of")


def test_unknown_hukou_now_code(tmp_path, good):
    raw, mapping = good
    mapping["variables"]["hukou_now_rural"] = {"source": "hknow", "recode": {1: 1, 0: 0}}
    raw.loc[:2, "hknow"] = 7
    msg = _fails(tmp_path, raw, mapping, "hukou_now_rural: 3 of", "recode", "'hknow'")
    assert " 7" not in msg.replace("recode ([0, 1])", "")


def test_hukou_now_coded_1_2_without_recode(tmp_path, good):
    raw, mapping = good
    raw["hknow"] = np.where(raw["hknow"] == 1, 1, 2)  # 1 rural, 2 urban, as a codebook might have it
    msg = _fails(tmp_path, raw, mapping, "hukou_now_rural:", "not 0/1", "recode")
    assert "hukou_change: none of" in msg  # and so nobody changed hukou: said, not a later convergence error


def test_no_hukou_changers_is_an_error(tmp_path, good):
    raw, mapping = good
    raw["hknow"] = np.where(raw["hk14"].isna(), raw["res14"], raw["hk14"])  # rural now whoever was rural at 14
    _fails(tmp_path, raw, mapping, "hukou_change: none of the", "changed hukou")


def test_unknown_residence14_and_sample_codes(tmp_path, good):
    raw, mapping = good
    mapping["variables"]["residence14_rural"] = {"source": "res14", "recode": {1: 1, 0: 0}}
    raw.loc[:3, "res14"] = 9
    raw.loc[10:14, "smp"] = 5
    _fails(tmp_path, raw, mapping, "residence14_rural: 4 of", "sample: 5 of", "recode")


def test_village_leaders_are_dropped_by_the_documented_rule(tmp_path, good):
    raw, mapping = good
    n_men = int((raw["sex"] == 1).sum())
    leaders = raw[raw["sex"] == 1].sample(40, random_state=5).assign(smp=3, psu=-1)
    leaders["cluster"] = leaders["cluster"] + 10**6
    leaders["respid"] = raw["respid"].max() + 1 + np.arange(len(leaders))  # other people: ids of their own
    file, mfile = _write(tmp_path, pd.concat([raw, leaders], ignore_index=True), mapping)
    men = load_records(str(file), mapping=mfile).men
    assert len(men) == n_men and set(men["sample"]) == {"urban", "rural"}
    # the mapping may name other codes for them
    mapping["variables"]["sample"]["leaders"] = [9]
    file, mfile = _write(tmp_path, pd.concat([raw, leaders.assign(smp=9)], ignore_index=True), mapping)
    assert len(load_records(str(file), mapping=mfile).men) == n_men
    # and code 3 is then no longer a known code
    _fails(tmp_path, pd.concat([raw, leaders], ignore_index=True), mapping, "sample: 40 of", "recode")


def test_duplicate_rows_and_the_stacked_file(tmp_path, good):
    raw, mapping = good
    _fails(tmp_path, pd.concat([raw, raw.iloc[:12]], ignore_index=True), mapping,
           "rows: 12 of", "repeat an earlier row")
    stacked = pd.concat([raw] * 3, ignore_index=True)
    _fails(tmp_path, stacked, mapping, f"rows: {2 * len(raw)} of {3 * len(raw)}")


def test_duplicate_person_ids(tmp_path, good):
    raw, mapping = good
    raw["pid"] = np.arange(len(raw))
    raw.loc[5:8, "pid"] = 0
    mapping["variables"]["id"] = {"source": "pid"}
    _fails(tmp_path, raw, mapping, "id: 4 of", "person id")
    raw["pid"] = np.arange(len(raw))
    file, mfile = _write(tmp_path, raw, mapping)
    assert "id" in load_records(str(file), mapping=mfile).men.columns


def test_latin1_file_names_the_encoding_and_the_setting(tmp_path, good):
    raw, mapping = good
    raw = raw.rename(columns={"eduyrs": "édu"})
    mapping["variables"]["educ"] = {"source": "édu"}
    _fails(tmp_path, raw, mapping, "'utf-8'", "`encoding:`", "mapping", encoding="latin-1")
    mapping["encoding"] = "latin-1"
    file, mfile = _write(tmp_path, raw, mapping, encoding="latin-1")
    assert len(load_records(str(file), mapping=mfile).men) > 0


def test_semicolon_file_names_the_separator_setting(tmp_path, good):
    raw, mapping = good
    _fails(tmp_path, raw, mapping, "one column", "`separator: ';'`", sep=";")
    mapping["separator"] = ";"
    file, mfile = _write(tmp_path, raw, mapping, sep=";")
    assert len(load_records(str(file), mapping=mfile).men) > 0


def test_header_only_file_says_it_has_no_data_rows(tmp_path, good):
    raw, mapping = good
    _fails(tmp_path, raw.iloc[:0], mapping, "no data rows")
    file = tmp_path / "empty.csv"
    file.write_text("")
    mfile = tmp_path / "m.yml"
    mfile.write_text(yaml.safe_dump(mapping))
    with pytest.raises(RecordsError, match="empty"):
        load_records(str(file), mapping=mfile)


def test_messages_carry_counts_never_values(tmp_path, good):
    raw, mapping = good
    raw.loc[:4, "isei96"] = 987
    raw.loc[:2, "hknow"] = 654
    del mapping["variables"]["sex"]
    msg = _fails(tmp_path, pd.concat([raw, raw.iloc[:3]], ignore_index=True), mapping, "sex:", "rows: 3 of")
    assert "987" not in msg and "654" not in msg
