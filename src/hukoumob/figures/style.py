"""The book's figure style, applied once when :mod:`hukoumob.figures` is imported.

- In a notebook (the chapters), figures are shown as SVG: sharp at any zoom,
  on a phone as on a wide screen, and light for line and bar charts.
- Type is set so that a figure 6.4 inches wide, shown across the text column,
  carries labels about as large as the body text.

:func:`use_book_style` does both; it changes nothing outside matplotlib.
"""

from __future__ import annotations

import matplotlib as mpl

#: matplotlib settings of every figure of the book.
RC = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "figure.titlesize": 13,
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
