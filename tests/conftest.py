"""Shared fixtures: results go to a temporary folder so tests never touch results/; no mapping from the environment."""

import pytest


@pytest.fixture(autouse=True)
def _results_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("HUKOUMOB_RESULTS", str(tmp_path / "results"))
    monkeypatch.delenv("HUKOUMOB_LHSCCC_MAPPING", raising=False)  # tests name their mapping themselves


@pytest.fixture(scope="module")
def params():
    """The replica's saved parameters (data/replica/params.json); a module may define its own."""
    from hukoumob.replica import io

    return io.load_params()


@pytest.fixture(scope="module")
def men():
    """The committed replica's men (data/replica/men.csv); a module may define its own."""
    from hukoumob.replica import io

    return io.load_men()
