"""The table models against R's gnm (an independent implementation), frozen and live.

R fits ``gnm(count ~ origin + destination + Diag(origin, destination, binary = TRUE)
+ MultHomog(origin, destination), family = poisson)`` to the three
Erikson-Goldthorpe-Portocarero tables collapsed to six classes, a table
simulated from the model, and the weighted tables behind Table 5 Models 1, 2
and 3a rebuilt from the published Tables 3 and 4; gnm's unnormalised scores are
centred, scaled to unit length and signed (mu = their squared length).

Its output is frozen in ``tests/oracles/gnm_paper_fits.csv`` (inputs in
``gnm_paper_tables.csv``; ``tests/oracles/make_gnm_paper.py`` regenerates both),
so the comparisons run in every test run, with R or without. Where R and gnm
are installed, a live run must still give the frozen numbers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hukoumob.mobility import fit_table
from hukoumob.mobility.gnm_oracle import normalise_gnm_scores, parse_gnm_output, r_available, run_gnm, tables_from_frame

ORACLES = Path(__file__).resolve().parent / "oracles"
NAMES = ["EW", "F", "S", "simulated", "model1", "model2", "model3a"]


def _script():
    spec = importlib.util.spec_from_file_location("make_gnm_paper", ORACLES / "make_gnm_paper.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def frozen_raw():
    return pd.read_csv(ORACLES / "gnm_paper_fits.csv")


@pytest.fixture(scope="module")
def frozen(frozen_raw):
    return parse_gnm_output(frozen_raw)


@pytest.fixture(scope="module")
def tables():
    """The frozen input tables (what R was given)."""
    return tables_from_frame(pd.read_csv(ORACLES / "gnm_paper_tables.csv"))


def test_frozen_oracle_covers_every_table(frozen, tables):
    assert list(frozen) == NAMES and list(tables) == NAMES
    assert all(ref["converged"] for ref in frozen.values())


def test_frozen_inputs_are_the_tables_built_today(tables):
    """The reference tables, the simulation and the published-table rebuild still give R's inputs."""
    today = _script().oracle_tables()
    assert list(today) == NAMES
    for name in NAMES:
        np.testing.assert_allclose(today[name], tables[name], rtol=1e-12, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("name", NAMES)
def test_estimates_match_gnm(tables, frozen, name):
    ours = fit_table(tables[name])
    ref = frozen[name]
    np.testing.assert_allclose(ours.phi.to_numpy(), ref["phi"], atol=1e-6)
    assert ours.mu0 == pytest.approx(ref["mu"], abs=1e-6)
    assert ours.delta == pytest.approx(ref["delta"], abs=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_loglik_and_standard_error_match_gnm(tables, frozen, name):
    ours = fit_table(tables[name])
    ref = frozen[name]
    # multinomial log-likelihood = sum n log(fitted / row total) of the Poisson fit
    assert ours.loglik == pytest.approx(ref["loglik"], abs=1e-6)
    # gnm reports expected-information standard errors (scores estimated)
    assert ours.standard_errors("expected", se="model_scores_estimated")["delta"] == pytest.approx(
        ref["se_delta"], rel=1e-5)


def test_gnm_score_normalisation():
    phi, mu = normalise_gnm_scores([3.0, 1.0, 2.0, 0.0, 1.5, -4.0])
    assert abs(phi.sum()) < 1e-12 and phi @ phi == pytest.approx(1.0)
    assert phi[-1] < 0
    u = np.array([3.0, 1.0, 2.0, 0.0, 1.5, -4.0])
    c = u - u.mean()
    np.testing.assert_allclose(mu * np.outer(phi, phi), np.outer(c, c), atol=1e-12)


@pytest.mark.needs_r
def test_live_gnm_still_gives_the_frozen_numbers(tables, frozen):
    """Where R is installed: gnm run now on the frozen tables reproduces the frozen output (after the
    normalisation: gnm's raw MultHomog scores carry an arbitrary shift that depends on its random start)."""
    if not r_available():
        pytest.skip("Rscript with the gnm package is not available")
    live = parse_gnm_output(run_gnm(tables, n_starts=_script().N_STARTS))
    assert list(live) == list(frozen)
    for name, ref in frozen.items():
        assert live[name]["converged"], name
        np.testing.assert_allclose(live[name]["phi"], ref["phi"], atol=1e-8, err_msg=name)
        for key in ("mu", "delta", "se_delta", "loglik", "deviance"):
            assert live[name][key] == pytest.approx(ref[key], rel=1e-7, abs=1e-8), (name, key)
