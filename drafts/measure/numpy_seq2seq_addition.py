"""Measure: the NumPy Seq2seq (solutions.numpy_seq2seq) trained on addition (or dates, --task dates), on one core.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 .venv/bin/python drafts/measure/numpy_seq2seq_addition.py \
        --n-train 10000 --epochs 6 --lr 1e-2 [--reverse] [--peeky] [--hidden 128] [--attention]

Prints per epoch: mean training loss, held-out exact match (greedy, 1,000 problems), seconds of training
and of evaluation, and the load average (timings on a shared machine are upper bounds).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402

from seqgen.datasets import CharVocab, addition_lines, date_lines, encode, parse_lines  # noqa: E402
from solutions import numpy_seq2seq as ns  # noqa: E402
from solutions.numpy_attention_seq2seq import AttentionSeq2seq  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-train", type=int, default=10_000)
    ap.add_argument("--n-test", type=int, default=1_000)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--wordvec", type=int, default=16)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--reverse", action="store_true")
    ap.add_argument("--peeky", action="store_true")
    ap.add_argument("--attention", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--task", choices=["addition", "dates"], default="addition")
    args = ap.parse_args()
    lines = (addition_lines if args.task == "addition" else date_lines)(args.n_train + args.n_test, seed=0)
    questions, answers = parse_lines(lines)
    vocab = CharVocab.from_texts(questions + answers)
    x, t = encode(questions, vocab), encode(answers, vocab)
    if args.reverse:
        x = x[:, ::-1].copy()
    x_train, t_train, x_test, t_test = x[: args.n_train], t[: args.n_train], x[args.n_train :], t[args.n_train :]
    cls = AttentionSeq2seq if args.attention else (ns.PeekySeq2seq if args.peeky else ns.Seq2seq)
    model = cls(len(vocab), args.wordvec, args.hidden, seed=args.seed)
    rng, opt = np.random.default_rng(args.seed), ns.Adam(args.lr)
    print(f"{cls.__name__} {vars(args)}; threads: OMP={os.environ.get('OMP_NUM_THREADS')}", flush=True)
    total = 0.0
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order, losses = rng.permutation(args.n_train), []
        for s in range(0, args.n_train, args.batch):
            idx = order[s : s + args.batch]
            losses.append(model.forward(x_train[idx], t_train[idx]))
            model.backward()
            ns.clip_grads(model.grads, args.clip)
            opt.update(model.params, model.grads)
        train_s = time.perf_counter() - start
        start = time.perf_counter()
        acc = ns.exact_match(model, x_test, t_test)
        eval_s = time.perf_counter() - start
        total += train_s + eval_s
        print(f"epoch {epoch + 1}: loss {np.mean(losses):.3f}, exact match {acc:.1%}, train {train_s:.1f} s, "
              f"eval {eval_s:.1f} s, total {total:.0f} s, load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
