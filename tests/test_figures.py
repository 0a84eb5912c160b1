"""The book's figures say what their captions say (issue 17, item 3): every education level told
apart, Kaplan-Meier bands, numbers at risk and small groups left out, heatmaps with their column Ns,
every alluvial block labelled, scorecard bars that carry words; and the label mapping covers
every displayed term."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from hukoumob.figures import mobility_tables
from hukoumob.figures import table6 as table6_figures
from hukoumob.inputs import labels
from hukoumob.inputs.classes import SHORT
from hukoumob.inputs.schema import CLASSES, SCHEMAS
from hukoumob.tables import table3_4, table6


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _book_type(fig) -> None:
    """The figure sets no type below the book's minimum and, saved as the book saves it, is no wider
    than the text column at 1280 px (:mod:`hukoumob.figures.style`)."""
    import io
    import re

    from hukoumob.figures.style import MAX_WIDTH_IN, TEXT, smallest_type

    assert smallest_type(fig) >= TEXT
    svg = io.StringIO()
    fig.savefig(svg, format="svg")
    width_pt = float(re.search(r'width="([\d.]+)pt"', svg.getvalue()).group(1))
    assert width_pt <= MAX_WIDTH_IN * 72 + 1, f"{width_pt:.0f} pt wide"


def _km(ns: dict[str, int], years: int = 6) -> pd.DataFrame:
    """A made-up Kaplan-Meier frame of :func:`table6.cumulative_entry`'s shape: ``ns`` men per group."""
    rows = []
    for g, n in ns.items():
        for x in range(years):
            rows.append(dict(group=g, experience=x, at_risk=float(n - x), events=1.0, hazard=1 / (n - x), n=n - x,
                             cumulative=0.05 * x, lower=0.02 * x, upper=0.08 * x, n_start=n))
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- Kaplan-Meier
def test_small_groups_are_those_below_the_threshold():
    km = _km({"primary": 100, "vocational": table6.KM_MIN_MEN - 1, "college": table6.KM_MIN_MEN})
    small = table6.small_groups(km)
    assert small.to_dict() == {"vocational": table6.KM_MIN_MEN - 1}


def test_km_plot_drops_the_small_group_and_names_it_with_the_threshold():
    km = _km({"primary": 100, "junior_hs": 60, "vocational": 17})
    fig = table6_figures.cumulative_entry_plot(km, "test", min_men=30)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("Primary") for t in legend) and any(t.startswith("Junior high") for t in legend)
    assert not any("Vocational" in t for t in legend)
    note = table6_figures.small_groups_note(table6.small_groups(km, 30), 30)
    assert "Vocational (17 men)" in note and "30" in note
    assert any("Vocational (17 men)" in t for t in _texts(fig))
    _book_type(fig)
    plt.close(fig)


def test_km_plot_has_bands_and_a_numbers_at_risk_row():
    km = _km({"primary": 100, "junior_hs": 60})
    fig = table6_figures.cumulative_entry_plot(km, "test", at=(0, 5))
    ax, risk = fig.axes[:2]
    assert len(ax.collections) == 2  # one band per group drawn
    shown = {t.get_text() for t in risk.texts}
    assert {"100", "95", "60", "55"} <= shown  # men at risk at experience 0 and 5
    _book_type(fig)
    plt.close(fig)


def test_cumulative_entry_bands_contain_the_curve():
    from hukoumob.inputs.records import load_records

    km = table6.cumulative_entry(table6.build_person_years(load_records().men).data)
    assert (km["lower"] <= km["cumulative"] + 1e-12).all() and (km["cumulative"] <= km["upper"] + 1e-12).all()
    assert (km["upper"] > km["lower"]).any()
    assert (km.groupby("group")["n_start"].nunique() == 1).all()


