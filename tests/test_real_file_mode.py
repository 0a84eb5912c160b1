"""Real-file mode end to end: the whole book on a fake survey file in the real layout, in a copy of the repo.

The fake file (Stata ``.dta``, the real file's format) holds men drawn from
the replica's model with another seed, so they are not the shipped replica's
men (which the replica chapter may show): any of them found in the output
came from the file. It and its filled-in mapping (named by
``HUKOUMOB_LHSCCC_MAPPING``) are kept outside the copy, as a licensed file
would be. The build must run every chapter, label what rests on records
``lhsccc``, write nothing under ``data/``, and publish neither a record nor
the file's name or folder.

The leak scanner (:class:`RecordScanner`) is checked on planted leaks by
``test_the_scanner_catches_planted_records`` (fast, not ``slow``).
"""

import json
import re
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _fake_survey import fake_file
from _repo_copy import build, copy_repo, digest

from hukoumob.tables import table1_2
from hukoumob.inputs import paths
from hukoumob.book.build import REAL_FILE_SHOWN_AS, _tidy_executed
from hukoumob.inputs.records import AGE_RANGE, SURVEY_YEAR, load_records
from hukoumob.replica import generate, io

FILE_NAME = "lhsccc_licensed_q7zx.dta"
FOLDER_NAME = "licensed_vault_k3v9"  # tmp_path_factory appends a number


# --- the leak scanner ---------------------------------------------------------------

#: Fields whose values, together, pick a man out; a leak must show several of them.
SIGNATURE = ("birth_year", "psu", "stratum", "father_isei", "father_educ", "educ", "first_isei", "current_isei",
             "labor_force_entry_year")
#: Fields with rare values (birth years, four- and six-digit design codes): where the search starts.
ANCHORS = ("birth_year", "psu", "stratum")
#: Design codes are shared by a PSU's dozen men and printed by design tables: they count half.
DESIGN = ("psu", "stratum")
INFORMATIVE = 1.5  # a value held by at most 1 man in 10**1.5 (about 1 in 32) counts fully
#: The sample's definition (men 20-69, born 1927-1976, in 1996), printed all over the book: they count nothing.
CONSTANTS = {SURVEY_YEAR, *AGE_RANGE, *(SURVEY_YEAR - a for a in AGE_RANGE)}
MIN_SCORE = 3.5  # about 3.5 informative values of one man together; the book's output scores at most 2.5
_TAG = re.compile(r"<[^>]*>")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w)")


def _text(raw: str) -> str:
    """HTML tags (with their ``row0``/``col3`` ids) and JSON escapes of notebook outputs removed."""
    return _TAG.sub(" ", raw.replace("\\n", "\n").replace("\\t", " "))


def _numbers(text: str) -> list[float]:
    return [float(t) for t in _NUMBER.findall(text)]


def _weight(value: float, share: float, field: str) -> float:
    """How much a matched value counts: its information, -log10(share of men with it) over INFORMATIVE, at
    most 1 (a farmer's ISEI of 16, held by half the men, counts 0.2; a birth year 1); design codes half that;
    and numbers common in any text at most: 0, 1 and CONSTANTS nothing, other single digits half."""
    common = 0.0 if value in (0.0, 1.0, *CONSTANTS) else 0.5 if value < 10 else 1.0
    return min(common, np.log10(1 / share) / INFORMATIVE) * (0.5 if field in DESIGN else 1.0)


