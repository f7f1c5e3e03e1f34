"""NumPy attention seq2seq and bidirectional LSTM: forward and backward against PyTorch autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from solutions import numpy_attention_seq2seq as na
from solutions.attention import AttentionConfig, AttentionSeq2seq

V, D, H, S, T, B = 9, 3, 5, 6, 4, 3


def copy_lstm(lstm: na.TimeLSTM, torch_lstm: torch.nn.LSTM, suffix: str = "_l0") -> None:
    Wx, Wh, b = lstm.params
    getattr(torch_lstm, f"weight_ih{suffix}").copy_(torch.from_numpy(Wx.T))
    getattr(torch_lstm, f"weight_hh{suffix}").copy_(torch.from_numpy(Wh.T))
    getattr(torch_lstm, f"bias_ih{suffix}").copy_(torch.from_numpy(b))
    getattr(torch_lstm, f"bias_hh{suffix}").zero_()


def lstm_grads(torch_lstm: torch.nn.LSTM, suffix: str = "_l0") -> list[np.ndarray]:
    return [getattr(torch_lstm, f"weight_ih{suffix}").grad.numpy().T, getattr(torch_lstm, f"weight_hh{suffix}").grad.numpy().T,
            getattr(torch_lstm, f"bias_ih{suffix}").grad.numpy()]


def to_torch(model: na.AttentionSeq2seq) -> AttentionSeq2seq:
    """The same weights in the PyTorch reference (dot score, decoder from (h, 0)), double precision."""
    ref = AttentionSeq2seq(AttentionConfig(vocab_size=V, wordvec=D, hidden=H, carry_cell=False)).double()
    with torch.no_grad():
        for np_part, t_part in ((model.encoder, ref.encoder), (model.decoder, ref.decoder)):
            t_part.embedding.weight.copy_(torch.from_numpy(np_part.embed.params[0]))
            copy_lstm(np_part.lstm, t_part.lstm)
        ref.decoder.head.weight.copy_(torch.from_numpy(model.decoder.affine.params[0].T))
        ref.decoder.head.bias.copy_(torch.from_numpy(model.decoder.affine.params[1]))
    return ref


def randomized(seed: int) -> na.AttentionSeq2seq:
    model = na.AttentionSeq2seq(V, D, H, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for p in model.params:  # non-trivial biases and embeddings, so every term of the gradient matters
        p[...] = rng.normal(0, 0.5, size=p.shape)
    return model


def problem(seed: int):
    rng = np.random.default_rng(seed)
    return rng.integers(0, V, size=(B, S)), rng.integers(0, V, size=(B, T + 1))


def test_loss_and_every_gradient_match_torch_autograd():
    """Do the loss and the gradients of all ten parameters equal PyTorch autograd's on the same weights?"""
    for seed in range(3):
        model = randomized(seed)
        xs, ts = problem(seed)
        loss = model.forward(xs, ts)
        model.backward()
        ref = to_torch(model)
        logits = ref(torch.from_numpy(xs), torch.from_numpy(ts[:, :-1]))
        t_loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), torch.from_numpy(ts[:, 1:]))
        t_loss.backward()
        assert loss == pytest.approx(t_loss.item(), abs=1e-12)
        want = [ref.encoder.embedding.weight.grad.numpy(), *lstm_grads(ref.encoder.lstm),
                ref.decoder.embedding.weight.grad.numpy(), *lstm_grads(ref.decoder.lstm),
                ref.decoder.head.weight.grad.numpy().T, ref.decoder.head.bias.grad.numpy()]
        assert len(model.grads) == len(want) == 10
        for k, (got, w) in enumerate(zip(model.grads, want)):
            np.testing.assert_allclose(got, w, atol=1e-10, err_msg=f"gradient {k}")


