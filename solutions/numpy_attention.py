"""From-scratch NumPy attention (chapter 7): the references the chapter's checks compare with.

Batch first; weights multiply on the right (``x @ W``), as in ``numpy_seq2seq``.
"""

from __future__ import annotations

import numpy as np


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))  # shifted: exp never overflows
    return e / e.sum(axis=axis, keepdims=True)


def attention_forward(hs: np.ndarray, h: np.ndarray):
    """Dot-product attention of one decoder state h (B, H) over encoder states hs (B, S, H).

    Returns (context (B, H), weights (B, S)): weights = softmax_s(h . hs_s), context = sum_s weights_s hs_s.
    """
    scores = np.einsum("bsh,bh->bs", hs, h)  # (B, S)
    a = softmax(scores, axis=1)
    return np.einsum("bs,bsh->bh", a, hs), a


def attention_backward(hs: np.ndarray, h: np.ndarray, a: np.ndarray, dc: np.ndarray):
    """Gradients (dhs (B, S, H), dh (B, H)) of a loss whose gradient w.r.t. the context is dc (B, H)."""
    da = np.einsum("bh,bsh->bs", dc, hs)  # through the weighted sum
    ds = a * (da - (a * da).sum(axis=1, keepdims=True))  # through the softmax
    dhs = a[:, :, None] * dc[:, None, :] + ds[:, :, None] * h[:, None, :]
    dh = np.einsum("bs,bsh->bh", ds, hs)
    return dhs, dh


def additive_scores(hs: np.ndarray, h: np.ndarray, Wq: np.ndarray, Wk: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bahdanau's scores (B, S): v . tanh(h Wq + hs_s Wk); hs (B, S, H), h (B, H), Wq and Wk (H, A), v (A,)."""
    return np.tanh((h @ Wq)[:, None, :] + hs @ Wk) @ v


def time_attention(enc_hs: np.ndarray, dec_hs: np.ndarray):
    """Attention at every decoder step: enc_hs (B, S, H), dec_hs (B, T, H) -> contexts (B, T, H), weights (B, T, S)."""
    scores = np.einsum("bth,bsh->bts", dec_hs, enc_hs)
    a = softmax(scores, axis=2)
    return a @ enc_hs, a
