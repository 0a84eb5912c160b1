"""The standard family of mobility models, one entry point: :func:`fit_model`.

Two-way tables (``association`` x ``diagonal``)::

    log m_ij = lambda + lambda^O_i + lambda^D_j + [diagonal] + [association]

``association``: ``"none"`` (independence), ``"uniform"`` (linear-by-linear,
``mu i j`` with integer scores in category order), ``"rc"`` (Goodman's
RC(1), ``mu phi_i psi_j``), ``"rc_homog"`` (``mu phi_i phi_j``, the same
scores for origin and destination, ``mu`` of either sign: the paper's
quasi-RC II, Wu and Treiman 2007, eq. 3 with Table 5's uniform immobility).
``diagonal``: ``"none"``, ``"uniform"`` (``delta 1[i=j]``, the paper's),
``"full"`` (``delta_i 1[i=j]``). The paper's Models 1, 2, 3a are
``association="rc_homog", diagonal="uniform"``.

Layered tables (origin x destination x layer; every model has the
origin x layer and destination x layer margins): ``"conditional_independence"``,
``"constant"`` (the same full two-way interaction in every layer),
``"unidiff"`` (``exp(beta_l) gamma_ij``, Xie 1992; Erikson and Goldthorpe's
uniform difference) and ``"rc_homog_layer"`` (``mu_l phi_i phi_j + delta_l
1[i=j]``: scores shared across layers, association and immobility per layer).

Estimation is Poisson maximum likelihood (equivalently multinomial with the
origin x layer margins fixed) by the trust-region Newton method of
:mod:`.search` with analytic derivatives (:mod:`.terms`), from several
deterministic and seeded random starts; every distinct maximum found is
reported. Where the MLE does not exist (the likelihood rises towards a limit
at infinity) the result says so (``mle_exists=False``, never converged) and
names the zero cells whose fitted values go to 0; for RC(1) the limit itself
is computed on the limiting model (:mod:`.limits`). Checked against R's gnm
(``tests/oracles/gnm_family.R``, ``tests/oracles/gnm_limits.R``).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import xlogy

from .errors import IdentificationWarning, MobilityConvergenceWarning, MobilityInputError, StartsDisagreeWarning
from .limits import finish_rc
from .search import ZERO_FIT, Run, group_maxima, newton
from .tables import Cells, as_cells
from .terms import RC, Homog, Model, Unidiff, linear_design

TWO_WAY_ASSOCIATIONS = ("none", "uniform", "rc", "rc_homog")
DIAGONALS = ("none", "uniform", "full")
LAYERED_ASSOCIATIONS = ("conditional_independence", "constant", "unidiff", "rc_homog_layer")
#: Layered nulls: ``"rc_homog_common"`` is ``rc_homog_layer`` with one
#: association ``mu`` for every layer (the scores shared, one immobility
#: parameter per layer): against it, the likelihood-ratio test of whether the
#: association differs between layers given the scores.
LAYERED_NULLS = ("rc_homog_common",)
#: The layered models with shared homogeneous scores and one diagonal per layer.
LAYERED_HOMOG = ("rc_homog_layer", "rc_homog_common")

#: Seeded random starts per model with a multiplicative term (on top of the
#: deterministic ones), default of :func:`fit_model`: at most this many.
N_RANDOM = 6
#: The random starts stop early once this many in a row have ended at a maximum
#: already found (deviance within ``AGREE_REL`` times the table total); a start
#: that finds a new end point, or is abandoned, resets the count, so where the
#: surface is hard all ``n_random`` are run.
AGREE_STOP = 2
AGREE_REL = 1e-7
#: Newton iterations per start in the first pass of the search (a start not
#: converged by then is resumed after every start has had its first pass).
FIRST_PASS = 40


def _check_name(value, valid, what):
    if value not in valid:
        raise MobilityInputError(f"unknown {what} {value!r}; valid: {', '.join(map(repr, valid))}")


def build_model(cells: Cells, association: str, diagonal: str, layered: bool) -> Model:
    """The :class:`.terms.Model` of a family member on validated cells."""
    if layered:
        lin_assoc = "constant" if association == "constant" else "none"
        diag = "layer" if association in LAYERED_HOMOG else "none"
        X, names = linear_design(cells, lin_assoc, diag, True)
        if association == "rc_homog_common":
            return Model(cells, X, names, Homog(cells, common=True))
        term = {"unidiff": Unidiff, "rc_homog_layer": Homog}.get(association)
    else:
        X, names = linear_design(cells, association if association == "uniform" else "none", diagonal, False)
        term = {"rc": RC, "rc_homog": Homog}.get(association)
    return Model(cells, X, names, term(cells) if term else None)


def _starts(model: Model, y: np.ndarray, n_random: int, seed: int, association: str) -> list[tuple[str, np.ndarray]]:
    """Deterministic and seeded random starts (module docstring of :mod:`.search`)."""
    c = model.cells
    eps = 0.5 * y.sum() / c.N  # scale-equivariant: the starts scale with the table
    ly = np.log(y + eps)
    X = model.X

    def linear(offset):
        return np.linalg.lstsq(X, ly - offset, rcond=None)[0]

    if model.term is None:
        return [("deterministic", linear(0.0))]
    resid = (ly - X @ linear(0.0)).reshape(c.L, c.I, c.J)
    rng = np.random.default_rng(seed)
    term = model.term
    out: list[tuple[str, np.ndarray]] = []
    if isinstance(term, Unidiff):
        gam_model = build_model(c, "constant", "none", True)
        from .search import newton as _newton

        const = _newton(gam_model, np.linalg.lstsq(gam_model.X, ly, rcond=None)[0], y)
        gamma = const.theta[-term.G.shape[1]:]
        tt = [("deterministic", term.start(gamma, np.zeros(term.nb)))]
        tt += [(f"random{k + 1}", term.random(rng, gamma)) for k in range(n_random)]
    else:
        kmax = min(2, c.I - 1, c.J - 1)
        tt = [(f"eigen{k + 1}{'+' if s > 0 else '-'}", term.start(resid, s, k)) for k in range(kmax) for s in (1.0, -1.0)]
        tt += [(f"random{k + 1}", term.random(rng, resid)) for k in range(n_random)]
    for name, t in tt:
        t = term.retract(t)
        out.append((name, np.concatenate([linear(term.eta(t)), t])))
    return out


@dataclass
class FamilyResults:
    """A fitted member of the family (see :func:`fit_model`).

    Attributes
    ----------
    association, diagonal, layer
        The model (``layer``: the layer column, or None for a two-way table).
    deviance, df_resid
        ``G^2`` against the saturated model and its degrees of freedom
        (cells minus free parameters).
    loglik
        Multinomial log-likelihood with the origin (x layer) margins fixed,
        ``sum y log(m / n_origin)``: for ``rc_homog`` + ``uniform`` the
        paper's Table 5 log-likelihood.
    aic, bic
        ``G^2 - 2 df`` and ``G^2 - df log W`` (Raftery 1995; ``W`` the table
        total): relative to the saturated model, so smaller is better and
        models of one table rank as with ``-2 loglik + k log W``.
    dissimilarity
        Index of dissimilarity between counts and fitted values, per cent.
    params, bse
        Normalised estimates and their standard errors (observed
        information unless ``information="expected"``; the delta method
        through the normalisation: scores of unit length, summing to zero,
        last category negative).
    scores, mu, delta, layer_effects
        The parts of ``params`` that apply (None otherwise): ``scores`` a
        frame with ``origin`` and ``destination`` columns; ``mu`` a float or
        one per layer; ``delta`` a float, one per diagonal cell or per layer;
        ``layer_effects`` unidiff's ``beta_l - beta_1`` or the per-layer ``mu_l``.
    fitted
        The long table with the fitted values in column ``fitted``.
    starts, maxima
        One row per start, and one per distinct maximum found (best first).
    converged, mle_exists
        The kept maximum has zero gradient (relative to the table total);
        no parameter runs to infinity. Where the MLE does not exist
        (``mle_exists=False``, ``converged=False``) the likelihood rises
        towards a limit at infinity: ``limit_zero_cells`` (cell indices;
        ``zero_limit`` as a frame) are the zero cells whose fitted values go
        to 0. For ``rc`` the limit is computed on the limiting model
        (:mod:`.limits`; ``limit_finished=True``): ``deviance``,
        ``fitted_values``, ``loglik``, ``aic``, ``bic`` and ``dissimilarity``
        are then the limit's (the supremum of the likelihood on the face of
        the model's closure the path is on; gnm's iterations approach it
        from above), ``df_resid`` the model's, and
        ``params``/``bse`` describe the last point of the path (they run to
        infinity, so are not estimates). Otherwise (``limit_finished=False``)
        they are the values at the point where the iterations stopped.
    """

    association: str
    diagonal: str
    layer: str | None
    cells: Cells = field(repr=False)
    model: Model = field(repr=False)
    theta: np.ndarray = field(repr=False)
    deviance: float
    df_resid: int
    loglik: float
    converged: bool
    mle_exists: bool
    params: pd.Series = field(repr=False)
    bse: pd.Series = field(repr=False)
    fitted_values: np.ndarray = field(repr=False)
    start_rows: list = field(repr=False)
    maxima_rows: list = field(repr=False)
    maxima_columns: list = field(repr=False)
    limit_zero_cells: tuple = ()
    limit_finished: bool = False
    #: the fit of the limiting model (:class:`.limits.Limit`) where ``limit_finished``
    limit: object | None = field(default=None, repr=False)

    @property
    def starts(self) -> pd.DataFrame:
        """One row per start (label, deviance, status, iterations, the maximum it reached)."""
        if "_starts" not in self.__dict__:
            self.__dict__["_starts"] = pd.DataFrame(self.start_rows)
        return self.__dict__["_starts"]

    @property
    def maxima(self) -> pd.DataFrame:
        """One row per distinct maximum (or limit) found, best first: its deviance, status, the
        number of starts that reached it (``n_starts``), the first of them in start order
        (``first_start``, a label of :attr:`starts`) and its ``mu``/``delta`` where the model has them."""
        if "_maxima" not in self.__dict__:
            self.__dict__["_maxima"] = pd.DataFrame(self.maxima_rows, columns=self.maxima_columns)
        return self.__dict__["_maxima"]

    @property
    def total(self) -> float:
        return self.cells.total

    @property
    def zero_limit(self) -> pd.DataFrame:
        """The zero cells whose fitted values go to 0 (MLE at infinity), one row per cell."""
        f = self.fitted
        return f.iloc[list(self.limit_zero_cells)].reset_index(drop=True)

    @property
    def aic(self) -> float:
        return self.deviance - 2.0 * self.df_resid

    @property
    def bic(self) -> float:
        return self.deviance - self.df_resid * math.log(self.total)

    @property
    def dissimilarity(self) -> float:
        return float(50.0 * np.abs(self.cells.y - self.fitted_values).sum() / self.total)

    @property
    def n_params(self) -> int:
        """Free parameters (cells minus ``df_resid``)."""
        return self.model.n_free

    @property
    def fitted(self) -> pd.DataFrame:
        c = self.cells
        out = pd.DataFrame({"origin": np.array(c.origins, dtype=object)[c.row],
                            "destination": np.array(c.destinations, dtype=object)[c.col],
                            "count": c.y, "fitted": self.fitted_values})
        if c.layer_name:
            out.insert(0, c.layer_name, np.array(c.layers, dtype=object)[c.lay])
        return out

    def _pick(self, prefix):
        p = self.params
        sel = [k for k in p.index if k == prefix or k.startswith(prefix + ":")]
        return p[sel]

    @property
    def scores(self) -> pd.DataFrame | None:
        p = self.params
        if not any(k.startswith("phi:") for k in p.index):
            return None
        c = self.cells
        phi = np.array([p[f"phi:{o}"] for o in c.origins])
        psi = (np.array([p[f"psi:{d}"] for d in c.destinations]) if f"psi:{c.destinations[0]}" in p.index
               else phi)
        if c.square:
            return pd.DataFrame({"origin": phi, "destination": psi}, index=list(c.origins))
        return pd.concat({"origin": pd.Series(phi, index=c.origins), "destination": pd.Series(psi, index=c.destinations)}, axis=1)

    @property
    def mu(self):
        s = self._pick("mu")
        if s.empty:
            return None
        return float(s.iloc[0]) if list(s.index) == ["mu"] else s.rename(lambda k: k.split(":", 1)[1])

    @property
    def delta(self):
        s = self._pick("delta")
        if s.empty:
            return None
        return float(s.iloc[0]) if list(s.index) == ["delta"] else s.rename(lambda k: k.split(":", 1)[1])

    @property
    def layer_effects(self) -> pd.Series | None:
        if self.association == "unidiff":
            s = self._pick("layer_effect").rename(lambda k: k.split(":", 1)[1])
            return pd.concat([pd.Series([0.0], index=[self.cells.layers[0]]), s])
        if self.association == "rc_homog_layer":
            return self.mu
        return None

    def summary(self) -> str:
        """A short text summary: the model, fit statistics, the estimates of
        interest with standard errors, and the distinct maxima."""
        lines = [
            f"Mobility model: association={self.association!r}"
            + (f", diagonal={self.diagonal!r}" if self.layer is None else f", layer={self.layer!r}"),
            f"cells {self.cells.N}, total {self.total:.6g}, free parameters {self.n_params}",
            f"deviance G2 {self.deviance:.6f} on {self.df_resid} df; BIC {self.bic:.4f}; AIC {self.aic:.4f}; "
            f"dissimilarity {self.dissimilarity:.3f}%; loglik {self.loglik:.6f}",
            f"converged {self.converged}; MLE exists {self.mle_exists}; distinct maxima found {len(self.maxima_rows)}",
        ]
        keep = [k for k in self.params.index if not k.startswith(("(intercept)", "origin:", "destination:", "gamma:"))
                and "|origin:" not in k and "|destination:" not in k]
        if keep:
            tab = pd.DataFrame({"estimate": self.params[keep], "se": self.bse[keep]})
            lines.append(tab.to_string(float_format=lambda v: f"{v:.6f}"))
        if len(self.maxima) > 1:
            lines.append("distinct maxima:\n" + self.maxima.to_string(index=False))
        return "\n".join(lines)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.summary()


def _normalised(model: Model, theta: np.ndarray, cov: np.ndarray | None) -> tuple[pd.Series, pd.Series]:
    """Named normalised parameters and standard errors: scores mapped from
    the Helmert coordinates to unit-length sum-zero vectors with the last
    category negative, the association scaled to match.

    The normalised parameters do not change along the model's invariance
    directions (scores times ``c``, association divided by ``c**2``, or by
    ``c d`` for RC(1)), so their standard errors are the delta method with
    the Jacobian of the normalisation (``_unit`` below) applied to the
    covariance of the free coordinates, whichever gauge that covariance was
    computed in."""
    c = model.cells
    pL = model.pL
    names = list(model.linear_names)
    T = np.eye(pL, model.p)  # Jacobian of the reported parameters in theta
    rows = [T]
    vals = [theta[:pL]]
    term = model.term
    t = theta[pL:]
    if isinstance(term, Homog):
        mu, a = term.split(t)
        u, dU, n2 = _unit(term.H, a)
        s = -1.0 if u[-1] > 0 else 1.0
        names += ["mu"] if term.n_mu == 1 else [f"mu:{k}" for k in c.layers]
        names += [f"phi:{o}" for o in c.origins]
        M = np.zeros((term.n_mu + c.J, model.p))
        # mu_l ||a||^2 and s H a / ||a||
        M[: term.n_mu, pL: pL + term.n_mu] = n2 * np.eye(term.n_mu)
        M[: term.n_mu, pL + term.n_mu:] = 2.0 * np.outer(mu, a)
        M[term.n_mu:, pL + term.n_mu:] = s * dU
        rows.append(M)
        vals.append(np.concatenate([mu, s * (term.H @ a)]))  # ||a|| = 1 at a search's point (retracted)
    elif isinstance(term, RC):
        mu, a, b = term.split(t)
        u, dU, na2 = _unit(term.HI, a)
        _, dW, nb2 = _unit(term.HJ, b)
        na, nb = np.sqrt(na2), np.sqrt(nb2)
        su = -1.0 if u[-1] > 0 else 1.0
        sw = su * (1.0 if mu >= 0 else -1.0)
        names += ["mu"] + [f"phi:{o}" for o in c.origins] + [f"psi:{d}" for d in c.destinations]
        M = np.zeros((1 + c.I + c.J, model.p))
        # mu ||a|| ||b|| (signed), su H_I a / ||a||, sw H_J b / ||b||
        M[0, pL] = su * sw * na * nb
        M[0, pL + 1: pL + c.I] = su * sw * mu * (nb / na) * a
        M[0, pL + c.I:] = su * sw * mu * (na / nb) * b
        M[1: 1 + c.I, pL + 1: pL + c.I] = su * dU
        M[1 + c.I:, pL + c.I:] = sw * dW
        rows.append(M)
        vals.append(np.concatenate([[mu * su * sw], su * (term.HI @ a), sw * (term.HJ @ b)]))  # unit a, b (retracted)
    elif isinstance(term, Unidiff):
        names += term.names()
        M = np.zeros((term.size, model.p))
        M[:, pL:] = np.eye(term.size)
        rows.append(M)
        vals.append(t)
    T = np.vstack(rows)
    est = np.concatenate(vals)
    if cov is None:
        se = np.full(est.shape, np.nan)
    else:
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", T, cov, T), 0.0, None))
    return pd.Series(est, index=names), pd.Series(se, index=names)


def _unit(H: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The unit-length scores ``H a / ||a||``, their Jacobian in ``a``
    (``H (I - a a'/||a||^2) / ||a||``; ``H`` orthonormal) and ``||a||^2``."""
    n2 = float(a @ a)
    n = np.sqrt(n2)
    return H @ a / n, H @ (np.eye(a.size) - np.outer(a, a) / n2) / n, n2


