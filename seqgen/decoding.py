"""A Keras seq2seq (baseline or Peeky), greedy decoding and exact-match accuracy, for models trained with teacher forcing.

The models take ``[questions (N, S), decoder inputs (N, T)]`` and return probabilities
``(N, T, V)``, with a causal decoder (the output at step t does not depend on decoder inputs
after t). Taught in chapter 6 (addition), which shows this code (a test checks that page and module agree),
and reused by chapter 7 (dates).
"""

from __future__ import annotations

import keras
import numpy as np


def build_seq2seq(vocab_size, wordvec, hidden, question_len=7, answer_len=4, peeky=False):
    """Encoder-decoder trained with teacher forcing: [questions (B, 7), decoder input (B, 4)] -> (B, 4, V)."""
    question = keras.Input(shape=(question_len,), dtype="int32", name="question")
    decoder_input = keras.Input(shape=(answer_len,), dtype="int32", name="decoder_input")
    x = keras.layers.Embedding(vocab_size, wordvec)(question)
    _, h, c = keras.layers.LSTM(hidden, return_state=True, unroll=True)(x)  # the context: (B, H) each
    y = keras.layers.Embedding(vocab_size, wordvec)(decoder_input)  # (B, 4, D)
    if peeky:
        hs = keras.layers.RepeatVector(answer_len)(h)  # (B, 4, H): the context at every step
        y = keras.layers.Concatenate()([hs, y])  # (B, 4, H + D)
    y = keras.layers.LSTM(hidden, return_sequences=True, unroll=True)(y, initial_state=[h, c])  # (B, 4, H)
    if peeky:
        y = keras.layers.Concatenate()([hs, y])  # (B, 4, 2H)
    probs = keras.layers.Dense(vocab_size, activation="softmax")(y)
    return keras.Model([question, decoder_input], probs, name="peeky_seq2seq" if peeky else "seq2seq")


def greedy_decode(model, questions: np.ndarray, start: int, answer_len: int) -> np.ndarray:
    """(N, answer_len) ids: run the model answer_len times, each time feeding the most likely
    character of step t into position t + 1 of the decoder input (which starts with ``start``)."""
    decoder_input = np.full((len(questions), answer_len), start)
    for t in range(answer_len):
        probs = keras.ops.convert_to_numpy(model.predict_on_batch([questions, decoder_input]))  # (N, T, V)
        if t + 1 < answer_len:
            decoder_input[:, t + 1] = probs[:, t].argmax(-1)
    return probs.argmax(-1)


def exact_match(model, questions: np.ndarray, targets: np.ndarray, start: int) -> float:
    """Fraction of rows of ``targets`` (N, T) that greedy decoding writes exactly, every character right."""
    return float((greedy_decode(model, questions, start, targets.shape[1]) == targets).all(axis=1).mean())


class ExactMatchEachEpoch(keras.callbacks.Callback):
    """Record (in ``accuracy``) and print the held-out exact match after every epoch."""

    def __init__(self, questions: np.ndarray, targets: np.ndarray, start: int):
        super().__init__()
        self.questions, self.targets, self.start, self.accuracy = questions, targets, start, []

    def on_epoch_end(self, epoch, logs=None):
        self.accuracy.append(exact_match(self.model, self.questions, self.targets, self.start))
        print(f"  epoch {epoch + 1}: loss {logs['loss']:.3f}, exact match {self.accuracy[-1]:.1%}")
