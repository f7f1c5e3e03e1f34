"""Chapter 1: word-level LSTM language model on news descriptions or recipes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from seqgen import corpora

from .. import text
from ..lstm_lm import LSTMLanguageModel, LSTMLMConfig
from ..sources import GDL2, GDL2_CODE, Metric, Source, key
from ..train import batches, fit, perplexity, sequence_cross_entropy


@dataclass(frozen=True)
class LMPreset:
    corpus: str  # "ag_news" (descriptions) or "epirecipes"
    vocab_size: int
    seq_len: int  # tokens per example; inputs and targets are seq_len each
    embed_dim: int
    hidden: int
    batch_size: int
    epochs: int
    lr: float = 1e-3
    val_fraction: float = 0.1
    seed: int = 0


PRESETS = {
    # The book's preset: the same sizes as chapter 1's Keras model.
    "cpu": LMPreset(corpus="ag_news", vocab_size=3000, seq_len=40, embed_dim=100, hidden=128, batch_size=64, epochs=5, lr=3e-3),
    # Generative Deep Learning 2nd ed. ch.5: vocab 10k, length 200, embedding 100, LSTM 128, batch 32, 25 epochs.
    "full": LMPreset(corpus="epirecipes", vocab_size=10000, seq_len=200, embed_dim=100, hidden=128, batch_size=32, epochs=25),
}

CHAPTER = "01_lstm_intro"
MIRRORS = {"VOCAB_SIZE": "vocab_size", "SEQ_LEN": "seq_len", "EMBED_DIM": "embed_dim", "HIDDEN": "hidden",
           "BATCH_SIZE": "batch_size", "EPOCHS": "epochs", "LEARNING_RATE": "lr"}
DATA = {"cpu": ("ag_news_test",), "full": ("epirecipes",)}
SOURCE = Source(
    "LSTM language model on recipes", f"{GDL2}, ch. 5",
    f"ch. 5's LSTM on the Epicurious recipes ({GDL2_CODE}, `notebooks/05_autoregressive/01_lstm/lstm.ipynb`)",
    "Epicurious recipes, vocabulary 10,000, length 200, Embedding 100, LSTM 128, batch 32, 25 epochs",
    "samples only", "none: the source shows generated recipes, no held-out figure",
    "report validation perplexity (real tokens only) on a held-out tenth of the recipes",
    (Metric("validation perplexity", key("val_perplexity"), higher_is_better=False),),
    needs="the full Epicurious file (Kaggle \"epirecipes\", `full_format_recipes.json`, about 35 MB; the course's "
          "offline data mirror has only its first 29 recipes): put it in the cache or a mirror as "
          "`epirecipes/full_format_recipes.json`",
)


def load_documents(corpus: str) -> list[str]:
    if corpus == "ag_news":
        return [item.description for item in corpora.ag_news()]
    if corpus == "epirecipes":
        return corpora.recipes("epirecipes")
    raise ValueError(f"unknown corpus {corpus!r}; expected 'ag_news' or 'epirecipes'")


def prepare(preset: LMPreset):
    """Split documents, build the vocabulary on the training part, encode both parts."""
    docs = load_documents(preset.corpus)
    order = np.random.default_rng(preset.seed).permutation(len(docs))
    n_val = int(len(docs) * preset.val_fraction)
    val_docs = [docs[i] for i in order[:n_val]]
    train_docs = [docs[i] for i in order[n_val:]]
    vocab = text.build_vocab(train_docs, preset.vocab_size)
    train = torch.from_numpy(text.encode(train_docs, vocab, preset.seq_len + 1))
    val = torch.from_numpy(text.encode(val_docs, vocab, preset.seq_len + 1))
    return vocab, train, val


def lm_loss(model, batch):
    """Mean next-token cross-entropy over real (non-padding) input positions.

    The target after a text's last token is the padding id 0, so the model also
    learns where a text ends (as the chapter's Keras model does).
    """
    (ids,) = batch
    x, y = ids[:, :-1], ids[:, 1:]  # (B, T) each
    logits, _ = model(x)  # (B, T, V)
    real = (x != 0).float()  # (B, T)
    nll = sequence_cross_entropy(logits, y, reduction="none")  # (B, T)
    n = int(real.sum())
    return (nll * real).sum() / max(n, 1), n


def evaluate_perplexity(model, ids: torch.Tensor, batch_size: int = 256) -> float:
    device = next(model.parameters()).device
    nll, count = 0.0, 0
    for (chunk,) in batches(ids, batch_size=batch_size, shuffle=False):
        loss, n = lm_loss(model, (chunk.to(device),))
        nll += float(loss) * n
        count += n
    return perplexity(nll, count)


def run(preset: LMPreset, device: torch.device) -> dict:
    torch.manual_seed(preset.seed)
    vocab, train, val = prepare(preset)
    config = LSTMLMConfig(vocab_size=len(vocab), embed_dim=preset.embed_dim, hidden=preset.hidden)
    model = LSTMLanguageModel(config)
    gen = torch.Generator().manual_seed(preset.seed)
    history = fit(
        model,
        lambda epoch: batches(train, batch_size=preset.batch_size, shuffle=True, generator=gen),
        lm_loss,
        epochs=preset.epochs,
        lr=preset.lr,
        device=device,
        evaluate=lambda m: {"val_perplexity": evaluate_perplexity(m, val)},
        desc="lstm_lm",
    )
    prompt = torch.tensor([[vocab.index(w) for w in ("the", "company") if w in vocab]], device=device)
    for temperature in (1.0, 0.2):
        out = model.generate(prompt, 30, temperature, generator=torch.Generator(device=device).manual_seed(1))
        print(f"T={temperature}: {text.decode(out[0].tolist(), vocab)}")
    return {"val_perplexity": history["val_perplexity"][-1], "train_loss": history["loss"][-1],
            "tok_per_s": float(np.mean(history["tok_per_s"])), "history": history}
