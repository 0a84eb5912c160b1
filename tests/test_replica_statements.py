"""What the paper's prose states, on the committed replica: facts held by construction, numbers, signs, moves.

Also the bad-input behaviour of the replica's files (params.json, text_targets.csv, men.csv written whole).
"""

import json
import os

import numpy as np
import pandas as pd
import pytest

from hukoumob.inputs import paths
from hukoumob.inputs.text_numbers import load_text_numbers
from hukoumob.replica import generate as gen
from hukoumob.replica import io, sentdown, statements, targets


@pytest.fixture(scope="module")
def tables(men):
    return statements.replica_tables(men)


@pytest.fixture(scope="module")
def facts(men):
    return statements.stated_facts(men)


def test_every_stated_fact_holds_on_men_csv(facts):
    assert len(facts) >= 8
    broken = facts[~facts["hit"].astype(bool)]
    assert broken.empty, broken[["item", "replica"]].to_string()


def test_tertiary_men_of_table6_population_all_converted(men):
    from hukoumob.tables.table6 import at_risk, person_years

    pop = men[at_risk(men)]
    assert ((pop["educ_level"] == "college") <= (pop["hukou_change"] == 1)).all()
    assert (pop["educ_level"] == "college").sum() > 10  # the rule binds: there are tertiary men, all changers
    py = person_years(men)
    assert py.loc[py["hukou_change"] == 0, "educ_college"].sum() == 0


def test_sent_down_counts_are_the_papers(men):
    tn = load_text_numbers().set_index("id")["value"]
    rows = targets.text_targets().set_index("measure")
    sent = (men["sent_down"] == 1) & (men["residence14_rural"] == 0)
    lost = sent & men["sent_down_return_year"].isna()
    assert sent.sum() == tn[rows.loc["sent_down_count", "text_id"]]
    assert lost.sum() == tn[rows.loc["sent_down_not_returned", "text_id"]]
    assert (lost & (men["hukou14_rural"] == 0)).sum() == tn[rows.loc["sent_down_not_returned_urban_hukou14", "text_id"]]
    assert (men.loc[lost, "residence_rural"] == 1).all() and (men.loc[sent & ~lost, "residence_rural"] == 0).all()
    years = men.loc[sent, "sent_down_year"]
    assert years.between(*sentdown.POLICY_YEARS).all()


def test_facts_hold_by_construction_on_another_draw(params):
    """Not edits of the committed rows: a draw with another seed, from the model alone, keeps every fact."""
    other = gen.generate(params, seed=5, exact=False)
    facts = statements.stated_facts(other)
    assert facts["hit"].astype(bool).all(), facts[~facts["hit"].astype(bool)]


def test_a_sent_down_cell_too_small_is_named(params):
    men = gen.generate(params, upto="history")
    men = men.assign(son_class="farm", current_isei=16)
    counts = {"returned": 10, "not_returned_urban_hukou14": 10_000, "not_returned_rural_hukou14": 0}
    with pytest.raises(ValueError, match="not_returned_urban_hukou14"):
        sentdown.draw_sent_down(men, params, counts, np.random.default_rng(1))


def test_text_number_rows_cover_every_record_computable_number(men, tables):
    rows = statements.text_number_rows(men, tables)
    tn = load_text_numbers()
    wanted = set(tn.loc[tn["sources"].map(lambda s: "records" in s), "id"]) - set(statements.JUDGED_ELSEWHERE)
    assert wanted <= set(rows["item"])
    judged = rows[rows["hit"].notna()]
    assert len(judged) >= 0.8 * len(rows)
    assert (judged["tolerance"] >= 0).all()


def test_text_number_tolerances_follow_the_rules(men, tables):
    rows = statements.text_number_rows(men, tables).set_index("item")
    assert rows.loc["rural_origin_pct", "tolerance"] == statements.SHARE_POINTS
    assert "t6_person_years" not in rows.index  # judged by the scorecard's person-years criterion
    assert rows.loc["sent_down_failed_n", "tolerance"] == 0
    # e^1.609 = 5.00: one published SE of the coefficient (0.427 in Table 5) carried through exp
    b = targets.coefficients(targets.table5_targets(), "model3c")
    se = targets.coefficients(targets.table5_targets(), "model3c", "se")
    assert rows.loc["m3c_hukou_change_factor", "tolerance"] == pytest.approx(np.exp(b["hukou_change"]) * se["hukou_change"], rel=1e-3)


