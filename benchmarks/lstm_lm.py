"""Side-by-side speed of the chapter 1 language model, measured in one run.

    python benchmarks/lstm_lm.py [--steps 30] [--batch 64] [--seq 40] [--vocab 3000]

Prints training throughput (tokens/s) of the same Embedding-LSTM-Dense model in
Keras (TensorFlow backend, as the chapter trains it) and in the PyTorch reference,
and forward throughput of a NumPy LSTM loop (the from-scratch reference) against
torch.nn.LSTM, with the ratios. Numbers depend on the machine: compare ratios.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import torch
import torch.nn.functional as F

from solutions.lstm_lm import LSTMLanguageModel, LSTMLMConfig
from solutions.numpy_layers import lstm_step


def timed(fn, repeats: int) -> float:
    fn()  # warm-up (graph tracing, allocator)
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seq", type=int, default=40)
    parser.add_argument("--vocab", type=int, default=3000)
    parser.add_argument("--embed", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=128)
    args = parser.parse_args()
    B, T, V, E, H = args.batch, args.seq, args.vocab, args.embed, args.hidden
    rng = np.random.default_rng(0)
    x = rng.integers(1, V, size=(B, T + 1))
    tokens = B * T
    print(f"batch {B} x {T} tokens, vocab {V}, embed {E}, hidden {H}; torch threads {torch.get_num_threads()}")

    # Keras, as chapter 1 trains it (softmax output, sample weights).
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"), keras.layers.Embedding(V, E),
        keras.layers.LSTM(H, return_sequences=True), keras.layers.Dense(V, activation="softmax"),
    ])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy())
    xs, ys, ws = x[:, :-1], x[:, 1:], np.ones((B, T), "float32")
    keras_step = timed(lambda: model.train_on_batch(xs, ys, sample_weight=ws), args.steps)

    # The PyTorch reference, one optimiser step per batch.
    ref = LSTMLanguageModel(LSTMLMConfig(vocab_size=V, embed_dim=E, hidden=H))
    opt = torch.optim.Adam(ref.parameters(), 1e-3)
    ids = torch.from_numpy(x)

    def torch_train():
        logits, _ = ref(ids[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, V), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    torch_step = timed(torch_train, args.steps)
    print(f"train step   Keras/TF {tokens / keras_step:>10,.0f} tok/s   torch {tokens / torch_step:>10,.0f} tok/s   "
          f"torch/Keras = {keras_step / torch_step:.2f}x")

    # Forward pass of the LSTM layer alone: NumPy loop over time vs torch.nn.LSTM.
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

    np_time = timed(numpy_forward, args.steps)
    torch_time = timed(torch_forward, args.steps)
    print(f"LSTM forward NumPy    {tokens / np_time:>10,.0f} tok/s   torch {tokens / torch_time:>10,.0f} tok/s   "
          f"torch/NumPy = {np_time / torch_time:.2f}x")


if __name__ == "__main__":
    main()
