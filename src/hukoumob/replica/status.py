"""Stage 7 of the replica: current (1996) ISEI, built so that Table 2's Model 1 holds exactly by residence.

In each sample s (weights w, X = father's schooling, father's ISEI, own
schooling, first-job ISEI; H = urban hukou at 14; c_q = a typical ISEI of
the man's 1996 class q)::

    Y = alpha_s + X b_s + gamma H~ + kappa_s c~ + sigma_s u~

where H~ is H residualised (weighted) on [1, X], c~ is c residualised on
[1, X, H], and u~ = r_q (psi PSU effect + sqrt(1 - psi^2) e) residualised on
[1, X, H, c]. The three tilde terms are orthogonal to [1, X] in the weighted
sample, so the weighted OLS of Y on X in sample s returns b_s *exactly*
(Table 2, Model 1 urban and rural); alpha_s gives Table 1's mean, sigma_s
Table 1's SD. gamma moves the urban-hukou coefficient of Model 2; kappa_s ties
ISEI to class; r_q (smaller for farmers) keeps farmers near the bottom of
the scale without piling them up at its floor. After clipping to [16, 90] and rounding, a few fixed-point
steps on (b_s, alpha_s, sigma_s) restore the targets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hukoumob.inputs.schema import CLASSES
from .origins import psu_effect
from .targets import RESIDENCES
from .transforms import wmean, wsd

X_COLS = ["father_educ", "father_isei", "educ", "first_isei"]


def _resid(y: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least-squares residual of y on the columns of z."""
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(z * sw[:, None], y * sw, rcond=None)
    return y - z @ coef


def wols(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted OLS coefficients of y on [x, 1] (constant last)."""
    z = np.column_stack([x, np.ones(len(y))])
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(z * sw[:, None], y * sw, rcond=None)
    return coef


def draw_current_isei(men: pd.DataFrame, p: dict, rng: np.random.Generator, iters: int = 25) -> pd.DataFrame:
    """Add ``current_isei`` (integer ISEI, 16-90)."""
    out = men.copy()
    n = len(out)
    st = p["status"]
    w = out["weight"].to_numpy()
    sample = out["sample"].to_numpy()
    x = out[X_COLS].to_numpy(float)
    h = (out["hukou14_rural"].to_numpy() == 0).astype(float)
    c = np.asarray(st["class_isei"], float)[pd.Categorical(out["son_class"], categories=CLASSES).codes]
    psi = np.sqrt(st["cluster_share"])
    u_raw = psi * psu_effect(out["psu"].to_numpy(), 1.0, rng) + np.sqrt(1 - psi**2) * rng.standard_normal(n)
    q = pd.Categorical(out["son_class"], categories=CLASSES).codes
    u_raw = u_raw * np.asarray(st["resid_scale"], float)[q]
    y = np.zeros(n)
    t1 = p["table1"]["current_isei"]
    for s in RESIDENCES:
        i = sample == s
        wi, xi = w[i], x[i]
        one = np.ones(i.sum())
        z1 = np.column_stack([one, xi])
        ht = _resid(h[i], z1, wi)
        ct = _resid(c[i], np.column_stack([z1, h[i]]), wi)
        ut = _resid(u_raw[i], np.column_stack([z1, h[i], c[i]]), wi)
        b_goal = np.asarray(st["b"][s], float)
        b_int, m_int, s_int = b_goal.copy(), t1[s]["mean"], t1[s]["sd"]
        for _ in range(iters):
            fit = xi @ b_int
            kappa = st["kappa"][s]
            base = fit - wmean(fit, wi) + st["gamma"] * ht + kappa * ct
            need = s_int**2 - wsd(base, wi) ** 2
            if need < 0.05 * s_int**2:  # not enough room: shrink the class term
                kappa *= 0.5
                base = fit - wmean(fit, wi) + st["gamma"] * ht + kappa * ct
                need = max(s_int**2 - wsd(base, wi) ** 2, 0.05 * s_int**2)
            sig = np.sqrt(need) / wsd(ut, wi)
            yi = np.round(np.clip(m_int + base + sig * ut, 16, 90))
            got = wols(yi, xi, wi)
            b_int += b_goal - got[:4]
            m_int += t1[s]["mean"] - wmean(yi, wi)
            s_int += t1[s]["sd"] - wsd(yi, wi)
        y[i] = yi
    out["current_isei"] = y.astype(int)
    return out
