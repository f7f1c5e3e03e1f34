"""The PixelCNN reference: masks, causality by gradients, sampling, bits/dim, count baselines, the experiment."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from solutions import pixelcnn as P
from solutions.experiments import pixelcnn as experiment

H = W = 8


def test_masks_of_type_a_and_b():
    """Are the rows above the centre and the left half of its row open, the centre open only for type B?"""
    a, b = P.causal_mask(3, "A"), P.causal_mask(3, "B")
    np.testing.assert_array_equal(a, [[1, 1, 1], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(b, [[1, 1, 1], [1, 1, 0], [0, 0, 0]])
    assert P.causal_mask(7, "A").sum() == 24 and P.causal_mask(1, "B").sum() == 1 and P.causal_mask(1, "A").sum() == 0
    with pytest.raises(ValueError):
        P.causal_mask(3, "C")


def small_model(first: str = "A", seed: int = 0) -> P.PixelCNN:
    torch.manual_seed(seed)
    model = P.PixelCNN(P.PixelCNNConfig(filters=8, n_blocks=2, first_kernel=5))
    model.first = P.MaskedConv2d(first, 1, 8, 5) if first != "A" else model.first
    for p in model.parameters():  # larger weights than the default init: no gradient may vanish by accident
        torch.nn.init.normal_(p, std=0.5)
    return model.double()


def input_gradients(model: P.PixelCNN, i: int, j: int) -> np.ndarray:
    """|d sum(logits at (i, j)) / d input| over the (H, W) input of one random image."""
    x = torch.rand(1, 1, H, W, dtype=torch.float64, requires_grad=True)
    model(x)[0, :, i, j].sum().backward()
    return x.grad[0, 0].abs().numpy()


def leaks(grads: np.ndarray, i: int, j: int) -> list:
    """The input pixels at or after (i, j) in raster order that the output at (i, j) depends on."""
    return np.argwhere((grads != 0.0) & raster_masks(i, j)[1]).tolist()


def raster_masks(i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.arange(H * W).reshape(H, W)
    return order < i * W + j, order >= i * W + j  # (earlier pixels, the pixel and later ones)


@pytest.mark.parametrize("i, j", [(0, 0), (0, 5), (3, 0), (3, 4), (7, 7)])
def test_output_depends_on_earlier_pixels_only(i, j):
    """Through the whole stack (type A first, type B after), is the gradient of the output at (i, j) exactly
    zero for every input pixel at or after (i, j) in raster order, and non-zero for some earlier pixel?"""
    grads = input_gradients(small_model(), i, j)
    earlier, later = raster_masks(i, j)
    assert not leaks(grads, i, j), f"output ({i}, {j}) sees pixels {leaks(grads, i, j)}"
    if earlier.any():
        assert grads[earlier].max() > 0.0, "the output ignores every earlier pixel"
        assert grads[i, j - 1 if j else 0] > 0 or j == 0  # the pixel just left of it is seen
    assert grads[max(i - 1, 0), j] > 0 or i == 0  # and the one just above it


def test_a_type_b_first_layer_leaks_the_pixel_itself():
    """With the centre left on in the first layer (type B first), does the causality test catch output (i, j) seeing input (i, j)?"""
    for i, j in [(0, 0), (3, 4), (7, 7)]:
        grads = input_gradients(small_model(first="B"), i, j)
        assert [i, j] in leaks(grads, i, j), f"type B first: output ({i}, {j}) should be caught seeing its own input"


def test_receptive_field_grows_with_depth_but_has_a_blind_spot():
    """Does a deep stack see far above, yet miss pixels up and to the right of its cone (the blind spot)?"""
    torch.manual_seed(0)
    model = P.PixelCNN(P.PixelCNNConfig(filters=8, n_blocks=4, first_kernel=3)).double()
    for p in model.parameters():
        torch.nn.init.normal_(p, std=0.5)
    x = torch.rand(1, 1, 12, 12, dtype=torch.float64, requires_grad=True)
    model(x)[0, :, 8, 4].sum().backward()
    seen = x.grad[0, 0].abs().numpy() > 0
    assert seen[3, 4] and seen[8, 0], "five layers of 3x3 reach five rows up and to the row's start"
    assert not seen[7, 11], "the pixel far right on the row above is earlier but never seen: the blind spot"


def test_bits_per_dim_is_cross_entropy_in_bits():
    """Is bits/dim the mean of -log2 p(target) over every pixel, so uniform logits over 4 levels give 2 bits?"""
    logits = torch.zeros(3, 4, 5, 5)
    targets = torch.randint(0, 4, (3, 5, 5))
    assert float(P.bits_per_dim(logits, targets)) == pytest.approx(2.0)
    logits = torch.randn(3, 4, 5, 5)
    logp = torch.log_softmax(logits, 1).gather(1, targets[:, None])[:, 0]
    assert float(P.bits_per_dim(logits, targets)) == pytest.approx(float(-logp.mean() / math.log(2)), rel=1e-6)


def test_sample_keeps_the_given_pixels_follows_temperature_and_device():
    """Does sample() keep pixels before `start`, write levels in range on the canvas's device, and is
    a near-zero temperature the argmax (the same image twice)?"""
    model = small_model().float().eval()
    canvas = torch.randint(0, 4, (6, H, W))
    out = model.sample(canvas, start=H * W // 2, generator=torch.Generator().manual_seed(0))
    assert out.device == canvas.device and out.dtype == canvas.dtype and out.shape == canvas.shape
    assert torch.equal(out[:, : H // 2], canvas[:, : H // 2]) and int(out.min()) >= 0 and int(out.max()) < 4
    cold = [model.sample(torch.zeros(2, H, W, dtype=torch.long), temperature=1e-4) for _ in range(2)]
    assert torch.equal(cold[0], cold[1]) and torch.equal(cold[0][0], cold[0][1])
    warm = model.sample(torch.zeros(64, H, W, dtype=torch.long), generator=torch.Generator().manual_seed(1))
    assert len({img.numpy().tobytes() for img in warm}) > 32, "temperature 1 should give varied images"


def test_baselines_on_a_known_case():
    """Do the count baselines give log2(levels) on a flat table and learn a deterministic neighbour rule
    (up to the padding ambiguity of the first row)?"""
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 4, size=(4000, 4, 4))
    assert P.independent_bits_per_dim(noise, noise[:500], 4) == pytest.approx(2.0, abs=0.02)
    stripes = np.tile(np.array([0, 1, 2, 3]), (500, 4, 1))  # each pixel = (west + 1) mod 4: fully predictable
    # Only pixels (0, 0) and (0, 1) share a context (all four neighbours padding, read as 0) with two
    # different levels: one bit each, 2 of 16 pixels; every other pixel is certain.
    assert P.neighbour_bits_per_dim(stripes, stripes[:5], 4) == pytest.approx(2 / 16, abs=0.01)
    assert P.independent_bits_per_dim(stripes, stripes[:5], 4) < 0.05  # per position it is constant too
    shifted = np.stack([np.roll(stripes[0], s, axis=1) for s in range(4)] * 200)
    assert P.independent_bits_per_dim(shifted, shifted[:8], 4) == pytest.approx(2.0, abs=0.01)
    assert P.neighbour_bits_per_dim(shifted, shifted[:8], 4) < 0.6  # only the first column is unpredictable


def test_presets_follow_the_source_and_the_chapter():
    """Is the full preset the source's (128 filters, 5 blocks, Adam 5e-4, batch 128, 150 epochs) and the cpu one small?"""
    full, cpu = experiment.PRESETS["full"], experiment.PRESETS["cpu"]
    assert (full.filters, full.n_blocks, full.lr, full.batch_size, full.epochs) == (128, 5, 5e-4, 128, 150)
    assert cpu.filters * cpu.n_blocks * cpu.epochs <= 32 * 2 * 4


@pytest.mark.slow
def test_one_short_run_beats_the_independent_baseline(capsys):
    """Does one epoch on the digits print the data and bits/dim per epoch, and already beat the per-position counts?"""
    preset = experiment.PixelCNNPreset(filters=16, n_blocks=1, batch_size=16, epochs=1, lr=5e-3, source="digits")
    result = experiment.run(preset, torch.device("cpu"))
    out = capsys.readouterr().out
    assert "data: digits" in out and "val_bits_per_dim" in out
    assert result["val_bits_per_dim"] < result["independent_bits"]
