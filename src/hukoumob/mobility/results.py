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
Standard errors (one route, named by :data:`SE_KINDS`)
    Every covariance of a fit comes from :meth:`MobilityResults.cov_params`
    with a named kind, ``se``:

    ``"model"``
        model-based, the class scores held fixed: the covariance of a
        conditional logit run at the estimated scores, as Hendrickx's
        ``mcl`` and the paper compute it (it prints no SE for the scores);
        default of :meth:`MobilityResults.to_table5_rows`.
    ``"model_scores_estimated"``
        model-based, accounting for the estimated scores (the constrained
        covariance ``B A^{-1} B'`` of :mod:`.fit`, delta method under the
        normalisation); default of ``bse`` and :meth:`summary`.
    ``"design"``
        design-based: Taylor linearisation (Binder 1983; Stata ``svy``)
        of the per-record score contributions over the *whole file's* design
        with the model's sample as a domain (Stata ``subpop()``, R
        ``subset()``), the scores held fixed, so that it differs from
        ``"model"`` only in the meat. Needs :meth:`MobilityResults.with_design`,
        which takes the survey engine's linearisation as an argument (the
        engines do not import each other).
    ``"design_scores_estimated"``
        the same, propagating the scores' sampling variance.

    All come from the observed (default) or expected information. The kind
    is a named option of the results object (``se_kind``, set with
    :meth:`MobilityResults.with_se`), as ``cov_type`` is in statsmodels.

Re-fitting Models 1, 2 and 3a to the weighted Tables 3-4 shows which
conventions the paper used: its LR chi2 matches the ``"uniform"`` null, its
standard errors match ``scores="fixed"``, and its log-likelihoods are ours
scaled up by the ratio of its weight total to the weighted N of Tables 3-4
(weights summing to about 1.6 per cent more than the number of men; see
ARCHITECTURE.md).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import IdentificationWarning
from .geometry import free_basis
from .likelihood import derivatives, log_probabilities, score_contributions
from .spec import MobilityData, ParamLayout

_BLOCKS = ("intercept", "scaling", "immobility", "association", "covariate")

