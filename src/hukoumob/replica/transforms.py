"""Small numerical tools of the replica: weighted moments, moment matching, exact weighted shares."""

from __future__ import annotations

import numpy as np
from scipy import optimize, special


def wmean(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted mean."""
    return float(np.sum(w * x) / np.sum(w))


def wsd(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted SD with the frequency-weight denominator sum(w) - 1 (Stata's ``summarize [aw]`` up to n/(n-1))."""
    m = wmean(x, w)
    return float(np.sqrt(np.sum(w * (x - m) ** 2) / (np.sum(w) - 1.0)))


def wstd(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted z-scores."""
    return (x - wmean(x, w)) / wsd(x, w)


def match_moments(
    z: np.ndarray, w: np.ndarray, mean: float, sd: float, lo: float = -np.inf, hi: float = np.inf
) -> np.ndarray:
    """``clip(A + B z, lo, hi)`` with A, B solved so that its weighted mean and SD are ``mean`` and ``sd``.

    Starts from the affine solution on the standardised ``z`` and corrects for
    the clipping with a 2-D root search; returns floats (round afterwards).
    """
    zs = wstd(np.asarray(z, float), w)

    def f(p):
        y = np.clip(p[0] + p[1] * zs, lo, hi)
        return [wmean(y, w) - mean, wsd(y, w) - sd]

    sol = optimize.root(f, [mean, sd], method="hybr")
    p = sol.x if sol.success else optimize.least_squares(f, [mean, sd]).x
    return np.clip(p[0] + p[1] * zs, lo, hi)


def match_moments_int(
    z: np.ndarray, w: np.ndarray, mean: float, sd: float, lo: float, hi: float, iters: int = 4
) -> np.ndarray:
    """:func:`match_moments`, rounded to whole numbers, with the targets nudged for the rounding.

    The rounding moves the mean and SD a little; a few fixed-point steps on
    the targets given to :func:`match_moments` take that back out.
    """
    m_t, s_t = mean, sd
    for _ in range(iters):
        y = np.round(match_moments(z, w, m_t, s_t, lo, hi))
        m_t += mean - wmean(y, w)
        s_t += sd - wsd(y, w)
    return np.round(match_moments(z, w, m_t, s_t, lo, hi))


def exact_share(score: np.ndarray, w: np.ndarray, share: float) -> np.ndarray:
    """1 for the highest scores until their weight is ``share`` of the total (0/1 array).

    The weighted proportion then equals ``share`` to within one man's weight.
    """
    order = np.argsort(-score, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(w[order]) / np.sum(w)])
    k = int(np.argmin(np.abs(cum - share)))
    out = np.zeros(score.size, dtype=int)
    out[order[:k]] = 1
    return out


def logit(p):
    """Log-odds."""
    return special.logit(p)


def expit(x):
    """Inverse log-odds."""
    return special.expit(x)


def stage_inputs(men) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What every person-level stage reads first: n, weights, sample, and the urban-origin
    (group ``U``) and hukou-changer (group ``X``) indicators as floats."""
    g = men["group"].to_numpy()
    return (len(men), men["weight"].to_numpy(), men["sample"].to_numpy(),
            (g == "U").astype(float), (g == "X").astype(float))
