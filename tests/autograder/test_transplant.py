"""Keras -> torch weight transplant."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import torch

from autograder.transplant import TransplantError, copy_dense, copy_gru, copy_lstm, lstm_lm_from_keras


def randomise(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])


def lm(V=40, E=6, H=10, **lstm_kwargs):
    return keras.Sequential([
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(V, E),
        keras.layers.LSTM(H, return_sequences=True, **lstm_kwargs),
        keras.layers.Dense(V, activation="softmax"),
    ])


def test_embedding_lstm_dense_agree():
    """Does a random Keras Embedding-LSTM-Dense model agree with the torch reference to 1e-5?"""
    model = lm()
    randomise(model)
    reference, probabilities = lstm_lm_from_keras(model)
    ids = np.random.default_rng(1).integers(0, 40, size=(4, 9))
    with torch.no_grad():
        logits, _ = reference(torch.from_numpy(ids))
    assert probabilities
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(ids)), torch.softmax(logits, -1).numpy(), atol=1e-5)


def test_gru_gate_order_is_converted():
    """Does a Keras GRU (z, r, h; reset_after) match torch.nn.GRU (r, z, n) after the reorder, and not without it?"""
    layer = keras.layers.GRU(7, return_sequences=True)
    x = np.random.default_rng(2).normal(size=(3, 5, 4)).astype("float32")
    want = keras.ops.convert_to_numpy(layer(x))
    rng = np.random.default_rng(3)
    layer.set_weights([rng.normal(0, 0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
    want = keras.ops.convert_to_numpy(layer(x))
    gru = torch.nn.GRU(4, 7, batch_first=True)
    copy_gru(layer, gru)
    with torch.no_grad():
        got, _ = gru(torch.from_numpy(x))
    np.testing.assert_allclose(got.numpy(), want, atol=1e-5)
    # Without the z/r swap the outputs differ: the test can fail.
    with torch.no_grad():
        gru.weight_ih_l0.copy_(torch.from_numpy(layer.get_weights()[0].T))
        bad, _ = gru(torch.from_numpy(x))
    assert np.abs(bad.numpy() - want).max() > 1e-3


def test_stacked_lstm_layers():
    """Can two Keras LSTM layers be copied into the two layers of one torch LSTM?"""
    first, second = keras.layers.LSTM(6, return_sequences=True), keras.layers.LSTM(6, return_sequences=True)
    x = np.random.default_rng(4).normal(size=(2, 5, 3)).astype("float32")
    want = keras.ops.convert_to_numpy(second(first(x)))
    lstm = torch.nn.LSTM(3, 6, num_layers=2, batch_first=True)
    copy_lstm(first, lstm, 0)
    copy_lstm(second, lstm, 1)
    with torch.no_grad():
        got, _ = lstm(torch.from_numpy(x))
    np.testing.assert_allclose(got.numpy(), want, atol=1e-5)


@pytest.mark.parametrize(
    "model, message",
    [
        (keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(9, 3), keras.layers.GRU(4, return_sequences=True), keras.layers.Dense(9)]),
         "expected layers Embedding, LSTM, Dense; got Embedding, GRU, Dense"),
        (keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(9, 3), keras.layers.LSTM(4), keras.layers.Dense(9)]),
         "return_sequences=True"),
        (lm(recurrent_activation="hard_sigmoid"), "recurrent_activation sigmoid"),
        (keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(9, 3), keras.layers.LSTM(4, return_sequences=True), keras.layers.Dense(9, activation="relu")]),
         "softmax or linear output, got relu"),
    ],
)
def test_wrong_architectures_are_named(model, message):
    """Does a wrong architecture fail with a message naming what differs?"""
    with pytest.raises(TransplantError, match=message):
        lstm_lm_from_keras(model)


def test_dense_shape_mismatch_says_expected_and_got():
    """Does copying into a Linear of the wrong size say both shapes?"""
    dense = keras.layers.Dense(5)
    dense.build((None, 3))
    with pytest.raises(TransplantError, match=r"expected shape \(4, 3\), got \(5, 3\)"):
        copy_dense(dense, torch.nn.Linear(3, 4))


# --- Chapters 3 and 4: Char-RNN ---------------------------------------------------------------


def char_gru(V=30, E=5, H=8, layers=2, **gru_kwargs):
    return keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(V, E)]
                            + [keras.layers.GRU(H, return_sequences=True, **gru_kwargs) for _ in range(layers)]
                            + [keras.layers.Dense(V, activation="softmax")])


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_char_gru_agrees_with_the_charrnn_reference(layers):
    """Does a random Keras Embedding-GRU xn-Dense model agree with the torch CharRNN to 1e-5?"""
    from autograder.transplant import charrnn_from_keras

    model = char_gru(layers=layers)
    randomise(model, seed=layers)
    reference, probabilities = charrnn_from_keras(model)
    assert probabilities and reference.config.num_layers == layers
    ids = np.random.default_rng(5).integers(0, 30, size=(3, 11))
    with torch.no_grad():
        logits, _ = reference(torch.from_numpy(ids))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(ids)), torch.softmax(logits, -1).numpy(), atol=1e-5)


def test_char_gru_mismatches_are_named():
    """Does charrnn_from_keras refuse a wrong layer count, a GRU without return_sequences, and reset_after=False?"""
    from autograder.transplant import charrnn_from_keras

    with pytest.raises(TransplantError, match="Embedding, GRU, GRU, Dense; got Embedding, GRU, Dense"):
        charrnn_from_keras(char_gru(layers=1), num_layers=2)
    last_only = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(9, 3),
                                  keras.layers.GRU(4, return_sequences=True), keras.layers.GRU(4), keras.layers.Dense(9)])
    with pytest.raises(TransplantError, match="return_sequences=True"):
        charrnn_from_keras(last_only)
    with pytest.raises(TransplantError, match="reset_after=True"):
        charrnn_from_keras(char_gru(reset_after=False))