# --------------------------------------------------------------------------- hazard by education
def test_hazard_plot_has_one_labelled_panel_per_education_level():
    rows = []
    for lv in table6.LEVELS:
        for hc in (0, 1):
            for x in range(0, 11):
                h = 0.01 * (1 + table6.LEVELS.index(lv)) * (1 + hc)
                rows.append(dict(education=lv, hukou_change=hc, labor_market_experience=x, hazard=h,
                                 lower=h / 2, upper=h * 2))
    fig = table6_figures.hazard_by_education(pd.DataFrame(rows), "test")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [labels.LEVEL_LABELS[lv] for lv in table6.LEVELS]
    for ax in fig.axes:
        if ax.get_title():  # both groups labelled at their line's end, in the panel
            assert {t.get_text() for t in ax.texts} == set(table6_figures.HUKOU_SHORT.values())
            assert len(ax.lines) == 2
    _book_type(fig)
    plt.close(fig)


# --------------------------------------------------------------------------- heatmaps and alluvial
def test_heatmap_column_labels_carry_the_printed_ns():
    ns = table3_4.column_ns("table4", "C_rural_origin_rural_now")["unweighted_n"]
    pub = table3_4.load_published("table4")
    printed = pub[(pub["panel"] == "C_rural_origin_rural_now") & (pub["son_class"] == "N")
                  & (pub["kind"] == "unweighted_n")].set_index("father_class")["value"]
    assert ns[list(CLASSES)].tolist() == printed.reindex(list(CLASSES)).astype(float).tolist()
    pct = table3_4.published_panel("table4", "C_rural_origin_rural_now")[0]
    fig = mobility_tables.outflow_heatmaps({"C": pct}, "test", ncols=1, ns={"C": ns})
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    for cls, tick in zip(CLASSES, ticks):
        assert tick.split("\n") == [SHORT[cls], f"{ns[cls]:,.0f}"]
    _book_type(fig)
    plt.close(fig)


def test_every_alluvial_block_is_labelled_even_thin_ones():
    counts = table3_4.rebuild_counts(*table3_4.published_panel("table4", "B_rural_origin"))
    fig, ax = plt.subplots()
    mobility_tables.alluvial(counts, ax, "test")
    texts = [t.get_text() for t in ax.texts]
    for cls in CLASSES:  # once for fathers, once for sons
        assert sum(t.startswith(SHORT[cls] + " ") for t in texts) == 2, cls
    ys = sorted(t.get_position()[1] for t in ax.texts if t.get_position()[0] < 0)
    assert np.min(np.diff(ys)) > 0.05  # fathers' labels do not overlap
    _book_type(fig)
    plt.close(fig)


def test_spread_labels_keeps_a_gap_and_the_range():
    ys = mobility_tables.spread_labels(np.array([0.99, 0.98, 0.975, 0.5, 0.01, 0.005]), 0.06)
    assert np.all(-np.diff(ys) >= 0.06 - 1e-12) and ys.min() >= 0 and ys.max() <= 1


# --------------------------------------------------------------------------- labels
@pytest.mark.parametrize("table, column", [("table6", "term"), ("table5", "term"), ("table2", "term"),
                                           ("table1", "variable"), ("table4", "panel"), ("table5", "panel")])
def test_labels_cover_every_displayed_key(table, column):
    values = SCHEMAS[table].allowed[column]
    missing = [v for v in values if labels.readable(v) == v and v not in ("N", "fit", "total", *SHORT)]
    assert not missing
    assert all("_" not in labels.readable(v) for v in values)


def test_readable_frame_relabels_keys_and_blanks_missing():
    frame = pd.DataFrame({"term": ["father_V_VI", "educ_junior_hs"], "panel": [np.nan, "A_scaling"], "x": [1, 2]})
    out = labels.readable_frame(frame)
    assert out["term"].tolist() == ["Father: foreman, skilled (V+VI)", "Junior high"]
    assert out["panel"].tolist() == ["", "A: class scores"]
    assert out["x"].tolist() == [1, 2]


