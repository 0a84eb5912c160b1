"""The reproducibility report: every number the paper prints, what each source made of it.

:func:`build_report` takes every printed number (the rows of
``data/published/<table>.csv``, footnote letters included, and the prose
numbers of ``data/published/text_numbers.csv`` when that file is present)
and, for each data source, looks up the reproduced value in
``results/<table>.csv`` (``results/text.csv`` for the prose), the difference
and a verdict. The verdicts are the book's one policy
(:func:`hukoumob.book.verdicts.judge`, the one every chapter's comparison
shows), plus two for a number a source does not give:

``not reproduced from this source``
    the source could give the number but no chapter wrote it;
``cannot be reproduced``
    the source does not hold the information (a regression on the survey
    cannot be re-estimated from the published tables), or the number is an
    *input* of the source rather than something derived from it (a printed
    percentage of a father's column is what the published-table rebuild
    starts from; its round trip is shown, but it is not a reproduction).

The report is data: :func:`write_report` saves it as
``results/reproducibility.csv`` (one row per printed number and source) and
the back-matter page renders from that file (:func:`load_report`), so every
count on the page comes from one frame. :func:`write_scorecard` saves the
replica's scorecard (:func:`hukoumob.replica.scorecard.scorecard`) as
``results/replica_scorecard.csv`` with the same verdicts, judged by the same
function. :func:`coverage` counts per table what is genuinely reproduced from
the published tables, what only the replica gives and what nothing
reproduces; :func:`hukoumob.figures.reproducibility.reproduced_vs_published` draws reproduced
against published values.
"""

from __future__ import annotations


import html
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from hukoumob.book import verdicts
from hukoumob.book.results import SOURCE_LABELS
from hukoumob.figures import reproducibility as reproducibility_figures
from hukoumob.inputs import labels, paths
from hukoumob.inputs.published import parse_key
from hukoumob.inputs.schema import SCHEMAS, SOURCES
from hukoumob.replica import targets

#: Verdicts of the report, from best to worst: the policy's, then the two for numbers a source does not give.
REPORT_VERDICTS = (*verdicts.VERDICTS, verdicts.NOT_WRITTEN, verdicts.CANNOT)
#: The tables of the report: the paper's six, then its prose (``text``).
TABLES = (*SCHEMAS, verdicts.TEXT)
#: The files :func:`write_report` and :func:`write_scorecard` write in ``results/``.
REPORT_FILE = "reproducibility.csv"
SCORECARD_FILE = "replica_scorecard.csv"
#: Columns of ``results/reproducibility.csv`` (and of ``results/replica_scorecard.csv``, which adds two).
REPORT_COLUMNS = ["table", "key", "statistic", "source", "published", "ours", "difference", "ratio", "tolerance",
                  "criterion", "verdict", "grade", "reason", "feasible", "limit", "label", "decimals", "chapter",
                  "anchor"]

#: The paper's tables with the names the book gives them, and the colours of the sources in
#: figures: one definition each (:mod:`hukoumob.inputs.labels`, :mod:`hukoumob.figures.reproducibility`).
TABLE_TITLES = labels.TABLE_TITLES
SOURCE_COLOURS = reproducibility_figures.SOURCE_COLOURS

#: Short names of the sources for column headers.
SOURCE_SHORT = {"published_tables": "published tables", "replica": "replica", "lhsccc": "real file"}

#: Colours of the report's verdicts in tables (by grade, as in every chapter: :data:`hukoumob.book.verdicts.COLOURS`).
VERDICT_COLOURS = verdicts.COLOURS

