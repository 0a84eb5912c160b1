"""Results of a Table 5 fit: estimates, standard errors, fit statistics, the
Table 5 long rows, and the pieces a design-based variance needs.

Counting conventions (paper, Table 5 Panel E)
---------------------------------------------
``N``
    The paper prints persons x alternatives (its Model 1 row is 2,844 men x 6
    classes): ``n_paper = n_persons * J``, where ``n_persons`` is the
    unweighted number of records (for a table fit, the table total unless
    ``n_persons`` was given). ``sum_weights`` is the weighted count.
``loglik``
    ``sum_i w_i log P(y_i | x_i, v_i)``: the conditional multinomial
    log-likelihood (origin margins fixed).
``lr_chi2``
    ``2 (loglik - loglik_null)``. Two nulls are available: ``"marginal"``
    (intercepts only, ``sum_q W_q log(W_q / W)``: destinations' margin, the
    textbook null) and ``"uniform"`` (every coefficient zero, ``-W log J``:
    what Stata's ``clogit`` reports as its LR chi2 when the intercepts are
    alternative-specific dummies, as in Hendrickx's ``mclest``).
``df``
    ``df_model`` is the true number of free parameters beyond the intercepts:
    ``(J-2)`` scores (two normalisations) + ``delta`` + ``mu0`` + ``T`` + ``K``
    (6 for Models 1, 2, 3a with ``J = 6``). ``df_paper`` counts ``J-1``
    scores (only the sum-to-zero restriction), one more: 7, 8 and 12 for
    Models 1-3a, 3b and 3c.
Standard errors
    Model-based, from the observed (default) or expected information, either
    accounting for the estimated scores (``scores="estimated"``: the
    constrained covariance of :mod:`.fit`; default of :meth:`summary`) or
    conditional on them (``scores="fixed"``: the paper's convention, default
    of :meth:`MobilityResults.to_table5_rows`).

Re-fitting Models 1, 2 and 3a to the weighted Tables 3-4 shows which
conventions the paper used: its LR chi2 matches the ``"uniform"`` null, its
standard errors match ``scores="fixed"``, and its log-likelihoods are ours
scaled up by the ratio of its weight total to the weighted N of Tables 3-4
(weights summing to about 1.6 per cent more than the number of men; see
DESIGN.md).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hukoumob.inputs.schema import SCHEMAS
from .errors import IdentificationWarning
from .geometry import free_basis
from .likelihood import derivatives, log_probabilities, score_contributions
from .spec import MobilityData, ParamLayout

_BLOCKS = ("intercept", "scaling", "immobility", "association", "covariate")


def _names_for(values, names):
    """Names to pass with a plain covariate array (DataFrames bring their own)."""
    if values is None or isinstance(values, (pd.DataFrame, pd.Series)):
        return None
    return names


def _pvalue(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0)) if np.isfinite(z) else float("nan")


@dataclass
class MobilityResults:
    """Estimates of the multinomial conditional logit with log-multiplicative
    association (quasi-RC II / stereotype ordered regression; paper eqs. 1-4,
    Table 5).

    Attributes
    ----------
    beta
        Full normalised parameter vector (``params`` gives it with names):
        intercepts ``a:<class>`` (``a[ref] = 0``), scores ``phi:<class>``
        (sum 0, sum of squares 1, ``phi[sign_ref] < 0``), ``delta``
        (immobility, Panel B), ``mu0`` (overall association, Panel C),
        ``mu:<t>`` (association x covariate, Panel C), ``b:<x>`` (stereotype
        covariate effects, Panel D).
    loglik, loglik_null, loglik_uniform
        Log-likelihood at the estimate, under intercepts only, and under all
        coefficients zero (module docstring).
    converged, iterations, newton_decrement, grad_norm
        Convergence of the best start (``grad_norm``: max abs score in free
        coordinates).
    starts (property), starts_agree
        One row per start (log-likelihood, convergence, iterations, largest
        parameter difference from the best) and whether all starts converged
        to the same log-likelihood within ``start_tol``.
    information_observed, information_expected
        Information matrices in free coordinates (``free_names``).
    basis
        ``p x n_free`` map from free coordinates to ``beta`` (see
        :mod:`.fit`).
    """

    data: MobilityData = field(repr=False)
    beta: np.ndarray
    loglik: float
    loglik_null: float
    loglik_uniform: float
    converged: bool
    iterations: int
    newton_decrement: float
    grad_norm: float
    start_records: list = field(repr=False)
    starts_agree: bool
    information_observed: np.ndarray = field(repr=False)
    information_expected: np.ndarray = field(repr=False)
    basis: np.ndarray = field(repr=False)

    # ---------------------------------------------------------------- building
    @classmethod
    def _from_fit(cls, *, data, beta, converged, iterations, newton_decrement, start_rows, starts_agree):
        layout = data.layout
        ll, g, H1, S = derivatives(beta, data)
        B = free_basis(beta, layout)
        W = data.sum_weights
        Wq = data.counts.sum(axis=0)
        pos = Wq > 0
        ll0 = float(np.sum(Wq[pos] * np.log(Wq[pos] / W)))
        info_obs = B.T @ (H1 - S) @ B
        info_exp = B.T @ H1 @ B
        res = cls(
            data=data,
            beta=beta,
            loglik=ll,
            loglik_null=ll0,
            loglik_uniform=-W * math.log(layout.J),
            converged=converged,
            iterations=iterations,
            newton_decrement=newton_decrement,
            grad_norm=float(np.max(np.abs(B.T @ g))),
            start_records=start_rows,
            starts_agree=starts_agree,
            information_observed=0.5 * (info_obs + info_obs.T),
            information_expected=0.5 * (info_exp + info_exp.T),
            basis=B,
        )
        res._check_identification()
        return res

    def _check_identification(self) -> None:
        for kind, A in (("observed", self.information_observed), ("expected", self.information_expected)):
            w = np.linalg.eigvalsh(A)
            if w[0] <= 1e-10 * max(w[-1], 1e-300):
                warnings.warn(
                    f"{kind} information matrix is (nearly) singular "
                    f"(smallest/largest eigenvalue {w[0]:.3g}/{w[-1]:.3g}): "
                    "a parameter is not identified (e.g. association near 0 leaves "
                    "the scores free); standard errors are unreliable",
                    IdentificationWarning,
                    stacklevel=5,
                )
                return

    # ------------------------------------------------------------- parameters
    @property
    def starts(self) -> pd.DataFrame:
        """One row per start: ``start`` (deterministic, or given, / randomK), ``loglik``,
        ``converged``, ``iterations``, ``newton_decrement`` (at the last
        evaluated point), ``mu0`` and ``delta`` reached,
        ``max_abs_diff_from_best`` (largest difference of the normalised
        parameters from the kept estimate) and ``method`` (``newton``, or
        ``newton/trust-region`` if the information was indefinite on the
        way)."""
        return pd.DataFrame(self.start_records)

    @property
    def layout(self) -> ParamLayout:
        """Parameter layout (categories, covariate names, reference classes)."""
        return self.data.layout

    @property
    def names(self) -> list[str]:
        """Names of the full parameter vector."""
        return self.layout.names

    @property
    def free_names(self) -> list[str]:
        """Names of the free coordinates (rows of ``information_*``, columns of
        ``score_contributions``); ``phi_tangent:k`` are the ``J-2`` free
        directions of the scores (columns of ``basis``)."""
        L = self.layout
        return (
            [f"a:{c}" for i, c in enumerate(L.categories) if i != L.ref]
            + [f"phi_tangent:{k}" for k in range(1, L.J - 1)]
            + ["delta", "mu0"]
            + [f"mu:{k}" for k in L.t_names]
            + [f"b:{k}" for k in L.x_names]
        )

    @property
    def params(self) -> pd.Series:
        """Normalised estimates, named (see class docstring)."""
        return pd.Series(self.beta, index=self.names, name="est")

    @property
    def phi(self) -> pd.Series:
        """Class scores ``phi`` (Table 5 Panel A), indexed by class."""
        L = self.layout
        return pd.Series(self.beta[L.phi], index=list(L.categories), name="phi")

    @property
    def delta(self) -> float:
        """Uniform immobility parameter (Table 5 Panel B)."""
        return float(self.beta[self.layout.delta])

    @property
    def mu0(self) -> float:
        """Overall (baseline) association ``mu_0`` (Table 5 Panel C)."""
        return float(self.beta[self.layout.mu0])

    def cov_params(self, information: str = "observed", scores: str = "estimated") -> pd.DataFrame:
        """Model-based covariance of the full normalised parameter vector.

        Parameters
        ----------
        information
            ``"observed"`` (analytic Hessian; default) or ``"expected"``
            (Fisher information, what GLM software such as R's ``gnm``
            reports).
        scores
            ``"estimated"`` (default): the constrained covariance
            ``B A^{-1} B'`` that accounts for estimating the scores (the
            ``phi`` block is the delta-method covariance of the normalised
            scores, rank ``J-2``). ``"fixed"``: covariance of the other
            parameters treating the scores as known (the inverse of the
            information block without the score directions), i.e. what a
            conditional logit run at the estimated scores reports; ``phi``
            rows are zero.
        """
        A = self.information(information)
        B = self.basis
        keep = self.free_indices(scores)
        Ak = A[np.ix_(keep, keep)]
        try:
            inv = np.linalg.inv(Ak)
        except np.linalg.LinAlgError:
            inv = np.linalg.pinv(Ak)
        Bk = B[:, keep]
        V = Bk @ inv @ Bk.T
        return pd.DataFrame(0.5 * (V + V.T), index=self.names, columns=self.names)

    def free_indices(self, scores: str = "estimated") -> np.ndarray:
        """Positions (in ``free_names``) of the free coordinates behind a
        covariance: all of them for ``scores="estimated"``; without the
        ``J-2`` score directions for ``scores="fixed"`` (the paper's
        conditional-on-scores convention). Use with ``information()``,
        ``score_contributions()`` and ``basis`` for design-based variances."""
        n_free = self.layout.n_free
        J = self.layout.J
        if scores == "estimated":
            return np.arange(n_free)
        if scores == "fixed":
            return np.r_[0 : J - 1, 2 * J - 3 : n_free]
        raise ValueError("scores must be 'estimated' or 'fixed'")

    def standard_errors(self, information: str = "observed", scores: str = "estimated") -> pd.Series:
        """Standard errors (NaN for the fixed ``a[ref]`` and, with
        ``scores="fixed"``, for the scores); arguments as in :meth:`cov_params`."""
        v = np.diag(self.cov_params(information, scores).to_numpy()).copy()
        se = np.sqrt(np.clip(v, 0, None))
        se[v <= 1e-300] = np.nan
        return pd.Series(se, index=self.names, name="se")

    @property
    def bse(self) -> pd.Series:
        """Standard errors with the defaults of :meth:`standard_errors`."""
        return self.standard_errors()

    # -------------------------------------------------------------- fit stats
    @property
    def lr_chi2(self) -> float:
        """``2 (loglik - loglik_null)``, against the intercepts-only model."""
        return 2.0 * (self.loglik - self.loglik_null)

    @property
    def lr_chi2_uniform(self) -> float:
        """``2 (loglik - loglik_uniform)``, against all coefficients zero."""
        return 2.0 * (self.loglik - self.loglik_uniform)

    @property
    def df_model(self) -> int:
        """Free parameters beyond the intercepts: ``(J-2) + 2 + T + K``."""
        L = self.layout
        return (L.J - 2) + 2 + L.T + L.K

    @property
    def df_paper(self) -> int:
        """The paper's count (Table 5 Panel E): ``(J-1) + 2 + T + K``."""
        return self.df_model + 1

    @property
    def n_persons(self) -> float:
        """Unweighted persons (records; for a table, see ``MobilityData``)."""
        return self.data.n_persons

    @property
    def sum_weights(self) -> float:
        """Weighted number of persons."""
        return self.data.sum_weights

    @property
    def n_paper(self) -> float:
        """The paper's ``N``: persons x alternatives (``n_persons * J``)."""
        return self.data.n_persons * self.layout.J

    def fit_statistics(self) -> pd.Series:
        """Panel E quantities and convergence diagnostics as a Series."""
        return pd.Series(
            {
                "n_persons": self.n_persons,
                "sum_weights": self.sum_weights,
                "n_paper": self.n_paper,
                "loglik": self.loglik,
                "loglik_null": self.loglik_null,
                "loglik_uniform": self.loglik_uniform,
                "lr_chi2": self.lr_chi2,
                "lr_chi2_uniform": self.lr_chi2_uniform,
                "df_model": self.df_model,
                "df_paper": self.df_paper,
                "converged": self.converged,
                "iterations": self.iterations,
                "grad_norm": self.grad_norm,
                "starts_agree": self.starts_agree,
            },
            dtype=object,
        )

    # ----------------------------------------------------------------- tables
    def summary(self, information: str = "observed", scores: str = "estimated") -> pd.DataFrame:
        """Tidy table of estimates: one row per parameter with columns
        ``parameter, block, term, est, se, z, p`` (two-sided normal p).

        ``block`` is one of intercept / scaling (Panel A) / immobility (B) /
        association (C) / covariate (D); ``term`` is the class or covariate.
        """
        L = self.layout
        se = self.standard_errors(information, scores).to_numpy()
        rows = []
        for i, name in enumerate(self.names):
            if i < L.J:
                block, term = "intercept", L.categories[i]
            elif i < 2 * L.J:
                block, term = "scaling", L.categories[i - L.J]
            elif i == L.delta:
                block, term = "immobility", "immobility"
            elif i == L.mu0:
                block, term = "association", "overall"
            elif i < L.b.start:
                block, term = "association", L.t_names[i - L.mu_t.start]
            else:
                block, term = "covariate", L.x_names[i - L.b.start]
            z = self.beta[i] / se[i] if np.isfinite(se[i]) else np.nan
            rows.append(
                {"parameter": name, "block": block, "term": term, "est": self.beta[i],
                 "se": se[i], "z": z, "p": _pvalue(z)}
            )
        return pd.DataFrame(rows)

    def to_table5_rows(
        self,
        model_name: str,
        *,
        null: str = "uniform",
        df: str = "paper",
        information: str = "observed",
        scores: str = "fixed",
        n: str = "paper",
    ) -> pd.DataFrame:
        """Rows in the Table 5 long schema (``model, panel, term, statistic,
        value``; :data:`hukoumob.inputs.schema.SCHEMAS` ``["table5"]``).

        Panels: ``A_scaling`` (one ``est`` per class score), ``B_immobility``
        (``delta``: est, se, p), ``C_association`` (``overall_association`` =
        ``mu0`` and ``association_x_<t>`` per ``mu_t``), ``D_covariates``
        (``b`` per ``x`` name), ``fit`` (``N``, ``loglik``, ``lr_chi2``,
        ``df``; statistic ``est``).

        Parameters
        ----------
        model_name
            ``model1``, ``model2``, ``model3a``, ``model3b`` or ``model3c``.
        null
            Null model of ``lr_chi2``: ``"uniform"`` (all coefficients zero,
            the clogit convention; default, see the module docstring) or
            ``"marginal"`` (intercepts only).
        df
            ``"paper"`` (``df_paper``; default) or ``"model"`` (``df_model``).
        information, scores
            Passed to :meth:`standard_errors`. The default ``scores="fixed"``
            follows the paper: its standard errors are those of a conditional
            logit at the estimated scores (it prints none for the scores), and
            they are reproduced that way; ``scores="estimated"`` gives the
            larger standard errors that account for estimating the scores.
        n
            ``"paper"`` (persons x alternatives; default) or ``"weighted"``
            (``sum_weights``).
        """
        schema = SCHEMAS["table5"]
        if model_name not in schema.allowed["model"]:
            raise ValueError(f"model_name must be one of {schema.allowed['model']}")
        allowed_terms = set(schema.allowed["term"])
        L = self.layout
        se = self.standard_errors(information, scores)
        rows: list[tuple] = []

        def add(panel, term, stat, value):
            if term not in allowed_terms:
                raise ValueError(
                    f"term {term!r} is not a Table 5 term; name covariates as in the schema "
                    f"(allowed: {sorted(allowed_terms)})"
                )
            rows.append((model_name, panel, term, stat, float(value)))

        def add_est(panel, term, name):
            est = float(self.params[name])
            s = float(se[name])
            add(panel, term, "est", est)
            add(panel, term, "se", s)
            add(panel, term, "p", _pvalue(est / s) if np.isfinite(s) and s > 0 else np.nan)

        for c in L.categories:
            add("A_scaling", c, "est", self.params[f"phi:{c}"])
        add_est("B_immobility", "immobility", "delta")
        add_est("C_association", "overall_association", "mu0")
        for k in L.t_names:
            add_est("C_association", f"association_x_{k}", f"mu:{k}")
        for k in L.x_names:
            add_est("D_covariates", k, f"b:{k}")
        if n not in ("paper", "weighted"):
            raise ValueError("n must be 'paper' or 'weighted'")
        if null not in ("uniform", "marginal"):
            raise ValueError("null must be 'uniform' or 'marginal'")
        if df not in ("paper", "model"):
            raise ValueError("df must be 'paper' or 'model'")
        add("fit", "N", "est", self.n_paper if n == "paper" else self.sum_weights)
        add("fit", "loglik", "est", self.loglik)
        add("fit", "lr_chi2", "est", self.lr_chi2_uniform if null == "uniform" else self.lr_chi2)
        add("fit", "df", "est", self.df_paper if df == "paper" else self.df_model)
        return pd.DataFrame(rows, columns=[*schema.keys, "value"])

    # ----------------------------------------------- pieces for survey variance
    def information(self, kind: str = "observed") -> np.ndarray:
        """Information matrix (minus the Hessian: the "bread") in free
        coordinates, ``n_free x n_free`` (order of ``free_names``)."""
        if kind == "observed":
            return self.information_observed
        if kind == "expected":
            return self.information_expected
        raise ValueError("kind must be 'observed' or 'expected'")

    def score_contributions(self) -> np.ndarray:
        """Per-record score contributions in free coordinates (``n x n_free``,
        columns ``free_names``), weights included; rows sum to ~0 at the MLE.

        For individual records row ``i`` is person ``i``'s
        ``w_i d log P(y_i) / d theta``; for a table fit the rows are the
        origin classes. A linearisation (sandwich) variance is
        ``sandwich(meat)`` with ``meat = sum_h ...`` of PSU totals of these.
        """
        return score_contributions(self.beta, self.data) @ self.basis

    def sandwich(self, meat: np.ndarray, information: str = "observed") -> pd.DataFrame:
        """Covariance ``B A^{-1} meat A^{-1} B'`` of the full parameter vector
        from a ``n_free x n_free`` meat matrix in free coordinates (e.g. the
        design-based covariance of the summed score contributions)."""
        A = self.information(information)
        Ainv = np.linalg.inv(A)
        meat = np.asarray(meat, dtype=float)
        if meat.shape != A.shape:
            raise ValueError(f"meat must be {A.shape}; got {meat.shape}")
        V = self.basis @ Ainv @ meat @ Ainv @ self.basis.T
        return pd.DataFrame(0.5 * (V + V.T), index=self.names, columns=self.names)

    # ------------------------------------------------------------ predictions
    def probabilities(self) -> np.ndarray:
        """Fitted ``P(q | record)`` for the fitted records (n x J)."""
        from .likelihood import probabilities

        return probabilities(self.beta, self.data)

    def fitted_table(self) -> pd.DataFrame:
        """Expected weighted origin x destination counts under the model
        (``sum_i n_i P_i`` by origin); rows = origins, columns = destinations."""
        P = self.probabilities()
        m = self.data.origin_onehot.T @ (self.data.totals[:, None] * P)
        cats = list(self.layout.categories)
        return pd.DataFrame(m, index=pd.Index(cats, name="origin"), columns=pd.Index(cats, name="destination"))

    def predict_proba(self, origin, x=None, t=None) -> pd.DataFrame:
        """``P(q | v, x, t)`` for new origins and covariates (same names and
        column order as in the fit); one row per case, columns = classes."""
        L = self.layout
        v = np.asarray(origin).reshape(-1)
        from .spec import _codes, _covariates

        codes = _codes(v, L.categories, "origin")
        n = codes.shape[0]
        X, xn = _covariates(x, n, _names_for(x, L.x_names), "x")
        Tm, tn = _covariates(t, n, _names_for(t, L.t_names), "t")
        if xn != L.x_names or tn != L.t_names:
            raise ValueError(f"covariates must be x={L.x_names}, t={L.t_names}; got x={xn}, t={tn}")
        J = L.J
        phi = self.beta[L.phi]
        M = self.beta[L.mu0] + Tm @ self.beta[L.mu_t]
        s = M * phi[codes] + X @ self.beta[L.b]
        eta = self.beta[:J] + s[:, None] * phi
        eta[np.arange(n), codes] += self.beta[L.delta]
        return pd.DataFrame(np.exp(log_probabilities(eta)), columns=list(L.categories))
