"""From-scratch NumPy attention seq2seq (chapter 7; *Deep Learning from Scratch 2*, ch. 8).

Built on chapter 5's time layers (``seqgen.layers``; ``TimeLSTM`` from chapter 5's released answers, as
:mod:`solutions.numpy_seq2seq` takes it) and chapter 7's attention references (``solutions.numpy_attention``):

- :class:`TimeAttention`: dot-product attention at every decoder step, forward and backward;
- :class:`AttentionEncoder`: embedding -> LSTM, returning *all* hidden states (B, S, H);
- :class:`AttentionDecoder`: embedding -> LSTM (started from the last encoder state, cell 0) ->
  attention over the encoder states -> affine on ``[context, h_t]`` (context first). Its backward
  returns the gradient for every encoder state; the last one also receives the LSTM's ``dh``,
  because the decoder started from it;
- :class:`AttentionSeq2seq`: the two, trained with teacher forcing (a :class:`Seq2seq` whose
  encoder and decoder are swapped);
- :class:`TimeBiLSTM`: a bidirectional LSTM, forward and backward.

Batch first; float64; weights multiply on the right; every layer keeps ``params`` and ``grads``
(``backward`` overwrites ``grads`` in place), as in :mod:`solutions.numpy_seq2seq`.
"""

from __future__ import annotations

import numpy as np

from seqgen.layers import TimeAffine, TimeEmbedding

from .numpy_attention import attention_backward, attention_forward
from .numpy_seq2seq import Seq2seq, TimeLSTM, TimeSoftmaxWithLoss, _Block, _lstm_weights


class TimeAttention:
    """Dot-product attention of every decoder state over the encoder states; no weights of its own.

    forward(enc_hs (B, S, H), dec_hs (B, T, H)) -> contexts (B, T, H); ``weights`` (B, T, S) kept.
    backward(dcs (B, T, H)) -> (denc_hs (B, S, H), ddec_hs (B, T, H)).
    """

    params: list = []
    grads: list = []

    def forward(self, enc_hs: np.ndarray, dec_hs: np.ndarray) -> np.ndarray:
        B, T, H = dec_hs.shape
        contexts, self.weights = np.empty((B, T, H)), np.empty((B, T, enc_hs.shape[1]))
        for t in range(T):
            contexts[:, t], self.weights[:, t] = attention_forward(enc_hs, dec_hs[:, t])
        self.enc_hs, self.dec_hs = enc_hs, dec_hs
        return contexts

    def backward(self, dcs: np.ndarray):
        denc_hs, ddec_hs = np.zeros_like(self.enc_hs), np.empty_like(self.dec_hs)
        for t in range(dcs.shape[1]):  # every step reads the same encoder states: their gradients add up
            dhs, ddec_hs[:, t] = attention_backward(self.enc_hs, self.dec_hs[:, t], self.weights[:, t], dcs[:, t])
            denc_hs += dhs
        return denc_hs, ddec_hs


class AttentionEncoder(_Block):
    """Embedding -> LSTM; its output is every hidden state (B, S, H), not only the last."""

    def __init__(self, vocab_size: int, wordvec: int, hidden: int, rng: np.random.Generator):
        self.embed = TimeEmbedding(rng.standard_normal((vocab_size, wordvec)) / 100)
        self.lstm = TimeLSTM(*_lstm_weights(rng, wordvec, hidden))
        self.layers = [self.embed, self.lstm]

    def forward(self, xs: np.ndarray) -> np.ndarray:
        self.lstm.set_state(None)
        return self.lstm.forward(self.embed.forward(xs))  # (B, S, H)

    def backward(self, dhs: np.ndarray) -> None:
        """dhs (B, S, H): a gradient for every state (the decoder's attention reads them all)."""
        self.embed.backward(self.lstm.backward(dhs))


