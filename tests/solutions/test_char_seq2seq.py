"""Character-level translation reference (LSTM and GRU) and its experiment."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from seqgen import data
from solutions.char_seq2seq import CharGRUSeq2seq, CharSeq2seq, CharSeq2seqConfig
from solutions.experiments import char_seq2seq as experiment


@pytest.mark.parametrize("model_class", [CharSeq2seq, CharGRUSeq2seq])
def test_generate_is_greedy_and_stops(model_class, device):
    """Does generate() feed back argmax ids, cut each output at the stop id, and match teacher-forced argmaxes?"""
    torch.manual_seed(0)
    model = model_class(CharSeq2seqConfig(src_vocab=9, tgt_vocab=7, embed_dim=4, latent_dim=8)).to(device)
    src = torch.randint(1, 9, (4, 5), device=device)
    out = model.generate(src, start_id=1, stop_id=2, max_len=6)
    assert len(out) == 4 and all(len(o) <= 6 and 2 not in o for o in out)
    for b, ids in enumerate(out):
        tgt_in = torch.tensor([[1] + ids], device=device)
        with torch.no_grad():
            pred = model(src[b : b + 1], tgt_in).argmax(-1)[0].tolist()
        assert pred[: len(ids)] == ids
        if len(ids) < 6:
            assert pred[len(ids)] == 2  # it stopped because the stop id came next


def test_the_decoder_starts_from_the_encoder_cell_state():
    """Does the LSTM decoder depend on the encoder's c (Keras's initial_state=[h, c]), not just h?"""
    torch.manual_seed(0)
    model = CharSeq2seq(CharSeq2seqConfig(src_vocab=5, tgt_vocab=5, embed_dim=3, latent_dim=4))
    h, c = model.encode(torch.tensor([[1, 2, 3]]))
    tgt = torch.tensor([[1, 2]])
    a, _ = model.decode(tgt, (h, c))
    b, _ = model.decode(tgt, (h, torch.zeros_like(c)))
    assert not torch.allclose(a, b)
    assert torch.allclose(model(torch.tensor([[1, 2, 3]]), tgt), a)


def test_full_preset_is_the_tutorial():
    """Is the full preset the Keras tutorial's (10k pairs, latent 256, batch 64, 100 epochs, 20% validation)?"""
    full = experiment.PRESETS["full"]
    assert (full.n_pairs, full.latent_dim, full.batch_size, full.epochs, full.val_fraction) == (10_000, 256, 64, 100, 0.2)
    assert full.count_padding, "the tutorial's loss and 0.873 accuracy count the padding positions"


class PredictsPadding(torch.nn.Module):
    """Always puts all its weight on id 0, the padding."""

    def __init__(self, vocab_size: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, src, tgt_in):
        logits = torch.full((*tgt_in.shape, self.vocab_size), -10.0)
        logits[..., 0] = 10.0
        return logits


def test_metrics_count_padding_only_where_asked():
    """Does a model that only ever predicts padding score 0 on real characters, but the padding share when
    padding positions count, with a loss over real characters only unless count_padding is set?"""
    tgt = np.array([[1, 2, 3, 0, 0], [1, 2, 0, 0, 0]])  # y = tgt[:, 1:]: 3 real characters, 5 padding positions
    src = np.ones((2, 3), dtype=np.int64)
    model = PredictsPadding(4)
    real = experiment.char_metrics(model, src, tgt)
    padded = experiment.char_metrics(model, src, tgt, count_padding=True)
    assert real["val_char_accuracy"] == padded["val_char_accuracy"] == 0.0
    assert real["val_char_accuracy_padded"] == pytest.approx(5 / 8)
    assert real["val_loss"] == pytest.approx(20.0, abs=1e-3)  # every real character scored at about -20 nats
    assert padded["val_loss"] == pytest.approx(20.0 * 3 / 8, abs=1e-3)


@pytest.mark.skipif(not data.available("fra_eng"), reason="fra_eng not available")
def test_prepare_pads_with_zero_and_wraps_targets():
    """Do targets start with the tab and end with the newline, padding is id 0, and the split is 80/20?"""
    preset = experiment.PRESETS["cpu"]
    (src, tgt), (vsrc, vtgt), sv, tv = experiment.prepare(preset)
    assert len(src) + len(vsrc) == preset.n_pairs and len(vsrc) == int(preset.n_pairs * 0.2)
    assert sv[0] == tv[0] == "" and (tgt[:, 0] == tv.index("\t")).all()
    row = [tv[i] for i in tgt[0] if i]
    assert row[-1] == "\n" and "\u202f" in tv


@pytest.mark.skipif(not data.available("fra_eng"), reason="fra_eng not available")
def test_tiny_run_improves(device):
    """Do two epochs on 400 pairs lower the validation loss and report the accuracies?"""
    preset = experiment.CharSeq2seqPreset(n_pairs=400, embed_dim=8, latent_dim=16, batch_size=32, epochs=2, lr=1e-2)
    result = experiment.run(preset, device)
    loss = result["history"]["val_loss"]
    assert loss[1] < loss[0]
    assert 0 < result["val_char_accuracy"] <= 1
