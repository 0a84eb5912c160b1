"""Table 6 (Wu and Treiman 2007): the person-year file, its bad-input rules, the
four discrete-time logits and their design-based SEs (against R ``survey``).

Hand-made histories check the expansion: censoring at 1996 and at exit, first
event only, an event in the entry year, time-varying education and party
membership, the population restriction, and each rule of
:data:`hukoumob.tables.table6.HISTORY_RULES` (counted, never silent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _survey_oracle import SOURCES, reference, table6_person_years

from hukoumob.tables import table6
from hukoumob.inputs.records import load_records


def man(i, **kw):
    """One man of Table 6's population (rural origin, father a skilled worker), no event."""
    base = dict(id=i, hukou14_rural=1, father_class="V_VI", father_educ=6, father_party_member14=0,
                labor_force_entry_year=1990, farm_entry_year=np.nan, educ_level="primary",
                year_junior_hs=np.nan, year_senior_hs=np.nan, year_vocational=np.nan, year_college=np.nan,
                party_member=0, party_join_year=np.nan, hukou_change=0, son_class="V_VI",
                weight=1.0, stratum=1, psu=i)
    base.update(kw)
    return base


def build(*men, **kw):
    return table6.build_person_years(pd.DataFrame(list(men)), **kw)


def rows_of(pyo, i):
    return pyo.data[pyo.data["person"] == i].reset_index(drop=True)


def test_censored_at_1996():
    py = build(man(0)).data
    assert list(py["year"]) == list(range(1990, 1997))
    assert py["event"].sum() == 0
    assert list(py["labor_market_experience"]) == list(range(7))


def test_first_event_only_ends_the_spell():
    py = build(man(0, farm_entry_year=1993, son_class="farm")).data
    assert list(py["year"]) == [1990, 1991, 1992, 1993]
    assert list(py["event"]) == [0, 0, 0, 1]


def test_first_job_in_agriculture_is_an_event_at_experience_0():
    py = build(man(0, farm_entry_year=1990, son_class="farm")).data
    assert len(py) == 1 and py["event"].iloc[0] == 1 and py["labor_market_experience"].iloc[0] == 0


def test_censored_at_exit_before_a_later_event():
    py = build(man(0, farm_entry_year=1995, labor_force_exit_year=1993)).data
    assert list(py["year"]) == [1990, 1991, 1992, 1993] and py["event"].sum() == 0


def test_time_varying_education_and_party():
    py = build(man(0, educ_level="college", year_junior_hs=1985, year_senior_hs=1991, year_college=1994,
                   party_member=1, party_join_year=1992, hukou_change=1)).data
    assert list(py["educ_junior_hs"]) == [1, 0, 0, 0, 0, 0, 0]  # senior high from 1991 replaces it
    assert list(py["educ_senior_hs"]) == [0, 1, 1, 1, 0, 0, 0]  # reached in 1991: counts from 1991
    assert list(py["educ_college"]) == [0, 0, 0, 0, 1, 1, 1]  # college dominates
    assert list(py["party_member"]) == [0, 0, 0, 1, 1, 1, 1]  # joined 1992: counts from 1993
    assert list(py["senior_hs_x_hukou_change"]) == list(py["educ_senior_hs"])
    assert (py["hukou_change"] == 1).all()


def test_population_restriction():
    pyo = build(man(0), man(1, father_class="farm"), man(2, hukou14_rural=0))
    assert set(pyo.data["person"]) == {0}


@pytest.mark.parametrize(
    "rule, bad",
    [
        ("missing_entry_year", dict(labor_force_entry_year=np.nan)),
        ("missing_event_year", dict(son_class="farm")),
        ("missing_level_year", dict(educ_level="senior_hs", year_senior_hs=np.nan)),
        ("missing_party_year", dict(party_member=1)),
        ("exit_before_entry", dict(labor_force_exit_year=1985)),
        ("event_before_entry", dict(farm_entry_year=1987, son_class="farm")),
    ],
)
def test_each_bad_input_rule_is_counted_and_applied(rule, bad):
    pyo = build(man(0), man(1, **bad), man(2, labor_force_exit_year=np.nan))
    rep = pyo.report.set_index("rule")
    assert rep.loc[rule, "men"] == 1
    assert rep.drop(index=[rule, "kept"])["men"].sum() == 0
    assert rep.loc["kept", "men"] == 2
    assert set(pyo.data["person"]) == {0, 2}
    assert rep.loc["kept", "person_years"] == len(pyo.data)


def test_overlapping_spells_remove_every_row_of_the_man():
    pyo = build(man(0), man(1), man(1, labor_force_entry_year=1992))
    rep = pyo.report.set_index("rule")
    assert rep.loc["overlapping_spells", "men"] == 2  # two rows of one man
    assert rep.loc["overlapping_spells", "person_years"] == 7 + 5
    assert set(pyo.data["person"]) == {0}


def test_person_years_of_removed_men_are_reported():
    pyo = build(man(0), man(1, educ_level="college", year_college=np.nan, farm_entry_year=1993, son_class="farm"))
    rep = pyo.report.set_index("rule")
    assert rep.loc["missing_level_year", "person_years"] == 4  # 1990-1993
    rep2 = build(man(0), man(1, labor_force_entry_year=np.nan)).report.set_index("rule")
    assert np.isnan(rep2.loc["missing_entry_year", "person_years"])  # unknown without an entry year


