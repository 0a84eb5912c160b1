"""Table 6: person-years at risk of a first move into agriculture, and the discrete-time logit.

Population (paper, "Explaining downward mobility into agriculture"): men of
rural hukou origin whose father (at 14) was not in farming. The clock starts
at entry into the labour force; each year from entry to the first move into
agriculture (the event) or 1996 (right-censoring) is one record. Covariates,
as in Table 6:

* father's class (dummies, reference I+II), schooling, party membership at 14;
* own educational level reached by the year at risk (dummies, reference
  primary): junior high, senior high, vocational, college+ (time-varying);
* own party membership before the year at risk (joined in an earlier year);
* hukou change since 14 (constant);
* labour-market experience = year at risk - year of entry;
* educational level x hukou change (junior, senior, vocational; the college
  interaction is not identified in the paper's data).

The four models of Table 6 are nested; :data:`MODEL_TERMS` lists them.

Two layers. The core (:func:`at_risk`, :func:`person_years`,
:func:`design_matrix`) is also what the replica's generator uses, so its
dating rules are those of the replica. The checked layer, the one route to
Table 6's numbers (chapter 07, the replica scorecard, the tests): :func:`check_histories` / :func:`build_person_years`
(bad-input rules with counts, censoring at exit), :func:`fit_models` (the
four logits with design SEs, the population a domain of the whole sample,
separation reported instead of fitted), :func:`table6_rows` (with the
footnote letters of :func:`sig_letter`), :func:`predicted_hazard` and
:func:`cumulative_entry` (the chapter's figures, drawn by
:mod:`hukoumob.figures.table6`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from hukoumob.inputs.labels import readable
from hukoumob.inputs.schema import SURVEY_YEAR
from hukoumob.survey import DEFAULT_LONELY_PSU, SeparationError, SurveyDesign, SurveyResult, svy_logit

FATHER_TERMS = ["father_III", "father_IVab", "father_V_VI", "father_VIIa", "father_educ", "father_party_member"]
EDUC_TERMS = ["educ_junior_hs", "educ_senior_hs", "educ_vocational", "educ_college"]
INTERACTIONS = ["junior_hs_x_hukou_change", "senior_hs_x_hukou_change", "vocational_x_hukou_change"]
#: Covariates of Table 6's Models 1-4 (the constant is added by the estimator).
MODEL_TERMS = {
    "model1": FATHER_TERMS,
    "model2": [*FATHER_TERMS, *EDUC_TERMS, "party_member", "labor_market_experience"],
    "model3": [*FATHER_TERMS, *EDUC_TERMS, "party_member", "hukou_change", "labor_market_experience"],
    "model4": [*FATHER_TERMS, *EDUC_TERMS, "party_member", "hukou_change", *INTERACTIONS, "labor_market_experience"],
}


def at_risk(men: pd.DataFrame) -> pd.Series:
    """Table 6's population: rural hukou at 14 and father not in farming."""
    return (men["hukou14_rural"] == 1) & (men["father_class"] != "farm")


