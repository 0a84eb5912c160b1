"""The verdict policy: how a reproduced number is judged against the printed one (ARCHITECTURE.md, "Verdict policy").

One function, :func:`judge`, gives every verdict the book shows: the
chapters' comparison tables (through :func:`hukoumob.book.results.compare`),
the reproducibility report (:mod:`hukoumob.book.report`) and the replica's
scorecard file. The rule depends on where the number came from:

* **re-estimated from the published tables** (``published_tables``) and the
  **real file** (``lhsccc``): ``reproduced`` when the difference is within the
  rounding bound (the bound the chapter propagated from the printed inputs,
  else half a unit of the printed number's last digit); else ``within 1 SE``
  when within one printed standard error; else ``differs``, with its reason
  (a misprint listed in ``errata.csv``, the weight scale of Table 5, ...).
* **the synthetic replica** (``replica``): judged against the calibration
  tolerance the replica was built to (:data:`hukoumob.replica.targets.GOALS`
  and the tolerances beside it; the same ones the scorecard counts with
  :func:`hukoumob.replica.targets.on_target`), never against a rounding bound:
  ``on calibration target`` / ``within 1 SE`` / ``off target``. A number the
  replica was not built to (a class score with no printed SE, a beta, a
  footnote letter) is ``not a calibration target``: a neutral verdict, not a
  failure.
* **standard errors**, whatever the source, by their ratio to the printed SE
  (within :data:`~hukoumob.replica.targets.SE_RATIO_TOLERANCE` is on target),
  never by an absolute difference: ``SE within 30%`` for the published tables
  and the real file when rounding cannot explain the gap.
* **prose numbers** (``text``): the printed value's rounding; "about" allows
  :data:`ABOUT_RELATIVE` of the value, "less than" any value below it.

Each verdict has a *grade* (:data:`GRADES`: agrees, close, off, neutral, plus
the report's missing and cannot), and colours follow the grade, so a count of
verdicts and the colours under it cannot disagree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs import text_numbers as tn
from hukoumob.inputs.published import load_published
from hukoumob.inputs.schema import SCHEMAS
from hukoumob.replica import targets

REPRODUCED = "reproduced"
WITHIN_SE = "within 1 SE"
SE_CLOSE = f"SE within {targets.SE_RATIO_TOLERANCE:.0%}"
DIFFERS = "differs"
ON_TARGET = "on calibration target"
OFF_TARGET = "off target"
NO_TARGET = "not a calibration target"
NOT_WRITTEN = "not reproduced from this source"
CANNOT = "cannot be reproduced"

#: Verdicts of a compared number, from best to worst (the report adds :data:`NOT_WRITTEN` and :data:`CANNOT`).
VERDICTS = (REPRODUCED, ON_TARGET, WITHIN_SE, SE_CLOSE, DIFFERS, OFF_TARGET, NO_TARGET)
#: The verdicts each source can get.
SOURCE_VERDICTS = {
    "published_tables": (REPRODUCED, WITHIN_SE, SE_CLOSE, DIFFERS),
    "lhsccc": (REPRODUCED, WITHIN_SE, SE_CLOSE, DIFFERS),
    "replica": (ON_TARGET, WITHIN_SE, OFF_TARGET, NO_TARGET),
}
#: What each verdict says about the number; colours and counts go by grade.
GRADES = {
    REPRODUCED: "agrees", ON_TARGET: "agrees", WITHIN_SE: "close", SE_CLOSE: "close",
    DIFFERS: "off", OFF_TARGET: "off", NO_TARGET: "neutral", NOT_WRITTEN: "missing", CANNOT: "cannot",
}
#: Tints told apart with every common colour-vision deficiency (blue / yellow / orange, from the
#: Okabe-Ito palette, differing in lightness too); the verdict's word is always printed beside them.
GRADE_COLOURS = {
    "agrees": "#c6dbef", "close": "#fbeaa5", "off": "#f5b78e", "neutral": "#e4dcee",
    "missing": "#e6e6e6", "cannot": "#f5f5f5",
}
#: Background colour of each verdict (from its grade).
COLOURS = {v: GRADE_COLOURS[g] for v, g in GRADES.items()}
#: Text colour on the tinted cells, so that they stay legible in the theme's dark mode too.
INK = "#1a1a1a"
#: "About 41 per cent": a number the paper prints as approximate agrees within this share of it.
ABOUT_RELATIVE = targets.TEXT_ABOUT_RELATIVE

#: Why a number differs (short kind -> text); the report links each kind to the section explaining it.
REASONS = {
    "errata": "misprint in the paper (data/published/errata.csv)",
    "weight_scale": ("the paper's weights add up to more than the number of men: this scales "
                     "log-likelihoods and SEs, not estimates"),
    "total_column": "the printed Total column disagrees with the printed father columns",
    "replica": "a calibration miss of the synthetic data (see the scorecard)",
    "no_se": "no printed SE to test the estimate against, and no calibration target",
    "small_column": f"father column under {targets.OUTFLOW_MIN_WEIGHTED_N} weighted men: no calibration target",
    "letter": "a footnote letter follows from the estimate and its SE, which are the targets",
    "not_target": "the replica was not built to this number",
    "text_contradicts": "the paper's text contradicts its own tables, which the replica is built to",
}

TEXT = "text"
#: Columns of a judged frame (:func:`judge`), after the table's key columns.
JUDGED = ["source", "published", "reproduced", "difference", "ratio", "tolerance", "criterion", "verdict",
          "note", "reason_kind"]


# --------------------------------------------------------------------------- the printed numbers
def text_numbers_path():
    """``data/published/text_numbers.csv``: the numbers printed in the paper's prose and notes."""
    return tn.text_numbers_path()


