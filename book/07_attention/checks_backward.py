"""Hidden checks of chapter 7's two NumPy backward passes, Exercises 6 (the BiLSTM) and 7 (the attention decoder),
registered by checks.py, beside this file.

The kernel runs the student's backward after a forward pass written out here; the expected values come from the
NumPy references (``solutions.numpy_attention_seq2seq``) and PyTorch's autograd.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading.checks import Checks, expect, randomise
from solutions import numpy_attention as na
from solutions.numpy_attention_seq2seq import AttentionDecoder, TimeBiLSTM
from solutions.numpy_seq2seq import TimeLSTM
from solutions.torch_lstm import lstm_states

checks = Checks()

# Float64 on both sides, the same sums in another order: ~1e-13 apart; 1e-9 catches every real mistake.
ATOL, RTOL = 1e-9, 1e-7
DEC_SHAPES = [(2, 3, 4, 7, 3, 4), (1, 1, 1, 5, 2, 3), (3, 10, 29, 9, 4, 6)]  # (B, T, S, V, D, H)

# Kernel side: the layers with the weights sent, and the forward pass written out (its attention inline, so that
# a wrong Exercise 1 changes nothing here); then the student's backward, with Exercise 2 swapped for the reference.
DECODER = (
    "layers = AttentionDecoderLayers(V_, D, H, np.random.default_rng(0))\n"
    "for _p, _q in zip(layers.params, weights, strict=True):\n"
    "    _p[...] = _q\n"
    "layers.lstm.set_state(enc_hs[:, -1])\n"
    "_dec = layers.lstm.forward(layers.embed.forward(xs))\n"
    "_s = np.einsum('bth,bsh->bts', _dec, enc_hs)\n"
    "_e = np.exp(_s - _s.max(axis=2, keepdims=True))\n"
    "_a = _e / _e.sum(axis=2, keepdims=True)\n"
    "layers.enc_hs, layers.dec_hs, layers.weights = enc_hs, _dec, _a\n"
    "layers.affine.forward(np.concatenate([_a @ enc_hs, _dec], axis=2))\n"
    "_out = attention_decoder_backward(layers, dscore)\n"
    "result = (_out, [np.array(g, copy=True) for g in layers.grads])\n"
)
DEC_NAMES = ["embedding W", "LSTM Wx", "LSTM Wh", "LSTM b", "affine W", "affine b"]


def _torch_decoder(weights, xs, enc_hs):
    E, Wx, Wh, b, Wa, ba = (torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights)
    enc = torch.tensor(enc_hs, dtype=torch.float64, requires_grad=True)
    dec = lstm_states(E[torch.as_tensor(xs)], enc[:, -1], Wx, Wh, b)  # (B, T, H), from (h_S, 0)
    a = torch.softmax(dec @ enc.transpose(1, 2), dim=-1)  # (B, T, S)
    scores = torch.cat([a @ enc, dec], dim=-1) @ Wa + ba
    return scores, enc, [E, Wx, Wh, b, Wa, ba]


@checks.exercise("attention_decoder_backward")
def _(k):
    """Contract: after the attention decoder's forward pass, attention_decoder_backward(layers, dscore (B, T, V)) ->
    denc_hs (B, S, H) float64, the gradient for every encoder state (the attention's part summed over the decoder
    steps, plus the LSTM's dh on the last state), and fills layers.grads; equal to the NumPy reference and to
    PyTorch's autograd. Exercise 2's attention_backward is the reference's while this runs."""
    for seed, (B, T, S, V, D, H) in enumerate(DEC_SHAPES):
        rng = k.rng(700 + seed)
        ref = AttentionDecoder(V, D, H, rng)
        randomise(ref.params, rng)
        weights = [p.copy() for p in ref.params]
        xs, enc_hs, dscore = rng.integers(0, V, size=(B, T)), rng.normal(size=(B, S, H)), rng.normal(size=(B, T, V))
        with k.swap("attention_backward", na.attention_backward):
            got = k.run(DECODER, weights=weights, xs=xs, enc_hs=enc_hs, dscore=dscore, V_=V, D=D, H=H)
        denc, grads = got  # our tuple, built by the kernel code above
        what = f"B, T, S, V, D, H = {(B, T, S, V, D, H)}"
        expect.array(denc, f"denc_hs for {what}", shape=(B, S, H), kind="f")
        expect.true(denc.dtype == np.float64, f"denc_hs for {what}: expected float64, got {denc.dtype}")
        ref.forward(xs, enc_hs)
        expect.close(denc, ref.backward(dscore), f"denc_hs for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
        scores, enc, params = _torch_decoder(weights, xs, enc_hs)
        (scores * torch.from_numpy(dscore)).sum().backward()
        expect.close(denc, enc.grad.numpy(), f"denc_hs for {what} against PyTorch autograd", atol=ATOL, rtol=RTOL)
        expect.type(grads, list, f"the layers' gradients for {what}")
        expect.true(len(grads) == len(DEC_NAMES), f"{what}: expected {len(DEC_NAMES)} gradients in layers.grads, got {len(grads)}")
        for name, g, w, p in zip(DEC_NAMES, grads, ref.grads, params, strict=True):
            expect.array(g, f"gradient of {name} for {what}", shape=w.shape, kind="f")
            expect.close(g, w, f"gradient of {name} for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
            expect.close(g, p.grad.numpy(), f"gradient of {name} for {what} against PyTorch autograd", atol=ATOL, rtol=RTOL)


BI = (
    "_f = TimeLSTM(*[np.array(w) for w in fw])\n"
    "_b = TimeLSTM(*[np.array(w) for w in bw])\n"
    "_f.forward(xs)\n"
    "_b.forward(xs[:, ::-1])\n"
    "_dxs = bilstm_backward(dhs, _f, _b)\n"
    "result = (_dxs, [np.array(g, copy=True) for g in _f.grads + _b.grads], dhs)\n"
)
BI_NAMES = ["forward Wx", "forward Wh", "forward b", "backward Wx", "backward Wh", "backward b"]


@checks.exercise("bilstm_backward")
def _(k):
    """Contract: after the BiLSTM's forward pass, bilstm_backward(dhs (B, S, 2H), forward_lstm, backward_lstm) ->
    dxs (B, S, D) float64, both directions' input gradients summed (the backward one's reversed back in time), and
    fills both LSTMs' grads; equal to the NumPy reference and to nn.LSTM(bidirectional=True)'s autograd; dhs unchanged."""
    for seed, (B, S, D, H) in enumerate([(2, 5, 3, 4), (1, 1, 2, 3), (3, 29, 4, 5)]):
        rng = k.rng(800 + seed)
        fw = [rng.normal(0, 0.5, size=s) for s in [(D, 4 * H), (H, 4 * H), (4 * H,)]]
        bw = [rng.normal(0, 0.5, size=s) for s in [(D, 4 * H), (H, 4 * H), (4 * H,)]]
        xs, dhs = rng.normal(size=(B, S, D)), rng.normal(size=(B, S, 2 * H))
        got = k.run(BI, fw=fw, bw=bw, xs=xs, dhs=dhs)
        dxs, grads, dhs_after = got  # our tuple, built by the kernel code above
        what = f"B, S, D, H = {(B, S, D, H)}"
        expect.array(dxs, f"dxs for {what}", shape=(B, S, D), kind="f")
        expect.true(dxs.dtype == np.float64, f"dxs for {what}: expected float64, got {dxs.dtype}")
        ref = TimeBiLSTM(TimeLSTM(*[w.copy() for w in fw]), TimeLSTM(*[w.copy() for w in bw]))
        ref.forward(xs)
        expect.close(dxs, ref.backward(dhs), f"dxs for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
        lstm = torch.nn.LSTM(D, H, batch_first=True, bidirectional=True).double()
        with torch.no_grad():
            for w, suffix in ((fw, "_l0"), (bw, "_l0_reverse")):
                getattr(lstm, f"weight_ih{suffix}").copy_(torch.from_numpy(w[0].T))
                getattr(lstm, f"weight_hh{suffix}").copy_(torch.from_numpy(w[1].T))
                getattr(lstm, f"bias_ih{suffix}").copy_(torch.from_numpy(w[2]))
                getattr(lstm, f"bias_hh{suffix}").zero_()
        xt = torch.tensor(xs, requires_grad=True)
        (lstm(xt)[0] * torch.from_numpy(dhs)).sum().backward()
        expect.close(dxs, xt.grad.numpy(), f"dxs for {what} against PyTorch autograd", atol=ATOL, rtol=RTOL)
        want = [getattr(lstm, f"{n}{s}").grad.numpy() for s in ("_l0", "_l0_reverse") for n in ("weight_ih", "weight_hh", "bias_ih")]
        expect.type(grads, list, f"the LSTMs' gradients for {what}")
        expect.true(len(grads) == len(BI_NAMES), f"{what}: expected {len(BI_NAMES)} gradients, got {len(grads)}")
        for name, g, w, r in zip(BI_NAMES, grads, want, ref.grads, strict=True):
            expect.array(g, f"gradient of {name} for {what}", shape=r.shape, kind="f")
            expect.close(g, r, f"gradient of {name} for {what} against the NumPy reference", atol=ATOL, rtol=RTOL)
            expect.close(g, w.T if w.ndim == 2 else w, f"gradient of {name} for {what} against PyTorch autograd",
                         atol=ATOL, rtol=RTOL)
        expect.equal(dhs_after, dhs, "dhs after the call (unchanged)")