class RecordScanner:
    """Find individual records printed in a text (HTML, notebook JSON, CSV, log).

    A man's *row* is the multiset of all his numeric values (``men`` and the
    same men as the file has them, ``raw``); his *score* over some numbers is
    the weighted count of his signature values among them (:func:`_weight`).
    Two searches, both started from numbers equal to some man's anchor value:

    * runs: a printed row (``to_html``, a Styler, a CSV line, a Series shown
      vertically, a few columns of a frame) puts his values next to each
      other in the stream of numbers, in any order; grow the run of
      neighbouring numbers that are all his (each value as often as he has
      it) and score it.
    * lines: a wide frame printed as text (``print(men.head())``, a
      notebook's text/plain) wraps its columns into blocks, cutting his row
      into lines; a line is his when all its numbers but the first (the row
      label) are; score his lines within ``line_window`` lines.

    A man scoring ``MIN_SCORE`` or more is a leak.
    """

    def __init__(self, men: pd.DataFrame, raw: pd.DataFrame | None = None, line_window: int = 40):
        frames = [men] if raw is None else [men, raw]
        self.rows = [Counter() for _ in range(len(men))]
        for frame in frames:
            numeric = frame.select_dtypes("number").to_numpy(dtype=float)
            for row, values in zip(self.rows, numeric):
                row |= Counter(v for v in values if not np.isnan(v))
        shares = {f: men[f].value_counts(normalize=True) for f in SIGNATURE}
        self.signature, self.weights = [], []
        for values in men[list(SIGNATURE)].to_numpy(dtype=float):
            mine = [(f, v) for f, v in zip(SIGNATURE, values) if not np.isnan(v)]
            self.signature.append(Counter(v for _, v in mine))
            weights: dict[float, float] = {}
            for f, v in mine:
                weights[v] = max(weights.get(v, 0.0), _weight(v, shares[f][v], f))
            self.weights.append(weights)
        self.by_anchor: dict[float, set[int]] = defaultdict(set)
        for field in ANCHORS:
            for i, v in enumerate(men[field].to_numpy(dtype=float)):
                self.by_anchor[v].add(i)
        self.line_window = line_window

    def _score(self, man: int, numbers: list[float]) -> float:
        return sum(self.weights[man][v] * n for v, n in (Counter(numbers) & self.signature[man]).items())

    def _his(self, man: int, numbers: list[float]) -> bool:
        return not Counter(numbers) - self.rows[man]

    def runs(self, numbers: list[float]) -> dict[int, float]:
        """Best run score per man (index into ``men``)."""
        best: dict[int, float] = {}
        for i, value in enumerate(numbers):
            for man in self.by_anchor.get(value, ()):
                for order in ((-1, 1), (1, -1)):
                    left, lo, hi = self.rows[man] - Counter([value]), i, i
                    for step in order:
                        j = i + step
                        while 0 <= j < len(numbers) and left[numbers[j]] > 0:
                            left[numbers[j]] -= 1
                            lo, hi, j = min(lo, j), max(hi, j), j + step
                    best[man] = max(best.get(man, 0.0), self._score(man, numbers[lo:hi + 1]))
        return best

    def lines(self, text: str) -> dict[int, float]:
        """Best score per man over his lines near a line that holds one of his anchors."""
        bodies = [_numbers(line)[1:] for line in text.splitlines()]
        best: dict[int, float] = {}
        for k, body in enumerate(bodies):
            if len(body) < 2:
                continue
            for man in set().union(*(self.by_anchor.get(v, set()) for v in body)):
                if best.get(man, 0.0) >= MIN_SCORE or not self._his(man, body):
                    continue
                near = bodies[max(0, k - self.line_window): k + self.line_window]
                mine = [v for b in near if len(b) >= 2 and self._his(man, b) for v in b]
                best[man] = max(best.get(man, 0.0), self._score(man, mine))
        return best

    def leaks(self, raw_text: str) -> dict[int, float]:
        """The men found printed in the text, with their scores."""
        text = _text(raw_text)
        found = {}
        for scores in (self.runs(_numbers(text)), self.lines(text)):
            for man, score in scores.items():
                if score >= MIN_SCORE:
                    found[man] = max(found.get(man, 0.0), score)
        return found


def scan_files(scanner: RecordScanner, files: list[Path]) -> dict[str, dict[int, float]]:
    """``{file: {man: score}}`` for every file where the scanner finds a record (binary files read as text)."""
    found = {}
    for f in files:
        hits = scanner.leaks(f.read_bytes().decode("utf-8", errors="replace"))
        if hits:
            found[str(f)] = hits
    return found


def fake_men(folder: Path) -> pd.DataFrame:
    """Men from the replica's model with another seed, read back as ``men.csv`` is (not the shipped men)."""
    params = io.load_params()
    men = generate.generate(params, seed=params["seed"] + 1)
    return pd.read_csv(io.save_men(men, folder))


