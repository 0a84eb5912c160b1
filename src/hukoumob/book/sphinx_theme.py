"""Sphinx extension: theme settings that Jupyter Book 1's ``_config.yml`` cannot express.

Jupyter Book builds ``html_theme_options`` from ``_config.yml`` (repository,
launch and download buttons); setting it again under ``sphinx: config`` would
replace all of that. This extension adds to it instead, when Sphinx reads the
configuration:

- one search box: the header's search button goes (the sidebar keeps its own);
- data-heavy pages (wide comparison tables) drop the right-hand contents
  panel, so their tables get the width (:data:`FULL_WIDTH_PAGES`).
"""

from __future__ import annotations

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


def setup(app):
    app.connect("config-inited", _theme_options)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
