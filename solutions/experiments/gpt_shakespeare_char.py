"""Chapter 9: a character-level GPT on Shakespeare, beside n-gram counts on the same split.

    python -m solutions.train gpt_shakespeare_char --preset full --device auto

``full`` is nanoGPT's ``shakespeare_char`` setting on nanoGPT's split of the whole text (first 90 % /
last 10 %): 6 pre-norm blocks of 6 heads, 384 wide, context 256, batch 64, dropout 0.2, AdamW at 1e-3
decaying (cosine) to 1e-4 over 5,000 iterations after 100 of warm-up, gradient norm clipped at 1;
nanoGPT reports a best validation loss of about 1.47 nats per character. ``cpu`` is chapter 9's Keras
setting on chapter 3's 200,000 characters (post-norm, as the chapter's block). The validation loss is
the mean over every character of the validation windows (non-overlapping windows of the context).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from seqgen.datasets.shakespeare import shakespeare_chars
from seqgen.ngram import ngram_baselines

from ..gpt import GPT, GPTConfig
from ..sources import NANOGPT, Metric, Source, key
from ..train import fit


@dataclass(frozen=True)
class CharGPTPreset:
    n_chars: int | None  # first characters of tinyshakespeare (None: all, nanoGPT's split)
    context: int
    n_layer: int
    n_head: int
    n_embd: int
    batch_size: int
    iters: int
    lr: float
    min_lr: float
    dropout: float
    ff_dim: int | None = None  # None: 4 * n_embd
    post_norm: bool = False
    warmup: int = 0
    weight_decay: float = 0.0
    clip: float | None = None
    eval_every: int = 0  # 0: at the end only
    eval_batches: int | None = None  # validation windows per evaluation (None: all)
    epochs: int = 1  # unused (the run counts iterations); kept for the trainer's --epochs
    seed: int = 0


PRESETS = {
    # Chapter 9's Keras setting: 64 characters of context, 2 post-norm blocks of 4 heads of 16, 64 wide,
    # feed-forward 256, batch 64, 6 passes over the 2,812 windows (264 iterations), Adam 2e-3.
    "cpu": CharGPTPreset(n_chars=200_000, context=64, n_layer=2, n_head=4, n_embd=64, ff_dim=256, batch_size=64, iters=264,
                         lr=2e-3, min_lr=2e-3, dropout=0.1, post_norm=True),
    # nanoGPT config/train_shakespeare_char.py.
    "full": CharGPTPreset(n_chars=None, context=256, n_layer=6, n_head=6, n_embd=384, batch_size=64, iters=5_000, lr=1e-3,
                          min_lr=1e-4, dropout=0.2, warmup=100, weight_decay=0.1, clip=1.0, eval_every=250, eval_batches=200),
}


def chapter_epochs(preset: CharGPTPreset) -> float:
    """Chapter 9's CHAR_EPOCHS: passes over its training windows that the preset's iterations make."""
    windows = len(range(0, int(preset.n_chars * 0.9) - preset.context, preset.context))
    return preset.iters / -(-windows // preset.batch_size)


CHAPTER = "09_transformer"
MIRRORS = {"N_CHARS": "n_chars", "CONTEXT": "context", "CHAR_BATCH": "batch_size", "CHAR_LR": "lr", "DROPOUT": "dropout",
           "CHAR_EPOCHS": chapter_epochs}
DATA = {"cpu": ("tinyshakespeare",), "full": ("tinyshakespeare",)}
SOURCE = Source(
    "GPT on Shakespeare characters", NANOGPT,
    "README, \"quick start\": \"on one A100 GPU this training run takes about 3 minutes and the best validation loss "
    "is 1.4697\"; settings from `config/train_shakespeare_char.py` and `train.py`",
    "6 layers, 6 heads, width 384, context 256, batch 64, dropout 0.2, AdamW (betas 0.9, 0.99; weight decay 0.1), "
    "learning rate 1e-3 to 1e-4 (cosine, 100 warm-up iterations), gradient norm clipped at 1, 5,000 iterations",
    "best validation loss 1.4697 nats/char (one A100, about 3 min); nanoGPT's small CPU setting 1.88",
    "mean cross-entropy per character, nats, of 200 random batches of 64 windows of the last 10 % of the text "
    "(nanoGPT's `estimate_loss`, every 250 iterations; the best of those evaluations)",
    "validation loss at most 1.47 nats/char",
    (Metric("best validation loss (nats/char), nanoGPT's measure", key("best_val_loss"), source=1.4697, bar=1.47,
            higher_is_better=False),
     Metric("validation loss after the last iteration (nats/char)", key("val_loss"), higher_is_better=False)),
    differs="each evaluation (every 250 iterations) reads every non-overlapping window of 256 of the validation text "
            "instead of 200 random batches of 64 windows; the best evaluation is compared, as nanoGPT keeps its best "
            "checkpoint; bfloat16 autocast on a GPU, as nanoGPT's default; no torch.compile.",
    needs="a GPU (5,000 iterations of a 6-layer, 384-wide model with a context of 256)",
)


def learning_rate(preset: CharGPTPreset, it: int) -> float:
    """Linear warm-up, then cosine decay from lr to min_lr at the last iteration (nanoGPT's schedule)."""
    if it < preset.warmup:
        return preset.lr * (it + 1) / (preset.warmup + 1)
    progress = (it - preset.warmup) / max(preset.iters - preset.warmup, 1)
    return preset.min_lr + 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))) * (preset.lr - preset.min_lr)


