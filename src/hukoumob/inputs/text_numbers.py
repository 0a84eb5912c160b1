"""The numbers printed in the paper's prose and notes (``data/published/text_numbers.csv``).

One row per number the text prints (not the tables): its ``id``, the paper's
``section`` (and ``note``, for a footnote), a few words around it
(``fragment``), the ``value`` as printed in its printed unit (31.4 for "31.4
per cent"), the ``unit``, a ``qualifier`` ("about", "less_than", the ends of a
printed range), how it derives (``derivation``) and which of our sources can
compute it (``computable_from``). ``data/published/README.md`` describes the
transcription.

A ``derivation`` is one of three kinds:

* a **formula**: an arithmetic expression over printed table cells,
  ``table5[model1/B_immobility/immobility/est]`` (the key values in the order
  of :data:`hukoumob.inputs.schema.SCHEMAS`), over other text numbers,
  ``text[rural_sample_n]``, and the functions ``exp``, ``log``, ``abs``,
  ``p_two_sided(est, se)``;
* ``records: ...``: computed from the men's records in a way no table cell
  gives (said in words);
* ``not derivable ...``: nothing in the tables or the records gives it.

:func:`load_text_numbers` validates every row and stops on the first file
with all problems listed, each naming the row (line and id). A formula that
names a cell the transcribed table does not have, or a value that does not
parse, is such a problem. :func:`evaluate` computes a formula from any cell
values (the paper's own, or ours); :func:`paper_implied` does it with the
printed tables, which shows where the text and the tables of the paper
disagree with each other. The small expression evaluator is hand-written
(on :mod:`ast`) because the formulas need cell references, which no
arithmetic library parses, and only a handful of operators.
"""

from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hukoumob.inputs import paths
from hukoumob.inputs.published import load_published, printed_decimals
from hukoumob.inputs.schema import SCHEMAS

#: Columns of ``text_numbers.csv``, in order.
COLUMNS = ("id", "section", "note", "fragment", "value", "unit", "qualifier", "derivation", "computable_from")

#: The paper's sections, in its order (the titles as printed, in title case).
SECTIONS = (
    "Introduction",
    "Background: Rural-Urban Segmentation and Chinese Social Stratification",
    "Data and Variables",
    "Rural-Urban Segmentation, Status Attainment and Occupational Mobility",
    "Combining Status Attainment and Social Mobility Analysis",
    "Explaining Downward Mobility into Agriculture",
    "Summary and Conclusions",
)

UNITS = (
    "percent", "fraction", "per_thousand", "per_thousand_per_year", "count", "year", "age", "coefficient",
    "score", "factor", "p_value", "isei", "isei_points", "1e8_persons",
)
#: ``about``: the text rounds loosely ("about a third"); ``less_than``: an upper bound ("p<.001");
#: ``range_low`` / ``range_high``: the two ends of a printed range.
QUALIFIERS = ("", "about", "less_than", "range_low", "range_high")
#: Which of our routes can compute a number: ``tables`` (source ``published_tables``), ``records``
#: (``replica`` or ``lhsccc``), both separated by ``;``, or ``none``.
COMPUTABLE = ("tables", "records")

_ID = re.compile(r"^[a-z][A-Za-z0-9_]*$")
_CELL = re.compile(r"\b(table[1-6])\[([^\]]*)\]")
_TEXT = re.compile(r"\btext\[([^\]]*)\]")


def p_two_sided(est: float, se: float) -> float:
    """Two-sided normal p-value of ``est / se`` (the paper's Table 5 notes)."""
    return math.erfc(abs(est / se) / math.sqrt(2.0))


FUNCTIONS: dict[str, Callable[..., float]] = {"exp": math.exp, "log": math.log, "abs": abs, "p_two_sided": p_two_sided}
_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Load, ast.Constant, ast.Add, ast.Sub,
          ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


class TextNumbersError(ValueError):
    """The transcription of the text's numbers is malformed; the message names each bad row."""


