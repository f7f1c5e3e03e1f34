"""Chapter 3: a character-level GRU on Shakespeare, trained on overlapping windows (stateless).

Chapter 4's stateful variant (``stateful_charrnn``) shares this module's preparation,
loss and evaluation; only the batch layout and the carried state differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from seqgen import data

from ..chars import CharTokenizer, stateful_batches, time_split, window_starts
from ..charrnn import CharRNNConfig, build_charrnn, detach_state
from ..train import fit, sequence_cross_entropy


@dataclass(frozen=True)
class CharRNNPreset:
    n_chars: int | None  # first characters of tinyshakespeare used (None: all 1,115,394)
    n_steps: int  # inputs per training row (targets are the next n_steps characters)
    shift: int  # distance between window starts (stateless only)
    embed_dim: int
    hidden: int
    num_layers: int
    batch_size: int
    epochs: int
    lr: float = 1e-3
    dropout: float = 0.0
    cell: str = "gru"
    stateful: bool = False
    train_fraction: float = 0.9
    seed: int = 0


PRESETS = {
    # The book's preset: chapter 3's Keras constants (a slice of the text, non-overlapping windows).
    "cpu": CharRNNPreset(n_chars=200_000, n_steps=100, shift=100, embed_dim=16, hidden=128, num_layers=2,
                         batch_size=64, epochs=3, lr=3e-3),
    # Hands-On ML ch.16: every window of 100 characters (shift 1), embedding 16, GRU 128 x2, batch 32, 10 epochs.
    "full": CharRNNPreset(n_chars=None, n_steps=100, shift=1, embed_dim=16, hidden=128, num_layers=2,
                          batch_size=32, epochs=10, lr=1e-3),
}


def prepare(preset: CharRNNPreset):
    """Tokenizer fitted on the whole text (the character set), ids split 90/10 in time order."""
    text = data.read_text("tinyshakespeare")
    if preset.n_chars is not None:
        text = text[: preset.n_chars]
    tokenizer = CharTokenizer().fit(text)
    train, val = time_split(tokenizer.encode(text), preset.train_fraction)
    return tokenizer, torch.from_numpy(train), torch.from_numpy(val)


def window_batches(ids: torch.Tensor, preset: CharRNNPreset, shuffle: bool, generator=None):
    """Mini-batches (B, n_steps + 1) of windows, gathered on the fly (shift 1 would not fit in memory)."""
    starts = torch.from_numpy(window_starts(len(ids), preset.n_steps, preset.shift))
    if shuffle:
        starts = starts[torch.randperm(len(starts), generator=generator)]
    offsets = torch.arange(preset.n_steps + 1)
    for i in range(0, len(starts), preset.batch_size):
        yield (ids[starts[i : i + preset.batch_size, None] + offsets],)


def char_loss(model, batch, state=None):
    """Mean next-character cross-entropy, the number of characters, and the final state."""
    (rows,) = batch
    x, y = rows[:, :-1], rows[:, 1:]  # (B, T) each
    logits, state = model(x, state)  # (B, T, V)
    return sequence_cross_entropy(logits, y), y.numel(), state, logits


class StatefulLoss:
    """A loss for :func:`solutions.train.fit` that carries the state from batch to batch.

    The state is detached after every batch (truncated backpropagation through time)
    and reset with :meth:`reset` at the start of each epoch.
    """

    def __init__(self):
        self.state = None

    def reset(self):
        self.state = None

    def __call__(self, model, batch):
        loss, n, state, _ = char_loss(model, batch, self.state)
        self.state = detach_state(state)
        return loss, n


@torch.no_grad()
def evaluate(model, ids: torch.Tensor, preset: CharRNNPreset) -> dict:
    """Validation loss and accuracy, in the layout the model was trained with."""
    device = next(model.parameters()).device
    nll, correct, count = 0.0, 0, 0
    if preset.stateful:
        state = None
        rows = torch.from_numpy(stateful_batches(ids.numpy(), preset.batch_size, preset.n_steps))
        batches = ((rows[t],) for t in range(len(rows)))
    else:
        state = None
        batches = window_batches(ids, preset, shuffle=False)
    for (batch,) in batches:
        loss, n, new_state, logits = char_loss(model, (batch.to(device),), state)
        if preset.stateful:
            state = new_state
        nll += float(loss) * n
        correct += int((logits.argmax(-1) == batch[:, 1:].to(device)).sum())
        count += n
    return {"val_loss": nll / count, "val_accuracy": correct / count}


def run(preset: CharRNNPreset, device: torch.device) -> dict:
    torch.manual_seed(preset.seed)
    tokenizer, train, val = prepare(preset)
    config = CharRNNConfig(vocab_size=len(tokenizer), embed_dim=preset.embed_dim, hidden=preset.hidden,
                           num_layers=preset.num_layers, dropout=preset.dropout, cell=preset.cell)
    model = build_charrnn(config)
    gen = torch.Generator().manual_seed(preset.seed)
    if preset.stateful:
        rows = torch.from_numpy(stateful_batches(train.numpy(), preset.batch_size, preset.n_steps))
        loss_fn = StatefulLoss()

        def train_batches(epoch):
            loss_fn.reset()  # a new pass over the text: start from a zero state
            return ((rows[t],) for t in range(len(rows)))  # in order: never shuffled
    else:
        loss_fn = lambda model, batch: char_loss(model, batch)[:2]  # noqa: E731

        def train_batches(epoch):
            return window_batches(train, preset, shuffle=True, generator=gen)

    history = fit(model, train_batches, loss_fn, epochs=preset.epochs, lr=preset.lr, device=device,
                  evaluate=lambda m: evaluate(m, val, preset), unit="char",
                  desc="stateful_charrnn" if preset.stateful else "charrnn")
    model.eval()
    prompt = torch.from_numpy(tokenizer.encode("ROMEO:")[None]).to(device)
    for temperature in (0.0, 0.5, 1.0):
        out = model.generate(prompt, 120, temperature, generator=torch.Generator(device=device).manual_seed(1))
        print(f"T={temperature}: {tokenizer.decode(out[0].tolist())!r}")
    return {"val_accuracy": history["val_accuracy"][-1], "val_loss": history["val_loss"][-1],
            "train_loss": history["loss"][-1], "char_per_s": float(np.mean(history["char_per_s"])), "history": history}
