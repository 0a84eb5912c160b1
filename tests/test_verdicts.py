"""The one verdict policy (hukoumob.book.verdicts): scorecard, chapters and report agree number for number."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from hukoumob.book import report, results, verdicts
from hukoumob.replica import scorecard, targets
from hukoumob.tables import table1_2, table6, tabulate, text_numbers
from hukoumob.tables.table5 import from_records


def test_every_verdict_has_a_grade_and_a_colour():
    for verdict in report.REPORT_VERDICTS:
        assert verdicts.GRADES[verdict] in verdicts.GRADE_COLOURS
        assert verdicts.COLOURS[verdict] == verdicts.GRADE_COLOURS[verdicts.GRADES[verdict]]
    for source, words in verdicts.SOURCE_VERDICTS.items():
        assert set(words) <= set(verdicts.VERDICTS), source
    # the replica's words never claim a reproduction, the others never a calibration
    assert verdicts.REPRODUCED not in verdicts.SOURCE_VERDICTS["replica"]
    assert verdicts.ON_TARGET not in verdicts.SOURCE_VERDICTS["published_tables"]


def test_calibration_tolerances_come_from_the_targets_module():
    assert scorecard.GOALS is targets.GOALS
    assert scorecard.SE_TOLERANCE == targets.SE_RATIO_TOLERANCE
    assert verdicts.SE_CLOSE == f"SE within {targets.SE_RATIO_TOLERANCE:.0%}"
    hit = targets.on_target([1.29, 1.31, 10.0, np.nan], [1.0, 1.0, 10.1, 1.0], [0.3, 0.3, 0.2, 0.3],
                            [True, True, False, False])
    assert hit.tolist() == [True, False, True, False]


def _chapter_results(men: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """What the chapters write for the replica, by the calls they make (03, 80, 07; the text numbers by
    :func:`hukoumob.tables.text_numbers.records_numbers` on those rows)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = {"table1": table1_2.table1_rows(men),
               "table2": table1_2.rows_from_fit(table1_2.fit_table2(men, "residence")),
               **tabulate.outflow_tables(men),
               "table5": from_records.table5_from_records(men).rows,
               "table6": table6.table6_rows(table6.fit_models(table6.build_person_years(men)))}
        out["text"] = text_numbers.records_numbers(
            men, "replica", table1_rows=out["table1"], table2_rows=out["table2"], table5_rows=out["table5"],
            table6_rows=out["table6"], outflow={t: out[t] for t in ("table3", "table4")})
    return out


@pytest.fixture(scope="module")
def card(men):
    """The frame results/replica_scorecard.csv is written from (chapter 80): the tables, then the prose."""
    from hukoumob.replica import statements

    return statements.with_statements(scorecard.with_model_based_table5(scorecard.scorecard(men), men), men)


def test_scorecard_hits_are_the_on_target_verdicts(card):
    judged = report.scorecard_frame(card)
    assert len(judged) == len(card)
    hit = judged["hit"].map(lambda h: bool(h) if pd.notna(h) else False)
    assert ((judged["verdict"] == verdicts.ON_TARGET) == hit).all()
    assert set(judged["verdict"]) <= {verdicts.ON_TARGET, verdicts.WITHIN_SE, verdicts.OFF_TARGET, verdicts.NO_TARGET}
    neutral = judged["verdict"] == verdicts.NO_TARGET
    assert judged.loc[neutral, "hit"].isna().all() and (judged.loc[neutral, "table"] == "text").all()
    # the prose numbers are on the scorecard, each with its tolerance and verdict
    prose = judged[judged["criterion_key"] == "text_number"]
    assert len(prose) >= 60 and prose["key"].str.startswith("id=").all()
    assert prose.loc[prose["hit"].notna(), "tolerance"].notna().all()
    # the counts of the scorecard's summary are the verdict counts of the same numbers
    summ = scorecard.summary(card)
    overall = summ[summ["table"] == "all"].set_index("criterion")
    on = judged[judged["verdict"] == verdicts.ON_TARGET].groupby("criterion_key").size()
    for crit, n in on.items():
        if crit != "person_years":
            assert overall.loc[crit, "hits"] == n, crit


def test_scorecard_and_report_agree_row_for_row(tmp_path, men, card):
    """The replica's scorecard (computed from the men) and the report (from what the chapters write to
    results/) give every calibration target the same published value, the same number and the same verdict."""
    folder = tmp_path / "results"
    for table, rows in _chapter_results(men).items():
        results.write_results(rows, table, "replica")
    rep = report.build_report(folder)
    rep = rep[rep["source"] == "replica"].set_index(["table", "key"])
    judged = report.scorecard_frame(card)
    judged = judged[~judged["key"].str.startswith("statement=")].set_index(["table", "key"])  # no printed number
    assert judged.index.is_unique and judged.index.isin(rep.index).all()
    both = judged.join(rep, rsuffix="_report")
    for col in ("published", "ours", "tolerance"):
        pd.testing.assert_series_equal(both[col].astype(float), both[f"{col}_report"].astype(float),
                                       check_names=False, rtol=0, atol=0)
    assert (both["verdict"].astype(str) == both["verdict_report"].astype(str)).all()
    # every calibration target of the report is on the scorecard
    targeted = rep[rep["criterion"] != ""]
    assert targeted.index.isin(judged.index).all()


def test_write_results_is_independent_of_the_order_of_writes(tmp_path, monkeypatch):
    """Two chapters writing parts of one table in either order give byte-identical files."""
    rows = table1_2.table1_rows(_small_men())
    first, second = rows.iloc[: len(rows) // 2], rows.iloc[len(rows) // 2:].assign(bound=0.05)  # one with a bound
    files = []
    for order in ((first, second), (second, first)):
        folder = tmp_path / f"r{len(files)}"
        monkeypatch.setenv("HUKOUMOB_RESULTS", str(folder))
        for part in order:
            results.write_results(part, "table1", "replica")
        results.write_results(rows.iloc[:3], "table1", "lhsccc", men=_small_men())  # real-file rows need their men (disclosure)
        files.append((folder / "table1.csv").read_bytes())
    assert files[0] == files[1]
    again = pd.read_csv(tmp_path / "r0" / "table1.csv", float_precision="round_trip")
    assert list(again["source"].unique()) == ["replica", "lhsccc"]
    keys = ["variable", "statistic", "group"]
    back = rows.merge(again[again["source"] == "replica"], on=keys, suffixes=("", "_read"))
    assert len(back) == len(rows)
    np.testing.assert_array_equal(back["value_read"].to_numpy(), back["value"].to_numpy(float))  # exact digits


def _small_men():
    from hukoumob.replica import io

    return io.load_men()
