"""No typed numbers: the chapters' prose computes its numbers, it never types them.

Every estimate, share or count the text of a chapter mentions must be glued
from the computation (``{glue:text}`key```), so that it follows the data
source and any change of the code. This test scans the Markdown text of every
``notebooks/*.md`` chapter and every hand-written ``book/*.md`` page for

* decimal numbers (``0.82``, ``.05``, ``2.5``),
* percentages (``17 per cent``, ``17%``, ``17 percent``),
* numbers with thousands separators (``2,844``),

outside code cells and fenced blocks, math (``$...$``, ``$$...$$``), inline
code and roles (which is where glued values live), link targets and
quotations ("..." or “...”), and fails listing ``file:line: number`` for each.
Plain integers (years, table and model numbers, "25 strata") are not
flagged. :data:`ALLOWED` lists the few non-estimate patterns let through,
each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Patterns of numbers that are not estimates, each with why it is allowed.
ALLOWED: dict[str, str] = {
    r"\b(?:Python|python|Sphinx|NumPy|Jupyter Book|sphinxcontrib-bibtex|myst-nb|jupyter-book)\s*\d+(?:\.\d+|\.x)*":
        "a software version",
    r"\bp\s*[<>≤≥=]\s*0?\.\d+": "a significance threshold (the paper's footnote letters), not a result",
    r"\b(?:90|95|99)\s*(?:per\s*cent|percent|%)\s+(?:confidence\s+)?(?:intervals?|bands?)":
        "a conventional confidence level",
}

NUMBER = re.compile(
    r"(?<![\w.,])(?:"
    r"\d+(?:\.\d+)?\s*(?:%|per\s*cent\b|percent\b)"  # percentages
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # thousands separators
    r"|\d*\.\d+"  # decimals
    r")(?!\.?\d)(?![A-Za-z_])"
)

_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{([\w:-]+)\})?\s*(\S*)")
_SKIPPED_FENCES = {"code-cell", "code", "code-block", "sourcecode", "math", "raw", "eval-rst", "bibliography"}
# Spans blanked before searching (each keeps its length, so offsets still give line numbers).
_MASKS = [
    re.compile(r"<!--.*?-->", re.S),  # HTML comments
    re.compile(r"(`+)(?:(?!\1).|\n(?!\s*\n))+?\1"),  # inline code and roles: {glue:text}`key`
    re.compile(r"\$(?:[^$\n]|\n(?!\s*\n))+?\$"),  # inline math
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<https?://[^>]*>|https?://\S+"),  # bare links
    re.compile(r'"(?:[^"\n]|\n(?!\s*\n))*"'),  # "quotations"
    re.compile(r"“(?:[^”\n]|\n(?!\s*\n))*”"),  # “quotations”
]


def prose(text: str) -> str:
    """The Markdown text of a MyST file with everything but prose blanked out (line structure kept)."""
    lines = text.split("\n")
    out = []
    fence: tuple[str, bool] | None = None  # (closing marker, skip contents)
    in_math = False
    front = bool(lines) and lines[0].strip() == "---"
    for i, line in enumerate(lines):
        if front:
            out.append("")
            if i > 0 and line.strip() == "---":
                front = False
            continue
        if fence is not None:
            if line.strip().startswith(fence[0]) and line.strip().strip(fence[0][0]) == "":
                fence = None
                out.append("")
            else:
                # directive options (":tags: ...") are not prose
                out.append("" if fence[1] or line.lstrip().startswith(":") else line)
            continue
        if in_math:
            in_math = "$$" not in line
            out.append("")
            continue
        m = _FENCE.match(line)
        if m:
            directive = m.group(3) or ""
            fence = (m.group(1), directive in _SKIPPED_FENCES or not m.group(2))
            out.append("")
            continue
        if line.strip().startswith("$$"):
            in_math = line.strip() == "$$" or line.strip().count("$$") == 1
            out.append("")
            continue
        out.append(line)
    body = "\n".join(out)
    for mask in _MASKS:
        body = mask.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    for pattern in ALLOWED:
        body = re.sub(pattern, lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    return body


def typed_numbers(path: Path) -> list[tuple[int, str]]:
    """``(line, number)`` for every typed number in the prose of ``path``."""
    body = prose(path.read_text(encoding="utf-8"))
    return [(body.count("\n", 0, m.start()) + 1, m.group(0)) for m in NUMBER.finditer(body)]


def _pages() -> list[Path]:
    return sorted(ROOT.glob("notebooks/*.md")) + sorted(ROOT.glob("book/*.md"))


def test_the_chapters_type_no_numbers():
    found = [f"{p.relative_to(ROOT)}:{line}: {num}" for p in _pages() for line, num in typed_numbers(p)]
    assert not found, "numbers typed into the text (glue them from the computation):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The mean is 0.82 here.", ["0.82"]),
        ("About 29 per cent were urban, and 17% and 4 percent.", ["29 per cent", "17%", "4 percent"]),
        ("The paper analyses 2,844 men.", ["2,844"]),
        ("A p-value of .05 and a year 1996 and Table 5.", [".05"]),
        ("Ends a sentence with 2.5.", ["2.5"]),
        ('He said "0.82 is high" and “1.5”.', []),
        ("Glued {glue:text}`mu_0` and `x = 1.5` and $\\mu = 0.3$.", []),
        ("Letters: **b** p < .001, **c** p < .01; Python 3.11; 95 per cent intervals.", []),
        ("```{code-cell} ipython3\nx = 0.5\n```\n\n$$\na = 0.1\n$$\n", []),
        ("```{note}\nInside a note, 0.7 counts.\n```\n", ["0.7"]),
        ("---\njupytext:\n  format_version: 0.13\n---\nText.", []),
        ("See [the page](page.md#section-1.2) and version 1.0.4 of nothing.", []),
    ],
)
def test_scanner(tmp_path, text, expected):
    page = tmp_path / "page.md"
    page.write_text(text)
    assert [num for _, num in typed_numbers(page)] == expected