# --------------------------------------------------------------------------- scorecard and BIC
def test_scorecard_bars_say_met_or_missed_in_words_and_differ_without_colour():
    from hukoumob.figures import replica as replica_figures

    long = "text number: share within 2 points, count within 10%, from coefficients within 1 published SE"
    summary = pd.DataFrame({"criterion": ["a", "b", long, "all"], "table": ["table1", "table2", "text", "all"],
                            "hit_rate": [0.95, 0.5, 0.76, 0.7], "goal": [0.9, 0.9, 0.9, 0.9]})
    fig = replica_figures.scorecard_bars(summary, "test")
    assert fig.axes[0].get_position().width > 0.5  # a long criterion does not squeeze the bars
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert [t for t in texts if "goal" in t] == ["95% (met; goal 90%)", "50% (missed; goal 90%)",
                                                 "76% (missed; goal 90%)"]
    assert {"a / table1", "b / table2"} <= set(texts)  # each criterion written over its bar
    hatches = sorted(p.get_hatch() or "" for p in fig.axes[0].patches)
    assert hatches == ["", "///", "///"]  # a missed goal is hatched, not only another colour
    _book_type(fig)
    plt.close(fig)


def test_bic_chart_puts_every_model_on_a_row_with_the_best_at_zero():
    from hukoumob.figures import model_choice
    from hukoumob.tables import model_fit

    models = list(model_fit.TWO_WAY_MODELS)
    stats = {"total": pd.DataFrame({"bic": np.arange(len(models), dtype=float) * 7 - 50}, index=models)}
    fig = model_choice.bic_by_panel(stats, models, "rc_homog/uniform", {"total": "Table 3"}, "test")
    ax = fig.axes[0]
    assert [t.get_text().replace(" (paper)", "") for t in ax.get_yticklabels()] == models
    xs = ax.collections[0].get_offsets()[:, 0]
    assert xs.min() == 0 and xs.max() == 7 * (len(models) - 1)
    _book_type(fig)
    plt.close(fig)


# --------------------------------------------------------------------------- displayed tables
def test_comparison_shows_words_and_no_nan_for_a_key_a_table_lacks():
    from hukoumob.book import results

    comp = pd.DataFrame({"model": ["model3a", "model4"], "panel": ["A_scaling", np.nan],
                         "term": ["III", "father_V_VI"], "statistic": ["est", "est"], "source": "replica",
                         "published": [0.1, 0.2], "reproduced": [0.1, 0.3], "verdict": ["on calibration target"] * 2})
    html = results.style_comparison(comp, caption="t").to_html()
    assert "nan" not in html.lower().replace("nanum", "")
    assert "Father: foreman, skilled (V+VI)" in html and "father_V_VI" not in html
    only6 = results.style_comparison(comp.iloc[[1]].assign(panel=np.nan), caption="t").to_html()
    assert "nan" not in only6.lower()


def test_table6_display_rows_are_readable():
    from hukoumob.tables.table6 import MODEL_TERMS

    assert all("_" not in labels.readable(t) for t in [*MODEL_TERMS["model4"], "constant"])


def test_summary_counts_absent_verdicts_as_zero_and_keys_read_as_words():
    from hukoumob.book import results

    summary = pd.DataFrame({"on calibration target": [51, np.nan], "compared": [52, 5]},
                           index=pd.Index(["table1", "table2"], name="table"))
    html = results.style_summary(summary).to_html()
    assert "nan" not in html and "5.000000" not in html
    assert labels.readable_key("model=model2;term=educ_junior_hs;statistic=se") == "Model 2, Junior high, se"


def test_written_rows_are_shown_in_words_with_the_source_in_the_caption():
    from hukoumob.book import results

    written = pd.DataFrame({"model": ["model1", "model1", "model1"], "term": ["father_V_VI", "constant", "constant"],
                            "statistic": ["est", "sig", "est"], "value": ["0.759879", "c", "12294.0"],
                            "source": ["replica"] * 3})
    styler = results.style_written(written, "Table 6")
    shown = styler.data
    assert shown["term"].tolist() == ["Father: foreman, skilled (V+VI)", "Constant", "Constant"]
    assert shown["model"].tolist() == ["Model 1"] * 3
    assert shown["value"].tolist() == ["0.760", "c", "12,294"]
    assert "source" not in shown.columns and styler.caption == "Table 6 (estimated on the synthetic replica)"
    text = results.style_written(pd.DataFrame({"id": ["sample_age_min"], "value": ["20.0"], "source": ["replica"]}), "x")
    assert "sample_age_min" not in text.data.to_string()  # the paper's words, not the id
    assert text.data["section"].tolist() == ["Introduction"]
