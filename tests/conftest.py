"""Shared fixtures: results go to a temporary folder so tests never touch results/."""

import pytest


@pytest.fixture(autouse=True)
def _results_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("HUKOUMOB_RESULTS", str(tmp_path / "results"))