def person_years(men: pd.DataFrame, end: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """One row per man and year at risk, with Table 6's covariates and ``event``.

    ``men`` needs: labor_force_entry_year, farm_entry_year (NaN: never),
    father_class, father_educ, father_party_member14, year_junior_hs,
    year_senior_hs, year_vocational, year_college, party_join_year,
    hukou_change, weight, stratum, psu. Only the men of :func:`at_risk` are
    used. ``end`` overrides the last year at risk (default: the farm entry
    year, else 1996).
    """
    pop = men[at_risk(men)]
    entry = pop["labor_force_entry_year"].to_numpy(int)
    farm = pop["farm_entry_year"].to_numpy(float)
    last = np.where(np.isfinite(farm), np.minimum(farm, SURVEY_YEAR), SURVEY_YEAR) if end is None else np.asarray(end)[at_risk(men).to_numpy()]
    last = np.maximum(last, entry).astype(int)
    spells = last - entry + 1
    row = np.repeat(np.arange(len(pop)), spells)
    year = entry[row] + (np.arange(row.size) - np.repeat(np.cumsum(spells) - spells, spells))
    py = pd.DataFrame({"person": pop.index.to_numpy()[row], "year": year})
    py["event"] = (np.isfinite(farm[row]) & (year == farm[row])).astype(int)
    fc = pop["father_class"].to_numpy()[row]
    for c in ["III", "IVab", "V_VI", "VIIa"]:
        py[f"father_{c}"] = (fc == c).astype(int)
    py["father_educ"] = pop["father_educ"].to_numpy(float)[row]
    py["father_party_member"] = pop["father_party_member14"].to_numpy(int)[row]
    by = {lev: pop[f"year_{lev}"].to_numpy(float)[row] for lev in ["junior_hs", "senior_hs", "vocational", "college"]}
    college = by["college"] <= year
    voc = (by["vocational"] <= year) & ~college
    senior = (by["senior_hs"] <= year) & ~college
    junior = (by["junior_hs"] <= year) & ~college & ~voc & ~senior
    py["educ_junior_hs"], py["educ_senior_hs"] = junior.astype(int), senior.astype(int)
    py["educ_vocational"], py["educ_college"] = voc.astype(int), college.astype(int)
    py["party_member"] = (pop["party_join_year"].to_numpy(float)[row] < year).astype(int)
    hc = pop["hukou_change"].to_numpy(int)[row]
    py["hukou_change"] = hc
    py["junior_hs_x_hukou_change"] = py["educ_junior_hs"] * hc
    py["senior_hs_x_hukou_change"] = py["educ_senior_hs"] * hc
    py["vocational_x_hukou_change"] = py["educ_vocational"] * hc
    py["labor_market_experience"] = year - entry[row]
    for col in ["weight", "stratum", "psu"]:
        py[col] = pop[col].to_numpy()[row]
    return py


def design_matrix(py: pd.DataFrame, model: str = "model4") -> np.ndarray:
    """Covariates of one Table 6 model plus a constant (last column)."""
    return np.column_stack([py[MODEL_TERMS[model]].to_numpy(float), np.ones(len(py))])


# ============================================================================
# Checked construction of the person-year file, the four models with their
# footnote letters, predictions (Table 6 of Wu and Treiman 2007)
# ============================================================================
#
# Dating rules (the paper leaves them open; :func:`person_years` applies them
# and the replica's generator uses the same function, so the two agree):
#
# * the clock starts in the year of entry into the labour force, which is
#   itself a year at risk (experience 0); a first job in agriculture is an
#   event in that year;
# * an educational level counts from the calendar year in which it is reached
#   (``year_<level> <= year``): a man who completes senior high school in the
#   year at risk is at senior-high level in that year;
# * party membership counts only from the year after joining
#   (``party_join_year < year``): "political status prior to the move";
# * hukou change is the man's status in 1996, constant over his years at risk
#   (as the paper defines it; it is therefore known only at the end);
# * the last year at risk is the year of the first move into agriculture
#   (event), else 1996 or, where the file has ``labor_force_exit_year``, the
#   year of exit if earlier (right-censored; an event after exit is not seen).

#: Rules applied to the histories before expansion, in this order; a man is
#: counted under the first rule that removes him.
HISTORY_RULES: dict[str, str] = {
    "overlapping_spells": "the same man (id) has more than one history row, so his years at risk would "
                          "overlap: all his rows are removed",
    "missing_entry_year": "labour-force entry year missing: the clock cannot start; the man is removed",
    "missing_event_year": "in agriculture in 1996 but no year of the first move into agriculture: "
                          "the event cannot be placed; the man is removed",
    "missing_level_year": "highest educational level known but the year it was reached is missing: "
                          "his time-varying education cannot be dated; the man is removed",
    "missing_party_year": "party member in 1996 with no year of joining: his time-varying party "
                          "membership cannot be dated; the man is removed",
    "exit_before_entry": "year of leaving the labour force before the year of entry; the man is removed",
    "event_before_entry": "first move into agriculture dated before entry into the labour force: he was "
                          "never at risk as the paper defines it; removed (or, with "
                          "early_event='at_entry', the event is moved to the entry year and he is kept)",
}
LEVELS = ("primary", "junior_hs", "senior_hs", "vocational", "college")


def _naive_spell(df: pd.DataFrame) -> np.ndarray:
    """Years from entry to the first of event / exit / 1996, inclusive (0 if negative, NaN without entry)."""
    entry = pd.to_numeric(df["labor_force_entry_year"], errors="coerce").to_numpy(float)
    last = np.full(len(df), float(SURVEY_YEAR))
    farm = pd.to_numeric(df["farm_entry_year"], errors="coerce").to_numpy(float)
    last = np.where(np.isfinite(farm), np.minimum(last, farm), last)
    if "labor_force_exit_year" in df.columns:
        ex = pd.to_numeric(df["labor_force_exit_year"], errors="coerce").to_numpy(float)
        last = np.where(np.isfinite(ex), np.minimum(last, ex), last)
    return np.clip(last - entry + 1, 0, None)


def check_histories(men: pd.DataFrame, early_event: str = "drop") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply :data:`HISTORY_RULES` to the histories of Table 6's population.

    Returns ``(clean, report)``: ``clean`` the men of :func:`at_risk` whose
    histories can be expanded (with ``farm_entry_year`` moved to the entry
    year for early events if ``early_event="at_entry"``); ``report`` one row
    per rule with ``rule``, ``action``, ``men`` and ``person_years`` (the
    person-years those men would have contributed: entry to event / exit /
    1996; NaN where the entry year is unknown), then a ``kept`` row. Nothing
    is dropped without appearing in the report.
    """
    if early_event not in ("drop", "at_entry"):
        raise ValueError("early_event must be 'drop' or 'at_entry'")
    pop = men[at_risk(men)].copy()
    spell = pd.Series(_naive_spell(pop), index=pop.index)
    removed = pd.Series(False, index=pop.index)
    rows = []

    def rule(name, mask, action="removed"):
        mask = pd.Series(np.asarray(mask, dtype=bool), index=pop.index) & ~removed
        py = spell[mask]
        rows.append({"rule": name, "action": action, "men": int(mask.sum()),
                     "person_years": float(py.sum()) if mask.any() and py.notna().all() else (np.nan if mask.any() else 0.0),
                     "description": HISTORY_RULES[name]})
        return mask

    ident = pop["id"] if "id" in pop.columns else pd.Series(pop.index, index=pop.index)
    removed |= rule("overlapping_spells", ident.duplicated(keep=False))
    entry = pd.to_numeric(pop["labor_force_entry_year"], errors="coerce")
    farm = pd.to_numeric(pop["farm_entry_year"], errors="coerce")
    removed |= rule("missing_entry_year", entry.isna())
    removed |= rule("missing_event_year", (pop["son_class"] == "farm") & farm.isna())
    miss_level = pd.Series(False, index=pop.index)
    if "educ_level" in pop.columns:
        for lev in LEVELS[1:]:
            miss_level |= (pop["educ_level"] == lev) & pd.to_numeric(pop[f"year_{lev}"], errors="coerce").isna()
    removed |= rule("missing_level_year", miss_level)
    removed |= rule("missing_party_year", (pop["party_member"] == 1) & pd.to_numeric(pop["party_join_year"], errors="coerce").isna())
    if "labor_force_exit_year" in pop.columns:
        ex = pd.to_numeric(pop["labor_force_exit_year"], errors="coerce")
        removed |= rule("exit_before_entry", ex < entry)
    else:
        rule("exit_before_entry", np.zeros(len(pop), bool))
    early = farm < entry
    if early_event == "drop":
        removed |= rule("event_before_entry", early)
    else:
        moved = rule("event_before_entry", early, action="event moved to entry year")
        pop.loc[moved, "farm_entry_year"] = pop.loc[moved, "labor_force_entry_year"]
    clean = pop[~removed].copy()
    report = pd.DataFrame(rows)
    report.loc[len(report)] = {"rule": "kept", "action": "expanded", "men": len(clean),
                               "person_years": float(_naive_spell(clean).sum()), "description": "men whose histories are expanded"}
    return clean, report


@dataclass
class PersonYears:
    """Table 6's person-year file with its construction report.

    ``data``: one row per man and year at risk (:func:`person_years` columns);
    ``report``: :func:`check_histories`' table; ``men``: the whole men file
    (the sample design, for domain estimation); ``population``: ids (index) of
    the men expanded.
    """

    data: pd.DataFrame
    report: pd.DataFrame
    men: pd.DataFrame
    population: pd.Index


def build_person_years(men: pd.DataFrame, early_event: str = "drop") -> PersonYears:
    """Table 6's person-year file: :func:`check_histories`, then :func:`person_years`
    with censoring at 1996 or at exit (``labor_force_exit_year``, if the file has it)."""
    clean, report = check_histories(men, early_event)
    end = None
    if "labor_force_exit_year" in clean.columns:
        farm = clean["farm_entry_year"].to_numpy(float)
        last = np.where(np.isfinite(farm), np.minimum(farm, SURVEY_YEAR), SURVEY_YEAR)
        ex = pd.to_numeric(clean["labor_force_exit_year"], errors="coerce").to_numpy(float)
        end = np.where(np.isfinite(ex), np.minimum(last, ex), last)
    py = person_years(clean, end=end)
    return PersonYears(data=py, report=report, men=men, population=clean.index)


def _cells(py: pd.DataFrame, terms) -> list[tuple[str, pd.Series]]:
    """Indicator cells whose event counts decide whether a Table 6 model has finite
    estimates: each dummy, and with an education x hukou change interaction, the
    level among hukou stayers (the interaction frees the changers' cell)."""
    cells = []
    for t in terms:
        if t in py.columns and set(pd.unique(py[t])) <= {0, 1}:
            cells.append((t, py[t] == 1))
    for inter in INTERACTIONS:
        if inter in terms:
            lev = "educ_" + inter.removesuffix("_x_hukou_change")
            cells.append((f"{lev} & hukou_change == 0", (py[lev] == 1) & (py["hukou_change"] == 0)))
    return cells


def separation(py: pd.DataFrame, terms) -> pd.DataFrame:
    """Cells of a Table 6 model (:func:`_cells`) with person-years but no event, or only
    events: perfect separation, so the logit's estimate runs off to infinity."""
    rows = []
    active = py["weight"] > 0
    for label, mask in _cells(py, terms):
        on = mask & active
        n, ev = int(on.sum()), int(py.loc[on, "event"].sum())
        if n and (ev == 0 or ev == n):
            rows.append({"term": label, "person_years": n, "events": ev})
    return pd.DataFrame(rows, columns=["term", "person_years", "events"])


def _domain_frame(pyobj: PersonYears) -> tuple[pd.DataFrame, np.ndarray]:
    """Person-years plus one zero-weight row per PSU of the men outside the population (keeps
    every PSU of the design, as Stata's ``subpop()`` / R's ``subset()``). A zero-weight row adds
    nothing to a PSU's score total, so one per PSU gives the same estimates, SEs and degrees of
    freedom as one per man, with far fewer rows on a large file."""
    py = pyobj.data
    others = pyobj.men.loc[~pyobj.men.index.isin(pyobj.population), ["stratum", "psu"]].drop_duplicates()
    pad = pd.DataFrame(0, index=range(len(others)), columns=[c for c in py.columns if c not in ("stratum", "psu")])
    pad["stratum"], pad["psu"] = others["stratum"].to_numpy(), others["psu"].to_numpy()
    pad["person"] = -1
    frame = pd.concat([py, pad], ignore_index=True)
    domain = np.r_[np.ones(len(py), bool), np.zeros(len(pad), bool)]
    return frame, domain


@dataclass(frozen=True, eq=False)
class Table6Fits(Mapping):
    """The fitted Table 6 models: a mapping model -> :class:`hukoumob.survey.SurveyResult`
    holding only the models that could be estimated, and ``separated``, the report
    of those that could not.

    ``separated`` has one row per model and covariate that separates:
    ``model``, ``term``, ``person_years`` and ``events`` (of the cell; for a
    separation found only by the logit, of the whole file) and ``reason``.
    """

    fits: dict
    separated: pd.DataFrame

    def __getitem__(self, model: str) -> SurveyResult:
        return self.fits[model]

    def __iter__(self):
        return iter(self.fits)

    def __len__(self) -> int:
        return len(self.fits)

    def separated_models(self) -> list[str]:
        """Models that could not be estimated, in the order asked for."""
        return list(dict.fromkeys(self.separated["model"]))


SEPARATED_COLUMNS = ["model", "term", "person_years", "events", "reason"]


def fit_models(pyobj: PersonYears, models=tuple(MODEL_TERMS), lonely_psu: str = DEFAULT_LONELY_PSU) -> Table6Fits:
    """The four weighted logits of Table 6 with design-based SEs (Allison 1982's
    discrete-time hazard; strata and PSUs of the whole sample, the population
    as a domain).

    Returns a :class:`Table6Fits`: model -> :class:`hukoumob.survey.SurveyResult`
    (p-values from a t distribution with the design df, Stata ``svy: logit``)
    for every model with finite estimates (without the statsmodels model: estimates, covariance and
    design df are what Table 6 and its figures use); the others are in its
    ``separated`` report, from the :func:`separation` table of empty cells
    or, for a separation that table does not show, from the covariates the
    survey module's :class:`~hukoumob.survey.SeparationError` names.
    """
    frame, domain = _domain_frame(pyobj)
    design = SurveyDesign.from_frame(frame, strata="stratum", psu="psu", weights="weight", lonely_psu=lonely_psu)
    fits, separated = {}, []
    n_py, n_ev = len(pyobj.data), int(pyobj.data["event"].sum())
    for m in models:
        sep = separation(pyobj.data, MODEL_TERMS[m])
        if len(sep):
            reason = np.where(sep["events"] == 0, "no event in the cell", "only events in the cell")
            separated.append(sep.assign(model=m, reason=reason))
            continue
        try:
            # estimates, covariance and df only: the statsmodels model (its design matrix, fitted values
            # and residuals over every person-year) is dropped, ~110 MB per model on a 300,000-row file
            fits[m] = replace(svy_logit(frame, "event", MODEL_TERMS[m], design, domain=domain), model=None, index=None)
        except SeparationError as err:  # separation not caught above
            separated.append(pd.DataFrame({"model": m, "term": err.terms, "person_years": n_py, "events": n_ev,
                                           "reason": "separation found by the logit (no finite estimate)"}))
    report = (pd.concat(separated, ignore_index=True)[SEPARATED_COLUMNS] if separated
              else pd.DataFrame(columns=SEPARATED_COLUMNS))
    return Table6Fits(fits, report)


def sig_letter(p: float) -> str:
    """Table 6's footnote letter (notes b-d of the table): ``b`` p < .001, ``c`` p < .01, ``d`` p < .05, else ''."""
    if not np.isfinite(p):
        return ""
    return "b" if p < 0.001 else "c" if p < 0.01 else "d" if p < 0.05 else ""


def table6_rows(fits: Table6Fits) -> pd.DataFrame:
    """Table 6 long rows (model, term, statistic, value): ``est``, ``se`` and, where
    p < .05, ``sig`` (the footnote letter, text), from :func:`fit_models`. Models
    that could not be estimated (separation) give no rows."""
    rows = []
    for m, res in fits.items():
        for term, b, s, p in zip(res.estimates.index, res.estimates, res.se, res.p):
            rows += [(m, term, "est", float(b)), (m, term, "se", float(s))]
            letter = sig_letter(float(p))
            if letter:
                rows.append((m, term, "sig", letter))
    return pd.DataFrame(rows, columns=["model", "term", "statistic", "value"])


def profile_rows(py: pd.DataFrame, experience=range(0, 31)) -> pd.DataFrame:
    """Covariate profiles for :func:`predicted_hazard` (Table 6 Model 4): every education level x hukou
    change x experience that occurs in the person-years, father's covariates at
    their weighted means, not a party member."""
    w = py["weight"].to_numpy()
    base = {t: float(np.average(py[t], weights=w)) for t in FATHER_TERMS}
    seen = set()
    lev = np.select([py[f"educ_{l}"] == 1 for l in LEVELS[1:]], LEVELS[1:], default="primary")
    for lv, hc in zip(lev, py["hukou_change"]):
        seen.add((lv, int(hc)))
    rows = []
    for lv in LEVELS:
        for hc in (0, 1):
            if (lv, hc) not in seen:
                continue
            for x in experience:
                r = dict(base, education=lv, hukou_change=hc, labor_market_experience=x, party_member=0)
                for l in LEVELS[1:]:
                    r[f"educ_{l}"] = int(lv == l)
                r["junior_hs_x_hukou_change"] = r["educ_junior_hs"] * hc
                r["senior_hs_x_hukou_change"] = r["educ_senior_hs"] * hc
                r["vocational_x_hukou_change"] = r["educ_vocational"] * hc
                rows.append(r)
    return pd.DataFrame(rows)


def predicted_hazard(res, profiles: pd.DataFrame, model: str = "model4", level: float = 0.95) -> pd.DataFrame:
    """Table 6 (Model 4 by default): predicted annual hazard ``expit(x'b)`` of a first move into agriculture for each
    profile, with a pointwise confidence band from the design covariance
    (interval on the logit scale, then transformed)."""
    from scipy.special import expit
    from scipy.stats import norm

    names = list(res.estimates.index)
    X = np.column_stack([profiles[t].to_numpy(float) if t != "constant" else np.ones(len(profiles)) for t in names])
    eta = X @ res.estimates.to_numpy()
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, res.vcov.to_numpy(), X))
    z = norm.ppf(0.5 + level / 2)
    out = profiles.copy()
    out["hazard"], out["lower"], out["upper"] = expit(eta), expit(eta - z * se), expit(eta + z * se)
    return out


