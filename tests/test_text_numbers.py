"""The transcription of the numbers in the paper's prose and notes (``data/published/text_numbers.csv``).

Checks the file against its rules (:mod:`hukoumob.inputs.text_numbers`), that
bad rows stop loading with the row and the problem named (issue 13, "Bad
input"), and the text against the paper's own tables: every formula row,
evaluated on the printed cells, gives the printed text value within the
text's rounding, except the inconsistencies listed in
``data/published/README.md`` (:data:`TEXT_CONTRADICTS_TABLES`).
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from hukoumob.inputs import text_numbers as tn

#: Printed numbers per kind of derivation (change only with the transcription and its README).
N_ROWS = 122
N_FORMULA = 64
#: Formula rows whose printed text value the paper's own tables do not give (README, "Text against tables").
TEXT_CONTRADICTS_TABLES = {"urban_hukou_rural_origin_pct"}
#: How loose "about" is for this consistency check: within 20 per cent of the printed value.
ABOUT_RELATIVE = 0.2


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return tn.load_text_numbers()


def test_the_file_loads_and_has_every_number(frame):
    assert len(frame) == N_ROWS
    assert (frame["kind"] == "formula").sum() == N_FORMULA
    assert frame["id"].is_unique
    assert set(frame["section"]) <= set(tn.SECTIONS)


def test_note_11_ranges_are_there_in_pairs(frame):
    n11 = frame[frame["note"] == "11"].set_index("id")
    assert len(n11) == 8
    assert n11.loc["n11_association_socialist_max_russia", "value"] == pytest.approx(3.2)
    for measure in ("immobility", "association"):
        for group in ("socialist", "developing"):
            rows = n11[n11.index.str.startswith(f"n11_{measure}_{group}_")]
            low = rows.loc[rows["qualifier"] == "range_low", "value"]
            high = rows.loc[rows["qualifier"] == "range_high", "value"]
            assert len(low) == len(high) == 1
            assert float(low.iloc[0]) < float(high.iloc[0])


def _consistent(printed: float, implied: float, decimals: int, qualifier: str) -> bool:
    if qualifier == "less_than":
        return implied < printed
    if qualifier == "about":
        return abs(implied - printed) <= ABOUT_RELATIVE * abs(printed)
    return abs(implied - printed) <= 0.5 * 10.0 ** -decimals + 1e-9


def test_text_against_the_papers_tables(frame):
    implied = tn.paper_implied(frame)
    rows = frame.set_index("id").loc[implied.index]
    bad = {k for k in implied.index
           if not _consistent(rows.at[k, "value"], implied[k], int(rows.at[k, "decimals"]), rows.at[k, "qualifier"])}
    assert bad == TEXT_CONTRADICTS_TABLES, (
        f"text numbers the paper's tables do not give: {sorted(bad)}; expected exactly {sorted(TEXT_CONTRADICTS_TABLES)}")


def test_urban_hukou_holders_from_rural_origins_is_the_known_contradiction(frame):
    # the text's "about 28 per cent"; Table 4's weighted Ns give (2339 - 2009) / (505 + 2339 - 2009)
    assert tn.paper_implied(frame)["urban_hukou_rural_origin_pct"] == pytest.approx(100 * 330 / 835)


def test_paper_value_and_unknown_id(frame):
    assert tn.paper_value("t6_odds_junior_hs_pct") == pytest.approx(31.4)
    with pytest.raises(KeyError, match="no_such_number"):
        tn.paper_value("no_such_number")


def test_evaluate_uses_any_cell_values():
    d = tn.parse_derivation("100 * exp(table6[model2/educ_junior_hs/est])")
    assert d.kind == "formula" and d.tables == ("table6",)
    assert tn.evaluate(d, lambda cell: 0.0) == pytest.approx(100.0)


# ------------------------------------------------------------------ bad input
def _write(tmp_path, edit) -> str:
    src = tn.text_numbers_path()
    dst = tmp_path / "text_numbers.csv"
    shutil.copy(src, dst)
    frame = pd.read_csv(dst, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(dst, index=False)
    return dst


def _set(id_, column, value):
    def edit(frame):
        frame.loc[frame["id"] == id_, column] = value
    return edit


@pytest.mark.parametrize(
    "edit,message",
    [
        (_set("m1_immobility", "derivation", "table5[model1/B_immobility/immobility/beta]"),
         r"line \d+ \(id m1_immobility\): derivation names table5\[model1/B_immobility/immobility/beta\], "
         r"which data/published/table5.csv does not have"),
        (_set("t6_odds_party_pct", "derivation", "100 * exp(table6[model1/party_member/est])"),
         r"id t6_odds_party_pct\): derivation names table6\[model1/party_member/est\]"),
        (_set("t6_odds_party_pct", "derivation", "100 * exp(table6[model2/party_member])"),
         r"id t6_odds_party_pct\): table6\[model2/party_member\] has 2 key values; table6 needs 3"),
        (_set("t6_odds_party_pct", "derivation", "table9[a/b]"),
         r"id t6_odds_party_pct\): formula .* names table9\[...\], which is neither"),
        (_set("m1_association", "value", "1.51x"), r"id m1_association\): value '1.51x' does not parse"),
        (_set("m1_association", "value", ""), r"id m1_association\): value '' does not parse"),
        (_set("informal_migrants_pct", "derivation", "13 * text[no_such_id]"),
         r"id informal_migrants_pct\): derivation names text\[no_such_id\]"),
        (_set("survey_year", "computable_from", "records"), r"id survey_year\): a number that is not derivable"),
        (_set("survey_year", "section", "Methods"), r"id survey_year\): section 'Methods'"),
        (_set("survey_year", "unit", "parsecs"), r"id survey_year\): unit 'parsecs'"),
        (_set("m1_association", "derivation", "__import__('os')"), r"id m1_association\): formula"),
        (_set("survey_year", "id", "m1_association"), r"id m1_association\): id repeated"),
    ],
)
def test_bad_rows_stop_loading_with_the_row_and_the_problem(tmp_path, edit, message):
    path = _write(tmp_path, edit)
    with pytest.raises(tn.TextNumbersError, match=message):
        tn.load_text_numbers(path)


def test_all_problems_are_reported_together(tmp_path):
    def edit(frame):
        _set("m1_association", "value", "x")(frame)
        _set("survey_year", "unit", "parsecs")(frame)
    with pytest.raises(tn.TextNumbersError) as err:
        tn.load_text_numbers(_write(tmp_path, edit))
    assert "m1_association" in str(err.value) and "survey_year" in str(err.value)


def test_wrong_columns(tmp_path):
    path = _write(tmp_path, lambda f: f.drop(columns=["unit"], inplace=True))
    with pytest.raises(tn.TextNumbersError, match="columns are"):
        tn.load_text_numbers(path)
