"""The theme mends of hukoumob.book.sphinx_theme: each fixes exactly the markup it names."""

from hukoumob.book.sphinx_theme import FULL_WIDTH_PAGES, _theme_options, mend_accessible_names


def test_search_button_takes_its_name_from_its_text():
    page = '<button class="btn search-button-field search-button__button pst-js-only" title="Search" aria-label="Search" data-x="1">'
    assert 'aria-label' not in mend_accessible_names(page)
    icon_only = '<button class="btn btn-sm pst-navbar-icon search-button search-button__button" aria-label="Search">'
    assert mend_accessible_names(icon_only) == icon_only  # no visible text: its label stays


def test_colour_mode_icons_hidden_and_toggles_and_bibliography_mended():
    page = ('<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>'
            '<summary aria-label="Toggle hidden content">'
            '<div class="citation" id="id3" role="doc-biblioentry">')
    out = mend_accessible_names(page)
    assert 'title="Light"' not in out and 'aria-hidden="true"' in out
    assert "<summary>" in out and 'role="listitem"' in out and "doc-biblioentry" not in out


def test_theme_options_keep_what_jupyter_book_set():
    class Config:
        html_theme_options = {"use_download_button": True}

    config = Config()
    _theme_options(None, config)
    options = config.html_theme_options
    assert options["use_download_button"] is True and options["navbar_persistent"] == []
    assert options["secondary_sidebar_items"]["**"] == ["page-toc.html"]
    assert all(options["secondary_sidebar_items"][p] == [] for p in FULL_WIDTH_PAGES)


def test_a_figure_box_that_may_scroll_is_reachable_by_keyboard():
    page = '<div class="cell_output docutils container">\n<img alt="A plot" src="../_images/ab12.svg" />\n</div>'
    out = mend_accessible_names(page)
    assert 'tabindex="0"' in out and 'role="region"' in out and 'aria-label="Figure, scrolls sideways"' in out
    table = '<div class="cell_output docutils container">\n<div class="output text_html"><table></table></div>'
    assert mend_accessible_names(table) == table  # only figure boxes