# Where each table is reproduced from each source: (chapter file stem, section anchor).
_RECORDS_CHAPTERS = {
    "table1": ("03_status_attainment", "table-1-two-populations"),
    "table2": ("03_status_attainment", "comparison-with-the-published-tables"),
    "table3": ("80_replica", "the-scorecard"),
    "table4": ("80_replica", "the-scorecard"),
    "table5": ("07_agriculture_and_hukou_change", "table-5-from-individual-records"),
    "table6": ("07_agriculture_and_hukou_change", "comparison-with-the-published-tables"),
}
#: Chapter and section that reproduce each table from each source (links of the report).
CHAPTERS: dict[tuple[str, str], tuple[str, str]] = {
    ("table2", "published_tables"): ("03_status_attainment", "comparison-with-the-published-tables"),
    ("table3", "published_tables"): ("04_mobility_tables", "comparison-with-the-published-tables"),
    ("table4", "published_tables"): ("04_mobility_tables", "comparison-with-the-published-tables"),
    ("table5", "published_tables"): ("05_mobility_models", "comparison-with-the-published-table-5"),
    **{(t, s): where for t, where in _RECORDS_CHAPTERS.items() for s in ("replica", "lhsccc")},
}
#: Sections that explain a known reason for a difference (keys of :data:`hukoumob.book.verdicts.REASONS`).
EXPLAINED = {
    "errata": ("04_mobility_tables", "comparison-with-the-published-tables"),
    "weight_scale": ("05_mobility_models", "why-the-log-likelihoods-differ"),
    "model3b": ("05_mobility_models", "model-3b-from-the-tables"),
    "replica": ("80_replica", "the-scorecard"),
    "text_contradicts": ("80_replica", "what-the-paper-s-text-says-checked-on-the-replica"),
}


# --------------------------------------------------------------------------- what a source can give
#: Why a source cannot give a number: short label (shown in tables) and the full reason.
LIMITS = {
    "records_t1": ("needs records", "needs individual records: means, SDs and shares of the survey's men"),
    "records_t2": ("needs records", "needs individual records: a regression on the survey's men"),
    "unweighted": ("input", "an unweighted N is printed, not derived: the weighted tables do not contain it"),
    "father_column": ("input (round trip)", "a printed father column is what the weighted counts are rebuilt "
                      "from: re-percentaging returns it (a round trip, not a reproduction)"),
    "model3b": ("needs changers' table", "needs the hukou changers' own table; Table 4 Panel B minus Panel C "
                "gives it too roughly (an attempt, not a reproduction)"),
    "model3c": ("needs records", "needs individual schooling, which varies within the cells of a table"),
    "histories": ("needs records", "needs each man's work history (person-years)"),
    "us_data": ("U.S. data", "the U.S. 1962 column is Blau and Duncan's, not the Chinese survey's"),
    "text_records": ("needs records", "computed from individual records, not from the printed tables"),
    "text_none": ("not derivable", "derivable from neither the tables nor the records (a date, the sample "
                  "design, another study's number; data/published/text_numbers.csv says which)"),
}


def feasibility(table: str, key: dict[str, str], source: str, computable_from: str = "") -> tuple[str, str] | None:
    """Whether ``source`` can reproduce one printed number: ``None`` if it can, else ``(kind, limit)``.

    ``kind`` is ``"input"`` (the number is something the source starts from,
    so agreement is a round trip, not a reproduction) or ``"cannot"`` (the
    source lacks the information); ``limit`` is a key of :data:`LIMITS`. The
    rules:

    * published tables: Tables 3-4 rebuild weighted counts from the printed
      father columns (percentages and weighted Ns), so those are inputs and
      only the derived Total column and total weighted N are reproductions;
      unweighted Ns are printed, never derived. Table 5 Models 1, 2 and 3a
      depend on the data only through those tables; Model 3b would need the
      hukou changers' table, which Panel B minus Panel C gives too roughly;
      Model 3c and Tables 1, 2 (China) and 6 need individual records. The
      U.S. column of Table 2 is re-derived from Blau and Duncan's published
      correlations, also counted as a published-table source.
    * replica and real file: everything except Table 2's U.S. column.
    * prose numbers: as ``computable_from`` in ``text_numbers.csv`` says
      (``tables``, ``records``, both, or ``none``).
    """
    if table == verdicts.TEXT:
        able = set(str(computable_from).split(";"))
        needed = "tables" if source == "published_tables" else "records"
        if needed in able:
            return None
        return "cannot", "text_records" if "records" in able else "text_none"
    if source == "published_tables":
        if table == "table1":
            return "cannot", "records_t1"
        if table == "table2":
            return None if key["model"] == "us1962" else ("cannot", "records_t2")
        if table in ("table3", "table4"):
            if key["kind"] == "unweighted_n":
                return "input", "unweighted"
            return ("input", "father_column") if key["father_class"] != "total" else None
        if table == "table5":
            if key["model"] in ("model1", "model2", "model3a"):
                return None
            return "cannot", "model3b" if key["model"] == "model3b" else "model3c"
        if table == "table6":
            return "cannot", "histories"
    elif table == "table2" and key.get("model") == "us1962":
        return "cannot", "us_data"
    return None


