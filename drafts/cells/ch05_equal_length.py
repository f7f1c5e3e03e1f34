"""Draft cell for chapter 5 ("When input and output have the same length"): one LSTM that labels every step works when
output t depends only on inputs up to t, and fails when it needs later inputs. Measured with:
    nice -n 10 .venv/bin/python drafts/cells/ch05_equal_length.py
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402

EQ_LEN, EQ_DIGITS, EQ_N, EQ_EPOCHS = 8, 10, 6000, 4  # sequences of 8 digits; 6,000 for training


def equal_length_model(vocab, length):
    """Embedding -> LSTM(return_sequences) -> Dense softmax: a label for every input step, no decoder."""
    ids = keras.Input(shape=(length,), dtype="int32")
    x = keras.layers.Embedding(vocab, 16)(ids)
    x = keras.layers.LSTM(64, return_sequences=True)(x)
    return keras.Model(ids, keras.layers.Dense(vocab, activation="softmax")(x))


rng = np.random.default_rng(0)
digits = rng.integers(0, EQ_DIGITS, size=(EQ_N + 1000, EQ_LEN))
tasks = {
    "running sum mod 10 (needs inputs up to t)": np.cumsum(digits, axis=1) % EQ_DIGITS,
    "reversal (needs inputs after t)": digits[:, ::-1],
}
rows = []
for name, targets in tasks.items():
    keras.utils.set_random_seed(0)
    model = equal_length_model(EQ_DIGITS, EQ_LEN)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    start = time.perf_counter()
    model.fit(digits[:EQ_N], targets[:EQ_N], batch_size=64, epochs=EQ_EPOCHS, verbose=0)
    seconds = time.perf_counter() - start
    guess = keras.ops.convert_to_numpy(model.predict(digits[EQ_N:], verbose=0)).argmax(-1)
    per_position = (guess == targets[EQ_N:]).mean(axis=0)
    rows.append((name, per_position, seconds))
    print(f"{name}: accuracy by position {np.round(per_position, 2).tolist()}, {seconds:.1f} s, load {os.getloadavg()[0]:.1f}",
          flush=True)
# On the page: a table (task, accuracy at each position); reversal is right only from the middle on, where the
# input it must copy has been read (and is chance, 0.1, at position 0).
