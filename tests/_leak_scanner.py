"""A leak scanner that looks for people, not numbers (issue 16): is any man of the input findable in an output?

An output *shows* a man when some piece of it (a table row, a text line,
a sentence, a CSV line, a wrapped row of a printed frame) carries values of
his on at least :data:`MIN_COLUMNS` informative columns (:data:`INFORMATIVE`;
:data:`MIN_COLUMNS_COMMON` when none of the numbers is rare, i.e. four
digits or not whole; each number standing for one column) that, together,
fewer than ``min_cell`` men of the input share. Against chance matches (a
row of counts matches some man somewhere): his values must explain most of
the piece's numbers (:data:`MIN_EXPLAINED`), at least :data:`MIN_STRONG` of
them must be more than one digit, and fewer than ``min_cell`` men may match
the piece on as many columns as he does. A value counts in the forms a page may print it: rounded to 0-4
decimals, with thousands separators, age (1996 - birth year) for birth year,
and z-scores (weighted or not, 2-3 decimals) of the continuous columns.

Second check, for counts: a table whose row and column labels are values of
two categorical columns (classes, sample) with an integer cell of 1 to
``min_cell - 1`` equal to the number of input men in that cross-classification
(whole sample or a panel of Tables 3-4) shows those men.

What it reads: HTML (tables and text), executed notebooks (outputs and cell
sources), CSV, logs and zip archives (each member). **What it cannot check:
the pixels of a figure** (PNG or SVG: the coordinates in an SVG are drawing
positions, not data). For figures it checks the code instead
(:func:`figure_cells`): a notebook cell with an image output whose code
plots the records frame directly (``men[...]``, ``rec.men``, ``data=men``).

A second scanner, :class:`ValueScanner`, finds given numbers (model terms
that rest on too few men, computed by a test at full precision) printed
anywhere with 2-4 decimals: a suppressed term is not a man, so the first
scanner would not see it.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SURVEY_YEAR = 1996
INFORMATIVE = ("birth_year", "educ", "father_educ", "current_isei", "first_isei", "father_isei", "psu", "stratum",
               "labor_force_entry_year", "farm_entry_year", "party_join_year", "year_junior_hs", "year_senior_hs",
               "weight", "adults")
CONTINUOUS = ("birth_year", "educ", "father_educ", "current_isei", "first_isei", "father_isei")
CATEGORICAL = ("father_class", "son_class", "sample")
MIN_COLUMNS = 3
#: Of which at least this many shown by a "strong" number: |v| >= 10 or not a whole number;
#: 0-9 are everywhere (counts, codes, labels) and alone identify nobody.
MIN_STRONG = 4
#: Weights count only when printed with at least 3 decimals.
WEIGHT_DECIMALS = 3
#: The sample's definition (men 20-69 in 1996, born 1927-1976), printed all over the book: never a man's value.
CONSTANTS = {1996.0, 20.0, 69.0, 1927.0, 1976.0}
#: Columns a man must be matched on when none of his shown numbers is rare (four digits, or not whole).
MIN_COLUMNS_COMMON = 5
#: Columns shown as z-scores must be this many (a z-score near 0 is shared by many men per column).
MIN_Z_COLUMNS = 4
_PERCENT = re.compile(r"-?\d+(?:\.\d+)?\s?%")  # a share, not a man's value
_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?[eE][-+]?\d+")
MIN_EXPLAINED = 0.75
MAX_DECIMALS = 4

_TR = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S | re.I)
_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.S | re.I)
_DATA_CELL = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S | re.I)
_ROW_LABEL = re.compile(r"^\s*-?\d+\s+(?=\S)")
_TAG = re.compile(r"<[^>]+>")
_PLAIN = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
_THOUSANDS = re.compile(r"(?<![\w.,])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])")
_PLOTS = re.compile(r"(scatter|\.plot\b|\.hist\b|hexbin|scatterplot|histplot|stripplot|swarmplot|regplot|kdeplot)")
_RECORDS = re.compile(r"(\bmen\s*\[|\bmen\.(?!shape|columns)|rec\.men|data\s*=\s*men\b)")


@dataclass
class Leak:
    where: str  # file (and member or cell)
    kind: str  # "record" or "small count"
    men: int  # how many men share what was shown
    columns: tuple[str, ...]
    piece: str  # the start of the piece, for the report (test output only)


def _decimals(token: str) -> int:
    return len(token.split(".")[1]) if "." in token else 0


def numbers_of(text: str) -> tuple[list[tuple[float, int]], int]:
    """Numbers in ``text`` as (value, decimals), and how many there are (1.0e-09 is one number, at 9 decimals)."""
    text = _PERCENT.sub(" ", text)
    sci = [(float(t), 9) for t in _SCIENTIFIC.findall(text)]
    plain = [(float(t), _decimals(t)) for t in _PLAIN.findall(_SCIENTIFIC.sub(" ", text))] + sci
    plain = [(v, d) for v, d in plain if v not in CONSTANTS]
    return plain, len(plain)


def readings(piece: str) -> list[str]:
    """The piece as printed, and with thousands separators removed (1,959 -> 1959) where it has them."""
    joined = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), piece)
    return [piece] if joined == piece else [piece, joined]


class PeopleScanner:
    """Find men of ``men`` (the input, as a chapter holds it) shown in any output (module docstring)."""

    def __init__(self, men: pd.DataFrame, min_cell: int = 5):
        self.men = men.reset_index(drop=True)
        self.n = len(self.men)
        self.min_cell = min_cell
        self.columns = [c for c in INFORMATIVE if c in self.men.columns]
        self.forms: dict[str, dict[int, dict[float, int]]] = {}  # column -> decimals -> value -> bitmask of men
        self.zforms: dict[str, dict[int, dict[float, int]]] = {}  # the same for z-scores
        for c in self.columns:
            x = pd.to_numeric(self.men[c], errors="coerce").to_numpy(float)
            variants = [x]
            if c == "birth_year":
                variants.append(SURVEY_YEAR - x)  # age
            by_dec, by_dec_z = {}, {}
            for d in range(MAX_DECIMALS + 1):
                table: dict[float, int] = {}
                if c == "weight" and d < WEIGHT_DECIMALS:
                    by_dec[d], by_dec_z[d] = table, {}
                    continue
                for v in variants:
                    self._index(table, np.round(v, d))
                by_dec_z[d] = ztable = {}
                if c in CONTINUOUS and d >= 2:
                    w = pd.to_numeric(self.men.get("weight", pd.Series(1.0, index=self.men.index)), errors="coerce")
                    w = w.fillna(0).to_numpy(float)
                    ok = ~np.isnan(x)
                    for mean, sd in ((np.nanmean(x), np.nanstd(x, ddof=1)),
                                     (np.average(x[ok], weights=w[ok]), np.sqrt(np.cov(x[ok], aweights=w[ok])))):
                        if sd > 0:
                            self._index(ztable, np.round((x - mean) / sd, d))
                by_dec[d] = table
            self.forms[c] = by_dec
            self.zforms[c] = by_dec_z
        self.everything = (1 << self.n) - 1

    def _his(self, i: int, nums: list[tuple[float, int]]) -> set[int]:
        """Which numbers are any value of man ``i`` (any numeric column, as printed): the rest of his row."""
        if not hasattr(self, "_numeric"):
            self._numeric = self.men.select_dtypes("number").to_numpy(float)
            self._values: dict[int, list[set]] = {}
        if i not in self._values:
            row = self._numeric[i]
            row = row[~np.isnan(row)]
            self._values[i] = [set(np.round(row, d).tolist()) for d in range(MAX_DECIMALS + 1)]
        mine = self._values[i]
        return {k for k, (v, d) in enumerate(nums) if round(v, MAX_DECIMALS) in mine[min(d, MAX_DECIMALS)]}

    @staticmethod
    def _index(table: dict[float, int], values: np.ndarray) -> None:
        order = {}
        for i, v in enumerate(values):
            if not np.isnan(v):
                order.setdefault(float(v), []).append(i)
        for v, rows in order.items():
            mask = 0
            for i in rows:
                mask |= 1 << i
            table[v] = table.get(v, 0) | mask

    # --- records --------------------------------------------------------------------------

    def piece_leaks(self, piece: str) -> list[tuple[int, tuple[str, ...]]]:
        """(men sharing what is shown, columns) for each man the piece shows, as values or as z-scores."""
        nums, n_plain = numbers_of(piece)
        if n_plain < MIN_COLUMNS:
            return []
        return self._leaks(nums, n_plain, self.forms, MIN_COLUMNS) + self._leaks(nums, n_plain, self.zforms, MIN_Z_COLUMNS)

    def _leaks(self, nums, n_plain, forms, min_columns) -> list[tuple[int, tuple[str, ...]]]:
        hits: dict[str, list[tuple[int, int]]] = {}  # column -> [(number index, mask)]
        for k, (v, d) in enumerate(nums):
            if d > MAX_DECIMALS:
                v, d = round(v, MAX_DECIMALS), MAX_DECIMALS
            for c in self.columns:
                mask = forms[c][d].get(v)
                if mask:
                    hits.setdefault(c, []).append((k, mask))
        if len(hits) < min_columns:
            return []
        colmask = {c: _or(m for _, m in h) for c, h in hits.items()}
        ones = twos = threes = 0  # bit-sliced count of columns per man, saturating at 3
        for m in colmask.values():
            threes |= twos & m
            twos |= ones & m
            ones |= m
        # How many columns each candidate matches, and how many candidates match at least as many: a piece
        # of common numbers (counts, small integers) matches hundreds of men on 3-4 columns by chance; the
        # man a record shows is one of the few who match it on the most columns.
        level: dict[int, tuple] = {}
        bits = threes
        while bits:
            low = bits & -bits
            bits ^= low
            options = {c: [k for k, m in hits[c] if m & low] for c, m in colmask.items() if m & low}
            level[low] = (options, _matching(options))  # each shown number stands for one column only
        sizes = [len(cols) for _, cols in level.values()]
        found = []
        for low, (options, cols) in level.items():
            if sum(1 for n in sizes if n >= len(cols)) >= self.min_cell:
                continue
            i = low.bit_length() - 1
            strong = _matching({c: [k for k in ks if abs(nums[k][0]) >= 10 or nums[k][0] != int(nums[k][0])]
                                for c, ks in options.items()})
            rare = any(abs(nums[k][0]) >= 1000 or nums[k][0] != int(nums[k][0]) for c in cols for k in options[c])
            need = min_columns if rare else max(min_columns, MIN_COLUMNS_COMMON)
            if len(cols) < need or len(strong) < MIN_STRONG:
                continue
            used = {k for c in options for k in options[c] if k < n_plain}
            if len(used) / n_plain < MIN_EXPLAINED:
                used |= self._his(i, nums[:n_plain])
                if len(used) / n_plain < MIN_EXPLAINED:
                    continue
            share = self.everything
            for c in cols:
                share &= _or(m for _, m in hits[c] if m & low)
            count = bin(share).count("1")
            if count < self.min_cell:
                found.append((count, cols))
        return found

    # --- small counts in crosstabs ---------------------------------------------------------

    def _true_counts(self) -> list[pd.DataFrame]:
        if not hasattr(self, "_crosstabs"):
            cats = [c for c in CATEGORICAL if c in self.men.columns]
            subsets = [np.ones(self.n, bool)]
            if {"hukou14_rural", "hukou_change"} <= set(self.men.columns):
                r = (self.men["hukou14_rural"] == 1).to_numpy()
                subsets += [~r, r, r & (self.men["hukou_change"] == 0).to_numpy()]
            self._crosstabs = [pd.crosstab(self.men.loc[s, a], self.men.loc[s, b])
                               for a in cats for b in cats if a != b for s in subsets]
        return self._crosstabs

    def crosstab_leaks(self, rows: list[list[str]]) -> list[tuple[int, tuple[str, ...]]]:
        """Small counts in a table given as rows of cell texts (first row the header)."""
        if len(rows) < 2:
            return []
        header = [h.strip() for h in rows[0]]
        found = []
        for tab in self._true_counts():
            cols = {str(c): c for c in tab.columns}
            idx = {str(r): r for r in tab.index}
            if sum(h in cols for h in header) < 2:
                continue
            for row in rows[1:]:
                if not row or row[0].strip() not in idx:
                    continue
                offset = len(header) - len(row)
                for j, cell in enumerate(row[1:], 1):
                    h = header[j + offset] if 0 <= j + offset < len(header) else ""
                    if h in cols and re.fullmatch(r"\s*\d+\s*", cell):
                        v = int(cell)
                        if 0 < v < self.min_cell and tab.loc[idx[row[0].strip()], cols[h]] == v:
                            found.append((v, (tab.index.name, tab.columns.name)))
        return found

    # --- texts ------------------------------------------------------------------------------

    def scan_text(self, text: str, where: str) -> list[Leak]:
        """Leaks in one text (HTML, CSV, log, notebook output)."""
        leaks = []
        text = html_lib.unescape(text)
        tables, pieces = [], []
        for table in re.findall(r"<table\b.*?</table>", text, re.S | re.I):
            rows = [[_TAG.sub(" ", c).strip() for c in _CELL.findall(tr)] for tr in _TR.findall(table)]
            tables.append(rows)
            # a row's data cells (<td>): the index (<th>, a row label or position) is not the man's
            pieces += [" ".join(_TAG.sub(" ", c).strip() for c in _DATA_CELL.findall(tr)) for tr in _TR.findall(table)]
        for rows in tables:
            for count, cols in self.crosstab_leaks(rows):
                leaks.append(Leak(where, "small count", count, cols, " | ".join(rows[0])[:80]))
        rest = _TAG.sub(" ", re.sub(r"<table\b.*?</table>", " ", text, flags=re.S | re.I))
        lines = rest.splitlines()
        pieces += [_ROW_LABEL.sub("", line) for line in lines]  # a printed frame's line starts with its row label
        pieces += [s for line in lines for s in re.split(r"(?<=[.;])\s+", line) if s != line]
        pieces += _wrapped_rows(lines)
        pieces += [" ".join(b) for b in _blocks(lines)  # a Series shown vertically: "name value" lines
                   if len(b) <= 60 and all(len(ln.split()) == 2 for ln in b)]
        for rows in _text_tables(lines):
            for count, cols in self.crosstab_leaks(rows):
                leaks.append(Leak(where, "small count", count, cols, " ".join(rows[0])[:80]))
        for piece in {r for p in pieces for r in readings(p)}:
            for count, cols in self.piece_leaks(piece):
                leaks.append(Leak(where, "record", count, cols, piece.strip()[:80]))
        return leaks

    def scan_notebook(self, raw: str, where: str) -> list[Leak]:
        nb = json.loads(raw)
        leaks = []
        for k, cell in enumerate(nb.get("cells", [])):
            texts = ["".join(cell.get("source", ""))]
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                for key in ("text/html", "text/plain", "text/markdown", "text/latex"):
                    if key in data:
                        texts.append("".join(data[key]))
                if "text" in out:
                    texts.append("".join(out["text"]))
            leaks += self.scan_text("\n".join(texts), f"{where} cell {k}")
        return leaks

    def scan_bytes(self, data: bytes, name: str) -> list[Leak]:
        if name.endswith(".zip"):
            leaks = []
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    leaks += self.scan_bytes(archive.read(member), f"{name}!{member}")
            return leaks
        if name.endswith((".png", ".svg", ".jpg", ".jpeg", ".gif", ".woff", ".woff2", ".ttf", ".eot", ".ico", ".pickle", ".doctree")):
            return []  # pixels and binaries: not checked (module docstring)
        text = data.decode("utf-8", errors="replace")
        if name.endswith(".ipynb"):
            try:
                return self.scan_notebook(text, name)
            except json.JSONDecodeError:
                pass
        return self.scan_text(text, name)

    def scan_files(self, files: list[Path]) -> list[Leak]:
        leaks = []
        for f in files:
            leaks += self.scan_bytes(f.read_bytes(), str(f))
        return leaks


def _matching(options: dict[str, list[int]]) -> tuple[str, ...]:
    """Columns in a largest matching of columns to distinct numbers (augmenting paths; a handful of each)."""
    owner: dict[int, str] = {}

    def place(c: str, seen: set) -> bool:
        for k in options[c]:
            if k not in seen:
                seen.add(k)
                if k not in owner or place(owner[k], seen):
                    owner[k] = c
                    return True
        return False

    for c in options:
        place(c, set())
    return tuple(sorted(set(owner.values())))


def _or(masks) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _label(line: str) -> str | None:
    parts = line.split()
    return parts[0] if len(parts) >= 2 else None


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    blocks, cur = [], []
    for line in lines + [""]:
        if line.strip():
            cur.append(line)
        elif cur:
            blocks.append(cur)
            cur = []
    return blocks


def _wrapped_rows(lines: list[str]) -> list[str]:
    """A wide frame printed as text wraps its columns into blocks of lines with the same row labels:
    rejoin each row's lines (blocks separated by blank lines)."""
    blocks = _blocks(lines)
    out = []
    i = 0
    while i < len(blocks):
        labels = [_label(ln) for ln in blocks[i][1:]]
        j = i + 1
        while j < len(blocks) and [_label(ln) for ln in blocks[j][1:]] == labels and labels:
            j += 1
        if j - i > 1:
            for r in range(len(labels)):
                out.append(" ".join(blocks[b][r + 1].split(None, 1)[1] if len(blocks[b][r + 1].split(None, 1)) > 1 else ""
                                    for b in range(i, j)))
        i = j
    return out


