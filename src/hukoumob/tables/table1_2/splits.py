"""Which urban/rural split does Table 2 use? The evidence of the printed numbers and of a data set.

The paper's text describes Table 2's urban sample as "those with urban
hukou", but the printed standardized coefficients and constants agree with
Table 1's *residence* groups. :func:`published_checks` weighs the published
numbers alone; :func:`split_moment_checks` and :func:`split_distance` add the
evidence of a data set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.published import load_published

from .men import (
    COLUMNS,
    GROUP_OF_SAMPLE,
    MODEL1_TERMS,
    MODEL2_TERMS,
    OUTCOME,
    SPLITS,
    check_men,
    group_masks,
    with_urban_hukou14,
)
from .table1 import weighted_mean, weighted_sd


def published_checks() -> pd.DataFrame:
    """What the published numbers alone say about Table 2's urban/rural columns.

    Two identities of weighted least squares, evaluated with Table 2's
    printed metric coefficients and Table 1's printed residence-group moments
    (national for the total sample):

    * ``beta``: ``beta_k = b_k sd(x_k) / sd(y)``, with Table 1's SDs (for
      urban hukou at 14, the Bernoulli SD ``sqrt(p (1 - p))`` of Table 1's
      national proportion);
    * ``constant``: a regression with an intercept passes through the
      weighted means of its estimation sample, so
      ``constant = mean(y) - sum_k b_k mean(x_k)`` with Table 1's means.

    Returns one row per check: ``model, sample, term, check, printed,
    implied, difference, bound, consistent``. ``bound`` propagates half a
    unit of the last printed digit of every input (first order) plus half a
    unit of the printed result; ``consistent`` is ``|difference| <= bound``.
    If the urban/rural columns had been fitted on other groups (hukou
    holders), the constants would in general not pass through Table 1's
    residence-group means.

    For Model 2 a further row, ``constant_hukou_coded_1_2``, evaluates the
    constant identity as if urban hukou at 14 had been coded 1 (rural) and
    2 (urban) rather than 0/1: the mean of such a variable is one more, so
    the constant is lower by the hukou coefficient.
    """
    t1 = load_published("table1").set_index(["variable", "statistic", "group"])
    t2 = load_published("table2").set_index(["model", "sample", "term", "statistic"])
    val1, dec1 = t1["value"].astype(float), t1["decimals"]
    val2, dec2 = t2["value"].astype(float), t2["decimals"]

    def half(dec):
        return 0.5 * 10.0 ** (-int(dec))

    rows = []
    for model, sample in COLUMNS:
        g = GROUP_OF_SAMPLE[sample]
        terms = MODEL1_TERMS if model == "model1" else MODEL2_TERMS
        my, hy = val1[OUTCOME, "mean", g], half(dec1[OUTCOME, "mean", g])
        sy, hsy = val1[OUTCOME, "sd", g], half(dec1[OUTCOME, "sd", g])
        const, const_bound = my, hy
        for term in terms:
            b, hb = val2[model, sample, term, "b"], half(dec2[model, sample, term, "b"])
            if term == "urban_hukou14":
                p, hp = val1["hukou14_rural", "proportion", g], half(dec1["hukou14_rural", "proportion", g])
                mx, hmx = 1.0 - p, hp
                sx = np.sqrt(p * (1 - p))
                hsx = abs(1 - 2 * p) / (2 * sx) * hp
            else:
                mx, hmx = val1[term, "mean", g], half(dec1[term, "mean", g])
                sx, hsx = val1[term, "sd", g], half(dec1[term, "sd", g])
            implied = b * sx / sy
            bound = (abs(sx / sy) * hb + abs(b / sy) * hsx + abs(b * sx / sy**2) * hsy
                     + half(dec2[model, sample, term, "beta"]))
            printed = val2[model, sample, term, "beta"]
            rows.append((model, sample, term, "beta", printed, implied, bound))
            const -= b * mx
            const_bound += abs(mx) * hb + abs(b) * hmx
        const_bound += half(dec2[model, sample, "constant", "b"])
        printed_const = val2[model, sample, "constant", "b"]
        rows.append((model, sample, "constant", "constant", printed_const, const, const_bound))
        if "urban_hukou14" in terms:
            # the same identity if urban hukou had been coded 1 (rural) / 2 (urban): its mean is
            # one more, so the constant is lower by b_hukou
            b_h, hb_h = val2[model, sample, "urban_hukou14", "b"], half(dec2[model, sample, "urban_hukou14", "b"])
            rows.append((model, sample, "constant", "constant_hukou_coded_1_2", printed_const, const - b_h,
                         const_bound + hb_h))
    out = pd.DataFrame(rows, columns=["model", "sample", "term", "check", "printed", "implied", "bound"])
    out["difference"] = out["implied"] - out["printed"]
    out["consistent"] = out["difference"].abs() <= out["bound"] + 1e-12
    return out[["model", "sample", "term", "check", "printed", "implied", "difference", "bound", "consistent"]]


def split_moment_checks(men: pd.DataFrame) -> pd.DataFrame:
    """The identities of :func:`published_checks` with each split's group moments from ``men``.

    For each split (:data:`SPLITS`) and each urban/rural column of Table 2,
    the printed metric coefficients are combined with the weighted means and
    SDs of that split's groups in the data: the standardized coefficients and
    the constant that the printed ``b`` would imply *had the regressions been
    fitted on those groups*. Returns ``split, model, sample, term, check,
    printed, implied, difference, bound, consistent``, with the rounding
    bounds of :func:`published_checks` (they cover the printed inputs only;
    the data's moments are taken as exact). With the real survey file this separates
    the two readings; on the synthetic replica it shows how far apart the
    readings are under the replica's generative model.
    """
    check_men(men, [OUTCOME, *MODEL1_TERMS, "hukou14_rural", "hukou_change", "residence_rural", "weight"],
              what="split moment checks")
    t2 = load_published("table2").set_index(["model", "sample", "term", "statistic"])["value"].astype(float)
    data = with_urban_hukou14(men)
    w_all = data["weight"].to_numpy(float)
    rows = []
    for split in SPLITS:
        masks = group_masks(men, split)
        for model, sample in COLUMNS:
            if sample == "total":
                continue
            m = masks[sample] & (w_all > 0)
            w = w_all[m]
            y = data[OUTCOME].to_numpy(float)[m]
            sy = weighted_sd(y, w)
            const = weighted_mean(y, w)
            for term in MODEL1_TERMS if model == "model1" else MODEL2_TERMS:
                x = data[term].to_numpy(float)[m]
                b = t2[model, sample, term, "b"]
                rows.append((split, model, sample, term, "beta", t2[model, sample, term, "beta"],
                             b * weighted_sd(x, w) / sy))
                const -= b * weighted_mean(x, w)
            rows.append((split, model, sample, "constant", "constant", t2[model, sample, "constant", "b"], const))
    out = pd.DataFrame(rows, columns=["split", "model", "sample", "term", "check", "printed", "implied"])
    out["difference"] = out["implied"] - out["printed"]
    bounds = published_checks().set_index(["model", "sample", "term", "check"])["bound"]
    out["bound"] = bounds.reindex(pd.MultiIndex.from_frame(out[["model", "sample", "term", "check"]])).to_numpy()
    out["consistent"] = out["difference"].abs() <= out["bound"] + 1e-12
    return out


def split_distance(rows_by_split: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """How close each split's Table 2 estimates are to the printed ones (urban and rural columns).

    ``rows_by_split`` maps a split name to its :func:`table2_rows`. For the
    Model 1 urban and rural columns: the mean absolute difference of the
    metric coefficients in published standard errors (``mean_abs_z_b``), of
    the standardized coefficients (``mean_abs_diff_beta``) and of R-squared
    (``abs_diff_r2``, mean over the two columns), and the number of printed
    ``b`` within one published SE. Smaller is closer.
    """
    pub = load_published("table2").set_index(["model", "sample", "term", "statistic"])["value"].astype(float)
    out = []
    for split, rows in rows_by_split.items():
        cell = rows.set_index(["model", "sample", "term", "statistic"])["value"]
        z, db, dr2, within = [], [], [], 0
        for sample in ("urban", "rural"):
            for term in (*MODEL1_TERMS, "constant"):
                diff = cell["model1", sample, term, "b"] - pub["model1", sample, term, "b"]
                zz = abs(diff) / pub["model1", sample, term, "se"]
                z.append(zz)
                within += int(zz <= 1)
                if term != "constant":
                    db.append(abs(cell["model1", sample, term, "beta"] - pub["model1", sample, term, "beta"]))
            dr2.append(abs(cell["model1", sample, "r2", "r2"] - pub["model1", sample, "r2", "r2"]))
        out.append({"split": split, "mean_abs_z_b": float(np.mean(z)), "b_within_1_se": within,
                    "b_compared": len(z), "mean_abs_diff_beta": float(np.mean(db)),
                    "abs_diff_r2": float(np.mean(dr2))})
    return pd.DataFrame(out).set_index("split")