@dataclass(frozen=True)
class Cell:
    """One printed table cell named in a derivation: ``table`` and its key values (schema order)."""

    table: str
    key: tuple[str, ...]

    @property
    def keys(self) -> dict[str, str]:
        return dict(zip(SCHEMAS[self.table].keys, self.key))

    def __str__(self) -> str:
        return f"{self.table}[{'/'.join(self.key)}]"


@dataclass(frozen=True)
class Derivation:
    """A parsed ``derivation``: ``kind`` is ``formula``, ``records`` or ``not_derivable``."""

    kind: str
    text: str
    cells: tuple[Cell, ...] = ()
    text_refs: tuple[str, ...] = ()
    expression: str = ""

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables a formula draws on, sorted."""
        return tuple(sorted({c.table for c in self.cells}))


def parse_derivation(text: str) -> Derivation:
    """Parse one ``derivation``; raises :class:`TextNumbersError` for a formula that does not parse."""
    text = text.strip()
    if text.startswith("records:"):
        return Derivation("records", text)
    if text.startswith("not derivable"):
        return Derivation("not_derivable", text)
    for name in re.findall(r"\b(\w+)\[", text):
        if name != "text" and name not in SCHEMAS:
            raise TextNumbersError(f"formula {text!r} names {name}[...], which is neither a table of "
                                   f"data/published/ ({', '.join(sorted(SCHEMAS))}) nor text[...]")
    cells: list[Cell] = []
    refs: list[str] = []

    def cell(m: re.Match) -> str:
        table, key = m.group(1), tuple(k.strip() for k in m.group(2).split("/"))
        if len(key) != len(SCHEMAS[table].keys):
            raise TextNumbersError(
                f"{m.group(0)} has {len(key)} key values; {table} needs {len(SCHEMAS[table].keys)} "
                f"({'/'.join(SCHEMAS[table].keys)})")
        c = Cell(table, key)
        if c not in cells:
            cells.append(c)
        return f"_c{cells.index(c)}"

    def ref(m: re.Match) -> str:
        name = m.group(1).strip()
        if name not in refs:
            refs.append(name)
        return f"_t{refs.index(name)}"

    expression = _TEXT.sub(ref, _CELL.sub(cell, text))
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as err:
        raise TextNumbersError(f"formula {text!r} is not an arithmetic expression ({err.msg})") from None
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise TextNumbersError(f"formula {text!r} uses {type(node).__name__}, which formulas may not")
        if isinstance(node, ast.Name) and not (node.id in FUNCTIONS or re.fullmatch(r"_[ct]\d+", node.id)):
            raise TextNumbersError(f"formula {text!r} names {node.id!r}: neither a table cell, text[...] nor a function")
    if not cells and not refs:
        raise TextNumbersError(f"formula {text!r} names no table cell and no text number "
                               "(start it with 'records:' or 'not derivable' if it is not a formula)")
    return Derivation("formula", text, tuple(cells), tuple(refs), expression)


def evaluate(derivation: Derivation, cell_value: Callable[[Cell], float],
             text_value: Callable[[str], float] | None = None) -> float:
    """Value of a formula with ``cell_value(cell)`` for each cell and ``text_value(id)`` for each text number."""
    if derivation.kind != "formula":
        raise ValueError(f"{derivation.text!r} is not a formula")
    env: dict[str, object] = dict(FUNCTIONS)
    env.update({f"_c{i}": float(cell_value(c)) for i, c in enumerate(derivation.cells)})
    if derivation.text_refs:
        if text_value is None:
            raise ValueError(f"{derivation.text!r} needs text numbers but no text_value was given")
        env.update({f"_t{i}": float(text_value(t)) for i, t in enumerate(derivation.text_refs)})
    return float(eval(compile(ast.parse(derivation.expression, mode="eval"), "<derivation>", "eval"),  # noqa: S307
                      {"__builtins__": {}}, env))


def text_numbers_path() -> Path:
    return paths.PUBLISHED / "text_numbers.csv"


def load_text_numbers(path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate ``text_numbers.csv``; ``value`` as float, plus ``decimals`` (printed digits).

    Also adds ``printed`` (the value as the paper prints it, a string), ``kind``
    (the derivation's kind) and ``sources`` (the tuple of ``computable_from``). Raises :class:`TextNumbersError` listing every bad row.
    """
    file = Path(path) if path is not None else text_numbers_path()
    stamp = file.stat().st_mtime_ns if file.exists() else None
    return _load(file, stamp).copy()


