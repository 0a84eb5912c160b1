"""Stage 1 of the replica: the sample design, the men in it, their origin group, father's class and weights.

The paper's "Data" section describes a multi-stage stratified sample. The
replica follows it literally for the rural sample and "analogously" for the
urban one:

* rural: 25 strata x 2 counties (PPS) x 1 township x 2 villages (the PSUs)
  x about 30 households x 1 adult, 3,003 adults in all;
* urban: 25 strata x 2 districts x 1 street committee x 2 neighbourhood
  committees (the PSUs) x about 30 households x 1 adult, 3,087 adults.

Only the men are kept: exactly ``men[s]`` of the ``households[s]``
respondents of sample ``s`` are men, chosen at random (so the number of men
per PSU varies as it would). Each man then gets

* an origin group g (U, C, X: see :mod:`.targets`) with exact counts per
  sample, clustered by PSU through a PSU effect on the log-odds of each
  group (Gumbel top-k sampling without replacement);
* a father's class v with exact counts per group (Table 4's unweighted N
  rows), clustered by PSU the same way;
* the number of adults aged 20-69 in his household, drawn so that every
  (group, father's class, sample) cell carries its target weighted N;
* the three weights of footnote 5 (:mod:`hukoumob.inputs.weights`):
  HHWT = adults / A_s, POPWT = (population_s / sample size_s) x HHWT,
  WEIGHT = POPWT / mean(POPWT) over the men. A_s, the mean number of adults
  per household in sample s (both sexes: the women are not simulated), is a
  parameter; A_rural is solved so that the rural weighted N is Table 1's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs import weights as fn5
from hukoumob.inputs.schema import CLASSES
from .targets import GROUPS, RESIDENCES


def psu_frame(design: dict, scale: int = 1) -> pd.DataFrame:
    """One row per PSU: sample, stratum, county, township, PSU id and number of households.

    ``scale`` multiplies the number of strata (a bigger replica of the same design).
    Households per PSU are 30, with the remainder of ``households[s]`` spread one
    each over the first PSUs, so that each sample has exactly ``households[s] x scale``.
    """
    rows = []
    for s_index, sample in enumerate(RESIDENCES):
        n_strata = design["strata"] * scale
        per_stratum = design["counties"] * design["townships"] * design["psus_per_township"]
        n_psu = n_strata * per_stratum
        total = design["households"][sample] * scale
        base = total // n_psu
        extra = total - base * n_psu
        k = 0
        for st in range(n_strata):
            stratum = (s_index + 1) * 1000 + st + 1
            for county in range(design["counties"]):
                for town in range(design["townships"]):
                    for village in range(design["psus_per_township"]):
                        psu = stratum * 100 + county * 10 + town * 5 + village + 1
                        rows.append((sample, stratum, psu, county + 1, base + (1 if k < extra else 0)))
                        k += 1
    return pd.DataFrame(rows, columns=["sample", "stratum", "psu", "county", "households"])


def draw_men(design: dict, rng: np.random.Generator, scale: int = 1) -> pd.DataFrame:
    """Exactly ``men[s] x scale`` male respondents per sample, placed in PSUs at random.

    Each household has one respondent; which respondents are men is a simple
    random choice of ``men[s]`` of them (so men per PSU are hypergeometric).
    """
    psus = psu_frame(design, scale)
    frames = []
    for sample in RESIDENCES:
        p = psus[psus["sample"] == sample]
        households = np.repeat(p.index.to_numpy(), p["households"].to_numpy())
        chosen = np.sort(rng.choice(households.size, size=design["men"][sample] * scale, replace=False))
        frames.append(p.loc[households[chosen], ["sample", "stratum", "psu"]])
    men = pd.concat(frames, ignore_index=True)
    men["residence_rural"] = (men["sample"] == "rural").astype(int)
    return men


def _gumbel_topk(keys: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest keys (ties broken by position)."""
    if k <= 0:
        return np.array([], dtype=int)
    return np.argsort(-keys, kind="stable")[:k]


def allocate_clustered(
    psu: np.ndarray, counts: dict, cluster_sd: float, rng: np.random.Generator, order: list | None = None
) -> np.ndarray:
    """Give each row one label with exact ``counts[label]``, clustered by PSU.

    For each label in turn (the largest last), the rows not yet labelled get
    key = PSU effect (normal, SD ``cluster_sd``) + Gumbel noise and the
    ``counts[label]`` largest keys take the label: a sample without
    replacement with probabilities proportional to exp(PSU effect).
    """
    labels = np.full(psu.size, None, dtype=object)
    names = order or sorted(counts, key=lambda c: counts[c])
    if sum(counts.values()) != psu.size:
        raise ValueError(f"counts add to {sum(counts.values())}, rows are {psu.size}")
    uniq, inv = np.unique(psu, return_inverse=True)
    free = np.arange(psu.size)
    for name in names[:-1]:
        effect = rng.normal(0.0, cluster_sd, uniq.size)[inv[free]]
        keys = effect + rng.gumbel(size=free.size)
        take = free[_gumbel_topk(keys, counts[name])]
        labels[take] = name
        free = np.setdiff1d(free, take)
    labels[free] = names[-1]
    return labels