# --------------------------------------------------------------------------- the report
def key_string(table: str, row: pd.Series | dict) -> str:
    """A printed number's key as ``col=value;col=value`` (the form of ``errata.csv``)."""
    return ";".join(f"{k}={row[k]}" for k in verdicts.keys_of(table))


def _label(table: str, row) -> str:
    return " · ".join(str(row[k]) for k in verdicts.keys_of(table))


def _results_file(table: str, results_dir: Path) -> Path:
    return results_dir / f"{table}.csv"


def _load(table: str, results_dir: Path) -> pd.DataFrame:
    """``results/<table>.csv`` as text (``results/text.csv`` for the prose); empty when absent."""
    keys = verdicts.keys_of(table)
    file = _results_file(table, results_dir)
    if not file.exists():
        return pd.DataFrame(columns=[*keys, "value", "source"])
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    if "bound" in frame.columns:
        frame["bound"] = pd.to_numeric(frame["bound"], errors="coerce")
    return frame


def _with_absent_letters(table: str, rep: pd.DataFrame) -> pd.DataFrame:
    """Table 6: a source that estimated a coefficient but wrote no footnote letter reproduces "no
    letter" (``n.s.``): the paper prints a letter only where a coefficient is significant, and the
    chapters write one only where theirs is."""
    if table != "table6" or rep.empty:
        return rep
    keys = list(SCHEMAS[table].keys)
    have = set(map(tuple, rep[[*keys, "source"]].to_numpy()))
    add = []
    printed = verdicts.printed(table)
    for r in printed[printed["statistic"] == "sig"].itertuples():
        for source in rep["source"].unique():
            if (r.model, r.term, "sig", source) not in have and (r.model, r.term, "est", source) in have:
                add.append({"model": r.model, "term": r.term, "statistic": "sig", "value": "n.s.", "source": source})
    return pd.concat([rep, pd.DataFrame(add)], ignore_index=True) if add else rep


def _reason(table: str, source: str, verdict: str, note: str, kind: str) -> tuple[str, str, str]:
    """Why a number has its verdict: (text, chapter stem, anchor); the link goes to the section explaining it."""
    chapter, anchor = CHAPTERS.get((table, source), ("", ""))
    if verdict == verdicts.NOT_WRITTEN:
        file = "text.csv" if table == verdicts.TEXT else f"{table}.csv"
        return f"no row for this number in results/{file} from this source", chapter, anchor
    if kind in EXPLAINED:
        chapter, anchor = EXPLAINED[kind]
    if not note and verdicts.GRADES.get(verdict) == "off":
        note = "see the chapter"
    return note, chapter, anchor


def report_sources(loaded: dict[str, pd.DataFrame]) -> tuple[str, ...]:
    """The sources a report shows: the published tables and the run's own source (issue 16: a build
    on the real file shows the real file, never the replica's numbers beside it, and the other way
    round). The run's source is ``$HUKOUMOB_RUN_SOURCE`` under the build, else the real file when
    ``results/`` holds any of its numbers, else the replica."""
    run = os.environ.get("HUKOUMOB_RUN_SOURCE")
    present = set().union(*(set(f["source"]) for f in loaded.values())) if loaded else set()
    own = run if run in ("replica", "lhsccc") else ("lhsccc" if "lhsccc" in present else "replica")
    return tuple(s for s in SOURCES if s in ("published_tables", own))