def fit_model(
    table,
    association: str = "rc_homog",
    diagonal: str | None = None,
    *,
    layer: str | None = None,
    n_random: int = N_RANDOM,
    seed: int = 20070415,
    warn: bool = True,
    information: str = "observed",
) -> FamilyResults:
    """Fit one member of the mobility-model family by Poisson maximum
    likelihood with a search for the global maximum.

    Two-way: ``log m_ij = lambda + lambda^O_i + lambda^D_j + [diagonal] +
    [association]``, the association none, ``mu i j`` (uniform), ``mu phi_i
    psi_j`` (rc) or ``mu phi_i phi_j`` (rc_homog, ``mu`` of either sign), the
    diagonal none, ``delta 1[i=j]`` (uniform) or ``delta_i 1[i=j]`` (full).
    Layered: the same with origin x layer and destination x layer margins
    and the association conditional_independence, constant, unidiff
    (``exp(beta_l) gamma_ij``) or rc_homog_layer (``mu_l phi_i phi_j +
    delta_l 1[i=j]``).

    Parameters
    ----------
    table
        Long DataFrame with columns ``origin``, ``destination``, ``count``
        (and ``layer``), or a square DataFrame (index = origin, columns =
        destination, aligned by label), or a 2-D array; counts may be
        weighted (non-integer). Category order (the uniform model's integer
        scores 1..J): a pandas Categorical's order, else the order of first
        appearance in the frame, else the square frame's index order.
    association
        Two-way: ``"none"``, ``"uniform"``, ``"rc"``, ``"rc_homog"``.
        Layered: ``"conditional_independence"``, ``"constant"``,
        ``"unidiff"``, ``"rc_homog_layer"``; and ``"rc_homog_common"``, the
        last with one ``mu`` for every layer (its null: does the association
        differ between layers, given the scores?).
    diagonal
        Two-way only: ``"none"`` (default), ``"uniform"``, ``"full"``.
    layer
        Name of the layer column of a long table (a layered model).
    n_random
        At most this many seeded random starts on top of the deterministic
        ones (models with a multiplicative term).
    seed
        Seed of the random starts.
    warn
        Warn when distinct maxima are found, when the MLE does not exist, or
        when the information is singular.
    information
        The information behind ``bse``: ``"observed"`` (the Hessian; default)
        or ``"expected"`` (Fisher's, what R's gnm reports). They differ for the
        multiplicative terms only, by the residuals times the curvature.

    Examples
    --------
    A square table (index = origin, columns = destination, aligned by
    label) and the paper's model form; the search finds two maxima here and
    keeps the better one:

    >>> import numpy as np, pandas as pd
    >>> from hukoumob.mobility import fit_model
    >>> classes = ["I", "II", "III", "IV"]
    >>> t = pd.DataFrame([[40., 15, 8, 3], [14, 45, 20, 9],
    ...                   [7, 18, 50, 21], [2, 8, 22, 48]],
    ...                  index=classes, columns=classes)
    >>> res = fit_model(t, association="rc_homog", diagonal="uniform",
    ...                 warn=False)
    >>> round(res.deviance, 3), res.df_resid, round(res.bic, 2)
    (0.593, 5, -28.4)
    >>> round(res.dissimilarity, 2)        # per cent
    1.64
    >>> round(res.mu, 3), round(res.delta, 3), res.converged
    (2.552, 0.683, True)
    >>> res.scores["origin"].round(3).tolist()
    [0.693, 0.202, -0.249, -0.646]
    >>> res.maxima[["deviance", "mu"]].round(3)
       deviance     mu
    0     0.593  2.552
    1    19.126 -1.407

    A layered table in long form: Xie's uniform difference between two
    cohorts (the second with weaker association):

    >>> young = np.round(np.sqrt(t) * 6)
    >>> def as_long(x, cohort):
    ...     x = x.stack().rename("count").rename_axis(["origin", "destination"])
    ...     return x.reset_index().assign(cohort=cohort)
    >>> long = pd.concat([as_long(t, "old"), as_long(young, "young")])
    >>> ud = fit_model(long, "unidiff", layer="cohort")
    >>> ud.layer_effects.round(2).tolist()
    [0.0, -0.68]

    A model whose maximum likelihood estimate does not exist is reported as
    such, never as converged:

    >>> res = fit_model(np.diag([10., 20, 30]), "none", "full", warn=False)
    >>> res.converged, res.mle_exists
    (False, False)
    """
    layered = layer is not None
    if layered:
        _check_name(association, LAYERED_ASSOCIATIONS + LAYERED_NULLS, "layered association")
        if diagonal not in (None, "none"):
            raise MobilityInputError(
                "diagonal applies to two-way models only ('rc_homog_layer' has one uniform diagonal per layer, "
                "'constant' and 'unidiff' include the diagonal cells in the full interaction)"
            )
        diagonal = "none"
        square = association in LAYERED_HOMOG
    else:
        if association in LAYERED_ASSOCIATIONS + LAYERED_NULLS:
            raise MobilityInputError(f"association {association!r} needs a layered table: pass layer=COLUMN")
        _check_name(association, TWO_WAY_ASSOCIATIONS, "association")
        diagonal = "none" if diagonal is None else diagonal
        _check_name(diagonal, DIAGONALS, "diagonal")
        square = association == "rc_homog" or diagonal != "none"
    cells = as_cells(table, layer, square_required=square)
    if association in ("rc", "rc_homog", *LAYERED_HOMOG) and min(cells.I, cells.J) < 3:
        raise MobilityInputError(f"association {association!r} needs at least 3 categories; got {cells.I} x {cells.J}")
    _check_name(information, ("observed", "expected"), "information")
    model = build_model(cells, association, diagonal, layered)
    return fit_cells(cells, model, association, diagonal, layer, n_random=n_random, seed=seed, warn=warn,
                     information=information)


