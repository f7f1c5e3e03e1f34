"""PyTorch attention seq2seq (dot and additive scores, bidirectional encoder) and the dates experiment."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from solutions.attention import (AdditiveAttentionSeq2seq, AdditiveScore, AttentionConfig, AttentionEncoder,
                                 AttentionSeq2seq, BiAttentionSeq2seq, BiEncoder, DotScore, attend)
from solutions.experiments import attention_seq2seq as experiment

CONFIG = AttentionConfig(vocab_size=11, wordvec=4, hidden=8)


def test_variants_swap_one_part():
    """Do the additive and bidirectional variants differ from the dot model only in the score or the encoder?"""
    dot, add, bi = AttentionSeq2seq(CONFIG), AdditiveAttentionSeq2seq(CONFIG), BiAttentionSeq2seq(CONFIG)
    assert type(dot.decoder.score) is DotScore and type(add.decoder.score) is AdditiveScore
    assert type(dot.encoder) is type(add.encoder) is AttentionEncoder and type(bi.encoder) is BiEncoder
    shapes = lambda m: {k: v.shape for k, v in m.state_dict().items() if "score" not in k}  # noqa: E731
    assert shapes(dot) == shapes(add)
    assert dot.decoder.head.in_features == 2 * CONFIG.hidden


def test_attention_weights_and_contexts_are_the_softmax_and_weighted_sum():
    """Are the weights a softmax over the encoder steps of h_t . hs_s, and each context their weighted sum?"""
    torch.manual_seed(0)
    query, keys = torch.randn(2, 3, 5, dtype=torch.float64), torch.randn(2, 4, 5, dtype=torch.float64)
    context, weights = attend(DotScore(5), query, keys)
    assert context.shape == (2, 3, 5) and weights.shape == (2, 3, 4)
    for b in range(2):
        for t in range(3):
            e = torch.stack([query[b, t] @ keys[b, s] for s in range(4)])
            a = torch.exp(e) / torch.exp(e).sum()
            torch.testing.assert_close(weights[b, t], a)
            torch.testing.assert_close(context[b, t], (a[:, None] * keys[b]).sum(0))


def test_additive_score_is_v_tanh_of_the_projections():
    """Is the additive score v . tanh(W_q h_t + W_k hs_s), written out for one pair?"""
    torch.manual_seed(1)
    score = AdditiveScore(6).double()
    query, keys = torch.randn(1, 2, 6, dtype=torch.float64), torch.randn(1, 3, 6, dtype=torch.float64)
    e = score(query, keys)
    want = score.v @ torch.tanh(score.query.weight @ query[0, 1] + score.key.weight @ keys[0, 2])
    torch.testing.assert_close(e[0, 1, 2], want)


@pytest.mark.parametrize("model_class", [AttentionSeq2seq, AdditiveAttentionSeq2seq, BiAttentionSeq2seq])
def test_greedy_generate_is_the_argmax_fed_back(model_class, device):
    """Is each generated id the argmax of teacher-forced logits whose inputs are the previously generated ids?"""
    torch.manual_seed(0)
    model = model_class(CONFIG).to(device)
    with torch.no_grad():  # larger weights than the initial ones, so that the argmax is not the same everywhere
        for p in model.parameters():
            p.normal_(0, 1)
    src = torch.randint(0, 11, (5, 6), device=device)
    out = model.generate(src, start_id=3, length=4)
    assert out.shape == (5, 4) and out.device.type == device.type
    tgt_in = torch.cat([torch.full((5, 1), 3, device=device), out[:, :-1]], dim=1)
    with torch.no_grad():
        assert torch.equal(model(src, tgt_in).argmax(-1), out)


def test_step_function_gives_the_teacher_forced_log_probabilities():
    """Does the beam-search step function return log_softmax of the teacher-forced logits at each prefix's last step?"""
    torch.manual_seed(2)
    model = AttentionSeq2seq(CONFIG).double()
    src = torch.randint(0, 11, (1, 6))
    prefixes = np.array([[3, 1, 4], [3, 5, 9]])
    got = model.step_function(src)(prefixes)
    with torch.no_grad():
        want = torch.log_softmax(model(src.expand(2, -1), torch.as_tensor(prefixes)), -1)[:, -1].numpy()
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_bidirectional_encoder_reads_both_ways():
    """Changing the first input character: do the forward half's states all change but the backward half's only at step 0?"""
    torch.manual_seed(3)
    encoder = BiEncoder(CONFIG)
    src = torch.randint(1, 11, (1, 6))
    other = src.clone()
    other[0, 0] = 0
    with torch.no_grad():
        (a, (h, c)), (b, _) = encoder(src), encoder(other)
    H = CONFIG.hidden // 2
    assert a.shape == (1, 6, 2 * H) and h.shape == c.shape == (1, 1, 2 * H)
    assert (a[0, :, :H] - b[0, :, :H]).abs().amax(-1).min() > 0  # forward half: every step
    assert torch.equal(a[0, 1:, H:], b[0, 1:, H:]) and not torch.equal(a[0, 0, H:], b[0, 0, H:])
    with pytest.raises(ValueError, match="even hidden size"):
        BiEncoder(AttentionConfig(vocab_size=5, wordvec=2, hidden=7))