def test_sign_rows_name_every_assertion(men, tables):
    rows = statements.sign_rows(men, tables)
    assert len(rows) == len(statements.SIGNS) + 1
    assert rows["hit"].notna().all()


def test_predicted_moves_equal_events_at_the_replicas_own_estimates(men):
    """The check is a real one: with the replica's own Model 2 estimates the prediction equals the moves."""
    from hukoumob.replica import calibrate as cal
    from hukoumob.tables.table6 import MODEL_TERMS, design_matrix, person_years

    py = person_years(men)
    est, _ = cal.fit_hazard_point(men, "model2")
    b = np.array([est[t] for t in [*MODEL_TERMS["model2"], "constant"]])
    pred = np.sum(py["weight"] / (1 + np.exp(-design_matrix(py, "model2") @ b)))
    assert pred == pytest.approx(np.sum(py["weight"] * py["event"]), rel=1e-6)
    rows = statements.predicted_moves_rows(men)
    assert list(rows["item"].str[:6]) == ["model1", "model2", "model3", "model4"]


# ------------------------------------------------------------------ bad input
def _write_params(tmp_path, params):
    (tmp_path / io.PARAMS_FILE).write_text(json.dumps(params))
    return tmp_path


def test_params_missing_stage_is_named(params, tmp_path):
    bad = {k: v for k, v in params.items() if k != "sent_down"}
    with pytest.raises(io.ParamsError, match="stage 'sent_down' missing"):
        io.load_params(_write_params(tmp_path, bad))


def test_params_malformed_stage_is_named(params, tmp_path):
    bad = json.loads(json.dumps(params))
    bad["history"]["theta"]["constant"] = "minus one"
    with pytest.raises(io.ParamsError, match=r"stage 'history' is malformed: history.theta.constant"):
        io.load_params(_write_params(tmp_path, bad))
    bad = json.loads(json.dumps(params))
    del bad["schooling"]["at_risk_shift"]
    with pytest.raises(io.ParamsError, match=r"stage 'schooling' is malformed: \['at_risk_shift'\] missing"):
        io.load_params(_write_params(tmp_path, bad))
    (tmp_path / io.PARAMS_FILE).write_text("{not json")
    with pytest.raises(io.ParamsError, match="not valid JSON"):
        io.load_params(tmp_path)


def test_text_targets_that_do_not_parse_are_named(tmp_path, monkeypatch):
    folder = tmp_path / "replica"
    folder.mkdir()
    monkeypatch.setattr(paths, "REPLICA", folder)
    (folder / targets.TEXT_TARGETS_FILE).write_text("text_id,measure,tolerance\nsent_down_failed_n,sent_down_not_returned,roughly\n")
    with pytest.raises(ValueError, match="target 'sent_down_failed_n': tolerance 'roughly'"):
        targets.text_targets()
    (folder / targets.TEXT_TARGETS_FILE).write_text("text_id,measure,tolerance\nno_such_number,sent_down_count,exact\n")
    with pytest.raises(ValueError, match="target 'no_such_number' is not in data/published/text_numbers.csv"):
        targets.sent_down_targets()
    (folder / targets.TEXT_TARGETS_FILE).write_text('text_id,measure\n"unclosed,x\n')
    with pytest.raises(ValueError, match="text_targets.csv"):
        targets.text_targets()


def test_men_csv_is_never_half_written(men, tmp_path, monkeypatch):
    io.save_men(men, tmp_path)
    before = (tmp_path / io.MEN_FILE).read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        io.save_men(men.iloc[:10], tmp_path)
    assert (tmp_path / io.MEN_FILE).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [io.MEN_FILE]  # no temporary file left behind


