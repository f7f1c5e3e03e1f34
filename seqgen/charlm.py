"""Character language-model pieces that earlier chapters teach and later ones reuse.

Each function here is the answer to an exercise of an earlier chapter (declared in
``ANSWERS``, so the grader hides it while that chapter is graded): chapter 2's
input/target shift, chapter 3's two-layer char GRU, and a row-wise version of the
temperature sampler of chapters 1 and 3. Chapter 4 imports them instead of pasting
the answers again.
"""

from __future__ import annotations

import numpy as np

ANSWERS = {
    "shift_inputs_targets": ["02_tokenization"],
    "char_gru": ["03_char_rnn"],
    "sample_rows": ["01_lstm_intro", "03_char_rnn"],
}


def shift_inputs_targets(rows):
    """rows: int array (N, T+1) -> (inputs, targets), each (N, T): the target is the next token."""
    rows = np.asarray(rows)
    return rows[:, :-1], rows[:, 1:]


def char_gru(vocab_size: int, embed_dim: int, hidden: int, name: str = "char_gru"):
    """Chapter 3's model: ids (B, T) -> Embedding -> GRU -> GRU (every step) -> softmax Dense (B, T, V)."""
    import keras

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embed_dim)(inputs)  # (B, T, E)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)  # (B, T, H)
    x = keras.layers.GRU(hidden, return_sequences=True)(x)  # (B, T, H)
    outputs = keras.layers.Dense(vocab_size, activation="softmax")(x)  # (B, T, V)
    return keras.Model(inputs, outputs, name=name)


def sample_rows(probs, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """One index per row of probs (B, V), drawn from probs ** (1 / temperature) renormalised
    (in log space; zeros stay impossible); argmax per row when temperature == 0. Returns (B,) int64.
    """
    probs = np.asarray(probs, dtype=np.float64)  # (B, V)
    if temperature == 0:
        return probs.argmax(axis=1)
    logp = np.log(np.clip(probs, 1e-300, None)) / temperature
    logp[probs <= 0] = -np.inf
    weights = np.exp(logp - logp.max(axis=1, keepdims=True))  # (B, V)
    weights /= weights.sum(axis=1, keepdims=True)
    return np.array([rng.choice(len(row), p=row) for row in weights], dtype=np.int64)