def fit_cells(cells: Cells, model: Model, association: str, diagonal: str, layer, *, n_random: int = N_RANDOM,
              seed: int = 20070415, warn: bool = True, information: str = "observed") -> FamilyResults:
    """:func:`fit_model` on validated cells and a built model (the global search)."""
    y = cells.y
    W = cells.total
    runs: list[Run] = []
    best_dev = np.inf
    found: list[float] = []  # deviances of the end points reached so far (not abandoned)
    agreeing = 0  # random starts in a row that ended at an end point already found
    for name, theta in _starts(model, y, n_random, seed, association):
        # first pass: at most FIRST_PASS iterations per start; slow starts are resumed below
        run = newton(model, theta, y, label=name, abandon_above=best_dev + 1e-3 * W, best=best_dev,
                     max_iter=FIRST_PASS)
        runs.append(run)
        ok = "(abandoned)" not in run.label and np.isfinite(run.deviance) and not run.paused
        if name.startswith("random"):
            known = ok and any(abs(run.deviance - f) <= AGREE_REL * W + 1e-9 * abs(f) for f in found)
            agreeing = agreeing + 1 if known else 0
        if ok:
            found.append(run.deviance)
            best_dev = min(best_dev, run.deviance)
        if agreeing >= AGREE_STOP:
            break  # the random starts keep returning maxima already found: stop
    # second pass: the slow starts (creeping towards a limit, or a slow maximum) resumed with the best
    # deviance of every start known, so that those far above it are abandoned at once
    for i, run in enumerate(runs):
        if run.paused:
            run = newton(model, None, y, abandon_above=best_dev + 1e-3 * W, best=best_dev, resume=run)
            runs[i] = run
            if "(abandoned)" not in run.label and np.isfinite(run.deviance):
                best_dev = min(best_dev, run.deviance)
    groups = group_maxima(runs, W)
    # limits at infinity: finish each distinct one on its limiting model (:mod:`.limits`)
    finished: dict[int, object] = {}
    for k, grp in enumerate(groups):
        if runs[grp[0]].status == "limit" and not layer:
            lim, runs[grp[0]] = _finish_limit(model, runs[grp[0]], y, diagonal, W)
            if lim is not None:
                finished[k] = lim
    if groups:
        dev_of_group = [finished[k].deviance if k in finished else runs[g[0]].deviance for k, g in enumerate(groups)]
        kbest = int(np.argmin(dev_of_group))
        best = runs[groups[kbest][0]]
        limit = finished.get(kbest)
    else:
        best = min(runs, key=lambda r: r.deviance if np.isfinite(r.deviance) else np.inf)
        limit = None
    m = np.exp(model.eta(best.theta)) if limit is None else limit.fitted
    # information at the kept point
    from .search import derivatives

    _, g, A, F = derivatives(model, best.theta, y, expected=True)
    if information == "expected":
        A = F
    B = model.free_basis(best.theta)
    if B is not None:
        A = B.T @ A @ B
    A = 0.5 * (A + A.T)
    cov = None
    w = np.linalg.eigvalsh(A) if A.size else np.array([1.0])
    if w[0] > 1e-10 * max(w[-1], 1e-300):
        Ai = np.linalg.inv(A)
        cov = Ai if B is None else B @ Ai @ B.T
    elif warn and not best.diverged:
        warnings.warn(
            f"information matrix singular at the estimate (smallest/largest eigenvalue {w[0]:.3g}/{w[-1]:.3g}): "
            "a parameter is not identified (e.g. association 0 leaves the scores free); no standard errors",
            IdentificationWarning, stacklevel=3)
    params, bse = _normalised(model, best.theta, cov)
    mle_exists = bool(best.converged and not best.diverged)
    deviance = best.deviance if limit is None else limit.deviance
    if limit is not None:
        zero_cells = tuple(int(i) for i in limit.zero_cells)
    elif not mle_exists:
        zero_cells = tuple(int(i) for i in np.flatnonzero((y == 0) & (m < ZERO_FIT * W)))
    else:
        zero_cells = ()
    if not mle_exists and warn and best.status == "limit":
        names = ", ".join(_cell_label(cells, i) for i in zero_cells)
        warnings.warn(
            f"{association}/{diagonal}: the likelihood rises towards a limit at infinity ("
            + (f"the fitted values of the zero cells {names} go to 0" if zero_cells else "the iterations stall with a "
               f"non-zero gradient, {best.grad:.3g} of the total")
            + (f"; G2 -> {deviance:.9g}, the limit, computed on the limiting model" if limit is not None
               else f"; G2 -> {deviance:.6g} approached, the limit not computed")
            + "): the maximum likelihood estimate does not exist; not converged",
            MobilityConvergenceWarning, stacklevel=3)
    elif not best.converged and warn:
        warnings.warn(f"{association}/{diagonal}: no start converged (gradient {best.grad:.3g} relative to the total)",
                      MobilityConvergenceWarning, stacklevel=3)
    max_of = {i: k for k, grp in enumerate(groups) for i in grp}
    mu_name = "mu" if "mu" in params.index else None

    lin = list(model.linear_names)
    term = model.term

    def key_stats(theta):
        """``mu`` and ``delta`` of an end point, as :func:`_normalised` reports them (without pandas)."""
        out = {}
        if "mu" in lin:
            out["mu"] = float(theta[lin.index("mu")])
        elif isinstance(term, Homog) and term.n_mu == 1:
            out["mu"] = float(theta[model.pL])
        elif isinstance(term, RC):
            out["mu"] = abs(float(theta[model.pL]))
        if "delta" in lin:
            out["delta"] = float(theta[lin.index("delta")])
        return out

    start_rows = []
    for i, r in enumerate(runs):
        row = {"start": r.label, "deviance": r.deviance, "status": r.status, "converged": r.converged,
               "diverged": r.diverged,
               "iterations": r.iterations, "grad_rel": r.grad,
               "maximum": max_of.get(i, -1)}
        row.update(key_stats(r.theta))
        start_rows.append(row)
    maxima_rows = []
    for k, grp in enumerate(groups):
        r = runs[grp[0]]
        row = {"maximum": k, "deviance": finished[k].deviance if k in finished else r.deviance,
               "status": r.status, "n_starts": len(grp),
               "first_start": runs[min(grp)].label}  # the first start, in start order, that reached it
        row.update(key_stats(r.theta))
        maxima_rows.append(row)
    order = sorted(range(len(maxima_rows)), key=lambda k: maxima_rows[k]["deviance"])
    if order != list(range(len(maxima_rows))):
        renum = {old: new for new, old in enumerate(order)}
        maxima_rows = [dict(maxima_rows[k], maximum=renum[k]) for k in order]
        for row in start_rows:
            if row["maximum"] >= 0:
                row["maximum"] = renum[row["maximum"]]
    maxima_columns = (["maximum", "deviance", "status", "n_starts", "first_start"]
                      + ([mu_name] if mu_name else []) + (["delta"] if "delta" in params.index else []))
    if warn and len(groups) > 1:
        desc = "; ".join(
            f"G2={row['deviance']:.6g} ({row['status']})" + (f", mu={row['mu']:.6g}" if "mu" in row else "")
            + (f", delta={row['delta']:.6g}" if "delta" in row else "") + f" ({row['n_starts']} starts)"
            for row in maxima_rows)
        warnings.warn(f"{association}/{diagonal}: {len(groups)} distinct maxima found, kept the best: {desc}",
                      StartsDisagreeWarning, stacklevel=3)
    rowtot = np.bincount(cells.lay * cells.I + cells.row, weights=y, minlength=cells.L * cells.I)
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = float(xlogy(y, m).sum() - xlogy(rowtot, rowtot).sum())
    return FamilyResults(
        association=association, diagonal=diagonal, layer=layer, cells=cells, model=model, theta=best.theta,
        deviance=deviance, df_resid=int(cells.N - model.n_free), loglik=ll,
        converged=bool(best.converged), mle_exists=mle_exists, params=params, bse=bse, fitted_values=m,
        start_rows=start_rows, maxima_rows=maxima_rows, maxima_columns=maxima_columns,
        limit_zero_cells=zero_cells, limit_finished=limit is not None, limit=limit,
    )


