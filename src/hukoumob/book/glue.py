"""Glue formatted numbers into a chapter's prose (myst-nb ``glue``), one helper for every chapter.

Under NumPy 2 a value glued as it is shows as ``np.float64(0.56)``, and a
``{glue:text}`` role with a format spec fails on it, so the chapters glue
*text*: the number formatted here, once, with a Python format spec. Numbers
are converted to plain ``int``/``float`` first (NumPy scalars, pandas
scalars, 0-d arrays); a missing number (NaN, None) stops with an error naming
the glue key, since prose must never show "nan".

Usage in a chapter::

    from hukoumob.book.glue import glue_number, glue_percent, glue_count, glue_text
    glue_number("b_hukou", fit.b["urban_hukou14"], ".2f")   # {glue:text}`b_hukou` -> e.g. 1.23
    glue_percent("share", 0.823)                            # -> 82%
    glue_count("n_men", len(men))                           # -> 2,844
    glue_number("pct", 19.4, ".0f", suffix="%")             # a number in per cent -> 19%
    glue_text("label", source.label)
"""

from __future__ import annotations

import numbers

import numpy as np
from myst_nb import glue as _glue


def plain(value):
    """``value`` as a plain Python ``int``/``float`` (NumPy and pandas scalars, 0-d arrays), strings unchanged."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"cannot format {value!r} ({type(value).__name__}) as a number")


def format_number(value, fmt: str = "", *, name: str = "") -> str:
    """``value`` formatted with the format spec ``fmt`` (``".2f"``, ``",.0f"``, ``".0%"``, ``","``, ``"d"``).

    Without ``fmt``: integers with thousands separators, other numbers with
    three decimals. Raises :class:`ValueError` (naming ``name``) for a missing
    number, :class:`TypeError` for something that is not a number.
    """
    if isinstance(value, str):
        return value
    if value is None:
        raise ValueError(f"glue {name!r}: no number to show (None)")
    v = plain(value)
    if isinstance(v, float) and not np.isfinite(v):
        raise ValueError(f"glue {name!r}: the number is {v} (nothing to show in the prose)")
    if not fmt:
        fmt = "," if isinstance(v, int) else ".3f"
    if fmt.endswith("d") and isinstance(v, float):
        if not v.is_integer():
            raise ValueError(f"glue {name!r}: {v} is not a whole number (format {fmt!r})")
        v = int(v)
    return format(v, fmt)


def glue_value(name: str, value, fmt: str = "", suffix: str = "") -> str:
    """Glue ``value`` under ``name`` as text (:func:`format_number`; strings as they are), followed by
    ``suffix`` (a unit: ``"%"`` for a number already in per cent); return the text."""
    text = format_number(value, fmt, name=name) + suffix
    _glue(name, text, display=False)
    return text


def glue_number(name: str, value, fmt: str = ".2f", suffix: str = "") -> str:
    """Glue a number with the format spec ``fmt`` (default two decimals) and an optional unit ``suffix``."""
    return glue_value(name, value, fmt, suffix)


def glue_percent(name: str, share, digits: int = 0) -> str:
    """Glue a share (0.82) as a percentage ("82%") with ``digits`` decimals."""
    return glue_value(name, share, f".{digits}%")


def glue_count(name: str, n) -> str:
    """Glue a count with thousands separators ("2,844")."""
    return glue_value(name, n, ",d")


def glue_text(name: str, text: str) -> str:
    """Glue a piece of text (a label, a list of names)."""
    if not isinstance(text, str):
        raise TypeError(f"glue {name!r}: expected text, got {type(text).__name__}")
    return glue_value(name, text)


def count_of(n, noun: str, plural: str | None = None) -> str:
    """"1 cell", "3 cells", "no cell": a count with its noun in the right number (prose never reads
    "cell(s)"). ``plural`` defaults to ``noun + "s"``."""
    k = plain(n)
    if isinstance(k, float):
        if not k.is_integer():
            raise ValueError(f"count_of: {k} is not a whole number")
        k = int(k)
    if k == 0:
        return f"no {noun}"
    return f"{k:,} {noun if k == 1 else (plural or noun + 's')}"


def glue_count_of(name: str, n, noun: str, plural: str | None = None) -> str:
    """Glue :func:`count_of` (``"1 cell"``, ``"2 cells"``) under ``name``."""
    return glue_value(name, count_of(n, noun, plural))
