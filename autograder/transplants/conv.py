"""Keras convolution layers -> the PyTorch PixelCNN reference (chapter 8), from plain-data descriptions.

The descriptions come from :data:`autograder.transplants.describe.DESCRIBE_SOURCE` run in the student's
kernel. A Keras kernel is HWIO ``(kh, kw, in, out)``, a torch ``Conv2d`` weight OIHW
``(out, in, kh, kw)``. Custom layers are read from their *trainable* weights (a mask kept as
a non-trainable weight is not a parameter), each kernel followed by its bias, as Keras tracks them.
"""

from __future__ import annotations

import numpy as np
import torch

from .layers import TransplantError, as_tensor, assign


def kernel_bias_pairs(layer: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """A described layer's trainable weights as (HWIO kernel, bias) pairs, in the order Keras tracks them."""
    weights = [np.asarray(w) for w in layer.get("trainable", [])]
    pairs, i = [], 0
    while i < len(weights):
        kernel = weights[i]
        if kernel.ndim != 4 or i + 1 >= len(weights) or weights[i + 1].shape != (kernel.shape[3],):
            shapes = ", ".join(str(tuple(w.shape)) for w in weights)
            raise TransplantError(f"{layer['name']}: expected trainable weights in (kernel (kh, kw, in, out), bias (out,)) "
                                  f"pairs, got shapes {shapes or 'none'}")
        pairs.append((kernel, weights[i + 1]))
        i += 2
    return pairs


def copy_conv(kernel: np.ndarray, bias: np.ndarray, conv: torch.nn.Conv2d, what: str) -> None:
    """Keras HWIO kernel and bias -> a torch Conv2d (OIHW)."""
    assign(conv.weight, as_tensor(kernel).permute(3, 2, 0, 1), f"{what} kernel")
    assign(conv.bias, as_tensor(bias), f"{what} bias")


def masked_conv_from(layer: dict, mask_type: str):
    """The reference :class:`solutions.pixelcnn.MaskedConv2d` holding a described masked Conv2D layer."""
    from solutions.pixelcnn import MaskedConv2d

    pairs = kernel_bias_pairs(layer)
    if len(pairs) != 1:
        raise TransplantError(f"{layer['name']}: expected exactly one kernel and one bias, got {len(pairs)} kernels")
    kernel, bias = pairs[0]
    kh, kw, c_in, c_out = kernel.shape
    if kh != kw or kh % 2 != 1:
        raise TransplantError(f"{layer['name']}: expected a square kernel of odd size, got {kh}x{kw}")
    module = MaskedConv2d(mask_type, int(c_in), int(c_out), int(kh))
    copy_conv(kernel, bias, module, layer["name"])
    return module.eval()


def residual_block_from(layer: dict, filters: int):
    """The reference :class:`solutions.pixelcnn.ResidualBlock` holding a described block, its
    convolutions recognised by their kernel shapes (1x1 F -> F/2, 3x3 F/2 -> F/2, 1x1 F/2 -> F)."""
    from solutions.pixelcnn import ResidualBlock

    half = filters // 2
    roles = {(1, 1, filters, half): "down", (3, 3, half, half): "pixel", (1, 1, half, filters): "up"}
    pairs = kernel_bias_pairs(layer)
    got = sorted(tuple(k.shape) for k, _ in pairs)
    if got != sorted(roles):
        raise TransplantError(f"{layer['name']}: expected kernels of shapes {sorted(roles)}, got {got}")
    block = ResidualBlock(filters)
    for kernel, bias in pairs:
        copy_conv(kernel, bias, getattr(block, roles[tuple(kernel.shape)]), f"{layer['name']} {roles[tuple(kernel.shape)]}")
    return block.eval()