#: The kinds of standard error of a fit (module docstring): name -> (family, scores).
SE_KINDS: dict[str, tuple[str, str]] = {
    "model": ("model", "fixed"),
    "model_scores_estimated": ("model", "estimated"),
    "design": ("design", "fixed"),
    "design_scores_estimated": ("design", "estimated"),
}


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
    se_kind
        The default kind of standard error (:data:`SE_KINDS`; set with
        :meth:`with_se`).
    design, domain
        The whole file's sample design and the mask of the fitted records in
        it, behind the ``"design"`` kinds (set with :meth:`with_design`).
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
    se_kind: str = "model_scores_estimated"
    design: object | None = field(default=None, repr=False)
    domain: np.ndarray | None = field(default=None, repr=False)
    linearize: object | None = field(default=None, repr=False)

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
            + (["delta", "mu0"] if L.origin_terms else [])
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

    # ------------------------------------------------------ standard errors
    def with_se(self, se: str) -> "MobilityResults":
        """The same fit with another default kind of standard error (``se_kind``; one of
        :data:`SE_KINDS`): what ``bse``, :meth:`cov_params` and :meth:`summary` use when
        not told otherwise. Design kinds need :meth:`with_design` first."""
        self._check_kind(se)
        return dataclasses.replace(self, se_kind=se)

    def with_design(self, design, domain, linearize, *, se: str | None = None) -> "MobilityResults":
        """The same fit with the sample design behind its ``"design"`` standard errors.

        Parameters
        ----------
        design
            The design of the *whole* file (strata, PSUs, weights; a
            :class:`hukoumob.survey.SurveyDesign`), not one built on the
            model's sample, so that every stratum keeps all its PSUs.
        domain
            Boolean mask over the design's rows: the fitted records, in the
            order of the fit (``None``: every row). The other rows stay in the
            design with zero weight (a domain: Stata ``subpop()``, R
            ``subset()``; ``design.restrict(domain)``).
        linearize
            The linearised covariance ``linearize(scores, bread, design)``:
            :func:`hukoumob.survey.linearized_vcov` (passed in because the
            mobility engine does not import the survey engine). For a fit
            to collapsed records it is called as ``linearize(unit, bread,
            design, pattern=rows)`` with the pattern scores per unit weight
            and each design row's pattern, so that PSU totals come from
            pattern totals.
        se
            Also make this the default kind (e.g. ``"design"``).
        """
        if self.data.kind != "records":
            raise ValueError("design-based standard errors need a fit to individual records, not to a table")
        if not all(hasattr(design, a) for a in ("n", "weights", "restrict")):
            raise TypeError(f"design must be a survey design (hukoumob.survey.SurveyDesign); got {type(design).__name__}")
        if not callable(linearize):
            raise TypeError("linearize must be a function (scores, bread, design) -> covariance, "
                            "e.g. hukoumob.survey.linearized_vcov")
        mask = np.ones(design.n, bool) if domain is None else np.asarray(domain)
        if mask.ndim != 1 or mask.shape[0] != design.n:
            raise ValueError(f"domain must be a boolean mask of the design's {design.n} rows; got shape {mask.shape}")
        if mask.dtype != bool:
            raise ValueError("domain must be boolean")
        if int(mask.sum()) != self.data.n_records:
            raise ValueError(f"the fit has {self.data.n_records} records but the domain has {int(mask.sum())} rows")
        w = design.weights[mask]
        pw = self.data.person_weights
        if not np.array_equal(w, pw) and not np.allclose(w, pw, rtol=1e-9, atol=1e-12):
            bad = int((~np.isclose(w, pw, rtol=1e-9, atol=1e-12)).sum())
            raise ValueError(f"the design's weights differ from the fit's for {bad} of the domain's {mask.sum()} rows "
                             "(are the records in the design's order?)")
        out = dataclasses.replace(self, design=design, domain=mask.copy(), linearize=linearize)
        return out if se is None else out.with_se(se)

    def _check_kind(self, se: str) -> tuple[str, str]:
        if se not in SE_KINDS:
            raise ValueError(f"se must be one of {list(SE_KINDS)}; got {se!r}")
        family, scores = SE_KINDS[se]
        if family == "design" and self.design is None:
            raise ValueError(f"se={se!r} needs the sample design: call with_design(design, domain, linearize) first")
        return family, scores

    def _kind(self, se: str | None, scores: str | None) -> tuple[str, str]:
        """(family, scores) of a request: ``se`` (default ``se_kind``), its scores part overridden by ``scores``."""
        family, sc = self._check_kind(self.se_kind if se is None else se)
        if scores is not None:
            if scores not in ("fixed", "estimated"):
                raise ValueError("scores must be 'fixed' or 'estimated'")
            sc = scores
        return family, sc

    def cov_params(self, information: str = "observed", scores: str | None = None, *,
                   se: str | None = None) -> pd.DataFrame:
        """Covariance of the full normalised parameter vector, of the kind ``se``.

        Parameters
        ----------
        information
            ``"observed"`` (analytic Hessian; default) or ``"expected"``
            (Fisher information, what GLM software such as R's ``gnm``
            reports).
        scores
            Overrides the scores part of ``se``: ``"fixed"`` (the covariance
            of the other parameters treating the class scores as known, the
            inverse of the information block without the score directions;
            ``phi`` rows are zero) or ``"estimated"`` (``B A^{-1} B'``; the
            ``phi`` block is the delta-method covariance of the normalised
            scores, rank ``J-2``).
        se
            One of :data:`SE_KINDS` (module docstring); default ``se_kind``.
            ``"design*"``: ``B_k A_k^{-1} M_k A_k^{-1} B_k'`` with ``M_k`` the
            design meat of the score contributions in the kept coordinates
            (``linearize`` of :meth:`with_design` over the whole design, the
            fitted records as a domain).
        """
        family, sc = self._kind(se, scores)
        A = self.information(information)
        keep = self.free_indices(sc)
        Ak = A[np.ix_(keep, keep)]
        try:
            inv = np.linalg.inv(Ak)
        except np.linalg.LinAlgError:
            inv = np.linalg.pinv(Ak)
        if family == "design":
            design = self.design.restrict(self.domain)
            if self.data.record_pattern is None:
                S = np.zeros((self.design.n, keep.size))
                S[self.domain] = self.score_contributions()[:, keep]
                inv = self.linearize(S, inv, design)
            else:
                # collapsed records: pattern scores per unit weight and each design row's pattern
                # (PSU totals from pattern totals: the cost grows with patterns, not persons)
                rows = np.zeros(self.design.n, dtype=np.int32 if self.data.n < 2**31 else np.intp)
                rows[self.domain] = self.data.record_pattern
                inv = self.linearize(self.pattern_unit_scores()[:, keep], inv, design, pattern=rows)
        Bk = self.basis[:, keep]
        V = Bk @ inv @ Bk.T
        return pd.DataFrame(0.5 * (V + V.T), index=self.names, columns=self.names)

    def free_indices(self, scores: str = "estimated") -> np.ndarray:
        """Positions (in ``free_names``) of the free coordinates behind a
        covariance: all of them for ``scores="estimated"``; without the
        ``J-2`` score directions for ``scores="fixed"`` (the paper's
        conditional-on-scores convention)."""
        n_free = self.layout.n_free
        J = self.layout.J
        if scores == "estimated":
            return np.arange(n_free)
        if scores == "fixed":
            return np.r_[0 : J - 1, 2 * J - 3 : n_free]
        raise ValueError("scores must be 'estimated' or 'fixed'")

    def standard_errors(self, information: str = "observed", scores: str | None = None, *,
                        se: str | None = None) -> pd.Series:
        """Standard errors of the kind ``se`` (NaN for the fixed ``a[ref]`` and, with
        the scores held fixed, for the scores); arguments as in :meth:`cov_params`."""
        v = np.diag(self.cov_params(information, scores, se=se).to_numpy()).copy()
        out = np.sqrt(np.clip(v, 0, None))
        out[v <= 1e-300] = np.nan
        return pd.Series(out, index=self.names, name="se")

    @property
    def bse(self) -> pd.Series:
        """Standard errors of the results' own kind (``se_kind``)."""
        return self.standard_errors()

    def se_table(self, kinds=None, information: str = "observed") -> pd.DataFrame:
        """Estimates and their standard errors of several kinds side by side (Table 5 Panels B-D).

        One row per parameter that Table 5 prints an SE for (``delta``,
        ``mu0``, ``mu:<t>``, ``b:<x>``): ``parameter``, ``est`` and one column
        ``se_<kind>`` per kind (default: the model kinds, plus ``"design"`` if
        a design is attached).
        """
        if kinds is None:
            kinds = ["model", "model_scores_estimated"] + (["design"] if self.design is not None else [])
        keep = [n for n in self.names if n in ("delta", "mu0") or n.startswith(("mu:", "b:"))]
        out = pd.DataFrame({"parameter": keep, "est": self.params[keep].to_numpy()})
        for k in kinds:
            out[f"se_{k}"] = self.standard_errors(information, se=k)[keep].to_numpy()
        return out

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
        """Free parameters beyond the intercepts: ``(J-2) + 2 + T + K`` (``(J-2) + K`` without origin)."""
        L = self.layout
        return L.n_free - (L.J - 1)

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
    def summary(self, information: str = "observed", scores: str | None = None, *,
                se: str | None = None) -> pd.DataFrame:
        """Tidy table of estimates: one row per parameter with columns
        ``parameter, block, term, est, se, z, p`` (two-sided normal p); SEs of
        the kind ``se`` (default ``se_kind``; arguments as in :meth:`cov_params`).

        ``block`` is one of intercept / scaling (Panel A) / immobility (B) /
        association (C) / covariate (D); ``term`` is the class or covariate.
        """
        L = self.layout
        se = self.standard_errors(information, scores, se=se).to_numpy()
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
        se: str = "model",
        scores: str | None = None,
        n: str = "paper",
        allowed: dict | None = None,
    ) -> pd.DataFrame:
        """Rows in the Table 5 long schema (``model, panel, term, statistic,
        value``; the book's ``SCHEMAS["table5"]``).

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
        information, se, scores
            Passed to :meth:`standard_errors`. The default ``se="model"``
            follows the paper: its standard errors are those of a conditional
            logit at the estimated scores (it prints none for the scores), and
            they are reproduced that way; ``"model_scores_estimated"`` gives
            the larger ones that account for estimating the scores,
            ``"design"`` the design-based ones (:meth:`with_design`).
        n
            ``"paper"`` (persons x alternatives; default) or ``"weighted"``
            (``sum_weights``).
        allowed
            Optional ``{"model": names, "term": names}`` to validate against
            (the book passes ``SCHEMAS["table5"].allowed``; the engine knows no
            schema). Without it any names pass.
        """
        if allowed is not None and model_name not in allowed["model"]:
            raise ValueError(f"model_name must be one of {allowed['model']}")
        allowed_terms = None if allowed is None else set(allowed["term"])
        L = self.layout
        se = self.standard_errors(information, scores, se=se)
        rows: list[tuple] = []

        def add(panel, term, stat, value):
            if allowed_terms is not None and term not in allowed_terms:
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
        return pd.DataFrame(rows, columns=["model", "panel", "term", "statistic", "value"])

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
        ``sandwich(meat)`` with ``meat = sum_h ...`` of PSU totals of these
        (``cov_params(se="design")`` does it over a survey design).
        Collapsed records (covariate patterns, :class:`.spec.MobilityData`)
        give one row per person all the same (pattern score per unit weight
        times the person's weight).
        """
        return self.data.person_rows(score_contributions(self.beta, self.data) @ self.basis)

    def pattern_unit_scores(self) -> np.ndarray:
        """Score contributions per unit weight of each fitted record (covariate
        pattern), free coordinates (``n x n_free``): a person's contribution is
        their weight times their pattern's row."""
        per = score_contributions(self.beta, self.data) @ self.basis
        tot = self.data.totals[:, None]
        return np.divide(per, tot, out=np.zeros_like(per), where=tot > 0)

    def sandwich(self, meat: np.ndarray, information: str = "observed") -> pd.DataFrame:
        """Covariance ``B A^{-1} meat A^{-1} B'`` of the full parameter vector
        from a ``n_free x n_free`` meat matrix in free coordinates (all of
        them: the scores estimated). A building block for checks; the book's
        design-based SEs come from ``cov_params(se="design")``."""
        A = self.information(information)
        Ainv = np.linalg.inv(A)
        meat = np.asarray(meat, dtype=float)
        if meat.shape != A.shape:
            raise ValueError(f"meat must be {A.shape}; got {meat.shape}")
        V = self.basis @ Ainv @ meat @ Ainv @ self.basis.T
        return pd.DataFrame(0.5 * (V + V.T), index=self.names, columns=self.names)

    # ------------------------------------------------------------ predictions
    def probabilities(self) -> np.ndarray:
        """Fitted ``P(q | record)`` for the fitted records (one row per person, n x J)."""
        from .likelihood import probabilities

        P = probabilities(self.beta, self.data)
        return P if self.data.record_pattern is None else P[self.data.record_pattern]

    def fitted_table(self) -> pd.DataFrame:
        """Expected weighted origin x destination counts under the model
        (``sum_i n_i P_i`` by origin); rows = origins, columns = destinations."""
        from .likelihood import probabilities

        P = probabilities(self.beta, self.data)
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
