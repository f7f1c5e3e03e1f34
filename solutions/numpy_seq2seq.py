"""From-scratch NumPy seq2seq (chapters 5 and 6): Encoder, Decoder, PeekyDecoder, Seq2seq and
PeekySeq2seq, softmax with loss, Adam and gradient clipping, on the time layers the book teaches
(``seqgen.layers``: TimeEmbedding, TimeAffine; ``TimeLSTM`` from chapter 5's released answers,
``seqgen_answers.ch05_seq2seq``, generated from the page: it runs chapter 1's ``lstm_step``).

Conventions: batch first, ``(B, T, ...)``; LSTM gates in the order i, f, g, o (as
Keras and PyTorch); weights multiply on the right (``x @ W``). Every layer keeps
``params`` and ``grads`` (lists of arrays, same order); ``backward`` *overwrites*
``grads`` in place, so an optimizer can hold references to them. The decoder
starts from the encoder's last hidden state ``h`` and a zero cell state, as in
*Deep Learning from Scratch 2*, ch. 7.
"""

from __future__ import annotations

import numpy as np

from seqgen.layers import Adam  # noqa: F401 (the optimiser chapter 5 teaches; the reference trains with it)
from seqgen.layers import TimeAffine, TimeEmbedding  # noqa: F401 (also reached as ns.TimeAffine etc.)
from seqgen_answers.ch05_seq2seq import TimeLSTM  # noqa: F401 (generated from chapter 5's page: autograder/answers.py)


class TimeSoftmaxWithLoss:
    """Mean cross-entropy over every (b, t) position."""

    def forward(self, scores: np.ndarray, ts: np.ndarray) -> float:
        z = scores - scores.max(axis=-1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=-1, keepdims=True)  # (B, T, V)
        self.p, self.ts = p, ts
        picked = np.take_along_axis(p, ts[..., None], axis=-1)[..., 0]  # (B, T)
        return float(-np.log(np.maximum(picked, 1e-300)).mean())

    def backward(self) -> np.ndarray:
        d = self.p.copy()
        np.put_along_axis(d, self.ts[..., None], np.take_along_axis(d, self.ts[..., None], -1) - 1.0, axis=-1)
        return d / self.ts.size


def _lstm_weights(rng, D, H):
    return (rng.standard_normal((D, 4 * H)) / np.sqrt(D), rng.standard_normal((H, 4 * H)) / np.sqrt(H), np.zeros(4 * H))


class _Block:
    """Several layers whose params and grads are listed together."""

    layers: list

    @property
    def params(self):
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self):
        return [g for layer in self.layers for g in layer.grads]


class Encoder(_Block):
    """Embedding -> LSTM; its output is the last hidden state, the context (B, H)."""

    def __init__(self, vocab_size: int, wordvec: int, hidden: int, rng: np.random.Generator):
        self.embed = TimeEmbedding(rng.standard_normal((vocab_size, wordvec)) / 100)
        self.lstm = TimeLSTM(*_lstm_weights(rng, wordvec, hidden))
        self.layers = [self.embed, self.lstm]

    def forward(self, xs: np.ndarray) -> np.ndarray:
        hs = self.lstm.forward(self.embed.forward(xs))  # (B, T, H)
        self.hs_shape = hs.shape
        return hs[:, -1]  # (B, H)

    def backward(self, dh: np.ndarray) -> None:
        dhs = np.zeros(self.hs_shape)
        dhs[:, -1] = dh
        self.embed.backward(self.lstm.backward(dhs))


class Decoder(_Block):
    """Embedding -> LSTM started from the context h -> Affine: scores (B, T, V)."""

    def __init__(self, vocab_size: int, wordvec: int, hidden: int, rng: np.random.Generator):
        self.embed = TimeEmbedding(rng.standard_normal((vocab_size, wordvec)) / 100)
        self.lstm = TimeLSTM(*_lstm_weights(rng, wordvec, hidden))
        self.affine = TimeAffine(rng.standard_normal((hidden, vocab_size)) / np.sqrt(hidden), np.zeros(vocab_size))
        self.layers = [self.embed, self.lstm, self.affine]

    def forward(self, xs: np.ndarray, h: np.ndarray) -> np.ndarray:
        self.lstm.set_state(h)
        return self.affine.forward(self.lstm.forward(self.embed.forward(xs)))  # (B, T, V)

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        self.embed.backward(self.lstm.backward(self.affine.backward(dscore)))
        return self.lstm.dh  # (B, H): the gradient for the encoder

    def generate(self, h: np.ndarray, start_id: int, length: int) -> np.ndarray:
        """Greedy decoding: feed back the most likely id, one step at a time. (B, length) ids."""
        ids = np.full((h.shape[0], 1), start_id)
        out = []
        state = (h, None)
        for _ in range(length):
            self.lstm.set_state(*state)
            score = self._step(ids, h)  # (B, 1, V)
            ids = score.argmax(axis=-1)  # (B, 1)
            out.append(ids)
            state = (self.lstm.h_last, self.lstm.c_last)
        return np.concatenate(out, axis=1)

    def _step(self, ids, h):
        return self.affine.forward(self.lstm.forward(self.embed.forward(ids)))


