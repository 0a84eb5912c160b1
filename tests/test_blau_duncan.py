"""Table 2's U.S. 1962 column from Blau and Duncan's correlations (hukoumob.tables.us1962)."""

import numpy as np
import pandas as pd
import pytest

from hukoumob.tables import us1962


def test_uncorrelated_predictors_give_their_correlations_back():
    names = ["y", "a", "b"]
    corr = pd.DataFrame(np.eye(3), index=names, columns=names)
    corr.loc["y", "a"] = corr.loc["a", "y"] = 0.3
    corr.loc["y", "b"] = corr.loc["b", "y"] = -0.2
    beta, r2 = us1962.standardized_regression(corr, "y", ["a", "b"])
    assert beta.tolist() == pytest.approx([0.3, -0.2])
    assert r2 == pytest.approx(0.13)


def test_matches_ols_on_standardized_simulated_data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5000, 3)) @ np.array([[1, 0.4, 0.2], [0, 1, 0.5], [0, 0, 1]])
    y = x @ np.array([0.5, -0.2, 0.3]) + rng.normal(size=5000)
    data = pd.DataFrame(np.column_stack([y, x]), columns=["y", "a", "b", "c"])
    z = (data - data.mean()) / data.std()
    ols = np.linalg.lstsq(z[["a", "b", "c"]].to_numpy(), z["y"].to_numpy(), rcond=None)[0]
    beta, r2 = us1962.standardized_regression(data.corr(), "y", ["a", "b", "c"])
    np.testing.assert_allclose(beta, ols, atol=1e-10)
    resid = z["y"] - z[["a", "b", "c"]].to_numpy() @ ols
    assert r2 == pytest.approx(1 - resid.var() / z["y"].var())


def test_us1962_rows_follow_the_contract_and_bound_covers_rounding():
    rows = us1962.us1962_table2_rows()
    assert set(rows["term"]) == {"father_educ", "father_isei", "educ", "first_isei", "r2"}
    # perturbing the inputs within their rounding moves results by less than the bound
    corr = us1962.load_correlations()
    rng = np.random.default_rng(0)
    base = rows["value"].to_numpy()
    for _ in range(20):
        noise = np.triu(rng.uniform(-0.0005, 0.0005, corr.shape), 1)
        moved = corr + noise + noise.T
        beta, r2 = us1962.standardized_regression(moved, us1962.BD_OUTCOME, list(us1962.BD_TERMS))
        assert (np.abs(np.append(beta, r2) - base) <= rows["bound"].to_numpy()).all()


def test_malformed_matrix_is_rejected(tmp_path, monkeypatch):
    from hukoumob.inputs import paths

    bad = pd.DataFrame([[1, 0.5], [0.4, 1]], index=["a", "b"], columns=["a", "b"])
    bad.to_csv(tmp_path / "blau_duncan_1962_correlations.csv")
    monkeypatch.setattr(paths, "REFERENCE", tmp_path)
    with pytest.raises(ValueError, match="symmetric"):
        us1962.load_correlations()
