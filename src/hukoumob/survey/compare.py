"""Side-by-side standard errors: design-based, cluster-robust and plain.

For the aside students ask about ("why not just cluster?", "how much do the
design SEs matter?"): the same weighted regression, three covariance
estimators.

* design: Taylor linearisation with strata and PSUs (Stata ``svy``, R
  ``svyglm``; Binder 1983, Lumley 2004);
* cluster: CR1 by PSU, strata ignored (Stata ``vce(cluster psu)``);
* plain: model-based, as if the observations were independent.

Stratification usually makes the design SE a little smaller than the
cluster SE; clustering usually makes both larger than the plain SE. The
ratio design / plain is the square root of the design effect (DEFT) of a
coefficient under the model-based reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .design import SurveyDesign
from .estimators import svy_regress
from .results import SurveyResult


def compare_results(design: SurveyResult, cluster: SurveyResult, plain: SurveyResult) -> pd.DataFrame:
    """Tidy comparison of three fits of the same model.

    Returns a DataFrame with columns ``term, estimate, se_design,
    se_cluster, se_plain, design_over_plain, cluster_over_plain,
    design_over_cluster``. Raises a ValueError if the three fits do not
    share their estimates (they must be the same model on the same data).

    Examples
    --------
    >>> from hukoumob.survey import (SurveyDesign, compare_results,
    ...                              simulate_survey, svy_regress)
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> fits = [svy_regress(sim, "y", ["x1"], d, vce=v)
    ...         for v in ("design", "cluster", "plain")]
    >>> tab = compare_results(*fits)
    >>> tab[["term", "se_design", "se_cluster", "se_plain"]].round(4)
           term  se_design  se_cluster  se_plain
    0        x1     0.0726      0.0851    0.0573
    1  constant     0.1505      0.1807    0.0657
    """
    for other in (cluster, plain):
        if list(other.estimates.index) != list(design.estimates.index) or not (
            (other.estimates - design.estimates).abs() <= 1e-8 * (1 + design.estimates.abs())
        ).all():
            raise ValueError("the three results are not fits of the same model")
    out = pd.DataFrame(
        {
            "term": design.estimates.index,
            "estimate": design.estimates.to_numpy(),
            "se_design": design.se.to_numpy(),
            "se_cluster": cluster.se.to_numpy(),
            "se_plain": plain.se.to_numpy(),
        }
    )
    out["design_over_plain"] = out["se_design"] / out["se_plain"]
    out["cluster_over_plain"] = out["se_cluster"] / out["se_plain"]
    out["design_over_cluster"] = out["se_design"] / out["se_cluster"]
    return out


def compare_se(
    data: pd.DataFrame,
    y: str,
    x: Sequence[str],
    design: SurveyDesign,
    *,
    family: str = "gaussian",
    **kwargs: Any,
) -> pd.DataFrame:
    """Fit one weighted regression and compare design, cluster and plain SEs.

    Arguments are those of :func:`hukoumob.survey.svy_regress` (without
    ``vce``). Returns :func:`compare_results` of the three fits.

    Examples
    --------
    >>> from hukoumob.survey import SurveyDesign, compare_se, simulate_survey
    >>> sim = simulate_survey()
    >>> d = SurveyDesign.from_frame(sim, "stratum", "psu", "weight")
    >>> tab = compare_se(sim, "y", ["x1", "x3"], d)
    >>> tab[["term", "se_design", "se_cluster", "se_plain", "design_over_plain"]].round(3)
           term  se_design  se_cluster  se_plain  design_over_plain
    0        x1      0.069       0.080     0.055              1.253
    1        x3      0.022       0.021     0.022              0.989
    2  constant      0.185       0.224     0.128              1.442
    """
    if "vce" in kwargs:
        raise TypeError("compare_se fits all three vce options; do not pass vce")
    fits = {v: svy_regress(data, y, x, design, family=family, vce=v, **kwargs) for v in ("design", "cluster", "plain")}
    return compare_results(fits["design"], fits["cluster"], fits["plain"])


__all__ = ["compare_se", "compare_results"]
