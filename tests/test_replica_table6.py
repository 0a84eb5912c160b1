"""Table 6 on the committed replica: all four hazard models estimable; the forward draw; the scorecard goals."""

import numpy as np
import pandas as pd
import pytest

from hukoumob.tables import table6
from hukoumob.tables.table6 import MODEL_TERMS, at_risk, person_years
from hukoumob.replica import calibrate as cal
from hukoumob.replica import generate as gen
from hukoumob.replica import history, scorecard


def test_no_separation_in_table6(men):
    """Every Table 6 model has finite estimates and SEs; every covariate level used has events and non-events."""
    pyo = table6.build_person_years(men)
    py = pyo.data
    fits = table6.fit_models(pyo)  # the one route to Table 6 (chapter 07, the scorecard)
    assert fits.separated.empty and list(fits) == list(MODEL_TERMS), fits.separated
    t6 = table6.table6_rows(fits).query("statistic != 'sig'").astype({"value": float})
    assert t6["value"].notna().all(), t6[t6["value"].isna()]
    assert (t6.query("statistic == 'se'")["value"] > 0).all()
    assert t6.query("statistic == 'est'")["value"].abs().max() < 10
    for term in MODEL_TERMS["model4"]:
        if set(py[term].unique()) <= {0, 1}:
            on = py[py[term] == 1]
            assert on["event"].sum() >= 1 and (on["event"] == 0).sum() >= 1, term


def test_farmers_of_table6_population_have_moved(men):
    """Only movers farm in 1996: every man of Table 6's population in farming has a first year in agriculture."""
    pop = men[at_risk(men)]
    farm = pop[pop["son_class"] == "farm"]
    assert farm["farm_entry_year"].notna().all()
    assert (farm["farm_entry_year"] >= farm["labor_force_entry_year"]).all()


def test_forward_draw_is_monotone_in_the_hazard(params):
    """Raising every yearly hazard (constant + 1) never delays a man's first move (one uniform per man)."""
    careers = gen.generate(params, upto="careers")
    theta = params["history"]["theta"]
    lo = history.draw_moves(careers, theta, np.random.default_rng(3))
    hi = history.draw_moves(careers, {**theta, "constant": theta["constant"] + 1.0}, np.random.default_rng(3))
    moved_lo = lo["year"].notna()
    assert hi.loc[moved_lo, "year"].notna().all()
    assert (hi.loc[moved_lo, "year"] <= lo.loc[moved_lo, "year"]).all()
    assert (hi["p_move"] >= lo["p_move"] - 1e-12).all()


def test_expected_person_years_match_the_draw_on_average(params):
    """The analytic expected person-years (used by the calibration's gradient) agrees with forward draws."""
    careers = gen.generate(params, upto="careers")
    theta = params["history"]["theta"]
    expected = history.expected_person_years(careers, theta)
    counts = []
    for seed in range(20):
        mv = history.draw_moves(careers, theta, np.random.default_rng(seed))
        counts.append(len(person_years(history.draw_history(careers.assign(son_class="I_II"), mv))))
    assert abs(np.mean(counts) / expected - 1) < 0.03


@pytest.fixture(scope="module")
def full_card(men):
    return scorecard.scorecard(men)


def test_scorecard_table6_is_chapter_07s_table6(men, full_card):
    """One route (issue 12): the scorecard's Table 6 estimates and SEs are exactly
    ``table6_rows(fit_models(build_person_years(men)))``, the numbers chapter 07 writes to results/."""
    ours = table6.table6_rows(table6.fit_models(table6.build_person_years(men)))
    ours = ours[ours["statistic"].isin(["est", "se"])].astype({"value": float})
    card6 = full_card[full_card["table"] == "table6"]
    assert len(card6) > 40 and set(card6["statistic"]) == {"est", "se"}
    expected = card6["key"].map(dict(zip(scorecard._key("table6", ours), ours["value"])))
    assert expected.notna().all(), card6.loc[expected.isna(), "key"].tolist()
    np.testing.assert_array_equal(card6["replica"].to_numpy(), expected.to_numpy())