def scanner_for(file: Path, mapping: Path, raw: pd.DataFrame) -> tuple[RecordScanner, pd.DataFrame]:
    """A scanner for the file's men (as a chapter holds them, and as the file has them), but those whose
    signature a shipped replica man also has (the replica chapter may show the replica); and those men."""
    men = load_records(str(file), mapping=mapping).men
    raw_men = raw[raw["sex"] == 1].reset_index(drop=True)
    shipped = set(map(tuple, pd.read_csv(paths.REPLICA / "men.csv")[list(SIGNATURE)].fillna(-1).to_numpy()))
    keep = np.array([tuple(r) not in shipped for r in men[list(SIGNATURE)].fillna(-1).to_numpy()])
    men, raw_men = men[keep].reset_index(drop=True), raw_men[keep].reset_index(drop=True)
    return RecordScanner(men, raw_men), men


# --- the scanner on planted leaks (fast) -------------------------------------------------


def test_the_scanner_catches_planted_records(tmp_path):
    file, mfile, raw, _ = fake_file(tmp_path, name="fake.dta", men=fake_men(tmp_path))
    scanner, men = scanner_for(file, mfile, raw)  # men: what a chapter holds
    four = ["birth_year", "current_isei", "first_isei", "father_isei"]
    with pd.option_context("display.max_columns", 20, "display.width", 80):  # as in a notebook
        shown, sample = repr(men.head()), repr(men.sample(5, random_state=2))
    planted = {
        "men.head().to_html()": men.head().to_html(),
        "a Styler": men.head(3).style.format(precision=1).to_html(),
        "print(men.head())": shown,
        "print(men.sample(5))": sample,
        "a notebook's text/plain": json.dumps({"data": {"text/plain": shown.splitlines(True)}}),
        "a CSV dump of the file": raw.sample(20, random_state=3).to_csv(index=False),
        "four columns": men[four].sample(10, random_state=4).to_html(),
        "four columns as text": men[four].tail(10).to_string(),
        "one man shown vertically": men.iloc[7].to_string(),
    }
    for what, text in planted.items():
        assert scanner.leaks(text), f"planted leak {what!r} not found"
    assert len(scanner.leaks(planted["men.head().to_html()"])) >= 5  # the five men (and look-alikes)
    aggregates = men.groupby("birth_year")[four[1:]].mean().round(1).to_html()
    aggregates += men.describe().to_html() + pd.crosstab(men["father_class"], men["son_class"]).to_html()
    aggregates += men.groupby(["stratum", "psu"]).size().to_frame("n").reset_index().head(30).to_html()
    assert scanner.leaks(aggregates) == {}


# --- the whole book on the fake file (slow) ------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    start = time.perf_counter()
    vault = tmp_path_factory.mktemp(FOLDER_NAME)  # outside the copy, like the licensed file
    file, mfile, raw, _ = fake_file(vault, name=FILE_NAME, mapping_name="my_mapping.yml", men=fake_men(vault))
    repo = copy_repo(tmp_path_factory.mktemp("book"))
    before = digest(repo / "data")
    run = build(repo, "--data", str(file), env={"HUKOUMOB_LHSCCC_MAPPING": str(mfile)})
    print(f"real-file build: {time.perf_counter() - start:.1f} s")
    return repo, file, mfile, raw, before, run


def _published(repo: Path) -> list[Path]:
    """Everything the build makes that could be published: the HTML, results/, the executed chapters."""
    return sorted(p for d in ("_build/html", "results", "book") for p in (repo / d).rglob("*") if p.is_file())


@pytest.mark.slow
def test_every_chapter_runs_on_the_real_file(built):
    repo, *_, run = built
    assert run.returncode == 0, run.stdout + run.stderr
    chapters = sorted(p.stem for p in (repo / "notebooks").glob("[0-9][0-9]_*.md"))
    assert chapters
    for name in chapters:
        assert f"{name}: done in" in run.stdout
        assert (repo / "book" / f"{name}.ipynb").exists()
        assert (repo / "_build" / "html" / "book" / f"{name}.html").exists()


