"""Exceptions and warnings raised by the Table 5 estimation engine.

Every failure mode of :mod:`hukoumob.mobility` has its own class so that
callers (chapters, tests, the survey module) can catch exactly what they mean
to and never mistake a failed fit for a result.
"""

from __future__ import annotations


class MobilityInputError(ValueError):
    """The data cannot be fitted: wrong shape, negative or non-finite counts,
    an empty origin row or destination column, unknown category labels, or
    covariate arrays whose lengths do not match the records."""


class MobilityConvergenceError(RuntimeError):
    """No start of the Newton iterations reached a maximum of the likelihood
    within ``max_iter`` iterations (see ``MobilityResults.starts``)."""


class MobilityConvergenceWarning(UserWarning):
    """Issued instead of :class:`MobilityConvergenceError` when the caller asks
    for ``raise_on_failure=False``; the returned results carry
    ``converged=False``."""


class StartsDisagreeWarning(UserWarning):
    """The converged starts reached log-likelihoods that differ by more than
    the tolerance: the likelihood has several local maxima and the best one
    was kept (log-multiplicative models are known for this)."""


class IdentificationWarning(UserWarning):
    """The information matrix at the estimate is singular or nearly so (for
    example an association parameter near zero leaves the class scores
    unidentified); standard errors are unreliable."""