def _text_tables(lines: list[str]) -> list[list[list[str]]]:
    """Tables printed as text (a header line, then label + cells), for :meth:`PeopleScanner.crosstab_leaks`."""
    tables, cur = [], []
    for line in lines + [""]:
        if line.strip():
            cur.append(line.split())
        elif cur:
            tables.append(cur)
            cur = []
    return [t for t in tables if len(t) >= 2]


def figure_cells(raw_notebook: str) -> list[int]:
    """Cells of an executed notebook with an image output whose code plots the records frame itself."""
    nb = json.loads(raw_notebook)
    bad = []
    for k, cell in enumerate(nb.get("cells", [])):
        images = any("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {}) for o in cell.get("outputs", []))
        src = "".join(cell.get("source", ""))
        if images and any(_PLOTS.search(ln) and _RECORDS.search(ln) for ln in src.splitlines()):
            bad.append(k)
    return bad


#: The project's download (hukoumob.book.archive): the files git tracks, the same whatever data a build ran on.
PROJECT_ARCHIVE = "hukou-replication-book.zip"


def published_files(repo: Path) -> list[Path]:
    """Everything a build makes that could leave the machine: the HTML (but the theme's and libraries'
    ``_static`` assets and the project archive, the same for every build), ``results/``, the executed
    chapters and ``results.zip``."""
    html = [p for p in (repo / "_build" / "html").rglob("*") if p.is_file() and "_static" not in p.parts]
    rest = [p for d in ("results", "book") for p in (repo / d).rglob("*") if p.is_file()]
    return sorted(p for p in html + rest if p.name != PROJECT_ARCHIVE)


class ValueScanner:
    """Numbers that must not be published, found in the forms a page prints them (the second scanner).

    A model term, worked number or plotted point resting on fewer than
    ``min_cell`` men must be suppressed; :class:`PeopleScanner` looks for men,
    not for such a term. The test computes the suppressed terms itself, at
    full precision, from the fitted models (``values``: label -> number), and
    this scanner finds any of them printed with 2 to 4 decimals (only forms
    with at least :data:`MIN_SIGNIFICANT` significant digits, so that a
    "0.02" is not taken for a term) in a piece of an output (a table row, a
    line) that also names what it is about (``words``: any of them, e.g.
    "hukou"; without ``words`` anywhere): a chapter prints hundreds of
    numbers, and one of them may equal a hidden term by chance. Reads HTML,
    executed notebooks (their outputs), CSV and zip members.
    """

    MIN_SIGNIFICANT = 3

    def __init__(self, values: dict[str, float], decimals=(2, 3, 4), allowed=(), words: tuple[str, ...] = ()):
        """``allowed``: numbers the page may show (terms that rest on enough men); a forbidden number that
        prints the same as one of them cannot be told apart from it and is not looked for."""
        shown = {f"{a:.{d}f}" for a in allowed if np.isfinite(a) for d in decimals}
        self.words = tuple(w.lower() for w in words)
        self.forms: dict[str, str] = {}
        for label, v in values.items():
            if not np.isfinite(v):
                continue
            for d in decimals:
                text = f"{v:.{d}f}"
                if len(text.lstrip("-").replace(".", "").lstrip("0")) >= self.MIN_SIGNIFICANT and text not in shown:
                    self.forms.setdefault(text, label)

    _NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?![\w.])")
    _CHAPTER = re.compile(r"\b\d\d_[a-z0-9_]+")  # a chapter's file stem, e.g. 07_agriculture_and_hukou_change

    def _pieces(self, text: str) -> list[str]:
        text = html_lib.unescape(text).replace("\u2212", "-")
        rows = re.findall(r"<tr\b.*?</tr>", text, re.S | re.I)
        rest = re.sub(r"<tr\b.*?</tr>", "\n", text, flags=re.S | re.I)
        return [_TAG.sub(" ", p) for p in rows + rest.splitlines()]

    def scan_text(self, text: str, where: str) -> list[tuple[str, str, str]]:
        """(where, label, printed form) for each forbidden number in a piece of ``text``."""
        found = set()
        for piece in self._pieces(text):
            hits = [t for t in self._NUMBER.findall(piece) if t in self.forms]
            low = self._CHAPTER.sub(" ", piece.lower()).replace("_", " ")  # a chapter's name is no topic
            if hits and (not self.words or any(w in low for w in self.words)):
                found |= {(where, self.forms[t], t) for t in hits}
        return sorted(found)

    def scan_notebook(self, raw: str, where: str) -> list[tuple[str, str, str]]:
        found = []
        for k, cell in enumerate(json.loads(raw).get("cells", [])):
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                texts = ["".join(v) for key, v in data.items() if key.startswith(("text/", "application/papermill"))]
                found += [hit for t in texts + ["".join(out.get("text", ""))] for hit in self.scan_text(t, f"{where} cell {k}")]
        return found

    def scan_files(self, files: dict[Path, bytes]) -> list[tuple[str, str, str]]:
        """Scan ``{path: bytes}`` (notebooks by their outputs, zips by member, other text as it is)."""
        found = []
        for f, data in files.items():
            if f.suffix == ".zip":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.namelist():
                        found += self.scan_text(archive.read(member).decode("utf-8", "replace"), f"{f.name}!{member}")
            elif f.suffix == ".ipynb":
                found += self.scan_notebook(data.decode("utf-8", "replace"), f.name)
            elif f.suffix in (".csv", ".json", ".html", ".txt", ".md"):
                found += self.scan_text(data.decode("utf-8", "replace"), f.name)
        return found
