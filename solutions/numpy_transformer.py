"""NumPy references for chapter 9's mechanisms: the causal mask, the sinusoidal position encoding,
scaled dot-product attention with a mask, and multi-head attention (split, attend, merge)."""

from __future__ import annotations

import numpy as np


def causal_attention_mask(batch_size: int, n_dest: int, n_src: int, dtype=bool) -> np.ndarray:
    """(batch_size, n_dest, n_src) of ``dtype``: 1 where query i may attend to key j, j <= i + n_src - n_dest."""
    i = np.arange(n_dest)[:, None]
    j = np.arange(n_src)[None, :]
    return np.broadcast_to(j <= i + n_src - n_dest, (batch_size, n_dest, n_src)).astype(dtype)


def positional_encoding(length: int, depth: int) -> np.ndarray:
    """(length, depth) float64: columns 2i, 2i + 1 of row p are sin, cos of p / 10000 ** (2i / depth)."""
    angle = np.arange(length)[:, None] / 10000 ** (np.arange(0, depth, 2)[None, :] / depth)  # (L, depth / 2)
    pe = np.empty((length, depth))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d), masked where ``mask`` is False) v -> (output (..., Tq, dv), weights (..., Tq, Tk))."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., Tq, Tk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ v, weights


def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads: int, mask=None):
    """x (B, T, D), Wq/Wk/Wv (D, h * dk), Wo (h * dk, D) -> (output (B, T, D), weights (B, h, T, T))."""
    B, T, _ = x.shape

    def split(a):  # (B, T, h * dk) -> (B, h, T, dk)
        return a.reshape(B, T, num_heads, -1).transpose(0, 2, 1, 3)

    heads, weights = scaled_dot_product_attention(split(x @ Wq), split(x @ Wk), split(x @ Wv), mask)
    return heads.transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, weights
