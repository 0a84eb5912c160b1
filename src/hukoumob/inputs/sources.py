"""The data source a chapter runs on: the synthetic replica (default) or the real survey file.

Chapters take a ``data_source`` parameter (papermill ``parameters`` cell);
:func:`resolve_source` turns it into a :class:`DataSource` or stops with a
clear message. Chapters that rest on the published tables alone (Tables 3-4,
Table 5 Models 1, 2, 3a) accept the parameter too, so one setting switches the
whole book.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hukoumob.inputs import paths

DEFAULT = "replica"
REAL_SUFFIXES = (".dta", ".csv")


@dataclass(frozen=True)
class DataSource:
    """Where individual records come from: ``kind`` is ``"replica"`` or ``"lhsccc"`` (the real file)."""

    kind: str
    path: Path

    @property
    def label(self) -> str:
        """How the book names this source next to every number it gives."""
        return "synthetic replica" if self.kind == "replica" else "LHSCCC 1996 survey file"


def resolve_source(value: str | Path | None) -> DataSource:
    """Check a ``data_source`` setting: ``"replica"`` or the path of a real ``.dta``/``.csv`` file.

    Raises ``ValueError`` for anything else, naming the value and what is
    accepted; a path must exist and be a readable file.
    """
    if value is None or str(value).strip() in ("", DEFAULT):
        return DataSource("replica", paths.REPLICA / "men.csv")
    path = Path(str(value)).expanduser()
    if path.suffix.lower() not in REAL_SUFFIXES:
        raise ValueError(
            f"data_source {str(value)!r} is neither 'replica' nor a path to a "
            f"{' or '.join(REAL_SUFFIXES)} file of the real survey"
        )
    if not path.is_file():
        raise ValueError(f"data_source {str(value)!r}: no such file")
    return DataSource("lhsccc", path.resolve())
