"""Figure of the model-choice chapter: BIC of the mobility-model family on each panel
(:func:`hukoumob.tables.model_fit` statistics; Tables 3 and 4 re-estimated from the published tables).

:func:`bic_by_panel` puts the twelve models on the vertical axis, so that their
names are written horizontally at the size of the text, and the panels side by
side as dot columns; the paper's model is marked.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from hukoumob.figures.style import TEXT, TITLE

#: Okabe-Ito colours and markers of the four panels (told apart without colour too).
PANEL_STYLE = (("#0072B2", "o"), ("#E69F00", "s"), ("#009E73", "^"), ("#CC79A7", "D"))


def bic_by_panel(stats: dict[str, pd.DataFrame], models: list[str], paper: str, panel_labels: dict[str, str],
                 title: str) -> plt.Figure:
    """BIC of each model (rows, in ``models`` order, top down) on each panel (one marker per panel,
    ``stats[panel]`` indexed by model with a ``bic`` column), drawn as the difference from the
    panel's best model (0 = best; differences above 10 are strong evidence against a model,
    Raftery 1995), on a symmetric log scale so that near-ties and the worst models both show;
    the paper's model's row is shaded and the best model of each panel ringed."""
    fig, ax = plt.subplots(figsize=(6.4, 0.36 * len(models) + 2.0), layout="constrained")
    y = np.arange(len(models))[::-1]
    row = dict(zip(models, y))
    ax.axhspan(row[paper] - 0.5, row[paper] + 0.5, color="0.9", zorder=0)
    top = 1.0
    for (p, st), (colour, marker) in zip(stats.items(), PANEL_STYLE):
        bic = st.loc[models, "bic"].to_numpy(float)
        bic = bic - np.nanmin(bic)
        top = max(top, float(np.nanmax(bic)))
        ax.scatter(bic, y, color=colour, marker=marker, s=40, label=panel_labels.get(p, p), zorder=3)
        best = int(np.nanargmin(bic))
        ax.scatter(bic[best], y[best], s=160, facecolor="none", edgecolor=colour, lw=1.5, zorder=2)
    ax.set_yticks(y, [m + (" (paper)" if m == paper else "") for m in models], fontsize=TEXT)
    ax.set_ylim(-0.6, len(models) - 0.4)
    ax.set_xscale("symlog", linthresh=1)
    ax.axvline(10, color="0.5", lw=0.8, ls="--")
    ax.set_xlim(-0.3, top * 2.5)
    ax.set_xlabel("BIC minus the panel's best model (0 = best; dashed: 10)")
    ax.grid(True, axis="x", color="0.9")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False, fontsize=TEXT)
    ax.set_title(textwrap.fill(title, 60), fontsize=TITLE)
    return fig
