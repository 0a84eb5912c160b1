"""The sample design: strata, primary sampling units (PSUs) and weights.

A :class:`SurveyDesign` is what Stata's ``svyset psu [pweight=weight],
strata(stratum)`` and R's ``svydesign(ids=~psu, strata=~stratum,
weights=~weight, nest=TRUE)`` declare: a stratified, clustered, weighted
sample whose variance is estimated by Taylor linearisation under the
with-replacement approximation for the PSUs (first-stage "ultimate cluster"
variance, no finite-population correction).

Conventions (all chosen to agree with R ``survey`` and Stata ``svy``):

* PSUs are **nested in strata**: PSU ``3`` of stratum ``A`` and PSU ``3`` of
  stratum ``B`` are different PSUs (R ``nest=TRUE``; Stata does this always).
* Rows are aligned **by position** with the data passed to the estimators.
* **Zero weights** are allowed and mean "not in the estimation sample, but
  still part of the design". A zero-weight row contributes nothing to any
  estimate or score, but its PSU still counts in the number of PSUs
  :math:`n_h` of its stratum. This is exactly how R treats the rows that
  ``subset(design, ...)`` (or ``svyglm(subset=)``) drops and how Stata's
  ``svy, subpop()`` treats observations outside the subpopulation, so
  domain (subpopulation) estimation is done by zeroing weights (see
  :meth:`SurveyDesign.restrict`). The design degrees of freedom and the
  detection of single-PSU strata only count PSUs and strata that hold at
  least one row of positive weight, as R's ``degf()`` does (and Stata does
  for subpopulations). Negative weights are an error.
* Strata whose rows all have zero weight contribute nothing and are not
  counted (as if R had dropped their rows with ``subset``).
* The design df of R (:attr:`SurveyDesign.df`) and of Stata
  (:attr:`SurveyDesign.df_stata`) differ only when a PSU of an
  estimation-sample stratum has no positive-weight row (a domain, or zero
  weights): R then leaves that PSU out of the count, Stata keeps it.

References: Binder (1983), "On the variances of asymptotically normal
estimators from complex surveys", *International Statistical Review* 51;
Lumley (2004), "Analysis of complex survey samples", *Journal of Statistical
Software* 9(8); StataCorp, *Stata Survey Data Reference Manual*
("Variance estimation").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

#: Options for strata that hold a single PSU, named as R's
#: ``options(survey.lonely.psu=)``. Stata's ``svyset, singleunit()``
#: equivalents: ``missing`` ~ ``fail``, ``certainty`` = ``certainty``,
#: ``centered`` = ``adjust``, ``scaled`` ~ ``average``.
LONELY_PSU_OPTIONS: tuple[str, ...] = ("fail", "remove", "certainty", "adjust", "average")

#: The package's one default for strata with a single PSU, used by every
#: function that takes ``lonely_psu`` (this module, Tables 2, 5 and 6).
#: ``"adjust"`` is Stata's ``singleunit(centered)``: the lone PSU is centred
#: at the grand mean, so it adds variance rather than none (``remove``) and
#: a build does not stop because a domain or a trimmed sample leaves a
#: stratum with one PSU. Pass ``lonely_psu="fail"`` (R's default) to be told
#: which strata they are.
DEFAULT_LONELY_PSU: str = "adjust"


def _as_1d(values: Any, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D NumPy array, or raise naming ``name``."""
    arr = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got an array of shape {arr.shape}")
    return arr


def _count_missing(arr: np.ndarray) -> int:
    """Number of missing entries (NaN, None, NaT) in a 1-D array of any dtype
    (none in integer and boolean arrays, which are not scanned)."""
    if arr.dtype.kind in "iub":
        return 0
    return int(pd.isna(arr).sum())