def keys_of(table: str) -> list[str]:
    """Key columns of a table (``["id"]`` for the prose numbers)."""
    return ["id"] if table == TEXT else list(SCHEMAS[table].keys)


def printed(table: str) -> pd.DataFrame:
    """Printed numbers of ``table`` (or ``"text"``): keys, ``value`` as printed, ``decimals``,
    ``erratum``, ``statistic`` and ``qualifier``; empty for ``"text"`` when the file is absent."""
    if table == TEXT:
        file = text_numbers_path()
        if not file.exists():
            return pd.DataFrame(columns=["id", "value", "decimals", "erratum", "statistic", "qualifier",
                                         "computable_from"])
        frame = tn.load_text_numbers(file)
        frame["erratum"] = False
        frame["statistic"] = frame["unit"]
        return frame
    frame = load_published(table, corrected=False)
    frame["erratum"] = load_published(table)["erratum"].to_numpy()
    stat = "kind" if "kind" in frame.columns else "statistic"
    frame["statistic"] = frame[stat]
    frame["qualifier"] = ""
    return frame


def printed_se(table: str, frame: pd.DataFrame) -> pd.Series:
    """The printed SE of each estimate row of ``frame`` (``b``/``est``), NaN elsewhere."""
    if table == TEXT or "statistic" not in SCHEMAS[table].keys:
        return pd.Series(np.nan, index=frame.index)
    other = [k for k in SCHEMAS[table].keys if k != "statistic"]
    pub = load_published(table, corrected=False)
    se = pub[pub["statistic"] == "se"].set_index(other)["value"].astype(float)
    matched = se.reindex(pd.MultiIndex.from_frame(frame[other])).to_numpy(dtype=float)
    return pd.Series(np.where(frame["statistic"].isin(["est", "b"]), matched, np.nan), index=frame.index)


