"""Every figure of the book: mobility tables (``mobility_tables``), Table 5 (``table5``), Table 6
hazards (``table6``), the path diagram (``path_diagram``); their common style (``style``), applied on
import so that every chapter that draws gets SVG figures with readable type."""

from hukoumob.figures.style import use_book_style

use_book_style()