def cumulative_entry(py: pd.DataFrame, by: str = "entry_level", level: float = 0.95) -> pd.DataFrame:
    """Table 6's population, without a model: weighted Kaplan-Meier cumulative share entering agriculture by labour-market
    experience, by group. ``by="entry_level"``: the educational level at entry
    into the labour force (known when the clock starts; later schooling is
    not used to group); another column of ``py`` groups each person-year by its
    own value (a man whose value changes enters the new group's risk set then).
    Columns: group, experience, at_risk (weighted), events (weighted), hazard,
    cumulative (= 1 - the Kaplan-Meier survivor function of
    :class:`statsmodels.duration.survfunc.SurvfuncRight` with the weights as
    ``freq_weights``), lower and upper (its pointwise ``level`` interval from
    SurvfuncRight's Greenwood standard error, clipped to [0, 1]), n
    (unweighted at risk), n_events (unweighted events), n_start (unweighted
    men in the group's first year)."""
    from scipy.stats import norm

    z = norm.ppf(0.5 + level / 2)
    d = py.copy()
    lev = np.select([d[f"educ_{l}"] == 1 for l in LEVELS[1:]], LEVELS[1:], default="primary")
    d["level"] = lev
    if by == "entry_level":
        first = d.groupby("person")["level"].transform("first")
        d["group"] = first
    else:
        d["group"] = d[by]
    d["wev"] = d["weight"] * d["event"]
    g = d.groupby(["group", "labor_market_experience"]).agg(
        at_risk=("weight", "sum"), events=("wev", "sum"), n=("weight", "size"), n_events=("event", "sum")).reset_index()
    g = g.rename(columns={"labor_market_experience": "experience"})
    g["hazard"] = g["events"] / g["at_risk"]
    # one spell per man and run of years in one group: at risk from its first year (entry just
    # before it, as SurvfuncRight's entry is exclusive) to its last, the event in the last year
    order = np.lexsort((d["labor_market_experience"].to_numpy(), d["person"].to_numpy()))
    person, grp = d["person"].to_numpy()[order], d["group"].to_numpy()[order]
    exp = d["labor_market_experience"].to_numpy(float)[order]
    first = np.flatnonzero(np.r_[True, (person[1:] != person[:-1]) | (grp[1:] != grp[:-1])])
    last = np.r_[first[1:] - 1, len(order) - 1]
    spells = pd.DataFrame({"group": grp[first], "start": exp[first], "time": exp[last],
                           "event": d["event"].to_numpy(float)[order][last],
                           "weight": d["weight"].to_numpy(float)[order][first]})
    cumulative = pd.Series(0.0, index=g.index)
    se = pd.Series(0.0, index=g.index)
    for group, sp in spells.groupby("group"):
        sf = SurvfuncRight(sp["time"].to_numpy(float), sp["event"].to_numpy(float),
                           entry=sp["start"].to_numpy(float) - 0.5, freq_weights=sp["weight"].to_numpy(float))
        rows = g.index[g["group"] == group]
        k = np.searchsorted(sf.surv_times, g.loc[rows, "experience"].to_numpy(float), side="right")
        surv = np.r_[1.0, sf.surv_prob][k]
        cumulative[rows] = 1.0 - surv
        se[rows] = np.r_[0.0, sf.surv_prob_se][k]
    g["cumulative"] = cumulative
    g["lower"] = (cumulative - z * se).clip(0.0, 1.0)
    g["upper"] = (cumulative + z * se).clip(0.0, 1.0)
    g["n_start"] = g.groupby("group")["n"].transform("first")
    return g


