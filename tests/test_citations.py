"""Every {cite} key used in the chapters and pages has its entry in references.bib."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
ENTRY = re.compile(r"^@\w+\{([^,\s]+),", re.M)


def test_cited_keys_are_in_the_bibliography():
    defined = set(ENTRY.findall((ROOT / "references.bib").read_text(encoding="utf-8")))
    missing = []
    for page in [*sorted(ROOT.glob("notebooks/*.md")), *sorted(ROOT.glob("book/*.md"))]:
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for keys in CITE.findall(line):
                missing += [f"{page.relative_to(ROOT)}:{n}: {k.strip()}" for k in keys.split(",")
                            if k.strip() not in defined]
    assert not missing, "cited but not in references.bib:\n" + "\n".join(missing)


def test_bibliography_page_lists_cited_entries_and_the_paper():
    page = (ROOT / "book" / "bibliography.md").read_text(encoding="utf-8")
    assert ":all:" not in page
    assert re.search(r":filter: cited or key == \"wu_treiman_2007\"", page)


def test_bibliography_keys_are_unique():
    keys = ENTRY.findall((ROOT / "references.bib").read_text(encoding="utf-8"))
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    assert not repeated, f"references.bib defines these keys more than once: {repeated}"
