"""The trust-region step shared by the Table 5 engine (:mod:`.fit`) and the
model family (:mod:`.search`): the maximiser of a quadratic model within a
ball (More and Sorensen 1983). Hand-written because scipy's trust-region
solvers drive a whole optimisation and cannot take one step inside ours."""

from __future__ import annotations

import numpy as np


def trust_region_step(A: np.ndarray, g: np.ndarray, radius: float) -> np.ndarray:
    """Maximiser of the quadratic model ``g'd - d'Ad/2`` over ``|d| <= radius``
    for a symmetric ``A`` (More and Sorensen 1983, on the eigen-decomposition
    of the small matrix ``A``): the Newton step if ``A`` is positive definite
    and the step fits, otherwise a step on the boundary.

    The solution is ``d = (A + lam I)^{-1} g`` with ``lam > -min eig(A)`` and
    ``|d| = radius``; ``lam`` is found by Newton's method on
    ``1/radius - 1/|d(lam)|``, which converges monotonically from the left.
    In the "hard case" (``g`` orthogonal to the leading negative direction)
    the step is completed along that direction. Unlike a step with the
    eigenvalues in absolute value, it moves furthest along directions of
    negative curvature, which gets iterations out of saddle regions quickly.
    """
    w, U = np.linalg.eigh(A)
    gam = g @ U
    gam2 = gam * gam
    r2 = radius * radius
    if w[0] > 0:  # positive definite: the Newton step if it fits, else lam > 0
        if gam2 @ w**-2.0 <= r2:
            return U @ (gam / w)
        lo = lam = 0.0
    else:
        lo = -float(w[0])
        scale = max(1.0, abs(float(w[-1])))
        lam = lo + max(abs(float(gam[0])) / radius, 1e-12 * scale)
    if lam > lo and gam2 @ (w + lam) ** -2.0 < r2:  # hard case (or a tiny gradient): boundary along u_0
        den = w + lo
        den[0] = np.inf
        d = U @ (gam / den)
        tau = np.sqrt(max(r2 - d @ d, 0.0))
        return d + tau * (1.0 if gam[0] >= 0 else -1.0) * U[:, 0]
    for _ in range(30):
        inv = 1.0 / (w + lam)
        q2 = gam2 @ (inv * inv)
        q = q2**0.5
        if abs(q - radius) <= 1e-3 * radius:  # a trust region needs no more
            break
        dq = -(gam2 @ (inv * inv * inv)) / q
        lam_new = lam + (q - radius) * q / (radius * -dq)
        lam = lam_new if lam_new > lo else 0.5 * (lam + lo)
    return U @ (gam / (w + lam))
