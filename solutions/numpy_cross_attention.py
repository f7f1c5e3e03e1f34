"""NumPy references for the encoder-decoder transformer (Hands-On ML 16.4.2): masks and cross-attention.

- :func:`attention_mask`: which keys each query may read, from the ids: no padding key, and (for the
  decoder's self-attention) no later position. Padding *queries* are not masked: their rows still read
  the real keys (their outputs are never used, and a row with no key would divide by zero).
- :func:`cross_attention`: multi-head attention whose queries come from the decoder (B, T, D) and whose
  keys and values come from the encoder's output (B, S, D): chapter 7's attention in multi-head form.

Both build on chapter 9's :func:`solutions.numpy_transformer.scaled_dot_product_attention`.
"""

from __future__ import annotations

import numpy as np

from .numpy_transformer import scaled_dot_product_attention


def attention_mask(query_ids: np.ndarray, key_ids: np.ndarray, pad_id: int = 0, causal: bool = False) -> np.ndarray:
    """Bool (B, Tq, Tk): True where query i may attend to key j, i.e. key_ids[b, j] != pad_id and, if causal,
    j <= i. query_ids (B, Tq) gives only the shape (padding queries are not masked)."""
    B, Tq = np.shape(query_ids)
    real = np.asarray(key_ids) != pad_id  # (B, Tk)
    mask = np.broadcast_to(real[:, None, :], (B, Tq, real.shape[1]))
    if causal:
        mask = mask & (np.arange(real.shape[1])[None, :] <= np.arange(Tq)[:, None])
    return mask.copy()


def cross_attention(x: np.ndarray, memory: np.ndarray, Wq, Wk, Wv, Wo, num_heads: int, mask=None):
    """Multi-head attention of the decoder states x (B, T, D) over the encoder's output memory (B, S, D).

    Wq: (D, h * dk) applied to x; Wk, Wv: (D, h * dk) applied to memory; Wo: (h * dk, D). mask: None or
    bool broadcasting to (B, h, T, S). Returns (output (B, T, D), weights (B, h, T, S)).
    """
    B, T, _ = x.shape
    S = memory.shape[1]

    def split(a, n):  # (B, n, h * dk) -> (B, h, n, dk)
        return a.reshape(B, n, num_heads, -1).transpose(0, 2, 1, 3)

    heads, weights = scaled_dot_product_attention(split(x @ Wq, T), split(memory @ Wk, S), split(memory @ Wv, S), mask)
    return heads.transpose(0, 2, 1, 3).reshape(B, T, -1) @ Wo, weights
