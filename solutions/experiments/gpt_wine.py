"""Chapter 9: a GPT on wine reviews (Generative Deep Learning, ch. 9), padding kept out of the loss.

    python -m solutions.train gpt_wine --preset full --device auto

Validation perplexity per epoch over the words only (targets equal to the padding id do not count);
beside it, the per-token loss with padding counted, the figure the source's model optimises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from seqgen.datasets.wine import wine_review_data

from ..gpt import GPT, GPTConfig
from ..sources import GDL2, GDL2_CODE, Metric, Source, key
from ..text import pad_punctuation  # chapter 2's answer, the reference's copy
from ..train import batches, fit


@dataclass(frozen=True)
class WinePreset:
    vocab_size: int  # words kept (0: padding, 1: [UNK])
    seq_len: int  # tokens read per review row
    embed_dim: int
    num_heads: int
    key_dim: int  # per-head query/key/value size (Keras's key_dim)
    ff_dim: int
    n_blocks: int
    batch_size: int
    epochs: int
    limit: int | None = None  # first reviews of the file used (None: all)
    lr: float = 1e-3
    dropout: float = 0.1
    post_norm: bool = True  # the source's block
    seed: int = 0


PRESETS = {
    # Chapter 9's Keras settings (book/09_transformer.md), on the 5,000-review subset.
    "cpu": WinePreset(vocab_size=3_000, seq_len=80, embed_dim=128, num_heads=2, key_dim=64, ff_dim=128, n_blocks=1,
                      batch_size=32, epochs=2, limit=5_000),
    # The source's: vocabulary 10,000, length 80, embedding 256, 2 heads of key_dim 256, feed-forward 256,
    # 1 block, batch 32, 5 epochs, Adam (default 1e-3), on every review present (130k with the full file).
    "full": WinePreset(vocab_size=10_000, seq_len=80, embed_dim=256, num_heads=2, key_dim=256, ff_dim=256, n_blocks=1,
                       batch_size=32, epochs=5),
}

CHAPTER = "09_transformer"
MIRRORS = {"WINE_VOCAB": "vocab_size", "WINE_LEN": "seq_len", "WINE_EMBED": "embed_dim", "WINE_FF": "ff_dim",
           "WINE_BATCH": "batch_size", "WINE_EPOCHS": "epochs", "WINE_LR": "lr"}
DATA = {"cpu": ("wine_reviews_5k",), "full": ("wine_reviews_130k",)}
SOURCE = Source(
    title="GPT on wine reviews", citation=f"{GDL2}, ch. 9",
    where=f"ch. 9's GPT ({GDL2_CODE}, `notebooks/09_transformer/gpt/gpt.ipynb`)",
    settings="130k wine reviews, vocabulary 10,000, length 80, width 256, 2 heads of key size 256, feed-forward 256, "
             "1 block, batch 32, 5 epochs, Adam",
    figure="samples only (its training loss counts padding tokens)", measure="none: the source shows generated reviews",
    bar="report validation perplexity over real tokens (padding masked)",
    metrics=(Metric("validation perplexity", key("val_perplexity"), higher_is_better=False),),
    needs="the full 130k wine reviews (Kaggle zynicide/wine-reviews, `winemag-data-130k-v2.json`; the course's offline "
          "data mirror has a 5,000-review subset): put it in the cache or a mirror as "
          "`wine-reviews/winemag-data-130k-v2.json`",
)


def wine_config(preset: WinePreset, vocab_size: int, pad_id: int) -> GPTConfig:
    return GPTConfig(vocab_size=vocab_size, block_size=preset.seq_len, n_layer=preset.n_blocks, n_head=preset.num_heads,
                     n_embd=preset.embed_dim, head_dim=preset.key_dim, ff_dim=preset.ff_dim, activation="relu",
                     dropout=preset.dropout, post_norm=preset.post_norm, ln_eps=1e-6, pad_id=pad_id)


@torch.no_grad()
def validation_nll(model: GPT, rows: torch.Tensor, pad_id: int | None, batch_size: int = 256) -> float:
    """Mean negative log-likelihood per target of rows (N, T + 1); padding targets left out unless pad_id is None."""
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size].to(device)
        logits, _ = model(chunk[:, :-1])
        nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2).float(), chunk[:, 1:], reduction="none")  # (b, T)
        keep = torch.ones_like(nll, dtype=torch.bool) if pad_id is None else chunk[:, 1:] != pad_id
        total += float(nll[keep].sum())
        count += int(keep.sum())
    return total / max(count, 1)


def run(preset: WinePreset, device: torch.device) -> dict:
    data = wine_review_data(pad_punctuation, vocab_size=preset.vocab_size, seq_len=preset.seq_len, limit=preset.limit, seed=preset.seed)
    print(data.describe())
    train, val = torch.from_numpy(data.train), torch.from_numpy(data.val)
    torch.manual_seed(preset.seed)
    model = GPT(wine_config(preset, len(data.vocab), data.pad_id))
    gen = torch.Generator().manual_seed(preset.seed)

    def loss_fn(m, batch):
        (rows,) = batch
        _, loss = m(rows[:, :-1], rows[:, 1:])
        return loss, int((rows[:, 1:] != data.pad_id).sum())

    def evaluate(m):
        return {"val_perplexity": math.exp(validation_nll(m, val, data.pad_id)),
                "val_loss_with_padding": validation_nll(m, val, None)}

    history = fit(model, lambda epoch: batches(train, batch_size=preset.batch_size, shuffle=True, generator=gen), loss_fn,
                  epochs=preset.epochs, lr=preset.lr, device=device, evaluate=evaluate, desc="gpt_wine")
    prompt = [data.vocab.index(w) for w in "wine review : us".split()]
    sample = model.generate(torch.tensor([prompt], device=device), 40, temperature=0.8,
                            generator=torch.Generator().manual_seed(preset.seed))
    print("  sample:", data.decode(sample[0].cpu().numpy()))
    return {"history": history, "val_perplexity": history["val_perplexity"][-1],
            "best_val_perplexity": min(history["val_perplexity"]), "n_params": float(sum(p.numel() for p in model.parameters()))}


def curves(result: dict) -> dict[str, dict[str, list[float]]]:
    h = result["history"]
    return {"validation perplexity (words only)": {"gpt": h["val_perplexity"]},
            "loss (nats per token)": {"train (words)": h["loss"], "validation, padding counted": h["val_loss_with_padding"]}}
