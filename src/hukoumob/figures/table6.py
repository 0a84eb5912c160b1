"""Figures of the Table 6 chapter (downward mobility into agriculture; Wu and Treiman 2007).

* :func:`history_figure`: one man's history and the person-year records it becomes;
* :func:`hazard_by_education`: Model 4's predicted annual hazard, one panel per
  education level, hukou changers and stayers labelled, with confidence bands;
* :func:`cumulative_entry_plot`: Kaplan-Meier cumulative share entering agriculture,
  with bands and numbers at risk, small groups left out and named.

Each returns the figure; the caller's ``title`` must say where the numbers come
from (e.g. SYNTHETIC for the replica).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from hukoumob.figures.style import MAX_WIDTH_IN, SUPTITLE, TEXT, TITLE
from hukoumob.inputs.labels import LEVEL_LABELS
from hukoumob.tables.table6 import KM_MIN_MEN, LEVELS, small_groups

#: One colour (Okabe-Ito, told apart with the common colour-vision deficiencies) and one line
#: style per education level, so that the levels differ in two ways.
LEVEL_COLOURS = dict(zip(LEVELS, ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#000000")))
LEVEL_LINES = dict(zip(LEVELS, ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))))


def history_figure(man: pd.Series, py: pd.DataFrame, title: str) -> plt.Figure:
    """Table 6's person-year construction: timeline of one man (dated events above) and his person-year records (boxes below:
    one per year at risk, shaded by education level, the event year marked)."""
    fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN, 5.6), layout="constrained")
    first = int(man.get("birth_year", man["labor_force_entry_year"] - 18))
    events = {"born": man.get("birth_year"), "junior high": man["year_junior_hs"],
              "enters labour force (clock starts)": man["labor_force_entry_year"],
              "senior high": man["year_senior_hs"], "joins the party": man["party_join_year"],
              "first job in agriculture (event)": man["farm_entry_year"]}
    events = {k: v for k, v in events.items() if pd.notna(v)}
    last = max(1996, int(max(events.values())))
    ax.hlines(1.0, first, last + 1, color="0.3")
    for i, (label, year) in enumerate(sorted(events.items(), key=lambda kv: kv[1])):
        height = 1.2 + 0.6 * (i % 3)
        ax.plot([year, year], [1.0, height], color="0.4", lw=0.8)
        ax.annotate(f"{textwrap.fill(label, 16)}\n{int(year)}", (year, height), ha="center", va="bottom")
    lev = np.select([py[f"educ_{l}"] == 1 for l in LEVELS[1:]], LEVELS[1:], default="primary")
    # numbered: every fifth year of experience and the event's (every box would need type below the
    # book's size), a fifth year right before the event left to the event's number
    event_at = [int(e) for e in py.loc[py["event"] == 1, "labor_market_experience"]]
    numbered = {int(e) for e in py["labor_market_experience"] if e % 5 == 0
                and all(abs(e - x) > 1 for x in event_at)} | set(event_at)
    for (_, r), lv in zip(py.iterrows(), lev):
        ax.add_patch(plt.Rectangle((r["year"], 0.45), 0.9, 0.35, facecolor=LEVEL_COLOURS[lv],
                                   edgecolor="black" if r["event"] else "none", lw=1.5 if r["event"] else 0))
        experience = int(r["labor_market_experience"])
        if experience in numbered:
            ax.text(r["year"] + 0.45, 0.38, f"{experience}", ha="center", va="top")
        if r["party_member"]:
            ax.plot(r["year"] + 0.45, 0.88, marker="*", color="crimson", ms=6)
    handles = [plt.Rectangle((0, 0), 1, 1, color=LEVEL_COLOURS[l]) for l in dict.fromkeys(lev)]
    ax.legend(handles + [plt.Line2D([], [], marker="*", color="crimson", ls="")],
              [f"{LEVEL_LABELS[l]} (time-varying)" for l in dict.fromkeys(lev)] + ["party member before the year"],
              loc="upper left", bbox_to_anchor=(0.0, -0.2), frameon=False, ncol=2)
    ax.text(first, 0.6, "person-years\n(under a box: years of\nexperience; outlined:\nevent = 1)", va="center")
    ax.set_xlim(first - 0.5, last + 1.5)
    ax.set_ylim(-0.05, 3.2)
    ax.set_yticks([])
    ax.set_xlabel("calendar year")
    for s in ("left", "right", "top"):
        ax.spines[s].set_visible(False)
    ax.set_title(textwrap.fill(title, 60), fontsize=TITLE)
    return fig


def hazard_by_education(pred: pd.DataFrame, title: str) -> plt.Figure:
    """Table 6 Model 4: predicted annual hazard against labour-market experience
    (:func:`hukoumob.tables.table6.predicted_hazard`), small multiples: one panel per
    education level, each with the men who kept a rural hukou and those who changed it
    (labelled at the line's end), each with its pointwise band. Two lines per panel keep
    the bands from hiding the lines; the panels share both scales (log hazard)."""
    levels = [lv for lv in LEVELS if (pred["education"] == lv).any()]
    ncols = 2
    nrows = -(-len(levels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.4, 2.35 * nrows + 1.0), sharex=True, sharey=True,
                             squeeze=False, layout="constrained")
    for ax, lv in zip(axes.flat, levels):
        sub = pred[pred["education"] == lv]
        ends = {}
        for hc in (0, 1):
            d = sub[sub["hukou_change"] == hc].sort_values("labor_market_experience")
            if d.empty:
                continue
            c, ls = HUKOU_STYLE[hc]
            x = d["labor_market_experience"].to_numpy(float)
            ax.fill_between(x, d["lower"], d["upper"], color=c, alpha=0.18, lw=0)
            ax.plot(x, d["hazard"], color=c, ls=ls, lw=2)
            ends[hc] = (x[-1], float(d["hazard"].iloc[-1]))
        # end labels, pushed apart when the two lines end close together (log scale)
        nudge = {0: 0, 1: 0}
        if len(ends) == 2 and abs(np.log10(ends[0][1] / ends[1][1])) < 0.35:
            up = 0 if ends[0][1] >= ends[1][1] else 1
            nudge = {up: 6, 1 - up: -6}
        for hc, (x, y) in ends.items():
            ax.annotate(HUKOU_SHORT[hc], (x, y), xytext=(4, nudge[hc]), textcoords="offset points",
                        color=HUKOU_STYLE[hc][0], fontsize=TEXT, va="center", ha="left", annotation_clip=False)
        ax.set_title(LEVEL_LABELS[lv], fontsize=TITLE)
        ax.set_yscale("log")
        ax.grid(True, which="major", color="0.9", lw=0.6)
    for ax in list(axes.flat)[len(levels):]:
        ax.axis("off")
        ax.text(0.0, 0.5, "Lines: predicted hazard;\nbands: pointwise 95% interval.\n"
                "Solid blue: kept a rural hukou;\ndashed orange: changed to urban.",
                transform=ax.transAxes, fontsize=TEXT, va="center")
    for ax in axes[:, 0]:
        ax.set_ylabel("annual hazard")
    for ax in axes[-1, :]:
        ax.set_xlabel("experience (years)")
    if len(levels) % ncols:  # the empty slot's neighbour above carries the bottom row's x labels
        axes[-2, -1].xaxis.set_tick_params(labelbottom=True)
        axes[-2, -1].set_xlabel("experience (years)")
    xmax = float(pred["labor_market_experience"].max())
    axes.flat[0].set_xlim(-0.5, xmax * 1.45)  # shared: room for the end labels
    fig.suptitle(textwrap.fill(title, 60), fontsize=SUPTITLE)
    return fig


#: Colour and line style of the men who kept a rural hukou (0) and who changed it (1), told
#: apart by both (Okabe-Ito blue and orange, solid and dashed).
HUKOU_STYLE = {0: ("#0072B2", "-"), 1: ("#D55E00", "--")}
HUKOU_SHORT = {0: "kept rural", 1: "changed"}


def cumulative_entry_plot(km: pd.DataFrame, title: str, min_men: int = KM_MIN_MEN,
                          at: tuple[int, ...] = (0, 5, 10, 15, 20, 25, 30)) -> plt.Figure:
    """Table 6's population: weighted Kaplan-Meier cumulative share entering agriculture by
    experience (:func:`hukoumob.tables.table6.cumulative_entry`), one step line per group with its
    pointwise 95% band, and the (unweighted) numbers at risk under it at the years ``at``.
    Groups with fewer than ``min_men`` men at the start
    (:func:`hukoumob.tables.table6.small_groups`) are not drawn; a note under the figure names
    them, with the threshold."""
    small = small_groups(km, min_men)
    groups = [lv for lv in LEVELS if (km["group"] == lv).any() and lv not in small.index]
    fig, (ax, risk) = plt.subplots(2, 1, figsize=(6.4, 4.5 + 0.36 * len(groups)), layout="constrained",
                                   height_ratios=[4.0, 0.6 + 0.36 * len(groups)], sharex=True)
    for lv in groups:
        d = km[km["group"] == lv].sort_values("experience")
        c = LEVEL_COLOURS[lv]
        ax.fill_between(d["experience"], d["lower"], d["upper"], step="post", color=c, alpha=0.15, lw=0)
        ax.step(d["experience"], d["cumulative"], where="post", color=c, lw=2, ls=LEVEL_LINES[lv],
                label=f"{LEVEL_LABELS[lv]} (n = {int(d['n_start'].iloc[0])})")
    ax.set_ylabel("cumulative share\nentering agriculture")
    ax.set_ylim(0, 1)
    ax.grid(True, color="0.9", lw=0.6)
    # above the axes, clear of the curves and bands
    ax.legend(title="education at entry", frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)
    fig.suptitle(textwrap.fill(title, 60), fontsize=SUPTITLE)
    # numbers at risk: one row per group, men (unweighted) still at risk at each year of `at`
    risk.set_ylim(len(groups) - 0.5, -0.5)
    for i, lv in enumerate(groups):
        d = km[km["group"] == lv].set_index("experience")["n"]
        for x in at:  # a year not in the curve (past its end, or pooled away on the real file) stays blank
            if x in d.index:
                risk.text(x, i, f"{int(d[x])}", ha="center", va="center", fontsize=TEXT, color=LEVEL_COLOURS[lv])
    risk.set_yticks(range(len(groups)), [LEVEL_LABELS[lv] for lv in groups], fontsize=TEXT)
    risk.set_title("men at risk", fontsize=TITLE, loc="left")
    risk.set_xlabel("labour-market experience (years)")
    risk.tick_params(axis="y", length=0)
    for s in ("top", "right", "left"):
        risk.spines[s].set_visible(False)
    ax.set_xlim(min(at) - 1, max(at) + 1)
    if len(small):
        fig.text(0.01, 0.0, textwrap.fill(small_groups_note(small, min_men), 90), fontsize=TEXT, ha="left",
                 va="top")
    return fig


def not_drawn_note(not_drawn: list[tuple[str, int]], min_men: int) -> str:
    """The line under :func:`hazard_by_education` naming the curves disclosure control left out (real file)."""
    if not not_drawn:
        return "Every curve of the person-years is drawn."
    names = "; ".join(f"{LEVEL_LABELS.get(lv, lv)}, {HUKOU_SHORT[int(hc)]}" for lv, hc in not_drawn)
    return f"Not drawn, resting on fewer than {min_men} men with or without a move: {names}."


def small_groups_note(small: pd.Series, min_men: int = KM_MIN_MEN) -> str:
    """The sentence naming the groups :func:`cumulative_entry_plot` leaves out (for its caption and alt text)."""
    if small.empty:
        return f"Every group has at least {min_men} men at the start and is drawn."
    names = ", ".join(f"{LEVEL_LABELS.get(g, g)} ({n} men)" for g, n in small.items())
    return f"Not drawn, fewer than {min_men} men at the start: {names}."
