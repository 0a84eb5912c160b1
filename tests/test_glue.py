"""The one helper that glues formatted numbers into the prose (hukoumob.book.glue)."""

import numpy as np
import pandas as pd
import pytest

from hukoumob.book import glue


@pytest.fixture
def glued(monkeypatch):
    seen = {}
    monkeypatch.setattr(glue, "_glue", lambda name, value, display: seen.update({name: (value, display)}))
    return seen


def test_numpy_and_pandas_scalars_are_formatted_as_plain_numbers(glued):
    assert glue.glue_number("b", np.float64(7.2249), ".2f") == "7.22"
    assert glue.glue_count("n", np.int64(2844)) == "2,844"
    assert glue.glue_count("n_float", 2844.0) == "2,844"
    assert glue.glue_percent("share", np.float32(0.823)) == "82%"
    assert glue.glue_percent("share1", 0.0184, 1) == "1.8%"
    assert glue.glue_value("k", pd.Series([3]).sum()) == "3"
    assert glue.glue_value("x", np.array(0.5)) == "0.500"
    assert glue.glue_value("label", "synthetic replica") == "synthetic replica"
    assert glue.glue_number("pct", np.float64(19.46), ".0f", suffix="%") == "19%"
    assert glued["b"] == ("7.22", False)  # glued as text, never displayed in place
    assert all(isinstance(v, str) for v, _ in glued.values())


def test_missing_or_wrong_values_stop_with_the_glue_key(glued):
    with pytest.raises(ValueError, match="'r2'.*nan"):
        glue.glue_number("r2", float("nan"))
    with pytest.raises(ValueError, match="'n'.*None"):
        glue.glue_count("n", None)
    with pytest.raises(ValueError, match="'n'.*whole number"):
        glue.glue_count("n", 2.5)
    with pytest.raises(TypeError, match="cannot format"):
        glue.glue_number("b", [1, 2])
    with pytest.raises(TypeError, match="expected text"):
        glue.glue_text("label", 3)
    assert not glued


def test_count_of_puts_the_noun_in_the_right_number():
    from hukoumob.book.glue import count_of

    assert count_of(1, "cell") == "1 cell"
    assert count_of(np.int64(3), "cell") == "3 cells"
    assert count_of(0, "cell") == "no cell"
    assert count_of(2, "man", "men") == "2 men"
    assert count_of(2844.0, "man", "men") == "2,844 men"
    with pytest.raises(ValueError):
        count_of(1.5, "cell")
