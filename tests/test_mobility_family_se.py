"""Standard errors of the family's normalised parameters (issue 15: ``bse`` of
:func:`hukoumob.mobility.fit_model`), against R gnm's ``getContrasts`` with
unit-length, mean-centred scores (tests/oracles/gnm_family_se.R, frozen in
gnm_family_se.csv; gnm reports expected-information SEs), and the observed-
information SEs of the paper's model form against :func:`fit_table`'s.

The normalised parameters do not move along the models' invariance
directions, so their SEs are the delta method through the normalisation; the
association's SE taken as a plain coordinate was wrong by a factor of 200."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hukoumob.mobility import fit_model, fit_table
from hukoumob.mobility.gnm_oracle import r_available

ORACLES = Path(__file__).parent / "oracles"


@pytest.fixture(scope="module")
def occupational_status() -> pd.DataFrame:
    t = pd.read_csv(ORACLES / "gnm_family_tables.csv")
    return t.loc[t["table"] == "occupationalStatus", ["origin", "destination", "count"]].reset_index(drop=True)


def _fit(table, model, information):
    association, diagonal = model.split("/")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_model(table, association, diagonal, information=information)


@pytest.mark.parametrize("model", ["rc/none", "rc/uniform", "rc_homog/none", "rc_homog/uniform"])
def test_score_standard_errors_equal_gnm(occupational_status, model):
    ref = pd.read_csv(ORACLES / "gnm_family_se.csv")
    ref = ref[ref["model"] == model].set_index("term")
    res = _fit(occupational_status, model, "expected")
    # the same scores up to gnm's sign convention, then the same SEs
    np.testing.assert_allclose(np.abs(res.params[ref.index]), np.abs(ref["estimate"]), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(res.bse[ref.index], ref["se"], rtol=1e-6)


def test_observed_information_is_the_default_and_differs_for_the_scores_only(occupational_status):
    obs, exp = _fit(occupational_status, "rc/uniform", "observed"), _fit(occupational_status, "rc/uniform", "expected")
    linear = [k for k in obs.bse.index if k.startswith(("origin", "destination", "(intercept)"))]
    np.testing.assert_allclose(obs.bse[linear], exp.bse[linear], rtol=5e-2)
    assert not np.allclose(obs.bse.filter(like="phi:"), exp.bse.filter(like="phi:"), rtol=1e-4)


def test_paper_form_standard_errors_equal_fit_table(occupational_status):
    """rc_homog/uniform (Table 5 Models 1, 2, 3a): mu, delta and the scores' SEs
    by the family equal fit_table's (the record/table engine, checked against gnm)."""
    res = _fit(occupational_status, "rc_homog/uniform", "observed")
    sq = occupational_status.pivot(index="origin", columns="destination", values="count")
    tab = fit_table(sq.to_numpy(), categories=[str(c) for c in sq.index])
    se = tab.standard_errors()
    assert res.bse["mu"] == pytest.approx(se["mu0"], rel=1e-6)
    assert res.bse["delta"] == pytest.approx(se["delta"], rel=1e-6)
    np.testing.assert_allclose(res.bse.filter(like="phi:").to_numpy(), se.filter(like="phi:").to_numpy(), rtol=1e-6)
    assert res.mu == pytest.approx(tab.params["mu0"], rel=1e-8)


def test_unknown_information_is_an_error(occupational_status):
    from hukoumob.mobility.errors import MobilityInputError

    with pytest.raises(MobilityInputError, match="information.*'observed'"):
        fit_model(occupational_status, "rc", information="hessian")


@pytest.mark.needs_r
def test_live_gnm_agrees_with_frozen(tmp_path):
    if not r_available():
        pytest.skip("Rscript with the gnm package is not available")
    subprocess.run(["Rscript", str(ORACLES / "gnm_family_se.R"), str(tmp_path)], check=True, capture_output=True,
                   timeout=600)
    live = pd.read_csv(tmp_path / "gnm_family_se.csv")
    frozen = pd.read_csv(ORACLES / "gnm_family_se.csv")
    pd.testing.assert_frame_equal(live[["model", "term"]], frozen[["model", "term"]])
    np.testing.assert_allclose(live["se"], frozen["se"], rtol=1e-8)
