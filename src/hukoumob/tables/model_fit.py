"""Choosing the model: the mobility-model family on the paper's four
outflow panels (Table 3; Table 4 Panels A, B, C), re-estimated from the
published tables, and the urban/rural contrast as a layered table.

One route for every number of ``results/model_fit.csv`` and of the chapter
"Choosing the model": :func:`panel_table` rebuilds a panel's weighted counts
(``count = pct / 100 x N``, :mod:`.table3_4`), :func:`fit_panels` fits the
twelve two-way models of :func:`hukoumob.mobility.fit_model`,
:func:`fit_urban_rural` the layered models on Panels A and B, and
:func:`model_fit_rows` / :func:`lr_tests` turn them into the contract's long
rows (keys ``panel, model, statistic``).
"""

from __future__ import annotations

import math
import warnings

import pandas as pd
from scipy import stats

from hukoumob.inputs.reference import load_erikson_tables
from hukoumob.inputs.schema import CLASSES
from hukoumob.mobility import fit_model
from hukoumob.mobility.family import DIAGONALS, LAYERED_ASSOCIATIONS, LAYERED_NULLS, TWO_WAY_ASSOCIATIONS
from hukoumob.tables import table3_4

#: The four outflow panels: contract panel name -> (table, printed panel).
PANELS: dict[str, tuple[str, str]] = {
    "total": ("table3", "total"),
    "A_urban_origin": ("table4", "A_urban_origin"),
    "B_rural_origin": ("table4", "B_rural_origin"),
    "C_rural_origin_rural_now": ("table4", "C_rural_origin_rural_now"),
}
#: The two-way models, named ``association/diagonal``; the paper's is ``rc_homog/uniform``.
TWO_WAY_MODELS: tuple[str, ...] = tuple(f"{a}/{d}" for a in TWO_WAY_ASSOCIATIONS for d in DIAGONALS)
#: Layered models on Panels A and B, plus ``rc_homog_common``: shared scores,
#: one association for both layers and one immobility parameter per layer.
LAYERED_MODELS: tuple[str, ...] = (*LAYERED_ASSOCIATIONS, *LAYERED_NULLS)
PAPER_MODEL = "rc_homog/uniform"
LAYERED_PANEL = "A_B_by_hukou_origin"
EXTENSION = ("EW", "F", "S")


def panel_table(panel: str) -> pd.DataFrame:
    """Weighted father (rows, ``origin``) x son (columns) counts of one panel,
    rebuilt from the printed percentages and Ns."""
    table, printed = PANELS[panel]
    counts = table3_4.rebuild_counts(*table3_4.published_panel(table, printed))
    return counts.reindex(index=list(CLASSES), columns=list(CLASSES)).astype(float)


def _quiet_fit(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_model(*args, **kw)


def fit_two_way(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], object]:
    """``{(panel, model): FamilyResults}`` for the twelve two-way models on each table."""
    out = {}
    for name, tab in tables.items():
        for model in TWO_WAY_MODELS:
            a, d = model.split("/")
            out[(name, model)] = _quiet_fit(tab, a, d)
    return out


def fit_panels() -> dict[tuple[str, str], object]:
    """The two-way family on the four panels (re-estimated from the published tables)."""
    return fit_two_way({p: panel_table(p) for p in PANELS})


def fit_extension() -> dict[tuple[str, str], object]:
    """The same family on England, France and Sweden (Erikson, Goldthorpe and
    Portocarero's tables collapsed to the paper's six classes)."""
    tabs = load_erikson_tables()
    return fit_two_way({k: pd.DataFrame(tabs[k], index=list(CLASSES), columns=list(CLASSES)) for k in EXTENSION})


def urban_rural_table() -> pd.DataFrame:
    """Panels A (urban hukou at 14) and B (rural hukou at 14) as one long
    table with the layer column ``hukou_origin``."""
    rows = []
    for layer, panel in (("urban", "A_urban_origin"), ("rural", "B_rural_origin")):
        t = panel_table(panel).stack().rename("count").reset_index()
        t.columns = ["origin", "destination", "count"]
        t.insert(0, "hukou_origin", layer)
        rows.append(t)
    out = pd.concat(rows, ignore_index=True)
    for col, cats in (("origin", CLASSES), ("destination", CLASSES), ("hukou_origin", ("urban", "rural"))):
        out[col] = pd.Categorical(out[col], categories=list(cats))
    return out


def fit_urban_rural() -> dict[str, object]:
    """``{model: FamilyResults}`` for :data:`LAYERED_MODELS` on :func:`urban_rural_table`."""
    t = urban_rural_table()
    return {m: _quiet_fit(t, m, layer="hukou_origin") for m in LAYERED_MODELS}


