"""The Char-RNN reference and its stateful training."""

import numpy as np
import pytest
import torch

from solutions.charrnn import CharLSTM, CharRNN, CharRNNConfig, build_charrnn, detach_state


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_forward_shapes_and_state_carry(cell, device):
    """Does feeding a sequence in two halves with the carried state equal feeding it whole?"""
    torch.manual_seed(0)
    model = build_charrnn(CharRNNConfig(vocab_size=20, embed_dim=4, hidden=8, num_layers=2, cell=cell)).to(device)
    assert isinstance(model, CharLSTM if cell == "lstm" else CharRNN)
    ids = torch.randint(0, 20, (3, 10), device=device)
    whole, _ = model(ids)  # (B, T, V)
    assert whole.shape == (3, 10, 20)
    first, state = model(ids[:, :6])
    second, _ = model(ids[:, 6:], detach_state(state))
    torch.testing.assert_close(torch.cat([first, second], 1), whole, atol=1e-5, rtol=1e-5)


def test_generate_is_seeded_and_greedy_is_deterministic(device):
    """Does generate() extend the prompt, repeat with a seed, and stop at stop_id?"""
    torch.manual_seed(1)
    model = CharRNN(CharRNNConfig(vocab_size=12, embed_dim=3, hidden=6)).to(device).eval()
    prompt = torch.tensor([[2, 3, 4]], device=device)
    a = model.generate(prompt, 15, 1.0, generator=torch.Generator(device=device).manual_seed(3))
    b = model.generate(prompt, 15, 1.0, generator=torch.Generator(device=device).manual_seed(3))
    assert a.shape == (1, 18) and torch.equal(a, b) and torch.equal(a[:, :3], prompt)
    greedy = model.generate(prompt, 5, 0.0)
    logits, _ = model(prompt)
    assert int(greedy[0, 3]) == int(logits[0, -1].argmax())
    stop = int(greedy[0, 3])
    assert model.generate(prompt, 5, 0.0, stop_id=stop).shape == (1, 4)


def test_dropout_only_between_layers():
    """Is dropout passed to the stacked RNN (and dropped for a single layer, where torch warns)?"""
    assert CharRNN(CharRNNConfig(vocab_size=5, num_layers=2, dropout=0.2)).rnn.dropout == 0.2
    assert CharRNN(CharRNNConfig(vocab_size=5, num_layers=1, dropout=0.2)).rnn.dropout == 0.0
    with pytest.raises(ValueError):
        build_charrnn(CharRNNConfig(vocab_size=5, cell="rnn"))


def test_stateful_loss_detaches_and_learns(device):
    """Does a few steps of stateful TBPTT on a periodic text lower the loss, with a detached state each batch?"""
    from solutions.chars import stateful_batches
    from solutions.experiments.charrnn import StatefulLoss

    torch.manual_seed(0)
    ids = np.tile(np.arange(2, 9), 200)  # a period of 7: each next char is determined
    rows = torch.from_numpy(stateful_batches(ids, batch_size=4, n_steps=10)).to(device)
    model = CharRNN(CharRNNConfig(vocab_size=9, embed_dim=4, hidden=16, num_layers=1)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn, losses = StatefulLoss(), []
    for t in range(len(rows)):
        loss, n = loss_fn(model, (rows[t],))
        assert n == 40
        opt.zero_grad(); loss.backward(); opt.step()
        assert not loss_fn.state.requires_grad
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("batch, layers", [(1, 1), (3, 2)])
def test_fused_gru_agrees_with_nn_gru_forward_and_backward(batch, layers):
    """Does the scripted GRU give nn.GRU's outputs, final state and every gradient (float64), with an initial state?"""
    from solutions.fused_gru import FusedGRU

    torch.manual_seed(0)
    ref = torch.nn.GRU(5, 8, num_layers=layers, batch_first=True).double()
    fused = FusedGRU(5, 8, num_layers=layers, batch_first=True).double()
    fused.load_state_dict(ref.state_dict())
    x = torch.randn(batch, 6, 5, dtype=torch.double, requires_grad=True)
    h0 = torch.randn(layers, batch, 8, dtype=torch.double, requires_grad=True)
    weights = torch.arange(6.0, dtype=torch.double)[:, None]  # a different gradient at every step
    results = []
    for model in (ref, fused):
        out, h = model(x, h0)
        loss = (out * weights).sum() + (h ** 2).sum()
        results.append((out, h, *torch.autograd.grad(loss, [x, h0, *model.parameters()])))
    for a, b in zip(*results, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-10)


def test_the_fused_cell_is_the_same_model():
    """Does `cell="fused_gru"` build the GRU model with the same parameters and outputs?"""
    from solutions.charrnn import CharFusedGRU

    torch.manual_seed(0)
    plain = build_charrnn(CharRNNConfig(vocab_size=11, num_layers=2))
    fused = build_charrnn(CharRNNConfig(vocab_size=11, num_layers=2, cell="fused_gru"))
    assert isinstance(fused, CharFusedGRU)
    fused.load_state_dict(plain.state_dict())
    idx = torch.randint(0, 11, (2, 9))
    torch.testing.assert_close(plain(idx)[0], fused(idx)[0], rtol=1e-5, atol=1e-6)


def test_keras_init_gives_keras_starting_weights():
    """Does keras_init give zero biases, an orthogonal recurrent kernel, Glorot-bounded kernels and small embeddings?"""
    from solutions.charrnn import keras_init

    torch.manual_seed(0)
    model = keras_init(build_charrnn(CharRNNConfig(vocab_size=39, embed_dim=16, hidden=32, num_layers=1)))
    w_hh = model.rnn.weight_hh_l0  # (3H, H): Keras's (H, 3H) recurrent kernel, transposed
    torch.testing.assert_close(w_hh.T @ w_hh, torch.eye(32), atol=1e-5, rtol=0)
    assert float(model.rnn.bias_ih_l0.abs().max()) == 0 == float(model.head.bias.abs().max())
    assert float(model.embedding.weight.abs().max()) <= 0.05
    limit = (6 / (16 + 96)) ** 0.5  # Glorot-uniform bound of the (E, 3H) input kernel
    assert float(model.rnn.weight_ih_l0.abs().max()) <= limit and float(model.rnn.weight_ih_l0.abs().max()) > limit / 2


def test_the_source_split_and_lower_casing():
    """Does the full preset read the source's text: 39 lower-case characters, 1,000,000 training and 60,000 validation ids?"""
    from solutions.experiments.charrnn import PRESETS, prepare

    tokenizer, train, val = prepare(PRESETS["full"])
    assert len(tokenizer) == 39 + 2 and not any(c.isupper() for c in tokenizer.vocab)
    assert (len(train), len(val)) == (1_000_000, 60_000)
