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
from ..charrnn import CharRNNConfig, build_charrnn, detach_state, keras_init
from ..sources import HOML3, HOML3_NOTEBOOK, Metric, Source, key
from ..train import fit, sequence_cross_entropy


@dataclass(frozen=True)
class CharRNNPreset:
    n_chars: int | None  # first characters of tinyshakespeare used (None: all 1,115,394)
    n_steps: int  # inputs per training row (targets are the next n_steps characters)
    shift: int  # distance between window starts (stateless only)
    embed_dim: int
    hidden: int
    num_layers: int
    batch_size: int  # windows per batch; stateful: parallel streams through the text
    epochs: int
    lr: float = 1e-3
    dropout: float = 0.0
    cell: str = "gru"
    stateful: bool = False
    train_fraction: float = 0.9  # time split when n_train is None
    seed: int = 0
    n_train: int | None = None  # the first n_train characters train, the next n_val validate (the source's split)
    n_val: int | None = None
    lower: bool = False  # lower-case the text first (the source's TextVectorization(standardize="lower"): 39 characters)
    optimizer: str = "adam"  # or "nadam" (Keras's Nadam: epsilon 1e-7, momentum decay 0.004)
    init: str = "torch"  # or "keras": Glorot-uniform kernels, orthogonal recurrent weights, zero biases, U(-0.05, 0.05) embeddings


PRESETS = {
    # The book's preset: chapter 3's Keras constants (a slice of the text, non-overlapping windows).
    "cpu": CharRNNPreset(n_chars=200_000, n_steps=100, shift=100, embed_dim=16, hidden=128, num_layers=2,
                         batch_size=64, epochs=3, lr=3e-3),
    # Hands-On ML 3rd ed., ch. 16 notebook: lower-cased text, every window of 100 (shift 1) of the first 1,000,000
    # characters, validation on characters 1,000,000-1,060,000, Embedding 16, one GRU 128, Nadam, batch 32, 10 epochs.
    "full": CharRNNPreset(n_chars=None, n_steps=100, shift=1, embed_dim=16, hidden=128, num_layers=1, batch_size=32,
                          epochs=10, lr=1e-3, n_train=1_000_000, n_val=60_000, lower=True, optimizer="nadam", init="keras"),
    # The course's own model at the full scale: case-sensitive (65 characters), two GRU layers of 128, Adam, 90/10 split.
    "course": CharRNNPreset(n_chars=None, n_steps=100, shift=1, embed_dim=16, hidden=128, num_layers=2,
                            batch_size=32, epochs=10, lr=1e-3),
}

# torch threads on a CPU (the trainer sets them unless OMP_NUM_THREADS is set): the GRU's small recurrent
# products run faster on one thread than split over two (benchmarks/README.md, quiet machine: 1.5x).
CPU_THREADS = 1
CHAPTER = "03_char_rnn"
MIRRORS = {"N_CHARS": "n_chars", "N_STEPS": "n_steps", "SHIFT": "shift", "EMBED_DIM": "embed_dim", "HIDDEN": "hidden",
           "NUM_LAYERS": "num_layers", "BATCH_SIZE": "batch_size", "EPOCHS": "epochs", "LEARNING_RATE": "lr"}
DATA = {"cpu": ("tinyshakespeare",), "full": ("tinyshakespeare",)}
SOURCE = Source(
    "Char-RNN on Shakespeare", HOML3,
    f"{HOML3_NOTEBOOK}, section \"Building and Training the Char-RNN Model\": the `model.fit` log, epoch 10 of 10 "
    "(31,247 steps of 32 windows, 1,385 s per epoch on the author's machine)",
    "text lower-cased to 39 characters; every window of 100 characters (shift 1) of the first 1,000,000, shuffled "
    "(buffer 100,000); Embedding 16, one GRU of 128, Dense softmax; Nadam (Keras defaults, learning rate 1e-3); "
    "batch 32; 10 epochs",
    "validation accuracy 0.5513 after epoch 10 (val_loss 1.5477; the best epoch)",
    "next-character accuracy over every position of every window of 100 (shift 1) of characters 1,000,000-1,060,000 "
    "(Keras's `accuracy` metric of `model.fit`)",
    "validation accuracy at least 0.551 with the source's settings",
    (Metric("validation accuracy", key("val_accuracy"), source=0.5513, bar=0.5513),
     Metric("validation loss (nats/char)", key("val_loss"), higher_is_better=False)),
    differs="PyTorch's GRU is Keras's `reset_after=True` GRU (the cuDNN one); the output layer has 41 classes, of which "
            "two (padding, `<eos>`) never occur, where Keras has 39; the shuffle is a full permutation per epoch "
            "instead of a 100,000-window buffer. The 2nd edition's notebook (ageron/handson-ml2), which the course "
            "notes follow (two GRU layers of 128 with dropout 0.2 on one-hot inputs, Adam, the first 90 % of the "
            "text), logs the training loss only (1.3105 after epoch 10), no accuracy.",
    needs="a GPU: 31,247 steps of 32 windows of 100 characters per epoch (the source took 23 min per epoch on its GPU)",
    variants={"course": "the course's own model at full scale: case-sensitive (65 characters), two GRU layers of "
                        "128, Adam, the first 90 % of the text for training"},
)


def prepare(preset: CharRNNPreset):
    """Tokenizer fitted on the whole text (the character set); ids split in time order (90/10, or the source's split)."""
    text = data.read_text("tinyshakespeare")
    if preset.n_chars is not None:
        text = text[: preset.n_chars]
    if preset.lower:
        text = text.lower()
    tokenizer = CharTokenizer().fit(text)
    ids = tokenizer.encode(text)
    if preset.n_train is not None:
        train, val = ids[: preset.n_train], ids[preset.n_train : preset.n_train + (preset.n_val or len(ids))]
    else:
        train, val = time_split(ids, preset.train_fraction)
    return tokenizer, torch.from_numpy(train), torch.from_numpy(val)


def make_optimizer(preset: CharRNNPreset):
    """The preset's optimiser, as a factory for :func:`solutions.train.fit`."""
    if preset.optimizer == "nadam":
        return lambda params: torch.optim.NAdam(params, lr=preset.lr, eps=1e-7, momentum_decay=4e-3)
    if preset.optimizer == "adam":
        return lambda params: torch.optim.Adam(params, lr=preset.lr)
    raise ValueError(f"optimizer must be 'adam' or 'nadam', got {preset.optimizer!r}")


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
    if preset.init == "keras":
        keras_init(model)
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

    history = fit(model, train_batches, loss_fn, epochs=preset.epochs, device=device, optimizer=make_optimizer(preset),
                  evaluate=lambda m: evaluate(m, val, preset), unit="char",
                  desc="stateful_charrnn" if preset.stateful else "charrnn")
    model.eval()
    prompt = torch.from_numpy(tokenizer.encode("romeo:" if preset.lower else "ROMEO:")[None]).to(device)
    for temperature in (0.0, 0.5, 1.0):
        out = model.generate(prompt, 120, temperature, generator=torch.Generator(device=device).manual_seed(1))
        print(f"T={temperature}: {tokenizer.decode(out[0].tolist())!r}")
    return {"val_accuracy": history["val_accuracy"][-1], "val_loss": history["val_loss"][-1],
            "train_loss": history["loss"][-1], "char_per_s": float(np.mean(history["char_per_s"])), "history": history}
