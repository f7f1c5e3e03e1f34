"""PixelCNN (van den Oord et al., 2016): an image written one pixel at a time, in raster order.

An image is a sequence of pixels read row by row. The model predicts each pixel's
level from the pixels before it; a *masked* convolution is the convolutional form of
a causal mask: its kernel is zero at every position at or after the centre (type A,
used first, so a pixel never sees itself) or after the centre (type B, used in later
layers, where the centre holds features that already only depend on earlier pixels).

Layout follows the source notes (Generative Deep Learning, ch. 5): a 7x7 type-A
convolution, residual blocks (1x1 -> masked 3x3 type B -> 1x1, each with ReLU, added
to their input), two 1x1 type-B convolutions, and a 1x1 convolution to one logit per
level. Inputs are ``level / levels`` in (B, 1, H, W); outputs logits (B, levels, H, W).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def causal_mask(kernel_size: int, mask_type: str) -> np.ndarray:
    """(k, k) float32 mask: 1 on the rows above the centre and left of it on its row; centre 1 only for type B."""
    if mask_type not in ("A", "B"):
        raise ValueError(f"mask_type must be 'A' or 'B', got {mask_type!r}")
    mask = np.zeros((kernel_size, kernel_size), dtype=np.float32)
    centre = kernel_size // 2
    mask[:centre, :] = 1.0
    mask[centre, :centre] = 1.0
    if mask_type == "B":
        mask[centre, centre] = 1.0
    return mask


class MaskedConv2d(nn.Conv2d):
    """A 'same'-padded convolution whose kernel is multiplied by a causal mask on every call."""

    def __init__(self, mask_type: str, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        self.mask_type = mask_type
        self.register_buffer("mask", torch.from_numpy(causal_mask(kernel_size, mask_type))[None, None])  # (1, 1, k, k)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class ResidualBlock(nn.Module):
    """x + relu(1x1 up(relu(masked 3x3 B(relu(1x1 down(x)))))): halves the channels in the middle."""

    def __init__(self, filters: int):
        super().__init__()
        self.down = nn.Conv2d(filters, filters // 2, 1)
        self.pixel = MaskedConv2d("B", filters // 2, filters // 2, 3)
        self.up = nn.Conv2d(filters // 2, filters, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.down(x))  # (B, F/2, H, W)
        h = F.relu(self.pixel(h))  # (B, F/2, H, W): sees the pixel itself and the ones before it
        return x + F.relu(self.up(h))  # (B, F, H, W)


@dataclass
class PixelCNNConfig:
    levels: int = 4  # grey levels per pixel (the softmax's size)
    filters: int = 128
    n_blocks: int = 5
    first_kernel: int = 7  # the type-A layer
    head_layers: int = 2  # 1x1 type-B layers before the output


class PixelCNN(nn.Module):
    def __init__(self, config: PixelCNNConfig):
        super().__init__()
        self.config = config
        c = config
        self.first = MaskedConv2d("A", 1, c.filters, c.first_kernel)
        self.blocks = nn.Sequential(*[ResidualBlock(c.filters) for _ in range(c.n_blocks)])
        self.head = nn.ModuleList([MaskedConv2d("B", c.filters, c.filters, 1) for _ in range(c.head_layers)])
        self.out = nn.Conv2d(c.filters, c.levels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, 1, H, W) floats ``level / levels`` -> logits (B, levels, H, W)."""
        h = F.relu(self.first(x))  # (B, F, H, W)
        h = self.blocks(h)
        for layer in self.head:
            h = F.relu(layer(h))
        return self.out(h)

    def inputs(self, levels: torch.Tensor) -> torch.Tensor:
        """Integer levels (B, H, W) -> the network's input (B, 1, H, W), ``level / levels``."""
        return (levels.float() / self.config.levels)[:, None]

    @torch.no_grad()
    def sample(self, canvas: torch.Tensor, temperature: float = 1.0, start: int = 0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """Fill ``canvas`` (B, H, W) integer levels from raster position ``start`` on, one pixel at a time.

        Pixels before ``start`` are kept (``start=0`` draws whole images; ``start=H*W//2``
        completes their lower halves). Each pixel is drawn from ``softmax(logits / temperature)``.
        Runs on ``canvas``'s device; returns a new tensor.
        """
        canvas = canvas.clone()
        _, height, width = canvas.shape
        for position in range(start, height * width):
            i, j = divmod(position, width)
            logits = self(self.inputs(canvas))[:, :, i, j]  # (B, levels)
            probs = torch.softmax(logits / temperature, dim=-1)
            canvas[:, i, j] = torch.multinomial(probs, 1, generator=generator)[:, 0]
        return canvas


def bits_per_dim(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log2-likelihood per pixel: logits (B, levels, H, W), targets (B, H, W) levels."""
    return F.cross_entropy(logits, targets) / math.log(2)


# --------------------------------------------------------------------------- count baselines


def independent_bits_per_dim(train: np.ndarray, test: np.ndarray, levels: int, alpha: float = 1.0) -> float:
    """Held-out bits/dim of an independent categorical per pixel position, counts + ``alpha`` (Laplace)."""
    n, h, w = train.shape
    counts = np.stack([(train == v).sum(axis=0) for v in range(levels)], axis=-1) + alpha  # (H, W, levels)
    probs = counts / counts.sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(probs[None], test[..., None], axis=-1)[..., 0]  # (M, H, W)
    return float(-np.log2(picked).mean())


def neighbour_contexts(images: np.ndarray, levels: int) -> np.ndarray:
    """(N, H, W) context ids from the 4 causal neighbours (west, north-west, north, north-east); 0 outside."""
    padded = np.pad(images, ((0, 0), (1, 0), (1, 1)))  # a row above, a column each side
    _, h, w = images.shape
    west = padded[:, 1:, 0:w]
    north_west, north, north_east = padded[:, :h, 0:w], padded[:, :h, 1:w + 1], padded[:, :h, 2:w + 2]
    return ((west * levels + north_west) * levels + north) * levels + north_east


def neighbour_bits_per_dim(train: np.ndarray, test: np.ndarray, levels: int, alpha: float = 1.0) -> float:
    """Held-out bits/dim of p(pixel | its 4 causal neighbours), one table shared by all positions, counts + ``alpha``."""
    contexts = levels**4
    counts = np.full((contexts, levels), alpha)
    np.add.at(counts, (neighbour_contexts(train, levels).ravel(), train.ravel()), 1)
    probs = counts / counts.sum(axis=1, keepdims=True)
    picked = probs[neighbour_contexts(test, levels).ravel(), test.ravel()]
    return float(-np.log2(picked).mean())
