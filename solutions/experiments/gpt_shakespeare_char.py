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
    model = GPT(config).to(device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": preset.weight_decay}, {"params": other, "weight_decay": 0.0}],
                                  lr=preset.lr, betas=(0.9, 0.99))
    gen = torch.Generator().manual_seed(preset.seed)
    amp = torch.autocast(device.type, dtype=torch.bfloat16) if device.type == "cuda" else torch.autocast("cpu", enabled=False)
    history: dict[str, list[float]] = {"iter": [], "loss": [], "val_loss": []}
    start, running = time.perf_counter(), []
    for it in range(preset.iters):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(preset, it)
        idx = torch.randint(len(train_ids) - preset.context - 1, (preset.batch_size,), generator=gen)
        rows = torch.stack([train_ids[i:i + preset.context + 1] for i in idx.tolist()]).to(device)
        with amp:
            _, loss = model(rows[:, :-1], rows[:, 1:])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if preset.clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), preset.clip)
        optimizer.step()
        running.append(loss.item())
        last = it == preset.iters - 1
        if last or (preset.eval_every and (it + 1) % preset.eval_every == 0):
            with amp:
                val = validation_loss(model, val_rows, device, None if last else preset.eval_batches)
            history["iter"].append(it + 1)
            history["loss"].append(float(np.mean(running)))
            history["val_loss"].append(val)
            running = []
            print(f"iter {it + 1}/{preset.iters}  train {history['loss'][-1]:.4f}  val {val:.4f} nats/char  "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
    seconds = time.perf_counter() - start
    prompt = torch.tensor([[chars.vocab.index(c) for c in "ROMEO:\n"]], device=device)
    print(chars.decode(model.generate(prompt, 200, temperature=0.8, generator=torch.Generator().manual_seed(0))[0].cpu().numpy()))
    return {"history": history, "val_loss": history["val_loss"][-1], "best_val_loss": min(history["val_loss"]),
            "train_seconds": seconds, **{f"ngram_{n}": v for n, v in counts.items()},
            "n_params": float(sum(p.numel() for p in model.parameters()))}


def curves(result: dict) -> dict[str, dict[str, list[float]]]:
    h = result["history"]
    best = min(v for k, v in result.items() if k.startswith("ngram_"))
    return {"nats per character (x: evaluations)": {"train": h["loss"], "validation": h["val_loss"],
                                                     "best n-gram": [best] * len(h["val_loss"])}}