def _cell_label(cells: Cells, i: int) -> str:
    lab = f"({cells.origins[cells.row[i]]}, {cells.destinations[cells.col[i]]}"
    return lab + (f", {cells.layers[cells.lay[i]]})" if cells.layer_name else ")")


#: Newton iterations a diverging path is continued by to check that it does
#: not pass below the limit computed from its end point (:func:`_finish_limit`).
LIMIT_CHECK = 200


def _finish_limit(model: Model, run: Run, y: np.ndarray, diagonal: str, W: float):
    """The limit of a diverging run on its limiting model (:mod:`.limits`),
    checked against the path: the run is continued by ``LIMIT_CHECK``
    iterations, and where it passes below the computed limit (it is heading
    to another face) the limit is recomputed from the new end point, at most
    three times. Returns ``(limit or None, the run as continued)``."""
    r = run
    for _ in range(3):
        try:
            lim = finish_rc(model, r.theta, y, diagonal)
        except (np.linalg.LinAlgError, ValueError):  # a degenerate limiting model: left as approached
            lim = None
        if lim is None or lim.deviance > r.deviance + 1e-12 * W:
            return None, r
        fresh = dataclasses.replace(r, history=[], paused=True, label=r.label.split(" (")[0])
        more = newton(model, None, y, resume=fresh, max_iter=r.iterations + 1 + LIMIT_CHECK)
        if more.deviance < r.deviance:
            more.label = r.label
            r = more
        if more.deviance >= lim.deviance - 1e-12 * W:
            return lim, r
    return None, r


