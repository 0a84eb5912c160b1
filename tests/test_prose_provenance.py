"""Provenance of the numbers in the chapters' prose: a synthetic number never stands alone.

Wherever a number from the synthetic replica (or, with the same code, the real
file) stands in prose, the paper's value stands beside it (issue 13). The
chapters say which is which by the names of their glue keys:

``<stem>_replica``
    estimated from the men's records (the replica by default); the same
    paragraph must glue ``<stem>_paper``;
``<stem>_paper``
    the paper's printed value (from ``data/published/``);
``<stem>_tables``
    re-estimated from the published tables;
``<stem>_nopaper``
    from the records, of a quantity the paper prints nothing for; the
    paragraph must say so (contain "paper prints no");
``<stem>_book``
    about the book's own computation or a comparison it makes (a tolerance,
    a count of checks, an illustration);
``<stem>_label`` / ``<stem>_text``
    words, not numbers (a data-source label, a list composed by a package
    function that states the paper's value beside ours itself).

Rule 1 holds in every chapter. Rule 2 holds in the chapters that estimate
from records (their code calls ``load_records``): every glued key in their
prose carries one of the suffixes above. Every chapter is on the convention
(the last exemption, the replica chapter, was lifted), so a violation
anywhere fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = ("_replica", "_paper", "_tables", "_nopaper", "_book", "_label", "_text")
NOPAPER_PHRASE = "paper prints no"

_GLUE = re.compile(r"\{glue(?::text|:md|)?\}`([^`]+)`")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{([\w:-]+)\})?")
_SKIPPED = {"code-cell", "code", "code-block", "math", "raw", "eval-rst", "bibliography"}


def paragraphs(text: str) -> list[tuple[int, str]]:
    """``(first line, text)`` of each prose paragraph of a MyST file (code cells and math left out)."""
    out, current, start = [], [], 0
    fence = None
    lines = text.split("\n")
    front = bool(lines) and lines[0].strip() == "---"
    for i, line in enumerate(lines, 1):
        if front:
            if i > 1 and line.strip() == "---":
                front = False
            continue
        if fence is not None:
            closing, skip = fence
            if line.strip().startswith(closing) and line.strip().strip(closing[0]) == "":
                fence = None
                continue
            if skip or line.lstrip().startswith(":"):
                continue
        else:
            m = _FENCE.match(line)
            if m:
                fence = (m.group(1), (m.group(3) or "") in _SKIPPED or not m.group(2))
                if current:
                    out.append((start, "\n".join(current)))
                    current = []
                continue
        if not line.strip():
            if current:
                out.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = i
        current.append(line)
    if current:
        out.append((start, "\n".join(current)))
    return out


def violations(path: Path) -> list[str]:
    """Every breach of the convention in one chapter, as ``file:line: key: what``."""
    text = path.read_text(encoding="utf-8")
    records = "load_records(" in text
    found = []
    for line, para in paragraphs(text):
        keys = _GLUE.findall(para)
        for key in keys:
            where = f"{path.relative_to(ROOT)}:{line}: {key}"
            if key.endswith("_replica") and f"{key.removesuffix('_replica')}_paper" not in keys:
                found.append(f"{where}: a replica number without {key.removesuffix('_replica')}_paper beside it")
            elif key.endswith("_nopaper") and NOPAPER_PHRASE not in para.lower().replace("\n", " "):
                found.append(f"{where}: _nopaper, but the paragraph does not say the {NOPAPER_PHRASE}thing")
            elif records and not key.endswith(SUFFIXES):
                found.append(f"{where}: unclassified glue in a chapter on records (name it {'/'.join(SUFFIXES)})")
    return found


def _chapters() -> list[Path]:
    return sorted(ROOT.glob("notebooks/*.md"))


@pytest.mark.parametrize("path", _chapters(), ids=lambda p: p.stem)
def test_replica_numbers_stand_beside_the_papers(path):
    found = violations(path)
    assert not found, "\n".join(found)


def test_every_chapter_is_checked():
    assert {"03_status_attainment", "07_agriculture_and_hukou_change", "80_replica"} <= {p.stem for p in _chapters()}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Ours {glue:text}`x_replica` against the paper's {glue:text}`x_paper`.", []),
        ("Ours {glue:text}`x_replica` alone.", ["without x_paper"]),
        ("Ours {glue:text}`x_replica`.\n\nThe paper's {glue:text}`x_paper`.", ["without x_paper"]),
        ("{glue:text}`n_nopaper` men (the paper prints no count).", []),
        ("{glue:text}`n_nopaper` men.", ["does not say"]),
        ("A {glue:text}`mystery` number; load_records(", ["unclassified"]),
        ("A {glue:text}`mystery` number, in a chapter without records.", []),
        ("```{code-cell} ipython3\nglue('x_replica', 1)\n```\n", []),
        ("```{admonition} Box\nOurs {glue:text}`y_replica` alone.\n```\n", ["without y_paper"]),
    ],
)
def test_checker(tmp_path, monkeypatch, text, expected):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    page = tmp_path / "page.md"
    page.write_text(text)
    got = violations(page)
    assert len(got) == len(expected) and all(e in g for e, g in zip(expected, got)), got
