"""The reproducibility report's figure: every printed number, reproduced against published, by source.

:func:`reproduced_vs_published` takes the report frame of
:func:`hukoumob.book.report.build_report` (``results/reproducibility.csv``): one
panel per table of the paper, points coloured by source and shaped by the grade
of their verdict.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from hukoumob.figures.style import SUPTITLE, TEXT, TITLE
from hukoumob.inputs.labels import SOURCE_LABELS, TABLE_TITLES
from hukoumob.inputs.schema import SCHEMAS

#: Colours of the sources in figures (Okabe-Ito: safe for colour-blind readers).
SOURCE_COLOURS = {"published_tables": "#0072B2", "replica": "#E69F00", "lhsccc": "#009E73"}

#: Marker of each grade of verdict in the figure.
_MARKERS = {"agrees": "o", "close": "s", "off": "X", "neutral": "D", "cannot": "."}
_GRADE_LABELS = {"agrees": "reproduced / on calibration target", "close": "within 1 SE / SE within 30%",
                 "off": "differs / off target", "neutral": "not a calibration target"}


def _symlog_ticks(lo: float, hi: float) -> list[float]:
    """Zero and signed powers of ten inside [lo, hi], every other power when there are many."""
    top = int(np.ceil(np.log10(max(abs(lo), abs(hi), 1))))
    step = 2 if top > 4 else 1
    powers = [10.0 ** k for k in range(top, 0, -step)]
    return sorted({0.0, *(p for p in powers if p <= hi), *(-p for p in powers if -p >= lo)})


def reproduced_vs_published(report: pd.DataFrame, title: str, ncols: int = 2) -> plt.Figure:
    """Reproduced against published values, one panel per table, points coloured by source.

    Only numeric published values with a reproduced value are drawn; inputs
    of the published-table rebuild (round trips) are left out, since their
    agreement is not evidence. The 45-degree line marks perfect agreement;
    a marker's shape gives its verdict. Panels whose values span several
    orders of magnitude (Ns, birth years, log-likelihoods) use
    symmetric-log axes, linear between -1 and 1.
    """
    points = report[(report["feasible"] == "yes") & report["ours"].notna()].copy()
    points = points[points["published"].map(lambda v: isinstance(v, (int, float, np.floating)))]
    points["x"] = points["published"].astype(float)
    points["y"] = pd.to_numeric(points["ours"], errors="coerce")
    points = points.dropna(subset=["y"])
    tables = list(SCHEMAS)
    nrows = int(np.ceil(len(tables) / ncols))
    legend_in = 2.0  # under the panels: the legend, one entry a line
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 3.1 * nrows + legend_in + 0.6), squeeze=False)
    for ax, table in zip(axes.flat, tables):
        sub = points[points["table"] == table]
        ax.set_title(TABLE_TITLES[table], fontsize=TITLE)
        ax.set_xlabel("published value")
        ax.set_ylabel("reproduced value")
        if sub.empty:
            ax.text(0.5, 0.5, "nothing reproduced yet", ha="center", va="center", transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        lo = float(min(sub["x"].min(), sub["y"].min()))
        hi = float(max(sub["x"].max(), sub["y"].max()))
        if max(abs(lo), abs(hi)) > 200:
            ax.set_xscale("symlog", linthresh=1)
            ax.set_yscale("symlog", linthresh=1)
            lo_lim = -0.3 if lo >= 0 else lo * 2
            hi_lim = hi * 2 if hi > 0 else 0.3
            ticks = _symlog_ticks(lo_lim, hi_lim)
            ax.set_xticks(ticks)
            ax.set_yticks(ticks)
        else:
            pad = 0.06 * (hi - lo or 1)
            lo_lim, hi_lim = lo - pad, hi + pad
        line = np.linspace(lo_lim, hi_lim, 2000)
        ax.plot(line, line, color="0.6", lw=1, zorder=1)
        for source, group in sub.groupby("source"):
            on_top = source == "published_tables"  # the genuine reproductions are drawn over the replica
            for grade, part in group.groupby("grade"):
                ax.scatter(part["x"], part["y"], s=(40 if grade == "off" else 24) * (1.4 if on_top else 1),
                           marker=_MARKERS.get(str(grade), "o"), color=SOURCE_COLOURS[source],
                           edgecolor="black" if grade == "off" else "none", linewidth=0.5,
                           alpha=0.9 if on_top else 0.6, zorder=4 if on_top else 3)
        ax.set_xlim(lo_lim, hi_lim)
        ax.set_ylim(lo_lim, hi_lim)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(tables):]:
        ax.set_visible(False)
    handles = [plt.Line2D([], [], marker="o", ls="", color=SOURCE_COLOURS[s], label=SOURCE_LABELS[s])
               for s in SOURCE_COLOURS if s in set(points["source"])]
    handles += [plt.Line2D([], [], marker=_MARKERS[g], ls="", color="0.4", markeredgecolor="black"
                           if g == "off" else "none", label=label) for g, label in _GRADE_LABELS.items()]
    handles.append(plt.Line2D([], [], color="0.6", lw=1, label="published = reproduced"))
    fig.legend(handles=handles, loc="lower center", ncol=1, frameon=False, bbox_to_anchor=(0.5, 0.0),
               fontsize=TEXT)
    fig.suptitle(textwrap.fill(title, 60), fontsize=SUPTITLE)
    fig.tight_layout(rect=(0, legend_in / (3.1 * nrows + legend_in + 0.6) + 0.01, 1, 0.97))
    return fig
