"""The book's figure style, applied once when :mod:`hukoumob.figures` is imported.

- In a notebook (the chapters), figures are shown as SVG: sharp at any zoom,
  on a phone as on a wide screen, and light for line and bar charts.
- Type is as large as the body text, on every screen. The book's style sheet
  (``_static/hukoumob.css``) shows a figure at its own size (one point of the
  SVG is 4/3 CSS pixels) and never shrinks it: where the screen is narrower
  (phones) the figure scrolls sideways inside the page. So the smallest type of
  any figure, :data:`TEXT` = 12 pt, is 16 px on screen, the body text's size;
  and a figure no wider than :data:`MAX_WIDTH_IN` fits the text column at 1280 px
  without scrolling. ``tests/a11y/figure_type.mjs`` measures both in Chromium.

:func:`use_book_style` does both; it changes nothing outside matplotlib.
:func:`smallest_type` gives the smallest type a figure sets (for tests).
"""

from __future__ import annotations

import matplotlib as mpl

#: Smallest type of any figure, in points: 16 CSS px at the figure's own size, as the body text.
TEXT = 12
#: Panel titles and figure titles, in points.
TITLE = 13
SUPTITLE = 14
#: Widest a saved figure may be, in inches: 504 pt, 672 CSS px, inside the ~690 px text column of a
#: page at 1280 px that keeps its right-hand contents panel.
MAX_WIDTH_IN = 7.0

#: matplotlib settings of every figure of the book.
RC = {
    "font.size": TEXT,
    "axes.titlesize": TITLE,
    "axes.labelsize": TEXT,
    "xtick.labelsize": TEXT,
    "ytick.labelsize": TEXT,
    "legend.fontsize": TEXT,
    "legend.title_fontsize": TEXT,
    "figure.titlesize": SUPTITLE,
    "svg.fonttype": "path",  # text as outlines: the SVG looks the same without the fonts installed
    "savefig.bbox": "tight",
}


def use_book_style() -> None:
    """Apply :data:`RC`, and SVG output for inline figures when running in IPython/Jupyter."""
    mpl.rcParams.update(RC)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to set
        return
    if get_ipython() is not None:
        set_matplotlib_formats("svg")


def smallest_type(fig) -> float:
    """The smallest font size (points) of the visible, non-empty text of ``fig`` (titles, ticks,
    labels, legends, annotations); ``inf`` for a figure without text."""
    from matplotlib.text import Text

    fig.draw_without_rendering()  # tick labels have their text once drawn
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes, default=float("inf"))
