"""The layered null ``rc_homog_common`` of :func:`hukoumob.mobility.fit_model`
(issue 15, item 5: does the association differ between layers, given the
scores?): one ``mu`` for every layer, against R gnm (MultHomog with layered
margins and one diagonal per layer; tests/oracles/gnm_family_common.R, frozen
in gnm_family_common.csv, live where R is present), and nested in
``rc_homog_layer`` (one ``mu`` per layer) as the chapter's test needs."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import pandas as pd
import pytest
from test_mobility_family_gnm import oracle_table

from hukoumob.mobility import fit_model
from hukoumob.mobility.gnm_oracle import r_available

ORACLES = Path(__file__).parent / "oracles"
TABLES = ["yaish_layered", "erikson_layered"]


def _fit(tid, association):
    table = oracle_table(pd.read_csv(ORACLES / "gnm_family_tables.csv"), tid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_model(table, association, layer=table.columns[-1])


@pytest.mark.parametrize("tid", TABLES)
def test_common_association_equals_gnm(tid):
    ref = pd.read_csv(ORACLES / "gnm_family_common.csv").set_index("table").loc[tid]
    res = _fit(tid, "rc_homog_common")
    assert res.df_resid == int(ref["df"])
    assert res.deviance == pytest.approx(float(ref["deviance"]), rel=1e-6)
    assert res.mu == pytest.approx(float(ref["mu"]), rel=1e-6)


@pytest.mark.parametrize("tid", TABLES)
def test_common_association_is_nested_in_one_per_layer(tid):
    common, per_layer = _fit(tid, "rc_homog_common"), _fit(tid, "rc_homog_layer")
    n_layers = len(per_layer.mu)
    assert common.df_resid - per_layer.df_resid == n_layers - 1
    assert common.deviance >= per_layer.deviance - 1e-8
    assert common.layer_effects is None and isinstance(common.mu, float)


def test_common_association_needs_a_layer():
    from hukoumob.mobility.errors import MobilityInputError

    table = oracle_table(pd.read_csv(ORACLES / "gnm_family_tables.csv"), "yaish_educ1")
    with pytest.raises(MobilityInputError, match="layer=COLUMN"):
        fit_model(table, "rc_homog_common")


@pytest.mark.needs_r
def test_live_gnm_agrees_with_frozen(tmp_path):
    if not r_available():
        pytest.skip("Rscript with the gnm package is not available")
    subprocess.run(["Rscript", str(ORACLES / "gnm_family_common.R"), str(tmp_path)], check=True,
                   capture_output=True, timeout=600)
    live = pd.read_csv(tmp_path / "gnm_family_common.csv")
    frozen = pd.read_csv(ORACLES / "gnm_family_common.csv")
    pd.testing.assert_frame_equal(live, frozen, rtol=1e-8)
