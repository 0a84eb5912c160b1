"""Read and write the replica: ``data/replica/params.json`` and ``data/replica/men.csv``.

``python -m hukoumob.replica`` (what ``make replica`` runs) regenerates the
men from the saved parameters; ``python -m hukoumob.replica --calibrate``
re-fits the parameters first. Both files are byte-for-byte reproducible.
"""

from __future__ import annotations

import json
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


def save_params(params: dict, folder: Path | None = None) -> Path:
    """Write the parameters as sorted, indented JSON (stable bytes)."""
    folder = Path(folder or paths.REPLICA)
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / PARAMS_FILE
    file.write_text(json.dumps(_clean(params), indent=1, sort_keys=True) + "\n")
    return file


def load_params(folder: Path | None = None) -> dict:
    """Read ``params.json`` (raises FileNotFoundError naming ``make replica`` if it is missing)."""
    file = Path(folder or paths.REPLICA) / PARAMS_FILE
    if not file.exists():
        raise FileNotFoundError(f"{file}: no replica parameters (run `make replica CALIBRATE=1`)")
    return json.loads(file.read_text())


def save_men(men: pd.DataFrame, folder: Path | None = None) -> Path:
    """Write ``men.csv`` (columns of :data:`.generate.COLUMNS`)."""
    from .generate import to_file_frame

    folder = Path(folder or paths.REPLICA)
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / MEN_FILE
    to_file_frame(men).to_csv(file, index=False, lineterminator="\n")
    return file


def load_men(folder: Path | None = None) -> pd.DataFrame:
    """Read ``men.csv`` as written by :func:`save_men` (missing years as NaN)."""
    file = Path(folder or paths.REPLICA) / MEN_FILE
    if not file.exists():
        raise FileNotFoundError(f"{file}: no replica (run `make replica`)")
    return pd.read_csv(file)
