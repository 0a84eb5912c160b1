"""Sphinx extension: theme settings that Jupyter Book 1's ``_config.yml`` cannot express.

Jupyter Book builds ``html_theme_options`` from ``_config.yml`` (repository,
launch and download buttons); setting it again under ``sphinx: config`` would
replace all of that. This extension adds to it instead, when Sphinx reads the
configuration:

- one search box: the header's search button goes (the sidebar keeps its own);
- data-heavy pages (wide comparison tables) drop the right-hand contents
  panel, so their tables get the width (:data:`FULL_WIDTH_PAGES`);
- two buttons of the theme's header whose accessible name does not contain
  their visible text (axe rule ``label-content-name-mismatch``, WCAG 2.5.3)
  are mended in the written pages (:func:`mend_accessible_names`): the
  search button takes its name from what it shows ("Search Ctrl+K"), and the
  colour-mode icons are hidden from assistive technology, leaving the
  button's label "Color mode"; likewise MyST-NB's "Show code cell source"
  toggles, labelled "Toggle hidden content", take their name from their text;
  and the bibliography's entries, in a ``role="list"`` but marked with the
  deprecated ``doc-biblioentry`` role (axe: ``aria-required-children``,
  critical), become list items;
- of the MathJax that ``sphinx-mathjax-offline`` copies (24 MB, every
  component), only what ``tex-chtml.js`` loads stays: the TeX input with its
  extensions, the CommonHTML output with its fonts, the menu, and the
  accessibility components (:func:`prune_mathjax`).
"""

from __future__ import annotations

import re
from pathlib import Path

#: Pages whose tables need the whole width; their right-hand "Contents" panel is dropped.
FULL_WIDTH_PAGES = ("book/80_replica", "book/90_reproducibility", "book/03_status_attainment",
                    "book/07_agriculture_and_hukou_change", "book/02_data_and_variables")


def _theme_options(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options.setdefault("navbar_persistent", [])
    items = options.get("secondary_sidebar_items") or ["page-toc.html"]
    if isinstance(items, list):
        items = {"**": items}
    items.update({page: [] for page in FULL_WIDTH_PAGES})
    options["secondary_sidebar_items"] = items
    config.html_theme_options = options


_SEARCH_LABEL = re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"')
_TOGGLE_LABEL = re.compile(r'<summary aria-label="Toggle hidden content">')
_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]+") role="doc-biblioentry"')
_FIGURE_BOX = re.compile(r'<div class="cell_output docutils container">(\s*<img [^>]*src="[^"]+\.svg")')
_THEME_ICON = re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"')


def mend_accessible_names(html: str) -> str:
    """The page with the theme's mislabelled buttons, the bibliography's roles and the figure boxes mended (module docstring)."""
    html = _SEARCH_LABEL.sub(r"\1", html)
    html = _TOGGLE_LABEL.sub("<summary>", html)
    html = _BIBLIOENTRY.sub(r'\1 role="listitem"', html)
    html = _FIGURE_BOX.sub(
        r'<div class="cell_output docutils container" tabindex="0" role="region" '
        r'aria-label="Figure, scrolls sideways">\1', html)
    return _THEME_ICON.sub(r'\1 aria-hidden="true"', html)


def _mend_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        mended = mend_accessible_names(text)
        if mended != text:
            page.write_text(mended, encoding="utf-8")


#: Parts of the MathJax 3 distribution that pages using ``tex-chtml.js`` never load.
MATHJAX_UNUSED = ("mml-chtml.js", "mml-svg.js", "node-main.js", "tex-chtml-full-speech.js", "tex-chtml-full.js",
                  "tex-mml-chtml.js", "tex-mml-svg.js", "tex-svg-full.js", "tex-svg.js", "output/svg",
                  "output/svg.js", "input/asciimath.js", "input/mml", "input/mml.js", "input/tex-full.js")


def prune_mathjax(static: Path) -> int:
    """Delete :data:`MATHJAX_UNUSED` from ``static/mathjax``; return the bytes freed."""
    import shutil

    freed = 0
    for rel in MATHJAX_UNUSED:
        path = static / "mathjax" / rel
        if path.is_dir():
            freed += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            shutil.rmtree(path)
        elif path.is_file():
            freed += path.stat().st_size
            path.unlink()
    return freed


def _prune(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        prune_mathjax(Path(app.outdir) / "_static")


def setup(app):
    app.connect("build-finished", _prune, priority=900)  # after sphinx-mathjax-offline has copied MathJax
    app.connect("config-inited", _theme_options)
    app.connect("build-finished", _mend_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
