"""Side-by-side training speed of chapter 1's language model, measured in one run.

    python benchmarks/lstm_lm.py [--steps 4] [--rounds 5] [--batch 64] [--seq 40] [--vocab 3000] [--levers] [--profile]

Trains the same Embedding-LSTM-Dense model for the same steps in Keras (TensorFlow
backend, as the chapter trains it: softmax output, sample weights) and in the
PyTorch reference (``solutions.experiments.lstm_lm.lm_loss``: logits, masked
cross-entropy), and prints tokens/s and the torch/Keras ratio of the reference
as ``solutions.train.fit`` runs it (``FIT_LEVERS``). ``--levers`` also times each
speed lever on its own (see ``benchmarks/speed.py``); ``--profile`` lists the
ops of one torch step (``mkldnn_rnn_layer`` means the oneDNN LSTM kernel runs).
It ends with the forward speed of the NumPy LSTM loop against ``torch.nn.LSTM``.
Numbers depend on the machine and its load: compare ratios from one run.
"""

from __future__ import annotations

import prelude  # noqa: F401,I001  (OpenMP's waiting, log level and path, before torch loads)

import keras
import numpy as np
import torch
import torch.nn.functional as F

from benchmarks.speed import bench_parser, compare, keras_step, machine_line, time_steps
from solutions.experiments.lstm_lm import lm_loss
from solutions.lstm_lm import LSTMLanguageModel, LSTMLMConfig
from solutions.numpy_layers import lstm_step

LEVERS = ["fused", "foreach", "no_item", "flush_denormal", "1_thread", "no_mkldnn", "softmax_log", "compile_loss",
          "compile_opt", "bf16", "transposed"]


def softmax_log_loss(model, batch):
    """``lm_loss`` written the Keras way: softmax, then the log of the target's probability."""
    (ids,) = batch
    x, y = ids[:, :-1], ids[:, 1:]
    logits, _ = model(x)
    probs = torch.softmax(logits, -1)  # (B, T, V)
    nll = -torch.log(probs.gather(-1, y[..., None]).squeeze(-1).clamp_min(1e-7))  # (B, T)
    real = (x != 0).float()
    n = int(real.sum())
    return (nll * real).sum() / max(n, 1), n


def transposed_loss(model, batch):
    """``lm_loss`` as it was: cross-entropy of the logits transposed to (B, V, T), a strided layout."""
    (ids,) = batch
    x, y = ids[:, :-1], ids[:, 1:]
    logits, _ = model(x)  # (B, T, V)
    nll = F.cross_entropy(logits.transpose(1, 2), y, reduction="none")  # (B, T)
    real = (x != 0).float()
    n = int(real.sum())
    return (nll * real).sum() / max(n, 1), n


def loss_for(levers: set[str]):
    """The loss a variant trains with: the reference's ``lm_loss`` unless a lever replaces it."""
    return softmax_log_loss if "softmax_log" in levers else transposed_loss if "transposed" in levers else lm_loss


def keras_model(V: int, E: int, H: int):
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"), keras.layers.Embedding(V, E),
        keras.layers.LSTM(H, return_sequences=True), keras.layers.Dense(V, activation="softmax"),
    ])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy())
    return model


def flops_per_token(V: int, E: int, H: int) -> float:
    """Multiply-adds x 2 of the forward pass per token, x 3 for forward + backward (weights and inputs)."""
    forward = 2 * (4 * (E * H + H * H) + H * V)
    return 3 * forward


def main() -> None:
    parser = bench_parser(__doc__, steps=4, seq=40, vocab=3000, vocab_help="words kept", embed=100)
    args = parser.parse_args()
    B, T, V, E, H = args.batch, args.seq, args.vocab, args.embed, args.hidden
    rng = np.random.default_rng(0)
    x = rng.integers(1, V, size=(B, T + 1))
    tokens = B * T
    flops = flops_per_token(V, E, H)
    print(f"chapter 1 LSTM LM: batch {B} x {T} tokens, vocab {V}, embed {E}, hidden {H}; "
          f"{flops / 1e6:.2f} MFLOP per token trained ({flops * tokens / 1e9:.1f} GFLOP per step)")
    print(machine_line())

    keras_train = keras_step(keras_model(V, E, H), x[:, :-1], x[:, 1:], sample_weight=np.ones((B, T), "float32"))
    batch = (torch.from_numpy(x),)
    make = lambda levers=frozenset(): LSTMLanguageModel(LSTMLMConfig(vocab_size=V, embed_dim=E, hidden=H))  # noqa: E731
    compare(args, LEVERS, keras_train, make, loss_for, batch, tokens, flops)
    numpy_vs_torch(rng, B, T, E, H, args.steps)


def numpy_vs_torch(rng, B: int, T: int, E: int, H: int, steps: int) -> None:
    """Forward pass of the LSTM layer alone: NumPy loop over time vs torch.nn.LSTM."""
    xe = rng.normal(size=(B, T, E)).astype("float32")
    Wx, Wh, b = (rng.normal(0, 0.1, size=s).astype("float32") for s in [(E, 4 * H), (H, 4 * H), (4 * H,)])

    def numpy_forward():
        h = c = np.zeros((B, H), "float32")
        for t in range(T):
            h, c = lstm_step(xe[:, t], h, c, Wx, Wh, b)

    lstm = torch.nn.LSTM(E, H, batch_first=True)
    xt = torch.from_numpy(xe)

    def torch_forward():
        with torch.no_grad():
            lstm(xt)

    np_time, torch_time = time_steps(numpy_forward, steps), time_steps(torch_forward, steps)
    print(f"LSTM forward NumPy    {B * T / np_time:>10,.0f} tok/s   torch {B * T / torch_time:>10,.0f} tok/s   "
          f"torch/NumPy = {np_time / torch_time:.2f}x")


if __name__ == "__main__":
    main()
