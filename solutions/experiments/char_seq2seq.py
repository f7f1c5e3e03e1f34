"""Chapter 5: character-level English -> French (the Keras seq2seq tutorial), LSTM or GRU."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from seqgen.datasets import fra_eng_pairs

from ..char_seq2seq import CharGRUSeq2seq, CharSeq2seq, CharSeq2seqConfig
from ..sources import KERAS_S2S, Metric, Source, key
from ..train import EarlyStopping, batches, fit, sequence_cross_entropy

PAD, START, STOP = "", "\t", "\n"  # id 0 is padding; targets are "\t" + French + "\n"


@dataclass(frozen=True)
class CharSeq2seqPreset:
    n_pairs: int  # the first n pairs of fra.txt (short sentences first)
    embed_dim: int
    latent_dim: int
    batch_size: int
    epochs: int  # at most; early stopping may end sooner
    lr: float = 1e-3  # RMSprop, as the tutorial
    val_fraction: float = 0.2  # the last 20%, as Keras's validation_split
    patience: int = 5  # epochs without a better validation loss before stopping
    # The tutorial pads targets with a character the model must predict, so its loss and its
    # accuracy (0.873) count every position up to the longest sentence, padding included.
    count_padding: bool = False
    cell: str = "lstm"
    seed: int = 0


PRESETS = {
    # Chapter 5's Keras settings (book/05_seq2seq.md).
    "cpu": CharSeq2seqPreset(n_pairs=3000, embed_dim=32, latent_dim=128, batch_size=64, epochs=6, lr=3e-3),
    # The Keras tutorial: 10k pairs, latent 256, batch 64, 100 epochs, rmsprop (val accuracy 0.873, overfits after ~25).
    "full": CharSeq2seqPreset(n_pairs=10_000, embed_dim=64, latent_dim=256, batch_size=64, epochs=100,
                              count_padding=True),
}

CHAPTER = "05_seq2seq"
MIRRORS = {"N_PAIRS": "n_pairs", "EMBED_DIM": "embed_dim", "LATENT_DIM": "latent_dim", "BATCH_SIZE": "batch_size",
           "EPOCHS": "epochs", "LEARNING_RATE": "lr"}
DATA = {"cpu": ("fra_eng",), "full": ("fra_eng",)}
SOURCE = Source(
    "Character seq2seq, English to French", KERAS_S2S,
    "keras.io, examples/nlp/lstm_seq2seq (the page's training log, epochs 1-100)",
    "the first 10,000 pairs of fra.txt, one-hot characters (71 in, 93 out; targets padded with spaces to 59), LSTM 256 "
    "encoder and decoder, batch 64, 100 epochs, RMSprop (Keras default 1e-3), the last 20 % for validation, no early stopping",
    "validation accuracy 0.8726 after epoch 100 (best 0.8772 at epoch 38; 0.8757 at epoch 25, the lowest validation loss)",
    "Keras's `accuracy` over every target position up to 59, padding (spaces) counted, on the last 2,000 pairs",
    "at least 0.873 with early stopping",
    (Metric("char accuracy, padding counted (the tutorial's measure)", key("val_char_accuracy_padded"),
            source=0.8726, bar=0.873),
     Metric("char accuracy, real characters only", key("val_char_accuracy")),
     Metric("epochs run (early stopping keeps the best)", key("epochs_run"))),
    differs="characters enter through a learned 64-wide embedding instead of one-hot vectors, padding is a character "
            "of its own (id 0) instead of a space, and training stops early (patience 5 on the validation loss, best "
            "weights kept) instead of running 100 epochs; RMSprop at 1e-3 as the tutorial.",
)


def char_vocab(texts: list[str]) -> list[str]:
    """Padding first, then the characters in sorted order."""
    return [PAD] + sorted(set("".join(texts)) - {PAD})


def encode_padded(texts: list[str], vocab: list[str], length: int) -> np.ndarray:
    index = {c: i for i, c in enumerate(vocab)}
    out = np.zeros((len(texts), length), dtype=np.int64)
    for n, text in enumerate(texts):
        ids = [index[c] for c in text][:length]
        out[n, : len(ids)] = ids
    return out


def prepare(preset: CharSeq2seqPreset):
    pairs = fra_eng_pairs(preset.n_pairs)
    src_texts = [en for en, _ in pairs]
    tgt_texts = [START + fr + STOP for _, fr in pairs]
    src_vocab, tgt_vocab = char_vocab(src_texts), char_vocab(tgt_texts)
    src = encode_padded(src_texts, src_vocab, max(map(len, src_texts)))
    tgt = encode_padded(tgt_texts, tgt_vocab, max(map(len, tgt_texts)))
    n_val = int(len(pairs) * preset.val_fraction)
    split = len(pairs) - n_val
    return (src[:split], tgt[:split]), (src[split:], tgt[split:]), src_vocab, tgt_vocab


@torch.no_grad()
def char_metrics(model, src, tgt, count_padding: bool = False, batch_size: int = 256) -> dict[str, float]:
    """Accuracy over real target characters, the tutorial's accuracy (padding positions counted), and the mean
    loss over the positions training counts (real characters, or all of them with ``count_padding``)."""
    device = next(model.parameters()).device
    nll = hits = real = hits_all = total = 0.0
    for s, t in batches(torch.from_numpy(src), torch.from_numpy(tgt), batch_size=batch_size, shuffle=False):
        s, t = s.to(device), t.to(device)
        logits = model(s, t[:, :-1])
        y = t[:, 1:]
        mask = y != 0
        counted = torch.ones_like(mask) if count_padding else mask
        nll += float(F.cross_entropy(logits[counted], y[counted], reduction="sum"))
        right = logits.argmax(-1) == y
        hits += float(right[mask].sum())
        real += float(mask.sum())
        hits_all += float(right.sum())
        total += y.numel()
    return {"val_loss": nll / (total if count_padding else real), "val_char_accuracy": hits / real, "val_char_accuracy_padded": hits_all / total}


def run(preset: CharSeq2seqPreset, device: torch.device) -> dict:
    torch.manual_seed(preset.seed)
    (src, tgt), (val_src, val_tgt), src_vocab, tgt_vocab = prepare(preset)
    config = CharSeq2seqConfig(len(src_vocab), len(tgt_vocab), preset.embed_dim, preset.latent_dim)
    model = (CharGRUSeq2seq if preset.cell == "gru" else CharSeq2seq)(config)
    gen = torch.Generator().manual_seed(preset.seed)
    ignore = -100 if preset.count_padding else 0

    def loss_fn(m, batch):
        s, t = batch
        y = t[:, 1:]
        loss = sequence_cross_entropy(m(s, t[:, :-1]), y, ignore_index=ignore)  # logits (B, T, V)
        return loss, y.numel() if preset.count_padding else int((y != 0).sum())

    early = EarlyStopping("val_loss", patience=preset.patience)
    history = fit(model, lambda epoch: batches(torch.from_numpy(src), torch.from_numpy(tgt), batch_size=preset.batch_size,
                                               shuffle=True, generator=gen),
                  loss_fn, epochs=preset.epochs, device=device, unit="char", desc="char_seq2seq",
                  optimizer=lambda params: torch.optim.RMSprop(params, lr=preset.lr),
                  evaluate=lambda m: char_metrics(m, val_src, val_tgt, preset.count_padding), stop=early)
    early.restore(model)
    final = char_metrics(model.eval(), val_src, val_tgt, preset.count_padding)
    start_id, stop_id = tgt_vocab.index(START), tgt_vocab.index(STOP)
    out = model.generate(torch.from_numpy(val_src[:5]).to(device), start_id, stop_id, val_tgt.shape[1])
    for s, ids in zip(val_src[:5], out):
        print("  " + "".join(src_vocab[i] for i in s if i) + " -> " + "".join(tgt_vocab[i] for i in ids))
    return {**final, "epochs_run": float(len(history["loss"])), "history": history}
