"""The results contract: write reproduced numbers to ``results/`` and compare them with the paper.

Each chapter writes what it reproduces with :func:`write_results` (same keys
as ``data/published/<table>.csv`` plus ``source``) and ends with
:func:`compare` rendered by :func:`style_comparison`: one join, done here once.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pandas as pd

from hukoumob.book import disclosure, verdicts
from hukoumob.inputs import labels, paths
from hukoumob.inputs.schema import RESULT_SCHEMAS, SOURCES

#: Verdicts of :func:`compare`, from best to worst (:mod:`hukoumob.book.verdicts`).
VERDICTS = verdicts.VERDICTS
SOURCE_LABELS = labels.SOURCE_LABELS


def _check(frame: pd.DataFrame, table: str, source: str) -> None:
    if table not in RESULT_SCHEMAS:
        raise ValueError(f"unknown table {table!r}; known tables: {sorted(RESULT_SCHEMAS)}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; choose one of {SOURCES}")
    schema = RESULT_SCHEMAS[table]
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"results for {table} lack columns {missing}")
    for key, allowed in schema.allowed.items():
        bad = sorted(set(frame[key]) - set(allowed))
        if bad:
            raise ValueError(f"results for {table}: column {key!r} has unknown values {bad}")
    if frame.duplicated(list(schema.keys)).any():
        raise ValueError(f"results for {table} repeat a key")


def write_results(frame: pd.DataFrame, table: str, source: str, men: pd.DataFrame | None = None) -> pd.DataFrame:
    """Write reproduced numbers of ``table`` from ``source`` to ``results/<table>.csv``.

    Rows already in the file for the same source and keys are replaced, and
    rows for other keys or sources are kept, so several chapters can each
    contribute part of a table. Under the build (``$HUKOUMOB_RUN_SOURCE``),
    only the run's own source and ``published_tables`` may be written: the
    results folder of a run holds no other source's rows. A ``bound`` column (the difference that
    rounding of the printed inputs can explain, see :func:`compare`) is kept
    when the frame has one, so that the reproducibility report judges each
    number as its chapter did. Returns the rows written (with ``source``).

    Real-file rows (source ``lhsccc``) pass through disclosure control
    (:func:`hukoumob.book.disclosure.protect`: rounded to the printed
    precision, numbers resting on fewer than ``min_cell`` men emptied and
    marked in a ``disclosure`` column), which needs ``men``, the records they
    were computed from. Chapters show the rows returned, never the raw frame.
    """
    _check(frame, table, source)
    if disclosure.enabled(source):
        if men is None:
            raise ValueError(f"results for {table} from the real file need men=... (the records) for disclosure control")
        frame = disclosure.protect(frame, table, men)
    run = os.environ.get("HUKOUMOB_RUN_SOURCE")  # set by the build: runs on one source are kept apart
    if run and source not in ("published_tables", run):
        raise ValueError(f"results for {table}: this build runs on {run!r}, so it writes no {source!r} rows")
    schema = RESULT_SCHEMAS[table]
    extra = [c for c in ("bound", "disclosure") if c in frame.columns]
    new = frame[[*schema.columns, *extra]].copy()
    new["source"] = source
    for col in ("value", "bound"):
        if col in new.columns:
            new[col] = new[col].map(_as_text)
    out_dir = paths.results_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    file = out_dir / f"{table}.csv"
    keys = [*schema.keys, "source"]
    with _locked(out_dir):  # chapters run two at a time and may merge into the same file
        if file.exists():
            # read back as text: numbers written earlier keep their exact digits whatever runs after
            old = pd.read_csv(file, dtype=str, keep_default_na=False)
            old = old[~old.set_index(keys).index.isin(new.set_index(keys).index)]
            new = pd.concat([old, new], ignore_index=True).fillna("")
        # columns in one order too, whichever chapter (with a bound or without) wrote first
        columns = [*schema.columns, *[c for c in ("bound", "disclosure") if c in new.columns], "source"]
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        canonical_order(new[columns], table).to_csv(tmp, index=False)
        os.replace(tmp, file)  # a reader never sees a half-written file
    return new[new["source"] == source]


@contextlib.contextmanager
def _locked(folder: Path):
    """Hold an exclusive lock on ``folder/.lock`` (POSIX ``flock``) while merging into a results file."""
    import fcntl

    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _as_text(value) -> str:
    """A value as written to ``results/``: the shortest text that reads back as the same float."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return ""
    return repr(float(value))