def test_the_decoder_starts_from_h_and_zero_unless_carry_cell():
    """Does the decoder start from (h, 0) by default (the source book's) and from (h, c) with carry_cell?"""
    torch.manual_seed(4)
    src, tgt = torch.randint(0, 11, (2, 6)), torch.randint(0, 11, (2, 3))
    for carry in (False, True):
        model = AttentionSeq2seq(AttentionConfig(vocab_size=11, wordvec=4, hidden=8, carry_cell=carry))
        enc_hs, (h, c) = model.encoder(src)
        state = (h, c if carry else torch.zeros_like(c))
        with torch.no_grad():
            torch.testing.assert_close(model(src, tgt), model.decoder(tgt, enc_hs, state)[0])
            other = model.decoder(tgt, enc_hs, (h, torch.zeros_like(c) if carry else c))[0]
        assert not torch.allclose(model(src, tgt), other), carry


def test_attention_weights_are_distributions():
    """Are the model's alignment weights (B, T, S) non-negative and summing to 1 over the encoder steps?"""
    model = AdditiveAttentionSeq2seq(CONFIG)
    w = model.attention_weights(torch.randint(0, 11, (3, 7)), torch.randint(0, 11, (3, 5)))
    assert w.shape == (3, 5, 7) and (w >= 0).all()
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 5))


def test_presets_follow_the_source():
    """Is the full preset the source's (45k/5k, wordvec 16, hidden 256, batch 128, 10 epochs, Adam 1e-3, clip 5)?"""
    full = experiment.PRESETS["full"]
    assert (full.n_train, full.n_test, full.wordvec, full.hidden, full.batch_size, full.epochs, full.lr, full.clip) == (
        45_000, 5_000, 16, 256, 128, 10, 1e-3, 5.0)
    assert experiment.PRESETS["cpu"].variants == full.variants == ("baseline", "peeky", "attention")


def test_full_preset_starts_from_unit_embeddings():
    """Does the full preset start from unit-variance embeddings (from the source's N(0, 0.01^2) it sat an epoch on a plateau)?"""
    assert experiment.PRESETS["full"].init == "dlfs2-embed1" and experiment.PRESETS["full"].data == "generated"
    assert experiment.PRESETS["cpu"].init == "dlfs2"


def test_date_data_reverses_the_questions():
    """Are questions reversed (read back they are dates), answers '_YYYY-MM-DD', and train and test disjoint slices?"""
    (x, t), (xt, tt), vocab = experiment.date_data(300, 50)
    assert x.shape == (300, 29) and t.shape == (300, 11) and xt.shape == (50, 29)
    assert set(t[:, 0].tolist()) == {vocab.id("_")}
    question, answer = vocab.decode(x[0][::-1]), vocab.decode(t[0])
    assert question.rstrip()[-2:].isdigit() and answer[5] == "-" and answer[8] == "-"
    assert vocab.decode(x[0]).startswith(" "), "reversed: the padding comes first"


def test_a_short_run_learns(device):
    """Does one small epoch of the attention model get a training loss below the uniform guess's log(V)?"""
    from dataclasses import replace

    preset = replace(experiment.PRESETS["cpu"], n_train=1_000, n_test=100, epochs=1, hidden=16, variants=("attention",))
    result = experiment.run(preset, device)
    assert result["loss"]["attention"][0] < np.log(59)
    assert 0.0 <= result["attention_exact_match"] <= 1.0