@pytest.mark.slow
def test_results_are_labelled_lhsccc_or_published_tables(built):
    repo, file, mfile, *_ = built
    sources = {}
    for f in sorted((repo / "results").glob("*.csv")):
        frame = pd.read_csv(f)
        if "source" in frame.columns:
            sources[f.stem] = frame
            assert set(frame["source"]) <= {"lhsccc", "published_tables"}, f.name  # never "replica"
    for table in ("table1", "table2", "table6"):  # from records
        assert (sources[table]["source"] == "lhsccc").any(), table
    for table in ("table3", "table4"):  # chapter 04: the published tables
        assert (sources[table]["source"] == "published_tables").sum() > 40, table
    t5 = sources["table5"].groupby("source")["model"].unique().map(set)
    assert {"model1", "model2", "model3a"} <= t5["published_tables"]  # chapter 05
    assert {"model3b", "model3c"} <= t5["lhsccc"]  # chapter 06, from records
    # the numbers come from the file given, not from the replica
    t1 = sources["table1"].drop(columns="source").reset_index(drop=True)
    ours = table1_2.table1_rows(load_records(str(file), mapping=mfile).men).reset_index(drop=True)
    replica = table1_2.table1_rows(load_records("replica").men).reset_index(drop=True)
    assert np.allclose(t1["value"], ours["value"], equal_nan=True)
    assert not np.allclose(t1["value"], replica["value"], equal_nan=True)


@pytest.mark.slow
def test_nothing_written_under_data(built):
    repo, *_, before, _ = built
    assert digest(repo / "data") == before


@pytest.mark.slow
def test_no_record_in_the_html_results_notebooks_or_log(built):
    repo, file, mfile, raw, _, run = built
    scanner, _ = scanner_for(file, mfile, raw)
    files = _published(repo)
    assert any(f.suffix == ".html" for f in files) and any(f.suffix == ".csv" for f in files)
    assert scan_files(scanner, files) == {}
    assert scanner.leaks(run.stdout + run.stderr) == {}


@pytest.mark.slow
def test_file_name_and_folder_not_published(built):
    repo, file, *_ = built
    needles = [file.name, file.stem, file.parent.name, str(file.parent)]
    for f in [*_published(repo), repo / "_build" / "chapter-hashes.json"]:
        text = f.read_bytes().decode("utf-8", errors="replace")
        assert not [n for n in needles if n in text], f"{f} names the real file"
    for html in (repo / "_build" / "html" / "book").glob("[0-9][0-9]_*.html"):  # the parameters cell is shown ...
        assert "&lt;real survey file&gt;" in html.read_text(), html.name  # ... with a placeholder for the path


def test_injected_parameters_show_a_placeholder_for_the_real_file(tmp_path):
    import nbformat
    from papermill.parameterize import parameterize_notebook

    defaults = nbformat.v4.new_code_cell('data_source = "replica"', metadata={"tags": ["parameters"]})
    nb = nbformat.v4.new_notebook(cells=[defaults])
    nb.metadata.update(kernelspec={"name": "python3", "language": "python"}, papermill={})
    path = str(tmp_path / "vault" / FILE_NAME)
    out = tmp_path / "out.ipynb"
    nbformat.write(parameterize_notebook(nb, {"data_source": path, "k": 2}), out)
    assert path in out.read_text()  # what papermill injects
    _tidy_executed(out, {"data_source": path, "k": 2})
    text = out.read_text()
    assert path not in text and FILE_NAME not in text
    injected = [c.source for c in nbformat.read(out, 4).cells if "injected-parameters" in c.metadata.tags]
    assert injected == [f'# Parameters\ndata_source = "{REAL_FILE_SHOWN_AS}"\nk = 2\n']


def test_survey_files_are_ignored_by_git():
    lines = (paths.ROOT / ".gitignore").read_text().splitlines()
    assert {"*.dta", "*.sav"} <= {ln.strip() for ln in lines}
    probe = ["data/survey.dta", "survey.sav", "notebooks/x.dta"]
    out = subprocess.run(["git", "check-ignore", "--no-index", *probe], cwd=paths.ROOT, capture_output=True, text=True)
    assert sorted(out.stdout.split()) == sorted(probe)


def test_a_mapping_outside_data_enters_the_chapter_hash(tmp_path, monkeypatch):
    from hukoumob.book.build import shared_digest

    shipped = shared_digest()
    mapping = tmp_path / "my_mapping.yml"
    mapping.write_text("variables: {}\n")
    monkeypatch.setenv("HUKOUMOB_LHSCCC_MAPPING", str(mapping))
    first = shared_digest()
    mapping.write_text("variables: {educ: {source: eduyrs}}\n")
    assert len({shipped, first, shared_digest()}) == 3  # editing it re-executes the chapters
