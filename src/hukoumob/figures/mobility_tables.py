"""Figures of the mobility chapters: alluvial flows and outflow heatmaps (Tables 3 and 4).

Every function draws on a matplotlib Axes it is given (or makes a figure) and
returns the figure, so chapters stay one line per figure. Titles are set by
the caller and must say where the numbers come from.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from hukoumob.figures.style import MAX_WIDTH_IN, SUPTITLE, TEXT, TITLE
from hukoumob.inputs.classes import SHORT
from hukoumob.inputs.schema import CLASSES

#: One colour per class, used for fathers' classes in every figure.
PALETTE = dict(zip(CLASSES, sns.color_palette("colorblind", len(CLASSES))))


def _band(ax, x0: float, x1: float, left: tuple[float, float], right: tuple[float, float], colour, alpha: float) -> None:
    """A flow band from the interval ``left`` at x0 to ``right`` at x1, with S-shaped edges."""
    xm = (x0 + x1) / 2
    (l0, l1), (r0, r1) = left, right
    verts = [
        (x0, l0), (xm, l0), (xm, r0), (x1, r0),
        (x1, r1), (xm, r1), (xm, l1), (x0, l1), (x0, l0),
    ]
    codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4,
             MplPath.LINETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour, edgecolor="none", alpha=alpha))


def spread_labels(centres: np.ndarray, min_gap: float, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """Label heights near ``centres`` (listed top to bottom) at least ``min_gap`` apart and inside
    [low, high]: thin blocks get their label too, moved just enough to be read."""
    ys = np.array(centres, dtype=float)
    for i in range(1, len(ys)):  # top down: push each label below the one above
        ys[i] = min(ys[i], ys[i - 1] - min_gap)
    if len(ys) and ys[-1] < low:  # ran off the bottom: push back up
        ys[-1] = low
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = max(ys[i], ys[i + 1] + min_gap)
    return np.minimum(ys, high)


def alluvial(counts: pd.DataFrame, ax: plt.Axes, title: str, gap: float = 0.012, min_gap: float = 0.065) -> plt.Axes:
    """Flow diagram of fathers' class (left) to sons' class (right).

    ``counts`` is an origin x destination table of weighted counts; band
    widths are shares of the panel's total, so two panels of different size
    are comparable as distributions. Bands take the father's colour; sons'
    blocks are grey. Every block carries its class and share; labels of thin
    blocks are spread at least ``min_gap`` apart, with a leader line to the block.
    """
    share = counts.reindex(index=list(CLASSES), columns=list(CLASSES)).to_numpy(float)
    share = share / share.sum()
    k = len(CLASSES)
    span = 1.0 - gap * (k - 1)
    out_tot, in_tot = share.sum(axis=1) * span, share.sum(axis=0) * span

    def tops(totals):
        pos, y = [], 1.0
        for t in totals:
            pos.append(y)
            y -= t + gap
        return np.array(pos)

    left_top, right_top = tops(out_tot), tops(in_tot)
    width, x0, x1 = 0.06, 0.0, 1.0
    right_fill = right_top.copy()
    for v, cls in enumerate(CLASSES):
        y = left_top[v]
        ax.add_patch(Rectangle((x0 - width, y - out_tot[v]), width, out_tot[v], color=PALETTE[cls]))
        for q in range(k):
            h = share[v, q] * span
            if h <= 0:
                continue
            _band(ax, x0, x1, (y, y - h), (right_fill[q], right_fill[q] - h), PALETTE[cls], 0.55)
            y -= h
            right_fill[q] -= h
    for side, top, tot, x, ha in ((0, left_top, out_tot, x0 - width - 0.02, "right"),
                                  (1, right_top, in_tot, x1 + width + 0.02, "left")):
        centres = top - tot / 2
        ys = spread_labels(centres, min_gap)
        for i, cls in enumerate(CLASSES):
            if side:
                ax.add_patch(Rectangle((x1, top[i] - tot[i]), width, tot[i], color="0.45"))
            ax.text(x, ys[i], f"{SHORT[cls]} {tot[i] / span:.0%}", ha=ha, va="center", fontsize=TEXT)
            if abs(ys[i] - centres[i]) > 0.004:  # moved off its block: a leader line back to it
                edge = x0 - width if side == 0 else x1 + width
                ax.plot([edge, x + (0.015 if side == 0 else -0.015)], [centres[i], ys[i]], color="0.5", lw=0.7)
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(-0.02, 1.02)
    ax.axis("off")
    ax.text(x0 - width / 2, 1.05, "Father", ha="center", fontsize=TEXT, weight="bold")
    ax.text(x1 + width / 2, 1.05, "Son", ha="center", fontsize=TEXT, weight="bold")
    ax.set_title(title, fontsize=TITLE, pad=30)
    return ax


def alluvial_pair(panels: dict[str, pd.DataFrame], suptitle: str, ncols: int = 1) -> plt.Figure:
    """Alluvial diagrams, one per panel (for example urban vs rural origin), stacked by default.

    One column keeps the figure about 6.5 inches wide, inside the text column at
    the book's type size (:mod:`hukoumob.figures.style`); ``ncols=2`` puts the
    panels side by side (wider than the column: it scrolls).
    """
    n = len(panels)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.4 * ncols, 4.6 * nrows + 0.6), squeeze=False)
    for ax, (name, counts) in zip(axes.flat, panels.items()):
        alluvial(counts, ax, name)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(textwrap.fill(suptitle, 62 * ncols), fontsize=SUPTITLE)
    fig.tight_layout()
    return fig


def column_labels(ns: pd.Series | None = None) -> list[str]:
    """Father-column labels of a heatmap: the class, and under it the column's men when ``ns``
    (father class -> men) is given, so that a percentage resting on a handful of men says so."""
    if ns is None:
        return [SHORT[c] for c in CLASSES]
    return [f"{SHORT[c]}\n{ns[c]:,.0f}" if pd.notna(ns.get(c)) else SHORT[c] for c in CLASSES]


def outflow_heatmap(pct: pd.DataFrame, ax: plt.Axes, title: str, vmax: float = 80.0,
                    ns: pd.Series | None = None) -> plt.Axes:
    """Outflow percentages (son rows x father columns) as an annotated heatmap, diagonal boxed.

    The boxed diagonal cells are the sons who stayed in their father's class:
    the immobility that Table 5's ``delta`` models. ``ns`` (father class -> men,
    e.g. :func:`hukoumob.tables.table3_4.column_ns`'s ``unweighted_n``) is written
    under each column's class.
    """
    cells = pct.reindex(index=list(CLASSES), columns=list(CLASSES)).astype(float)
    labels = [SHORT[c] for c in CLASSES]
    sns.heatmap(cells.to_numpy(), ax=ax, annot=True, fmt=".0f", cmap="Blues", vmin=0, vmax=vmax,
                cbar=False, linewidths=0.5, linecolor="white", xticklabels=column_labels(ns), yticklabels=labels,
                annot_kws={"fontsize": TEXT})
    for i in range(len(CLASSES)):
        ax.add_patch(Rectangle((i, i), 1, 1, fill=False, edgecolor="black", lw=2))
    ax.set_xlabel("Father's class" + ("\n(men in the column)" if ns is not None else ""), fontsize=TEXT)
    ax.set_ylabel("Son's class", fontsize=TEXT)
    ax.set_title(title, fontsize=TITLE)
    ax.tick_params(axis="both", labelsize=TEXT)
    ax.tick_params(axis="y", rotation=0)
    return ax


def outflow_heatmaps(panels: dict[str, pd.DataFrame], suptitle: str, ncols: int = 2,
                     ns: dict[str, pd.Series] | None = None) -> plt.Figure:
    """A grid of :func:`outflow_heatmap` panels sharing one colour scale, with a colour bar.

    Axis titles and the sons' class labels are written once per row and column, the
    colour bar lies under the grid, and the figure is 7 inches wide, so that the cell
    percentages and the column Ns keep the book's type size (:mod:`hukoumob.figures.style`).
    ``ns`` maps a panel's title to its column Ns (men per father's class), written
    under the class labels.
    """
    n = len(panels)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(MAX_WIDTH_IN if ncols > 1 else 4.8,
                                                    (3.9 if ns else 3.5) * nrows + 1.4), squeeze=False,
                             layout="constrained")
    for i, (ax, (name, pct)) in enumerate(zip(axes.flat, panels.items())):
        outflow_heatmap(pct, ax, textwrap.fill(name, 30), ns=(ns or {}).get(name))
        if i % ncols:
            ax.set_ylabel("")  # only the left column names the rows
            ax.tick_params(axis="y", labelleft=False)
        if i + ncols < n:
            ax.set_xlabel("")  # only the lowest panel of each column names the columns
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(textwrap.fill(suptitle, 60), fontsize=SUPTITLE)
    bar = fig.colorbar(axes.flat[0].collections[0], ax=axes, orientation="horizontal", shrink=0.7, aspect=40,
                       pad=0.02)
    bar.set_label("Per cent of sons in the father's class", fontsize=TEXT)
    bar.ax.tick_params(labelsize=TEXT)
    return fig


def farm_share_bars(shares: dict[str, pd.Series], title: str) -> plt.Figure:
    """Share of sons farming by father's class, one bar per panel (Tables 3-4, :func:`table3_4.farm_shares`).

    ``shares`` maps a panel's title to its shares (per cent) by father's
    class; a pooled ``non_farm`` entry, where present, is drawn as a dashed
    line per panel across the non-farm classes. The farm column is the
    immobility of farmers' sons, the others the flow into farming.
    """
    fathers = list(CLASSES)
    width = 0.8 / len(shares)
    colours = sns.color_palette("colorblind", len(shares))
    fig, ax = plt.subplots(figsize=(6.6, 5.4), layout="constrained")
    x = np.arange(len(fathers))
    for i, ((name, s), colour) in enumerate(zip(shares.items(), colours)):
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(pos, s.reindex(fathers).to_numpy(dtype=float), width, label=name, color=colour)
        if "non_farm" in s.index:
            ax.hlines(s["non_farm"], -0.45, len(fathers) - 1.55, colors=[colour], linestyles="dashed", lw=1.2)
    ax.set_xticks(x, [SHORT[c] for c in fathers])
    ax.set_xlabel("Father's class")
    ax.set_ylabel("Sons in farming (per cent)")
    ax.set_ylim(0, 100)
    handles, labels = ax.get_legend_handles_labels()
    if any("non_farm" in s.index for s in shares.values()):
        handles.append(plt.Line2D([], [], color="0.3", ls="dashed", lw=1.2))
        labels.append("dashed: all sons of non-farm fathers")
    ax.legend(handles, labels, frameon=False, loc="upper left", bbox_to_anchor=(0.0, -0.16), ncol=1)
    ax.set_title(textwrap.fill(title, 60), fontsize=TITLE)
    return fig
