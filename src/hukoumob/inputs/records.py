"""One loader for the men's records, whichever the data source: ``load_records(data_source)``.

* ``"replica"`` (the default): ``data/replica/men.csv``, the synthetic replica.
* a path to the real survey file (Stata ``.dta`` or CSV): the file's
  variables are renamed and transformed as ``data/lhsccc_variables.yml``
  says (EGP-10 collapse, footnote-5 weights, the hukou-at-14 imputation),
  the sample is restricted to men, and the result is validated. The
  environment variable ``HUKOUMOB_LHSCCC_MAPPING`` names another mapping
  file instead (e.g. a filled-in copy kept beside the licensed file).

Validation (:func:`validate_men`) checks presence, types, code ranges and
the sample restriction (men 20-69 in 1996) and reports *every* problem at
once in one :class:`RecordsError`, with counts of rows, never their contents
(real microdata must not leak into messages, logs or the book). Nothing is
written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hukoumob.inputs import paths
from hukoumob.inputs.classes import EGP10_TO_6
from hukoumob.inputs.schema import CLASSES
from hukoumob.inputs.sources import DataSource, resolve_source

MAPPING_FILE = paths.DATA / "lhsccc_variables.yml"  # the shipped mapping (placeholders); see paths.lhsccc_mapping
SURVEY_YEAR = 1996
AGE_RANGE = (20, 69)

#: Columns every analysis needs, with (kind, low, high): kind "int", "num", "dummy" or "class".
REQUIRED = {
    "current_isei": ("num", 10, 90), "first_isei": ("num", 10, 90), "father_isei": ("num", 10, 90),
    "educ": ("num", 0, 25), "father_educ": ("num", 0, 25), "birth_year": ("int", SURVEY_YEAR - AGE_RANGE[1], SURVEY_YEAR - AGE_RANGE[0]),
    "hukou14_rural": ("dummy", 0, 1), "residence_rural": ("dummy", 0, 1), "party_member": ("dummy", 0, 1),
    "father_party_member14": ("dummy", 0, 1), "hukou_change": ("dummy", 0, 1),
    "son_class": ("class", None, None), "father_class": ("class", None, None),
    "weight": ("num", 0, np.inf), "stratum": ("id", None, None), "psu": ("id", None, None),
}
#: Work-history columns (Table 6); checked when present, NaN allowed (event not reached).
HISTORY = {
    "labor_force_entry_year": ("int", 1930, SURVEY_YEAR), "farm_entry_year": ("int", 1930, SURVEY_YEAR),
    "year_junior_hs": ("int", 1930, SURVEY_YEAR), "year_senior_hs": ("int", 1930, SURVEY_YEAR),
    "year_vocational": ("int", 1930, SURVEY_YEAR), "year_college": ("int", 1930, SURVEY_YEAR),
    "party_join_year": ("int", 1930, SURVEY_YEAR),
}


class RecordsError(ValueError):
    """The records cannot be used; the message lists every problem found (counts only)."""


@dataclass
class Records:
    """The men's records and where they came from (``source`` is ``replica`` or ``lhsccc``)."""

    men: pd.DataFrame
    source: str
    label: str


def load_records(data_source: str | Path | None = "replica", mapping: str | Path | None = None) -> Records:
    """The men DataFrame for either source, validated (see the module docstring).

    ``mapping`` overrides the mapping file (``$HUKOUMOB_LHSCCC_MAPPING`` or
    ``data/lhsccc_variables.yml``, see :func:`hukoumob.inputs.paths.lhsccc_mapping`).
    Raises :class:`RecordsError` (or ``ValueError`` from
    :func:`hukoumob.inputs.sources.resolve_source` for a bad setting or path).
    """
    try:
        source = resolve_source(data_source)
    except ValueError as err:
        raise RecordsError(str(err)) from None
    if source.kind == "replica":
        if not source.path.exists():
            raise RecordsError(f"{source.path}: the replica is missing (run `make replica`)")
        men = pd.read_csv(source.path)
    else:
        raw = read_file(source)
        men = apply_mapping(raw, load_mapping(mapping))
    validate_men(men)
    return Records(men=men, source="replica" if source.kind == "replica" else "lhsccc", label=source.label)


def read_file(source: DataSource) -> pd.DataFrame:
    """Read the real file (``.dta`` with value labels off, or ``.csv``); unreadable files raise RecordsError."""
    try:
        if source.path.suffix.lower() == ".dta":
            return pd.read_stata(source.path, convert_categoricals=False)
        return pd.read_csv(source.path)
    except Exception as err:  # noqa: BLE001 - any reader failure is "unreadable"
        raise RecordsError(f"{source.path.name}: the file cannot be read as {source.path.suffix} ({type(err).__name__})") from None


def load_mapping(mapping: str | Path | None = None) -> dict:
    """Read the variable mapping (YAML): ``mapping``, else ``$HUKOUMOB_LHSCCC_MAPPING``, else the shipped one."""
    import yaml

    file = Path(mapping) if mapping else paths.lhsccc_mapping()
    if not file.exists():
        raise RecordsError(f"{file}: the variable mapping is missing")
    try:
        data = yaml.safe_load(file.read_text())
    except yaml.YAMLError as err:
        raise RecordsError(f"{file}: not valid YAML ({err})") from None
    if not isinstance(data, dict) or "variables" not in data:
        raise RecordsError(f"{file}: expected a 'variables' section")
    return data