#: Smallest number of men (unweighted, in the group's first year at risk) for which
#: :func:`hukoumob.figures.table6.cumulative_entry_plot` draws a Kaplan-Meier curve: below it
#: one man's event moves the curve by several points and the step plot says more about him than
#: about the group.
KM_MIN_MEN = 30


def small_groups(km: pd.DataFrame, min_men: int = KM_MIN_MEN) -> pd.Series:
    """Groups of :func:`cumulative_entry` with fewer than ``min_men`` men at the start (group -> men),
    in the order of :data:`LEVELS`; these are left out of the Kaplan-Meier figure."""
    start = km.groupby("group")["n_start"].first()
    small = start[start < min_men].astype(int)
    return small.reindex([l for l in LEVELS if l in small.index] + [g for g in small.index if g not in LEVELS])


def example_history() -> pd.DataFrame:
    """One made-up man of Table 6's population, to show how a history becomes
    person-years (not from any data file): born 1950, father a skilled worker,
    junior high 1965, into the labour force 1968, senior high at night school
    1972, joins the party 1975, first job in agriculture 1979."""
    return pd.DataFrame([dict(
        id=1, birth_year=1950, hukou14_rural=1, father_class="V_VI", father_educ=6, father_party_member14=0,
        labor_force_entry_year=1968, farm_entry_year=1979, educ_level="senior_hs",
        year_junior_hs=1965, year_senior_hs=1972, year_vocational=np.nan, year_college=np.nan,
        party_member=1, party_join_year=1975, hukou_change=0, son_class="farm", weight=1.0, stratum=1, psu=1,
    )])