class PeekyDecoder(Decoder):
    """The context h also enters every LSTM input and the output layer: [h, x_t] and [h, h_t]."""

    def __init__(self, vocab_size: int, wordvec: int, hidden: int, rng: np.random.Generator):
        self.embed = TimeEmbedding(rng.standard_normal((vocab_size, wordvec)) / 100)
        self.lstm = TimeLSTM(*_lstm_weights(rng, hidden + wordvec, hidden))
        self.affine = TimeAffine(rng.standard_normal((2 * hidden, vocab_size)) / np.sqrt(2 * hidden), np.zeros(vocab_size))
        self.layers = [self.embed, self.lstm, self.affine]

    def forward(self, xs: np.ndarray, h: np.ndarray) -> np.ndarray:
        return peeky_forward(self, xs, h)

    def _step(self, xs, h):
        return _peeky_scores(self, xs, h)

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        return peeky_backward(self, dscore)


def _peeky_scores(layers, xs, h):
    B, T = xs.shape
    H = h.shape[1]
    hs = np.broadcast_to(h[:, None, :], (B, T, H))  # (B, T, H)
    out = np.concatenate([hs, layers.embed.forward(xs)], axis=2)  # (B, T, H + D)
    out = np.concatenate([hs, layers.lstm.forward(out)], axis=2)  # (B, T, 2H)
    return layers.affine.forward(out)  # (B, T, V)


def peeky_forward(layers, xs: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Peeky decoder forward on any object with ``embed``, ``lstm``, ``affine`` time layers.

    xs (B, T) ids, h (B, H) context -> scores (B, T, V). The LSTM starts from (h, 0).
    """
    layers.lstm.set_state(h)
    return _peeky_scores(layers, xs, h)


def peeky_backward(layers, dscore: np.ndarray) -> np.ndarray:
    """Back-propagate dscore (B, T, V) after ``peeky_forward``; fills the layers' grads, returns dh (B, H)."""
    H = layers.lstm.params[1].shape[0]
    dout = layers.affine.backward(dscore)  # (B, T, 2H)
    dhs_out, dout = dout[:, :, :H], dout[:, :, H:]
    dx = layers.lstm.backward(dout)  # (B, T, H + D)
    dhs_in, dembed = dx[:, :, :H], dx[:, :, H:]
    layers.embed.backward(dembed)
    return layers.lstm.dh + (dhs_out + dhs_in).sum(axis=1)  # (B, H)


class Seq2seq:
    """Encoder + decoder trained with teacher forcing: decoder input ts[:, :-1], target ts[:, 1:]."""

    decoder_class = Decoder

    def __init__(self, vocab_size: int, wordvec: int, hidden: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.encoder = Encoder(vocab_size, wordvec, hidden, rng)
        self.decoder = self.decoder_class(vocab_size, wordvec, hidden, rng)
        self.loss_layer = TimeSoftmaxWithLoss()

    @property
    def params(self):
        return self.encoder.params + self.decoder.params

    @property
    def grads(self):
        return self.encoder.grads + self.decoder.grads

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        h = self.encoder.forward(xs)
        score = self.decoder.forward(ts[:, :-1], h)
        return self.loss_layer.forward(score, ts[:, 1:])

    def backward(self) -> None:
        self.encoder.backward(self.decoder.backward(self.loss_layer.backward()))

    def generate(self, xs: np.ndarray, start_id: int, length: int) -> np.ndarray:
        return self.decoder.generate(self.encoder.forward(xs), start_id, length)


class PeekySeq2seq(Seq2seq):
    decoder_class = PeekyDecoder


def clip_grads(grads: list[np.ndarray], max_norm: float) -> None:
    """Scale all gradients in place so that their global L2 norm is at most max_norm."""
    total = np.sqrt(sum(float(np.sum(g**2)) for g in grads))
    if total > max_norm:
        for g in grads:
            g *= max_norm / (total + 1e-6)


def exact_match(model: Seq2seq, xs: np.ndarray, ts: np.ndarray, batch_size: int = 1000) -> float:
    """Fraction of problems whose greedy answer equals ts[:, 1:] everywhere."""
    hits = 0
    for s in range(0, len(xs), batch_size):
        guess = model.generate(xs[s : s + batch_size], int(ts[0, 0]), ts.shape[1] - 1)
        hits += int((guess == ts[s : s + batch_size, 1:]).all(axis=1).sum())
    return hits / len(xs)


def fit(model: Seq2seq, xs, ts, *, epochs: int, batch_size: int, lr: float = 1e-3, clip: float = 5.0,
        seed: int = 0, evaluate=None) -> dict[str, list[float]]:
    """Adam with gradient clipping; returns per-epoch mean loss (and evaluate()'s value as 'accuracy')."""
    rng = np.random.default_rng(seed)
    optimizer = Adam(lr)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(xs))
        losses = []
        for s in range(0, len(xs), batch_size):
            idx = order[s : s + batch_size]
            losses.append(model.forward(xs[idx], ts[idx]))
            model.backward()
            clip_grads(model.grads, clip)
            optimizer.update(model.params, model.grads)
        history["loss"].append(float(np.mean(losses)))
        if evaluate is not None:
            history["accuracy"].append(float(evaluate(model)))
    return history