def _check_weights(values: np.ndarray, n: int) -> np.ndarray:
    """Validate sampling weights (numeric, finite, >= 0, not all zero); return floats."""
    try:
        w = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"weights must be numeric: {exc}") from None
    if w.shape != (n,):
        raise ValueError(f"weights has {w.size} values but the design has {n} rows")
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(w.sum()) and w.min() >= 0 and w.max() > 0:
            return w  # the usual case in three passes; the checks below name what is wrong
    k = int(np.isnan(w).sum())
    if k:
        raise ValueError(f"weights: {k} missing value(s) of {n}")
    k = int((~np.isfinite(w)).sum())
    if k:
        raise ValueError(f"weights: {k} non-finite value(s) of {n}")
    k = int((w < 0).sum())
    if k:
        raise ValueError(f"weights: {k} negative value(s) of {n}; sampling weights must be >= 0")
    if not (w > 0).any():
        raise ValueError(f"weights: all {n} weights are zero; nothing to estimate")
    return w


def _run_starts(*columns: np.ndarray) -> np.ndarray:
    """Rows where any of ``columns`` (of equal length) differs from the row before: the
    starts of runs of equal rows (row 0 always starts one)."""
    n = columns[0].shape[0]
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
    for col in columns:
        new[1:] |= col[1:] != col[:-1]
    return np.flatnonzero(new)


def _from_runs(run_codes: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Row codes from one code per run (runs start at ``starts``, ``n`` rows), as
    ``int32`` when they fit (half the memory of a full-length ``int64`` column)."""
    if run_codes.size and run_codes.max() < 2**31:
        run_codes = run_codes.astype(np.int32)
    return np.repeat(run_codes, np.diff(starts, append=n))


def _factorize_sorted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize(values, sort=True)``: nothing to do for distinct sorted
    values, hashing one value per run of equal values where rows come in runs (a file grouped by stratum and PSU,
    as survey files are), and without hashing for integers of a modest range
    (ranks of the values present)."""
    if values.size and values.dtype.kind in "iuf":
        if (values[1:] > values[:-1]).all():  # already sorted and distinct (e.g. one PSU per run)
            return np.arange(values.size), values.copy()
        starts = _run_starts(values)
        if starts.size <= values.size // 4:
            codes, labels = _factorize_sorted(values[starts])
            return _from_runs(codes, starts, values.size), labels
    if values.dtype.kind in "iu" and values.size:
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < max(4 * values.size, 1 << 16):
            # integers of a modest range: rank the values present, no hashing
            shifted = values - lo
            present = np.bincount(shifted, minlength=hi - lo + 1) > 0
            rank = np.cumsum(present) - 1
            return rank[shifted], np.flatnonzero(present).astype(values.dtype) + lo
    return pd.factorize(values, sort=True)


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.int64]:
    """Integer codes that sort as ``values`` do, and their range: the value minus
    the minimum for integer labels of a modest range (no hashing), else the
    codes of ``pandas.factorize(sort=True)``."""
    if values.dtype.kind in "iu" and values.size:
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < 2**31:
            return values.astype(np.int64) - lo, np.int64(hi - lo + 1)
    codes, labels = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.int64(max(len(labels), 1))


def _psu_codes(stratum_code: np.ndarray, psu: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.int64]:
    """Codes of the (stratum, PSU) pairs in sorted order, the sorted pairs as
    ``stratum * width + PSU code``, and ``width``, one row at a time."""
    raw_psu, width = _sorted_codes(psu)
    codes, uniques = _factorize_sorted(stratum_code.astype(np.int64) * width + raw_psu)
    return codes, uniques, width


def _codes_by_runs(strata: np.ndarray, psu: np.ndarray):
    """The design's codes one run of equal (stratum, PSU) rows at a time, for a file
    grouped by PSU (as survey files are) with numeric labels: per run, the stratum
    code and the (stratum, PSU) pair code, with the stratum labels, the sorted
    pairs, their width and the runs' starts; None for other files."""
    if strata.dtype.kind not in "iuf" or psu.dtype.kind not in "iu" or not psu.size:
        return None
    starts = _run_starts(strata, psu)
    lo, hi = int(psu.min()), int(psu.max())
    if starts.size > psu.size // 4 or hi - lo >= 2**31:
        return None
    stratum_runs, stratum_labels = _factorize_sorted(strata[starts])
    width = np.int64(hi - lo + 1)
    pairs = stratum_runs.astype(np.int64) * width + (psu[starts].astype(np.int64) - lo)
    psu_runs, uniques = _factorize_sorted(pairs)
    return stratum_runs, stratum_labels, psu_runs, uniques, width, starts


