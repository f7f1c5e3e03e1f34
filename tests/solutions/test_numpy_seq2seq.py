"""NumPy seq2seq layers: forward and backward against PyTorch autograd and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from solutions import numpy_seq2seq as ns
from solutions.seq2seq import PeekySeq2seq, Seq2seq, Seq2seqConfig

V, D, H, S, T, B = 7, 3, 5, 4, 3, 2


def to_torch(model: ns.Seq2seq) -> Seq2seq:
    """The same weights in the PyTorch reference (double precision)."""
    peeky = isinstance(model, ns.PeekySeq2seq)
    ref = (PeekySeq2seq if peeky else Seq2seq)(Seq2seqConfig(V, D, H)).double()
    with torch.no_grad():
        for np_part, t_part in ((model.encoder, ref.encoder), (model.decoder, ref.decoder)):
            t_part.embedding.weight.copy_(torch.from_numpy(np_part.embed.params[0]))
            Wx, Wh, b = np_part.lstm.params
            t_part.lstm.weight_ih_l0.copy_(torch.from_numpy(Wx.T))
            t_part.lstm.weight_hh_l0.copy_(torch.from_numpy(Wh.T))
            t_part.lstm.bias_ih_l0.copy_(torch.from_numpy(b))
            t_part.lstm.bias_hh_l0.zero_()
        ref.decoder.head.weight.copy_(torch.from_numpy(model.decoder.affine.params[0].T))
        ref.decoder.head.bias.copy_(torch.from_numpy(model.decoder.affine.params[1]))
    return ref


def torch_grads(ref: Seq2seq) -> list[np.ndarray]:
    """Gradients in the NumPy models' order: encoder (E, Wx, Wh, b), decoder (E, Wx, Wh, b[, W, b])."""
    out = []
    for part in (ref.encoder, ref.decoder):
        lstm = part.lstm
        out += [part.embedding.weight.grad.numpy(), lstm.weight_ih_l0.grad.numpy().T, lstm.weight_hh_l0.grad.numpy().T,
                lstm.bias_ih_l0.grad.numpy()]
    return out + [ref.decoder.head.weight.grad.numpy().T, ref.decoder.head.bias.grad.numpy()]


def problem(seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, V, size=(B, S)), rng.integers(0, V, size=(B, T + 1))


def randomized(model_class, seed):
    model = model_class(V, D, H, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for p in model.params:  # non-trivial biases and embeddings
        p[...] = rng.normal(0, 0.5, size=p.shape)
    return model


@pytest.mark.parametrize("model_class", [ns.Seq2seq, ns.PeekySeq2seq])
def test_loss_and_every_gradient_match_torch_autograd(model_class):
    """Do the NumPy loss and the gradients of all parameters agree with PyTorch autograd on the same weights?"""
    for seed in range(3):
        model = randomized(model_class, seed)
        xs, ts = problem(seed)
        loss = model.forward(xs, ts)
        model.backward()
        ref = to_torch(model)
        logits = ref(torch.from_numpy(xs), torch.from_numpy(ts[:, :-1]))
        t_loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), torch.from_numpy(ts[:, 1:]))
        t_loss.backward()
        assert loss == pytest.approx(t_loss.item(), abs=1e-12)
        grads = torch_grads(ref)
        assert len(grads) == len(model.grads)
        for k, (got, want) in enumerate(zip(model.grads, grads)):
            np.testing.assert_allclose(got, want, atol=1e-10, err_msg=f"gradient {k}")


@pytest.mark.parametrize("decoder_class", [ns.Decoder, ns.PeekyDecoder])
def test_decoder_gradient_for_the_context_matches_finite_differences(decoder_class):
    """Is the decoder's returned dh the numerical derivative of the loss with respect to the context h?"""
    rng = np.random.default_rng(5)
    dec = decoder_class(V, D, H, rng)
    for p in dec.params:
        p[...] = rng.normal(0, 0.5, size=p.shape)
    xs, ts, h = rng.integers(0, V, size=(B, T)), rng.integers(0, V, size=(B, T)), rng.normal(size=(B, H))
    loss_layer = ns.TimeSoftmaxWithLoss()

    def loss(h_):
        return loss_layer.forward(dec.forward(xs, h_), ts)

    loss(h)
    dh = dec.backward(loss_layer.backward())
    numeric = np.zeros_like(h)
    eps = 1e-6
    for idx in np.ndindex(h.shape):
        hp, hm = h.copy(), h.copy()
        hp[idx] += eps
        hm[idx] -= eps
        numeric[idx] = (loss(hp) - loss(hm)) / (2 * eps)
    np.testing.assert_allclose(dh, numeric, atol=1e-8)
    # and for one weight matrix: the LSTM's Wx
    loss(h)
    dec.backward(loss_layer.backward())
    Wx, dWx = dec.lstm.params[0], dec.lstm.grads[0].copy()
    for idx in [(0, 0), (Wx.shape[0] - 1, 3 * H), (1, 2 * H + 1)]:
        old = Wx[idx]
        Wx[idx] = old + eps
        up = loss(h)
        Wx[idx] = old - eps
        down = loss(h)
        Wx[idx] = old
        assert dWx[idx] == pytest.approx((up - down) / (2 * eps), abs=1e-8)


@pytest.mark.parametrize("model_class", [ns.Seq2seq, ns.PeekySeq2seq])
def test_greedy_generation_matches_the_torch_reference(model_class):
    """Does NumPy greedy decoding give the same ids as the PyTorch reference's generate() with the same weights?"""
    model = randomized(model_class, 7)
    xs = np.random.default_rng(8).integers(0, V, size=(6, S))
    got = model.generate(xs, start_id=2, length=5)
    want = to_torch(model).generate(torch.from_numpy(xs), 2, 5).numpy()
    np.testing.assert_array_equal(got, want)
    assert got.shape == (6, 5)


def test_clip_and_adam():
    """Does clipping cap the global norm at 5 (and leave small gradients alone), and does Adam's first step move each weight by lr?"""
    grads = [np.full(4, 10.0), np.full((2, 2), -10.0)]
    ns.clip_grads(grads, 5.0)
    assert np.sqrt(sum((g**2).sum() for g in grads)) == pytest.approx(5.0, rel=1e-5)
    small = [np.array([0.1, -0.2])]
    ns.clip_grads(small, 5.0)
    np.testing.assert_array_equal(small[0], [0.1, -0.2])
    p = [np.zeros(3)]
    ns.Adam(lr=0.01).update(p, [np.array([3.0, -0.5, 0.1])])
    np.testing.assert_allclose(p[0], [-0.01, 0.01, -0.01], rtol=1e-4)


def test_numpy_training_learns_to_copy():
    """Does a tiny NumPy Peeky seq2seq, trained with Adam, learn to copy 3 symbols well above chance?"""
    rng = np.random.default_rng(0)
    src = rng.integers(1, 6, size=(600, 3))
    tgt = np.concatenate([np.zeros((600, 1), dtype=int), src], axis=1)  # 0 is the start symbol
    model = ns.PeekySeq2seq(6, 8, 32, seed=0)
    history = ns.fit(model, src[:500], tgt[:500], epochs=40, batch_size=50, lr=1e-2, evaluate=lambda m: ns.exact_match(m, src[500:], tgt[500:]))
    assert history["loss"][-1] < history["loss"][0] / 3
    assert history["accuracy"][-1] > 0.5, history["accuracy"]  # chance is 1/125
