"""The book's figure style (hukoumob.figures.style): readable type, SVG in notebooks."""

import matplotlib as mpl


def test_importing_the_figures_applies_the_book_style():
    import hukoumob.figures  # noqa: F401
    from hukoumob.figures.style import RC

    for key, value in RC.items():
        assert mpl.rcParams[key] == value, key
    assert mpl.rcParams["font.size"] >= 12


def test_svg_inline_in_a_notebook_kernel():
    from IPython.testing.globalipapp import get_ipython
    from matplotlib.figure import Figure

    from hukoumob.figures.style import use_book_style

    shell = get_ipython()  # an IPython shell, as in a chapter's kernel
    use_book_style()
    formatters = shell.display_formatter.formatters
    assert Figure in formatters["image/svg+xml"].type_printers
    assert Figure not in formatters["image/png"].type_printers


def test_smallest_type_finds_the_smallest_label():
    from matplotlib.figure import Figure

    from hukoumob.figures.style import TEXT, smallest_type

    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("title")
    assert smallest_type(fig) == TEXT  # the tick labels, at the book's size
    ax.text(0.5, 0.5, "a note", fontsize=8)
    assert smallest_type(fig) == 8
    ax.text(0.2, 0.2, "", fontsize=5)  # empty text sets no type
    assert smallest_type(fig) == 8


def test_book_type_is_the_body_size_at_the_figure_s_own_size():
    """12 pt at one SVG point = 4/3 CSS px is 16 px, the theme's body text (the CSS never shrinks a figure)."""
    from hukoumob.figures.style import MAX_WIDTH_IN, RC, TEXT

    assert TEXT * 4 / 3 >= 16
    assert min(v for k, v in RC.items() if "size" in k) >= TEXT
    assert MAX_WIDTH_IN * 96 <= 688  # inside the text column at 1280 px (measured: 688 px)
