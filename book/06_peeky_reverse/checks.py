"""Hidden checks of chapter 6 (Peeky and Reverse).

The NumPy reference (``solutions.numpy_seq2seq``) and PyTorch's autograd compute the
expected values here, in the grader; the student's kernel only builds the chapter's
``PeekyLayers`` from weights we send and returns what their functions compute.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading.checks import Checks, autograd, expect, randomise, torch_leaves
from autograder.grading.verify import items, zip_checked
from solutions import numpy_seq2seq as ns
from solutions.torch_lstm import lstm_states

checks = Checks()

# Float64 everywhere: the reference and the student's NumPy code do the same sums in
# a possibly different order, so results agree to ~1e-12; 1e-9 leaves room for that
# and still catches any real mistake (those change values by 1e-3 or more).
ATOL, RTOL = 1e-9, 1e-7
# float32 results would pass RTOL (float32 keeps ~6e-8), so the dtype is checked on its own.
SHAPES = [(3, 4, 13, 16, 8), (1, 1, 7, 3, 2), (5, 2, 9, 4, 6)]  # (B, T, V, D, H)

# Runs in the kernel: the chapter's PeekyLayers with the given weights.
LAYERS = (
    "layers = PeekyLayers(V_, D, H, np.random.default_rng(0))\n"
    "for _p, _q in zip(layers.params, weights, strict=True):\n"
    "    _p[...] = _q\n"
)


def float64(value: np.ndarray, what: str) -> None:
    """The layers' weights and inputs are float64: a result cast down loses their precision."""
    expect.true(value.dtype == np.float64, f"{what}: expected float64 (the dtype of the weights), got {value.dtype}")


@checks.exercise("reverse_questions")
def _(k):
    """Contract: x (N, S) int ids -> a new (N, S) integer NumPy array (not a list), row n = row n
    of x reversed; x unchanged by the call; the result is not a view of x (writing into it
    leaves x alone: checked with S = 1 too, where x[:, ::-1] is contiguous)."""
    rng = k.rng(3)
    for shape in [(5, 7), (1, 29), (4, 1), (2, 7)]:
        x = rng.integers(0, 13, size=shape)
        got, after_call, after_write = items(k.run(
            "out = reverse_questions(x)\nfirst = out.copy() if isinstance(out, np.ndarray) else out\nafter = x.copy()\n"
            "np.asarray(out)[...] = -1\nresult = (first, after, x)", x=x), 3, f"the values of a {shape} case")
        expect.array(got, f"reversal of a {shape} array", shape=shape, kind="i")
        expect.equal(got, np.flip(x, axis=1), f"reversal of a {shape} array")
        expect.equal(after_call, x, f"the {shape} input after the call (unchanged)")
        expect.equal(after_write, x, f"the {shape} input after writing into the result (return a copy, not a view)")


def _reference(rng, B, T, V, D, H):
    ref = ns.PeekyDecoder(V, D, H, rng)
    randomise(ref.params, rng)
    return ref


def _torch_scores(weights, xs, h):
    """Scores of the Peeky decoder written in PyTorch (float64), and the leaves for autograd (h, then every weight)."""
    ht, E, Wx, Wh, b, Wa, ba = torch_leaves(h, *weights)
    B, T = xs.shape
    H = h.shape[1]
    hs = ht[:, None, :].expand(B, T, H)
    u = torch.cat([hs, E[torch.as_tensor(xs)]], dim=2)  # (B, T, H + D)
    scores = torch.cat([hs, lstm_states(u, ht, Wx, Wh, b)], dim=2) @ Wa + ba  # (B, T, V)
    return scores, [ht, E, Wx, Wh, b, Wa, ba]


