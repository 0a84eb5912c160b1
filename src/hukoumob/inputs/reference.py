"""Reference mobility tables from outside the paper: England and Wales,
France and Sweden (Erikson, Goldthorpe and Portocarero 1982; as tabulated by
Hauser 1984 and distributed with R's gnm as ``erikson``), collapsed from nine
EGP classes to the paper's six. See ``data/reference/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hukoumob.inputs.paths import REFERENCE
from hukoumob.inputs.schema import CLASSES

#: The collapse of the nine EGP classes of the reference file to the paper's
#: six (ARCHITECTURE.md; paper, "Data and Variables"): I+II, III, IVa+IVb, V/VI,
#: VIIa, IVc+VIIb (farm).
EGP9_TO_6: dict[str, str] = {
    "I": "I_II",
    "II": "I_II",
    "III": "III",
    "IVa": "IVab",
    "IVb": "IVab",
    "IVc": "farm",
    "V/VI": "V_VI",
    "VIIa": "VIIa",
    "VIIb": "farm",
}

#: Country codes of the reference file.
COUNTRIES: tuple[str, ...] = ("EW", "F", "S")

#: The survey behind each reference table (Erikson, Goldthorpe and Portocarero 1982: men aged
#: 20-64): country name, survey year, survey. For labels: the tables are of the early 1970s,
#: two decades before the paper's 1996 survey and its note 11's 1993-94 surveys.
SURVEYS: dict[str, tuple[str, int, str]] = {
    "EW": ("England and Wales", 1972, "Oxford National Occupational Mobility Inquiry"),
    "F": ("France", 1970, "Enquete Formation-Qualification Professionnelle (INSEE)"),
    "S": ("Sweden", 1974, "Swedish Level of Living Survey"),
}


def reference_path() -> Path:
    """Location of ``data/reference/erikson_casmin_9x9.csv`` in the repository."""
    return REFERENCE / "erikson_casmin_9x9.csv"


def load_erikson_tables(path: str | Path | None = None) -> dict[str, np.ndarray]:
    """The three reference tables collapsed to six classes.

    Returns ``{"EW": T, "F": T, "S": T}`` where each ``T`` is a 6 x 6 float
    array of counts, rows = father's (origin) class and columns = son's
    (destination) class, both in :data:`hukoumob.inputs.schema.CLASSES` order.
    """
    df = pd.read_csv(reference_path() if path is None else path)
    unknown = set(df["father"]).union(df["son"]) - set(EGP9_TO_6)
    if unknown:
        raise ValueError(f"unknown EGP classes in reference file: {sorted(unknown)}")
    df = df.assign(origin=df["father"].map(EGP9_TO_6), destination=df["son"].map(EGP9_TO_6))
    out: dict[str, np.ndarray] = {}
    for country in COUNTRIES:
        sub = df[df["country"] == country]
        if sub.empty:
            raise ValueError(f"country {country} missing from reference file")
        tab = (
            sub.pivot_table(index="origin", columns="destination", values="count", aggfunc="sum")
            .reindex(index=list(CLASSES), columns=list(CLASSES))
            .fillna(0.0)
        )
        out[country] = tab.to_numpy(dtype=float)
    return out