# ------------------------------------------------------------------ shaped for reading
def separated_models(fits: Table6Fits) -> list[str]:
    """The models of :func:`fit_models` that could not be fitted (perfect separation)."""
    return fits.separated_models()


def separation_text(fits: Table6Fits, count=str) -> str:
    """One line naming each separated model's covariates, with their person-years and events (or "none");
    ``count`` writes the counts (the book passes its disclosure rule for the real file)."""
    return "; ".join(
        f"{m}: " + ", ".join(f"{r.term} ({count(r.person_years)} person-years, {count(r.events)} events)"
                             for r in f.itertuples())
        for m, f in fits.separated.groupby("model", sort=False)) or "none"


def coefficient_table(rows: pd.DataFrame, fits: Table6Fits) -> pd.DataFrame:
    """Table 6 as printed: one column per model, cells ``est<letter> (se)``; "not estimable" for the
    terms of a separated model, blank where a model has no such term, "suppressed" where the real
    file's disclosure control emptied the estimate."""
    separated = separated_models(fits)

    def cell(m, term):
        r = rows[(rows["model"] == m) & (rows["term"] == term)].set_index("statistic")["value"]
        if r.empty:
            return "not estimable" if m in separated and term in MODEL_TERMS[m] + ["constant"] else ""
        if pd.isna(r["est"]):
            return "suppressed (too few men)"  # disclosure control of the real file
        return f"{float(r['est']):.3f}{r.get('sig', '')} ({float(r['se']):.3f})"

    terms = [*MODEL_TERMS["model4"], "constant"]
    table = pd.DataFrame({readable(m): [cell(m, t) for t in terms] for m in MODEL_TERMS},
                         index=[readable(t) for t in terms])
    table.index.name = "term"
    return table