@checks.exercise("peeky_forward")
def _(k):
    """Contract: peeky_forward(layers, xs (B, T) ints, h (B, H) floats) -> scores (B, T, V) float,
    float64 like the weights, equal to the reference Peeky decoder (context first in [h, x_t] and
    [h, h_t], LSTM started from (h, 0)) and to the same network in PyTorch; h and xs unchanged."""
    for seed, (B, T, V, D, H) in enumerate(SHAPES):
        rng = k.rng(200 + seed)
        ref = _reference(rng, B, T, V, D, H)
        weights = [p.copy() for p in ref.params]
        xs, h = rng.integers(0, V, size=(B, T)), rng.normal(size=(B, H))
        what = f"scores for B, T, V, D, H = {(B, T, V, D, H)}"
        got, h_after, xs_after = items(k.run(
            LAYERS + "result = (peeky_forward(layers, xs, h), h, xs)",
            weights=weights, xs=xs, h=h, V_=V, D=D, H=H), 3, what)
        expect.array(got, what, shape=(B, T, V), kind="f")
        float64(got, what)
        expect.close(got, ref.forward(xs, h), f"{what} against the NumPy reference", atol=ATOL, rtol=RTOL)
        want = _torch_scores(weights, xs, h)[0].detach().numpy()
        expect.close(got, want, f"{what} against the same network in PyTorch", atol=ATOL, rtol=RTOL)
        expect.equal(h_after, h, "the context h after the call (unchanged)")
        expect.equal(xs_after, xs, "xs after the call (unchanged)")


# Runs in the kernel: the forward pass written out (checker side only: no page shows it), so that
# a wrong peeky_forward costs only its own points; then the student's backward.
BACKWARD = LAYERS + (
    "_hs = np.repeat(h[:, None, :], xs.shape[1], axis=1)\n"
    "layers.lstm.set_state(h)\n"
    "_out = layers.lstm.forward(np.concatenate([_hs, layers.embed.forward(xs)], axis=2))\n"
    "layers.affine.forward(np.concatenate([_hs, _out], axis=2))\n"
    "dh = peeky_backward(layers, dscore)\n"
    "result = (dh, [np.array(g, copy=True) for g in layers.grads])\n"
)
NAMES = ["embedding W", "LSTM Wx", "LSTM Wh", "LSTM b", "affine W", "affine b"]


@checks.exercise("peeky_backward")
def _(k):
    """Contract: after the Peeky forward pass, peeky_backward(layers, dscore (B, T, V)) -> dh (B, H),
    the gradient w.r.t. the context (all three uses of h summed), and fills layers.grads with the
    gradient of every weight; all float64 like the weights, equal to the NumPy reference and
    PyTorch's autograd."""
    for seed, (B, T, V, D, H) in enumerate([(3, 4, 13, 16, 8), (1, 1, 7, 3, 2), (4, 5, 9, 4, 6)]):
        rng = k.rng(300 + seed)
        ref = _reference(rng, B, T, V, D, H)
        weights = [p.copy() for p in ref.params]
        xs, h, dscore = rng.integers(0, V, size=(B, T)), rng.normal(size=(B, H)), rng.normal(size=(B, T, V))
        got = k.run(BACKWARD, weights=weights, xs=xs, h=h, dscore=dscore, V_=V, D=D, H=H)
        what = f"B, T, V, D, H = {(B, T, V, D, H)}"
        dh, grads = items(got, 2, f"peeky_backward's result and the layers' gradients for {what}")
        expect.array(dh, f"dh for {what}", shape=(B, H), kind="f")
        float64(dh, f"dh for {what}")
        ref.forward(xs, h)
        torch_dh, *torch_grads = autograd(*_torch_scores(weights, xs, h), dscore)
        expect.gradient(dh, ref.backward(dscore), torch_dh, f"dh for {what}", atol=ATOL, rtol=RTOL)
        # layers.grads comes from the kernel: as many gradients as weights, or the check fails (an emptied
        # list must not shorten the comparison).
        expected = list(zip(NAMES, ref.grads, torch_grads, strict=True))
        for (name, w, p), g in zip_checked(f"the gradients in layers.grads for {what}", expected, grads):
            expect.array(g, f"gradient of {name} for {what}", shape=w.shape, kind="f")
            float64(g, f"gradient of {name} for {what}")
            expect.gradient(g, w, p, f"gradient of {name} for {what}", atol=ATOL, rtol=RTOL)
