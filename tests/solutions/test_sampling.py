"""Temperature sampling references."""

import numpy as np
import pytest
import torch

from solutions.sampling import apply_temperature, sample_logits, sample_with_temperature


def test_temperature_reweights_as_a_power():
    """Is the reweighted distribution p^(1/T) normalised, on every row of a batch?"""
    p = np.random.default_rng(0).dirichlet(np.ones(7), size=3)
    for t in (0.3, 1.0, 2.0):
        want = p ** (1 / t) / (p ** (1 / t)).sum(-1, keepdims=True)
        np.testing.assert_allclose(apply_temperature(p, t), want, atol=1e-12)


def test_small_temperature_does_not_underflow():
    """At T = 0.001 does the largest probability get all the mass instead of producing NaN?"""
    np.testing.assert_allclose(apply_temperature([0.2, 0.5, 0.3], 1e-3), [0, 1, 0], atol=1e-12)
    with pytest.raises(ValueError, match="positive"):
        apply_temperature([0.5, 0.5], 0.0)


def test_sampling_frequencies():
    """Do 20,000 draws at T = 0.5 match the reweighted distribution within 5 standard errors?"""
    rng = np.random.default_rng(1)
    p = np.array([0.1, 0.2, 0.7])
    n = 20_000
    freq = np.bincount([sample_with_temperature(p, 0.5, rng) for _ in range(n)], minlength=3) / n
    want = apply_temperature(p, 0.5)
    assert np.all(np.abs(freq - want) < 5 * np.sqrt(want * (1 - want) / n))


def test_sample_logits_greedy_and_device(device):
    """Does temperature 0 pick the argmax, and do samples stay on the logits' device?"""
    logits = torch.tensor([[0.0, 3.0, 1.0], [5.0, 0.0, 0.0]], device=device)
    assert sample_logits(logits, 0).tolist() == [1, 0]
    gen = torch.Generator(device=device).manual_seed(0)
    draws = sample_logits(logits.repeat(500, 1), 1.0, gen)
    assert draws.device.type == device.type
    assert 0.7 < (draws[0::2] == 1).float().mean().item() < 0.95  # softmax([0,3,1])[1] = 0.84


def test_sample_or_greedy_is_argmax_at_zero_and_samples_otherwise():
    """Is temperature 0 greedy, and does a positive temperature still draw every index sometimes?"""
    from solutions.sampling import sample_or_greedy

    rng = np.random.default_rng(0)
    p = np.array([0.2, 0.5, 0.3])
    assert {sample_or_greedy(p, 0, rng) for _ in range(20)} == {1}
    assert {sample_or_greedy(p, 1.0, rng) for _ in range(300)} == {0, 1, 2}
