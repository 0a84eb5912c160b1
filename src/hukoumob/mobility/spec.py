"""Model specification and validated data for the Table 5 models.

The model (paper, equation 4; equations 1-3 are special cases) is, for son's
class ``q``, a reference class ``r``, father's class ``v`` and covariates::

    log P(Y=q | x, t, v) / P(Y=r | x, t, v)
        = (a_q - a_r)
        + (phi_q - phi_r) * [ sum_k b_k x_k + (mu_0 + sum_t mu_t t_t) * phi_v ]
        + delta * (1[q = v] - 1[r = v])

with the *same* scores ``phi`` for origins and destinations (quasi-RC II,
equation 3), ``sum(phi) = 0`` and ``sum(phi**2) = 1``. Models 1, 2 and 3a of
Table 5 have no ``x`` (``b``) and no ``t`` (``mu_t``); Model 3b has one ``t``
(hukou change); Model 3c has two ``t`` (hukou change, schooling) and three
``x`` (schooling, hukou change, their product).

Data enter as *records*: record ``i`` has an origin ``v_i``, a row of
nonnegative weighted counts ``C[i, q]`` over the ``J`` destinations, and
covariate rows ``x_i`` and ``t_i``. An individual is a record whose count row
is its case weight in the column of its destination; an origin x destination
table is ``J`` records, one per origin row, without covariates. Both therefore
go through the same likelihood ``sum_i sum_q C[i, q] log P(q | record i)``.

Covariate patterns: individuals with the same origin, destination and
covariates are one record of the likelihood (their weights summed), so a fit
grows with the number of patterns, not of persons (issue 15). The persons
stay known (``record_pattern``, ``record_weights``): a person's score is their
pattern's score per unit weight times their own weight, exactly, because
every person of a pattern has the same ``d log P(y) / d theta``; the
design-based covariance is built from those per-person scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from .errors import MobilityInputError
from .tables import _check_dtype


@dataclass(frozen=True)
class ParamLayout:
    """Positions of the parameter blocks in the full parameter vector.

    The full ("model") vector is ``(a[0..J-1], phi[0..J-1], delta, mu0,
    mu_t[0..T-1], b[0..K-1])``. ``a[ref]`` is fixed at zero and ``phi`` is
    normalised (sum 0, sum of squares 1), so the vector has three more
    entries than there are free parameters (see :mod:`.fit`).

    ``origin_terms=False`` is Anderson's (1984) stereotype model without an
    origin: ``delta`` and ``mu0`` stay in the vector, fixed at zero (two
    fewer free parameters; no ``mu_t``).
    """

    categories: tuple[str, ...]
    t_names: tuple[str, ...]
    x_names: tuple[str, ...]
    ref: int
    sign_ref: int
    origin_terms: bool = True

    @property
    def J(self) -> int:
        """Number of classes."""
        return len(self.categories)

    @property
    def T(self) -> int:
        """Number of covariates acting on the association (``mu_t``)."""
        return len(self.t_names)

    @property
    def K(self) -> int:
        """Number of covariates acting through the scores (``b_k``)."""
        return len(self.x_names)

    @property
    def p(self) -> int:
        """Length of the full parameter vector."""
        return 2 * self.J + 2 + self.T + self.K

    @property
    def a(self) -> slice:
        """Slice of the intercepts ``a_q`` (eq. 1; omitted from Table 5)."""
        return slice(0, self.J)

    @property
    def phi(self) -> slice:
        """Slice of the class scores ``phi`` (Table 5 Panel A)."""
        return slice(self.J, 2 * self.J)

    @property
    def delta(self) -> int:
        """Index of the immobility parameter ``delta`` (Panel B)."""
        return 2 * self.J

    @property
    def mu0(self) -> int:
        """Index of the overall association ``mu_0`` (Panel C)."""
        return 2 * self.J + 1

    @property
    def mu_t(self) -> slice:
        """Slice of the association-by-covariate effects ``mu_t`` (eq. 4, Panel C)."""
        return slice(2 * self.J + 2, 2 * self.J + 2 + self.T)

    @property
    def b(self) -> slice:
        """Slice of the stereotype covariate effects ``b_k`` (eq. 1, Panel D)."""
        return slice(2 * self.J + 2 + self.T, self.p)

    @property
    def n_free(self) -> int:
        """Number of free parameters: ``(J-1)`` intercepts, ``(J-2)`` scores,
        ``delta``, ``mu0`` (unless there are no origin terms), the ``mu_t`` and the ``b``."""
        return (self.J - 1) + (self.J - 2) + (2 if self.origin_terms else 0) + self.T + self.K

    @property
    def names(self) -> list[str]:
        """Names of the entries of the full parameter vector."""
        c = self.categories
        return (
            [f"a:{k}" for k in c]
            + [f"phi:{k}" for k in c]
            + ["delta", "mu0"]
            + [f"mu:{k}" for k in self.t_names]
            + [f"b:{k}" for k in self.x_names]
        )


@dataclass(frozen=True)
class MobilityData:
    """Validated records for the likelihood (see the module docstring).

    Build with :meth:`from_table` or :meth:`from_records`; do not fill the
    fields by hand.
    """

    counts: np.ndarray  # (n, J) nonnegative weighted counts
    origin: np.ndarray  # (n,) int in 0..J-1
    x: np.ndarray  # (n, K)
    t: np.ndarray  # (n, T)
    layout: ParamLayout
    kind: str  # "table" or "records"
    n_persons: float  # unweighted number of persons (paper's N / J)
    totals: np.ndarray = field(repr=False)  # (n,) row sums of counts
    origin_onehot: np.ndarray = field(repr=False)  # (n, J)
    #: (n_records,) pattern of each person, or None when records are persons / a table
    record_pattern: np.ndarray | None = field(default=None, repr=False)
    #: (n_records,) each person's case weight (with ``record_pattern``)
    record_weights: np.ndarray | None = field(default=None, repr=False)
    const: "_Constants" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "const", _Constants.build(self))

    @property
    def n(self) -> int:
        """Number of records (origin rows for a table, persons otherwise)."""
        return self.counts.shape[0]

    @property
    def n_records(self) -> int:
        """Number of persons (``n`` unless the records were collapsed into patterns)."""
        return self.n if self.record_pattern is None else int(self.record_pattern.shape[0])

    @property
    def person_weights(self) -> np.ndarray:
        """Each person's case weight (the record totals when not collapsed)."""
        return self.totals if self.record_weights is None else self.record_weights

    def person_rows(self, per_record: np.ndarray) -> np.ndarray:
        """Rows per person from rows per (weighted) record: a person gets their
        pattern's row per unit weight times their own weight (exact: all persons
        of a pattern have the same derivatives per unit weight)."""
        if self.record_pattern is None:
            return per_record
        tot = self.totals
        unit = np.divide(per_record, tot[:, None], out=np.zeros_like(per_record), where=tot[:, None] > 0)
        out = np.take(unit, self.record_pattern, axis=0)
        out *= self.record_weights[:, None]
        return out

    @property
    def sum_weights(self) -> float:
        """Total weighted count."""
        return float(self.totals.sum())

    def table(self) -> np.ndarray:
        """The weighted origin x destination table implied by the records."""
        return self.origin_onehot.T @ self.counts

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_table(
        cls,
        table,
        categories: Sequence[str] | None = None,
        *,
        ref: str | int | None = None,
        sign_ref: str | int | None = None,
        n_persons: float | None = None,
    ) -> "MobilityData":
        """Records from a weighted origin x destination table.

        Parameters
        ----------
        table
            ``J x J`` array (or DataFrame) of nonnegative weighted counts, rows
            = father's class (origin ``v``), columns = son's class
            (destination ``q``), both in the order of ``categories``.
            Non-integer counts are allowed (the paper's weighted Tables 3-4).
        categories
            Class labels in row/column order; default
            ``"0".."J-1"`` (the engine knows no class labels: the book passes
            :data:`hukoumob.inputs.schema.CLASSES`).
        ref
            The destination whose intercept is fixed at 0 (default: the last
            category, ``farm``).
        sign_ref
            The category whose score is made negative (default: the last
            category, ``farm``: the paper reports ``phi_farm < 0``).
        n_persons
            Unweighted number of persons behind the table, used only for the
            paper's ``N`` (persons x alternatives). Default: the table total.
        """
        if isinstance(table, pd.DataFrame):
            for col in table.columns:
                _check_dtype(table[col].dtype, f"column {col!r} of the table")
            table = _aligned(table, categories)
            if categories is None:
                categories = [str(c) for c in table.index]
            table = table.to_numpy(dtype=float, na_value=np.nan)
        _check_dtype(np.asarray(table).dtype, "table")  # text or boolean counts are refused, not converted
        try:
            arr = np.asarray(table, dtype=float)
        except (TypeError, ValueError) as exc:
            raise MobilityInputError(f"table is not numeric: {exc}") from None
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise MobilityInputError(
                f"table must be a square origin x destination array; got shape {arr.shape}"
            )
        J = arr.shape[0]
        if J < 3:
            raise MobilityInputError(f"need at least 3 classes for the scores; got {J}")
        cats = _categories(categories, J)
        _check_counts(arr, "table")
        _check_margins(arr, cats, "table has empty origin row(s): {bad}",
                       "table has empty destination column(s) {bad}: their intercepts would be -inf")
        layout = ParamLayout(cats, (), (), _index(ref, cats, "ref"), _index(sign_ref, cats, "sign_ref"))
        origin = np.arange(J)
        total = float(arr.sum())
        return cls(
            counts=arr.copy(),
            origin=origin,
            x=np.zeros((J, 0)),
            t=np.zeros((J, 0)),
            layout=layout,
            kind="table",
            n_persons=total if n_persons is None else float(n_persons),
            totals=arr.sum(axis=1),
            origin_onehot=np.eye(J),
        )

    @classmethod
    def from_records(
        cls,
        origin,
        destination,
        *,
        x=None,
        t=None,
        weights=None,
        categories: Sequence[str] | None = None,
        x_names: Sequence[str] | None = None,
        t_names: Sequence[str] | None = None,
        ref: str | int | None = None,
        sign_ref: str | int | None = None,
        collapse: bool = True,
    ) -> "MobilityData":
        """Records from individual data.

        Parameters
        ----------
        origin, destination
            Father's and son's class per person: labels from ``categories``
            or integer codes ``0..J-1``. ``origin=None``: no origin, the
            stereotype ordered regression of Anderson (1984), ``eta_iq = a_q +
            phi_q x_i'b`` (``delta`` and ``mu0`` fixed at 0; no ``t``).
        x
            Covariates acting through the scores (``b_k`` of equations 1 and
            4; Table 5 Panel D): ``(n, K)`` array or DataFrame (names from its
            columns), or None.
        t
            Covariates acting on the association (``mu_t`` of equation 4;
            Table 5 Panel C): ``(n, T)`` array or DataFrame, or None.
        weights
            Case weights (nonnegative, finite); default 1.
        categories, ref, sign_ref
            As in :meth:`from_table`.
        x_names, t_names
            Covariate names when ``x`` / ``t`` are plain arrays.
        collapse
            Fit covariate patterns (identical origin, destination, ``x`` and
            ``t``; weights summed) instead of persons (module docstring). The
            fit is the same (to rounding); only its cost differs.
        """
        stereotype = origin is None
        if stereotype:
            if t is not None:
                raise MobilityInputError("t (covariates on the association) needs an origin")
            if x is None:
                raise MobilityInputError("a model without origin needs covariates x")
            origin = np.zeros(np.asarray(destination).reshape(-1).shape[0], dtype=np.intp)
        if categories is None:
            o, d = np.asarray(origin).reshape(-1), np.asarray(destination).reshape(-1)
            if o.dtype.kind not in "iu" or d.dtype.kind not in "iu":
                raise MobilityInputError(
                    "origin and destination are labels: pass categories= (the class labels in order)"
                )
            J = int(max(o.max(initial=0), d.max(initial=0))) + 1
        else:
            J = len(categories)
        cats = _categories(categories, J)
        v = _codes(origin, cats, "origin")
        y = _codes(destination, cats, "destination")
        n = v.shape[0]
        if y.shape[0] != n:
            raise MobilityInputError(
                f"origin has {n} records but destination has {y.shape[0]}"
            )
        if n == 0:
            raise MobilityInputError("no records")
        X, xn = _covariates(x, n, x_names, "x")
        Tm, tn = _covariates(t, n, t_names, "t")
        if weights is None:
            w = np.ones(n)
        else:
            if np.asarray(weights).dtype.kind == "c":
                raise MobilityInputError("weights are complex; they must be real")
            w = np.asarray(weights, dtype=float).reshape(-1)
            if w.shape[0] != n:
                raise MobilityInputError(f"weights has {w.shape[0]} entries for {n} records")
            _check_counts(w, "weights")
        pattern = person_w = None
        if collapse:
            cell = v.astype(np.int64)  # origin x destination cell; the pattern code grows from it
            cell *= J
            cell += y
            first, pattern = _patterns(cell, list(X.T) + list(Tm.T))
            wsum = np.bincount(pattern, weights=w, minlength=first.size)
            v, y, X, Tm, person_w, w = v[first], y[first], X[first], Tm[first], w.copy(), wsum
        v, y = v.astype(np.intp, copy=False), y.astype(np.intp, copy=False)
        X, Tm = X.astype(float, copy=False), Tm.astype(float, copy=False)
        tab = np.bincount(v * J + y, weights=w, minlength=J * J).reshape(J, J)  # of patterns when collapsed
        _check_margins(tab[:1] if stereotype else tab, cats, "no (positively weighted) records with origin {bad}",
                       "no (positively weighted) records with destination {bad}: their intercepts would be -inf")
        layout = ParamLayout(
            cats, tn, xn, _index(ref, cats, "ref"), _index(sign_ref, cats, "sign_ref"), origin_terms=not stereotype
        )
        C = np.eye(J)[y] * w[:, None]
        return cls(
            counts=C,
            origin=v,
            x=X,
            t=Tm,
            layout=layout,
            kind="records",
            n_persons=float(n),
            totals=w.copy(),
            origin_onehot=np.eye(J)[v],
            record_pattern=pattern,
            record_weights=person_w,
        )


