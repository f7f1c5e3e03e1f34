"""NumPy time layers with forward and backward passes (taught in chapter 5, reused in 6 and 7).

Each layer processes a whole batch of sequences at once, batch first: ``(B, T, ...)``.
It keeps in ``params`` its weights and, after ``backward``, their gradients in ``grads``
(same order; ``backward`` overwrites ``grads`` in place, so an optimiser may hold them).
Weights multiply on the right (``x @ W``); LSTM gates are in the order i, f, g, o, as in
Keras, PyTorch and chapter 1.

This module is the single home of this code: chapter 5's page shows it (and a test checks
that the page and this module agree), later chapters and the reference import it from here.
``sigmoid`` is chapter 1's, given there for the ``lstm_step`` exercise.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TimeAffine", "TimeEmbedding", "TimeLSTM", "sigmoid"]

# TimeLSTM over one step computes chapter 1's lstm_step (set_state(h, c), forward(x[:, None]),
# then h_last and c_last): it is masked while that chapter is graded.
ANSWERS = {"TimeLSTM": ["01_lstm_intro"]}


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise (same shape as x)."""
    return 1.0 / (1.0 + np.exp(-x))


class TimeEmbedding:
    """Looks up a row of W (V, D) for each id: (B, T) ids -> (B, T, D)."""

    def __init__(self, W):
        self.params, self.grads = [W], [np.zeros_like(W)]

    def forward(self, xs):  # (B, T) ids -> (B, T, D)
        """Rows of W for the ids xs (B, T): (B, T, D)."""
        self.xs = xs
        return self.params[0][xs]

    def backward(self, dout):  # (B, T, D) -> nothing to pass on
        """Fill grads[0] (V, D) from dout (B, T, D); ids get no gradient."""
        self.grads[0][...] = 0.0
        np.add.at(self.grads[0], self.xs, dout)  # a character used twice collects both gradients


class TimeLSTM:
    """An LSTM over T steps: Wx (D, 4H), Wh (H, 4H), b (4H,), gates i, f, g, o.

    ``set_state(h, c)`` gives the initial state (zeros by default, each (B, H)). After
    ``forward``, ``h_last`` and ``c_last`` hold the final state (to continue step by step);
    after ``backward``, ``dh`` holds the gradient with respect to the initial ``h``.
    """

    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.h0 = self.c0 = None

    def set_state(self, h=None, c=None):
        """The state (h, c), each (B, H) or None for zeros, that the next forward starts from."""
        self.h0, self.c0 = h, c

    def forward(self, xs):  # (B, T, D) -> (B, T, H)
        """Hidden states hs (B, T, H) for the inputs xs (B, T, D)."""
        Wx, Wh, b = self.params
        B, T, _ = xs.shape
        H = Wh.shape[0]
        h = np.zeros((B, H)) if self.h0 is None else self.h0
        c = np.zeros((B, H)) if self.c0 is None else self.c0
        hs, self.cache = np.empty((B, T, H)), []
        for t in range(T):
            A = xs[:, t] @ Wx + h @ Wh + b  # (B, 4H), gates i, f, g, o
            i, f, g, o = sigmoid(A[:, :H]), sigmoid(A[:, H:2 * H]), np.tanh(A[:, 2 * H:3 * H]), sigmoid(A[:, 3 * H:])
            c_next = f * c + i * g
            self.cache.append((xs[:, t], h, c, i, f, g, o, np.tanh(c_next)))
            h, c = o * np.tanh(c_next), c_next
            hs[:, t] = h
        self.h_last, self.c_last = h, c  # (B, H) each: the final state
        return hs

    def backward(self, dhs):  # (B, T, H) -> (B, T, D); sets self.dh, the gradient for the initial h
        """Gradient for the inputs (B, T, D) from dhs (B, T, H); fills grads and sets dh (B, H)."""
        Wx, Wh, _ = self.params
        B, T, H = dhs.shape
        dxs, grads = np.empty((B, T, Wx.shape[0])), [np.zeros_like(p) for p in self.params]
        dh, dc = np.zeros((B, H)), np.zeros((B, H))
        for t in reversed(range(T)):
            x, h_prev, c_prev, i, f, g, o, tanh_c = self.cache[t]
            dh = dh + dhs[:, t]
            ds = dc + dh * o * (1 - tanh_c**2)  # everything that reaches c_t
            dA = np.hstack([ds * g * i * (1 - i), ds * c_prev * f * (1 - f), ds * i * (1 - g**2), dh * tanh_c * o * (1 - o)])
            grads[0] += x.T @ dA
            grads[1] += h_prev.T @ dA
            grads[2] += dA.sum(axis=0)
            dxs[:, t] = dA @ Wx.T
            dh, dc = dA @ Wh.T, ds * f
        for slot, g in zip(self.grads, grads):
            slot[...] = g
        self.dh = dh
        return dxs


class TimeAffine:
    """The same affine map at every step: W (H, V), b (V,); (B, T, H) -> (B, T, V)."""

    def __init__(self, W, b):
        self.params, self.grads = [W, b], [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, xs):  # (B, T, H) -> (B, T, V)
        """xs @ W + b at every step: (B, T, V)."""
        self.xs = xs
        return xs @ self.params[0] + self.params[1]

    def backward(self, dout):  # (B, T, V) -> (B, T, H)
        """Gradient for the inputs (B, T, H) from dout (B, T, V); fills grads."""
        self.grads[0][...] = np.einsum("bth,btv->hv", self.xs, dout)
        self.grads[1][...] = dout.sum(axis=(0, 1))
        return dout @ self.params[0].T