def letters_agreement(rows: pd.DataFrame) -> float:
    """Share of Table 6's printed coefficients whose significance letter (the paper's footnote) we give
    too, over the models in ``rows``."""
    from hukoumob.inputs.published import load_published

    pub = load_published("table6", corrected=False)
    letters = pub[pub["statistic"] == "est"][["model", "term"]].merge(
        pub[pub["statistic"] == "sig"][["model", "term", "value"]].rename(columns={"value": "published"}), how="left"
    ).merge(rows[rows["statistic"] == "sig"][["model", "term", "value"]].rename(columns={"value": "ours"}), how="left")
    letters = letters[letters["model"].isin(rows["model"].unique())].fillna("")
    return float((letters["published"] == letters["ours"]).mean())


def example_records_table(py: pd.DataFrame) -> pd.DataFrame:
    """A person-year file's columns of Table 6's covariates that change over one man's years, readably named
    (for :func:`example_history`)."""
    cols = {"year": "year", "labor_market_experience": "experience", "educ_junior_hs": "junior high",
            "educ_senior_hs": "senior high", "party_member": "party member", "hukou_change": "hukou change",
            "event": "event"}
    return py[list(cols)].rename(columns=cols)


def significant_terms(rows: pd.DataFrame, model: str, terms=None) -> list[str]:
    """Terms of one Table 6 model that carry a footnote letter (p < .05) in ``rows``
    (ours from :func:`table6_rows`, or the published table), optionally among ``terms``; a letter emptied
    by the real file's disclosure control is not one."""
    sig = rows[(rows["model"] == model) & (rows["statistic"] == "sig") & rows["value"].notna()]["term"].tolist()
    return [t for t in sig if terms is None or t in terms]