@functools.lru_cache(maxsize=8)
def _load(file: Path, _stamp) -> pd.DataFrame:
    if not file.exists():
        raise TextNumbersError(f"{file}: file is missing")
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise TextNumbersError(f"{file}: not a readable CSV ({err})") from err
    return validate(frame, file)


@functools.lru_cache(maxsize=16)
def _published_keys(table: str) -> frozenset[tuple[str, ...]]:
    pub = load_published(table, corrected=False)
    return frozenset(map(tuple, pub[list(SCHEMAS[table].keys)].to_numpy().tolist()))


def validate(frame: pd.DataFrame, file: Path | str = "text_numbers.csv") -> pd.DataFrame:
    """Check every row of a text-numbers frame (all columns as text); return it typed.

    A problem is reported as ``line L (id X): what``; all are collected into one
    :class:`TextNumbersError`.
    """
    if tuple(frame.columns) != COLUMNS:
        raise TextNumbersError(f"{file}: columns are {list(frame.columns)}, expected {list(COLUMNS)}")
    problems: list[str] = []
    ids = set(frame["id"])
    derivations: dict[str, Derivation] = {}
    values = []
    for i, row in frame.iterrows():
        where = f"line {i + 2} (id {row['id'] or '<empty>'})"

        def bad(what: str) -> None:
            problems.append(f"{where}: {what}")

        if not _ID.match(row["id"]):
            bad("id must be a slug (a lower-case letter, then letters, digits, _)")
        if row["section"] not in SECTIONS:
            bad(f"section {row['section']!r} is not one of the paper's sections")
        if row["note"] and not row["note"].isdigit():
            bad(f"note {row['note']!r} is not a note number")
        if not row["fragment"].strip():
            bad("fragment is empty")
        try:
            values.append(float(row["value"]))
            if not math.isfinite(values[-1]):
                raise ValueError
        except ValueError:
            values.append(math.nan)
            bad(f"value {row['value']!r} does not parse as a number")
        if row["unit"] not in UNITS:
            bad(f"unit {row['unit']!r} is not one of {UNITS}")
        if row["qualifier"] not in QUALIFIERS:
            bad(f"qualifier {row['qualifier']!r} is not one of {QUALIFIERS}")
        comp = row["computable_from"].split(";")
        if row["computable_from"] != "none" and not (set(comp) <= set(COMPUTABLE) and len(set(comp)) == len(comp)):
            bad(f"computable_from {row['computable_from']!r} must be 'none' or from {COMPUTABLE} separated by ';'")
        try:
            d = parse_derivation(row["derivation"])
        except TextNumbersError as err:
            bad(str(err))
            continue
        derivations[row["id"]] = d
        if d.kind == "not_derivable" and row["computable_from"] != "none":
            bad("a number that is not derivable cannot be computable_from anything but 'none'")
        if d.kind == "records" and "records" not in comp:
            bad("a 'records:' derivation must be computable_from records")
        for c in d.cells:
            if c.key not in _published_keys(c.table):
                bad(f"derivation names {c}, which data/published/{c.table}.csv does not have "
                    f"(keys {'/'.join(SCHEMAS[c.table].keys)})")
        for t in d.text_refs:
            if t not in ids:
                bad(f"derivation names text[{t}], which is not an id of the file")
            elif t == row["id"]:
                bad("derivation refers to itself")
    dup = frame["id"].duplicated(keep=False)
    for i in frame.index[dup]:
        problems.append(f"line {i + 2} (id {frame.at[i, 'id']}): id repeated")
    if problems:
        raise TextNumbersError(f"{file}: " + "; ".join(problems))
    out = frame.copy()
    out["printed"] = frame["value"]
    out["value"] = values
    out["decimals"] = frame["value"].map(printed_decimals).astype(int)
    out["kind"] = out["id"].map(lambda k: derivations[k].kind)
    out["sources"] = frame["computable_from"].map(lambda s: () if s == "none" else tuple(s.split(";")))
    return out


