"""Scan built HTML for anything a page would fetch from another host (scripts, style sheets, fonts,
images, frames), so the book works offline (issue 17). Used by the end-to-end build test."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

#: (tag, attribute) pairs that make the browser fetch a resource when the page loads.
FETCHING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
            ("source", "srcset"), ("img", "srcset"), ("video", "src"), ("audio", "src"), ("embed", "src"),
            ("object", "data")}
#: ``<link rel=...>`` values that are navigation hints, not fetches (a canonical URL loads nothing).
NON_FETCHING_LINK_RELS = {"canonical", "author", "license", "me", "alternate", "next", "prev", "index", "search"}
_REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
_CSS_REMOTE = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "style":
            self._in_style = True
        for (t, attr) in FETCHING:
            if t == tag and a.get(attr) and _REMOTE.match(a[attr]):
                rel = set((a.get("rel") or "").lower().split())
                if tag == "link" and rel and rel <= NON_FETCHING_LINK_RELS:
                    continue
                self.found.append(f"<{tag} {attr}={a[attr]}>")
        if a.get("style"):
            self.found += [f"style url {u}" for u in _CSS_REMOTE.findall(a["style"])]

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += [f"<style> url {u}" for u in _CSS_REMOTE.findall(data)]


def remote_fetches_in_html(text: str) -> list[str]:
    """Resources an HTML page would load from another host."""
    c = _Collector()
    c.feed(text)
    return c.found


def remote_fetches_in_css(text: str) -> list[str]:
    """``url(...)`` and ``@import`` of another host in a style sheet (fonts included)."""
    return _CSS_REMOTE.findall(text)


def scan_site(html_root: Path) -> dict[str, list[str]]:
    """Every HTML page and style sheet under ``html_root`` that fetches from another host, with what."""
    out = {}
    for f in sorted(html_root.rglob("*")):
        if f.suffix == ".html":
            hits = remote_fetches_in_html(f.read_text(errors="replace"))
        elif f.suffix == ".css":
            hits = remote_fetches_in_css(f.read_text(errors="replace"))
        else:
            continue
        if hits:
            out[str(f.relative_to(html_root))] = hits
    return out