def model_fit_rows(fits: dict) -> pd.DataFrame:
    """Long rows (``panel, model, statistic, value``) of deviance, df, BIC,
    AIC, dissimilarity, loglik and the number of distinct maxima; for models
    with a single association and immobility parameter also ``mu`` and ``delta``."""
    rows = []
    for (panel, model), r in fits.items():
        vals = {"deviance": r.deviance, "df": r.df_resid, "bic": r.bic, "aic": r.aic,
                "dissimilarity": r.dissimilarity, "loglik": r.loglik, "maxima": len(r.maxima_rows)}
        if isinstance(r.mu, float):
            vals["mu"] = r.mu
        if isinstance(r.delta, float):
            vals["delta"] = r.delta
        rows += [(panel, model, k, float(v)) for k, v in vals.items()]
    return pd.DataFrame(rows, columns=["panel", "model", "statistic", "value"])


def layered_rows(fits: dict) -> pd.DataFrame:
    """:func:`model_fit_rows` of the layered fits, with per-layer ``mu`` and
    ``delta`` of the score models (``mu_urban``, ``delta_rural``, ...)."""
    out = model_fit_rows({(LAYERED_PANEL, m): r for m, r in fits.items()})
    extra = []
    for m in ("rc_homog_layer", "rc_homog_common"):
        r = fits[m]
        mu = r.mu
        mus = {"urban": mu, "rural": mu} if isinstance(mu, float) else dict(mu)
        for layer, v in mus.items():
            extra.append((LAYERED_PANEL, m, f"mu_{layer}", float(v)))
        for layer, v in dict(r.delta).items():
            extra.append((LAYERED_PANEL, m, f"delta_{layer}", float(v)))
    lay = fits["unidiff"].layer_effects
    extra.append((LAYERED_PANEL, "unidiff", "layer_effect_rural", float(lay["rural"])))
    return pd.concat([out, pd.DataFrame(extra, columns=out.columns)], ignore_index=True)


#: The likelihood-ratio tests of the chapter: (name, restricted, general).
TESTS: tuple[tuple[str, str, str], ...] = (
    ("association_differs_full_interaction", "constant", "unidiff"),
    ("association_differs_shared_scores", "rc_homog_common", "rc_homog_layer"),
    ("any_association", "conditional_independence", "constant"),
)


def lr_tests(fits: dict) -> pd.DataFrame:
    """Likelihood-ratio tests between nested layered models: ``G^2`` difference,
    its df and p-value (chi-squared), as long rows with model = test name."""
    rows = []
    for name, small, big in TESTS:
        a, b = fits[small], fits[big]
        lr = a.deviance - b.deviance
        df = a.df_resid - b.df_resid
        p = float(stats.chi2.sf(lr, df)) if df > 0 else math.nan
        rows += [(LAYERED_PANEL, f"lr:{name}", "lr_chi2", lr), (LAYERED_PANEL, f"lr:{name}", "df", float(df)),
                 (LAYERED_PANEL, f"lr:{name}", "p", p)]
    return pd.DataFrame(rows, columns=["panel", "model", "statistic", "value"])


def two_way_lr(fits: dict, panel: str, small: str, big: str) -> dict[str, float]:
    """LR test between two nested two-way models on one panel."""
    a, b = fits[(panel, small)], fits[(panel, big)]
    lr, df = a.deviance - b.deviance, a.df_resid - b.df_resid
    return {"lr_chi2": lr, "df": float(df), "p": float(stats.chi2.sf(lr, df)) if df > 0 else math.nan}


def fit_table_frame(fits: dict, panel: str) -> pd.DataFrame:
    """One panel's fit table: G^2, df, BIC, AIC, dissimilarity per model (rows)."""
    rows = model_fit_rows({k: v for k, v in fits.items() if k[0] == panel})
    wide = rows.pivot(index="model", columns="statistic", values="value")
    order = [m for m in (*TWO_WAY_MODELS, *LAYERED_MODELS) if m in wide.index]
    return wide.reindex(order)[["deviance", "df", "bic", "aic", "dissimilarity"]]


def all_rows() -> pd.DataFrame:
    """Every row of ``results/model_fit.csv`` (re-estimated from the published tables)."""
    two = fit_panels()
    lay = fit_urban_rural()
    ext = fit_extension()
    return pd.concat([model_fit_rows(two), layered_rows(lay), lr_tests(lay), model_fit_rows(ext)],
                     ignore_index=True)


__all__ = [
    "EXTENSION", "LAYERED_MODELS", "LAYERED_PANEL", "PANELS", "PAPER_MODEL", "TESTS", "TWO_WAY_MODELS",
    "all_rows", "fit_extension", "fit_panels", "fit_table_frame", "fit_two_way", "fit_urban_rural",
    "layered_rows", "lr_tests", "model_fit_rows", "panel_table", "two_way_lr", "urban_rural_table",
]
