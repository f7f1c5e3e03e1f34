"""The discretised logistic mixture likelihood of PixelCNN++ (Salimans et al., 2017).

Instead of a softmax over every level, the network predicts for each pixel K mixture
logits, K means and K log-scales: 3K numbers whatever the number of levels L. Levels
0..L-1 sit at c = 2x/(L-1) - 1 on [-1, 1]; level x owns the bin [c - h, c + h] with
h = 1/(L-1), and its probability is the mixture's mass on that bin, with the first bin
stretched down to -inf and the last up to +inf so that the L masses sum to one:

    P(x) = sum_k pi_k [sigma((c + h - mu_k) / s_k) - sigma((c - h - mu_k) / s_k)].

Numerics (our own form, the paper's idea). With a = (c + h - mu)/s and b = (c - h - mu)/s,
a - b = 2h/s > 0 exactly, and

    sigma(a) - sigma(b) = sigma(a) sigma(-b) (1 - exp(-(a - b))),

so log P_k = logsigmoid(a) + logsigmoid(-b) + log(-expm1(-(a - b))): a sum of terms that
never subtract two nearly equal numbers, finite for every finite parameter (no fallback to
the density at the bin centre, which the paper's code needs when the difference rounds to
zero). The first bin is logsigmoid(a), the last logsigmoid(-b). log(2h/s) is computed as
log(2h) - log s, so a huge scale still gives a finite log. Log-scales are clamped below at
-7 by default (the paper's constant) so that 1/s cannot overflow.

Library or own code? TensorFlow Probability has the pieces (``QuantizedDistribution`` of a
``MixtureSameFamily`` of ``Logistic``, and ``tfp.distributions.PixelCNN``). Its newest release,
0.25.0 (checked with ``pip index versions`` / ``pip download --no-deps`` on 2026-12-01),
needs ``tf-keras`` when used with TensorFlow, because Keras 3 is not Keras 2; ``tf-keras``
2.21.0 requires the ``tensorflow`` distribution (``tensorflow>=2.21,<2.22``), a second copy
of TensorFlow beside the pinned ``tensorflow-cpu`` 2.21. It also needs ``dm-tree``, which the
course does not install. It does not fit the pins, so the reference is these few lines of
torch, tested against brute-force sums and numerical integration.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _log1mexp(d: torch.Tensor, log_d: torch.Tensor) -> torch.Tensor:
    """log(1 - exp(-d)) for d > 0, given log d too: exact for small d, where it is log d - d/2 + O(d^2)."""
    small = log_d < -15.0  # there d/2 < 2e-7: log d - d/2 is exact to float64 rounding
    d_safe = torch.where(small, torch.ones_like(d), d)  # keeps the unused branch finite (no NaN gradients)
    return torch.where(small, log_d - 0.5 * torch.exp(log_d), torch.log(-torch.expm1(-d_safe)))


def logistic_mixture_log_prob(
    x: torch.Tensor,
    logits: torch.Tensor,
    means: torch.Tensor,
    log_scales: torch.Tensor,
    levels: int,
    min_log_scale: float | None = -7.0,
) -> torch.Tensor:
    """log P(x) per pixel under a discretised mixture of K logistics on [-1, 1].

    x: integer levels 0..levels-1, any shape S. logits, means, log_scales: S + (K,), float;
    means and scales are on the [-1, 1] scale. Returns a float tensor of shape S (natural log),
    in the parameters' dtype; differentiable in the parameters.
    """
    if levels < 2:
        raise ValueError(f"levels must be at least 2, got {levels}")
    if x.dtype.is_floating_point or x.dtype == torch.bool:
        raise TypeError(f"x must hold integer levels, got {x.dtype}")
    if not (logits.shape == means.shape == log_scales.shape == x.shape + logits.shape[-1:]):
        raise ValueError(f"parameters must have shape {tuple(x.shape)} + (K,), got "
                         f"{tuple(logits.shape)}, {tuple(means.shape)}, {tuple(log_scales.shape)}")
    if min_log_scale is not None:
        log_scales = log_scales.clamp(min=min_log_scale)
    half = 1.0 / (levels - 1)  # half a bin's width on [-1, 1]
    xk = x.unsqueeze(-1)  # S + (1,)
    centre = (2.0 * half) * xk.to(means.dtype) - 1.0  # S + (1,)
    inv_s = torch.exp(-log_scales)  # S + (K,)
    a = (centre + half - means) * inv_s  # upper edge, standardised
    b = (centre - half - means) * inv_s  # lower edge
    log_width = math.log(2.0 * half) - log_scales  # log(a - b), exact even where a - b underflows
    inner = F.logsigmoid(a) + F.logsigmoid(-b) + _log1mexp(torch.exp(log_width), log_width)
    per_k = torch.where(xk == 0, F.logsigmoid(a), torch.where(xk == levels - 1, F.logsigmoid(-b), inner))
    return torch.logsumexp(F.log_softmax(logits, dim=-1) + per_k, dim=-1)  # S
