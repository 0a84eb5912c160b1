"""The paper's conclusions as checks (hukoumob.book.conclusions)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hukoumob.book import conclusions as c
from hukoumob.tables import table3_4


def test_every_check_reads_printed_numbers_of_the_paper():
    ev = c.evaluate(sources=[])
    paper = ev[ev["source"] == "paper"]
    missing = [(r["check"], v) for _, r in paper.iterrows() for v in r["values"] if math.isnan(v)]
    assert not missing, f"checks name numbers the paper does not print: {missing}"
    assert set(paper["conclusion"]) == set(c.CONCLUSIONS)


def test_farm_share_is_the_weighted_share_of_non_farm_fathers_sons():
    pct, n = table3_4.published_panel("table4", "A_urban_origin")
    shares = table3_4.farm_shares(table3_4.rebuild_counts(pct, n))
    fathers = [k for k in shares.index if k not in ("farm", "non_farm")]
    expected = sum(pct.loc["farm", f] * n[f] for f in fathers) / sum(n[f] for f in fathers)
    assert shares["non_farm"] == pytest.approx(expected)
    assert shares["farm"] == pytest.approx(pct.loc["farm", "farm"] / pct["farm"].sum() * 100)


@pytest.mark.parametrize(
    "route,source,paper,ours,status",
    [
        ("published_tables", "published_tables", True, True, "confirmed from the published tables"),
        ("printed", "published_tables", True, True, "shown by the printed tables"),
        ("published_tables", "published_tables", True, False, "published tables contradict"),
        ("records", "replica", True, True, "replica agrees (by calibration)"),
        ("records", "replica", True, False, "replica reverses"),
        ("records", "replica", False, True, "replica reverses"),
        ("records", "lhsccc", True, False, "real file contradicts"),
        ("published_tables", "published_tables", False, False, "paper's own numbers do not bear it out"),
        ("records", "replica", True, float("nan"), "not computed"),
    ],
)
def test_status(route, source, paper, ours, status):
    assert c._status(route, source, paper, ours) == status
    assert status in c.STATUSES


def test_reversal_names_the_term_that_crosses_the_line():
    check = next(k for k in c.CHECKS if k.id == "t6_m2_experience")
    reason = c.likely_reason(check, [-0.026, 0.008], [-0.03, 0.03])
    assert "Labour-market experience" in reason and "mostly its SE" in reason


def test_verdicts_on_made_up_results(monkeypatch):
    frames = {
        "table5": pd.DataFrame({"model": ["model2", "model3a"], "panel": ["C_association"] * 2,
                                "term": ["overall_association"] * 2, "statistic": ["est"] * 2,
                                "value": [1.0, 2.0], "source": ["published_tables"] * 2}),
    }
    monkeypatch.setattr(c, "load_results", lambda table: frames[table] if table in frames else (_ for _ in ()).throw(
        FileNotFoundError(table)))
    check = next(k for k in c.CHECKS if k.id == "t5_urban_vs_rural")
    v = c.verdicts(c.evaluate((check,), sources=["published_tables"]))
    assert v["status"].tolist() == ["published tables contradict"]


def test_summary_sentence_counts_checks_per_source():
    part = pd.DataFrame({"check": ["a", "a", "b", "b"], "source": ["published_tables", "replica"] * 2,
                         "status": ["confirmed from the published tables", "replica agrees (by calibration)",
                                    "paper's own numbers do not bear it out", "replica reverses"]})
    assert c.summary_sentence(part) == (
        "This conclusion's 2 checks: from the published tables, 1 confirmed, 1 not borne out by the paper's own "
        "numbers; on the synthetic replica, 1 agreeing (by calibration), 1 reversed.")
