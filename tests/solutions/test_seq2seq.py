"""PyTorch seq2seq and Peeky seq2seq, and the addition experiment."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from seqgen import data
from seqgen.datasets import read_pairs
from solutions.experiments import seq2seq as experiment
from solutions.seq2seq import Decoder, PeekyDecoder, PeekySeq2seq, Seq2seq, Seq2seqConfig


def test_peeky_swaps_only_the_decoder():
    """Does PeekySeq2seq keep the encoder and differ only in the decoder's LSTM input and head sizes?"""
    config = Seq2seqConfig(vocab_size=13, wordvec=16, hidden=128)
    base, peeky = Seq2seq(config), PeekySeq2seq(config)
    assert type(base.decoder) is Decoder and type(peeky.decoder) is PeekyDecoder
    assert {k: v.shape for k, v in base.encoder.state_dict().items()} == {k: v.shape for k, v in peeky.encoder.state_dict().items()}
    assert peeky.decoder.lstm.input_size == 16 + 128 and peeky.decoder.head.in_features == 256
    assert base.decoder.lstm.input_size == 16 and base.decoder.head.in_features == 128


@pytest.mark.parametrize("model_class", [Seq2seq, PeekySeq2seq])
def test_greedy_generate_is_the_argmax_fed_back(model_class, device):
    """Is each generated id the argmax of teacher-forced logits whose inputs are the previously generated ids?"""
    torch.manual_seed(0)
    model = model_class(Seq2seqConfig(vocab_size=11, wordvec=4, hidden=8)).to(device)
    src = torch.randint(0, 11, (5, 6), device=device)
    out = model.generate(src, start_id=3, length=4)
    assert out.shape == (5, 4) and out.device.type == device.type
    tgt_in = torch.cat([torch.full((5, 1), 3, device=device), out[:, :-1]], dim=1)
    with torch.no_grad():
        assert torch.equal(model(src, tgt_in).argmax(-1), out)


def test_context_matters_for_the_peeky_head():
    """With a zero decoder LSTM, does the Peeky decoder still change its logits when the context changes (the plain one not)?"""
    torch.manual_seed(0)
    config = Seq2seqConfig(vocab_size=9, wordvec=4, hidden=6)
    for model_class, changes in ((Seq2seq, False), (PeekySeq2seq, True)):
        model = model_class(config)
        with torch.no_grad():
            for p in model.decoder.lstm.parameters():
                p.zero_()
        tgt = torch.randint(0, 9, (2, 3))
        a, _ = model.decoder(tgt, torch.zeros(2, 6))
        b, _ = model.decoder(tgt, torch.ones(2, 6))
        assert (not torch.allclose(a, b)) == changes, model_class.__name__


def test_presets_follow_the_source_and_the_chapter():
    """Is the full preset the source's (45k/5k, 16, 128, batch 128, 25 epochs, clip 5), with all three variants?"""
    full = experiment.PRESETS["full"]
    assert (full.n_train, full.n_test, full.wordvec, full.hidden, full.batch_size, full.epochs, full.lr, full.clip) == (
        45_000, 5_000, 16, 128, 128, 25, 1e-3, 5.0)
    assert experiment.PRESETS["cpu"].variants == full.variants == ("baseline", "reverse", "reverse+peeky")


def test_addition_data_starts_answers_with_the_separator():
    """Does every encoded answer start with '_' and do questions decode back to a+b?"""
    (x, t), (xt, tt), vocab = experiment.addition_data(200, 50)
    assert x.shape == (200, 7) and t.shape == (200, 5) and xt.shape == (50, 7)
    assert set(t[:, 0].tolist()) == {vocab.id("_")}
    a, b = vocab.decode(x[0]).strip().split("+")
    assert int(vocab.decode(t[0, 1:])) == int(a) + int(b)


@pytest.mark.parametrize("model_class", [Seq2seq, PeekySeq2seq])
def test_parameters_start_as_the_source_book(model_class):
    """Do embeddings start near N(0, 0.01^2), biases at 0 and weights at N(0, 1/fan_in), as in numpy_seq2seq?"""
    torch.manual_seed(0)
    model = model_class(Seq2seqConfig(vocab_size=13, wordvec=16, hidden=128))
    for name, p in model.named_parameters():
        p = p.detach()
        if "embedding" in name:
            assert abs(float(p.std()) - 0.01) < 0.003, (name, float(p.std()))
        elif "bias" in name:
            assert not p.any(), name
        else:
            expected = p.shape[1] ** -0.5
            assert abs(float(p.std()) / expected - 1) < 0.1, (name, float(p.std()), expected)


def test_tiny_run_learns(device):
    """Does a two-epoch run on 1,000 problems lower the loss and report an accuracy per variant and epoch?"""
    preset = experiment.Seq2seqPreset(n_train=1000, n_test=100, wordvec=8, hidden=32, batch_size=64, epochs=2, lr=1e-2,
                                      variants=("reverse+peeky",))
    result = experiment.run(preset, device)
    assert len(result["history"]["reverse+peeky"]) == 2
    assert result["loss"]["reverse+peeky"][1] < result["loss"]["reverse+peeky"][0]
    assert 0.0 <= result["reverse+peeky_exact_match"] <= 1.0