def assign_groups(men: pd.DataFrame, design: dict, rng: np.random.Generator, scale: int = 1) -> pd.Series:
    """Origin group (U, C, X) of each man with exact counts per sample (``design['group_counts']``)."""
    group = np.empty(len(men), dtype=object)
    for sample in RESIDENCES:
        idx = np.flatnonzero(men["sample"].to_numpy() == sample)
        counts = {g: design["group_counts"][sample][g] * scale for g in GROUPS}
        group[idx] = allocate_clustered(men["psu"].to_numpy()[idx], counts, design["cluster_sd"]["group"], rng)
    return pd.Series(group, index=men.index, name="group")


def assign_father_class(men: pd.DataFrame, design: dict, rng: np.random.Generator, scale: int = 1) -> pd.Series:
    """Father's class with exact unweighted counts per origin group (Table 4's unweighted N rows)."""
    out = np.empty(len(men), dtype=object)
    for g in GROUPS:
        idx = np.flatnonzero(men["group"].to_numpy() == g)
        counts = {c: int(n) * scale for c, n in zip(CLASSES, design["father_counts"][g])}
        out[idx] = allocate_clustered(men["psu"].to_numpy()[idx], counts, design["cluster_sd"]["father_class"], rng)
    return pd.Series(out, index=men.index, name="father_class")


def _fix_sum(values: np.ndarray, target: int, rng: np.random.Generator, lo: int = 1, hi: int = 9) -> np.ndarray:
    """Add or remove single adults at random until the integers sum to ``target`` (within [lo, hi])."""
    v = values.copy()
    target = int(min(max(target, lo * v.size), hi * v.size))
    while v.sum() != target:
        step = 1 if v.sum() < target else -1
        ok = np.flatnonzero((v < hi) if step > 0 else (v > lo))
        k = min(abs(int(v.sum()) - target), ok.size)
        pick = rng.choice(ok, size=k, replace=False)
        v[pick] += step
    return v


def assign_adults(men: pd.DataFrame, design: dict, rng: np.random.Generator, scale: int = 1) -> np.ndarray:
    """Adults aged 20-69 in each man's household.

    In each (group, father's class, sample) cell the adults add up to the
    cell's target weighted N divided by the sample's weight per adult
    (``kappa_s``), so that after footnote 5 the cell has its weighted N.
    Within a cell, adults are 1 + Poisson(mean - 1), then adjusted one adult
    at a time to the exact total.
    """
    adults = np.zeros(len(men), dtype=int)
    kappa = design["kappa"]
    for g in GROUPS:
        for v_index, v in enumerate(CLASSES):
            for sample in RESIDENCES:
                idx = np.flatnonzero(
                    (men["group"].to_numpy() == g) & (men["father_class"].to_numpy() == v)
                    & (men["sample"].to_numpy() == sample)
                )
                if idx.size == 0:
                    continue
                target = design["cell_weight"][g][sample][v_index] * scale / kappa[sample]
                total = int(round(target))
                mean = max(total / idx.size, 1.0)
                draw = 1 + rng.poisson(max(mean - 1.0, 0.0), idx.size)
                adults[idx] = _fix_sum(np.clip(draw, 1, 9), total, rng)
    return adults


def footnote5(men: pd.DataFrame, design: dict) -> pd.DataFrame:
    """HHWT, POPWT and WEIGHT of footnote 5, with HHWT's denominators ``design['mean_adults_all']``.

    WEIGHT is normalised over the men (so the weights add up to the number of
    men, as Table 1's weighted N does).
    """
    mean_adults = men["sample"].map(design["mean_adults_all"])
    hhwt = men["adults"] / mean_adults
    popwt = fn5.population_weight(hhwt, men["sample"])
    return pd.DataFrame({"hhwt": hhwt, "popwt": popwt, "weight": fn5.normalized_weight(popwt)})


def solve_mean_adults(men: pd.DataFrame, rural_weighted_share: float, urban_mean_adults: float) -> dict:
    """The A_s of footnote 5 that give the rural sample its Table 1 weighted share.

    With HHWT = adults / A_s, the rural share of the normalised weights is
    F_r S_r / A_r / (F_r S_r / A_r + F_u S_u / A_u), S_s = the adults of the
    men of sample s and F_s = population / sample size. A_urban is fixed and
    A_rural solved.
    """
    f = {s: fn5.POPULATION_1995[s] / fn5.SAMPLE_SIZE[s] for s in RESIDENCES}
    s_tot = men.groupby("sample")["adults"].sum()
    rho = rural_weighted_share
    a_rural = f["rural"] * s_tot["rural"] * (1 - rho) * urban_mean_adults / (rho * f["urban"] * s_tot["urban"])
    return {"rural": float(a_rural), "urban": float(urban_mean_adults)}
