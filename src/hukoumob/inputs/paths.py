"""Where the book's inputs and outputs live, relative to the repository root.

The root is found from this file's location (``src/hukoumob/inputs/paths.py``), so
chapters and tests work from any working directory. ``HUKOUMOB_RESULTS`` may
point the results folder elsewhere (tests use it to keep the tree clean);
``HUKOUMOB_LHSCCC_MAPPING`` may point at a filled-in copy of the real file's
variable mapping kept outside the repository (default
``data/lhsccc_variables.yml``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
PUBLISHED = DATA / "published"
REFERENCE = DATA / "reference"
REPLICA = DATA / "replica"


def results_dir() -> Path:
    """Folder that receives ``results/<table>.csv`` (``$HUKOUMOB_RESULTS`` or ``results/``)."""
    return Path(os.environ.get("HUKOUMOB_RESULTS", ROOT / "results"))


def lhsccc_mapping() -> Path:
    """The real file's variable mapping (``$HUKOUMOB_LHSCCC_MAPPING`` or ``data/lhsccc_variables.yml``)."""
    return Path(os.environ.get("HUKOUMOB_LHSCCC_MAPPING") or DATA / "lhsccc_variables.yml")
