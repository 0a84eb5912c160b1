"""Table 5 from individual records: all five models, with model-based and design-based SEs.

Models 1, 2 and 3a of Wu and Treiman's Table 5 have no individual covariates
and can be fitted to the weighted tables alone (chapter on Table 5 from the
published tables); Models 3b and 3c cannot. Model 3b lets the origin-destination
association of the rural-origin men vary with hukou change; Model 3c (the
paper's equation 4) adds years of schooling, hukou change and their product
as covariates acting through the class scores (Panel D, the ``b_k``) and lets
the association vary with both hukou change and schooling (Panel C, the
``mu_t``)::

    log P(Y=q | x, v) / P(Y=r | x, v)
        = (a_q - a_r) + (phi_q - phi_r) [ sum_k b_k x_k + (mu_0 + sum_t mu_t x_t) phi_v ]
          + delta (1[q=v] - 1[r=v])

This module fits all five models to the men's records
(:func:`table5_from_records`), so that the record route and the table route
can be compared for Models 1-3a. Every fit carries the whole file's design
with its model's men as a domain, so its standard errors of every kind
(model-based with the scores fixed, as the paper; model-based with the
scores estimated; design-based) come from one place,
:meth:`hukoumob.mobility.MobilityResults.cov_params` with its ``se`` option.

Design-based SEs: why linearisation
-----------------------------------
The pseudo-maximum-likelihood estimate solves ``sum_i w_i u_i(theta) = 0``
with ``u_i`` man ``i``'s score. Its linearised covariance (Binder 1983; what
Stata's ``svy`` reports) is ``A^{-1} M A^{-1}``, with ``A`` the (weighted)
information and ``M`` the between-PSU-within-stratum covariance of the PSU
totals of ``w_i u_i``. The engine provides both pieces analytically
(:meth:`MobilityResults.score_contributions`, :meth:`~MobilityResults.information`),
so the design covariance costs one pass over the records. A PSU jackknife
would refit the model once per PSU (about 200 refits, each a multi-start
Newton run on a likelihood with a second local maximum), and every replicate
would have to be aligned to the same sign and normalisation of the scores
before it could be compared; the linearised estimator needs none of that and
is what the paper's software computed.

The men outside a model's sample (e.g. urban-origin men for Models 3a-3c) are
kept in the design with zero weight (a domain, Stata's ``subpop()``, R's
``subset()``), so the strata keep all their PSUs; the scores are held fixed,
as in the paper's model-based SEs, so the two kinds differ only in the meat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hukoumob.inputs.schema import CLASSES, SCHEMAS
from hukoumob.mobility import MobilityResults, fit_records, fit_table
from hukoumob.mobility.results import SE_KINDS
from hukoumob.survey import DEFAULT_LONELY_PSU, SurveyDesign, linearized_vcov

#: Covariates through the scores (Panel D) and on the association (Panel C), per model.
MODEL_SPECS: dict[str, dict] = {
    "model1": {"sample": "all", "x": [], "t": []},
    "model2": {"sample": "urban_origin", "x": [], "t": []},
    "model3a": {"sample": "rural_origin", "x": [], "t": []},
    "model3b": {"sample": "rural_origin", "x": [], "t": ["hukou_change"]},
    "model3c": {
        "sample": "rural_origin",
        "x": ["educ", "hukou_change", "educ_x_hukou_change"],
        "t": ["hukou_change", "educ"],
    },
}
MODELS: tuple[str, ...] = tuple(MODEL_SPECS)
_KEYS = ["model", "panel", "term", "statistic"]


def sample_mask(men: pd.DataFrame, model: str) -> pd.Series:
    """The men of one Table 5 model: all men (Model 1), urban hukou at 14 (Model 2),
    rural hukou at 14 (Models 3a-3c)."""
    which = MODEL_SPECS[model]["sample"]
    if which == "all":
        return pd.Series(True, index=men.index)
    rural = men["hukou14_rural"] == 1
    return rural if which == "rural_origin" else ~rural


def model_frame(men: pd.DataFrame, model: str) -> pd.DataFrame:
    """The records of one Table 5 model (paper, eq. 4), with ``educ_x_hukou_change`` (Model 3c's product term) added."""
    out = men.loc[sample_mask(men, model)].copy()
    out["educ_x_hukou_change"] = out["educ"] * out["hukou_change"]
    return out


def survey_design(men: pd.DataFrame, lonely_psu: str = DEFAULT_LONELY_PSU) -> SurveyDesign:
    """The sample design of the men's file (strata, PSUs = villages / neighbourhoods, weights),
    used for Table 5's design-based SEs (single-PSU strata: ``lonely_psu``)."""
    return SurveyDesign.from_frame(men, strata="stratum", psu="psu", weights="weight", lonely_psu=lonely_psu)


def fit_model(men: pd.DataFrame, model: str, *, lonely_psu: str = DEFAULT_LONELY_PSU, **fit_options) -> MobilityResults:
    """Fit one Table 5 model (``model1`` ... ``model3c``) to the men's records, weighted.

    Equation 4 of the paper with the covariates of :data:`MODEL_SPECS`;
    ``fit_options`` go to :func:`hukoumob.mobility.fit_records` (e.g.
    ``n_starts``, ``seed``). The result carries the design of the whole
    ``men`` file with the model's men as the domain
    (:meth:`~hukoumob.mobility.MobilityResults.with_design`), so
    ``fit.standard_errors(se="design")`` is the design-based SE.
    """
    spec = MODEL_SPECS[model]
    mask = sample_mask(men, model).to_numpy()
    x, t = _covariate_blocks(men, mask, spec["x"], spec["t"])
    fit = fit_records(
        _model_men(men["father_class"], mask), _model_men(men["son_class"], mask),
        x=x, t=t, x_names=spec["x"] or None, t_names=spec["t"] or None,
        weights=men["weight"].to_numpy()[mask], categories=CLASSES, **fit_options,
    )
    return fit.with_design(survey_design(men, lonely_psu), mask, linearized_vcov)


def _model_men(column: pd.Series, mask: np.ndarray):
    """One column for the model's men: a Categorical stays one (its codes are
    selected, no label is touched per man); other columns as plain arrays."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array[mask]
    return column.to_numpy()[mask]


def _covariate_blocks(men: pd.DataFrame, mask: np.ndarray, x_names: list[str], t_names: list[str]):
    """The model's men x covariates ``x_names`` and ``t_names`` as float arrays (or None).

    Each column is written once: ``educ_x_hukou_change`` (Model 3c's product
    term) from the schooling and hukou-change columns, and ``t`` as a view of
    ``x``'s columns where they are among them at evenly spaced positions
    (Model 3c: hukou change and schooling, ``x``'s second and first), so the
    fit sees the same memory and codes it once.
    """
    x = _covariate_block(men, mask, x_names)
    if not t_names:
        return x, None
    at = [x_names.index(name) for name in t_names] if set(t_names) <= set(x_names) else []
    step = at[1] - at[0] if len(at) > 1 else 1
    if at and step != 0 and all(b - a == step for a, b in zip(at, at[1:])):
        stop = at[-1] + step
        return x, x[:, at[0]:(stop if stop >= 0 else None):step]
    return x, _covariate_block(men, mask, t_names)


def _covariate_block(men: pd.DataFrame, mask: np.ndarray, names: list[str]) -> np.ndarray | None:
    """One column per name for the model's men (``educ_x_hukou_change``: the
    product of the schooling and hukou-change columns).

    Whole numbers (schooling, 0/1 indicators) make the narrowest integer block
    that holds them: on a large file the cost is memory, and the fit codes
    integers into patterns without a float copy. Otherwise the block holds floats."""
    if not names:
        return None
    factors = ("educ", "hukou_change") if "educ_x_hukou_change" in names else ()
    sources = {n: men[n].to_numpy() for n in [*names, *factors] if n != "educ_x_hukou_change"}
    block = np.empty((int(mask.sum()), len(names)), dtype=_block_dtype(sources, factors), order="F")
    for j, name in enumerate(names):
        if name != "educ_x_hukou_change":
            block[:, j] = sources[name][mask]
    if factors:
        a, b = (block[:, names.index(f)] if f in names else sources[f][mask] for f in factors)
        np.multiply(a, b, out=block[:, names.index("educ_x_hukou_change")], casting="unsafe")
    return block


def _block_dtype(sources: dict[str, np.ndarray], factors: tuple[str, ...]) -> np.dtype:
    """The narrowest integer dtype (at least 16 bits) holding every column and the
    product of ``factors``, when all columns are integers; else float."""
    if any(col.dtype.kind not in "iu" for col in sources.values()) or not all(col.size for col in sources.values()):
        return np.dtype(float)
    bounds = {n: (int(col.min()), int(col.max())) for n, col in sources.items()}
    ends = [b for pair in bounds.values() for b in pair]
    if factors:
        (a0, a1), (b0, b1) = (bounds[f] for f in factors)
        ends += [a0 * b0, a0 * b1, a1 * b0, a1 * b1]
    lo, hi = min(ends), max(ends)
    for dtype in (np.int16, np.int32, np.int64):
        if np.iinfo(dtype).min <= lo and hi <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(float)


def fit_model_table(men: pd.DataFrame, model: str, **fit_options) -> MobilityResults:
    """Models 1, 2, 3a fitted to the weighted origin x destination table of the
    same records (the table route of Table 5): must equal :func:`fit_model`."""
    if MODEL_SPECS[model]["x"] or MODEL_SPECS[model]["t"]:
        raise ValueError(f"{model} has individual covariates; it cannot be fitted to a table")
    d = model_frame(men, model)
    table = pd.crosstab(d["father_class"], d["son_class"], values=d["weight"], aggfunc="sum")
    table = table.reindex(index=list(CLASSES), columns=list(CLASSES)).fillna(0.0)
    return fit_table(table.to_numpy(), categories=CLASSES, n_persons=len(d), **fit_options)


def route_differences(men: pd.DataFrame, fits: dict[str, MobilityResults]) -> pd.DataFrame:
    """Record route against table route for Models 1, 2, 3a: the largest difference in the
    estimates and the difference in log-likelihood (both should be at the Newton tolerance)."""
    out = []
    for m in ("model1", "model2", "model3a"):
        tab = fit_model_table(men, m)
        out.append({"model": m, "largest difference in estimates": float(np.max(np.abs(fits[m].beta - tab.beta))),
                    "difference in log-likelihood": fits[m].loglik - tab.loglik})
    return pd.DataFrame(out)


@dataclass
class Table5Records:
    """All five Table 5 models fitted to one men's file.

    ``rows``: the Table 5 long rows (results contract) with the SEs of kind
    ``se``; ``fits``: model -> :class:`MobilityResults` (design attached);
    ``se``: a tidy frame with model, parameter, est, se_model (scores fixed,
    the paper's), se_design (scores fixed, whole-file design, the model's
    men a domain) and the design effect ``deff = (se_design / se_model)**2``;
    ``design_vcov``: model -> the design-based covariance.
    """

    rows: pd.DataFrame
    fits: dict[str, MobilityResults]
    se: pd.DataFrame
    design_vcov: dict[str, pd.DataFrame]


def table5_from_records(
    men: pd.DataFrame,
    models=MODELS,
    *,
    se: str = "model",
    lonely_psu: str = DEFAULT_LONELY_PSU,
    **fit_options,
) -> Table5Records:
    """Table 5 (Models 1, 2, 3a, 3b, 3c) from the men's records, weighted (paper eq. 4, Table 5).

    ``se`` is the kind of SE written into the rows
    (:data:`hukoumob.mobility.results.SE_KINDS`): ``"model"`` (default; the
    paper's convention, which the published-table fits of Models 1-3a
    confirm) or ``"design"``. Both are always in ``.se``.
    """
    if se not in SE_KINDS:
        raise ValueError(f"se must be one of {list(SE_KINDS)}; got {se!r}")
    fits, parts, se_parts, vcovs = {}, [], [], {}
    for m in models:
        fit = fit_model(men, m, lonely_psu=lonely_psu, **fit_options)
        fits[m] = fit
        vcovs[m] = fit.cov_params(se="design")
        parts.append(fit.to_table5_rows(m, se=se, allowed=SCHEMAS["table5"].allowed))
        se_parts.append(fit.se_table(["model", "design"]).assign(model=m))
    table = pd.concat(se_parts, ignore_index=True)[["model", "parameter", "est", "se_model", "se_design"]]
    table["deff"] = (table["se_design"] / table["se_model"]) ** 2
    return Table5Records(rows=pd.concat(parts, ignore_index=True), fits=fits, se=table, design_vcov=vcovs)


# ----------------------------------------------------------------- worked numbers
def _p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0)) if np.isfinite(z) else float("nan")


def _lin(est: pd.Series, V: pd.DataFrame | None, coef: dict[str, float]) -> tuple[float, float]:
    names = list(coef)
    c = np.array([coef[n] for n in names])
    value = float(est[names].to_numpy() @ c)
    if V is None:
        return value, float("nan")
    v = float(c @ V.loc[names, names].to_numpy() @ c)
    return value, math.sqrt(max(v, 0.0))


def worked_numbers(fit3b: MobilityResults, fit3c: MobilityResults,
                   vcov3b: pd.DataFrame | None = None, vcov3c: pd.DataFrame | None = None) -> pd.DataFrame:
    """The paper's worked numbers for Table 5 Models 3b and 3c, from our estimates.

    Each row: ``name``, ``value``, ``se`` (delta method from the given
    covariances, NaN without), ``formula`` (with our numbers) and ``meaning``.
    The derivations follow the paper's text on Models 3b and 3c:

    * ``assoc_changers_3b``: association of hukou changers,
      ``mu_0 + mu_hukou_change`` (3b);
    * ``odds_I_II_vs_IVab`` and ``odds_I_II_vs_V_VI``: for a farmer's son who
      changed hukou, ``exp(phi_farm (phi_q - phi_r)(mu_0 + mu_hc)) - 1``, the
      per cent by which the association term raises the odds of class ``q``
      = I+II over ``r`` = IVab or V/VI (3b);
    * ``assoc_stayers_3c`` and ``assoc_changers_3c``: ``mu_0`` and
      ``mu_0 + mu_hc`` in 3c (at zero years of schooling);
    * ``factor_hukou_change``: ``exp(b_hc)`` (3c), the paper's "factor of
      five" (the odds factor for two classes whose scores differ by one unit);
    * ``factor_educ_stayers`` ``exp(b_educ)`` and ``factor_educ_changers``
      ``exp(b_educ + b_educ_x_hc)`` (3c), and ``p_educ_x_hukou_change``, the
      test that they differ.
    """
    p3b, p3c = fit3b.params, fit3c.params
    rows = []

    def add(name, value, se, formula, meaning):
        rows.append({"name": name, "value": value, "se": se, "formula": formula, "meaning": meaning})

    a, s = _lin(p3b, vcov3b, {"mu0": 1.0, "mu:hukou_change": 1.0})
    add("assoc_changers_3b", a, s, f"{p3b['mu0']:.3f} + ({p3b['mu:hukou_change']:.3f})",
        "association parameter of hukou changers, Model 3b")
    M = p3b["mu0"] + p3b["mu:hukou_change"]
    pf = p3b["phi:farm"]
    for r, label in (("IVab", "small owner"), ("V_VI", "foreman or skilled worker")):
        d = p3b["phi:I_II"] - p3b[f"phi:{r}"]
        val = math.exp(pf * d * M) - 1.0
        add(f"odds_I_II_vs_{r}", val, float("nan"),
            f"exp({pf:.3f} x ({p3b['phi:I_II']:.3f} - ({p3b[f'phi:{r}']:.3f})) x ({M:.3f})) - 1",
            f"how much larger a hukou-changing farmer's son's odds of I+II are than of becoming a {label}")
    a, s = _lin(p3c, vcov3c, {"mu0": 1.0})
    add("assoc_stayers_3c", a, s, f"{p3c['mu0']:.3f}", "association of rural-hukou stayers, Model 3c (0 years of schooling)")
    a, s = _lin(p3c, vcov3c, {"mu0": 1.0, "mu:hukou_change": 1.0})
    add("assoc_changers_3c", a, s, f"{p3c['mu0']:.3f} + ({p3c['mu:hukou_change']:.3f})",
        "association of hukou changers, Model 3c (0 years of schooling)")
    b_hc, b_e, b_i = p3c["b:hukou_change"], p3c["b:educ"], p3c["b:educ_x_hukou_change"]
    add("factor_hukou_change", math.exp(b_hc), float("nan"), f"exp({b_hc:.3f})",
        "odds factor of hukou change (per unit difference in class scores)")
    add("factor_educ_stayers", math.exp(b_e), float("nan"), f"exp({b_e:.3f})",
        "odds factor of one more year of schooling, rural-hukou stayers")
    add("factor_educ_changers", math.exp(b_e + b_i), float("nan"), f"exp({b_e:.3f} + {b_i:.3f})",
        "odds factor of one more year of schooling, hukou changers")
    if vcov3c is not None:
        s_i = math.sqrt(max(float(vcov3c.loc["b:educ_x_hukou_change", "b:educ_x_hukou_change"]), 0.0))
        add("p_educ_x_hukou_change", _p(b_i / s_i), float("nan"), f"2 Phi(-|{b_i:.3f} / {s_i:.3f}|)",
            "p-value of the difference between the two schooling factors (design SE)")
    span = p3c["phi:I_II"] - p3c["phi:farm"]
    add("factor_hukou_change_I_II_vs_farm", math.exp(b_hc * span), float("nan"),
        f"exp({b_hc:.3f} x ({p3c['phi:I_II']:.3f} - ({p3c['phi:farm']:.3f})))",
        "odds factor of hukou change for I+II against farming (scores differ by more than one unit)")
    return pd.DataFrame(rows)