def test_calibration_inner_fit_is_table6s_point_estimates(men):
    """The calibration's fast inner logit (point estimates only, no ridge) agrees with the one route's
    estimates; the numbers it reports are the scorecard's, so it steers by the same Table 6."""
    pyo = table6.build_person_years(men)
    fits = table6.fit_models(pyo)
    for m in MODEL_TERMS:
        est, n_py = cal.fit_hazard_point(men, m)
        ref = fits[m].estimates
        assert n_py == len(pyo.data)
        np.testing.assert_allclose([est[t] for t in ref.index], ref.to_numpy(), rtol=1e-6, atol=1e-8)


@pytest.fixture(scope="module")
def card(full_card, men):
    """The scorecard with every SE judged as the paper computed it (issue 12): Table 5 model-based with the
    class scores held fixed (Hendrickx's mcl), Tables 2 and 6 design-based (Stata's survey procedures)."""
    return scorecard.summary(scorecard.with_model_based_table5(full_card, men))


def test_model_based_table5_rescoring_equals_a_model_based_scorecard(men, full_card):
    """Re-scoring only Table 5's SE rows gives the scorecard computed with model-based Table 5 SEs."""
    cols = ["criterion", "table", "item", "published", "replica", "hit"]
    key = ["criterion", "table", "item"]
    ours = scorecard.with_model_based_table5(full_card, men)[cols].sort_values(key).reset_index(drop=True)
    direct = scorecard.scorecard(men, design_se=False)[cols].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, direct)
    changed = full_card[(full_card["table"] == "table5") & (full_card["criterion"] == "se_within_30pct")]
    assert not np.allclose(changed["replica"].to_numpy(),
                           direct.query("table == 'table5' and criterion == 'se_within_30pct'")["replica"].to_numpy())


def test_summary_with_strict_puts_the_strict_count_beside_the_files(men, full_card):
    """Chapter 80's summary: the like-for-like counts of the frame written to results/replica_scorecard.csv,
    with the strict (all design-based) counts beside them."""
    like = scorecard.with_model_based_table5(full_card, men)
    both = scorecard.summary_with_strict(like, full_card)
    pd.testing.assert_frame_equal(both[scorecard.summary(like).columns], scorecard.summary(like))
    strict = scorecard.summary(full_card).set_index(["criterion", "table"])
    got = both.set_index(["criterion", "table"])
    np.testing.assert_array_equal(got["strict_hits"], strict.loc[got.index, "hits"])
    t5 = got.loc[("se_within_30pct", "table5")]
    assert t5["hits"] != t5["strict_hits"] or like.equals(full_card)


#: Goals the committed replica is known to miss (strict xfail: meeting one makes the test fail, so update this).
KNOWN_MISSES = {
    "table1": "the printed rural share disagrees with the printed weighted Ns (data/published/README.md)",
    "se_within_30pct": ("like for like (Table 5 model-based, scores fixed; Tables 2 and 6 design-based), the SEs "
                        "miss the 80% goal on Table 6: its constants and its schooling, father's party and father's "
                        "schooling SEs are about a third to two thirds of the printed ones, labour-market "
                        "experience about twice; plus Table 2's first-job ISEI SEs and its urban constant. Table 5 "
                        "misses one (Model 3c hukou change)"),
}


@pytest.mark.calibration_goal
@pytest.mark.parametrize("criterion", [
    pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_MISSES[c], strict=True)) if c in KNOWN_MISSES else c
    for c in scorecard.GOALS
])
def test_scorecard_goal(card, criterion):
    """Issue 5's acceptance criteria on the committed replica. A failure here means the replica misses a goal
    (see the chapter "How the replica is made"); deselect with ``-m "not calibration_goal"``."""
    row = card[(card["criterion"] == criterion) & (card["table"] == "all")].iloc[0]
    assert row["hit_rate"] >= row["goal"] - 1e-12, f"{criterion}: {row['hits']}/{row['compared']} (goal {row['goal']:.0%})"


