"""Measure: the encoder-decoder transformer beside the RNN attention model on chapter 7's dates.

    nice -n 10 .venv/bin/python drafts/measure/transformer_vs_rnn_dates.py --framework keras [--epochs 4]
    nice -n 10 .venv/bin/python drafts/measure/transformer_vs_rnn_dates.py --framework torch [--threads 1]

Chapter 7's data and settings: 8,000 generated dates (seed 0) for training, 1,000 held out, questions reversed
(for both models: the same arrays), batch 64, Adam with the global gradient norm clipped at 5. The RNN model
is chapter 7's `build_attention_seq2seq` (Keras; wordvec 16, hidden 64, lr 1e-2) or the reference's
`AttentionSeq2seq` (torch); the transformer is drafts/keras_transformer_seq2seq.py or
solutions/transformer_seq2seq.py. Prints exact match (greedy) and seconds per epoch, and the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from seqgen.datasets import CharVocab, date_lines, encode, parse_lines  # noqa: E402


def data():
    questions, answers = parse_lines(date_lines(9000, seed=0))
    vocab = CharVocab.from_texts(questions + answers)
    x, t = encode(questions, vocab)[:, ::-1].copy(), encode(answers, vocab)
    return x[:8000], t[:8000], x[8000:], t[8000:], vocab


def keras_runs(args, x_train, t_train, x_test, t_test, vocab):
    import keras

    from keras_transformer_seq2seq import build_transformer_seq2seq
    from seqgen.decoding import exact_match

    def build_attention_seq2seq(vocab_size, wordvec, hidden, question_len=29, answer_len=10):  # chapter 7's reference answer
        question = keras.Input(shape=(question_len,), dtype="int32")
        decoder_input = keras.Input(shape=(answer_len,), dtype="int32")
        x = keras.layers.Embedding(vocab_size, wordvec)(question)
        enc_hs, h, c = keras.layers.LSTM(hidden, return_sequences=True, return_state=True, unroll=True)(x)
        y = keras.layers.Embedding(vocab_size, wordvec)(decoder_input)
        dec_hs = keras.layers.LSTM(hidden, return_sequences=True, unroll=True)(y, initial_state=[h, c])
        context = keras.layers.Attention()([dec_hs, enc_hs])
        out = keras.layers.Concatenate()([context, dec_hs])
        return keras.Model([question, decoder_input], keras.layers.Dense(vocab_size, activation="softmax")(out))

    start_id = vocab.id("_")
    models = {
        "RNN attention (chapter 7)": (lambda: build_attention_seq2seq(len(vocab), 16, 64), 1e-2),
        f"transformer (D {args.d_model}, {args.heads} heads, ff {args.ff}, {args.layers}+{args.layers} blocks)":
            (lambda: build_transformer_seq2seq(len(vocab), args.d_model, args.heads, args.ff, n_layers=args.layers,
                                               dropout_rate=args.dropout), args.lr),
    }
    for name, (build, lr) in models.items():
        if args.only and args.only not in name:
            continue
        keras.utils.set_random_seed(0)
        model = build()
        model.compile(optimizer=keras.optimizers.Adam(lr, global_clipnorm=5.0), loss="sparse_categorical_crossentropy")
        print(f"{name}: {model.count_params():,} parameters, Adam {lr}", flush=True)
        for epoch in range(args.epochs):
            start = time.perf_counter()
            model.fit([x_train, t_train[:, :-1]], t_train[:, 1:], batch_size=64, epochs=1, verbose=0)
            train_s = time.perf_counter() - start
            acc = exact_match(model, x_test, t_test[:, 1:], start_id)
            print(f"  epoch {epoch + 1}: exact match {acc:.1%}, train {train_s:.1f} s, eval {time.perf_counter() - start - train_s:.1f} s, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)


def torch_runs(args, x_train, t_train, x_test, t_test, vocab):
    import torch

    from solutions.attention import AttentionConfig, AttentionSeq2seq
    from solutions.train import batches
    from solutions.transformer_seq2seq import TransformerSeq2seq, TransformerSeq2seqConfig

    torch.set_num_threads(args.threads)
    src, tgt = torch.from_numpy(x_train), torch.from_numpy(t_train)
    src_test, tgt_test = torch.from_numpy(x_test), torch.from_numpy(t_test)

    def seq2seq_loss(model, batch):
        s, t = batch
        logits = model(s, t[:, :-1])
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), t[:, 1:].reshape(-1))

    models = {
        "RNN attention (reference)": (lambda: AttentionSeq2seq(AttentionConfig(vocab_size=len(vocab), wordvec=16, hidden=64)), 1e-2),
        "transformer (reference)": (lambda: TransformerSeq2seq(TransformerSeq2seqConfig(
            vocab_size=len(vocab), max_len=32, d_model=args.d_model, n_heads=args.heads, ff_dim=args.ff, n_layers=args.layers,
            dropout=args.dropout)), args.lr),
    }
    for name, (build, lr) in models.items():
        if args.only and args.only not in name:
            continue
        torch.manual_seed(0)
        model = build()
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        gen = torch.Generator().manual_seed(0)
        print(f"{name}: {sum(p.numel() for p in model.parameters()):,} parameters, Adam {lr}, {args.threads} thread(s)", flush=True)
        for epoch in range(args.epochs):
            start = time.perf_counter()
            model.train()
            for batch in batches(src, tgt, batch_size=64, shuffle=True, generator=gen):
                loss = seq2seq_loss(model, batch)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                opt.step()
            train_s = time.perf_counter() - start
            model.eval()
            guess = model.generate(src_test, int(tgt_test[0, 0]), tgt_test.shape[1] - 1)
            acc = float((guess == tgt_test[:, 1:]).all(1).float().mean())
            print(f"  epoch {epoch + 1}: exact match {acc:.1%}, train {train_s:.1f} s, eval {time.perf_counter() - start - train_s:.1f} s, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--framework", choices=["keras", "torch"], default="keras")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=128)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    print(vars(args))
    (keras_runs if args.framework == "keras" else torch_runs)(args, *data())


if __name__ == "__main__":
    main()
