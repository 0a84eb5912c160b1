"""Our values of the text's numbers (:mod:`hukoumob.tables.text_numbers`) and ``results/text.csv``.

Each route gives exactly the numbers the transcription says it can
(``computable_from``), the formulas agree with the table modules' own worked
numbers (an independent route through the same estimates), and the rows go
through the results contract keyed on ``id``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hukoumob.book import results
from hukoumob.inputs import text_numbers as tn
from hukoumob.tables import text_numbers as T
from hukoumob.tables.table5 import from_published, from_records


def _ids(route: str) -> set[str]:
    f = tn.load_text_numbers()
    return set(f.loc[f["sources"].map(lambda s: route in s), "id"])


@pytest.fixture(scope="module")
def published():
    return T.published_tables_numbers()


@pytest.fixture(scope="module")
def t5(men):
    return from_records.table5_from_records(men)


@pytest.fixture(scope="module")
def on_records(men, t5):
    return T.records_numbers(men, "replica", table5_rows=t5.rows)


def test_published_route_gives_exactly_its_numbers(published):
    assert set(published["id"]) == _ids("tables")
    assert (published["source"] == "published_tables").all()
    assert published["value"].map(np.isfinite).all()
    assert not published.attrs["missing"]


def test_records_route_gives_exactly_its_numbers(on_records):
    assert set(on_records["id"]) == _ids("records")
    assert on_records["id"].is_unique
    assert (on_records["source"] == "replica").all()
    assert not on_records.attrs["missing"]


def test_model1_odds_agree_with_the_table5_module(published):
    fit = from_published.fit_published("model1")
    odds = from_published.worked_odds(fit)
    ours = published.set_index("id")["value"]
    for q in ("IVab", "V_VI", "VIIa", "farm"):
        assert ours[f"m1_odds_III_vs_{q}"] == pytest.approx(odds[q], rel=1e-9)
    assert ours["m1_association"] == pytest.approx(fit.mu0)
    assert ours["m1_immobility"] == pytest.approx(fit.delta)


def test_model3b_3c_numbers_agree_with_the_records_module(on_records, t5):
    w = from_records.worked_numbers(t5.fits["model3b"], t5.fits["model3c"]).set_index("name")["value"]
    ours = on_records.set_index("id")["value"]
    assert ours["m3b_assoc_changers"] == pytest.approx(w["assoc_changers_3b"])
    assert ours["m3b_odds_I_II_vs_IVab"] == pytest.approx(100 * w["odds_I_II_vs_IVab"])
    assert ours["m3b_odds_I_II_vs_V_VI"] == pytest.approx(100 * w["odds_I_II_vs_V_VI"])
    assert ours["m3c_assoc_changers"] == pytest.approx(w["assoc_changers_3c"])
    assert ours["m3c_hukou_change_factor"] == pytest.approx(w["factor_hukou_change"])
    assert ours["m3c_educ_factor_changers"] == pytest.approx(w["factor_educ_changers"])


def test_table6_odds_follow_the_coefficients(men, on_records):
    from hukoumob.tables import table6

    rows = table6.table6_rows(table6.fit_models(table6.build_person_years(men)))
    b = rows[(rows["model"] == "model2") & (rows["statistic"] == "est")].set_index("term")["value"].astype(float)
    ours = on_records.set_index("id")["value"]
    assert ours["t6_odds_junior_hs_pct"] == pytest.approx(100 * np.exp(b["educ_junior_hs"]))
    assert ours["t6_experience_decrease_pct"] == pytest.approx(100 * (1 - np.exp(b["labor_market_experience"])))


def test_a_missing_cell_is_reported_not_invented():
    rows = pd.DataFrame({"model": ["model2"], "term": ["party_member"], "statistic": ["est"], "value": [-1.0]})
    got = T.table6_numbers(rows, "replica")
    assert set(got["id"]) == {"t6_odds_party_pct", "t6_odds_party_operand"}
    assert "t6_odds_junior_hs_pct" in got.attrs["missing"]


def test_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown source"):
        T.table6_numbers(pd.DataFrame(columns=["model", "term", "statistic", "value"]), "census")


def test_results_contract_keys_on_id(published, tmp_path):
    written = results.write_results(published, "text", "published_tables")
    back = results.load_results("text", "published_tables")
    assert set(back["id"]) == set(written["id"]) == _ids("tables")
    # rows join with the printed values on id
    joined = back.merge(tn.load_text_numbers()[["id", "value"]], on="id", suffixes=("", "_paper"))
    assert len(joined) == len(back)
    with pytest.raises(ValueError, match="unknown values"):
        results.write_results(pd.DataFrame({"id": ["not_a_text_number"], "value": [1.0]}), "text", "replica")


def test_beside_paper_puts_the_printed_value_next_to_ours(published):
    b = T.beside_paper(published, ["m1_association"]).iloc[0]
    assert b["paper"] == pytest.approx(1.51) and b["ours"] == pytest.approx(from_published.fit_published("model1").mu0)


# ----------------------------------------------------------- contradictions
def _paper_as_ours(section):
    f = tn.load_text_numbers()
    implied = tn.paper_implied(f)
    ids = f.loc[(f["section"] == section) & f["id"].isin(implied.index), "id"]
    return pd.DataFrame({"id": ids, "value": implied[ids].to_numpy(), "source": "replica"})


def test_the_paper_does_not_contradict_itself():
    from hukoumob.inputs.published import load_published

    pub6 = load_published("table6", corrected=False)
    section = "Explaining Downward Mobility into Agriculture"
    got = T.contradictions(_paper_as_ours(section), {"table6": pub6}, sections=(section,))
    assert got.empty, got


def test_a_reversed_sign_and_a_lost_letter_are_listed():
    from hukoumob.inputs.published import load_published

    pub6 = load_published("table6", corrected=False)
    rows = pub6.copy()
    at = (rows["model"] == "model3") & (rows["term"] == "hukou_change")
    rows.loc[at & (rows["statistic"] == "est"), "value"] = "0.811"
    rows = rows[~(at & (rows["statistic"] == "sig"))]
    section = "Explaining Downward Mobility into Agriculture"
    ours = T.table6_numbers(rows.assign(value=pd.to_numeric(rows["value"], errors="coerce")), "replica")
    got = T.contradictions(ours, {"table6": rows}, sections=(section,))
    kinds = set(got.loc[got["where"].str.contains("hukou_change|Hukou change"), "kind"])
    assert {"sign", "significance", "size"} <= kinds, got
    md = T.contradictions_markdown(got)
    assert md.count("\n* ") + 1 == len(got) and "Likely reason" in md


def test_order_reversal_of_worked_odds_is_found(on_records, t5):
    got = T.contradictions(on_records, {"table5": t5.rows})
    ours = on_records.set_index("id")["value"]
    reversed_ = ours["m3b_odds_I_II_vs_IVab"] < ours["m3b_odds_I_II_vs_V_VI"]  # the paper's is the other way
    assert got["where"].str.contains("`m3b_odds_I_II_vs_IVab`.*reversed").any() == reversed_


def test_range_position_reads_before_the_range():
    assert T.range_position(0.2, 0.29, 0.5) == "below the lowest of"
    assert T.range_position(0.3, 0.29, 0.5) == "within"
    assert T.range_position(3.21, 1.66, 3.2) == "above the highest of"


def test_a_share_resting_on_few_men_is_left_out(men):
    few = men.copy()
    college = few["year_college"].notna()
    keep = college & (few["hukou14_rural"] == 1) & (few["father_class"] == "farm")
    drop = keep[keep].index[T.MIN_MEN - 1:]
    few = few.drop(index=drop)
    got = T.records_only_numbers(few, "replica", person_years=0)
    assert "tertiary_rural_farm_in_I_II_pct" not in set(got["id"])
    assert "tertiary_rural_farm_in_I_II_pct" in got.attrs["missing"]


def test_records_without_college_information_leave_the_tertiary_shares_out(men):
    got = T.records_only_numbers(men.drop(columns=["year_college", "educ_level"]), "lhsccc", person_years=0)
    assert {"tertiary_in_I_II_pct", "tertiary_rural_farm_in_I_II_pct"} <= set(got.attrs["missing"])
    assert "born_before_1942_pct" in set(got["id"])