# --------------------------------------------------------------------------- the policy
def _number(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return np.nan


def judge(table: str, reproduced: pd.DataFrame) -> pd.DataFrame:
    """Join reproduced numbers with the printed ones of ``table`` and give each its verdict.

    ``reproduced`` has the table's key columns (``id`` for ``"text"``),
    ``value`` and ``source``, and may carry a ``bound`` (the largest
    difference rounding of the printed inputs can explain) and a ``note``.
    Returns one row per reproduced printed number: the keys, then
    :data:`JUDGED` (``published`` as printed, ``ratio`` = reproduced over
    published for SEs, ``tolerance`` the number the verdict used and
    ``criterion`` what it is, ``note`` the reason in words, ``reason_kind``
    a key of :data:`REASONS`). Reproduced numbers the paper does not print
    are left out.
    """
    keys = keys_of(table)
    pub = printed(table)
    if pub.empty or reproduced.empty:
        return pd.DataFrame(columns=[*keys, *JUDGED])
    pub = pub.join(targets.calibration_targets(table, pub))
    pub["published_se"] = printed_se(table, pub)
    rep = reproduced.copy()
    for col in ("bound", "note"):
        if col not in rep.columns:
            rep[col] = np.nan if col == "bound" else ""
    rep["note"] = rep["note"].fillna("")
    rep = rep.rename(columns={"value": "reproduced"})
    for k in keys:
        pub[k] = pub[k].astype(str)
        rep[k] = rep[k].astype(str)
    m = pub.merge(rep[[*keys, "reproduced", "source", "bound", "note"]], on=keys)
    m = m.rename(columns={"value": "published"})
    if m.empty:
        return pd.DataFrame(columns=[*keys, *JUDGED])
    out = pd.DataFrame([_judge_row(table, r) for r in m.to_dict("records")], index=m.index)
    return pd.concat([m[[*keys, "source", "published"]], out], axis=1)[[*keys, *JUDGED]].reset_index(drop=True)


def _judge_row(table: str, r: dict) -> dict:
    """The verdict of one number (see the module docstring for the rule)."""
    source, stat = r["source"], r["statistic"]
    published, ours = r["published"], r["reproduced"]
    p, o = _number(published), _number(ours)
    chapter_note = r.get("note") or ""
    res = {"reproduced": ours if np.isnan(o) else o, "difference": np.nan, "ratio": np.nan, "tolerance": np.nan, "criterion": "",
           "verdict": "", "note": "", "reason_kind": ""}

    def done(verdict, kind="", extra=""):
        text = "; ".join(t for t in (REASONS.get(kind, "") if kind else "", extra, chapter_note) if t)
        res.update(verdict=verdict, reason_kind=kind, note=text)
        return res

    if np.isnan(p):  # a footnote letter: compared as text
        same = str(ours).strip().lower() == str(published).strip().lower()
        if source == "replica":
            return done(NO_TARGET, "letter", "same letter" if same else f"printed {published}, replica {ours}")
        res["criterion"] = "same letter"
        return done(REPRODUCED if same else DIFFERS)
    if np.isnan(o):  # e.g. not estimable
        missed = OFF_TARGET if r.get("criterion") else NO_TARGET
        return done(missed if source == "replica" else DIFFERS, "", "no number reproduced")
    res["difference"] = o - p
    is_se = stat == "se"
    if is_se and p != 0:
        res["ratio"] = o / p
    if source == "replica":
        crit = r.get("criterion") or ""
        if not crit:
            kind = "no_se" if stat in ("est", "b") else ("small_column" if stat == "pct" else "not_target")
            return done(NO_TARGET, kind, r.get("target_reason") or "")
        target = r["target"]
        res["tolerance"] = r["tolerance"]
        res["criterion"] = targets.CRITERIA[crit]
        hit = bool(targets.on_target([o], [target], [r["tolerance"]], [r["ratio"]], [bool(r.get("upper"))])[0])
        extra = f"the replica was built to the corrected value {target:g}" if r["erratum"] else ""
        extra = "; ".join(t for t in (extra, r.get("target_reason") or "") if t)
        if hit:
            return done(ON_TARGET, "errata" if r["erratum"] else "", extra)
        extra = "; ".join(t for t in (extra, r.get("miss_reason") or "") if t)
        if not is_se and np.isfinite(r["published_se"]) and abs(o - target) <= r["published_se"] + 1e-9:
            return done(WITHIN_SE, "replica", extra)
        contradicts = "contradicts the paper's own tables" in (r.get("target_reason") or "")
        return done(OFF_TARGET, "errata" if r["erratum"] else ("text_contradicts" if contradicts else "replica"), extra)
    # published tables and the real file: the rounding of the printed number
    bound = r["bound"] if pd.notna(r["bound"]) else 0.5 * 10.0 ** (-int(r["decimals"]))
    qualifier = r.get("qualifier") or ""
    if qualifier == "about":
        bound = max(bound, ABOUT_RELATIVE * abs(p))
    res["tolerance"] = bound
    res["criterion"] = "rounding bound" + (" (about)" if qualifier == "about" else "")
    within = (o <= p + bound + 1e-9) if qualifier == "less_than" else abs(o - p) <= bound + 1e-9
    if qualifier == "less_than":
        res["criterion"] = "less than the printed value"
    if within:
        return done(REPRODUCED, "errata" if r["erratum"] else "")
    kind = _differs_kind(table, r)
    if is_se:
        res["criterion"] += f"; else SE ratio within {targets.SE_RATIO_TOLERANCE:.0%}"
        if np.isfinite(res["ratio"]) and abs(res["ratio"] - 1) <= targets.SE_RATIO_TOLERANCE + 1e-9:
            return done(SE_CLOSE, kind, f"ratio {res['ratio']:.3f} to the printed SE")
        return done(DIFFERS, kind, f"ratio {res['ratio']:.3f} to the printed SE" if np.isfinite(res["ratio"]) else "")
    se = r["published_se"]
    if np.isfinite(se):
        res["criterion"] += "; else 1 printed SE"
        if abs(o - p) <= se + 1e-9:
            return done(WITHIN_SE, kind)
    return done(DIFFERS, kind)


def statement_verdict(hit) -> str:
    """The verdict of a replica check that is no printed number (a stated fact, an asserted sign, the
    moves a printed model predicts; :mod:`hukoumob.replica.statements`): by the same rule as a
    calibration target, on target where it holds, off target where not, neutral with nothing to judge."""
    if hit is None or (isinstance(hit, float) and np.isnan(hit)):
        return NO_TARGET
    return ON_TARGET if bool(hit) else OFF_TARGET


def _differs_kind(table: str, r: dict) -> str:
    """The known reason a published-table number is beyond rounding (a key of :data:`REASONS`, or "")."""
    if r["erratum"]:
        return "errata"
    if r["source"] == "published_tables" and table == "table5" and (
            r["statistic"] == "se" or r.get("term") in ("loglik", "lr_chi2")):
        return "weight_scale"
    if r["source"] == "published_tables" and table in ("table3", "table4") and r.get("father_class") == "total":
        return "total_column"
    return ""


def grade(verdicts: pd.Series) -> pd.Series:
    """The grade (:data:`GRADES`) of each verdict."""
    return verdicts.astype(str).map(GRADES)


def style_cell(verdict: str) -> str:
    """CSS of a cell showing ``verdict`` (its grade's colour)."""
    return f"background-color: {COLOURS.get(str(verdict), '#ffffff')}; color: {INK}"
