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

import prelude  # noqa: F401,I001  (OpenMP's waiting, log level and path, before torch loads)

import keras
import numpy as np
import torch

from benchmarks.speed import bench_parser, compare, keras_step, machine_line
from solutions.charrnn import CharRNNConfig, build_charrnn
from solutions.experiments.charrnn import CPU_THREADS, char_loss

LEVERS = ["transposed", "fused", "foreach", "no_item", "flush_denormal", "1_thread", "compile_loss", "compile_opt", "bf16",
          "fused_gru", "fused_gru+1_thread"]


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
    parser = bench_parser(__doc__, steps=3, seq=100, vocab=65, vocab_help="characters (tinyshakespeare has 65)", embed=16)
    args = parser.parse_args()
    B, T, V, E, H = args.batch, args.seq, args.vocab, args.embed, args.hidden
    x = np.random.default_rng(0).integers(0, V, size=(B, T + 1))
    tokens, flops = B * T, flops_per_token(V, E, H)
    print(f"chapter 3 Char-GRU: batch {B} x {T} characters, vocab {V}, embed {E}, 2 x GRU {H}; "
          f"{flops / 1e6:.2f} MFLOP per character trained ({flops * tokens / 1e9:.1f} GFLOP per step)")
    print(machine_line())

    keras_train = keras_step(keras_model(V, E, H), x[:, :-1], x[:, 1:])
    batch = (torch.from_numpy(x),)
    make = lambda levers=frozenset(): build_charrnn(CharRNNConfig(  # noqa: E731
        vocab_size=V, embed_dim=E, hidden=H, num_layers=2, cell="fused_gru" if "fused_gru" in levers else "gru"))
    compare(args, LEVERS, keras_train, make, loss_for, batch, tokens, flops, threads=CPU_THREADS)


if __name__ == "__main__":
    main()