@dataclass(frozen=True)
class _Constants:
    """Plain integers and arrays reused by every likelihood evaluation."""

    J: int
    T: int
    K: int
    p: int
    n: int
    delta: int
    mu0: int
    mu_t0: int
    b0: int
    eye: np.ndarray
    is_table: bool
    #: fixed part of the Jacobian of eta (intercept and diagonal columns),
    #: kept for small record sets only (tables); see likelihood._jacobian_eta
    jac_template: np.ndarray | None

    @classmethod
    def build(cls, data: "MobilityData") -> "_Constants":
        L = data.layout
        J, T, K = L.J, L.T, L.K
        return cls(
            J=J, T=T, K=K, p=L.p, n=data.counts.shape[0],
            delta=2 * J, mu0=2 * J + 1, mu_t0=2 * J + 2, b0=2 * J + 2 + T,
            eye=np.eye(J),
            is_table=bool(data.counts.shape[0] == J and np.array_equal(data.origin, np.arange(J))),
            jac_template=cls._template(data) if data.counts.shape[0] * J * L.p <= 4000 else None,
        )

    @staticmethod
    def _template(data: "MobilityData") -> np.ndarray:
        L = data.layout
        J, n = L.J, data.counts.shape[0]
        D = np.zeros((n, J, L.p))
        D[:, :, :J] = np.eye(J)
        D[:, :, 2 * J] = data.origin_onehot
        return D


