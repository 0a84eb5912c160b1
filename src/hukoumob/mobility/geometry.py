"""The geometry of the score constraints: free coordinates of the quasi-RC II parameters.

The scores live on ``sum(phi) = 0, sum(phi**2) = 1``; the fitting and the
covariance both work in the free coordinates orthogonal to ``1`` and to
``phi`` (module docstring of :mod:`.fit`). These helpers sit below both
:mod:`.fit` and :mod:`.results`, so neither has to import the other back.
"""

from __future__ import annotations

import numpy as np

from .spec import ParamLayout
from .terms import helmert

#: Orthonormal ``J x (J-1)`` basis of the sum-zero vectors (Helmert; one copy, :func:`.terms.helmert`).
_sumzero_basis = helmert


def tangent_basis(phi: np.ndarray) -> np.ndarray:
    """Orthonormal ``J x (J-2)`` basis of the vectors orthogonal to ``1`` and
    to the normalised scores ``phi`` (sum 0, unit length): the free
    directions of the scores. A stack ``(S, J)`` gives ``(S, J, J-2)``.

    With ``H = [h0, H1]`` the Helmert basis of the sum-zero vectors and
    ``theta = H' phi``, the Householder reflection taking ``e1`` to ``theta``
    maps ``H1`` to ``H1 - (phi - h0) (H1' phi)' / (1 - h0' phi)``.
    """
    if phi.ndim == 1:
        return tangent_basis(phi[None, :])[0]
    H = _sumzero_basis(phi.shape[1])
    th = phi @ H  # theta = H' phi
    den = 1.0 - th[:, 0]
    if den.min() > 1e-12:
        return H[:, 1:] - (phi - H[:, 0])[:, :, None] * (th[:, None, 1:] / den[:, None, None])
    small = den <= 1e-12  # phi = h0: the reflection is the identity
    den[small] = 1.0
    Q = H[:, 1:] - (phi - H[:, 0])[:, :, None] * (th[:, None, 1:] / den[:, None, None])
    Q[small] = H[:, 1:]
    return Q


def free_basis(beta: np.ndarray, layout: ParamLayout, template: np.ndarray | None = None) -> np.ndarray:
    """The ``p x n_free`` matrix ``B`` mapping free coordinates to the full
    parameter vector at the normalised point ``beta`` (module docstring);
    ``(S, p, n_free)`` for a stack ``(S, p)``."""
    if beta.ndim == 1:
        return free_basis(beta[None, :], layout, template)[0]
    if template is None:
        template = _basis_template(layout)
    J = layout.J
    B = np.repeat(template[None], beta.shape[0], axis=0)
    B[:, J : 2 * J, J - 1 : 2 * J - 3] = tangent_basis(beta[:, J : 2 * J])
    return B


def _basis_template(layout: ParamLayout) -> np.ndarray:
    J, p = layout.J, layout.p
    B = np.zeros((p, layout.n_free))
    col = 0
    for q in range(J):
        if q != layout.ref:
            B[q, col] = 1.0
            col += 1
    col += J - 2
    for k in range(2 * J, p):
        if k < 2 * J + 2 and not layout.origin_terms:
            continue  # delta and mu0 fixed at 0 (no origin)
        B[k, col] = 1.0
        col += 1
    return B
