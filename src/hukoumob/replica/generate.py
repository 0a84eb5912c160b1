"""Run the replica's stages in order: the men of the 1996 survey, from saved parameters and a seed.

``generate(params)`` is deterministic given ``params['seed']`` (or ``seed``):
every stage draws from its own stream (a NumPy ``SeedSequence`` spawned per
stage), so changing one stage's parameters leaves the other stages' random
numbers alone (the common random numbers the calibration relies on).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.records import as_class_categoricals

from . import careers, design, destinations, history, origins, schooling, sentdown, status

#: Stages in order of their random streams (a new stage goes last, so the earlier streams stay the same).
STAGES = ("design", "origins", "schooling", "careers", "destinations", "history", "status", "sent_down")

#: Columns of ``data/replica/men.csv``, in order (see data/replica/README.md).
COLUMNS = [
    "id", "stratum", "psu", "residence_rural", "adults", "hhwt", "popwt", "weight",
    "birth_year", "residence14_rural", "hukou14_rural", "hukou14_imputed",
    "father_class", "father_isei", "father_educ", "father_party_member14",
    "educ", "educ_level", "year_junior_hs", "year_senior_hs", "year_vocational", "year_college",
    "adult_education", "labor_force_entry_year", "first_isei", "hukou_change", "hukou_change_year",
    "party_member", "party_join_year", "son_class", "current_isei", "farm_entry_year",
    "sent_down", "sent_down_year", "sent_down_return_year",
]


def streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent random generator per stage, all derived from ``seed``."""
    children = np.random.SeedSequence(seed).spawn(len(STAGES))
    return {name: np.random.default_rng(child) for name, child in zip(STAGES, children)}


def sample_and_weights(params: dict, rng: dict, scale: int = 1) -> pd.DataFrame:
    """Stage 1 (:mod:`.design`): men, PSUs, groups, father's class, adults and footnote-5 weights."""
    d = params["design"]
    r = rng["design"]
    men = design.draw_men(d, r, scale)
    men["group"] = design.assign_groups(men, d, r, scale)
    men["father_class"] = design.assign_father_class(men, d, r, scale)
    men["adults"] = design.assign_adults(men, d, r, scale)
    men = pd.concat([men, design.footnote5(men, d)], axis=1)
    return men


def generate(params: dict, seed: int | None = None, scale: int = 1, exact: bool = True,
             hazard: bool = True, upto: str | None = None, classes: pd.Series | None = None) -> pd.DataFrame:
    """The replica's men (one row each), as a DataFrame with :data:`COLUMNS` plus ``group`` and ``sample``.

    The class columns are Categoricals, as :func:`hukoumob.inputs.records.load_records` gives them
    (:func:`~hukoumob.inputs.records.as_class_categoricals`: the calibration fits Table 5 on this
    frame); ``men.csv`` holds their labels.

    Parameters
    ----------
    params : the parameter dict (``data/replica/params.json``).
    seed : overrides ``params['seed']``.
    scale : multiply the sample (strata, households, men, cell counts) by this integer.
    exact : hold the weighted class counts to Tables 3-4 (default); ``False``
        draws classes from the model alone (to check parameter recovery).
    hazard : draw Table 6's first moves into agriculture forward from its hazard (stage 5,
        :mod:`.history`); only movers can be farming in 1996.
    upto : stop after this stage (calibration helpers).
    classes : reuse these son's classes instead of drawing them (calibration helpers).
    """
    rng = streams(params["seed"] if seed is None else seed)
    men = sample_and_weights(params, rng, scale)
    men = origins.draw_origins(men, params, rng["origins"])
    men = schooling.draw_schooling(men, params, rng["schooling"])
    men = careers.draw_careers(men, params, rng["careers"])
    if upto == "careers":
        return as_class_categoricals(men)
    theta = params["history"]["theta"]
    moves = history.draw_moves(men, theta, rng["history"]) if hazard else None
    if classes is None:
        men, moves = destinations.draw_destinations(men, params, rng["destinations"], moves=moves, exact=exact)
    else:
        men["son_class"] = classes.to_numpy()
        if moves is not None:  # keep the farmers movers (calibration helper)
            farm = men.loc[moves.index, "son_class"].to_numpy() == "farm"
            moves = history.force_moves(moves, moves.index[farm & moves["year"].isna().to_numpy()])
    men = history.draw_history(men, moves)
    if upto == "history":
        return as_class_categoricals(men)
    men = status.draw_current_isei(men, params, rng["status"])
    men = sentdown.draw_sent_down(men, params, params["sent_down"]["counts"], rng["sent_down"])
    men["id"] = np.arange(1, len(men) + 1)
    return as_class_categoricals(men[[*COLUMNS, "group", "sample"]])


def to_file_frame(men: pd.DataFrame) -> pd.DataFrame:
    """The columns written to ``men.csv`` (drops the helper columns group and sample), rounded for storage."""
    out = men[COLUMNS].copy()
    for col in ("hhwt", "popwt", "weight"):
        out[col] = out[col].round(6 if col != "popwt" else 2)
    for col in [c for c in COLUMNS if c.startswith("year_") or c.endswith("_year") and c != "birth_year"]:
        out[col] = out[col].astype("Int64")
    return out