# ------------------------------------------------------------------ goals (issue 14)
GOALS = statements.GOALS
#: Goals the committed replica is known to miss, with the reason (strict xfail: meeting one fails the test).
KNOWN_MISSES = {
    "text_number": "the paper's text contradicts its own tables (about 28 per cent; about half of VIIa's sons), Model "
                   "3b's worked odds rest only on Table 4's Panels B and C, Table 6's senior high and experience "
                   "terms miss, and the tertiary men's share in I+II is low: the class scores of Model 2 (urban "
                   "origin) and Model 3c's linear schooling term put most of them outside I+II, although the "
                   "held cells have room (chapter 'How the replica is made')",
    "text_sign": "Model 3b's worked-odds order is fixed by Table 4's Panels B and C; Model 4's junior and senior "
                 "high school terms for stayers are significant because the replica has many stayers at those levels; "
                 "Table 6 Model 1's father V/VI term is significant and Model 3c's schooling x hukou change is not",
    "predicted_moves": "Model 4's printed coefficients predict too many moves: the printed Models 2 and 4 agree on a "
                       "population only if hukou changers hold most junior and senior high person-years "
                       "(statements.changer_share_needed); fitting the population's schooling to that moved Table 5's "
                       "Model 3c out of one SE, and fitting its cohorts instead (calibrate.COHORT_COMPOSITION) costs "
                       "the within-one-SE goal (pooled Table 2 Model 2, Table 6)",
}


@pytest.fixture(scope="module")
def all_rows(men, tables):
    return statements.all_rows(men, tables)


@pytest.mark.calibration_goal
@pytest.mark.parametrize("criterion", [
    pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_MISSES[c], strict=True)) if c in KNOWN_MISSES else c
    for c in GOALS
])
def test_statement_goal(all_rows, criterion):
    rows = all_rows[(all_rows["criterion"] == criterion) & all_rows["hit"].notna()]
    rate = rows["hit"].astype(bool).mean()
    assert rate >= GOALS[criterion] - 1e-12, f"{criterion}: {rows['hit'].astype(bool).sum()}/{len(rows)}"


# ------------------------------------------------------------------ the targets of the prose numbers
def test_text_targets_follow_the_papers_tables_where_the_text_rounds_them():
    """The target is the paper's own table cell where the text rounds it within its precision, and stays
    the printed number (with the contradiction as its reason) where the paper's tables disagree with it."""
    from hukoumob.inputs.text_numbers import paper_implied
    from hukoumob.replica import text_tolerances

    tt = text_tolerances.text_targets_frame().set_index("id")
    implied = paper_implied()
    printed = load_text_numbers().set_index("id")
    shares = tt[(tt["kind"] == "share") & tt.index.isin(implied.index)]
    assert len(shares) >= 10
    for tid, row in shares.iterrows():
        p = printed.loc[tid]
        precision = text_tolerances.text_precision(p["value"], p["decimals"], p["qualifier"])
        if abs(implied[tid] - p["value"]) <= precision + 1e-9:
            assert row["target"] == pytest.approx(implied[tid]) and "contradicts" not in row["reason"], tid
        else:
            assert row["target"] == p["value"] and "contradicts the paper's own tables" in row["reason"], tid
    # the known contradiction of the text ("about 28 per cent", Table 4's Ns give more) is one of them
    assert "contradicts" in tt.loc["urban_hukou_rural_origin_pct", "reason"]
    assert tt.loc["sent_down_failed_per_thousand", "upper"] and tt.loc["m3c_assoc_x_hukou_change_p", "upper"]
    assert not tt.loc["m1_farm_score", "criterion"]  # a score with no printed SE: neutral


def test_send_down_counts_come_from_the_one_route(men):
    """The rustication counts are records numbers of the transcription, computed by the book's text-number
    route (the chapters' and the scorecard's), and absent (not made up) from a file without the variables."""
    from hukoumob.tables import text_numbers as route

    tn = load_text_numbers().set_index("id")
    ids = ["sent_down_urban_origin_n", "sent_down_failed_n", "sent_down_failed_urban14_n"]
    assert (tn.loc[ids, "kind"] == "records").all()
    got = route.sent_down_numbers(men)
    assert [got[i] for i in ids] == list(tn.loc[ids, "value"])
    assert all(np.isnan(v) for v in route.sent_down_numbers(men.drop(columns=["sent_down"])).values())


def test_on_target_reads_an_upper_limit_as_a_bound():
    hit = targets.on_target([4.6, 5.0, 0.0004, np.nan], [5.0, 5.0, 0.001, 5.0], [0, 0, 0, 0], [False] * 4,
                            [True, True, True, True])
    assert hit.tolist() == [True, False, True, False]
