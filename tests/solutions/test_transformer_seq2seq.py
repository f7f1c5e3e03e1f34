"""The encoder-decoder transformer: padding masks, causality, greedy decoding, learning."""

from __future__ import annotations

import numpy as np
import torch

from solutions.transformer_seq2seq import TransformerSeq2seq, TransformerSeq2seqConfig

PAD = 0


def model(pad_id=None, seed=0, **kw):
    torch.manual_seed(seed)
    config = TransformerSeq2seqConfig(vocab_size=11, max_len=16, d_model=16, n_heads=2, ff_dim=24, n_layers=2, pad_id=pad_id, **kw)
    return TransformerSeq2seq(config).double().eval()


def test_padding_changes_nothing_when_masked_and_something_when_not():
    """With pad_id set, do extra padding tokens after the source and target leave the real logits unchanged?"""
    src, tgt = torch.tensor([[3, 4, 5, 6]]), torch.tensor([[1, 7, 8]])
    src_pad, tgt_pad = torch.tensor([[3, 4, 5, 6, PAD, PAD, PAD]]), torch.tensor([[1, 7, 8, PAD, PAD]])
    for pad_id, same in ((PAD, True), (None, False)):
        m = model(pad_id)
        with torch.no_grad():
            short, long = m(src, tgt), m(src_pad, tgt_pad)[:, :3]
        assert torch.allclose(short, long, atol=1e-12) is same


def test_decoder_is_causal_and_the_source_matters():
    """Do logits at step t ignore decoder inputs after t, and change with the source?"""
    m = model()
    src = torch.randint(1, 11, (2, 5))
    tgt = torch.randint(1, 11, (2, 6))
    with torch.no_grad():
        out = m(src, tgt)
        changed = tgt.clone()
        changed[:, 4:] = 2
        assert torch.allclose(m(src, changed)[:, :4], out[:, :4], atol=1e-12)
        assert not torch.allclose(m(src.flip(0), tgt), out, atol=1e-6)


def test_generate_is_the_greedy_loop():
    """Is generate() the argmax of the model fed its own previous outputs, under no_grad?"""
    m = model(seed=3)
    src = torch.randint(1, 11, (3, 5))
    got = m.generate(src, start_id=1, length=6)
    assert got.shape == (3, 6) and not got.requires_grad
    prefix = torch.full((3, 1), 1)
    with torch.no_grad():
        for _ in range(6):
            prefix = torch.cat([prefix, m(src, prefix)[:, -1:].argmax(-1)], dim=1)
    assert torch.equal(got, prefix[:, 1:])


def test_cross_attention_weights_are_distributions_over_real_source_keys():
    """Are the cross-attention weights (B, h, T, S) distributions that give padding keys nothing?"""
    m = model(PAD)
    src = torch.tensor([[3, 4, PAD, PAD], [5, 6, 7, 8]])
    w = m.cross_attention_weights(src, torch.tensor([[1, 2, 3], [1, 2, 3]]))
    assert w.shape == (2, 2, 3, 4)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)
    assert (w[0, :, :, 2:] == 0).all()


def test_learns_to_reverse_short_sequences():
    """Does Adam bring the teacher-forced loss of a reversal task far below its start, and greedy decoding right?"""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: one thread is 10x faster than several on a shared, busy machine
    try:
        torch.manual_seed(0)
        m = TransformerSeq2seq(TransformerSeq2seqConfig(vocab_size=8, max_len=8, d_model=32, n_heads=4, ff_dim=64, dropout=0.0))
        src = torch.randint(2, 8, (256, 5))
        tgt = torch.cat([torch.ones(256, 1, dtype=torch.long), src.flip(1)], dim=1)
        opt = torch.optim.Adam(m.parameters(), lr=1e-2)
        losses = []
        for epoch in range(15):
            for i in range(0, 256, 32):
                loss = m.loss(src[i:i + 32], tgt[i:i + 32])
                opt.zero_grad()
                loss.backward()
                opt.step()
            losses.append(loss.item())
        assert losses[-1] < 0.1 * losses[0], losses
        m.eval()
        assert (m.generate(src[:64], 1, 5) == tgt[:64, 1:]).float().mean() > 0.9
    finally:
        torch.set_num_threads(threads)
