"""Stage 8 of the replica: the men sent down to the countryside, and who came back.

The paper ("Mobility tables") reports that of the urban-origin men who were
sent down "only 13 of the 170 ... (and only two of those with urban hukou at
age 14) ... failed to resume an urban status". "Urban origin" there is wider
than urban hukou at 14 (two of the thirteen had it), so the replica reads it
as *town or city residence at 14* (``residence14_rural == 0``) and "resumed
an urban status" as *living in the urban sample in 1996*. The three counts
are targets read from ``data/published/text_numbers.csv``
(:func:`.targets.sent_down_targets`), never typed here.

The policy ("up to the mountains and down to the countryside", 1962-1978)
took urban school-leavers, so the men eligible are those who lived in a
town or city at 14 and turned 16 between 1962 and 1978. Within each of
three cells the men sent down are a draw with exact counts (Gumbel top-k,
as in :mod:`.design`) with odds ``exp(c_J 1[junior high or more] -
((B - b_peak) / s_B)^2 / 2)`` (the cohorts of the Cultural Revolution
peak):

* returned: eligible men living in the urban sample in 1996;
* not returned, urban hukou at 14: eligible men of urban hukou at 14
  living in the rural sample;
* not returned, rural hukou at 14: eligible men of rural hukou at 14 living
  in the rural sample.

Year sent down: ``max(B + 16, 1962) + Poisson(1)``, at most 1978; year of
return (returners): the year sent down + 1 + Poisson(``years_away - 1``).
The stage draws from its own random stream and changes no other variable,
so the tables are unaffected (as the paper says: "their inclusion has
virtually no effect on our estimates"). A cell with fewer eligible men than
its count stops with the cell named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .design import _gumbel_topk

POLICY_YEARS = (1962, 1978)
AGE_SENT = 16


def eligible(men: pd.DataFrame) -> np.ndarray:
    """Town or city at 14 and aged 16 during the send-down years."""
    turn16 = men["birth_year"].to_numpy() + AGE_SENT
    return ((men["residence14_rural"].to_numpy() == 0) & (turn16 >= POLICY_YEARS[0])
            & (turn16 <= POLICY_YEARS[1]))


def cells(men: pd.DataFrame) -> dict[str, np.ndarray]:
    """The three cells of eligible men (boolean masks): returned, not returned by hukou at 14."""
    ok = eligible(men)
    rural_now = men["residence_rural"].to_numpy() == 1
    urban14 = men["hukou14_rural"].to_numpy() == 0
    return {"returned": ok & ~rural_now,
            "not_returned_urban_hukou14": ok & rural_now & urban14,
            "not_returned_rural_hukou14": ok & rural_now & ~urban14}


def draw_sent_down(men: pd.DataFrame, p: dict, counts: dict[str, int], rng: np.random.Generator) -> pd.DataFrame:
    """Add ``sent_down`` (0/1), ``sent_down_year`` and ``sent_down_return_year`` (empty: never returned)."""
    out = men.copy()
    n = len(out)
    sd = p["sent_down"]
    birth = out["birth_year"].to_numpy(float)
    schooled = (out["educ"].to_numpy() >= 9).astype(float)
    keys = (sd["on_junior_hs"] * schooled - 0.5 * ((birth - sd["peak_birth"]) / sd["cohort_sd"]) ** 2
            + rng.gumbel(size=n))
    sent = np.zeros(n, dtype=int)
    returned = np.zeros(n, dtype=bool)
    for name, mask in cells(out).items():
        idx = np.flatnonzero(mask)
        k = int(counts[name])
        if idx.size < k:
            raise ValueError(f"sent-down cell {name!r}: {idx.size} eligible men for {k} sent down "
                             "(see hukoumob.replica.sentdown)")
        take = idx[_gumbel_topk(keys[idx], k)]
        sent[take] = 1
        returned[take] = name == "returned"
    year = np.minimum(np.maximum(birth + AGE_SENT, POLICY_YEARS[0]) + rng.poisson(1.0, n), POLICY_YEARS[1])
    back = year + 1 + rng.poisson(max(sd["years_away"] - 1.0, 0.0), n)
    out["sent_down"] = sent
    out["sent_down_year"] = np.where(sent == 1, year, np.nan)
    out["sent_down_return_year"] = np.where(returned, np.minimum(back, 1996), np.nan)
    return out