def _column(raw: pd.DataFrame, spec: dict, name: str, problems: list[str]) -> pd.Series | None:
    src = spec.get("source")
    if src is None:
        return None
    if src not in raw.columns:
        problems.append(f"{name}: the mapping names variable {src!r}, which is not in the file")
        return None
    col = raw[src]
    missing = spec.get("missing")
    if missing:
        col = col.where(~col.isin(missing))
    recode = spec.get("recode")
    if recode:
        col = col.map(lambda v: recode.get(v, recode.get(str(v), v)) if pd.notna(v) else v)
    if spec.get("transform") == "egp10":
        unknown = ~col.isna() & ~col.astype(str).isin(list(EGP10_TO_6))
        if unknown.any():
            problems.append(f"{name}: {int(unknown.sum())} rows have codes that are not EGP-10 classes (variable {src!r})")
        col = col.astype(str).map(EGP10_TO_6).where(~col.isna())
    return col


def apply_mapping(raw: pd.DataFrame, mapping: dict) -> pd.DataFrame:
    """Rename and transform the real file's variables into ours (all problems reported together).

    Steps: footnote-5 weights on the whole file (if ``weight`` is computed),
    restriction to men, birth year from age if needed, the hukou-at-14
    imputation for men born in or before 1941, hukou change.
    """
    from hukoumob.inputs.weights import footnote5_weights

    spec = mapping["variables"]
    problems: list[str] = []
    cols = {name: _column(raw, s or {}, name, problems) for name, s in spec.items() if isinstance(s, dict)}
    if problems:
        raise RecordsError("the real file does not match the mapping:\n  - " + "\n  - ".join(problems))
    df = pd.DataFrame({k: v for k, v in cols.items() if v is not None})
    wspec = spec.get("weight") or {}
    if wspec.get("compute") == "footnote5":
        need = [c for c in ("adults", "sample") if c not in df.columns]
        if need:
            raise RecordsError(f"weight: footnote 5 needs {need} in the mapping")
        try:
            df["weight"] = footnote5_weights(df[["adults", "sample"]])["weight"]
        except ValueError as err:
            raise RecordsError(f"weight: {err}") from None
    male = (spec.get("sex") or {}).get("male")
    if "sex" in df.columns and male is not None:
        df = df[df["sex"] == male].copy()
        if df.empty:
            raise RecordsError(f"sex: no row has the male code {male!r}; check the mapping")
    if "birth_year" not in df.columns and "age" in df.columns:
        df["birth_year"] = SURVEY_YEAR - df["age"]
    if "residence_rural" not in df.columns and "sample" in df.columns:
        df["residence_rural"] = (df["sample"] == "rural").astype(int)
    if "residence14_rural" in df.columns and "birth_year" in df.columns:
        early = df["birth_year"] <= 1941
        base = df["hukou14_rural"] if "hukou14_rural" in df.columns else pd.Series(np.nan, index=df.index)
        df["hukou14_rural"] = base.where(~early, df["residence14_rural"])
    if "hukou_change" not in df.columns and {"hukou_now_rural", "hukou14_rural"} <= set(df.columns):
        df["hukou_change"] = ((df["hukou14_rural"] == 1) & (df["hukou_now_rural"] == 0)).astype(int)
    return df.reset_index(drop=True)


def validate_men(men: pd.DataFrame) -> None:
    """Check presence, types, ranges and the sample restriction; raise one RecordsError listing all problems."""
    problems = []
    n = len(men)
    if n == 0:
        raise RecordsError("the records are empty")
    for name, (kind, lo, hi) in {**REQUIRED, **{k: v for k, v in HISTORY.items() if k in men.columns}}.items():
        if name not in men.columns:
            problems.append(f"{name}: missing")
            continue
        col = men[name]
        optional = name in HISTORY
        if kind == "class":
            bad = ~col.isin(CLASSES)
            if bad.any():
                problems.append(f"{name}: {int(bad.sum())} of {n} rows are not one of {list(CLASSES)}")
            continue
        if kind == "id":
            if col.isna().any():
                problems.append(f"{name}: {int(col.isna().sum())} of {n} rows are missing")
            continue
        num = pd.to_numeric(col, errors="coerce")
        not_num = num.isna() & col.notna()
        if not_num.any():
            problems.append(f"{name}: {int(not_num.sum())} of {n} rows are not numbers")
        if not optional and num.isna().any():
            problems.append(f"{name}: {int(num.isna().sum())} of {n} rows are missing")
        ok = num.dropna()
        if kind == "dummy":
            bad = ~ok.isin([0, 1])
            if bad.any():
                problems.append(f"{name}: {int(bad.sum())} of {n} rows are not 0/1")
            continue
        if kind == "int" and (ok != np.floor(ok)).any():
            problems.append(f"{name}: {int((ok != np.floor(ok)).sum())} of {n} rows are not whole numbers")
        out = (ok < lo) | (ok > hi)
        if name == "weight":
            out = ok <= 0
        if out.any():
            rng = "> 0" if name == "weight" else f"[{lo}, {hi}]"
            what = "outside the sample's ages 20-69 (men 20-69 in 1996)" if name == "birth_year" else f"outside {rng}"
            problems.append(f"{name}: {int(out.sum())} of {n} rows are {what}")
    if {"hukou_change", "hukou14_rural"} <= set(men.columns):
        bad = (pd.to_numeric(men["hukou_change"], errors="coerce") == 1) & (pd.to_numeric(men["hukou14_rural"], errors="coerce") == 0)
        if bad.any():
            problems.append(f"hukou_change: {int(bad.sum())} of {n} rows changed hukou without a rural hukou at 14")
    if "sex" in men.columns and men["sex"].nunique() > 1:
        problems.append(f"sex: the records hold more than one sex ({men['sex'].nunique()} codes); the sample is men only")
    if problems:
        raise RecordsError(f"{n} records fail validation ({len(problems)} problems):\n  - " + "\n  - ".join(problems))