needs_dlfs2 = pytest.mark.skipif(not (data.available("dlfs2_addition") and data.available("dlfs2_date")),
                                 reason="dlfs2 files not in the cache or mirror")


@needs_dlfs2
@pytest.mark.parametrize("name", ["dlfs2_addition", "dlfs2_date"])
def test_book_split_is_the_sources_load_data(name):
    """Is data="book" the source's file in the order of `np.random.seed(1984); np.random.shuffle`, last tenth held out?"""
    questions, answers = read_pairs(name)
    order = np.arange(len(questions))
    state = np.random.get_state()
    try:
        np.random.seed(1984)
        np.random.shuffle(order)  # sequence.load_data's own calls
    finally:
        np.random.set_state(state)
    (x, t), (xt, tt), vocab = experiment.book_split(name)
    assert (len(x), len(xt)) == (45_000, 5_000)
    for row, i in ((x[0], order[0]), (x[-1], order[44_999]), (xt[0], order[45_000]), (xt[-1], order[-1])):
        assert vocab.decode(row) == questions[i]
    assert vocab.decode(tt[0]) == answers[order[45_000]]


@needs_dlfs2
def test_book_addition_data_is_used_by_the_experiment():
    """Does addition_data(data="book") return the source split, whatever n_train and n_test say?"""
    (x, _), (xt, _), _ = experiment.addition_data(10, 10, data="book")
    assert (len(x), len(xt)) == (45_000, 5_000)


def test_unseen_marks_held_out_questions_missing_from_training():
    """Is a held-out question 'unseen' exactly when no training row equals it?"""
    train = np.array([[1, 2, 3], [4, 5, 6]])
    test = np.array([[4, 5, 6], [6, 5, 4], [1, 2, 3], [1, 2, 4]])
    assert experiment.unseen(train, test).tolist() == [False, True, False, True]


def test_one_lstm_bias_freezes_the_second_bias_at_zero():
    """After one_lstm_bias, is every LSTM's bias_hh zero and untrained while bias_ih still trains?"""
    model = experiment.one_lstm_bias(PeekySeq2seq(Seq2seqConfig(vocab_size=9, wordvec=4, hidden=6)))
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    assert frozen == {"encoder.lstm.bias_hh_l0", "decoder.lstm.bias_hh_l0"}
    loss = model(torch.randint(0, 9, (3, 5)), torch.randint(0, 9, (3, 4))).sum()
    loss.backward()
    assert model.encoder.lstm.bias_hh_l0.grad is None and model.encoder.lstm.bias_ih_l0.grad is not None
    assert not model.decoder.lstm.bias_hh_l0.any()


def test_held_out_metrics_count_unseen_problems_only_in_the_second_figure():
    """Is exact_match_unseen the hit rate over the problems marked new, and exact_match over all?"""
    class Echo(torch.nn.Module):  # answers each problem with its own first source ids
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def generate(self, src, start_id, length):
            return src[:, :length]

    src = torch.tensor([[1, 2], [3, 4], [5, 6], [7, 8]])
    tgt = torch.tensor([[0, 1, 2], [0, 3, 0], [0, 5, 6], [0, 0, 0]])  # problems 0 and 2 right
    metrics = experiment.held_out_metrics(Echo(), src, tgt, np.array([True, True, False, False]))
    assert metrics == {"exact_match": 0.5, "exact_match_unseen": 0.5}
    metrics = experiment.held_out_metrics(Echo(), src, tgt, np.array([False, False, True, False]))
    assert metrics["exact_match_unseen"] == 1.0


@pytest.mark.parametrize("data_seed, expected", [(-1, 5), (2, 2)])
def test_data_seed_chooses_the_problems_and_seed_the_rest(monkeypatch, data_seed, expected):
    """Are the generated problems drawn with data_seed when it is set, and with seed when it is -1?"""
    seen = []
    real = experiment.addition_data
    monkeypatch.setattr(experiment, "addition_data", lambda n, m, seed, data: seen.append(seed) or real(n, m, seed, data))
    preset = experiment.Seq2seqPreset(n_train=64, n_test=16, wordvec=4, hidden=8, batch_size=64, epochs=1,
                                      variants=("reverse",), seed=5, data_seed=data_seed)
    experiment.run(preset, torch.device("cpu"))
    assert seen == [expected]


def test_torch_init_replaces_the_source_scheme_with_the_layer_defaults():
    """With init="torch", are embeddings N(0, 1) and LSTM biases non-zero within 1/sqrt(H), and is "dlfs2" left as built?"""
    torch.manual_seed(0)
    model = Seq2seq(Seq2seqConfig(vocab_size=13, wordvec=16, hidden=64))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    experiment.initialise(model, "dlfs2")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    experiment.initialise(model, "dlfs2-embed1")
    assert abs(float(model.encoder.embedding.weight.detach().std()) - 1.0) < 0.1
    assert not model.decoder.lstm.bias_ih_l0.any(), "only the embeddings change"
    experiment.initialise(model, "torch")
    assert abs(float(model.encoder.embedding.weight.detach().std()) - 1.0) < 0.1
    bias = model.decoder.lstm.bias_ih_l0
    assert bias.any() and float(bias.abs().max()) <= 64**-0.5
    with pytest.raises(ValueError):
        experiment.initialise(model, "xavier")
