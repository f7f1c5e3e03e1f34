"""Chapter 9's two experiments: GPT on wine reviews and the character GPT on Shakespeare."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from solutions.experiments import gpt_shakespeare_char as shakespeare
from solutions.experiments import gpt_wine as wine
from solutions.gpt import GPT


def test_wine_full_preset_is_the_sources():
    """Is `full` the source's setting: vocabulary 10k, length 80, width 256, 2 heads of 256, ff 256, 1 block, batch 32, 5 epochs?"""
    p = wine.PRESETS["full"]
    assert (p.vocab_size, p.seq_len, p.embed_dim, p.num_heads, p.key_dim, p.ff_dim, p.n_blocks, p.batch_size, p.epochs) == \
        (10_000, 80, 256, 2, 256, 256, 1, 32, 5)
    assert p.post_norm and p.limit is None
    config = wine.wine_config(p, 10_000, 0)
    attn = GPT(config).blocks[0].attn
    assert attn.query.weight.shape == (512, 256) and config.pad_id == 0


def test_shakespeare_full_preset_is_nanogpts():
    """Is `full` nanoGPT's shakespeare_char setting (6 x 6 heads, 384 wide, context 256, batch 64, dropout 0.2, 5,000 iterations)?"""
    p = shakespeare.PRESETS["full"]
    assert (p.n_layer, p.n_head, p.n_embd, p.context, p.batch_size, p.dropout, p.iters) == (6, 6, 384, 256, 64, 0.2, 5_000)
    assert (p.lr, p.min_lr, p.n_chars) == (1e-3, 1e-4, None)


def test_learning_rate_warms_up_then_decays_to_min_lr():
    """Does the schedule rise during warm-up, peak at lr and end at min_lr?"""
    p = shakespeare.PRESETS["full"]
    lrs = [shakespeare.learning_rate(p, it) for it in range(p.iters)]
    assert lrs[0] < lrs[50] < lrs[99] <= p.lr
    assert lrs[p.warmup] == pytest.approx(p.lr)
    assert lrs[-1] == pytest.approx(p.min_lr, rel=1e-3)
    assert all(a >= b for a, b in zip(lrs[p.warmup:], lrs[p.warmup + 1:]))


def test_validation_nll_leaves_the_padding_out():
    """Is the wine validation loss the mean over non-padding targets, and different once padding counts?"""
    torch.manual_seed(0)
    preset = replace(wine.PRESETS["cpu"], embed_dim=8, key_dim=4, ff_dim=8, seq_len=6)
    model = GPT(wine.wine_config(preset, 11, 0)).eval()
    rows = torch.randint(2, 11, (3, 7))
    rows[:, 4:] = 0
    logits, _ = model(rows[:, :-1])
    nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), rows[:, 1:], reduction="none")
    keep = rows[:, 1:] != 0
    assert wine.validation_nll(model, rows, 0) == pytest.approx(float(nll[keep].mean()), rel=1e-5)
    assert wine.validation_nll(model, rows, None) == pytest.approx(float(nll.mean()), rel=1e-5)


def test_windows_do_not_overlap():
    """Are the validation rows consecutive, one every `length` ids, each length + 1 long?"""
    rows = shakespeare.windows(np.arange(20), 6)
    assert rows.tolist() == [list(range(0, 7)), list(range(6, 13)), list(range(12, 19))]


@pytest.mark.slow
def test_short_runs_learn(device):
    """Do short runs of both experiments report finite figures below a uniform guess?"""
    result = wine.run(replace(wine.PRESETS["cpu"], vocab_size=200, embed_dim=16, key_dim=8, ff_dim=16, epochs=1, limit=300), device)
    assert math.isfinite(result["val_perplexity"]) and result["val_perplexity"] < 200
    result = shakespeare.run(replace(shakespeare.PRESETS["cpu"], n_chars=20_000, iters=30), device)
    assert result["val_loss"] < math.log(64) and result["ngram_3"] < result["ngram_1"]
