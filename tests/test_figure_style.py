"""The book's figure style (hukoumob.figures.style): readable type, SVG in notebooks."""

import matplotlib as mpl


def test_importing_the_figures_applies_the_book_style():
    import hukoumob.figures  # noqa: F401
    from hukoumob.figures.style import RC

    for key, value in RC.items():
        assert mpl.rcParams[key] == value, key
    assert mpl.rcParams["font.size"] >= 10


def test_svg_inline_in_a_notebook_kernel():
    from IPython.testing.globalipapp import get_ipython
    from matplotlib.figure import Figure

    from hukoumob.figures.style import use_book_style

    shell = get_ipython()  # an IPython shell, as in a chapter's kernel
    use_book_style()
    formatters = shell.display_formatter.formatters
    assert Figure in formatters["image/svg+xml"].type_printers
    assert Figure not in formatters["image/png"].type_printers
