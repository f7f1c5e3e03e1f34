"""Draft cells for chapter 5, after the encoder exercises: the NumPy Seq2seq assembled from the student's four
functions (encoder_forward/backward here, decoder_forward/backward of Exercises 4-5) and trained on addition.

Runnable as a script for the measurement (it defines the answers from the drafts' references first):
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 .venv/bin/python drafts/cells/ch05_numpy_seq2seq.py
"""

# %% [the chapter's setup stands for this block: the page already has these names]
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exercises" / "05_seq2seq"))
import numpy as np  # noqa: E402

import cells as _drafts  # noqa: E402

exec(_drafts.SETUP)  # EncoderLayers, the time layers
for _name in _drafts.ORDER:
    exec(_drafts.ANSWERS[_name])


class DecoderLayers:  # chapter 5's given class
    def __init__(self, vocab_size, wordvec, hidden, rng):
        V, D, H = vocab_size, wordvec, hidden
        self.embed = TimeEmbedding(rng.normal(0, 0.01, size=(V, D)))
        self.lstm = TimeLSTM(rng.normal(0, 1 / np.sqrt(D), size=(D, 4 * H)), rng.normal(0, 1 / np.sqrt(H), size=(H, 4 * H)),
                             np.zeros(4 * H))
        self.affine = TimeAffine(rng.normal(0, 1 / np.sqrt(H), size=(H, V)), np.zeros(V))
        self.params = self.embed.params + self.lstm.params + self.affine.params
        self.grads = self.embed.grads + self.lstm.grads + self.affine.grads


def decoder_forward(layers, xs, h):  # chapter 5, Exercise 4 (the student's on the page)
    layers.lstm.set_state(h)
    return layers.affine.forward(layers.lstm.forward(layers.embed.forward(xs)))


def decoder_backward(layers, dscore):  # chapter 5, Exercise 5
    layers.embed.backward(layers.lstm.backward(layers.affine.backward(dscore)))
    return layers.lstm.dh


# %% [markdown]
# ## The whole model, trained in NumPy
#
# Your four functions are a complete seq2seq model. Below: the loss (softmax cross-entropy, averaged over every answer
# character), Adam, and clipping of the global gradient norm at 5 (as *Deep Learning from Scratch 2*), then training on
# the addition problems that chapter 6 studies. Nothing here is new mathematics; it is the loop a framework runs for you.

# %%
from seqgen.datasets import CharVocab, addition_lines, encode, parse_lines  # noqa: E402

NP_TRAIN, NP_TEST = 10_000, 1_000  # problems (the book: 45,000 / 5,000)
NP_EPOCHS = 12  # about 45 s on one core (measured on the course's machine); the book trains 25 epochs of 45,000
NP_BATCH, NP_LR, NP_CLIP = 128, 1e-2, 5.0  # Adam at ten times the book's 1e-3, so that a short run shows learning
NP_WORDVEC, NP_HIDDEN = 16, 128  # the book's sizes


def softmax_cross_entropy(scores, targets):
    """Mean cross-entropy of scores (B, T, V) against targets (B, T), and its gradient with respect to the scores."""
    z = scores - scores.max(axis=-1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(p, targets[..., None], axis=-1)[..., 0]
    dscores = p.copy()
    np.put_along_axis(dscores, targets[..., None], picked[..., None] - 1.0, axis=-1)
    return float(-np.log(picked).mean()), dscores / targets.size


class Adam:
    """Adam (Kingma and Ba, 2015) on lists of arrays, updated in place."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps, self.t, self.m, self.v = lr, beta1, beta2, eps, 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
        self.t += 1
        lr = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g**2 - v)
            p -= lr * m / (np.sqrt(v) + self.eps)


def clip_grads(grads, max_norm):
    """Scale every gradient in place so that their global L2 norm is at most max_norm."""
    norm = np.sqrt(sum(float(np.sum(g**2)) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm


def greedy_answers(enc, dec, questions, start, length):
    """(N, length) ids: the decoder fed its own most likely character, one step at a time."""
    h = encoder_forward(enc, questions)
    ids, state, out = np.full((len(questions), 1), start), (h, None), []
    for _ in range(length):
        dec.lstm.set_state(*state)
        ids = dec.affine.forward(dec.lstm.forward(dec.embed.forward(ids))).argmax(-1)  # (N, 1)
        out.append(ids)
        state = (dec.lstm.h_last, dec.lstm.c_last)
    return np.concatenate(out, axis=1)


lines = addition_lines(NP_TRAIN + NP_TEST, seed=0)
questions, answers = parse_lines(lines)
add_vocab = CharVocab.from_texts(questions + answers)
xq, ta = encode(questions, add_vocab), encode(answers, add_vocab)
rng = np.random.default_rng(0)
enc = EncoderLayers(len(add_vocab), NP_WORDVEC, NP_HIDDEN, rng)
dec = DecoderLayers(len(add_vocab), NP_WORDVEC, NP_HIDDEN, rng)
params, grads = enc.params + dec.params, enc.grads + dec.grads
optimizer, np_curve, np_losses = Adam(NP_LR), [], []
AUTOGRADING = os.environ.get("NBGRADER_EXECUTION") == "autograde"
start = time.perf_counter()
for epoch in range(0 if AUTOGRADING else NP_EPOCHS):
    order, losses = rng.permutation(NP_TRAIN), []
    for s in range(0, NP_TRAIN, NP_BATCH):
        idx = order[s:s + NP_BATCH]
        scores = decoder_forward(dec, ta[idx, :-1], encoder_forward(enc, xq[idx]))  # teacher forcing
        loss, dscores = softmax_cross_entropy(scores, ta[idx, 1:])
        encoder_backward(enc, decoder_backward(dec, dscores))
        clip_grads(grads, NP_CLIP)
        optimizer.update(params, grads)
        losses.append(loss)
    guess = greedy_answers(enc, dec, xq[NP_TRAIN:], ta[0, 0], ta.shape[1] - 1)
    np_curve.append(float((guess == ta[NP_TRAIN:, 1:]).all(axis=1).mean()))
    np_losses.append(float(np.mean(losses)))
    print(f"epoch {epoch + 1}: loss {np_losses[-1]:.3f}, exact match {np_curve[-1]:.1%}, "
          f"{time.perf_counter() - start:.0f} s, load {os.getloadavg()[0]:.1f}", flush=True)
# On the page: plot_curves({"NumPy seq2seq": np_curve}, ...) and glue the first and last accuracies and the seconds.