def windows(ids: np.ndarray, length: int) -> torch.Tensor:
    """Non-overlapping rows (N, length + 1), one every `length` ids."""
    starts = np.arange(0, len(ids) - length, length)
    return torch.from_numpy(np.stack([ids[s:s + length + 1] for s in starts]))


@torch.no_grad()
def validation_loss(model: GPT, rows: torch.Tensor, device, limit: int | None = None, batch_size: int = 64) -> float:
    model.eval()
    rows = rows[:limit * batch_size] if limit else rows
    total, count = 0.0, 0
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size].to(device)
        _, loss = model(chunk[:, :-1], chunk[:, 1:])
        total, count = total + float(loss) * chunk[:, 1:].numel(), count + chunk[:, 1:].numel()
    model.train()
    return total / count


def run(preset: CharGPTPreset, device: torch.device) -> dict:
    chars = shakespeare_chars(preset.n_chars)
    train_ids = torch.from_numpy(chars.train_ids)
    val_rows = windows(chars.val_ids, preset.context)
    start = time.perf_counter()
    counts = ngram_baselines(chars.train_ids, chars.val_ids, orders=(1, 2, 3, 4, 5), vocab_size=chars.vocab_size)
    print("n-gram counts, validation nats/char:", {n: round(v, 3) for n, v in counts.items()},
          f"({time.perf_counter() - start:.1f} s)")
    torch.manual_seed(preset.seed)
    config = GPTConfig(vocab_size=chars.vocab_size, block_size=preset.context, n_layer=preset.n_layer, n_head=preset.n_head,
                       n_embd=preset.n_embd, ff_dim=preset.ff_dim, dropout=preset.dropout, post_norm=preset.post_norm,
                       activation="relu" if preset.post_norm else "gelu", bias=preset.post_norm,
                       ln_eps=1e-6 if preset.post_norm else 1e-5)
    model = GPT(config)
    gen = torch.Generator().manual_seed(preset.seed)
    amp = torch.autocast(device.type, dtype=torch.bfloat16) if device.type == "cuda" else torch.autocast("cpu", enabled=False)
    block = preset.eval_every or preset.iters  # iterations between two evaluations: one "epoch" of the loop
    n_blocks = -(-preset.iters // block)

    def train_batches(epoch: int):
        """The block's batches of random windows (context + 1 characters), drawn as nanoGPT's get_batch."""
        for _ in range(min(block, preset.iters - (epoch - 1) * block)):
            idx = torch.randint(len(train_ids) - preset.context - 1, (preset.batch_size,), generator=gen)
            yield (torch.stack([train_ids[i:i + preset.context + 1] for i in idx.tolist()]),)

    def loss_fn(m, batch):
        (rows,) = batch
        with amp:
            _, loss = m(rows[:, :-1], rows[:, 1:])
        return loss, rows[:, 1:].numel()

    evaluations = iter(range(1, n_blocks + 1))

    def evaluate(m):
        last = next(evaluations) == n_blocks  # the last evaluation reads every validation window
        with amp:
            return {"val_loss": validation_loss(m, val_rows, device, None if last else preset.eval_batches)}

    start = time.perf_counter()
    history = fit(model, train_batches, loss_fn, epochs=n_blocks, device=device, clip=preset.clip, unit="char",
                  optimizer=lambda params: adamw(list(params), preset), schedule=lambda it: learning_rate(preset, it),
                  evaluate=evaluate, desc="gpt_shakespeare_char")
    history["iter"] = [min(block * k, preset.iters) for k in range(1, n_blocks + 1)]
    seconds = time.perf_counter() - start
    prompt = torch.tensor([[chars.vocab.index(c) for c in "ROMEO:\n"]], device=device)
    print(chars.decode(model.generate(prompt, 200, temperature=0.8, generator=torch.Generator().manual_seed(0))[0].cpu().numpy()))
    return {"history": history, "val_loss": history["val_loss"][-1], "best_val_loss": min(history["val_loss"]),
            "train_seconds": seconds, **{f"ngram_{n}": v for n, v in counts.items()},
            "n_params": float(sum(p.numel() for p in model.parameters()))}


def adamw(params: list, preset: CharGPTPreset) -> torch.optim.AdamW:
    """nanoGPT's optimiser: AdamW with betas (0.9, 0.99), weight decay on matrices only."""
    decay = [p for p in params if p.dim() >= 2]
    other = [p for p in params if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": preset.weight_decay}, {"params": other, "weight_decay": 0.0}],
                             lr=preset.lr, betas=(0.9, 0.99))


def curves(result: dict) -> dict[str, dict[str, list[float]]]:
    h = result["history"]
    best = min(v for k, v in result.items() if k.startswith("ngram_"))
    return {"nats per character (x: evaluations)": {"train": h["loss"], "validation": h["val_loss"],
                                                     "best n-gram": [best] * len(h["val_loss"])}}
