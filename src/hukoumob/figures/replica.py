"""Figures of the replica chapter: the calibration scorecard (:func:`hukoumob.replica.scorecard.summary`).

:func:`scorecard_bars` draws one bar per criterion and table. Whether the goal is
met is said three ways, so that no reader depends on colour: the bar's colour
(Okabe-Ito blue or orange, told apart with the common colour-vision
deficiencies and in lightness), its hatching (missed goals are hatched) and the
words written at the bar's end ("met" / "missed", with the share and the goal).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from hukoumob.figures.style import MAX_WIDTH_IN, TITLE

#: Fill and hatching of a bar whose goal is met / missed.
MET_STYLE = {True: {"color": "#0072B2", "hatch": ""}, False: {"color": "#E69F00", "hatch": "///"}}


def scorecard_bars(summary: pd.DataFrame, title: str) -> plt.Figure:
    """The replica's calibration scorecard: share of numbers within tolerance per criterion and
    table (``summary`` has ``criterion`` (words), ``table``, ``hit_rate`` and ``goal``; rows with
    table ``all`` are left out), a tick at each goal and the verdict in words at each bar."""
    shown = summary[summary["table"] != "all"].reset_index(drop=True)
    labels = [textwrap.fill(f"{c} / {t}", 62) for c, t in zip(shown["criterion"], shown["table"])]
    # the criterion written over its bar (not as a tick label), so the bars keep the width at the book's
    # type size; fixed margins (not a layout engine, which shrinks the axes to fit long labels)
    height = 0.9 * len(shown) + 1.3
    fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN - 0.3, height))
    fig.subplots_adjust(left=0.02, right=0.68, top=1 - 0.55 / height, bottom=0.75 / height)
    y = list(range(len(shown)))[::-1]
    for yi, rate, goal, label in zip(y, shown["hit_rate"], shown["goal"], labels):
        met = bool(rate >= goal)
        ax.barh(yi, rate, height=0.45, color=MET_STYLE[met]["color"], hatch=MET_STYLE[met]["hatch"],
                edgecolor="white", lw=0)
        ax.plot([goal, goal], [yi - 0.27, yi + 0.27], color="black", lw=2)
        ax.text(0.0, yi + 0.27, label, va="bottom", ha="left", linespacing=1.1)
        ax.text(1.02, yi, f"{rate:.0%} ({'met' if met else 'missed'}; goal {goal:.0%})", va="center")
    ax.set_yticks([])
    ax.set_ylim(-0.5, len(shown) - 0.1)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("share of numbers within tolerance (black tick: the goal)")
    ax.set_title(textwrap.fill(title, 60), fontsize=TITLE)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return fig
