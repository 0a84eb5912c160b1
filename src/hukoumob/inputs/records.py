"""One loader for the men's records, whichever the data source: ``load_records(data_source)``.

* ``"replica"`` (the default): ``data/replica/men.csv``, the synthetic replica.
* a path to the real survey file (Stata ``.dta`` or CSV): the file's
  variables are renamed and transformed as ``data/lhsccc_variables.yml``
  says (EGP-10 collapse, footnote-5 weights, the hukou-at-14 imputation),
  the sample is restricted to men, and the result is validated. The
  environment variable ``HUKOUMOB_LHSCCC_MAPPING`` names another mapping
  file instead (e.g. a filled-in copy kept beside the licensed file).

Checks of the file (:func:`check_raw`, before the mapping is applied): it
has data rows; no row repeats another and no person id (optional ``id`` in
the mapping) repeats; ``sex`` is mapped with the code of men; every recoded
variable holds only the codes its ``recode`` names (after its ``missing``
codes). Rule for the village leaders: the survey's 383 village leaders
(``sample`` code 3 in the archive's file, or the codes listed under
``leaders:`` in the mapping's ``sample`` entry) are a separate sample, not
part of the sample of adults; their rows are dropped before anything else,
footnote-5 weights included. The file's ``encoding`` (default ``utf-8``) and
``separator`` (default ``,``) of a CSV are settings of the mapping file.

Validation (:func:`validate_men`, after the mapping) checks presence, types,
code ranges and the sample restriction (men 20-69 in 1996), and that some
men changed hukou. Every problem is reported at once in one
:class:`RecordsError` naming the variable, the rule and a count of rows,
never their contents (real microdata must not leak into messages, logs or
the book). Nothing is written anywhere.

After validation the two class columns become pandas Categoricals with the
categories :data:`~hukoumob.inputs.schema.CLASSES` in the paper's order
(:func:`as_class_categoricals`), for either source. Everything downstream also
accepts plain string columns (frames built by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hukoumob.inputs import paths
from hukoumob.inputs.classes import EGP10_TO_6
from hukoumob.inputs.schema import CLASSES, SURVEY_YEAR
from hukoumob.inputs.sources import DataSource, resolve_source

MAPPING_FILE = paths.DATA / "lhsccc_variables.yml"  # the shipped mapping (placeholders); see paths.lhsccc_mapping
AGE_RANGE = (20, 69)
#: ``sample`` codes of the village leaders in the archive's file (dropped; see the module docstring).
LEADER_CODES = (3,)
#: Top-level settings of the mapping file for reading a CSV.
READ_SETTINGS = {"encoding": "utf-8", "separator": ","}

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
    # send-down histories (paper, "Mobility tables"); the policy ran 1962-1978
    "sent_down": ("dummy", 0, 1), "sent_down_year": ("int", 1962, 1978),
    "sent_down_return_year": ("int", 1962, SURVEY_YEAR),
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
        spec = load_mapping(mapping)
        raw = read_file(source, spec)
        check_raw(raw, spec)
        men = apply_mapping(drop_leaders(raw, spec), spec)
    validate_men(men)
    return Records(men=as_class_categoricals(men), source="replica" if source.kind == "replica" else "lhsccc", label=source.label)


#: The men's class columns (father's class at 14, son's class in 1996), coded in :data:`CLASSES`.
CLASS_COLUMNS = ("father_class", "son_class")
#: Their dtype: unordered, categories in the paper's table order (see :func:`as_class_categoricals`).
CLASS_DTYPE = pd.CategoricalDtype(categories=list(CLASSES), ordered=False)


def _is_class_dtype(dtype) -> bool:
    """Exactly :data:`CLASS_DTYPE` (``==`` between unordered dtypes ignores the order of the categories)."""
    return (isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered
            and list(dtype.categories) == list(CLASS_DTYPE.categories))


def as_class_categoricals(men: pd.DataFrame) -> pd.DataFrame:
    """``men`` with ``father_class`` and ``son_class`` (those present) as pandas Categoricals of
    :data:`CLASS_DTYPE` (categories exactly :data:`CLASSES`, in the order of the paper's Tables 3-5).

    Why: the mobility fits (Table 5, eq. 4) take each man's classes as integer codes; a
    Categorical carries them (``.cat.codes``) in the order of :data:`CLASSES`, so a fit
    of 2,844 or 284,400 men codes them from the categories instead of hashing
    (``pandas.factorize``) a string per man, and masking the column copies integers,
    not Python objects. Unordered: the six classes are categories whose order is the
    tables' layout, not a ranking (the model estimates their scores), so ``<``/``max``
    stay undefined and a comparison with any label (``== "farm"``) or ``isin`` works as
    on strings. Sorting follows :data:`CLASSES`; group by a class column with
    ``observed=True`` (else the six categories all appear). A label outside :data:`CLASSES` raises ``ValueError`` (counts only) instead of
    becoming a missing value. Returns a new frame; ``men`` is not modified.
    """
    out = men.copy(deep=False)
    for name in CLASS_COLUMNS:
        if name not in out.columns or _is_class_dtype(out[name].dtype):
            continue
        col = out[name]
        if isinstance(col.dtype, pd.CategoricalDtype):  # recoded by label (astype keeps another category order)
            cat = col.cat.set_categories(list(CLASS_DTYPE.categories), ordered=False)
        else:
            cat = col.astype(CLASS_DTYPE)
        lost = cat.isna() & col.notna()
        if lost.any():
            raise ValueError(f"{name}: {int(lost.sum())} of {len(col)} rows are not one of {list(CLASSES)}")
        out[name] = cat
    return out


def read_file(source: DataSource, mapping: dict | None = None) -> pd.DataFrame:
    """Read the real file (``.dta`` with value labels off, or ``.csv`` with the mapping's ``encoding`` and
    ``separator``); unreadable files raise RecordsError naming the setting to change."""
    settings = {k: (mapping or {}).get(k) or v for k, v in READ_SETTINGS.items()}
    name = source.path.name
    try:
        if source.path.suffix.lower() == ".dta":
            raw = pd.read_stata(source.path, convert_categoricals=False)
        else:
            raw = pd.read_csv(source.path, encoding=settings["encoding"], sep=settings["separator"])
    except UnicodeDecodeError as err:
        raise RecordsError(
            f"{name}: the file is not in the encoding {settings['encoding']!r} (byte {err.start} cannot be "
            f"decoded); set `encoding:` in the mapping file (e.g. `encoding: latin-1`)"
        ) from None
    except LookupError:
        raise RecordsError(f"{name}: unknown encoding {settings['encoding']!r}; fix `encoding:` in the mapping file") from None
    except pd.errors.EmptyDataError:
        raise RecordsError(f"{name}: the file is empty (no header, no data rows)") from None
    except Exception as err:  # noqa: BLE001 - any reader failure is "unreadable"
        raise RecordsError(f"{name}: the file cannot be read as {source.path.suffix} ({type(err).__name__})") from None
    if raw.shape[1] == 1 and source.path.suffix.lower() != ".dta":
        others = [c for c in (";", "\t", "|", ",") if c != settings["separator"] and c in str(raw.columns[0])]
        hint = f"; its header holds {others[0]!r}: set `separator: {others[0]!r}` in the mapping file" if others else ""
        raise RecordsError(f"{name}: read with the separator {settings['separator']!r}, the file has one column{hint}")
    if raw.empty:
        raise RecordsError(f"{name}: the file has a header but no data rows")
    return raw


def _leader_codes(mapping: dict) -> list:
    spec = mapping["variables"].get("sample") or {}
    codes = spec.get("leaders", list(LEADER_CODES))
    return list(codes) if isinstance(codes, (list, tuple)) else [codes]


def drop_leaders(raw: pd.DataFrame, mapping: dict) -> pd.DataFrame:
    """The file without the village leaders (``sample`` codes of :data:`LEADER_CODES` or the mapping's
    ``leaders:``): a separate sample of the survey, not part of the sample of adults (module docstring)."""
    spec = mapping["variables"].get("sample") or {}
    src = spec.get("source")
    if src is None or src not in raw.columns:
        return raw
    codes = _leader_codes(mapping)
    leaders = raw[src].isin(codes) | raw[src].astype(str).isin([str(c) for c in codes])
    return raw[~leaders].reset_index(drop=True)


def check_raw(raw: pd.DataFrame, mapping: dict) -> None:
    """Checks of the file itself, before the mapping is applied (module docstring); one RecordsError for all."""
    spec = mapping["variables"]
    n = len(raw)
    problems: list[str] = []
    sex = spec.get("sex") if isinstance(spec.get("sex"), dict) else None
    if not sex or sex.get("source") is None or sex.get("male") is None:
        problems.append("sex: required in the mapping, with the file's variable (`source:`) and the code of men "
                        "(`male:`); without it women would be counted as men")
    elif sex["source"] in raw.columns:
        no_sex = raw[sex["source"]].isna()
        if no_sex.any():
            problems.append(f"sex: {int(no_sex.sum())} of {n} rows have no sex code")
    dup = raw.duplicated()
    if dup.any():
        problems.append(f"rows: {int(dup.sum())} of {n} rows repeat an earlier row of the file (duplicate records)")
    ids = spec.get("id") if isinstance(spec.get("id"), dict) else None
    if ids and ids.get("source") in raw.columns:
        col = raw[ids["source"]]
        if col.isna().any():
            problems.append(f"id: {int(col.isna().sum())} of {n} rows have no person id")
        again = col.duplicated() & col.notna()
        if again.any():
            problems.append(f"id: {int(again.sum())} of {n} rows repeat the person id of an earlier row")
    leaders = set(map(str, _leader_codes(mapping)))
    for name, s in spec.items():
        if not isinstance(s, dict) or not s.get("recode") or s.get("source") not in raw.columns:
            continue
        col = raw[s["source"]]
        col = col.where(~col.isin(s.get("missing") or []))
        known = {str(k) for k in s["recode"]} | (leaders if name == "sample" else set())
        codes = {v: str(int(v)) if isinstance(v, float) and v == int(v) else str(v) for v in col.dropna().unique()}
        text = col.map(codes)  # a dict per distinct code: vectorised (the file may have 10**5 rows and more)
        unknown = col.notna() & ~text.isin(known)
        if unknown.any():
            codes = sorted(s["recode"], key=str)
            problems.append(f"{name}: {int(unknown.sum())} of {n} rows have codes that the mapping's recode "
                            f"({codes}) does not name (variable {s['source']!r}); add them to `recode:` or `missing:`")
    if problems:
        raise RecordsError(f"the real file fails its checks ({len(problems)} problems):\n  - " + "\n  - ".join(problems))


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
        col = col.map({v: recode.get(v, recode.get(str(v), v)) for v in col.dropna().unique()})  # NaN stays NaN
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
    if "sex" not in df.columns or male is None:
        raise RecordsError("sex: required in the mapping, with the file's variable (`source:`) and the code of men (`male:`)")
    df = df[(df["sex"] == male) | (df["sex"].astype(str) == str(male))].copy()
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


def _sent_down_problems(men: pd.DataFrame) -> list[str]:
    """Send-down years only for men sent down, and a return after the year sent down (counts only)."""
    if "sent_down" not in men.columns:
        return []
    n = len(men)
    sent = pd.to_numeric(men["sent_down"], errors="coerce") == 1
    out = []
    for col in ("sent_down_year", "sent_down_return_year"):
        if col in men.columns:
            bad = ~sent & pd.to_numeric(men[col], errors="coerce").notna()
            if bad.any():
                out.append(f"{col}: {int(bad.sum())} of {n} rows have a year but sent_down is not 1")
    if {"sent_down_year", "sent_down_return_year"} <= set(men.columns):
        back = pd.to_numeric(men["sent_down_return_year"], errors="coerce")
        bad = back <= pd.to_numeric(men["sent_down_year"], errors="coerce")
        if bad.any():
            out.append(f"sent_down_return_year: {int(bad.sum())} of {n} rows return in or before the year sent down")
    return out


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
    for name in ("hukou_now_rural", "residence14_rural"):  # inputs of hukou14_rural and hukou_change
        if name in men.columns:
            codes = pd.to_numeric(men[name], errors="coerce")
            bad = men[name].notna() & ~codes.isin([0, 1])
            if bad.any():
                problems.append(f"{name}: {int(bad.sum())} of {n} rows are not 0/1 (rural = 1); "
                                "give the variable a `recode:` in the mapping")
    if "hukou_change" in men.columns and not (pd.to_numeric(men["hukou_change"], errors="coerce") == 1).any():
        problems.append(f"hukou_change: none of the {n} men changed hukou (rural at 14, urban now); check the codes "
                        "of hukou14_rural and hukou_now_rural (rural = 1) in the mapping")
    if {"hukou_change", "hukou14_rural"} <= set(men.columns):
        bad = (pd.to_numeric(men["hukou_change"], errors="coerce") == 1) & (pd.to_numeric(men["hukou14_rural"], errors="coerce") == 0)
        if bad.any():
            problems.append(f"hukou_change: {int(bad.sum())} of {n} rows changed hukou without a rural hukou at 14")
    problems += _sent_down_problems(men)
    if "sex" in men.columns and men["sex"].nunique() > 1:
        problems.append(f"sex: the records hold more than one sex ({men['sex'].nunique()} codes); the sample is men only")
    if problems:
        raise RecordsError(f"{n} records fail validation ({len(problems)} problems):\n  - " + "\n  - ".join(problems))