# ---------------------------------------------------------------------- helpers
def _patterns(code: np.ndarray, key) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``(code, key)``: ``code`` nonnegative ``int64`` codes
    (overwritten: the combined code is built in it), ``key`` a list of float
    columns (repeated columns count once; -0.0 and 0.0 are one value). Returns
    the index of each pattern's first row and each row's pattern (patterns
    numbered in order of first appearance).

    Integer columns of a modest range (years of schooling, 0/1 indicators) are
    coded as value minus minimum, other columns by ``pandas.factorize``; the
    combined code needs no hashing while its range stays modest. Work is done
    in place (one scratch column), because fresh full-length arrays, not
    arithmetic, dominate the cost on large files."""
    card = int(code.max(initial=0)) + 1
    scratch = np.empty(code.shape[0], dtype=np.int64)
    seen: list[np.ndarray] = []
    for col in key:
        if any(_same_column(col, c) for c in seen):
            continue  # the same covariate twice (e.g. in x and in t)
        seen.append(col)
        k = _column_codes(col, scratch)
        if card * k >= 2**62:  # keep the combined code in int64
            code[:] = pd.factorize(code)[0]
            card = int(code.max(initial=0)) + 1
        code *= k
        code += scratch
        card *= k
    n = code.shape[0]
    if card <= max(4 * n, 1 << 16):
        # few possible codes: the first row of each without hashing
        first_of = np.full(card, n, dtype=np.int64)
        np.minimum.at(first_of, code, np.arange(n))
        first = np.sort(first_of[first_of < n])
        rank = np.empty(card, dtype=np.int64)
        rank[code[first]] = np.arange(first.size)
        return first, rank[code]
    code = pd.factorize(code)[0].astype(np.int64)
    # codes are numbered in order of first appearance: a pattern starts where the running maximum rises
    first = np.flatnonzero(np.diff(np.maximum.accumulate(code), prepend=-1) > 0)
    return first, code


def _same_column(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two columns hold the same values: the same memory, or equal values
    (compared in full only when their first values agree)."""
    if a.__array_interface__["data"] == b.__array_interface__["data"] and a.strides == b.strides:
        return True
    head = min(a.shape[0], 64)
    return bool(np.array_equal(a[:head], b[:head])) and bool(np.array_equal(a, b))


def _column_codes(col: np.ndarray, out: np.ndarray) -> int:
    """Integer codes ``0..k-1`` of one covariate column, written into ``out``
    (``int64``, the column's length), and ``k``: the value minus the minimum
    where the column holds integers of a modest range (no hashing), else the
    codes of ``pandas.factorize`` (-0.0 and 0.0 one value)."""
    if col.dtype.kind in "iu":
        lo, hi = (int(col.min()), int(col.max())) if col.size else (0, 0)
        if hi - lo < 2**20:
            np.subtract(col, np.int64(lo), out=out)
            return hi - lo + 1
        col = col.astype(float)
    lo, hi = (float(col.min()), float(col.max())) if col.size else (0.0, 0.0)
    if hi - lo < 2**20:
        np.copyto(out, col, casting="unsafe")  # truncates: exact for whole numbers
        if np.equal(out, col).all():
            out -= int(lo)
            return int(hi - lo) + 1
    c, uniques = pd.factorize(col + 0.0)
    out[:] = c
    return max(len(uniques), 1)


def _categories(categories, J: int) -> tuple[str, ...]:
    if categories is None:
        cats = tuple(str(i) for i in range(J))
    else:
        cats = tuple(str(c) for c in categories)
    if len(cats) != J:
        raise MobilityInputError(f"{len(cats)} category labels for {J} classes")
    if len(set(cats)) != J:
        raise MobilityInputError(f"category labels are not unique: {cats}")
    return cats


def _aligned(frame: pd.DataFrame, categories) -> pd.DataFrame:
    """A square DataFrame with its columns put in the order of its index (or
    both in the order of ``categories``), matched by label; an error if the
    labels differ."""
    rows, cols = [str(r) for r in frame.index], [str(c) for c in frame.columns]
    if len(set(rows)) != len(rows) or len(set(cols)) != len(cols):
        raise MobilityInputError("table index or column labels are not unique")
    if set(rows) != set(cols):
        raise MobilityInputError(
            "table index (origin) and column (destination) labels differ: only in the index "
            f"{[r for r in rows if r not in set(cols)]}, only in the columns {[c for c in cols if c not in set(rows)]}"
        )
    frame = frame.set_axis(rows, axis=0).set_axis(cols, axis=1)
    order = rows
    if categories is not None:
        cats = [str(c) for c in categories]
        if set(cats) == set(rows):
            order = cats
    return frame.loc[order, order]


def _index(which, cats: tuple[str, ...], what: str) -> int:
    if which is None:
        return len(cats) - 1
    if isinstance(which, (int, np.integer)) and not isinstance(which, bool):
        if not 0 <= which < len(cats):
            raise MobilityInputError(f"{what}={which} is out of range for {len(cats)} classes")
        return int(which)
    if str(which) not in cats:
        raise MobilityInputError(f"{what}={which!r} is not one of {cats}")
    return cats.index(str(which))


def _check_margins(tab: np.ndarray, cats: Sequence[str], origin_msg: str, destination_msg: str) -> None:
    """Raise if an origin row or destination column of the weighted table is empty (messages name them: ``{bad}``)."""
    for axis, msg in ((1, origin_msg), (0, destination_msg)):
        empty = np.flatnonzero(tab.sum(axis=axis) <= 0)
        if empty.size:
            raise MobilityInputError(msg.format(bad=[cats[i] for i in empty]))


