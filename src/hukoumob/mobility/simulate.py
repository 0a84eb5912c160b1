"""Data generated from the model of equation 4 (for tests, the benchmark and
the book's teaching examples: a model whose true parameters are known).

Parameters follow the names of :class:`.results.MobilityResults`: intercepts
``a`` (length ``J``), scores ``phi`` (length ``J``; normalise them yourself if
you want to compare with estimates), ``delta``, ``mu0``, and optionally
``mu_t`` (length ``T``) and ``b`` (length ``K``) with covariate matrices ``t``
(``n x T``) and ``x`` (``n x K``).
"""

from __future__ import annotations

import numpy as np

from .likelihood import log_probabilities


def model_probabilities(a, phi, delta, mu0, origin, *, x=None, t=None, mu_t=None, b=None) -> np.ndarray:
    """``P(Y = q | v, x, t)`` of equation 4 for each case (``n x J``).

    ``origin`` holds integer class codes ``0..J-1``.

    Examples
    --------
    >>> from hukoumob.mobility import model_probabilities
    >>> P = model_probabilities(a=[0.0, 0.2, -0.1], phi=[0.7, 0.0, -0.7],
    ...                         delta=0.5, mu0=2.0, origin=[0, 2])
    >>> P.round(3)
    array([[0.738, 0.205, 0.057],
           [0.067, 0.219, 0.713]])
    """
    a = np.asarray(a, float)
    phi = np.asarray(phi, float)
    v = np.asarray(origin, dtype=np.intp).reshape(-1)
    n = v.shape[0]
    M = np.full(n, float(mu0))
    if t is not None:
        M = M + np.asarray(t, float).reshape(n, -1) @ np.asarray(mu_t, float)
    s = M * phi[v]
    if x is not None:
        s = s + np.asarray(x, float).reshape(n, -1) @ np.asarray(b, float)
    eta = a[None, :] + s[:, None] * phi[None, :]
    eta[np.arange(n), v] += delta
    return np.exp(log_probabilities(eta))


def expected_table(row_totals, a, phi, delta, mu0) -> np.ndarray:
    """Expected origin x destination counts ``n_v P(q | v)`` (the log-linear
    form ``log m_vq = lambda_v + a_q + delta 1[q=v] + mu0 phi_v phi_q``).

    Examples
    --------
    >>> from hukoumob.mobility import expected_table
    >>> m = expected_table([100, 100, 100], a=[0.0, 0.2, -0.1],
    ...                    phi=[0.7, 0.0, -0.7], delta=0.5, mu0=2.0)
    >>> m.round(1)
    array([[73.8, 20.5,  5.7],
           [25.5, 51.4, 23.1],
           [ 6.7, 21.9, 71.3]])
    """
    row_totals = np.asarray(row_totals, float)
    J = row_totals.shape[0]
    return row_totals[:, None] * model_probabilities(a, phi, delta, mu0, np.arange(J))


def simulate_table(rng: np.random.Generator, row_totals, a, phi, delta, mu0) -> np.ndarray:
    """A multinomial draw of each origin row (integer ``row_totals``).

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.mobility import simulate_table
    >>> t = simulate_table(np.random.default_rng(1), [100, 100, 100],
    ...                    a=[0.0, 0.2, -0.1], phi=[0.7, 0.0, -0.7],
    ...                    delta=0.5, mu0=2.0)
    >>> t.sum(axis=1).tolist()                 # the origin totals are kept
    [100.0, 100.0, 100.0]
    """
    row_totals = np.asarray(row_totals, dtype=np.int64)
    P = model_probabilities(a, phi, delta, mu0, np.arange(row_totals.shape[0]))
    return np.vstack([rng.multinomial(n, p / p.sum()) for n, p in zip(row_totals, P)]).astype(float)


def simulate_records(rng: np.random.Generator, origin, a, phi, delta, mu0, *, x=None, t=None, mu_t=None, b=None) -> np.ndarray:
    """One destination code per case drawn from equation 4.

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.mobility import simulate_records
    >>> origin = np.repeat([0, 1, 2], 400)
    >>> son = simulate_records(np.random.default_rng(3), origin,
    ...                        a=[0.0, 0.2, -0.1], phi=[0.7, 0.0, -0.7],
    ...                        delta=0.5, mu0=2.0)
    >>> son.shape, sorted(set(son.tolist()))
    ((1200,), [0, 1, 2])
    """
    P = model_probabilities(a, phi, delta, mu0, origin, x=x, t=t, mu_t=mu_t, b=b)
    u = rng.random(P.shape[0])
    return np.minimum((np.cumsum(P, axis=1) < u[:, None]).sum(axis=1), P.shape[1] - 1)
