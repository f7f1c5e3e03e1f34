"""Draft cell for chapter 6 ("Training without teacher forcing", the Keras FAQ): the decoder reads its own previous
output distribution instead of the true previous character, in training as at inference, on chapter 6's addition
settings, beside the same model trained with teacher forcing. Measured with:
    nice -n 10 .venv/bin/python drafts/cells/ch06_no_teacher_forcing.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402

from seqgen.datasets import CharVocab, addition_lines, encode, parse_lines  # noqa: E402
from seqgen.decoding import exact_match  # noqa: E402

N_TRAIN, N_TEST, WORDVEC, HIDDEN, BATCH, EPOCHS, LR, CLIP = 10_000, 1_000, 16, 128, 128, 6, 1e-2, 5.0  # chapter 6's


def free_running_seq2seq(vocab_size, wordvec, hidden, question_len=7, answer_len=4, start_id=0):
    """Encoder as chapter 6; the decoder's input at step t + 1 is its own output distribution at step t (a soft
    token: the probabilities times an embedding matrix), so no true answer character is read while training."""
    question = keras.Input(shape=(question_len,), dtype="int32")
    _, h, c = keras.layers.LSTM(hidden, return_state=True, unroll=True)(keras.layers.Embedding(vocab_size, wordvec)(question))
    soft_embed = keras.layers.Dense(wordvec, use_bias=False)  # rows = the embedding of each character
    lstm = keras.layers.LSTM(hidden, return_sequences=True, return_state=True)
    head = keras.layers.Dense(vocab_size, activation="softmax")
    probs = keras.ops.one_hot(keras.ops.full_like(question[:, :1], start_id), vocab_size)  # (B, 1, V): the start
    outputs, state = [], [h, c]
    for _ in range(answer_len):
        y, h, c = lstm(soft_embed(probs), initial_state=state)
        probs = head(y)  # (B, 1, V)
        outputs.append(probs)
        state = [h, c]
    return keras.Model(question, keras.layers.Concatenate(axis=1)(outputs))


def teacher_forced_seq2seq(vocab_size, wordvec, hidden, question_len=7, answer_len=4):  # chapter 6's baseline
    question = keras.Input(shape=(question_len,), dtype="int32")
    decoder_input = keras.Input(shape=(answer_len,), dtype="int32")
    _, h, c = keras.layers.LSTM(hidden, return_state=True, unroll=True)(keras.layers.Embedding(vocab_size, wordvec)(question))
    y = keras.layers.LSTM(hidden, return_sequences=True, unroll=True)(keras.layers.Embedding(vocab_size, wordvec)(decoder_input),
                                                                      initial_state=[h, c])
    return keras.Model([question, decoder_input], keras.layers.Dense(vocab_size, activation="softmax")(y))


questions, answers = parse_lines(addition_lines(N_TRAIN + N_TEST, seed=0))
vocab = CharVocab.from_texts(questions + answers)
x, t = encode(questions, vocab)[:, ::-1].copy(), encode(answers, vocab)  # reversed, as chapter 6's second run
START = vocab.id("_")
for name in ("teacher forcing", "free running"):
    keras.utils.set_random_seed(0)
    model = teacher_forced_seq2seq(len(vocab), WORDVEC, HIDDEN) if name == "teacher forcing" else \
        free_running_seq2seq(len(vocab), WORDVEC, HIDDEN, start_id=START)
    model.compile(optimizer=keras.optimizers.Adam(LR, global_clipnorm=CLIP), loss="sparse_categorical_crossentropy")
    inputs = [x[:N_TRAIN], t[:N_TRAIN, :-1]] if name == "teacher forcing" else x[:N_TRAIN]
    curve, start = [], time.perf_counter()
    for epoch in range(EPOCHS):
        model.fit(inputs, t[:N_TRAIN, 1:], batch_size=BATCH, epochs=1, verbose=0)
        if name == "teacher forcing":
            curve.append(exact_match(model, x[N_TRAIN:], t[N_TRAIN:, 1:], START))
        else:  # the model decodes by itself: one call
            guess = keras.ops.convert_to_numpy(model.predict(x[N_TRAIN:], verbose=0)).argmax(-1)
            curve.append(float((guess == t[N_TRAIN:, 1:]).all(axis=1).mean()))
    print(f"{name}: exact match per epoch {[round(a, 3) for a in curve]}, {time.perf_counter() - start:.0f} s, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
