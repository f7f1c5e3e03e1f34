"""The discretised logistic mixture: normalisation, agreement with integration, stable gradients, contract."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from solutions.logistic_mixture import logistic_mixture_log_prob


def random_params(rng, shape, k, log_scale_range=(-4.0, 0.0)):
    """Float64 logits, means in [-1.2, 1.2] and log-scales in the given range, of shape shape + (k,)."""
    logits = torch.tensor(rng.normal(0, 2, shape + (k,)))
    means = torch.tensor(rng.uniform(-1.2, 1.2, shape + (k,)))
    log_scales = torch.tensor(rng.uniform(*log_scale_range, shape + (k,)))
    return logits, means, log_scales


def all_levels_log_prob(params, levels):
    """(levels, P) log-probabilities of every level for P pixels."""
    logits, means, log_scales = params
    p = logits.shape[0]
    x = torch.arange(levels).repeat_interleave(p).reshape(levels, p)
    rep = lambda t: t.unsqueeze(0).expand(levels, *t.shape)  # noqa: E731
    return logistic_mixture_log_prob(x, rep(logits), rep(means), rep(log_scales), levels)


@pytest.mark.parametrize("levels", [2, 4, 256])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_probabilities_of_all_levels_sum_to_one(levels, k):
    """Do the L level probabilities of every pixel sum to one (brute-force sum over levels)?"""
    rng = np.random.default_rng(levels * 10 + k)
    logp = all_levels_log_prob(random_params(rng, (50,), k, (-7.0, 1.0)), levels)
    total = torch.logsumexp(logp, dim=0)
    # float64 sum of at most 256 terms each rounded to ~1e-16 relative: 1e-12 is far above rounding.
    np.testing.assert_allclose(total.numpy(), 0.0, atol=1e-12)


def integrated_log_prob(logits, means, log_scales, levels, dy=1e-4, tail=40.0):
    """(levels,) log of the mixture density's trapezoid integral over each level's bin, one pixel, NumPy float64."""
    pi = np.exp(logits - logits.max())
    pi /= pi.sum()
    s = np.exp(log_scales)

    def density(y):  # (n,) -> (n,): sum_k pi_k sigma'(z_k) / s_k
        z = (y[:, None] - means) / s
        return (pi * np.exp(-np.abs(z)) / (s * (1 + np.exp(-np.abs(z))) ** 2)).sum(axis=1)

    half = 1.0 / (levels - 1)
    edges = np.concatenate([[min(means.min(), -1) - tail * s.max()], -1 + half + 2 * half * np.arange(levels - 1),
                            [max(means.max(), 1) + tail * s.max()]])
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        y = np.linspace(lo, hi, int(np.ceil((hi - lo) / dy)) + 1)
        f = density(y)
        out.append(np.log(np.sum((f[1:] + f[:-1]) * np.diff(y)) / 2))
    return np.array(out)


@pytest.mark.parametrize("levels", [4, 256])
@pytest.mark.parametrize("k", [1, 3])
def test_log_likelihood_matches_numerical_integration(levels, k):
    """Is log P(x) the log of the mixture density integrated over x's bin (edge bins out to the tails)?"""
    rng = np.random.default_rng(levels + k)
    logits, means, log_scales = random_params(rng, (3,), k, (-3.0, -0.5))
    ours = all_levels_log_prob((logits, means, log_scales), levels).numpy()  # (levels, 3)
    for p in range(3):
        ref = integrated_log_prob(logits[p].numpy(), means[p].numpy(), log_scales[p].numpy(), levels)
        # Trapezoid relative error <= dy^2 max|f''/f| / 12 <= (1e-4)^2 / (12 s_min^2) ~ 3e-7 (s_min = e^-3),
        # and the tails cut at 40 scales lose ~e^-40 of mass; 1e-5 on the log leaves a margin over both.
        np.testing.assert_allclose(ours[:, p], ref, rtol=0, atol=1e-5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gradients_are_finite_for_extreme_parameters(dtype):
    """Are the log-likelihood and its gradients finite for huge logits, far means and tiny or huge scales?"""
    levels, k = 256, 3
    grid = [(lg, mu, ls) for lg in (-1e4, 0.0, 1e4) for mu in (-50.0, -1.0, 0.0, 1.0, 50.0)
            for ls in (-1e3, -20.0, -7.0, 0.0, 20.0, 100.0)]
    logits = torch.tensor([[lg, 0.0, -lg] for lg, _, _ in grid], dtype=dtype)  # (G, K)
    means = torch.tensor([[mu, -mu, 0.3] for _, mu, _ in grid], dtype=dtype)
    log_scales = torch.tensor([[ls, -7.0, ls] for _, _, ls in grid], dtype=dtype)
    for x_value in (0, 1, 127, 254, 255):
        params = [t.clone().requires_grad_(True) for t in (logits, means, log_scales)]
        x = torch.full((len(grid),), x_value)
        logp = logistic_mixture_log_prob(x, *params, levels)
        assert torch.isfinite(logp).all() and (logp <= 1e-6).all(), x_value
        logp.sum().backward()
        for name, t in zip(("logits", "means", "log_scales"), params):
            assert torch.isfinite(t.grad).all(), (x_value, name)


def test_near_delta_component_puts_its_mass_on_its_level():
    """Does a single very sharp component centred on a level give that level probability ~1, its neighbours ~0?"""
    levels = 256
    centre = 2 * 100 / (levels - 1) - 1
    x = torch.tensor([99, 100, 101])
    params = [torch.tensor([[v]] * 3, dtype=torch.float64) for v in (0.0, centre, -7.0)]
    p = logistic_mixture_log_prob(x, *params, levels).exp().numpy()
    # s = e^-7 ~ 9e-4 against a half-bin of 3.9e-3: sigma(4.3) - sigma(-4.3) = 0.973 on the level.
    np.testing.assert_allclose(p, [0.0135, 0.9731, 0.0135], atol=5e-4)


def test_any_shape_and_contract():
    """Does it keep x's shape and the parameters' dtype, leave inputs alone, and reject float levels or bad shapes?"""
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.integers(0, 256, (2, 3, 4)))
    params = [t.float() for t in random_params(rng, (2, 3, 4), 5)]
    copies = [t.clone() for t in params]
    out = logistic_mixture_log_prob(x, *params, 256)
    assert out.shape == (2, 3, 4) and out.dtype == torch.float32
    for t, c in zip(params, copies):
        assert torch.equal(t, c)
    with pytest.raises(TypeError):
        logistic_mixture_log_prob(x.float(), *params, 256)
    with pytest.raises(ValueError):
        logistic_mixture_log_prob(x[0], *params, 256)
