"""NumPy time layers with forward and backward passes, and what trains them (taught in chapter 5, reused in 6 and 7).

Chapter 5's ``TimeLSTM`` is not here: it runs chapter 1's ``lstm_step`` at every step, an answer,
so it reaches students with the answers released after chapter 5 (``seqgen.released``).

Each layer processes a whole batch of sequences at once, batch first: ``(B, T, ...)``.
It keeps in ``params`` its weights and, after ``backward``, their gradients in ``grads``
(same order; ``backward`` overwrites ``grads`` in place, so an optimiser may hold them).
Weights multiply on the right (``x @ W``).

This module is the single home of this code: chapter 5's page shows it (and a test checks
that the page and this module agree), later chapters and the reference import it from here.
``sigmoid`` is chapter 1's, given there for the ``lstm_step`` exercise. ``softmax_cross_entropy``,
``clip_grads`` and ``Adam`` train chapter 5's NumPy seq2seq on addition and chapter 7's attention
model on dates.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Adam", "TimeAffine", "TimeEmbedding", "clip_grads", "sigmoid", "softmax_cross_entropy"]


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


def softmax_cross_entropy(scores, targets):
    """Mean cross-entropy of scores (B, T, V) against ids (B, T), and its gradient (B, T, V) for the scores."""
    z = scores - scores.max(axis=-1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=-1, keepdims=True)  # (B, T, V)
    picked = np.take_along_axis(p, targets[..., None], axis=-1)[..., 0]  # (B, T)
    dscores = p.copy()
    np.put_along_axis(dscores, targets[..., None], picked[..., None] - 1.0, axis=-1)
    return float(-np.log(picked).mean()), dscores / targets.size


def clip_grads(grads, max_norm):
    """Scale every gradient in place so that their global L2 norm is at most max_norm."""
    norm = np.sqrt(sum(float(np.sum(g**2)) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm


class Adam:
    """Adam (Kingma and Ba, 2015) on lists of arrays, updated in place."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.m, self.v = 0, None, None

    def update(self, params, grads):
        """One step: params -= lr * m / (sqrt(v) + eps), bias-corrected."""
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        lr = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g**2 - v)
            p -= lr * m / (np.sqrt(v) + self.eps)
