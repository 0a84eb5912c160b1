"""What the book can claim for each printed number: counts read from ``results/reproducibility.csv``.

The introduction states how many of the paper's printed numbers (tables and
text) are genuine reproductions from the published tables, how many only the
synthetic replica (or the real file) gives, and how many nothing reproduces,
with the reason. Those counts are computed here, from the file the
reproducibility step writes, under the contract of ``ARCHITECTURE.md``: one row
per printed number and source, with columns ``table`` (``table1`` ..
``table6`` or ``text``), the number's key columns, ``published``, ``ours``,
``difference``, ``tolerance``, ``verdict``, ``reason`` and ``source``.

Each printed number is counted **once**, by the best claim any source makes
for it (:data:`CLAIMS`, best first):

``reproduced``
    re-estimated from the published tables and within their rounding;
``published tables, beyond rounding``
    re-estimated from the published tables, further off (within one SE or
    differing, each with its reason);
``input (round trip)``
    a number the published-table rebuild starts from (a printed father
    column): re-percentaging returns it, which checks the transcription but
    reproduces nothing;
``records only``
    estimated only from individual records: on the synthetic replica that is
    agreement by calibration, not a reproduction;
``cannot be reproduced``
    no source gives it; the ``reason`` of its row says why.

Only the columns above are read, so the counts do not depend on how the key
columns are spelled. A verdict this module does not know is never guessed
into a better claim: the number falls to the claim its value allows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..inputs import paths

#: Columns of ``results/reproducibility.csv`` that are not part of a number's key (the contract's, then
#: those :func:`hukoumob.book.report.build_report` adds per source: SE ratio, what the tolerance is, the
#: verdict's grade, feasibility and the link to the chapter).
CONTRACT_COLUMNS = ("published", "ours", "difference", "tolerance", "verdict", "reason", "source")
VALUE_COLUMNS = (*CONTRACT_COLUMNS, "ratio", "criterion", "grade", "feasible", "limit", "chapter", "anchor")
#: The claims, best first.
CLAIMS = ("reproduced", "published tables, beyond rounding", "input (round trip)", "records only",
          "cannot be reproduced")
#: Verdicts that mean "estimated, within what the source can promise".
REPRODUCED = {"reproduced"}
#: Verdicts of a published-table estimate that is further off than rounding.
BEYOND_ROUNDING = {"within 1 SE", "SE within 30%", "differs"}
#: Verdicts that mean the source gave no estimate of its own (whatever value the row shows).
NOT_GIVEN = {"not reproduced from this source", "cannot be reproduced", "not reproducible", "cannot"}
#: Words that mark a published-table row as an input of the rebuild (in its verdict or reason).
INPUT_MARKS = ("round trip", "input")
RECORD_SOURCES = ("replica", "lhsccc")


def reproducibility_file() -> Path:
    return paths.results_dir() / "reproducibility.csv"


def load_reproducibility(file: Path | None = None) -> pd.DataFrame:
    """Read ``results/reproducibility.csv``; a clear error when it is missing or lacks a column."""
    file = Path(file) if file is not None else reproducibility_file()
    if not file.exists():
        raise FileNotFoundError(
            f"{file} does not exist: it is written by the reproducibility step, which runs after the "
            "paper's chapters (build the whole book: `make book`)"
        )
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    missing = [c for c in ("table", *CONTRACT_COLUMNS) if c not in frame.columns]
    if missing:
        raise ValueError(f"{file} lacks the column(s) {missing} of the results contract")
    return frame


def key_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that identify one printed number: all but the value columns."""
    return [c for c in frame.columns if c not in VALUE_COLUMNS]


def _has_value(text: pd.Series) -> pd.Series:
    return ~text.astype(str).str.strip().str.lower().isin(["", "nan", "none"])


def _is_input(row: pd.Series) -> bool:
    words = f"{row['verdict']} {row['reason']}".lower()
    return any(mark in words for mark in INPUT_MARKS)


def claim_of(rows: pd.DataFrame) -> tuple[str, str]:
    """The best claim for one printed number from its rows (one per source), and the reason behind it."""
    pub = rows[rows["source"] == "published_tables"]
    verdicts = set(pub["verdict"])
    if verdicts & REPRODUCED:
        return "reproduced", ""
    if verdicts & BEYOND_ROUNDING:
        return "published tables, beyond rounding", "; ".join(sorted(set(pub["reason"]) - {""}))
    if any(_is_input(r) for _, r in pub.iterrows()):
        return "input (round trip)", ""
    rec = rows[rows["source"].isin(RECORD_SOURCES)]
    given = rec[~rec["verdict"].isin(NOT_GIVEN) & _has_value(rec["ours"])]
    if len(given):
        return "records only", ""
    unwritten = rows[rows["verdict"] == "not reproduced from this source"]
    if len(unwritten):  # a source could give it: the reason is that no chapter has, not that it cannot be done
        return "cannot be reproduced", "a source could give it, but no chapter writes it yet"
    reasons = [r for r in [*pub["reason"], *rows["reason"]] if r.strip()]
    return "cannot be reproduced", reasons[0] if reasons else "no reason given"


def claims(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per printed number: its ``table``, key, ``claim`` and ``reason``."""
    keys = key_columns(frame)
    out = []
    for key, rows in frame.groupby(keys, sort=False, dropna=False):
        claim, reason = claim_of(rows)
        out.append({**dict(zip(keys, key if isinstance(key, tuple) else (key,))), "claim": claim, "reason": reason})
    return pd.DataFrame(out, columns=[*keys, "claim", "reason"])


def claim_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Printed numbers per claim (rows, in :data:`CLAIMS` order) and part of the paper: tables, text, all."""
    per = claims(frame)
    per["part"] = per["table"].map(lambda t: "text" if t == "text" else "tables")
    counts = pd.crosstab(per["claim"], per["part"]).reindex(index=list(CLAIMS), columns=["tables", "text"],
                                                            fill_value=0)
    counts["all"] = counts.sum(axis=1)
    counts.loc["printed numbers"] = counts.sum()
    counts.index.name = "claim"
    return counts.astype(int)


def cannot_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """Why the numbers no source reproduces cannot be: count per reason, largest first."""
    per = claims(frame)
    per = per[per["claim"] == "cannot be reproduced"]
    out = per.groupby("reason").size().rename("printed numbers").sort_values(ascending=False).reset_index()
    return out
