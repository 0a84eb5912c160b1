"""The six-category EGP class scheme of the paper ("Data and Variables").

The paper collapses the ten-category scheme of Erikson, Goldthorpe and
Portocarero into six classes; :data:`EGP10_TO_6` writes that collapse down as
data and :func:`collapse_egp10` applies it.
"""

from __future__ import annotations

import pandas as pd

from hukoumob.inputs.schema import CLASSES

#: Reader-facing labels of the six classes, in the order of the paper's tables.
LABELS: dict[str, str] = {
    "I_II": "Professionals, managers (I, II)",
    "III": "Routine non-manual (III)",
    "IVab": "Small owners (IVa, IVb)",
    "V_VI": "Foremen, skilled (V, VI)",
    "VIIa": "Semi- and unskilled (VIIa)",
    "farm": "Agricultural (IVc, VIIb)",
}

#: Short labels for axes and legends.
SHORT: dict[str, str] = {
    "I_II": "I+II", "III": "III", "IVab": "IVab",
    "V_VI": "V+VI", "VIIa": "VIIa", "farm": "Farm",
}

#: The ten EGP classes and the six-class code each falls into.
EGP10_TO_6: dict[str, str] = {
    "I": "I_II", "II": "I_II", "III": "III", "IVa": "IVab", "IVb": "IVab",
    "V": "V_VI", "VI": "V_VI", "VIIa": "VIIa", "IVc": "farm", "VIIb": "farm",
}


def collapse_egp10(codes: pd.Series | list[str]) -> pd.Series:
    """Map ten-category EGP codes to the paper's six classes.

    Raises ``ValueError`` listing every code that is not one of the ten, so a
    typo never becomes a silent missing value.
    """
    s = pd.Series(codes, dtype="object")
    unknown = sorted(set(s.dropna()) - set(EGP10_TO_6))
    if unknown:
        raise ValueError(f"unknown EGP-10 codes {unknown}; expected one of {list(EGP10_TO_6)}")
    return pd.Categorical(s.map(EGP10_TO_6), categories=CLASSES, ordered=True)


def collapse_table(table: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Add up the rows and columns of a square mobility table under ``mapping``.

    ``table`` is indexed by origin and has destination columns in the finer
    scheme; the result is in :data:`CLASSES` order on both axes.
    """
    missing = sorted((set(table.index) | set(table.columns)) - set(mapping))
    if missing:
        raise ValueError(f"categories {missing} have no entry in the mapping")
    out = table.groupby(table.index.map(mapping)).sum()
    out = out.T.groupby(out.columns.map(mapping)).sum().T
    return out.reindex(index=list(CLASSES), columns=list(CLASSES))