def test_early_event_at_entry_option():
    pyo = build(man(0), man(1, farm_entry_year=1987, son_class="farm"), early_event="at_entry")
    rep = pyo.report.set_index("rule")
    assert rep.loc["event_before_entry", "men"] == 1 and rep.loc["kept", "men"] == 2
    r = rows_of(pyo, 1)
    assert len(r) == 1 and r["event"].iloc[0] == 1 and r["year"].iloc[0] == 1990


def test_separation_is_detected_not_fitted():
    rng = np.random.default_rng(1)
    men = [man(i, stratum=i % 4, psu=i % 12, farm_entry_year=1992 if rng.random() < 0.5 else np.nan)
           for i in range(60)]
    for m in men[:10]:
        m.update(educ_level="college", year_college=1980, farm_entry_year=np.nan, son_class="I_II")
    pyo = build(*men)
    fits = table6.fit_models(pyo, ["model2"])
    assert isinstance(fits, table6.Table6Fits) and "model2" not in fits and len(fits) == 0
    assert fits.separated_models() == ["model2"]
    assert list(fits.separated["term"]) == ["educ_college"]
    assert list(fits.separated["reason"]) == ["no event in the cell"]
    assert table6.table6_rows(fits).empty


def test_separation_the_cells_miss_is_reported_with_the_covariates():
    """Complete separation by a continuous covariate (father's schooling) has no empty
    dummy cell; the logit's SeparationError names it and the model is reported, not fitted."""
    classes = ["I_II", "III", "IVab", "V_VI", "VIIa"]
    men = [man(i, stratum=i % 4, psu=i % 12, father_educ=i % 12, father_class=classes[i % 5],
               father_party_member14=i % 2, farm_entry_year=1990 if i % 12 >= 6 else np.nan,
               son_class="farm" if i % 12 >= 6 else "V_VI")
           for i in range(60)]
    pyo = build(*men)
    assert table6.separation(pyo.data, table6.MODEL_TERMS["model1"]).empty
    fits = table6.fit_models(pyo, ["model1"])
    assert "model1" not in fits
    rep = fits.separated
    assert "father_educ" in list(rep["term"]) and set(rep["model"]) == {"model1"}
    assert rep["reason"].str.contains("separation found by the logit").all()


def test_fit_models_returns_results_only():
    from hukoumob.survey import SurveyResult

    fits = table6.fit_models(table6.build_person_years(load_records().men))
    assert all(isinstance(r, SurveyResult) for r in fits.values())
    assert set(fits) | set(fits.separated_models()) == set(table6.MODEL_TERMS)
    assert list(fits.separated.columns) == table6.SEPARATED_COLUMNS


def test_separation_among_hukou_stayers_is_detected_in_model4():
    py = pd.DataFrame({"educ_vocational": [1, 1, 1, 0], "hukou_change": [1, 1, 0, 0], "event": [1, 0, 0, 1],
                       "vocational_x_hukou_change": [1, 1, 0, 0], "weight": 1.0})
    sep = table6.separation(py, ["educ_vocational", "hukou_change", "vocational_x_hukou_change"])
    assert list(sep["term"]) == ["educ_vocational & hukou_change == 0"]
    assert table6.separation(py, ["educ_vocational", "hukou_change"]).empty


@pytest.mark.parametrize("p, letter", [(0.0009, "b"), (0.001, "c"), (0.009, "c"), (0.01, "d"), (0.049, "d"), (0.05, ""), (np.nan, "")])
def test_sig_letters_follow_the_footnote(p, letter):
    assert table6.sig_letter(p) == letter


def test_cumulative_entry_is_monotone_and_bounded():
    pyo = table6.build_person_years(load_records().men)
    km = table6.cumulative_entry(pyo.data)
    for _, g in km.groupby("group"):
        c = g.sort_values("experience")["cumulative"].to_numpy()
        assert np.all(np.diff(c) >= -1e-12) and c.min() >= 0 and c.max() <= 1


# --------------------------------------------------------------------------- R oracle
@pytest.fixture(scope="module", params=SOURCES)
def oracle(request, tmp_path_factory):
    """Our four Table 6 fits and R's (tests/oracles/survey_table6.R) on the replica's person-years
    (made estimable), frozen or live."""
    fits = table6.fit_models(table6_person_years())
    r = reference("survey_table6", request.param, tmp_path_factory.mktemp("t6"))
    r = r.replace({"term": {"(Intercept)": "constant"}})
    return fits, r.astype({"est": float, "se": float})


@pytest.mark.parametrize("model", list(table6.MODEL_TERMS))
def test_table6_logit_matches_r_svyglm(oracle, model):
    fits, r_all = oracle
    assert model in fits, fits.separated
    fit = fits[model]
    r = r_all[r_all["model"] == model].set_index("term")
    ours = pd.DataFrame({"est": fit.estimates, "se": fit.se})
    assert set(r.index) == set(ours.index)
    np.testing.assert_allclose(ours.loc[r.index, "est"], r["est"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.loc[r.index, "se"], r["se"], rtol=1e-6)