# ------------------------------------------------------------------ composition of Table 6's population (issue 14)
def _pop_birth_gap(men):
    pop = men[at_risk(men)]
    return pop.loc[pop["hukou_change"] == 0, "birth_year"].mean() - pop.loc[pop["hukou_change"] == 1, "birth_year"].mean()


def test_cohort_shift_ages_table6_changers_and_keeps_table1(params):
    """origins.at_risk_cohort_shift: Table 6's changers born earlier, its stayers later, by construction; Table 1's
    birth-year moments by sample still hold (moment matching) and nobody outside the population is shifted much."""
    import copy

    from hukoumob.replica.transforms import wmean, wsd

    shifted = copy.deepcopy(params)
    shifted["origins"]["at_risk_cohort_shift"] = {"stayer": 0.5, "changer": -0.5}
    a, b = gen.generate(params, upto="careers"), gen.generate(shifted, upto="careers")
    assert _pop_birth_gap(b) > _pop_birth_gap(a) + 2
    pop = at_risk(a).to_numpy()
    chg = pop & (a["hukou_change"] == 1).to_numpy()
    span = lambda m: (1996 - m["labor_force_entry_year"]).to_numpy()  # noqa: E731
    assert span(b)[chg].mean() > span(a)[chg].mean() + 2  # longer careers at risk for the changers
    t1 = params["table1"]["birth_year"]
    for s in ("rural", "urban"):
        i = (b["sample"] == s).to_numpy()
        w = b["weight"].to_numpy()[i]
        assert abs(wmean(b["birth_year"].to_numpy()[i], w) - (t1[s]["mean"] + 1900)) < 0.05
        assert abs(wsd(b["birth_year"].to_numpy()[i], w) - t1[s]["sd"]) < 0.05
    assert np.abs(b["birth_year"].to_numpy()[~pop] - a["birth_year"].to_numpy()[~pop]).mean() < 1.0


def test_adult_education_share_of_table6_changers(params):
    """schooling.p_adult_education_at_risk: the share of Table 6's changers beyond junior high who reached their last
    level after starting work; they enter the labour force earlier and pass through the lower level at risk."""
    import copy

    more = copy.deepcopy(params)
    more["schooling"]["p_adult_education_at_risk"] = {**params["schooling"]["p_adult_education_at_risk"], "changer": 0.9}
    a, b = gen.generate(params, upto="careers"), gen.generate(more, upto="careers")
    sel = (at_risk(b) & (b["hukou_change"] == 1) & b["educ_level"].isin(["senior_hs", "vocational", "college"])).to_numpy()
    assert abs(b["adult_education"].to_numpy()[sel].mean() - 0.9) < 0.1
    assert b["adult_education"].to_numpy()[sel].mean() > a["adult_education"].to_numpy()[sel].mean() + 0.5
    assert b["labor_force_entry_year"].to_numpy()[sel].mean() < a["labor_force_entry_year"].to_numpy()[sel].mean() - 1
    others = ~at_risk(b).to_numpy()
    np.testing.assert_array_equal(a["adult_education"].to_numpy()[others], b["adult_education"].to_numpy()[others])


def test_composition_defaults_leave_the_draw_alone(params):
    """The committed parameters fit no composition (calibrate.COMPOSITION is empty) and carry zero cohort shifts and
    the general adult-education share, so the draw is the one without these stages' extra terms."""
    assert cal.COMPOSITION == ()
    assert params["origins"]["at_risk_cohort_shift"] == {"stayer": 0.0, "changer": 0.0}
    share = params["schooling"]["p_adult_education"]
    assert params["schooling"]["p_adult_education_at_risk"] == {"stayer": share, "changer": share}
    assert set(cal.COMPOSITION_BOUNDS) == set(cal.COHORT_COMPOSITION)
