"""Table 5 from the published tables (hukoumob.table5_tables)."""

import numpy as np
import pandas as pd
import pytest

from hukoumob import table5_tables as t5
from hukoumob.mobility import fit_table
from hukoumob.schema import CLASSES


def test_worked_odds_follow_the_formula():
    fit = t5.fit_published("model1")
    phi, mu = fit.phi, fit.mu0
    odds = t5.worked_odds(fit)
    assert odds["farm"] == pytest.approx(100 * (np.exp(phi["I_II"] * (phi["III"] - phi["farm"]) * mu) - 1))
    assert list(odds.index) == ["IVab", "V_VI", "VIIa", "farm"]


def test_weight_scale_recovers_a_known_factor():
    """Scaling every weight by c scales loglik and LR chi2 by c and SEs by 1/sqrt(c)."""
    rows = t5.rows_from_published("model2")
    from hukoumob import outflow

    counts = outflow.as_array(outflow.rebuild_counts(*outflow.published_panel("table4", "A_urban_origin")))
    a, b = fit_table(counts), fit_table(counts * 1.25)
    assert b.loglik == pytest.approx(1.25 * a.loglik)
    np.testing.assert_allclose(b.phi, a.phi, atol=1e-8)
    assert b.standard_errors()["delta"] == pytest.approx(a.standard_errors()["delta"] / np.sqrt(1.25))
    scale = t5.weight_scale(rows)
    assert set(scale["model"]) == {"model2"} and (scale["c_from_loglik"] > 0).all()


def test_changers_and_stayers_split_panel_b():
    split = t5.changers_and_stayers()
    assert (split["changers"] >= 0).all().all()
    assert list(split["changers"].index) == list(CLASSES)
    total_b = split["changers"].to_numpy().sum() + split["stayers"].to_numpy().sum()
    from hukoumob import outflow

    b = outflow.rebuild_counts(*outflow.published_panel("table4", "B_rural_origin")).to_numpy().sum()
    assert total_b == pytest.approx(b, abs=5)  # only cells clipped at zero differ


def test_rounding_bound_covers_a_jittered_refit():
    from hukoumob import outflow

    pct, n = outflow.published_panel("table4", "A_urban_origin")
    bound = t5.rounding_spread("model2")
    base = t5.rows_from_published("model2").set_index(t5._KEYS)["value"]
    rng = np.random.default_rng(3)
    for _ in range(5):
        p = (pct + rng.uniform(-0.05, 0.05, pct.shape)).clip(lower=0)
        m = n + rng.uniform(-0.5, 0.5, n.shape)
        moved = t5.fit_published("model2", p, m).to_table5_rows("model2").set_index(t5._KEYS)["value"]
        est = [k for k in base.index if k[3] == "est" and k[1] != "fit"]
        assert ((moved[est] - base[est]).abs() <= 1.5 * bound[est] + 1e-9).all()


def test_country_comparison_has_every_term(tmp_path, monkeypatch):
    monkeypatch.setenv("HUKOUMOB_RESULTS", str(tmp_path))
    frame = t5.country_comparison()
    t5.write_country_comparison(frame)
    back = pd.read_csv(tmp_path / "comparison_countries.csv")
    assert list(back.columns) == ["country", "term", "value"]
    terms = {f"phi_{c}" for c in CLASSES} | {"immobility", "association", "loglik"}
    for country in ("China", "EW", "F", "S"):
        assert set(back.query("country == @country")["term"]) == terms
    phi = back[back["term"].str.startswith("phi_")].groupby("country")["value"]
    np.testing.assert_allclose(phi.sum(), 0, atol=1e-8)
    np.testing.assert_allclose(phi.apply(lambda s: (s**2).sum()), 1, atol=1e-8)
