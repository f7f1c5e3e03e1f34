"""seqgen.plot: figures that read well on the site, on a desktop and on a phone; attention heat maps."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from seqgen.plot import plot_attention, plot_curves, plot_history  # noqa: E402


def test_epoch_axis_has_whole_number_ticks():
    """Does a four-epoch curve get ticks at whole epochs only (no 1.25 or 2.5)?"""
    ax = plot_curves({"validation": [2.0, 1.5, 1.2, 1.1]})
    ax.figure.canvas.draw()
    lo, hi = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if lo <= t <= hi]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    plt.close(ax.figure)


def test_coinciding_curves_stay_distinguishable():
    """Do two equal curves differ in line style or marker, so the one drawn last does not hide the other?"""
    ax = plot_curves({"stateful": [1.0, 0.9, 0.8], "stateless": [1.0, 0.9, 0.8]})
    a, b = ax.get_lines()
    assert (a.get_linestyle(), a.get_marker()) != (b.get_linestyle(), b.get_marker())
    plt.close(ax.figure)


def test_history_panels_stack_in_one_column():
    """Is a two-metric history one column wide (at most 6.5 in), so that its labels stay readable when shrunk?"""
    history = {"loss": [2.0, 1.0], "val_loss": [2.1, 1.2], "accuracy": [0.3, 0.5], "val_accuracy": [0.3, 0.4]}
    fig = plot_history(history, metrics=("loss", "accuracy"))
    width, height = fig.get_size_inches()
    assert width <= 6.5 and len(fig.axes) == 2
    assert np.isclose(fig.axes[0].get_position().x0, fig.axes[1].get_position().x0)  # one above the other
    plt.close(fig)


def test_image_grid_is_at_most_phone_friendly_wide():
    """Is an eight-column image grid at most 5.6 in wide (shrunk on a phone to no less than about 60%)?"""
    from seqgen.plot import plot_image_grid

    fig = plot_image_grid(np.zeros((16, 16, 16)), title="samples", ncols=8, vmax=3)
    assert fig.get_size_inches()[0] <= 5.6 + 1e-9
    plt.close(fig)


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


def test_image_grid_frames_every_sample_so_that_a_blank_one_shows():
    """Does every image of a grid, a blank one too, get a visible frame, and do the unused cells stay empty?"""
    from seqgen.plot import FRAME_COLOUR, plot_image_grid
    from matplotlib.colors import to_rgba

    images = np.zeros((10, 4, 4))
    images[0, 1, 1] = 3  # one image with ink; the nine others are blank
    fig = plot_image_grid(images, ncols=8, vmax=3)
    used, unused = fig.axes[:10], fig.axes[10:]
    for ax in used:
        assert ax.axison and all(s.get_visible() and s.get_linewidth() > 0 for s in ax.spines.values())
        assert all(s.get_edgecolor() == to_rgba(FRAME_COLOUR) for s in ax.spines.values())
        assert not ax.get_xticks().size and not ax.get_yticks().size
    assert len(unused) == 6 and not any(ax.axison for ax in unused)
    plt.close(fig)


def test_show_table_returns_nothing_to_print(capsys):
    """Does show_table return None, so that a cell ending with it does not also print the table's markup?"""
    from seqgen.plot import show_table

    assert show_table([{"model": "a", "bits/dim": "0.5"}]) is None
    assert show_table([]) is None
