"""Figures of the Table 5 chapter (the quasi-RC II mobility models; Wu and Treiman 2007).

* :func:`score_plot`: the class scores of Models 1, 2 and 3a on one axis, ours beside the published;
* :func:`note11_comparison`: China's immobility and association (Models 1, 2, 3a) against the
  ranges the paper's note 11 prints for six former state socialist and four developing countries;
* :func:`country_plot`: the labelled extension, Model 1 for China beside England and Wales, France
  and Sweden in the early 1970s.

Each returns the figure; the caller's ``title`` must say where the numbers come from.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from hukoumob.figures.mobility_tables import PALETTE
from hukoumob.figures.style import SUPTITLE, TEXT, TITLE
from hukoumob.inputs.classes import SHORT
from hukoumob.inputs.schema import CLASSES
from hukoumob.tables.table5.views import COUNTRY

MODEL_LABELS = {"model1": "Model 1\nall men", "model2": "Model 2\nurban origin", "model3a": "Model 3a\nrural origin"}
COUNTRY_COLOURS = {"China": "#c0392b", "EW": "#2c7fb8", "F": "#41ab5d", "S": "#fdae61"}
MODEL_COLOURS = {"model1": "#000000", "model2": "#D55E00", "model3a": "#009E73"}
GROUP_COLOURS = {"socialist": "#56B4E9", "developing": "#CC79A7"}


def score_plot(fits: dict, published: pd.Series, title: str) -> plt.Figure:
    """Dot plot of the six class scores per model: ours as circles, the published as small triangles below.

    ``fits``: model -> results with ``phi``; ``published``: Table 5 values
    indexed by (model, panel, term, statistic).
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.9))
    for y, (m, fit) in enumerate(fits.items()):
        ax.axhline(y, color="0.85", lw=1, zorder=0)
        for c in CLASSES:
            ax.scatter(fit.phi[c], y, s=100, color=PALETTE[c], edgecolor="black", zorder=3,
                       label=SHORT[c] if y == 0 else None)
            ax.scatter(published[(m, "A_scaling", c, "est")], y + 0.2, marker="v", s=36, color=PALETTE[c], zorder=3)
    ax.set_yticks(range(len(fits)), [MODEL_LABELS.get(m, m) for m in fits])
    ax.tick_params(labelsize=TEXT)
    ax.invert_yaxis()
    ax.set_xlabel("Scaled class score φ\n(circles: ours; small triangles: published)", fontsize=TEXT)
    ax.set_title(title, fontsize=TITLE)
    ax.legend(ncol=6, loc="upper center", bbox_to_anchor=(0.5, -0.38), frameon=False, fontsize=TEXT,
              handletextpad=0.1, columnspacing=0.9)
    fig.tight_layout()
    return fig


def country_plot(countries: pd.DataFrame, title: str) -> plt.Figure:
    """Two panels from :func:`hukoumob.tables.table5.from_published.country_comparison`: immobility
    against association per country (above) and each country's class scores (below)."""
    cw = countries.pivot(index="country", columns="term", values="value")
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 8.2))
    for country, colour in COUNTRY_COLOURS.items():
        axes[0].scatter(cw.loc[country, "association"], cw.loc[country, "immobility"], s=120, color=colour,
                        edgecolor="black", label=COUNTRY[country])
    axes[0].set_xlabel("Association μ among the mobile", fontsize=TEXT)
    axes[0].set_ylabel("Immobility δ", fontsize=TEXT)
    axes[0].set_title("Model 1 by country", fontsize=TITLE)
    for country, colour in COUNTRY_COLOURS.items():
        axes[1].plot([SHORT[c] for c in CLASSES], [cw.loc[country, f"phi_{c}"] for c in CLASSES], "o-", color=colour,
                     label=COUNTRY[country])
    axes[1].axhline(0, color="0.8", lw=1)
    axes[1].set_xlabel("Class", fontsize=TEXT)
    axes[1].set_ylabel("Class score φ", fontsize=TEXT)
    axes[1].set_title("Class scores by country", fontsize=TITLE)
    for ax in axes:
        ax.tick_params(labelsize=TEXT)
        ax.legend(frameon=False, fontsize=TEXT, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    fig.suptitle(title, fontsize=SUPTITLE)
    fig.tight_layout()
    return fig


def note11_comparison(china: pd.DataFrame, ranges: pd.DataFrame, title: str) -> plt.Figure:
    """China's Models 1, 2, 3a against note 11's ranges, one panel per parameter.

    ``china``: columns model, parameter (immobility, association), ours, paper.
    ``ranges``: :func:`hukoumob.inputs.text_numbers.note11_ranges` (its ``label`` names each
    group). Each range is a bar from its lowest to its highest country (named at the ends, with
    the value as printed); China's models are vertical lines (ours) with the printed value as a
    small triangle on top.
    """
    import textwrap

    group_labels = {r.group: textwrap.fill(r.label, 20) for r in ranges.itertuples()}
    params = ["immobility", "association"]
    fig, axes = plt.subplots(2, 1, figsize=(6.6, 8.0))
    for ax, parameter in zip(axes, params):
        sub = ranges[ranges["parameter"] == parameter].set_index("group")
        for y, group in enumerate(["socialist", "developing"]):
            r = sub.loc[group]
            ax.plot([r["low"], r["high"]], [y, y], lw=10, color=GROUP_COLOURS[group], solid_capstyle="butt",
                    label=group_labels[group].replace("\n", " "), zorder=2)
            for side, dx, ha in (("low", -5, "right"), ("high", 5, "left")):
                ax.annotate(f"{r[side + '_country']} {r[side + '_printed']}", (r[side], y), xytext=(dx, 0),
                            textcoords="offset points", ha=ha, va="center", fontsize=TEXT, zorder=5,
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
        top = 2.0
        for m, row in china[china["parameter"] == parameter].set_index("model").iterrows():
            ax.axvline(row["ours"], color=MODEL_COLOURS[m], lw=1.8, ymax=0.93, zorder=3,
                       label=MODEL_LABELS[m].replace("\n", ", ") + " (China)")
            ax.scatter(row["paper"], top, marker="v", s=50, color=MODEL_COLOURS[m], zorder=4, clip_on=False)
        ax.set_ylim(-0.7, top + 0.2)
        ax.set_yticks([0, 1], [group_labels["socialist"], group_labels["developing"]], fontsize=TEXT)
        ax.set_xlabel({"immobility": "Immobility δ", "association": "Association μ among the mobile"}[parameter]
                      + "\n(lines: ours; triangles: printed)", fontsize=TEXT)
        ax.tick_params(axis="x", labelsize=TEXT)
        lo = min(ranges.loc[ranges["parameter"] == parameter, "low"].min(), china.loc[china["parameter"] == parameter, "ours"].min())
        hi = max(ranges.loc[ranges["parameter"] == parameter, "high"].max(), china.loc[china["parameter"] == parameter, "ours"].max())
        ax.set_xlim(lo - 0.6 * (hi - lo), hi + 0.35 * (hi - lo))
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=1, frameon=False, fontsize=TEXT)
    fig.suptitle(title, fontsize=SUPTITLE)
    fig.tight_layout(rect=(0, 0.2, 1, 1))
    return fig
