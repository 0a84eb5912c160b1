"""Footnote 5 weights on a hand-made household table (hukoumob.inputs.weights)."""

import pandas as pd
import pytest

from hukoumob.inputs import weights


def households():
    return pd.DataFrame({"sample": ["urban", "urban", "rural", "rural", "rural"], "adults": [1, 3, 2, 2, 5]})


def test_household_weight_is_relative_to_the_sample_mean():
    out = weights.footnote5_weights(households())
    assert out["hhwt"].tolist() == pytest.approx([0.5, 1.5, 2 / 3, 2 / 3, 5 / 3])


def test_population_weight_uses_the_footnote_constants():
    out = weights.footnote5_weights(households())
    urban, rural = 3.52e8 / 3087, 8.59e8 / 3003
    assert out["popwt"].tolist() == pytest.approx(
        [0.5 * urban, 1.5 * urban, 2 / 3 * rural, 2 / 3 * rural, 5 / 3 * rural]
    )


def test_final_weights_average_one_and_keep_ratios():
    out = weights.footnote5_weights(households())
    assert out["weight"].mean() == pytest.approx(1.0)
    assert out["weight"].sum() == pytest.approx(len(out))
    ratio = out["weight"].iloc[2] / out["weight"].iloc[0]
    assert ratio == pytest.approx((2 / 3) / 0.5 * (8.59e8 / 3003) / (3.52e8 / 3087))


@pytest.mark.parametrize(
    "frame,message",
    [
        (pd.DataFrame({"sample": ["urban"], "adults": [0]}), "whole number >= 1"),
        (pd.DataFrame({"sample": ["urban"], "adults": [1.5]}), "whole number >= 1"),
        (pd.DataFrame({"sample": ["town"], "adults": [2]}), "'urban' or 'rural'"),
        (pd.DataFrame({"adults": [2]}), "needs columns"),
    ],
)
def test_bad_input_is_named(frame, message):
    with pytest.raises(ValueError, match=message):
        weights.footnote5_weights(frame)


def test_input_is_not_modified():
    frame = households()
    before = frame.copy()
    weights.footnote5_weights(frame)
    pd.testing.assert_frame_equal(frame, before)
