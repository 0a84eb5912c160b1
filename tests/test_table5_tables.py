"""Table 5 from the published tables (hukoumob.tables.table5.from_published)."""

import functools

import numpy as np
import pandas as pd
import pytest

from hukoumob.tables.table5 import from_published as t5
from hukoumob.mobility import fit_table
from hukoumob.inputs.schema import CLASSES


# the engine knows no class labels: the paper's classes come in as arguments
fit_table = functools.partial(fit_table, categories=CLASSES)


def test_worked_odds_follow_the_formula():
    fit = t5.fit_published("model1")
    phi, mu = fit.phi, fit.mu0
    odds = t5.worked_odds(fit)
    assert odds["farm"] == pytest.approx(100 * (np.exp(phi["I_II"] * (phi["III"] - phi["farm"]) * mu) - 1))
    assert list(odds.index) == ["IVab", "V_VI", "VIIa", "farm"]


def test_weight_scale_recovers_a_known_factor():
    """Scaling every weight by c scales loglik and LR chi2 by c and SEs by 1/sqrt(c)."""
    rows = t5.rows_from_published("model2")
    from hukoumob.tables import table3_4

    counts = table3_4.as_array(table3_4.rebuild_counts(*table3_4.published_panel("table4", "A_urban_origin")))
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
    from hukoumob.tables import table3_4

    b = table3_4.rebuild_counts(*table3_4.published_panel("table4", "B_rural_origin")).to_numpy().sum()
    assert total_b == pytest.approx(b, abs=5)  # only cells clipped at zero differ


def test_rounding_bound_covers_a_jittered_refit():
    from hukoumob.tables import table3_4

    pct, n = table3_4.published_panel("table4", "A_urban_origin")
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


def test_rural_origin_records_rebuild_panel_b():
    """One row per man: the printed unweighted Ns per father column (within rounding) and the weighted counts."""
    from hukoumob.tables import table3_4
    from hukoumob.inputs.published import load_published

    d = t5.rural_origin_records()
    unw = load_published("table4").query("panel == 'B_rural_origin' and kind == 'unweighted_n'").set_index(
        "father_class")["value"].astype(float)
    men = d.groupby("father_class").size().reindex(list(CLASSES))
    assert (men - unw.reindex(list(CLASSES))).abs().max() <= 6
    weighted = d.groupby(["father_class", "son_class"])["weight"].sum().unstack().reindex(
        index=list(CLASSES), columns=list(CLASSES)).fillna(0)
    printed = table3_4.rebuild_counts(*table3_4.published_panel("table4", "B_rural_origin"))
    assert np.abs(weighted.to_numpy() - printed.to_numpy()).max() < 3  # one man's weight plus clipping
    assert set(d["residence"]) == {"rural", "urban"}
    assert d.groupby("residence")["weight"].mean()["rural"] > d.groupby("residence")["weight"].mean()["urban"]


def test_model3a_standard_errors_model_based_matches_the_table_route():
    out = t5.model3a_standard_errors().set_index("term")
    table = t5.rows_from_published("model3a").query("statistic == 'se'").set_index("term")["value"]
    for term in ("immobility", "overall_association"):
        assert out.loc[term, "se_model"] == pytest.approx(table[term], rel=0.03)
    # the paper's weights (rural men weigh about twice the urban ones) widen the design-based SE
    assert (out["ratio_weighted"] > out["ratio_unit"]).all()
    # like with like: every ratio holds the scores fixed on both sides; propagating them adds more
    assert (out["se_sandwich_scores_estimated"] > out["se_sandwich"]).all()
    np.testing.assert_allclose(out["ratio_printed"], out["se_sandwich"] / out["se_published"])


def test_model3a_standard_errors_grows_with_the_spread_of_the_weights():
    d = t5.rural_origin_records()
    base = t5.model3a_standard_errors(d).set_index("term")
    wider = np.where(d["residence"] == "urban", 0.5, 1.0) * d["weight"]
    # the same mean weight: a model-based SE takes the weights as frequencies, so their scale would matter
    wider = d.assign(weight=wider * d["weight"].mean() / wider.mean())
    more = t5.model3a_standard_errors(wider).set_index("term")
    assert (more["ratio_weighted"] > base["ratio_weighted"]).all()
    # the unit-weight SEs do not depend on the weights at all
    np.testing.assert_allclose(more["se_sandwich_unit"], base["se_sandwich_unit"], rtol=1e-8)
    np.testing.assert_allclose(more["se_model_unit"], base["se_model_unit"], rtol=1e-8)


def test_model3a_standard_errors_equals_model_based_on_a_table_drawn_from_the_model():
    """With equal weights and data from the model itself, the sandwich and model-based SEs agree."""
    rng = np.random.default_rng(11)
    phi = np.array([0.6, 0.35, 0.1, -0.05, -0.2, -0.8])
    phi = (phi - phi.mean()) / np.linalg.norm(phi - phi.mean())
    a = np.array([0.0, -0.5, -1.2, 0.3, -0.2, 1.0])
    origin = rng.choice(6, size=20000, p=[0.1, 0.05, 0.03, 0.12, 0.1, 0.6])
    logits = a[None, :] + 0.8 * (np.arange(6)[:, None] == np.arange(6)[None, :]) + 1.5 * np.outer(phi, phi)
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    dest = np.array([rng.choice(6, p=prob[o]) for o in origin])
    names = np.array(CLASSES)
    d = pd.DataFrame({"father_class": names[origin], "son_class": names[dest], "residence": "rural", "weight": 1.0})
    out = t5.model3a_standard_errors(d)
    np.testing.assert_allclose(out["se_sandwich"], out["se_model"], rtol=0.08)
    np.testing.assert_allclose(out["se_sandwich_unit"], out["se_sandwich"], rtol=1e-8)
    np.testing.assert_allclose(out["se_model_unit"], out["se_model"], rtol=1e-8)
