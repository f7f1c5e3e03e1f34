"""Hidden checks of chapter 5's NumPy encoder, Exercises 6 and 7 (registered by checks.py, beside this file).

The kernel runs the student's functions on layers holding weights drawn here; the expected values come
from the NumPy reference (``solutions.numpy_seq2seq.Encoder``) and the same network in PyTorch, with autograd.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading.checks import Checks, expect, randomise
from solutions import numpy_seq2seq as ns
from solutions.torch_lstm import lstm_states

checks = Checks()

# Float64 NumPy against float64 NumPy and torch: the same sums in another order agree to ~1e-13;
# 1e-9 leaves room for that and catches every real mistake (those move values by 1e-3 or more).
ATOL, RTOL = 1e-9, 1e-7
ENC_SHAPES = [(3, 7, 13, 16, 8), (1, 1, 5, 3, 2), (4, 29, 9, 4, 6)]  # (B, S, V, D, H); S = 1 and a date-long question

ENC_LAYERS = (
    "layers = EncoderLayers(V_, D, H, np.random.default_rng(0))\n"
    "for _p, _q in zip(layers.params, weights, strict=True):\n"
    "    _p[...] = _q\n"
)


def _encoder_reference(rng, V, D, H):
    ref = ns.Encoder(V, D, H, rng)
    randomise(ref.params, rng)
    return ref


def _torch_context(weights, xs):
    E, Wx, Wh, b = (torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights)
    B, H = xs.shape[0], Wh.shape[0]
    hs = lstm_states(E[torch.as_tensor(xs)], torch.zeros(B, H, dtype=torch.float64), Wx, Wh, b)  # (B, S, H)
    return hs[:, -1], [E, Wx, Wh, b]


@checks.exercise("encoder_forward")
def _(k):
    """Contract: encoder_forward(layers, xs (B, S) ints) -> h (B, H) float64, the LSTM's hidden state after the last
    step from zero states (a state set on layers.lstm before the call is ignored), equal to the reference encoder and
    to the same network in PyTorch; xs unchanged."""
    for seed, (B, S, V, D, H) in enumerate(ENC_SHAPES):
        rng = k.rng(500 + seed)
        ref = _encoder_reference(rng, V, D, H)
        weights = [p.copy() for p in ref.params]
        xs, stale = rng.integers(0, V, size=(B, S)), rng.normal(size=(B, H))
        got, xs_after = k.run(ENC_LAYERS + "layers.lstm.set_state(stale, stale)\nresult = (encoder_forward(layers, xs), xs)",
                              weights=weights, xs=xs, stale=stale, V_=V, D=D, H=H)
        what = f"h for B, S, V, D, H = {(B, S, V, D, H)}"
        expect.array(got, what, shape=(B, H), kind="f")
        expect.true(got.dtype == np.float64, f"{what}: expected float64 (the dtype of the weights), got {got.dtype}")
        expect.close(got, ref.forward(xs), f"{what} against the NumPy reference (from zero states, even after "
                                           "another state was set)", atol=ATOL, rtol=RTOL)
        with torch.no_grad():
            expect.close(got, _torch_context(weights, xs)[0].numpy(), f"{what} against PyTorch", atol=ATOL, rtol=RTOL)
        expect.equal(xs_after, xs, "xs after the call (unchanged)")


# The forward pass written out kernel-side (no page shows it as such), so that a wrong encoder_forward costs only
# its own points; then the student's backward.
ENC_BACKWARD = ENC_LAYERS + (
    "layers.lstm.set_state(None)\n"
    "layers.lstm.forward(layers.embed.forward(xs))\n"
    "_out = encoder_backward(layers, dh)\n"
    "result = (_out, [np.array(g, copy=True) for g in layers.grads])\n"
)
ENC_NAMES = ["embedding W", "LSTM Wx", "LSTM Wh", "LSTM b"]


@checks.exercise("encoder_backward")
def _(k):
    """Contract: after the encoder's forward pass, encoder_backward(layers, dh (B, H)) returns nothing and fills
    layers.grads with the gradient of every weight for a loss whose gradient w.r.t. the context is dh (entering at
    the last step only), float64, equal to the NumPy reference and to PyTorch's autograd."""
    for seed, (B, S, V, D, H) in enumerate(ENC_SHAPES):
        rng = k.rng(600 + seed)
        ref = _encoder_reference(rng, V, D, H)
        weights = [p.copy() for p in ref.params]
        xs, dh = rng.integers(0, V, size=(B, S)), rng.normal(size=(B, H))
        out, grads = k.run(ENC_BACKWARD, weights=weights, xs=xs, dh=dh, V_=V, D=D, H=H)
        what = f"B, S, V, D, H = {(B, S, V, D, H)}"
        expect.true(out is None, f"{what}: expected encoder_backward to return nothing (None), got {type(out).__name__}")
        expect.type(grads, list, f"{what}: the layers' gradients")
        expect.true(len(grads) == len(ENC_NAMES), f"{what}: expected {len(ENC_NAMES)} gradients in layers.grads, got {len(grads)}")
        ref.forward(xs)
        ref.backward(dh)
        h, params = _torch_context(weights, xs)
        (h * torch.from_numpy(dh)).sum().backward()
        for name, g, w, p in zip(ENC_NAMES, grads, ref.grads, params, strict=True):
            expect.array(g, f"gradient of {name} for {what}", shape=w.shape, kind="f")
            expect.close(g, w, f"gradient of {name} for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
            expect.close(g, p.grad.numpy(), f"gradient of {name} for {what} against PyTorch autograd", atol=ATOL, rtol=RTOL)
