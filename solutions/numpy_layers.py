"""From-scratch NumPy references for single steps (chapter 1).

The time layers with forward and backward passes (chapters 5-7) are in
``seqgen.layers`` (public: the book teaches them) and, for ``TimeLSTM`` (it runs chapter 1's
answer), in chapter 5's released answers; ``solutions/numpy_seq2seq.py`` builds on them.

Gate order everywhere is PyTorch's and Keras's: input, forget, cell (g), output.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    # Split by sign so that exp never overflows.
    out = np.empty_like(x, dtype=np.result_type(x, np.float32))
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def lstm_step(x, h, c, Wx, Wh, b):
    """One LSTM step.

    x: (B, D), h and c: (B, H), Wx: (D, 4H), Wh: (H, 4H), b: (4H,), gates i, f, g, o.
    Returns (h_next, c_next), each (B, H).
    """
    H = h.shape[1]
    A = x @ Wx + h @ Wh + b  # (B, 4H)
    i = sigmoid(A[:, :H])
    f = sigmoid(A[:, H : 2 * H])
    g = np.tanh(A[:, 2 * H : 3 * H])
    o = sigmoid(A[:, 3 * H :])
    c_next = f * c + i * g  # (B, H)
    h_next = o * np.tanh(c_next)  # (B, H)
    return h_next, c_next