class AttentionDecoder(_Block):
    """Embedding -> LSTM from (enc_hs[:, -1], 0) -> TimeAttention -> Affine([c_t, h_t]): scores (B, T, V)."""

    def __init__(self, vocab_size: int, wordvec: int, hidden: int, rng: np.random.Generator):
        self.embed = TimeEmbedding(rng.standard_normal((vocab_size, wordvec)) / 100)
        self.lstm = TimeLSTM(*_lstm_weights(rng, wordvec, hidden))
        self.attention = TimeAttention()
        self.affine = TimeAffine(rng.standard_normal((2 * hidden, vocab_size)) / np.sqrt(2 * hidden), np.zeros(vocab_size))
        self.layers = [self.embed, self.lstm, self.affine]

    def forward(self, xs: np.ndarray, enc_hs: np.ndarray) -> np.ndarray:
        self.lstm.set_state(enc_hs[:, -1])
        dec_hs = self.lstm.forward(self.embed.forward(xs))  # (B, T, H)
        contexts = self.attention.forward(enc_hs, dec_hs)  # (B, T, H)
        return self.affine.forward(np.concatenate([contexts, dec_hs], axis=2))  # (B, T, V)

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        """Fill the grads from dscore (B, T, V); return the gradient for the encoder states (B, S, H)."""
        dout = self.affine.backward(dscore)  # (B, T, 2H)
        H = dout.shape[2] // 2
        dcs, ddec_hs = dout[:, :, :H], dout[:, :, H:]
        denc_hs, ddec_from_attention = self.attention.backward(dcs)
        self.embed.backward(self.lstm.backward(ddec_hs + ddec_from_attention))
        denc_hs[:, -1] += self.lstm.dh  # the LSTM started from the last encoder state
        return denc_hs

    def generate(self, enc_hs: np.ndarray, start_id: int, length: int) -> np.ndarray:
        """Greedy decoding, one step at a time with the LSTM state carried: (B, length) ids."""
        ids = np.full((enc_hs.shape[0], 1), start_id)
        state, out = (enc_hs[:, -1], None), []
        for _ in range(length):
            self.lstm.set_state(*state)
            dec_hs = self.lstm.forward(self.embed.forward(ids))  # (B, 1, H)
            contexts = self.attention.forward(enc_hs, dec_hs)
            ids = self.affine.forward(np.concatenate([contexts, dec_hs], axis=2)).argmax(axis=-1)  # (B, 1)
            out.append(ids)
            state = (self.lstm.h_last, self.lstm.c_last)
        return np.concatenate(out, axis=1)


class AttentionSeq2seq(Seq2seq):
    """Attention encoder + decoder, teacher forcing: decoder input ts[:, :-1], target ts[:, 1:]."""

    def __init__(self, vocab_size: int, wordvec: int, hidden: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.encoder = AttentionEncoder(vocab_size, wordvec, hidden, rng)
        self.decoder = AttentionDecoder(vocab_size, wordvec, hidden, rng)
        self.loss_layer = TimeSoftmaxWithLoss()

    def attention_weights(self, xs: np.ndarray, ts: np.ndarray) -> np.ndarray:
        """The weights (B, T, S) with which the decoder, reading ts[:, :-1], looks at the encoder states."""
        self.decoder.forward(ts[:, :-1], self.encoder.forward(xs))
        return self.decoder.attention.weights


class TimeBiLSTM:
    """Two LSTMs over the same inputs, one read left to right, one right to left; states concatenated.

    forward(xs (B, S, D)) -> (B, S, 2H): position s holds [forward state s, backward state s], the
    backward state s having read xs[:, S-1], ..., xs[:, s]. backward(dhs (B, S, 2H)) -> dxs (B, S, D).
    """

    def __init__(self, forward_lstm: TimeLSTM, backward_lstm: TimeLSTM):
        self.forward_lstm, self.backward_lstm = forward_lstm, backward_lstm
        self.params = forward_lstm.params + backward_lstm.params
        self.grads = forward_lstm.grads + backward_lstm.grads

    def forward(self, xs: np.ndarray) -> np.ndarray:
        out_f = self.forward_lstm.forward(xs)  # (B, S, H)
        out_b = self.backward_lstm.forward(xs[:, ::-1])[:, ::-1]  # (B, S, H), back in input order
        return np.concatenate([out_f, out_b], axis=2)

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        H = dhs.shape[2] // 2
        dxs_f = self.forward_lstm.backward(dhs[:, :, :H])
        dxs_b = self.backward_lstm.backward(dhs[:, :, H:][:, ::-1])[:, ::-1]  # reversed in, reversed back out
        return dxs_f + dxs_b
