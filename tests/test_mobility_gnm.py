"""The table models against R's gnm (an independent implementation).

One Rscript run (module fixture) fits
``gnm(count ~ origin + destination + Diag(origin, destination, binary = TRUE)
+ MultHomog(origin, destination), family = poisson)`` to the three
Erikson-Goldthorpe-Portocarero tables collapsed to six classes and to a table
simulated from the model; gnm's unnormalised scores are centred, scaled to
unit length and signed (mu = their squared length). Skipped where Rscript or
gnm is absent.
"""

from __future__ import annotations

import numpy as np
import pytest

from hukoumob.mobility import fit_table, simulate_table
from hukoumob.inputs.reference import load_erikson_tables
from hukoumob.mobility.gnm_oracle import fit_gnm_tables, normalise_gnm_scores, r_available

pytestmark = pytest.mark.needs_r


def _simulated():
    rng = np.random.default_rng(2007)
    phi = np.array([0.55, 0.3, 0.05, -0.05, 0.0, -0.85])
    phi = (phi - phi.mean()) / np.linalg.norm(phi - phi.mean())
    return simulate_table(rng, [400, 150, 120, 600, 350, 1500], [0.4, -0.3, -0.9, 0.3, -0.2, 0.0], phi, 0.6, 1.8)


@pytest.fixture(scope="module")
def tables():
    t = dict(load_erikson_tables())
    t["simulated"] = _simulated()
    return t


@pytest.fixture(scope="module")
def gnm(tables):
    if not r_available():
        pytest.skip("Rscript with the gnm package is not available")
    return fit_gnm_tables(tables, n_starts=3)


@pytest.mark.parametrize("name", ["EW", "F", "S", "simulated"])
def test_estimates_match_gnm(tables, gnm, name):
    ours = fit_table(tables[name])
    ref = gnm[name]
    assert ref["converged"]
    np.testing.assert_allclose(ours.phi.to_numpy(), ref["phi"], atol=1e-4)
    assert ours.mu0 == pytest.approx(ref["mu"], abs=1e-4)
    assert ours.delta == pytest.approx(ref["delta"], abs=1e-4)


@pytest.mark.parametrize("name", ["EW", "F", "S", "simulated"])
def test_loglik_and_standard_error_match_gnm(tables, gnm, name):
    ours = fit_table(tables[name])
    ref = gnm[name]
    # multinomial log-likelihood = sum n log(fitted / row total) of the Poisson fit
    assert ours.loglik == pytest.approx(ref["loglik"], abs=1e-6)
    # gnm reports expected-information standard errors
    assert ours.standard_errors("expected")["delta"] == pytest.approx(ref["se_delta"], rel=1e-4)


def test_gnm_score_normalisation():
    phi, mu = normalise_gnm_scores([3.0, 1.0, 2.0, 0.0, 1.5, -4.0])
    assert abs(phi.sum()) < 1e-12 and phi @ phi == pytest.approx(1.0)
    assert phi[-1] < 0
    u = np.array([3.0, 1.0, 2.0, 0.0, 1.5, -4.0])
    c = u - u.mean()
    np.testing.assert_allclose(mu * np.outer(phi, phi), np.outer(c, c), atol=1e-12)
