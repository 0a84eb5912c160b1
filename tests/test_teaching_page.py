"""The "Teaching with this book" page stays true to the chapters (issue 17): every exercise and
discussion question of a chapter is in its table, and every chapter of the paper has its objectives."""

import re

import yaml

from hukoumob.inputs import paths

PAGE = paths.ROOT / "book" / "teaching.md"
TITLE = re.compile(r"^```\{admonition\}\s+((?:Exercise \d+|Discussion)[^\n]*)$", re.M)


def _chapter_of(stem: str) -> str:
    return stem.split("_", 1)[0]


def test_every_exercise_and_discussion_is_listed_with_time_and_difficulty():
    page = PAGE.read_text()
    rows = {tuple(c.strip() for c in line.strip("|").split("|")[:2])
            for line in page.splitlines() if line.startswith("| ") and line.count("|") >= 5}
    missing = []
    for source in sorted((paths.ROOT / "notebooks").glob("[0-9][0-9]_*.md")):
        for title in TITLE.findall(source.read_text()):
            if (_chapter_of(source.stem), title.strip()) not in rows:
                missing.append(f"{source.name}: {title.strip()!r}")
    assert not missing, "add to the exercise table of book/teaching.md (chapter | title | time | difficulty):\n" + "\n".join(missing)


def test_every_chapter_of_the_paper_has_learning_objectives():
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    paper = next(p for p in toc["parts"] if p["caption"].startswith("The paper"))
    page = PAGE.read_text()
    objectives = page.split("## What students can do after each chapter")[1].split("## ")[0]
    for entry in paper["chapters"]:
        stem = entry["file"].split("/")[-1]
        assert f"({stem})" in objectives, f"{stem}: no row in the objectives table of book/teaching.md"


def test_the_r_tabs_sentence_links_every_chapter_with_an_r_listing():
    page = PAGE.read_text()
    sentence = page[page.index("The R tabs"):].split("\n\n")[0].split("\n- ")[0]
    stems = {p.name.split("_", 1)[0] for p in (paths.ROOT / "notebooks" / "listings").glob("*.R")}
    chapters = {p.stem for p in (paths.ROOT / "notebooks").glob("[0-9][0-9]_*.md")}
    for prefix in sorted(stems):
        stem = next(c for c in chapters if c.startswith(prefix + "_"))
        assert f"]({stem})" in sentence, f"book/teaching.md: the R tabs sentence does not link {stem}"
