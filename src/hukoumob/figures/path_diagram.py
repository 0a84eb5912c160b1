"""Path diagrams of the basic Blau-Duncan model of status attainment (Table 2).

Five boxes, as in Blau and Duncan (1967: 170): V father's education,
X father's occupation, U own education, W first job, Y current occupation.
Arrows carry the standardized path coefficients of
:func:`hukoumob.tables.table1_2.path_coefficients`; the curved two-headed arrow
is the correlation of the two exogenous variables, and the short arrows
R-squared of each equation is written below the diagram. Titles are set by the
caller and must say where the numbers come from.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from hukoumob.figures.style import SUPTITLE, TEXT, TITLE

#: Box centre and label of each variable.
NODES = {
    "father_educ": ((0.0, 1.0), "V\nFather's\neducation"),
    "father_isei": ((0.0, 0.0), "X\nFather's\noccupation"),
    "educ": ((1.15, 1.0), "U\nEducation"),
    "first_isei": ((1.15, 0.0), "W\nFirst job"),
    "current_isei": ((2.3, 0.5), "Y\nCurrent\noccupation"),
}
BOX_W, BOX_H = 0.58, 0.34
#: Curvature and label position (fraction along the arrow) of each path, chosen so labels do not collide.
_STYLE = {
    ("father_educ", "educ"): (0.0, 0.5),
    ("father_isei", "educ"): (0.0, 0.25),
    ("father_educ", "first_isei"): (0.0, 0.25),
    ("father_isei", "first_isei"): (0.0, 0.5),
    ("educ", "first_isei"): (0.0, 0.5),
    ("educ", "current_isei"): (0.0, 0.55),
    ("first_isei", "current_isei"): (0.0, 0.55),
    ("father_educ", "current_isei"): (-0.35, 0.5),
    ("father_isei", "current_isei"): (0.35, 0.5),
}


def _edge(node: str, towards: tuple[float, float]) -> tuple[float, float]:
    """Point on the border of ``node``'s box in the direction of ``towards``."""
    (x, y), _ = NODES[node]
    dx, dy = towards[0] - x, towards[1] - y
    scale = min(BOX_W / 2 / abs(dx) if dx else np.inf, BOX_H / 2 / abs(dy) if dy else np.inf)
    return x + dx * scale, y + dy * scale


def _label(ax, p0, p1, rad: float, frac: float, text: str, colour: str) -> None:
    """Write ``text`` at ``frac`` along the (possibly arced) arrow from p0 to p1."""
    p0, p1 = np.asarray(p0), np.asarray(p1)
    mid = (p0 + p1) / 2
    d = p1 - p0
    ctrl = mid + rad * np.array([d[1], -d[0]])  # matplotlib arc3 control point
    t = frac
    pos = (1 - t) ** 2 * p0 + 2 * t * (1 - t) * ctrl + t**2 * p1
    ax.text(*pos, text, ha="center", va="center", fontsize=TEXT, color=colour,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))


def path_diagram(coefs: pd.DataFrame, ax: plt.Axes, title: str, *, decimals: int = 2) -> plt.Axes:
    """Draw one path diagram on ``ax`` from :func:`hukoumob.tables.table1_2.path_coefficients` rows.

    Arrow width grows with the size of the coefficient; paths negative at
    the shown precision are drawn dashed in red.
    """
    for node, ((x, y), text) in NODES.items():
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                    boxstyle="round,pad=0.02", fc="#eef3fa", ec="0.3", lw=1.2))
        ax.text(x, y, text, ha="center", va="center", fontsize=TEXT)
    fmt = f"{{:.{decimals}f}}"
    for row in coefs.itertuples(index=False):
        value = round(float(row.value), decimals) + 0.0  # no "-0.00"
        if row.kind == "path":
            rad, frac = _STYLE.get((row.source, row.target), (0.0, 0.5))
            c_src, c_tgt = NODES[row.source][0], NODES[row.target][0]
            p0, p1 = _edge(row.source, c_tgt), _edge(row.target, c_src)
            if rad:
                # start and end at the top or bottom of the boxes for the long arcs
                sign = 1 if rad < 0 else -1
                p0 = (c_src[0] + BOX_W / 4, c_src[1] + sign * BOX_H / 2)
                p1 = (c_tgt[0] - BOX_W / 4 * 0, c_tgt[1] + sign * BOX_H / 2)
            colour = "#b2182b" if value < 0 else "0.15"
            ax.add_patch(FancyArrowPatch(p0, p1, connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                         mutation_scale=12, lw=0.6 + 3.0 * abs(value), color=colour,
                                         linestyle="--" if value < 0 else "-", shrinkA=0, shrinkB=0))
            _label(ax, p0, p1, rad, frac, fmt.format(value), colour)
        elif row.kind == "correlation":
            (x0, y0), (x1, y1) = NODES[row.source][0], NODES[row.target][0]
            p0, p1 = (x0 - BOX_W / 2, y0), (x1 - BOX_W / 2, y1)
            ax.add_patch(FancyArrowPatch(p0, p1, connectionstyle="arc3,rad=0.45", arrowstyle="<|-|>",
                                         mutation_scale=10, lw=1.0, color="0.4"))
            _label(ax, p0, p1, 0.45, 0.5, fmt.format(value), "0.3")
    res = coefs[coefs["kind"] == "residual"].set_index("target")["value"]
    r2 = "   ".join(f"{NODES[t][1][0]}: {1 - v**2:.2f}" for t, v in res.items())
    ax.text(1.15, -0.42, f"R-squared   {r2}", ha="center", va="center", fontsize=TEXT, color="0.3")
    ax.set_xlim(-0.55, 2.75)
    ax.set_ylim(-0.5, 1.55)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=TITLE)
    return ax


def path_diagram_pair(panels: dict[str, pd.DataFrame], suptitle: str, *, decimals: int = 2, ncols: int = 1) -> plt.Figure:
    """Path diagrams, one per panel (for example the U.S. 1962 and China 1996), stacked by default.

    One column keeps the figure about 6.5 inches wide, inside the text column at
    the book's type size (:mod:`hukoumob.figures.style`); ``ncols=2`` puts the
    panels side by side (wider than the column: it scrolls).
    """
    n = len(panels)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.6 * ncols, 4.1 * nrows + 0.9), squeeze=False)
    for ax, (name, coefs) in zip(axes.flat, panels.items()):
        path_diagram(coefs, ax, name, decimals=decimals)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(textwrap.fill(suptitle, 62 * ncols), fontsize=SUPTITLE)
    note = ("Standardized path coefficients (each variable on all variables to its left); "
            "the curved arrow is the correlation of V and X; dashed red = negative.")
    fig.text(0.5, 0.01, textwrap.fill(note, 80 * ncols), ha="center", va="bottom", fontsize=TEXT, color="0.3")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


__all__ = ["NODES", "path_diagram", "path_diagram_pair"]
