"""Side-by-side training speed of chapter 3's two-layer character GRU, measured in one run.

    python benchmarks/char_gru.py [--steps 3] [--rounds 5] [--batch 64] [--seq 100] [--vocab 65] [--levers] [--profile]

Trains the same Embedding-GRU-GRU-Dense model for the same steps in Keras
(TensorFlow backend, as the chapter trains it: softmax output) and in the PyTorch
reference (``solutions.experiments.charrnn.char_loss``: logits, cross-entropy),
and prints tokens (characters) per second and the torch/Keras ratio of the
reference as ``solutions.train.fit`` runs it (``FIT_LEVERS``). ``--levers`` also
times each speed lever on its own (see ``benchmarks/speed.py``). Numbers depend
on the machine and its load: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import sys

# libgomp reads this when torch loads; --omp-default measures its default (spin, then sleep).
if "--omp-default" in sys.argv:
    os.environ.pop("OMP_WAIT_POLICY", None)
else:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras
import numpy as np
import torch

from benchmarks.speed import compare, keras_step, machine_line
from solutions.charrnn import CharRNNConfig, build_charrnn
from solutions.experiments.charrnn import char_loss

LEVERS = ["transposed", "fused", "foreach", "no_item", "flush_denormal", "1_thread", "compile_loss", "compile_opt", "bf16"]


def transposed_loss(model, batch):
    """``char_loss`` as it was: cross-entropy of the logits transposed to (B, V, T), a strided layout."""
    (rows,) = batch
    logits, _ = model(rows[:, :-1])  # (B, T, V)
    return torch.nn.functional.cross_entropy(logits.transpose(1, 2), rows[:, 1:]), rows[:, 1:].numel()


def loss_for(levers: set[str]):
    """The loss a variant trains with: the reference's ``char_loss`` unless a lever replaces it."""
    return transposed_loss if "transposed" in levers else (lambda model, batch: char_loss(model, batch)[:2])


def keras_model(V: int, E: int, H: int):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(V, E)(inputs)
    x = keras.layers.GRU(H, return_sequences=True)(x)
    x = keras.layers.GRU(H, return_sequences=True)(x)
    model = keras.Model(inputs, keras.layers.Dense(V, activation="softmax")(x))
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    return model


def flops_per_token(V: int, E: int, H: int) -> float:
    """Multiply-adds x 2 of the forward pass per token (two GRU layers, the head), x 3 with the backward pass."""
    forward = 2 * (3 * (E * H + H * H) + 3 * (H * H + H * H) + H * V)
    return 3 * forward


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3, help="steps of each variant per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seq", type=int, default=100)
    parser.add_argument("--vocab", type=int, default=65, help="characters (tinyshakespeare has 65)")
    parser.add_argument("--embed", type=int, default=16)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--levers", action="store_true", help="also time each speed lever on its own")
    parser.add_argument("--only", nargs="*", default=None, help="levers to time, each alone or joined by + (default: each alone)")
    parser.add_argument("--profile", action="store_true", help="list the ops of one torch step")
    parser.add_argument("--omp-default", action="store_true", help="OpenMP's default waiting (spin) instead of passive")
    args = parser.parse_args()
    B, T, V, E, H = args.batch, args.seq, args.vocab, args.embed, args.hidden
    x = np.random.default_rng(0).integers(0, V, size=(B, T + 1))
    tokens, flops = B * T, flops_per_token(V, E, H)
    print(f"chapter 3 Char-GRU: batch {B} x {T} characters, vocab {V}, embed {E}, 2 x GRU {H}; "
          f"{flops / 1e6:.2f} MFLOP per character trained ({flops * tokens / 1e9:.1f} GFLOP per step)")
    print(machine_line())

    keras_train = keras_step(keras_model(V, E, H), x[:, :-1], x[:, 1:])
    batch = (torch.from_numpy(x),)
    make = lambda: build_charrnn(CharRNNConfig(vocab_size=V, embed_dim=E, hidden=H, num_layers=2))  # noqa: E731
    compare(args, LEVERS, keras_train, make, loss_for, batch, tokens, flops)


if __name__ == "__main__":
    main()