def test_the_last_encoder_state_gets_the_decoders_dh():
    """Is the extra gradient on the last encoder state exactly the decoder LSTM's dh (and the others untouched)?"""
    model = randomized(4)
    xs, ts = problem(4)
    enc_hs = model.encoder.forward(xs)
    dscore = np.random.default_rng(5).normal(size=(B, T, V))
    model.decoder.forward(ts[:, :-1], enc_hs)
    denc = model.decoder.backward(dscore)
    # Without the LSTM's dh, only the attention's part would be there: recompute it alone.
    dout = model.decoder.affine.backward(dscore)
    attention_only, _ = model.decoder.attention.backward(dout[:, :, :H])
    np.testing.assert_allclose(denc[:, :-1], attention_only[:, :-1], atol=1e-12)
    np.testing.assert_allclose(denc[:, -1] - attention_only[:, -1], model.decoder.lstm.dh, atol=1e-12)
    assert np.abs(model.decoder.lstm.dh).max() > 1e-3  # a real contribution, not a zero that would hide a bug


def test_greedy_generation_and_weights_match_the_torch_reference():
    """Do NumPy greedy decoding and the attention weights equal the PyTorch reference's with the same weights?"""
    model = randomized(7)
    xs, ts = problem(8)
    got = model.generate(xs, start_id=2, length=5)
    ref = to_torch(model)
    np.testing.assert_array_equal(got, ref.generate(torch.from_numpy(xs), 2, 5).numpy())
    weights = model.attention_weights(xs, ts)
    assert weights.shape == (B, T, S)
    np.testing.assert_allclose(weights, ref.attention_weights(torch.from_numpy(xs), torch.from_numpy(ts[:, :-1])).numpy(),
                               atol=1e-12)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-12)


def test_attention_seq2seq_learns_to_copy_a_short_sequence():
    """Does Adam with clipping drive the loss of a copy task down (the backward pass points downhill)?"""
    from solutions.numpy_seq2seq import fit

    rng = np.random.default_rng(0)
    xs = rng.integers(1, 6, size=(256, 4))
    ts = np.concatenate([np.zeros((256, 1), dtype=int), xs], axis=1)  # start id 0, then the question copied
    model = na.AttentionSeq2seq(6, 8, 16, seed=0)
    history = fit(model, xs, ts, epochs=15, batch_size=32, lr=1e-2)
    assert history["loss"][-1] < 0.2 * history["loss"][0], history["loss"]


def bilstm(seed: int):
    rng = np.random.default_rng(seed)
    def lstm():
        return na.TimeLSTM(rng.normal(0, 0.5, size=(D, 4 * H)), rng.normal(0, 0.5, size=(H, 4 * H)), rng.normal(0, 0.5, size=4 * H))
    return na.TimeBiLSTM(lstm(), lstm()), rng.normal(size=(B, S, D)), rng.normal(size=(B, S, 2 * H))


def test_bilstm_forward_and_backward_match_torch_bidirectional_lstm():
    """Do the BiLSTM's states, input gradient and six weight gradients equal nn.LSTM(bidirectional=True)'s?"""
    for seed in range(3):
        layer, xs, dhs = bilstm(seed)
        out = layer.forward(xs)
        dxs = layer.backward(dhs)
        ref = torch.nn.LSTM(D, H, batch_first=True, bidirectional=True).double()
        with torch.no_grad():
            copy_lstm(layer.forward_lstm, ref, "_l0")
            copy_lstm(layer.backward_lstm, ref, "_l0_reverse")
        xt = torch.tensor(xs, requires_grad=True)
        states, _ = ref(xt)
        (states * torch.from_numpy(dhs)).sum().backward()
        np.testing.assert_allclose(out, states.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(dxs, xt.grad.numpy(), atol=1e-12)
        want = lstm_grads(ref, "_l0") + lstm_grads(ref, "_l0_reverse")
        for k, (got, w) in enumerate(zip(layer.grads, want)):
            np.testing.assert_allclose(got, w, atol=1e-12, err_msg=f"gradient {k}")


def test_bilstm_backward_is_not_the_unreversed_gradient():
    """Would forgetting to reverse the backward half's gradient be caught (the test inputs are not symmetric)?"""
    layer, xs, dhs = bilstm(9)
    layer.forward(xs)
    right = layer.backward(dhs)
    wrong = layer.forward_lstm.backward(dhs[:, :, :H]) + layer.backward_lstm.backward(dhs[:, :, H:])
    assert np.abs(right - wrong).max() > 1e-3
