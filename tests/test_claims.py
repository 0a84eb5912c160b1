"""The introduction's counts (hukoumob.book.claims) against the contract of results/reproducibility.csv."""

from __future__ import annotations

import pandas as pd
import pytest

from hukoumob.book import claims

COLS = ["table", "key", "statistic", "published", "ours", "difference", "tolerance", "verdict", "reason", "source"]


def _rows(*rows):
    return pd.DataFrame([dict(zip(COLS, r)) for r in rows], columns=COLS).astype(str)


@pytest.fixture
def frame():
    return _rows(
        # genuinely reproduced from the published tables (the replica row does not change the claim)
        ("table5", "m=1", "est", "1.5", "1.51", "0.01", "0.02", "reproduced", "", "published_tables"),
        ("table5", "m=1", "est", "1.5", "1.2", "-0.3", "0.1", "off target", "", "replica"),
        # re-estimated, beyond rounding
        ("table5", "m=2", "est", "3.1", "3.4", "0.3", "0.01", "differs", "weight scale", "published_tables"),
        # a round trip of an input
        ("table3", "c=1", "pct", "40.3", "40.3", "0", "0.05", "cannot be reproduced",
         "a printed father column ... (a round trip, not a reproduction)", "published_tables"),
        ("table3", "c=1", "pct", "40.3", "40.1", "-0.2", "1", "on calibration target", "", "replica"),
        # records only
        ("table6", "t=1", "est", "-1.1", "", "", "", "cannot be reproduced", "needs records", "published_tables"),
        ("table6", "t=1", "est", "-1.1", "-1.0", "0.1", "0.4", "within 1 SE", "", "replica"),
        # a text number nothing reproduces
        ("text", "sent_down_failed_n", "value", "13", "", "", "", "cannot be reproduced",
         "not derivable from the tables", "published_tables"),
        ("text", "sent_down_failed_n", "value", "13", "", "", "", "cannot be reproduced",
         "not derivable from the tables", "replica"),
        # a text number a source could give but no chapter wrote
        ("text", "m1_odds", "value", "8.2", "", "", "", "not reproduced from this source", "no row in results/text.csv",
         "published_tables"),
        # a text number the replica gives
        ("text", "movers", "value", "68", "", "", "", "cannot be reproduced", "needs records", "published_tables"),
        ("text", "movers", "value", "68", "64", "-4", "3", "off target", "", "replica"),
    )


def test_each_number_counted_once_by_its_best_claim(frame):
    counts = claims.claim_counts(frame)
    assert counts.loc["printed numbers", "all"] == 7
    assert counts.loc["printed numbers", "text"] == 3
    expected = {"reproduced": 1, "published tables, beyond rounding": 1, "input (round trip)": 1,
                "records only": 2, "cannot be reproduced": 2}
    assert counts["all"].drop("printed numbers").to_dict() == expected
    assert counts.loc["records only", "text"] == 1


def test_reasons_of_what_cannot_be_reproduced(frame):
    reasons = claims.cannot_reasons(frame)
    assert sorted(reasons.to_dict("records"), key=lambda r: r["reason"]) == [
        {"reason": "a source could give it, but no chapter writes it yet", "printed numbers": 1},
        {"reason": "not derivable from the tables", "printed numbers": 1},
    ]


def test_an_unknown_verdict_is_not_promoted(frame):
    odd = frame.copy()
    odd.loc[0, "verdict"] = "something new"
    counts = claims.claim_counts(odd)
    assert counts.loc["reproduced", "all"] == 0
    assert counts.loc["records only", "all"] == 3  # the replica row carries it


def test_missing_file_and_missing_column_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="reproducibility step"):
        claims.load_reproducibility(tmp_path / "reproducibility.csv")
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"table": ["text"], "verdict": ["reproduced"]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match="lacks the column"):
        claims.load_reproducibility(bad)
