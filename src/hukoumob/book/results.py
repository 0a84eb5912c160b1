"""The results contract: write reproduced numbers to ``results/`` and compare them with the paper.

Each chapter writes what it reproduces with :func:`write_results` (same keys
as ``data/published/<table>.csv`` plus ``source``) and ends with
:func:`compare` rendered by :func:`style_comparison`: one join, done here once.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from hukoumob.inputs import paths
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import RESULT_SCHEMAS, SCHEMAS, SOURCES

#: Verdicts of :func:`compare`, from best to worst.
VERDICTS = ("reproduced", "within 1 SE", "differs")
SOURCE_LABELS = {
    "published_tables": "re-estimated from the published tables",
    "replica": "estimated on the synthetic replica",
    "lhsccc": "estimated on the real survey file",
}


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


def write_results(frame: pd.DataFrame, table: str, source: str) -> pd.DataFrame:
    """Write reproduced numbers of ``table`` from ``source`` to ``results/<table>.csv``.

    Rows already in the file for the same source and keys are replaced, and
    rows for other keys or sources are kept, so several chapters can each
    contribute part of a table. Under the build (``$HUKOUMOB_RUN_SOURCE``),
    only the run's own source and ``published_tables`` may be written: the
    results folder of a run holds no other source's rows. A ``bound`` column (the difference that
    rounding of the printed inputs can explain, see :func:`compare`) is kept
    when the frame has one, so that the reproducibility report judges each
    number as its chapter did. Returns the rows written (with ``source``).
    """
    _check(frame, table, source)
    run = os.environ.get("HUKOUMOB_RUN_SOURCE")  # set by the build: runs on one source are kept apart
    if run and source not in ("published_tables", run):
        raise ValueError(f"results for {table}: this build runs on {run!r}, so it writes no {source!r} rows")
    schema = RESULT_SCHEMAS[table]
    new = frame[[*schema.columns, *(["bound"] if "bound" in frame.columns else [])]].copy()
    new["source"] = source
    out_dir = paths.results_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    file = out_dir / f"{table}.csv"
    keys = [*schema.keys, "source"]
    if file.exists():
        old = pd.read_csv(file, dtype={k: str for k in keys})
        old = old[~old.set_index(keys).index.isin(new.set_index(keys).index)]
        new = pd.concat([old, new], ignore_index=True)
    new.to_csv(file, index=False)
    return new[new["source"] == source]


def load_results(table: str, source: str | None = None) -> pd.DataFrame:
    """Read ``results/<table>.csv`` (optionally only one source)."""
    file = paths.results_dir() / f"{table}.csv"
    if not file.exists():
        raise FileNotFoundError(f"{file}: no reproduced numbers yet (run the chapter that writes {table})")
    keys = RESULT_SCHEMAS[table].keys
    frame = pd.read_csv(file, dtype={k: str for k in keys})
    return frame if source is None else frame[frame["source"] == source]


def _printed_se(published: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
    """The published standard error belonging to each ``est``/``b`` row, where one is printed."""
    if "statistic" not in keys:
        return pd.Series(np.nan, index=published.index)
    other = [k for k in keys if k != "statistic"]
    se = published[published["statistic"] == "se"].set_index(other)["value"]
    idx = published.set_index(other).index
    matched = se.reindex(idx).to_numpy(dtype=float)
    is_est = published["statistic"].isin(["est", "b"]).to_numpy()
    return pd.Series(np.where(is_est, matched, np.nan), index=published.index)


def compare(table: str, reproduced: pd.DataFrame) -> pd.DataFrame:
    """Join reproduced with published numbers of ``table`` and judge each difference.

    ``reproduced`` has the table's key columns, ``value`` and ``source``, and
    may carry a ``bound``: the largest difference that rounding of the printed
    inputs can explain. Without one, the bound is half a unit of the printed
    number's last digit. Verdicts: ``reproduced`` (within the bound),
    ``within 1 SE`` (within one published standard error, where the paper
    prints one) and ``differs``. The published value is the number *as
    printed*; a misprint listed in ``errata.csv`` keeps its verdict and gets a
    ``note``. Published numbers with no reproduction are left out.
    """
    keys = list(SCHEMAS[table].keys)
    pub = load_published(table, corrected=False)
    pub["erratum"] = load_published(table)["erratum"].to_numpy()
    pub = pub[pub["value"].map(lambda v: isinstance(v, (int, float)))].copy()
    pub["published_se"] = _printed_se(pub, SCHEMAS[table].keys)
    rep = reproduced.copy()
    if "bound" not in rep.columns:
        rep["bound"] = np.nan
    merged = pub.merge(rep[[*keys, "value", "source", "bound"]], on=keys, suffixes=("_published", "_reproduced"))
    merged = merged.rename(columns={"value_published": "published", "value_reproduced": "reproduced"})
    merged["published"] = merged["published"].astype(float)
    merged["reproduced"] = merged["reproduced"].astype(float)
    merged["difference"] = merged["reproduced"] - merged["published"]
    half_unit = merged["decimals"].map(lambda d: 0.5 * 10.0 ** (-d))
    merged["bound"] = merged["bound"].fillna(half_unit)
    gap = merged["difference"].abs()
    merged["verdict"] = np.select(
        [gap <= merged["bound"] + 1e-9, gap <= merged["published_se"]],
        VERDICTS[:2],
        default=VERDICTS[2],
    )
    merged["note"] = np.where(merged["erratum"], "misprint in the paper (data/published/errata.csv)", "")
    cols = [*keys, "source", "published", "reproduced", "difference", "bound", "verdict", "note"]
    return merged[cols]


def summarize(comparison: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Count verdicts: one row per group of ``by`` (default: source), one column per verdict."""
    by = by or ["source"]
    counts = comparison.groupby([*by, "verdict"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(VERDICTS), fill_value=0)
    counts["compared"] = counts.sum(axis=1)
    return counts


def style_summary(summary: pd.DataFrame, caption: str | None = None):
    """A Styler of :func:`summarize`'s counts, each verdict column tinted with its colour."""
    styler = summary.style
    for verdict in VERDICTS:
        styler = styler.map(
            lambda v, c=_COLOURS[verdict]: f"background-color: {c}; color: {_INK}" if v else "", subset=[verdict]
        )
    return styler.set_caption(caption) if caption else styler


_COLOURS = {"reproduced": "#d9f0d3", "within 1 SE": "#fee8b0", "differs": "#f4c7c3"}
#: Text colour on the tinted cells, so that they stay legible in the theme's dark mode too.
_INK = "#1a1a1a"


def style_comparison(comparison: pd.DataFrame, caption: str | None = None, decimals: int = 3):
    """A pandas Styler of :func:`compare`'s output: rows coloured by verdict, numbers rounded."""
    shown = comparison.reset_index(drop=True)
    constant = [c for c in shown.columns if c != "verdict" and shown[c].nunique() == 1 and len(shown) > 1]
    if constant and caption:
        caption += " (" + ", ".join(f"{c}: {shown[c].iloc[0]}" for c in constant if shown[c].iloc[0] != "") + ")"
    shown = shown.drop(columns=constant)
    num = [c for c in ("published", "reproduced", "difference", "bound") if c in shown.columns]

    def colour(row: pd.Series) -> list[str]:
        return [f"background-color: {_COLOURS[row['verdict']]}; color: {_INK}"] * len(row)

    styler = shown.style.apply(colour, axis=1).format({c: f"{{:.{decimals}f}}" for c in num}).hide(axis="index")
    styler = styler.set_properties(subset=num, **{"text-align": "right"}).set_table_styles(
        {c: [{"selector": "th", "props": "text-align: right"}] for c in num}, overwrite=False
    )
    if caption:
        styler = styler.set_caption(caption)
    return styler
