"""Shared fixtures: results go to a temporary folder so tests never touch results/; no mapping from the environment."""

import pytest


@pytest.fixture(autouse=True)
def _results_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("HUKOUMOB_RESULTS", str(tmp_path / "results"))
    monkeypatch.delenv("HUKOUMOB_LHSCCC_MAPPING", raising=False)  # tests name their mapping themselves
