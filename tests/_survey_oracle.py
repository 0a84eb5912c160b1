"""R ``survey`` (Lumley) as an oracle, frozen and live.

Three reference analyses, each an R script in ``tests/oracles/`` run on one
input data set:

* ``survey_sim``: means, proportions, OLS, logit, domains, zero weights,
  cluster and plain SEs and the single-PSU options on ``simulate_survey()``;
* ``survey_table2``: Table 2's models on ``simulate_attainment()``;
* ``survey_table6``: Table 6's four logits on the replica's person-years.

Their outputs are frozen in ``tests/oracles/<name>.csv`` with the SHA-256 of
the input they were computed on (``tests/oracles/survey_inputs.json``), so
the comparisons run in every test run, with R or without; where R is present
the same tests also run against a live R run (``source="live"``). If an input
changes (a new replica, a new simulator), the frozen test says so; regenerate
with ``.venv/bin/python tests/oracles/make_survey_oracles.py``.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ORACLES = Path(__file__).resolve().parent / "oracles"
DIGESTS = ORACLES / "survey_inputs.json"
SOURCES = ["frozen", pytest.param("live", marks=pytest.mark.needs_r)]


def _sim() -> tuple[pd.DataFrame, list[str]]:
    from hukoumob.survey import simulate_survey

    return simulate_survey(), []


def _table2() -> tuple[pd.DataFrame, list[str]]:
    from hukoumob.tables import table1_2

    return table1_2.simulate_attainment(), []


def estimable_men(men: pd.DataFrame, n_each: int = 3) -> pd.DataFrame:
    """The replica's men with, where a Table 6 cell has no event (separation), the
    censored histories of ``n_each`` men of that cell ending in a move into
    agriculture instead (so that every model can be fitted for the oracle test)."""
    from hukoumob.tables import table6

    men = men.copy()
    for _ in range(5):
        pyo = table6.build_person_years(men)
        sep = table6.separation(pyo.data, table6.MODEL_TERMS["model4"])
        if sep.empty:
            return men
        last = pyo.data.groupby("person").tail(1)
        for term in sep["term"]:
            cell = last[term.split(" & ")[0]] == 1
            if " & " in term:
                cell &= last["hukou_change"] == 0
            cand = last[cell & (last["event"] == 0)].head(n_each)
            men.loc[cand["person"], "farm_entry_year"] = cand["year"].to_numpy()
            men.loc[cand["person"], "son_class"] = "farm"
    return men


def table6_person_years():
    """The Table 6 oracle's person-years (:class:`hukoumob.tables.table6.PersonYears`)."""
    from hukoumob.inputs.records import load_records
    from hukoumob.tables import table6

    return table6.build_person_years(estimable_men(load_records().men))


def _table6() -> tuple[pd.DataFrame, list[str]]:
    from hukoumob.tables import table6

    frame, domain = table6._domain_frame(table6_person_years())
    frame = frame.assign(dom=domain.astype(int), weight=np.where(domain, frame["weight"], 1.0))
    spec = ";".join(f"{m}:{','.join(t)}" for m, t in table6.MODEL_TERMS.items())
    return frame, [spec]


#: name -> function returning (input data, extra Rscript arguments)
INPUTS: dict[str, Callable[[], tuple[pd.DataFrame, list[str]]]] = {
    "survey_sim": _sim,
    "survey_table2": _table2,
    "survey_table6": _table6,
}


def input_csv(name: str) -> tuple[str, list[str]]:
    """The oracle's input as the CSV text given to R (full precision), and R's extra arguments."""
    data, extra = INPUTS[name]()
    buf = io.StringIO()
    data.to_csv(buf, index=False, float_format="%.17g", lineterminator="\n")
    return buf.getvalue(), extra


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def run_r(name: str, workdir: Path) -> pd.DataFrame:
    """Run ``tests/oracles/<name>.R`` on the oracle's input; skip if R or ``survey`` is absent."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not available")
    text, extra = input_csv(name)
    src, out = workdir / f"{name}_input.csv", workdir / f"{name}.csv"
    src.write_text(text)
    proc = subprocess.run(["Rscript", str(ORACLES / f"{name}.R"), str(src), str(out), *extra],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip("the R package 'survey' is not installed")
    assert proc.returncode == 0, proc.stderr
    return read(out)


def read(path: Path) -> pd.DataFrame:
    """An oracle table, every value column as text (full precision, R's NA kept as 'NA')."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def frozen(name: str) -> pd.DataFrame:
    """The frozen R output of ``name``, after checking it was computed on today's input."""
    recorded = json.loads(DIGESTS.read_text())[name]
    text, _ = input_csv(name)
    if digest(text) != recorded["sha256"]:
        pytest.fail(f"the input of the frozen oracle {name} has changed since it was frozen "
                    f"({recorded['rows']} rows then); regenerate: .venv/bin/python tests/oracles/make_survey_oracles.py")
    return read(ORACLES / f"{name}.csv")


def reference(name: str, source: str, workdir: Path) -> pd.DataFrame:
    """R's output for ``name``: frozen (every run) or live (where R is present)."""
    return frozen(name) if source == "frozen" else run_r(name, workdir)