def build_report(results_dir: Path | str | None = None, sources: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per printed number (Tables 1-6 and, when transcribed, the prose) and per source, with its verdict.

    ``results_dir`` defaults to :func:`hukoumob.inputs.paths.results_dir`. ``sources``
    defaults to :func:`report_sources`: the published tables and the source the
    build ran on (the replica, or the real survey file, never both). Columns
    (:data:`REPORT_COLUMNS`): ``table``, ``key`` (as in ``errata.csv``),
    ``statistic``, ``source``, ``published`` (as printed: a number, or a
    footnote letter), ``ours``, ``difference``, ``ratio`` (SEs: ours over
    printed), ``tolerance`` and ``criterion`` (the bound, calibration
    tolerance or SE ratio the verdict used), ``verdict`` (one of
    :data:`REPORT_VERDICTS`), ``grade``, ``reason``, ``feasible`` (``yes``,
    ``input`` or ``cannot``), ``limit`` (short label of what stops the
    source), ``label``, ``decimals`` (digits printed after the point),
    ``chapter`` and ``anchor`` (where the book shows or explains it).
    """
    folder = Path(results_dir) if results_dir is not None else paths.results_dir()
    loaded = {t: _load(t, folder) for t in TABLES}
    if sources is None:
        sources = report_sources(loaded)
    rows = []
    for table in TABLES:
        keys = verdicts.keys_of(table)
        printed = verdicts.printed(table)
        if printed.empty:
            continue
        rep = loaded[table]
        rep = _with_absent_letters(table, rep[rep["source"].isin(sources)])
        judged = verdicts.judge(table, rep)
        at = {(*(str(r[k]) for k in keys), r["source"]): r for r in judged.to_dict("records")}
        for p in printed.to_dict("records"):
            key = {k: str(p[k]) for k in keys}
            for source in sources:
                got = at.get((*key.values(), source))
                out = {"table": table, "key": key_string(table, key), "statistic": p["statistic"],
                       "source": source, "published": p["value"], "ours": np.nan, "difference": np.nan,
                       "ratio": np.nan, "tolerance": np.nan, "criterion": "", "label": _label(table, key),
                       "decimals": p["decimals"]}
                if got is not None:
                    out.update(ours=got["reproduced"], difference=got["difference"], ratio=got["ratio"],
                               tolerance=got["tolerance"], criterion=got["criterion"])
                limit = feasibility(table, key, source, p.get("computable_from", ""))
                out["feasible"] = "yes" if limit is None else limit[0]
                out["limit"] = "" if limit is None else LIMITS[limit[1]][0]
                if limit is not None:
                    out["verdict"] = verdicts.CANNOT
                    why = LIMITS[limit[1]][1]
                    if got is not None:
                        why += f" (round trip: {got['verdict']})" if limit[0] == "input" else \
                            f" (computed anyway: {got['verdict']})"
                    chapter, anchor = CHAPTERS.get((table, source), ("", ""))
                    if table == "table5" and key["model"] == "model3b" and source == "published_tables":
                        chapter, anchor = EXPLAINED["model3b"]
                    out.update(reason=why, chapter=chapter, anchor=anchor)
                else:
                    out["verdict"] = got["verdict"] if got is not None else verdicts.NOT_WRITTEN
                    note, kind = (got["note"], got["reason_kind"]) if got is not None else ("", "")
                    reason, chapter, anchor = _reason(table, source, out["verdict"], note, kind)
                    out.update(reason=reason, chapter=chapter, anchor=anchor)
                rows.append(out)
    report = pd.DataFrame(rows)
    report["grade"] = verdicts.grade(report["verdict"])
    report["verdict"] = pd.Categorical(report["verdict"], categories=list(REPORT_VERDICTS))
    return report[REPORT_COLUMNS]


def write_report(report: pd.DataFrame | None = None, results_dir: Path | str | None = None) -> Path:
    """Save the report (:func:`build_report` of ``results_dir`` unless given) as ``results/reproducibility.csv``."""
    folder = Path(results_dir) if results_dir is not None else paths.results_dir()
    report = build_report(folder) if report is None else report
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / REPORT_FILE
    _to_csv(report, file)
    return file


def _to_csv(frame: pd.DataFrame, file: Path) -> None:
    """Write with floats in their shortest round-trip form, so equal numbers give equal bytes."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: v if isinstance(v, str) else
                                    ("" if v is None or pd.isna(v) else repr(float(v)) if isinstance(v, float)
                                     else str(v)))
    out.to_csv(file, index=False)


