"""Chapter 7: date formats -> ISO dates, baseline vs Peeky vs attention seq2seq (input reversed in all).

    python -m solutions.train attention_seq2seq --preset full --device auto
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seqgen.datasets import CharVocab, date_lines, encode, parse_lines

from ..attention import AdditiveAttentionSeq2seq, AttentionConfig, AttentionSeq2seq, BiAttentionSeq2seq
from ..seq2seq import PeekySeq2seq, Seq2seq, Seq2seqConfig
from ..train import batches, fit
from .seq2seq import book_split, held_out_metrics, initialise, one_lstm_bias, seq2seq_loss, unseen

VARIANTS = {
    "baseline": (Seq2seq, Seq2seqConfig),
    "peeky": (PeekySeq2seq, Seq2seqConfig),
    "attention": (AttentionSeq2seq, AttentionConfig),
    "additive": (AdditiveAttentionSeq2seq, AttentionConfig),
    "bi-attention": (BiAttentionSeq2seq, AttentionConfig),
}


@dataclass(frozen=True)
class AttentionPreset:
    n_train: int  # training dates
    n_test: int  # held-out dates for exact-match accuracy
    wordvec: int
    hidden: int
    batch_size: int
    epochs: int
    lr: float = 1e-3
    clip: float = 5.0  # global gradient-norm clip
    variants: tuple[str, ...] = ("baseline", "peeky", "attention")
    seed: int = 0  # initial weights, batch order and (unless data_seed) the generated problems
    data_seed: int = -1  # the generated problems' seed; -1: the same as seed
    data: str = "generated"  # or "book": the source's own date.txt and split (n_train, n_test ignored)
    one_bias: bool = False  # train one LSTM bias, as the source (torch's LSTM has two, b_ih + b_hh)
    init: str = "dlfs2"  # the source's initialisation (the models' own), "torch" (PyTorch's defaults), "dlfs2-embed1"


PRESETS = {
    # Chapter 7's Keras settings (book/07_attention.md).
    "cpu": AttentionPreset(n_train=8_000, n_test=1_000, wordvec=16, hidden=64, batch_size=64, epochs=4, lr=1e-2),
    # Deep Learning from Scratch 2, ch. 8: 50k dates (45k/5k), reversed, wordvec 16, hidden 256, batch 128,
    # 10 epochs, Adam 1e-3, clip 5. The source's initialisation but for unit-variance embeddings (PyTorch's
    # Embedding default): from the source's N(0, 0.01^2) embeddings every run sat on a loss plateau near
    # 1.0 for its whole first epoch and left it at a random point of the second (seed 1: 0.0 / 2.3% exact
    # match after epochs 1 / 2); with N(0, 1) embeddings seed 1 had 99.2% after epoch 1 (CPU runs, 2026-12).
    "full": AttentionPreset(n_train=45_000, n_test=5_000, wordvec=16, hidden=256, batch_size=128, epochs=10,
                            init="dlfs2-embed1"),
}


def date_data(n_train: int, n_test: int, seed: int = 0, data: str = "generated"):
    """Encoded dates, questions reversed: (x_train, t_train), (x_test, t_test), vocab. t starts with '_'.

    ``data="book"`` reads the source's ``date.txt`` and splits it as its ``sequence.load_data``.
    """
    if data == "book":
        (x_train, t_train), (x_test, t_test), vocab = book_split("dlfs2_date")
        return (x_train[:, ::-1].copy(), t_train), (x_test[:, ::-1].copy(), t_test), vocab
    questions, answers = parse_lines(date_lines(n_train + n_test, seed=seed))
    vocab = CharVocab.from_texts(questions + answers)
    x, t = encode(questions, vocab)[:, ::-1].copy(), encode(answers, vocab)
    return (x[:n_train], t[:n_train]), (x[n_train:], t[n_train:]), vocab


def run(preset: AttentionPreset, device: torch.device) -> dict:
    (x_train, t_train), (x_test, t_test), vocab = date_data(preset.n_train, preset.n_test,
                                                  preset.seed if preset.data_seed < 0 else preset.data_seed, preset.data)
    src, tgt = torch.from_numpy(x_train), torch.from_numpy(t_train)
    src_test, tgt_test = torch.from_numpy(x_test), torch.from_numpy(t_test)
    new = unseen(x_train, x_test)
    result: dict = {"history": {}, "loss": {}, "n_test_unseen": int(new.sum())}
    for name in preset.variants:
        model_class, config_class = VARIANTS[name]
        torch.manual_seed(preset.seed)
        model = model_class(config_class(vocab_size=len(vocab), wordvec=preset.wordvec, hidden=preset.hidden))
        initialise(model, preset.init)
        if preset.one_bias:
            one_lstm_bias(model)
        gen = torch.Generator().manual_seed(preset.seed)
        history = fit(model, lambda epoch: batches(src, tgt, batch_size=preset.batch_size, shuffle=True, generator=gen),
                      seq2seq_loss, epochs=preset.epochs, lr=preset.lr, device=device, clip=preset.clip,
                      evaluate=lambda m: held_out_metrics(m, src_test, tgt_test, new), desc=name)
        result["history"][name] = history["exact_match"]
        result.setdefault("unseen", {})[name] = history["exact_match_unseen"]
        result["loss"][name] = history["loss"]
        result[f"{name}_exact_match"] = history["exact_match"][-1]
        sample = model.generate(src_test[:3].to(device), int(tgt_test[0, 0]), tgt_test.shape[1] - 1).cpu()
        for q, g in zip(x_test[:3], sample):
            print(f"  {name}: {vocab.decode(q[::-1])!r} -> {vocab.decode(g)!r}")
    return result


def curves(result: dict) -> dict[str, dict[str, list[float]]]:
    """The variants side by side: held-out exact match per epoch, and training loss."""
    return {"exact match": result["history"], "training loss": result["loss"]}