def derivation_of(text_id: str, frame: pd.DataFrame | None = None) -> Derivation:
    """The parsed derivation of one text number."""
    frame = load_text_numbers() if frame is None else frame
    row = frame.loc[frame["id"] == text_id]
    if row.empty:
        raise KeyError(f"no text number {text_id!r} in text_numbers.csv")
    return parse_derivation(row["derivation"].iloc[0])


def published_cell(cell: Cell) -> float:
    """The printed value of one cell (as printed, no errata)."""
    pub = load_published(cell.table, corrected=False)
    match = pd.Series(True, index=pub.index)
    for k, v in cell.keys.items():
        match &= pub[k] == v
    return float(pub.loc[match, "value"].iloc[0])


def paper_implied(frame: pd.DataFrame | None = None) -> pd.Series:
    """What the paper's own printed tables give for each formula row (by id): text against tables.

    Text references resolve to the paper's printed text numbers. Rows that are
    not formulas are left out.
    """
    frame = load_text_numbers() if frame is None else frame
    printed = frame.set_index("id")["value"]
    out = {}
    for _, row in frame[frame["kind"] == "formula"].iterrows():
        out[row["id"]] = evaluate(parse_derivation(row["derivation"]), published_cell, printed.__getitem__)
    return pd.Series(out, name="paper_implied", dtype=float)


def _text_row(text_id: str) -> pd.Series:
    """The row of ``text_numbers.csv`` for ``text_id`` (KeyError naming it if there is none)."""
    frame = load_text_numbers()
    row = frame.loc[frame["id"] == text_id]
    if row.empty:
        raise KeyError(f"no text number {text_id!r} in text_numbers.csv")
    return row.iloc[0]


def paper_value(text_id: str) -> float:
    """The value the paper's text prints for ``text_id`` (for chapters: the paper's number beside ours)."""
    return float(_text_row(text_id)["value"])


def note11_ranges(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Note 11's ranges of Model 1's parameters in other countries, one row per parameter and group.

    Columns: ``parameter`` (immobility, association), ``group`` (``socialist``: the former
    state socialist countries; ``developing``: the developing countries), ``low``, ``high``
    (numbers), ``low_printed``, ``high_printed`` (as printed), ``low_country``,
    ``high_country``, ``low_id``, ``high_id``, and ``label`` (how many countries and when,
    from note 8: e.g. "6 former state socialist countries, 1993-1994").
    """
    frame = load_text_numbers() if frame is None else frame
    by_id = frame.set_index("id")
    n11 = frame[frame["id"].str.startswith("n11_")]
    years = {
        "socialist": f"{by_id.at['note8_socialist_year_first', 'printed']}-{by_id.at['note8_socialist_year_last', 'printed']}",
        "developing": "-".join(str(f(int(by_id.at[f"note8_{c}_year", "value"]) for c in ("brazil", "india", "philippines", "taiwan")))
                               for f in (min, max)),
    }
    names = {"socialist": ("note8_socialist_n", "former state socialist countries"),
             "developing": ("note8_developing_n", "developing countries")}
    rows = {}
    for _, r in n11.iterrows():
        _, parameter, group, end, country = r["id"].split("_", 4)
        out = rows.setdefault((parameter, group), {"parameter": parameter, "group": group})
        side = "low" if end == "min" else "high"
        out[side], out[f"{side}_printed"] = r["value"], r["printed"]
        out[f"{side}_country"], out[f"{side}_id"] = country.title(), r["id"]
        n_id, what = names[group]
        out["label"] = f"{by_id.at[n_id, 'printed']} {what}, {years[group]}"
    return pd.DataFrame(list(rows.values()))


def printed(text_id: str) -> str:
    """The value of ``text_id`` exactly as the paper prints it (for chapters to glue)."""
    return str(_text_row(text_id)["printed"])