def canonical_order(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Rows in one order whatever order the chapters ran in: by source, then each key in the
    order of the results contract (:data:`hukoumob.inputs.schema.RESULT_SCHEMAS`)."""
    schema = RESULT_SCHEMAS[table]
    sort = pd.DataFrame({"source": frame["source"].map({s: i for i, s in enumerate(SOURCES)})}, index=frame.index)
    for key in schema.keys:
        order = {v: i for i, v in enumerate(schema.allowed.get(key, ()))}
        sort[key] = frame[key].map(order).fillna(len(order)).astype(int)
        sort[key + "_text"] = frame[key].astype(str)
    return frame.loc[sort.sort_values(list(sort.columns), kind="stable").index].reset_index(drop=True)


def load_results(table: str, source: str | None = None) -> pd.DataFrame:
    """Read ``results/<table>.csv`` (optionally only one source)."""
    file = paths.results_dir() / f"{table}.csv"
    if not file.exists():
        raise FileNotFoundError(f"{file}: no reproduced numbers yet (run the chapter that writes {table})")
    keys = RESULT_SCHEMAS[table].keys
    frame = pd.read_csv(file, dtype={k: str for k in keys}, float_precision="round_trip")
    return frame if source is None else frame[frame["source"] == source]


def compare(table: str, reproduced: pd.DataFrame) -> pd.DataFrame:
    """Join reproduced with published numbers of ``table`` and judge each by the book's verdict policy.

    ``reproduced`` has the table's key columns, ``value`` and ``source``, and
    may carry a ``bound``: the largest difference that rounding of the printed
    inputs can explain (without one, half a unit of the printed number's last
    digit). The verdicts are :func:`hukoumob.book.verdicts.judge`'s: for the
    published tables and the real file ``reproduced`` / ``within 1 SE`` /
    ``SE within 30%`` / ``differs``; for the synthetic replica ``on
    calibration target`` / ``within 1 SE`` / ``off target`` / ``not a
    calibration target``. The published value is the number *as printed*; a
    misprint listed in ``errata.csv`` says so in ``note``. Published numbers
    with no reproduction are left out. Columns: the keys, ``source``,
    ``published``, ``reproduced``, ``difference``, ``ratio`` (SEs),
    ``tolerance``, ``criterion``, ``verdict``, ``note``.
    """
    if "disclosure" in reproduced.columns:  # suppressed real-file numbers are neither compared nor shown
        reproduced = reproduced[reproduced["disclosure"].fillna("") == ""]
    judged = verdicts.judge(table, reproduced)
    return judged.drop(columns=["reason_kind"])


def summarize(comparison: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Count verdicts: one row per group of ``by`` (default: source), one column per verdict that occurs."""
    by = by or ["source"]
    counts = comparison.groupby([*by, "verdict"]).size().unstack(fill_value=0)
    counts = counts[[v for v in VERDICTS if v in counts.columns]]
    counts.columns.name = None
    counts["compared"] = counts.sum(axis=1)
    return counts


def style_summary(summary: pd.DataFrame, caption: str | None = None):
    """A Styler of :func:`summarize`'s counts, each verdict column tinted with its verdict's colour,
    the groups' names in words (:func:`hukoumob.inputs.labels.readable`)."""
    summary = summary.copy()
    counts = [c for c in (*VERDICTS, "compared") if c in summary.columns]
    summary[counts] = summary[counts].fillna(0).astype(int)  # a verdict absent from a group counts 0, not nan
    if isinstance(summary.index, pd.MultiIndex):
        summary.index = summary.index.set_levels([lv.map(labels.readable) for lv in summary.index.levels])
    else:
        summary.index = summary.index.map(labels.readable)
    styler = summary.style
    for verdict in VERDICTS:
        if verdict in summary.columns:
            styler = styler.map(lambda v, c=verdict: verdicts.style_cell(c) if v else "", subset=[verdict])
    return styler.set_caption(caption) if caption else styler


def style_written(written: pd.DataFrame, caption: str, decimals: int = 3):
    """A pandas Styler of the rows :func:`write_results` returned, as a chapter shows them: key values
    in words (:func:`hukoumob.inputs.labels.readable_frame`; a number of the paper's text by its
    section and the words it stands in), values rounded to ``decimals`` (letters and blanks as they
    are), and the source, the same on every row, said once in the caption."""
    shown = labels.readable_frame(written.reset_index(drop=True))
    if "id" in shown.columns:  # a number of the paper's text: named by the words it stands in
        from hukoumob.inputs.text_numbers import load_text_numbers

        words = load_text_numbers().set_index("id")
        shown.insert(0, "section", shown["id"].map(words["section"]).fillna(""))
        shown["id"] = shown["id"].map(lambda i: words["fragment"].get(i, labels.readable(i)))
        shown = shown.rename(columns={"id": "in the text"})
    sources = shown.pop("source").unique() if "source" in shown.columns else []
    said = "; ".join(labels.SOURCE_LABELS.get(s, s) for s in sources)
    for c in ("value", "bound"):
        if c in shown.columns:
            shown[c] = shown[c].map(lambda v: _shown_value(v, decimals))
    if "bound" in shown.columns and (shown["bound"] == "").all():
        shown = shown.drop(columns="bound")
    styler = shown.style.hide(axis="index").set_properties(subset=["value"], **{"text-align": "right"})
    return styler.set_caption(f"{caption} ({said})" if said else caption)


def _shown_value(value, decimals: int) -> str:
    """A written value as shown: numbers rounded, text (significance letters) as it is, blanks blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:.{decimals}f}"


_NUMERIC = ("published", "reproduced", "difference", "ratio", "tolerance")


def style_comparison(comparison: pd.DataFrame, caption: str | None = None, decimals: int = 3):
    """A pandas Styler of :func:`compare`'s output: rows coloured by verdict, numbers rounded, key
    values in words (:func:`hukoumob.inputs.labels.readable`), a key a row does not have (Table 6
    has no ``panel``) blank."""
    shown = labels.readable_frame(comparison.reset_index(drop=True))
    if "key" in shown.columns:
        shown["key"] = shown["key"].map(labels.readable_key)
    keys = [c for c in shown.columns if c not in (*_NUMERIC, "verdict")]
    shown = shown.drop(columns=[c for c in keys if shown[c].replace("", pd.NA).isna().all()])
    for c in keys:
        if c in shown.columns and shown[c].dtype == object:
            shown[c] = shown[c].fillna("")
    constant = [c for c in shown.columns if c != "verdict" and shown[c].nunique(dropna=False) == 1 and len(shown) > 1]
    if constant and caption:
        caption += " (" + ", ".join(f"{c}: {shown[c].iloc[0]}" for c in constant
                                    if shown[c].iloc[0] != "" and pd.notna(shown[c].iloc[0])) + ")"
    shown = shown.drop(columns=constant)
    num = [c for c in _NUMERIC if c in shown.columns]

    def colour(row: pd.Series) -> list[str]:
        return [verdicts.style_cell(row["verdict"])] * len(row)

    def fmt(v):
        return v if isinstance(v, str) else ("" if pd.isna(v) else f"{v:.{decimals}f}")

    styler = shown.style.apply(colour, axis=1).format({c: fmt for c in num}).hide(axis="index")
    styler = styler.set_properties(subset=num, **{"text-align": "right"}).set_table_styles(
        {c: [{"selector": "th", "props": "text-align: right"}] for c in num}, overwrite=False
    )
    if caption:
        styler = styler.set_caption(caption)
    return styler
