"""Figures of the Table 6 chapter (downward mobility into agriculture; Wu and Treiman 2007).

* :func:`history_figure`: one man's history and the person-year records it becomes;
* :func:`hazard_by_education`: Model 4's predicted annual hazard by education,
  hukou changers and stayers, with confidence bands;
* :func:`cumulative_entry_plot`: Kaplan-Meier cumulative share entering agriculture.

Each returns the figure; the caller's ``title`` must say where the numbers come
from (e.g. SYNTHETIC for the replica).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from hukoumob.tables.table6 import LEVELS

LEVEL_LABELS = {"primary": "Primary", "junior_hs": "Junior high", "senior_hs": "Senior high",
                "vocational": "Vocational", "college": "College+"}
LEVEL_COLOURS = dict(zip(LEVELS, sns.color_palette("viridis", len(LEVELS))))


def history_figure(man: pd.Series, py: pd.DataFrame, title: str) -> plt.Figure:
    """Table 6's person-year construction: timeline of one man (dated events above) and his person-year records (boxes below:
    one per year at risk, shaded by education level, the event year marked)."""
    fig, ax = plt.subplots(figsize=(7.2, 4.3))
    first = int(man.get("birth_year", man["labor_force_entry_year"] - 18))
    events = {"born": man.get("birth_year"), "junior high": man["year_junior_hs"],
              "enters labour force (clock starts)": man["labor_force_entry_year"],
              "senior high": man["year_senior_hs"], "joins the party": man["party_join_year"],
              "first job in agriculture (event)": man["farm_entry_year"]}
    events = {k: v for k, v in events.items() if pd.notna(v)}
    last = max(1996, int(max(events.values())))
    ax.hlines(1.0, first, last + 1, color="0.3")
    for i, (label, year) in enumerate(sorted(events.items(), key=lambda kv: kv[1])):
        height = 1.2 + 0.45 * (i % 3)
        ax.plot([year, year], [1.0, height], color="0.4", lw=0.8)
        ax.annotate(f"{textwrap.fill(label, 18)}\n{int(year)}", (year, height), fontsize=9, ha="center", va="bottom")
    lev = np.select([py[f"educ_{l}"] == 1 for l in LEVELS[1:]], LEVELS[1:], default="primary")
    for (_, r), lv in zip(py.iterrows(), lev):
        ax.add_patch(plt.Rectangle((r["year"], 0.35), 0.9, 0.4, facecolor=LEVEL_COLOURS[lv],
                                   edgecolor="black" if r["event"] else "none", lw=1.5 if r["event"] else 0))
        ax.text(r["year"] + 0.45, 0.55, f"{int(r['labor_market_experience'])}", ha="center", va="center",
                fontsize=7.5, color="white")
        if r["party_member"]:
            ax.plot(r["year"] + 0.45, 0.27, marker="*", color="crimson", ms=5)
    handles = [plt.Rectangle((0, 0), 1, 1, color=LEVEL_COLOURS[l]) for l in dict.fromkeys(lev)]
    ax.legend(handles + [plt.Line2D([], [], marker="*", color="crimson", ls="")],
              [f"{LEVEL_LABELS[l]} (time-varying)" for l in dict.fromkeys(lev)] + ["party member before the year"],
              loc="lower right", fontsize=9, frameon=False)
    ax.text(first, 0.55, "person-years\n(number: experience;\nbox: event = 1)", fontsize=9, va="center")
    ax.set_xlim(first - 0.5, last + 1.5)
    ax.set_ylim(0.1, 2.75)
    ax.set_yticks([])
    ax.set_xlabel("calendar year")
    for s in ("left", "right", "top"):
        ax.spines[s].set_visible(False)
    ax.set_title(textwrap.fill(title, 80), fontsize=11)
    fig.tight_layout()
    return fig


def hazard_by_education(pred: pd.DataFrame, title: str) -> plt.Figure:
    """Table 6 Model 4: predicted annual hazard (with band) against labour-market experience, one line per
    education level, stayers above hukou changers on the same scales (:func:`hukoumob.tables.table6.predicted_hazard`)."""
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 7.4), sharex=True, sharey=True)
    for ax, hc, name in zip(axes, (0, 1), ("Kept a rural hukou", "Changed to an urban hukou")):
        sub = pred[pred["hukou_change"] == hc]
        for lv in LEVELS:
            d = sub[sub["education"] == lv]
            if d.empty:
                continue
            c = LEVEL_COLOURS[lv]
            ax.plot(d["labor_market_experience"], d["hazard"], color=c, label=LEVEL_LABELS[lv])
            ax.fill_between(d["labor_market_experience"], d["lower"], d["upper"], color=c, alpha=0.15)
        ax.set_title(name, fontsize=11)
        ax.set_ylabel("annual hazard (log scale)", fontsize=10)
        ax.set_yscale("log")
        ax.tick_params(labelsize=9.5)
        ax.legend(title="education", fontsize=9, title_fontsize=9.5, frameon=False,
                  loc="center left", bbox_to_anchor=(1.01, 0.5))
    axes[-1].set_xlabel("labour-market experience (years)", fontsize=10)
    fig.suptitle(textwrap.fill(title, 60), fontsize=12)
    fig.tight_layout()
    return fig


def cumulative_entry_plot(km: pd.DataFrame, title: str) -> plt.Figure:
    """Table 6's population: weighted Kaplan-Meier cumulative share entering agriculture by experience, one step line
    per group (:func:`hukoumob.tables.table6.cumulative_entry`)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for lv in LEVELS:
        d = km[km["group"] == lv].sort_values("experience")
        if d.empty:
            continue
        n0 = int(d["n"].iloc[0])
        ax.step(d["experience"], d["cumulative"], where="post", color=LEVEL_COLOURS[lv],
                label=f"{LEVEL_LABELS[lv]} (n = {n0})")
    ax.set_xlabel("labour-market experience (years)", fontsize=10)
    ax.set_ylabel("cumulative share entering agriculture", fontsize=10)
    ax.set_ylim(0, 1)
    ax.tick_params(labelsize=9.5)
    ax.legend(title="education at entry", fontsize=9, title_fontsize=9.5, frameon=False)
    ax.set_title(textwrap.fill(title, 60), fontsize=11)
    fig.tight_layout()
    return fig
