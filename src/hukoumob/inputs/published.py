"""Load the paper's tables, transcribed in ``data/published/`` (one row per printed number).

The published values are only ever *compared with*: nothing in the package
returns them as estimates. Every file is validated against the results
contract (:mod:`hukoumob.inputs.schema`) on loading, and a problem stops with a
message naming the file and what is wrong with it.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from hukoumob.inputs import paths
from hukoumob.inputs.schema import SCHEMAS, TEXT_VALUED, TableSchema


class PublishedDataError(ValueError):
    """A transcribed table is missing or does not follow the results contract."""


def published_path(table: str) -> Path:
    """Path of ``data/published/<table>.csv``; ``table`` must be a known table name."""
    if table not in SCHEMAS:
        raise PublishedDataError(f"unknown table {table!r}; known tables: {sorted(SCHEMAS)}")
    return paths.PUBLISHED / f"{table}.csv"


def load_published(table: str, *, corrected: bool = True, path: Path | None = None) -> pd.DataFrame:
    """Read and validate one transcribed table (Tables 1-6 of the paper).

    With ``corrected=True`` (the default) the misprints listed in
    ``data/published/errata.csv`` are replaced by their corrections and a
    boolean ``erratum`` column marks them; with ``corrected=False`` the values
    are exactly as printed. ``path`` overrides the file (used by tests).
    Files are read once per process (and again when they change); each call
    returns a fresh copy, so callers may modify it.
    """
    file = Path(path) if path is not None else published_path(table)
    stamp = file.stat().st_mtime_ns if file.exists() else None
    errata = paths.PUBLISHED / "errata.csv"
    errata_stamp = errata.stat().st_mtime_ns if corrected and errata.exists() else None
    return _load(table, corrected, file, stamp, errata_stamp).copy()


@functools.lru_cache(maxsize=64)
def _load(table: str, corrected: bool, file: Path, _stamp, _errata_stamp) -> pd.DataFrame:
    """Uncached body of :func:`load_published` (the stamps only key the cache)."""
    schema = SCHEMAS[table]
    frame = _read_csv(file)
    frame = validate(frame, schema, file)
    frame["erratum"] = False
    if corrected:
        frame = apply_errata(frame, table)
    return frame


def _read_csv(file: Path) -> pd.DataFrame:
    if not file.exists():
        raise PublishedDataError(f"{file}: file is missing (the published tables live in data/published/)")
    try:
        return pd.read_csv(file, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise PublishedDataError(f"{file}: not a readable CSV ({err})") from err


def validate(frame: pd.DataFrame, schema: TableSchema, file: Path | str) -> pd.DataFrame:
    """Check columns, key values, duplicates and numbers; return the frame with numeric values.

    Adds a ``decimals`` column (digits printed after the point), which sets
    the rounding tolerance of comparisons.

    All problems found are reported together in one :class:`PublishedDataError`.
    """
    cols = tuple(frame.columns)
    if cols != schema.columns:
        raise PublishedDataError(f"{file}: columns are {list(cols)}, expected {list(schema.columns)}")
    problems = []
    for key, allowed in schema.allowed.items():
        bad = sorted(set(frame[key]) - set(allowed))
        if bad:
            problems.append(f"column {key!r} has unknown values {bad}")
    dup = frame.duplicated(list(schema.keys), keep=False)
    if dup.any():
        problems.append(f"{int(dup.sum())} rows repeat a key, first at line {int(dup.idxmax()) + 2}")
    text = _text_rows(frame, schema.name)
    numbers = pd.to_numeric(frame["value"].where(~text), errors="coerce")
    not_number = ~text & numbers.isna()
    if not_number.any():
        lines = (frame.index[not_number] + 2).tolist()[:5]
        problems.append(f"{int(not_number.sum())} values are not numbers (lines {lines})")
    if problems:
        raise PublishedDataError(f"{file}: " + "; ".join(problems))
    out = frame.copy()
    out["value"] = numbers.astype(object).where(~text, frame["value"]) if text.any() else numbers
    out["decimals"] = frame["value"].map(printed_decimals).where(~text, 0).astype(int)
    return out


def printed_decimals(text: str) -> int:
    """Digits after the decimal point of a number as printed ("0.125" -> 3, "2844" -> 0)."""
    text = text.strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def _text_rows(frame: pd.DataFrame, table: str) -> pd.Series:
    mask = pd.Series(False, index=frame.index)
    for name, column, level in TEXT_VALUED:
        if name == table:
            mask |= frame[column] == level
    return mask


def parse_key(key: str) -> dict[str, str]:
    """Turn an errata key ``"panel=total;son_class=N;..."`` into a dict."""
    try:
        return dict(part.split("=", 1) for part in key.split(";") if part)
    except ValueError as err:
        raise PublishedDataError(f"errata key {key!r} is not of the form col=value;col=value") from err


def load_errata() -> pd.DataFrame:
    """The misprints of the paper found by internal consistency (``data/published/errata.csv``)."""
    file = paths.PUBLISHED / "errata.csv"
    frame = _read_csv(file)
    expected = ["table", "key", "printed", "corrected", "reason"]
    if list(frame.columns) != expected:
        raise PublishedDataError(f"{file}: columns are {list(frame.columns)}, expected {expected}")
    return frame


def apply_errata(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Replace the printed values that ``errata.csv`` lists for ``table`` with their corrections.

    Each erratum must match exactly one row whose value is the printed one;
    anything else means the errata file has drifted from the transcription.
    """
    out = frame.copy()
    for _, row in load_errata().query("table == @table").iterrows():
        match = pd.Series(True, index=out.index)
        for col, val in parse_key(row["key"]).items():
            if col not in out.columns:
                raise PublishedDataError(f"errata: key column {col!r} is not in {table}")
            match &= out[col] == val
        if match.sum() != 1 or float(out.loc[match, "value"].iloc[0]) != float(row["printed"]):
            raise PublishedDataError(
                f"errata: {table} {row['key']} should match one row printed as {row['printed']}"
            )
        out.loc[match, "value"] = float(row["corrected"])
        out.loc[match, "erratum"] = True
    return out
