"""Read and write the replica: ``data/replica/params.json`` and ``data/replica/men.csv``.

``python -m hukoumob.replica`` (what ``make replica`` runs) regenerates the
men from the saved parameters; ``python -m hukoumob.replica --calibrate``
re-fits the parameters first. Both files are byte-for-byte reproducible.
Both are written to a temporary file in the same folder and renamed over the
old one, so an interrupted run never leaves a half-written file.
:func:`check_params` stops a ``params.json`` with a missing or malformed
stage before anything is drawn, naming the stage and the key.
"""

from __future__ import annotations

import json
import numbers
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from hukoumob.inputs import paths

PARAMS_FILE = "params.json"
MEN_FILE = "men.csv"


def _clean(obj):
    """JSON-safe copy: NumPy scalars to Python numbers, floats rounded to 10 significant digits."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(f"{float(obj):.10g}")
    return obj


class ParamsError(ValueError):
    """``params.json`` lacks a stage, or a stage is malformed; the message names both."""


#: The keys each stage of the generator reads from its block of ``params.json`` (see :mod:`.generate`).
STAGE_KEYS = {
    "table1": ("N", "educ", "birth_year", "father_isei", "father_educ", "first_isei", "current_isei",
               "party_member", "father_party_member14"),
    "design": ("strata", "counties", "townships", "psus_per_township", "households", "men", "group_counts",
               "father_counts", "cell_weight", "kappa", "mean_adults_all", "cluster_sd"),
    "origins": ("fisei_class_mean", "fisei_class_sd", "fisei_urban_origin", "feduc_on_fisei", "feduc_urban_origin",
                "feduc_cohort", "fparty_class_logodds", "p_mismatch_residence14", "at_risk_cohort_shift"),
    "paths": ("ed_on_fe", "ed_on_fi", "ed_urban_origin", "ed_changer", "ed_cohort", "fj_on_ed", "fj_on_fi",
              "fj_on_fe", "fj_urban_origin", "fj_changer"),
    "schooling": ("p_vocational", "p_vocational_changer", "p_adult_education", "at_risk_shift",
                  "p_adult_education_at_risk"),
    "careers": ("entry_delay", "party_on_educ", "party_on_father", "party_changer", "party_on_age"),
    "cluster_sd": ("educ", "first_isei", "party", "father_party"),
    "destinations": ("model3c", "model2", "cell_counts"),
    "history": ("theta", "pi_stay"),
    "status": ("b", "class_isei", "kappa", "gamma", "cluster_share", "resid_scale"),
    "sent_down": ("peak_birth", "cohort_sd", "on_junior_hs", "years_away", "counts"),
}


def _numeric_leaves(obj, where: str) -> str | None:
    """The first path under ``obj`` whose leaf is not a finite number (None if all are)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            bad = _numeric_leaves(v, f"{where}.{k}")
            if bad:
                return bad
        return None
    if isinstance(obj, list):
        for i, v in enumerate(obj):
            bad = _numeric_leaves(v, f"{where}[{i}]")
            if bad:
                return bad
        return None
    if isinstance(obj, bool) or not isinstance(obj, numbers.Real) or not np.isfinite(obj):
        return f"{where} = {obj!r}"
    return None


def check_params(params, file: str = PARAMS_FILE) -> dict:
    """Stop with :class:`ParamsError` naming the stage if a block is missing or malformed; return ``params``."""
    if not isinstance(params, dict):
        raise ParamsError(f"{file}: not a JSON object")
    if not isinstance(params.get("seed"), int) or isinstance(params.get("seed"), bool):
        raise ParamsError(f"{file}: 'seed' missing or not an integer")
    for stage, keys in STAGE_KEYS.items():
        block = params.get(stage)
        if block is None:
            raise ParamsError(f"{file}: stage {stage!r} missing (run `make replica CALIBRATE=1`)")
        if not isinstance(block, dict):
            raise ParamsError(f"{file}: stage {stage!r} is malformed: not an object")
        missing = [k for k in keys if k not in block]
        if missing:
            raise ParamsError(f"{file}: stage {stage!r} is malformed: {missing} missing")
        bad = _numeric_leaves({k: block[k] for k in keys}, stage)
        if bad:
            raise ParamsError(f"{file}: stage {stage!r} is malformed: {bad} is not a number")
    return params


def _write_atomic(file: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``file`` and rename it over ``file``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
    try:
        with os.fdopen(fd, "w", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_params(params: dict, folder: Path | None = None) -> Path:
    """Write the parameters as sorted, indented JSON (stable bytes; written whole or not at all)."""
    folder = Path(folder or paths.REPLICA)
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / PARAMS_FILE
    _write_atomic(file, json.dumps(_clean(check_params(params)), indent=1, sort_keys=True) + "\n")
    return file


def load_params(folder: Path | None = None) -> dict:
    """Read and check ``params.json`` (FileNotFoundError naming ``make replica`` if missing; ParamsError if bad)."""
    file = Path(folder or paths.REPLICA) / PARAMS_FILE
    if not file.exists():
        raise FileNotFoundError(f"{file}: no replica parameters (run `make replica CALIBRATE=1`)")
    try:
        params = json.loads(file.read_text())
    except json.JSONDecodeError as err:
        raise ParamsError(f"{file}: not valid JSON ({err})") from None
    return check_params(params, str(file))


def save_men(men: pd.DataFrame, folder: Path | None = None) -> Path:
    """Write ``men.csv`` (columns of :data:`.generate.COLUMNS`)."""
    from .generate import to_file_frame

    folder = Path(folder or paths.REPLICA)
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / MEN_FILE
    _write_atomic(file, to_file_frame(men).to_csv(index=False, lineterminator="\n"))
    return file


def load_men(folder: Path | None = None) -> pd.DataFrame:
    """Read ``men.csv`` as written by :func:`save_men` (missing years as NaN)."""
    file = Path(folder or paths.REPLICA) / MEN_FILE
    if not file.exists():
        raise FileNotFoundError(f"{file}: no replica (run `make replica`)")
    return pd.read_csv(file)
