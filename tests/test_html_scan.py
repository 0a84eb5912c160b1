"""The offline scanner itself: it must see each way a page can fetch from another host."""

from _html_scan import remote_fetches_in_css, remote_fetches_in_html


def test_sees_remote_scripts_styles_fonts_and_images():
    page = """<html><head>
    <script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>
    <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">
    <link rel="preload" as="font" href="https://example.org/f.woff2">
    <style>@font-face { src: url('https://example.org/x.woff'); }</style>
    </head><body><img src="http://example.org/a.png"><div style="background: url(https://e.org/b.png)"></div>
    </body></html>"""
    found = remote_fetches_in_html(page)
    assert len(found) == 6, found


def test_local_resources_and_navigation_links_are_fine():
    page = """<script src="../_static/mathjax/tex-chtml.js"></script>
    <link rel="stylesheet" href="_static/styles/theme.css"><link rel="canonical" href="https://example.org/book/">
    <a href="https://doi.org/10.1086/518905">the paper</a>
    <script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js";</script>"""
    assert remote_fetches_in_html(page) == []


def test_css_imports_and_font_urls():
    css = "@import 'https://fonts.example/x.css'; .a { src: url(\"//cdn.example/f.woff2\") } .b { background: url(img.png) }"
    assert remote_fetches_in_css(css) == ["https://fonts.example/x.css", "//cdn.example/f.woff2"]