def fit_family(table, *, n_random: int = N_RANDOM, seed: int = 20070415, warn: bool = False) -> dict:
    """The twelve two-way models of one table, ``{(association, diagonal): FamilyResults}``.

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.mobility import fit_family
    >>> t = np.array([[40., 15, 8, 3], [14, 45, 20, 9],
    ...               [7, 18, 50, 21], [2, 8, 22, 48]])
    >>> fits = fit_family(t)
    >>> len(fits), round(fits[("uniform", "uniform")].deviance, 2)
    (12, 1.06)
    """
    return {(a, d): fit_model(table, a, d, n_random=n_random, seed=seed, warn=warn)
            for a in TWO_WAY_ASSOCIATIONS for d in DIAGONALS}


def fit_statistics(results: dict) -> pd.DataFrame:
    """One row per fitted model: deviance, df, BIC, AIC, dissimilarity,
    loglik, the number of distinct maxima and whether it converged.

    Examples
    --------
    >>> import numpy as np
    >>> from hukoumob.mobility import fit_family, fit_statistics
    >>> t = np.array([[40., 15, 8, 3], [14, 45, 20, 9],
    ...               [7, 18, 50, 21], [2, 8, 22, 48]])
    >>> stats = fit_statistics(fit_family(t)).set_index("model")
    >>> some = ["none/none", "uniform/uniform", "rc_homog/uniform"]
    >>> stats.loc[some, ["deviance", "df", "bic"]].round(2)
                      deviance  df    bic
    model
    none/none           173.90   9  121.71
    uniform/uniform       1.06   7 -39.53
    rc_homog/uniform      0.59   5 -28.40
    """
    rows = []
    for key, r in results.items():
        rows.append({"model": key if isinstance(key, str) else "/".join(key), "deviance": r.deviance,
                     "df": r.df_resid, "bic": r.bic, "aic": r.aic, "dissimilarity": r.dissimilarity,
                     "loglik": r.loglik, "maxima": len(r.maxima_rows), "converged": r.converged})
    return pd.DataFrame(rows)
