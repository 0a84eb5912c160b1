"""Exceptions of :mod:`hukoumob.survey`.

Both subclass :class:`ValueError`, so callers that caught a ValueError for
bad input keep working; catch the subclass to tell the cases apart.
"""

from __future__ import annotations

from collections.abc import Sequence


class SeparationError(ValueError):
    """A logit has no finite maximum-likelihood estimate: perfect or
    quasi-complete separation (Albert and Anderson 1984).

    ``terms`` names the covariates (``"constant"`` for the intercept) along
    which the pseudo-log-likelihood keeps rising without bound, as found by
    :func:`hukoumob.survey.separation.separating_terms`; ``outcome`` names
    the outcome.
    """

    def __init__(self, outcome: str, terms: Sequence[str], detail: str = "") -> None:
        self.outcome = outcome
        self.terms = list(terms)
        shown = ", ".join(self.terms) if self.terms else "(none identified)"
        super().__init__(
            f"logit of {outcome!r}: perfect or quasi-complete separation, no finite estimate; "
            f"the coefficient(s) of {shown} run off to infinity{detail}. Drop or merge those "
            "covariates, or the categories without events"
        )


class DesignVarianceError(ValueError):
    """The design cannot support a design-based variance (e.g. the estimation
    sample lies in fewer than two PSUs, or the design has no degrees of freedom)."""


__all__ = ["DesignVarianceError", "SeparationError"]
