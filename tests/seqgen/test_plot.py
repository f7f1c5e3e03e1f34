"""The shared plots: attention heat maps."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from seqgen.plot import plot_attention


def test_attention_heat_map_labels_inputs_on_x_and_outputs_on_y():
    """Does the heat map show weights (T, S) as an image with the S input labels on x and the T output labels on y?"""
    w = np.random.default_rng(0).dirichlet(np.ones(4), size=3)  # (3, 4)
    ax = plot_attention(w, list("ab c"), list("xyz"))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "\u2423", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y", "z"]
    np.testing.assert_array_equal(ax.images[0].get_array(), w)


def test_attention_heat_map_refuses_mismatched_labels():
    """Are weights whose shape does not match the labels refused, naming both?"""
    with pytest.raises(ValueError, match=r"\(3, 4\) for 4 outputs and 4 inputs"):
        plot_attention(np.zeros((3, 4)), list("abcd"), list("wxyz"))