def check_lonely_psu(option: str) -> str:
    """Validate a lonely-PSU option and return it."""
    if option not in LONELY_PSU_OPTIONS:
        raise ValueError(
            f"lonely_psu={option!r} is not one of {', '.join(LONELY_PSU_OPTIONS)}"
        )
    return option


class SurveyDesign:
    """A stratified, clustered, weighted sample design (one-stage, with replacement).

    Parameters
    ----------
    strata : array-like or None
        Stratum label of each row. ``None`` means one stratum (an unstratified
        cluster sample).
    psu : array-like or None
        PSU label of each row, nested in strata (labels may repeat across
        strata). ``None`` means every row is its own PSU.
    weights : array-like or None
        Sampling (probability) weights, ``>= 0``. ``None`` means all ones.
        Zero weights keep the row in the design but out of the estimation
        sample (see the module docstring).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        What to do with strata holding a single PSU when computing a
        variance (R ``options(survey.lonely.psu=)``; default
        :data:`DEFAULT_LONELY_PSU`); see
        :func:`hukoumob.survey.linearization.design_meat`.

    Raises
    ------
    ValueError
        On mismatched lengths, missing design values, negative or
        non-finite weights, all-zero weights, or an unknown ``lonely_psu``.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, simulate_survey
    >>> sim = simulate_survey()          # 10 strata x 4 PSUs x 15 rows
    >>> d = SurveyDesign.from_frame(sim, strata="stratum", psu="psu", weights="weight")
    >>> d
    SurveyDesign(n=600, n_obs=600, strata=10, psu=40, df=30, lonely_psu='adjust')
    """

    def __init__(
        self,
        strata: Any = None,
        psu: Any = None,
        weights: Any = None,
        *,
        lonely_psu: str = DEFAULT_LONELY_PSU,
    ) -> None:
        lengths = {}
        arrays = {}
        for name, values in (("strata", strata), ("psu", psu), ("weights", weights)):
            if values is not None:
                arrays[name] = _as_1d(values, name)
                lengths[name] = len(arrays[name])
        if not lengths:
            raise ValueError("a SurveyDesign needs at least one of strata, psu or weights")
        if len(set(lengths.values())) > 1:
            detail = ", ".join(f"{k} has {v}" for k, v in lengths.items())
            raise ValueError(f"design variables differ in length: {detail} values")
        n = next(iter(lengths.values()))
        if n == 0:
            raise ValueError("the design has no rows")
        for name, arr in arrays.items():
            if name == "weights":
                continue  # _check_weights counts missing weights (same message)
            k = _count_missing(arr)
            if k:
                raise ValueError(f"{name}: {k} missing value(s) of {n}; design variables must be complete")

        w = _check_weights(arrays["weights"], n) if "weights" in arrays else np.ones(n)

        self.n: int = n
        self.weights: np.ndarray = w
        self.lonely_psu: str = check_lonely_psu(lonely_psu)
        self.has_strata: bool = "strata" in arrays
        self.has_psu: bool = "psu" in arrays
        self.strata: np.ndarray = arrays.get("strata", np.zeros(n, dtype=int))
        self.psu: np.ndarray = arrays.get("psu", np.arange(n))

        # Integer codes: stratum of each row, nested PSU of each row, stratum of each PSU.
        # (stratum, PSU) pairs as one integer, in the same (sorted) order as the pairs: a hash, not a MultiIndex
        runs = _codes_by_runs(self.strata, self.psu)
        if runs is None:
            self._stratum_code, self.stratum_labels = _factorize_sorted(self.strata)
            self.psu_code, psu_uniques, width = _psu_codes(self._stratum_code, self.psu)
            self._runs = None
        else:
            stratum_runs, self.stratum_labels, psu_runs, psu_uniques, width, starts = runs
            self._stratum_code = None  # made from the runs when asked for
            self.psu_code = _from_runs(psu_runs, starts, n)
            self._runs = (starts, stratum_runs, psu_runs)
        self.n_psu_total: int = len(psu_uniques)
        self.psu_stratum: np.ndarray = (psu_uniques // width).astype(np.intp)
        self._indicator = None
        self._psu_weight = None

    @property
    def stratum_code(self) -> np.ndarray:
        """Stratum code of each row (codes in the sorted order of the labels)."""
        if self._stratum_code is None:
            starts, stratum_runs, _ = self._runs
            self._stratum_code = _from_runs(stratum_runs, starts, self.n)
        return self._stratum_code

    @property
    def psu_weights(self) -> np.ndarray:
        """Total weight of each PSU, by PSU code (computed once per design, by runs
        of rows where the file comes grouped by PSU); the active PSUs and strata
        (those with positive weight) follow from it."""
        if self._psu_weight is None:
            if self._runs is None:
                self._psu_weight = np.bincount(self.psu_code, weights=self.weights, minlength=self.n_psu_total)
            else:
                starts, _, codes = self._runs
                per_run = np.add.reduceat(self.weights, starts)
                self._psu_weight = np.bincount(codes, weights=per_run, minlength=self.n_psu_total)
        return self._psu_weight

    @property
    def indicator(self) -> sparse.csr_matrix:
        """Sparse PSU-by-row indicator: ``indicator @ scores`` gives PSU totals (built on first use)."""
        if self._indicator is None:
            self._indicator = sparse.csr_matrix(
                (np.ones(self.n), (self.psu_code, np.arange(self.n))), shape=(self.n_psu_total, self.n)
            )
        return self._indicator

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        strata: str | None = None,
        psu: str | None = None,
        weights: str | None = None,
        *,
        lonely_psu: str = DEFAULT_LONELY_PSU,
    ) -> "SurveyDesign":
        """Build a design from columns of ``data`` (like ``svyset`` / ``svydesign``).

        Parameters are column names; a missing column raises a ValueError
        naming it.
        """
        cols = {"strata": strata, "psu": psu, "weights": weights}
        missing = [c for c in cols.values() if c is not None and c not in data.columns]
        if missing:
            raise ValueError(f"design column(s) not in data: {', '.join(map(str, missing))}")
        return cls(
            strata=None if strata is None else data[strata],
            psu=None if psu is None else data[psu],
            weights=None if weights is None else data[weights],
            lonely_psu=lonely_psu,
        )

    def with_weights(self, weights: Any) -> "SurveyDesign":
        """The same strata and PSUs with other weights (validated as in the constructor)."""
        return self._with_valid_weights(_check_weights(_as_1d(weights, "weights"), self.n))

    def _with_valid_weights(self, w: np.ndarray) -> "SurveyDesign":
        new = object.__new__(SurveyDesign)
        new.__dict__.update(self.__dict__)
        new.weights = w
        new._psu_weight = None
        return new

    def with_lonely_psu(self, lonely_psu: str) -> "SurveyDesign":
        """The same design with another single-PSU option."""
        new = object.__new__(SurveyDesign)
        new.__dict__.update(self.__dict__)
        new.lonely_psu = check_lonely_psu(lonely_psu)
        return new

    def restrict(self, domain: Any) -> "SurveyDesign":
        """Domain (subpopulation) design: weights set to zero outside ``domain``.

        ``domain`` is a boolean array of the design's length (missing values
        are an error). The whole design is kept, so PSU counts per stratum
        are those of the full sample: R's ``subset(design, domain)`` and
        Stata's ``svy, subpop(domain)``.
        """
        mask = _as_1d(domain, "domain")
        if len(mask) != self.n:
            raise ValueError(f"domain has {len(mask)} values but the design has {self.n} rows")
        k = _count_missing(mask)
        if k:
            raise ValueError(f"domain: {k} missing value(s) of {self.n}")
        if mask.dtype != bool:
            uniq = set(pd.unique(mask).tolist())
            if not uniq <= {0, 1}:
                raise ValueError("domain must be boolean (or 0/1)")
            mask = mask.astype(bool)
        w = np.where(mask, self.weights, 0.0)
        if not w.any():  # weights are >= 0
            raise ValueError("domain: no row of the domain has positive weight")
        return self._with_valid_weights(w)  # the design's weights, some set to zero: valid

    # ------------------------------------------------------------------ counts
    @property
    def active(self) -> np.ndarray:
        """Boolean mask of rows in the estimation sample (positive weight)."""
        return self.weights > 0

    @property
    def n_obs(self) -> int:
        """Number of rows with positive weight."""
        return int(np.count_nonzero(self.weights))  # weights are >= 0

    @property
    def active_psus(self) -> np.ndarray:
        """Boolean mask over PSUs: PSU holds at least one positive-weight row."""
        return self.psu_weights > 0

    @property
    def active_strata(self) -> np.ndarray:
        """Boolean mask over strata: stratum holds at least one positive-weight row."""
        return np.bincount(self.psu_stratum[self.active_psus], minlength=len(self.stratum_labels)) > 0

    @property
    def n_psu(self) -> int:
        """Number of PSUs holding at least one positive-weight row."""
        return int(self.active_psus.sum())

    @property
    def n_strata(self) -> int:
        """Number of strata holding at least one positive-weight row."""
        return int(self.active_strata.sum())

    @property
    def df(self) -> int:
        """Design degrees of freedom #PSUs - #strata, counted as R ``degf()`` does.

        Only PSUs and strata with at least one positive-weight row count.
        With all weights positive this is also Stata's ``e(df_r)``; with zero
        weights or a domain see :attr:`df_stata`.
        """
        return self.n_psu - self.n_strata

    @property
    def df_stata(self) -> int:
        """Design degrees of freedom counted as Stata's ``svy`` does (as documented).

        All PSUs, including those whose rows all have zero weight, of the
        strata holding at least one positive-weight row, minus the number of
        those strata. Stata keeps zero-weight observations in the estimation
        sample (StataCorp FAQ "The svy command's handling of zero weights")
        and, with ``subpop()``, omits only the strata without subpopulation
        members. Equal to :attr:`df` when no PSU of an estimation-sample
        stratum is entirely zero-weight. Not checked against Stata itself
        (no Stata here).
        """
        return int(self.psus_per_stratum()[self.active_strata].sum()) - self.n_strata

    def degrees_of_freedom(self, convention: str = "R") -> int:
        """:attr:`df` (``convention="R"``) or :attr:`df_stata` (``"stata"``)."""
        if convention == "R":
            return self.df
        if convention == "stata":
            return self.df_stata
        raise ValueError(f"convention={convention!r} is not 'R' or 'stata'")

    def psus_per_stratum(self) -> np.ndarray:
        """Number of PSUs (including zero-weight ones) in each stratum, by stratum code."""
        return np.bincount(self.psu_stratum, minlength=len(self.stratum_labels))

    def singleton_strata(self) -> list:
        """Labels of estimation-sample strata that hold a single PSU."""
        n_h = self.psus_per_stratum()
        single = (n_h == 1) & self.active_strata
        return list(self.stratum_labels[single])

    def check_length(self, n: int, what: str = "data") -> None:
        """Raise a ValueError unless ``what`` has as many rows as the design."""
        if n != self.n:
            raise ValueError(f"{what} has {n} rows but the design has {self.n}")

    def __repr__(self) -> str:
        return (
            f"SurveyDesign(n={self.n}, n_obs={self.n_obs}, strata={self.n_strata}, "
            f"psu={self.n_psu}, df={self.df}, lonely_psu={self.lonely_psu!r})"
        )


def design_df(design: SurveyDesign) -> int:
    """Design degrees of freedom of ``design`` (#PSUs - #strata); see :attr:`SurveyDesign.df`.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, design_df, simulate_survey
    >>> sim = simulate_survey()          # 10 strata x 4 PSUs
    >>> design_df(SurveyDesign.from_frame(sim, "stratum", "psu", "weight"))
    30
    """
    return design.df


__all__: Sequence[str] = ["DEFAULT_LONELY_PSU", "LONELY_PSU_OPTIONS", "SurveyDesign", "design_df", "check_lonely_psu"]
