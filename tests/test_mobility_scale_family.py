"""Scale freedom of every model of the family (issue 15, item 3).

The same table times 10^k gives the same normalised parameters (to 1e-6),
the deviance times 10^k, and the same verdict on convergence and on the
existence of the MLE. ``tests/test_mobility_family.py`` checks three
two-way models on a simulated table for every k; this module checks all
twelve two-way models on gnm's ``yaish`` education layer 3 (a table with
a negative-association global maximum, several maxima and a limit at
infinity) and the four layered models on ``yaish`` by education, at the
extremes and in between.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from hukoumob.mobility import fit_model
from hukoumob.mobility.family import DIAGONALS, LAYERED_ASSOCIATIONS, TWO_WAY_ASSOCIATIONS

from test_mobility_family_gnm import ORACLES, oracle_table

SCALES = (-9, -5, 5, 9)


@pytest.fixture(scope="module")
def tables():
    frozen = pd.read_csv(ORACLES / "gnm_family_tables.csv", keep_default_na=False)
    return {t: oracle_table(frozen, t) for t in ("yaish_educ3", "yaish_layered")}


def _fit(table, association, diagonal, layer):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if layer:
            return fit_model(table, association, layer=layer)
        return fit_model(table, association, diagonal)


def _normalised(res):
    """The parameters that do not move with the scale: all but the intercept and the layer x origin
    margins (``<layer>:<l>|origin:<o>``), which move by ``k log 10``."""
    p = res.params
    return p[[k for k in p.index if k != "(intercept)" and "|origin:" not in k]]


CASES = [("yaish_educ3", a, d, None) for a in TWO_WAY_ASSOCIATIONS for d in DIAGONALS] + [
    ("yaish_layered", a, None, "educ") for a in LAYERED_ASSOCIATIONS]


@pytest.mark.parametrize("tid,association,diagonal,layer", CASES,
                         ids=[f"{t}-{a}-{d}" for t, a, d, _ in CASES])
def test_every_model_is_scale_free(tables, tid, association, diagonal, layer):
    table = tables[tid]
    ref = _fit(table, association, diagonal, layer)
    base = _normalised(ref)
    for k in SCALES:
        res = _fit(table.assign(count=table["count"] * 10.0**k), association, diagonal, layer)
        assert (res.converged, res.mle_exists) == (ref.converged, ref.mle_exists), k
        assert res.deviance == pytest.approx(ref.deviance * 10.0**k, rel=1e-7), k
        if ref.mle_exists:  # at a limit at infinity the parameters run off: only G2 is defined
            mine = _normalised(res)
            assert list(mine.index) == list(base.index) and len(mine) > 0
            np.testing.assert_allclose(mine.to_numpy(), base.to_numpy(), atol=1e-6, err_msg=f"k={k}")