def load_report(results_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``results/reproducibility.csv`` back: the frame every count of the report page comes from."""
    folder = Path(results_dir) if results_dir is not None else paths.results_dir()
    file = folder / REPORT_FILE
    if not file.exists():
        raise FileNotFoundError(f"{file}: no report yet (hukoumob.book.report.write_report writes it)")
    frame = pd.read_csv(file, dtype={c: str for c in ("table", "key", "statistic", "source", "published", "criterion",
                                                      "verdict", "grade", "reason", "feasible", "limit", "label",
                                                      "chapter", "anchor")}, keep_default_na=False,
                        na_values={c: [""] for c in ("ours", "difference", "ratio", "tolerance")})
    for col in ("published", "ours"):
        frame[col] = [_maybe_number(v) for v in frame[col]]
    frame["verdict"] = pd.Categorical(frame["verdict"], categories=list(REPORT_VERDICTS))
    return frame


def _maybe_number(v):
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return v
    return v


def scorecard_frame(card: pd.DataFrame) -> pd.DataFrame:
    """The replica's scorecard (:func:`hukoumob.replica.scorecard.scorecard`) judged by the report's policy.

    One row per calibration target, in the columns of the report plus
    ``criterion_key`` (a key of :data:`hukoumob.replica.targets.GOALS`, or of
    :data:`~hukoumob.replica.targets.TEXT_GOALS` for the checks of the prose,
    :func:`hukoumob.replica.statements.with_statements`) and ``hit`` (the
    scorecard's own count): the verdict is ``on calibration target`` exactly
    where ``hit`` is true. The prose numbers (table ``text``, key ``id=...``)
    are judged like any printed number; a check that is no printed number
    (key ``statement=...``: a stated fact, an asserted sign, the moves a
    printed model predicts) gets :func:`hukoumob.book.verdicts.statement_verdict`.
    """
    parts = []
    statement = card["key"].astype(str).str.startswith("statement=")
    if statement.any():  # a stated fact, an asserted sign, a predicted count: no printed number to join
        rows = card[statement]
        verdict = rows["hit"].map(verdicts.statement_verdict)
        parts.append(pd.DataFrame({
            "table": rows["table"], "key": rows["key"], "statistic": rows["statistic"], "source": "replica",
            "published": rows["published"], "ours": rows["replica"], "difference": rows["difference"],
            "ratio": np.nan, "tolerance": rows["tolerance"], "criterion": rows["criterion"].map(targets.CRITERIA),
            "verdict": verdict, "grade": verdicts.grade(verdict), "reason": rows.get("reason", ""),
            "criterion_key": rows["criterion"], "hit": rows["hit"],
        }))
    for table, rows in card[~statement].groupby("table", sort=False):
        if verdicts.printed(table).empty:  # the prose numbers, when data/published/text_numbers.csv is absent
            continue
        keys = verdicts.keys_of(table)
        parsed = pd.DataFrame([parse_key(k) for k in rows["key"]], index=rows.index)
        rep = parsed[keys].assign(value=rows["replica"].to_numpy(), source="replica")
        judged = verdicts.judge(table, rep)
        judged.index = [key_string(table, r) for r in judged.to_dict("records")]
        judged = judged.reindex(rows["key"].to_numpy())
        judged.index = rows.index
        parts.append(pd.DataFrame({
            "table": table, "key": rows["key"], "statistic": rows["statistic"], "source": "replica",
            "published": judged["published"], "ours": judged["reproduced"], "difference": judged["difference"],
            "ratio": judged["ratio"], "tolerance": judged["tolerance"], "criterion": judged["criterion"],
            "verdict": judged["verdict"], "grade": verdicts.grade(judged["verdict"]), "reason": judged["note"],
            "criterion_key": rows["criterion"], "hit": rows["hit"],
        }))
    out = pd.concat(parts).sort_index()
    hit = out["hit"].map(lambda h: bool(h) if pd.notna(h) else False)
    bad = out[(out["verdict"] == verdicts.ON_TARGET) != hit]
    if len(bad):
        raise AssertionError(f"scorecard hits and verdicts disagree for {len(bad)} numbers, e.g. {bad.iloc[0].to_dict()}")
    return out.reset_index(drop=True)


def write_scorecard(card: pd.DataFrame, results_dir: Path | str | None = None) -> Path:
    """Save :func:`scorecard_frame` of ``card`` as ``results/replica_scorecard.csv``."""
    folder = Path(results_dir) if results_dir is not None else paths.results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / SCORECARD_FILE
    _to_csv(scorecard_frame(card), file)
    return file


def missing_numbers(report: pd.DataFrame) -> pd.DataFrame:
    """Printed numbers (table, key) with no row in ``report``: empty when the report is complete."""
    rows = [(t, key_string(t, r)) for t in TABLES for r in verdicts.printed(t).to_dict("records")]
    every = pd.DataFrame(rows, columns=["table", "key"])
    have = report.set_index(["table", "key"]).index
    return every[~every.set_index(["table", "key"]).index.isin(have)].reset_index(drop=True)


def extra_numbers(results_dir: Path | str | None = None) -> pd.DataFrame:
    """Reproduced numbers the paper does not print (a "-" or nothing), counted per table and source."""
    folder = Path(results_dir) if results_dir is not None else paths.results_dir()
    counts = []
    for table in TABLES:
        rep = _load(table, folder)
        if rep.empty:
            continue
        keys = verdicts.keys_of(table)
        printed = verdicts.printed(table)
        idx = pd.MultiIndex.from_frame(printed[keys].astype(str)) if len(keys) > 1 else \
            pd.Index(printed[keys[0]].astype(str))
        mine = pd.MultiIndex.from_frame(rep[keys]) if len(keys) > 1 else pd.Index(rep[keys[0]])
        extra = ~mine.isin(idx)
        for source, n in rep[extra].groupby("source").size().items():
            counts.append({"table": table, "source": source, "extra": int(n)})
    return pd.DataFrame(counts, columns=["table", "source", "extra"])


# --------------------------------------------------------------------------- summaries
def _table_name(t: str) -> str:
    return t.replace("table", "Table ") if t in SCHEMAS else ("Text" if t == verdicts.TEXT else t)


def verdict_counts(report: pd.DataFrame) -> pd.DataFrame:
    """Counts of each verdict per table and source (rows ``Table 1``/source short name), one column per verdict."""
    counts = report.groupby(["table", "source"], observed=True, sort=False)["verdict"].value_counts()
    counts = counts.unstack(fill_value=0)
    counts = counts.reindex(columns=[v for v in REPORT_VERDICTS if v in set(report["verdict"].astype(str))],
                            fill_value=0)
    order = {t: i for i, t in enumerate(TABLES)}
    counts = counts.loc[sorted(counts.index, key=lambda ts: (order.get(ts[0], 99), SOURCES.index(ts[1])))]
    counts["published numbers"] = counts.sum(axis=1)
    counts.columns.name = None
    counts.index = pd.MultiIndex.from_tuples(
        [(_table_name(t), SOURCE_SHORT.get(s, s)) for t, s in counts.index], names=["table", "source"])
    return counts


COVERAGE_COLUMNS = (
    "published numbers",
    "reproduced from the published tables",
    "published tables: close",
    "published tables: differs",
    "inputs of the published-table rebuild",
    "need records: on the replica",
    "need records: not yet computed",
    "not derivable",
)


def coverage(report: pd.DataFrame) -> pd.DataFrame:
    """Per table (rows ``Table 1`` ... ``Text`` and ``all``), each printed number counted once by what reproduces it.

    The columns after ``published numbers`` (:data:`COVERAGE_COLUMNS`) add up to it.

    The published tables come first: a number they reproduce (by the grade of
    its verdict: agrees, close, off), or one that is an input of their
    rebuild. A number they cannot give needs individual records: it is
    either on the synthetic replica (any verdict) or not yet computed by any
    chapter; a prose number derivable from neither is "not derivable".
    """
    tab = report[report["source"] == "published_tables"].set_index(["table", "key"])
    rep = report[report["source"] == "replica"].set_index(["table", "key"])
    on_replica = rep["ours"].notna().reindex(tab.index, fill_value=False)
    cat = pd.Series("need records: not yet computed", index=tab.index)
    cat[on_replica] = "need records: on the replica"
    cat[tab["feasible"] == "input"] = "inputs of the published-table rebuild"
    not_derivable = tab["limit"] == LIMITS["text_none"][0]
    cat[not_derivable] = "not derivable"
    feasible = tab["feasible"] == "yes"
    grade = tab["grade"]
    cat[feasible & (grade == "agrees")] = "reproduced from the published tables"
    cat[feasible & (grade == "close")] = "published tables: close"
    cat[feasible & (grade == "off")] = "published tables: differs"
    cat[feasible & (grade == "missing") & ~on_replica] = "need records: not yet computed"
    counts = cat.groupby(level="table").value_counts().unstack(fill_value=0)
    counts["published numbers"] = counts.sum(axis=1)
    present = [t for t in TABLES if t in counts.index]
    counts = counts.reindex(columns=list(COVERAGE_COLUMNS), fill_value=0).reindex(present, fill_value=0)
    counts.loc["all"] = counts.sum()
    counts.index = [_table_name(t) for t in counts.index]
    counts.index.name = None
    counts.columns.name = None
    return counts


# --------------------------------------------------------------------------- display
def chapter_link(chapter: str, anchor: str = "", text: str | None = None) -> str:
    """An HTML link from a back-matter page to a chapter's section (pages sit side by side in book/)."""
    if not chapter:
        return ""
    href = f"{chapter}.html" + (f"#{anchor}" if anchor else "")
    return f'<a href="{href}">{html.escape(text or chapter_title(chapter))}</a>'


def chapter_title(chapter: str) -> str:
    """The first heading of ``notebooks/<chapter>.md`` (the chapter's title in the book)."""
    file = paths.ROOT / "notebooks" / f"{chapter}.md"
    if file.exists():
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return chapter


def heading_anchor(title: str) -> str:
    """The HTML id Sphinx gives a section with this title (lower case, runs of other characters to ``-``)."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _fmt(value, decimals: int = 3) -> str:
    """A reproduced number as text, one digit finer than the published one was printed."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    digits = decimals + 1
    return f"{float(value):,.{int(digits)}f}"


def _breakable(label: str) -> str:
    """A key label that may wrap after its underscores in HTML (the key stays readable when copied)."""
    return html.escape(label).replace("_", "_<wbr>")


def display_frame(report: pd.DataFrame) -> pd.DataFrame:
    """The report as strings for reading: numbers formatted, the source named, the reason linked."""
    out = pd.DataFrame({
        "number": [f"{t.replace('table', 'Table ')} · {_breakable(label)}"
                   for t, label in zip(report["table"], report["label"])],
        "source": report["source"].map(SOURCE_LABELS),
        "published": [v if isinstance(v, str) else f"{v:,.{d}f}" for v, d in
                      zip(report["published"], report["decimals"])],
        "ours": [_fmt(v, d) for v, d in zip(report["ours"], report["decimals"])],
        "difference": [_fmt(v, d) for v, d in zip(report["difference"], report["decimals"])],
        "verdict": report["verdict"].astype(str),
        "why / where": [
            f"{html.escape(r, quote=False)} {chapter_link(c, a, '(see chapter)' if r else None)}".strip()
            for r, c, a in zip(report["reason"], report["chapter"], report["anchor"])
        ],
    })
    return out.reset_index(drop=True)


def style_report(report: pd.DataFrame, caption: str | None = None):
    """A Styler of :func:`display_frame`: the verdict cell tinted, links clickable, no index.

    Columns that hold one value throughout (say, the source) move to the caption.
    """
    shown = display_frame(report)
    constant = [c for c in shown.columns if len(shown) > 1 and shown[c].nunique() == 1]
    if constant and caption:
        caption += " (" + ", ".join(f"{c}: {shown[c].iloc[0]}" for c in constant) + ")"
    shown = shown.drop(columns=constant)

    tinted = [c for c in ("verdict",) if c in shown.columns]
    styler = shown.style.map(verdicts.style_cell, subset=tinted)
    styler = _column_widths(styler.hide(axis="index"), shown.columns)
    return styler.set_caption(caption) if caption else styler


_COUNT_TINTS = {
    **VERDICT_COLOURS,
    "reproduced from the published tables": verdicts.GRADE_COLOURS["agrees"],
    "published tables: close": verdicts.GRADE_COLOURS["close"],
    "published tables: differs": verdicts.GRADE_COLOURS["off"],
    "need records: on the replica": verdicts.GRADE_COLOURS["neutral"],
}


def style_counts(counts: pd.DataFrame, caption: str | None = None, transpose: bool = False):
    """A Styler of count tables (:func:`coverage`, :func:`verdict_counts`), verdict categories tinted.

    With ``transpose`` the categories become rows (narrower on a phone when
    there are few groups).
    """
    frame = counts.T if transpose else counts
    styler = frame.style
    for name, colour in _COUNT_TINTS.items():
        def tint(v, c=colour):
            return f"background-color: {c}" if v else ""

        if transpose and name in frame.index:
            styler = styler.map(tint, subset=([name], frame.columns))
        elif not transpose and name in frame.columns:
            styler = styler.map(tint, subset=[name])
    if not transpose:
        styler = styler.relabel_index([_COUNT_SHORT.get(c, c) for c in frame.columns], axis=1)
    return styler.set_caption(caption) if caption else styler


_COUNT_SHORT = {"not reproduced from this source": "not reproduced", "cannot be reproduced": "cannot",
                "published numbers": "all"}


_SHORT_VERDICT = {"not reproduced from this source": "not reproduced"}


def wide_frame(report: pd.DataFrame) -> pd.DataFrame:
    """One row per published number, the sources side by side (value and verdict each).

    The verdict of a number a source cannot give carries its short reason
    ("cannot: needs records"); the last column gives the reason for anything
    that is not reproduced and could have been, with a link to the chapter.
    """
    rows = report.copy()
    rows["shown"] = [_fmt(v, d) for v, d in zip(rows["ours"], rows["decimals"])]
    rows["judged"] = [
        f"cannot: {limit}" if v == "cannot be reproduced" else _SHORT_VERDICT.get(v, v)
        for v, limit in zip(rows["verdict"].astype(str), rows["limit"])
    ]
    needs_reason = rows["grade"].isin(["close", "off", "neutral", "missing"])
    rows["why"] = [
        f"{SOURCE_SHORT[s]}: {html.escape(r, quote=False)} {chapter_link(c, a, '(see chapter)')}".strip()
        if flag and r else ""
        for flag, s, r, c, a in zip(needs_reason, rows["source"], rows["reason"], rows["chapter"], rows["anchor"])
    ]
    first = rows.drop_duplicates(["table", "key"]).set_index(["table", "key"])
    out = pd.DataFrame({
        ("", "number"): first["label"].map(_breakable),
        ("", "published"): [v if isinstance(v, str) else f"{v:,.{d}f}" for v, d in
                            zip(first["published"], first["decimals"])],
    }, index=first.index)
    for source, part in rows.groupby("source", sort=False):
        part = part.set_index(["table", "key"]).reindex(first.index)
        out[(SOURCE_SHORT[source], "value")] = part["shown"]
        out[(SOURCE_SHORT[source], "verdict")] = part["judged"]
    out[("", "why / where")] = rows.groupby(["table", "key"], sort=False)["why"].agg(
        lambda w: "; ".join(x for x in w if x)).reindex(first.index)
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out.reset_index(drop=True)



def style_wide(report: pd.DataFrame, caption: str | None = None):
    """A Styler of :func:`wide_frame`: verdict cells tinted, links clickable, no index.

    A source that can give none of the numbers loses its columns; the
    caption says why instead.
    """
    shown = wide_frame(report)
    for source, part in report.groupby("source", sort=False):
        if len(part) and (part["verdict"] == "cannot be reproduced").all() and part["ours"].isna().all():
            shown = shown.drop(columns=[SOURCE_SHORT[source]], level=0)
            why = "; ".join(sorted(set(part["limit"])))
            caption = (caption or "") + f" (the {SOURCE_SHORT[source]} cannot give any of these numbers: {why})"
    verdict_cols = [c for c in shown.columns if c[1] == "verdict"]

    def tint(v: str) -> str:
        full = "cannot be reproduced" if v.startswith("cannot") else \
            {"not reproduced": "not reproduced from this source"}.get(v, v)
        return verdicts.style_cell(full)

    styler = _column_widths(shown.style.map(tint, subset=verdict_cols).hide(axis="index"), shown.columns)
    return styler.set_caption(caption) if caption else styler


def _column_widths(styler, columns):
    """Keep text columns readable on a phone (the table scrolls sideways instead) and numbers on one line."""
    styles = {}
    for col in columns:
        name = col[-1] if isinstance(col, tuple) else col
        if name == "why / where":
            props = "min-width: 13em;"
        elif name == "number":
            props = "min-width: 11em;"
        else:
            props = "white-space: nowrap;"
        styles[col] = [{"selector": "td", "props": props + " text-align: left; vertical-align: top;"}]
    return styler.set_table_styles(styles, overwrite=False)
