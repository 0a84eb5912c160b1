"""Figures of the Table 5 chapter (the quasi-RC II mobility models; Wu and Treiman 2007).

* :func:`score_plot`: the class scores of Models 1, 2 and 3a on one axis, ours beside the published;
* :func:`country_plot`: Model 1 for China beside England and Wales, France and Sweden.

Each returns the figure; the caller's ``title`` must say where the numbers come from.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from hukoumob.figures.mobility_tables import PALETTE
from hukoumob.inputs.classes import SHORT
from hukoumob.inputs.schema import CLASSES
from hukoumob.tables.table5.views import COUNTRY

MODEL_LABELS = {"model1": "Model 1\nall men", "model2": "Model 2\nurban origin", "model3a": "Model 3a\nrural origin"}
COUNTRY_COLOURS = {"China": "#c0392b", "EW": "#2c7fb8", "F": "#41ab5d", "S": "#fdae61"}


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
    ax.tick_params(labelsize=10.5)
    ax.invert_yaxis()
    ax.set_xlabel("Scaled class score φ\n(circles: ours; small triangles: published)", fontsize=10.5)
    ax.set_title(title, fontsize=12)
    ax.legend(ncol=6, loc="upper center", bbox_to_anchor=(0.5, -0.38), frameon=False, fontsize=10.5,
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
    axes[0].set_xlabel("Association μ among the mobile", fontsize=10.5)
    axes[0].set_ylabel("Immobility δ", fontsize=10.5)
    axes[0].set_title("Model 1 by country", fontsize=11.5)
    for country, colour in COUNTRY_COLOURS.items():
        axes[1].plot([SHORT[c] for c in CLASSES], [cw.loc[country, f"phi_{c}"] for c in CLASSES], "o-", color=colour,
                     label=COUNTRY[country])
    axes[1].axhline(0, color="0.8", lw=1)
    axes[1].set_xlabel("Class", fontsize=10.5)
    axes[1].set_ylabel("Class score φ", fontsize=10.5)
    axes[1].set_title("Class scores by country", fontsize=11.5)
    for ax in axes:
        ax.tick_params(labelsize=10)
        ax.legend(frameon=False, fontsize=10, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig
