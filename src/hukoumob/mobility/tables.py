"""Validated cell data for the mobility-model family (:mod:`.family`).

A table comes in as a long DataFrame (columns ``origin``, ``destination``,
``count`` and, for a layered table, the layer column), as a square DataFrame
(index = origin, columns = destination, aligned by label), or as a 2-D array.
:func:`as_cells` turns it into :class:`Cells`: one entry per cell, with integer
codes for origin, destination and layer, in a fixed category order:

* a pandas Categorical's order where the column is categorical;
* else the order of first appearance in the frame;
* else (square frame) the index order; columns are reordered to the index.

A frame with an ``origin`` or ``destination`` column is read as long, never
as square: a long frame whose count column has another name (``freq``, ``n``)
is an error that names the columns found. Counts must have an int or float
dtype: text, object or boolean counts are refused, not converted. Cells
missing from a long frame are sampling zeros (count 0). Every problem with the
input is a :class:`.MobilityInputError` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import MobilityInputError


@dataclass(frozen=True)
class Cells:
    """Counts of an origin x destination (x layer) table, one entry per cell.

    ``y[c]`` is the count of cell ``c`` = (``row[c]``, ``col[c]``, ``lay[c]``);
    cells run layer-major, then origin, then destination (``y.reshape(L, I,
    J)`` is the table). ``origins``, ``destinations`` and ``layers`` are the
    labels in code order.
    """

    y: np.ndarray
    row: np.ndarray
    col: np.ndarray
    lay: np.ndarray
    origins: tuple
    destinations: tuple
    layers: tuple
    layer_name: str | None

    @property
    def I(self) -> int:  # noqa: E743 - the usual name for the number of rows
        """Number of origin categories."""
        return len(self.origins)

    @property
    def J(self) -> int:
        """Number of destination categories."""
        return len(self.destinations)

    @property
    def L(self) -> int:
        """Number of layers (1 for a two-way table)."""
        return len(self.layers)

    @property
    def N(self) -> int:
        """Number of cells."""
        return self.y.shape[0]

    @property
    def total(self) -> float:
        """Table total (weighted count)."""
        return float(self.y.sum())

    @property
    def square(self) -> bool:
        """Origins and destinations are the same categories in the same order."""
        return self.origins == self.destinations

    def array(self) -> np.ndarray:
        """The counts as an ``L x I x J`` array."""
        return self.y.reshape(self.L, self.I, self.J)

    def scaled(self, factor: float) -> "Cells":
        """The same table with every count multiplied by ``factor``."""
        return Cells(self.y * factor, self.row, self.col, self.lay, self.origins,
                     self.destinations, self.layers, self.layer_name)


def _check_dtype(dtype, what: str) -> None:
    """Counts must have an int or float dtype (numpy's or pandas' nullable ones).

    Text, object or boolean counts are refused, not converted: ``"12"`` or
    ``True`` where a count belongs is a misread input."""
    if pd.api.types.is_complex_dtype(dtype):
        raise MobilityInputError(f"{what} is complex (dtype {dtype}); counts must be real")
    if pd.api.types.is_bool_dtype(dtype):
        raise MobilityInputError(f"{what} is boolean (dtype {dtype}); counts must be int or float")
    if not pd.api.types.is_numeric_dtype(dtype):
        raise MobilityInputError(
            f"{what} is not numeric (dtype {dtype}); counts must be int or float "
            "(convert text explicitly, e.g. with pd.to_numeric, if it holds numbers)"
        )


def _check_values(values, what: str = "table") -> np.ndarray:
    """The counts (an array or a pandas column) as floats: numeric, finite, nonnegative."""
    _check_dtype(values.dtype, what)
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=float, na_value=np.nan)  # nullable Int64/Float64: NA -> NaN
    values = np.asarray(values, dtype=float)
    if np.isnan(values).any():
        raise MobilityInputError(f"{what} contains NaN ({int(np.isnan(values).sum())} cells)")
    if np.isinf(values).any():
        raise MobilityInputError(f"{what} contains inf ({int(np.isinf(values).sum())} cells)")
    if (values < 0).any():
        raise MobilityInputError(f"{what} contains negative values ({int((values < 0).sum())} cells)")
    return values


def _order(s: pd.Series) -> tuple:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return tuple(s.cat.categories)
    return tuple(pd.unique(s))


def _from_square(frame: pd.DataFrame, square_required: bool) -> Cells:
    rows, cols = list(frame.index), list(frame.columns)
    if len(set(rows)) != len(rows) or len(set(cols)) != len(cols):
        raise MobilityInputError("row or column labels of the square table are not unique")
    if len(rows) == len(cols) or square_required:
        if set(rows) != set(cols):
            only_r = [r for r in rows if r not in set(cols)]
            only_c = [c for c in cols if c not in set(rows)]
            raise MobilityInputError(
                "index (origin) and column (destination) labels differ: "
                f"only in the index {only_r}, only in the columns {only_c}"
            )
        if cols != rows:
            frame = frame.loc[:, rows]  # align the columns to the index by label
        cols = rows
    for c in cols:
        _check_dtype(frame[c].dtype, f"column {c!r} of the square table")
    arr = _check_values(frame.to_numpy(dtype=float, na_value=np.nan))
    return _cells(arr[None], tuple(rows), tuple(cols), ("all",), None)


def _cells(arr: np.ndarray, origins, destinations, layers, layer_name) -> Cells:
    L, I, J = arr.shape
    lay, row, col = np.meshgrid(np.arange(L), np.arange(I), np.arange(J), indexing="ij")
    return Cells(arr.reshape(-1).astype(float), row.reshape(-1), col.reshape(-1), lay.reshape(-1),
                 tuple(origins), tuple(destinations), tuple(layers), layer_name)


def as_cells(table, layer: str | None = None, *, square_required: bool = False) -> Cells:
    """Validate ``table`` (module docstring) and return its :class:`Cells`.

    ``layer`` names the layer column of a long frame. ``square_required``:
    the model needs the same categories for origin and destination.
    """
    if isinstance(table, pd.DataFrame) and {"origin", "destination"} & set(table.columns):
        cells = _from_long(table, layer)  # never read as square: a misnamed count column is an error
    else:
        if layer is not None:
            raise MobilityInputError(
                f"layer={layer!r} needs a long DataFrame with columns origin, destination, count and {layer!r}"
            )
        if isinstance(table, pd.DataFrame):
            cells = _from_square(table, square_required)
        else:
            arr = np.asarray(table)
            if arr.ndim != 2:
                raise MobilityInputError(
                    f"table must be a long DataFrame (origin, destination, count), a square DataFrame "
                    f"or a 2-D array; got an array of shape {arr.shape}"
                )
            arr = _check_values(arr)
            I, J = arr.shape
            cells = _cells(arr[None], tuple(str(i + 1) for i in range(I)),
                           tuple(str(j + 1) for j in range(J)), ("all",), None)
    if square_required and not cells.square:
        raise MobilityInputError(
            f"this model needs a square table with the same categories for origin and destination; "
            f"got {cells.I} origins {list(cells.origins)} and {cells.J} destinations {list(cells.destinations)}"
        )
    _check_margins(cells)
    return cells


def _missing_columns(frame: pd.DataFrame, layer: str | None) -> str | None:
    """What a long frame lacks, with the columns found and, where one other numeric
    column could be the counts, the rename that would fix it; ``None`` if complete."""
    cols = list(frame.columns)
    twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if twice:
        return f"the long table has duplicate column names {twice}"
    missing = [c for c in ("origin", "destination", "count") + ((layer,) if layer else ()) if c not in cols]
    if not missing:
        return None
    if missing == [layer]:
        msg = f"layer column {layer!r} is not in the frame"
    else:
        msg = ("a long table needs columns 'origin', 'destination', 'count'"
               + (f" and the layer column {layer!r}" if layer else "") + f"; missing {missing}")
    msg += f" (columns found: {cols})"
    if "count" in missing:
        other = [c for c in cols if c not in ("origin", "destination", layer)
                 and pd.api.types.is_numeric_dtype(frame[c].dtype) and not pd.api.types.is_bool_dtype(frame[c].dtype)]
        if len(other) == 1:
            msg += f"; rename {other[0]!r} to 'count' if it holds the counts"
    return msg


def _from_long(frame: pd.DataFrame, layer: str | None) -> Cells:
    problem = _missing_columns(frame, layer)
    if problem:
        raise MobilityInputError(problem)
    for name in ("origin", "destination") + ((layer,) if layer else ()):
        if frame[name].isna().any():
            raise MobilityInputError(f"column {name!r} has missing labels")
    counts = _check_values(frame["count"], "column 'count'")
    origins, dests = _order(frame["origin"]), _order(frame["destination"])
    if set(origins) == set(dests) and len(origins) == len(dests):
        dests = origins  # a square table: one order for both
    layers = _order(frame[layer]) if layer else ("all",)
    if layer and len(layers) < 2:
        raise MobilityInputError(f"layer column {layer!r} has only one level {list(layers)}; a layered model needs two or more")
    ri = pd.Index(origins).get_indexer(frame["origin"])
    ci = pd.Index(dests).get_indexer(frame["destination"])
    li = pd.Index(layers).get_indexer(frame[layer]) if layer else np.zeros(len(frame), dtype=int)
    if (ri < 0).any() or (ci < 0).any() or (li < 0).any():
        raise MobilityInputError("labels outside the categories of a categorical column")
    key = (li * len(origins) + ri) * len(dests) + ci
    if len(np.unique(key)) != len(key):
        raise MobilityInputError("the long table has duplicate (origin, destination"
                                 + (f", {layer}" if layer else "") + ") rows")
    arr = np.zeros(len(layers) * len(origins) * len(dests))
    arr[key] = counts
    return _cells(arr.reshape(len(layers), len(origins), len(dests)), origins, dests, layers, layer)


def _check_margins(cells: Cells) -> None:
    arr = cells.array()
    if cells.total <= 0:
        raise MobilityInputError("the table is all zero")
    if cells.I < 2 or cells.J < 2:
        raise MobilityInputError(f"need at least 2 origins and 2 destinations; got {cells.I} x {cells.J}")
    zero_layers = [cells.layers[k] for k in range(cells.L) if arr[k].sum() <= 0]
    if zero_layers:
        raise MobilityInputError(f"layer(s) {zero_layers} of {cells.layer_name!r} are all zero")
    for k in range(cells.L):
        where = f" in layer {cells.layers[k]!r}" if cells.layer_name else ""
        er = [cells.origins[i] for i in np.flatnonzero(arr[k].sum(axis=1) <= 0)]
        ec = [cells.destinations[j] for j in np.flatnonzero(arr[k].sum(axis=0) <= 0)]
        if er:
            raise MobilityInputError(f"empty origin row(s) {er}{where}: their margins cannot be fitted")
        if ec:
            raise MobilityInputError(f"empty destination column(s) {ec}{where}: their margins cannot be fitted")