def _all_finite(arr: np.ndarray) -> bool:
    """Whether every value is finite: a finite sum settles it in one pass (any nan
    or inf makes the sum non-finite); only a non-finite sum (possibly an
    overflow of huge finite values) is checked value by value."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(arr.sum()):
            return True
    return bool(np.isfinite(arr).all())


def _check_counts(arr: np.ndarray, what: str) -> None:
    if not _all_finite(arr):
        raise MobilityInputError(f"{what} contains non-finite values (nan or inf)")
    if arr.size and arr.min() < 0:
        raise MobilityInputError(f"{what} contains negative values")


def _codes(values, cats: tuple[str, ...], what: str) -> np.ndarray:
    """Integer codes ``0..J-1`` of origins or destinations given as labels of
    ``cats`` (strings, or a pandas Categorical / categorical Series, read from
    its codes without touching a string per record) or as integer codes.
    Categorical input gives its narrow codes (``int8`` for a few classes)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    if isinstance(values, pd.Categorical):
        return _categorical_codes(values, cats, what)
    vals = np.asarray(values)
    if vals.ndim != 1:
        vals = vals.reshape(-1)
    if vals.dtype.kind in "iu":
        codes = vals.astype(np.intp)
    elif vals.dtype.kind == "f":
        if not np.all(np.isfinite(vals)) or np.any(vals != np.round(vals)):
            raise MobilityInputError(f"{what} has non-integer numeric codes")
        codes = vals.astype(np.intp)
    else:
        # hash the values once (missing values: code -1), then look up only the distinct labels
        seen, labels = pd.factorize(vals)
        if seen.size and seen.min() >= 0:
            known = pd.Index(cats).get_indexer([str(lab) for lab in labels])
            if known.min() >= 0:
                return known[seen].astype(np.intp)
        # else hash the values once, then look up only the distinct labels as strings (-1 if unknown)
        seen, labels = pd.factorize(vals, use_na_sentinel=False)
        known = pd.Index(cats).get_indexer([str(lab) for lab in labels])
        if np.any(known < 0):
            bad = labels[np.flatnonzero(known < 0)[0]]
            raise MobilityInputError(f"{what} has label {str(bad)!r} that is not one of {cats}")
        codes = known[seen].astype(np.intp)
    if codes.size and (codes.min() < 0 or codes.max() >= len(cats)):
        raise MobilityInputError(f"{what} codes must lie in 0..{len(cats) - 1}")
    return codes


def _categorical_codes(values: pd.Categorical, cats: tuple[str, ...], what: str) -> np.ndarray:
    """Codes of a Categorical in ``cats``: its own codes where its categories are
    ``cats`` in order, else its categories looked up once; a missing value or
    a used category outside ``cats`` is an error naming it."""
    codes = values.codes
    if codes.size and codes.min() < 0:
        raise MobilityInputError(f"{what} has label 'nan' that is not one of {cats}")
    labels = [str(c) for c in values.categories]
    if tuple(labels) == cats:
        return codes
    known = pd.Index(cats).get_indexer(labels)
    used = np.bincount(codes, minlength=len(labels)) > 0
    unknown = np.flatnonzero(used & (known < 0))
    if unknown.size:
        raise MobilityInputError(f"{what} has label {labels[unknown[0]]!r} that is not one of {cats}")
    return known[codes]


def _numeric(values) -> np.ndarray:
    """Covariate values as an array: whole numbers (integer or boolean arrays) kept
    as integers, so that a large file is coded into patterns without a float copy
    (:func:`_patterns`; records convert to float after collapsing), else floats."""
    arr = np.asarray(values)
    if arr.dtype.kind == "b":
        return arr.view(np.int8)
    if arr.dtype.kind in "iu":
        return arr
    return np.asarray(arr, dtype=float)


def _covariates(values, n: int, names, what: str) -> tuple[np.ndarray, tuple[str, ...]]:
    if values is None:
        if names:
            raise MobilityInputError(f"{what}_names given without {what}")
        return np.zeros((n, 0)), ()
    if isinstance(values, pd.Series):
        values = values.to_frame()
    if isinstance(values, pd.DataFrame):
        if names is None:
            names = [str(c) for c in values.columns]
        values = values.to_numpy()
    arr = _numeric(values)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n:
        raise MobilityInputError(f"{what} has shape {arr.shape}; expected ({n}, k)")
    if arr.dtype.kind == "f" and not _all_finite(arr):
        raise MobilityInputError(f"{what} contains non-finite values (nan or inf)")
    k = arr.shape[1]
    if names is None:
        names = [f"{what}{j}" for j in range(k)]
    names = tuple(str(s) for s in names)
    if len(names) != k:
        raise MobilityInputError(f"{len(names)} {what}_names for {k} columns")
    if len(set(names)) != k:
        raise MobilityInputError(f"{what}_names are not unique: {names}")
    return arr, names
