"""Keras -> torch transplant from plain-data descriptions: every spelling Keras allows, and clear refusals."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

from autograder.grading.wire import decode, encode
from autograder.transplants.describe import DESCRIBE_SOURCE, describe
from autograder.transplants.layers import TransplantError, copy_dense, copy_embedding, gru_from, linear_from, lstm_from, normalise
from autograder.transplants.recurrent import charrnn_from_description, lstm_lm_from_description, reference_probabilities

V, E, H = 23, 5, 7
L = keras.layers


def over_the_wire(model):
    """The description as the grader gets it: built by DESCRIBE_SOURCE, then encoded and decoded."""
    ns = {}
    exec(DESCRIBE_SOURCE, ns)
    return decode(encode(ns["_seqgen_describe"](model)))


def randomise(model, seed=0):
    model(np.zeros((1, 2), dtype="int32"))  # build it, in case it has no Input layer
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def functional(recurrent, head):
    inputs = keras.Input((None,), dtype="int32")
    x = L.Embedding(V, E)(inputs)
    x = recurrent(x)
    for layer in head:
        x = layer(x)
    return keras.Model(inputs, x)


def nested():
    """An outer model that calls an inner Sequential (its layers flattened in call order)."""
    inner = keras.Sequential([L.Embedding(V, E), L.LSTM(H, return_sequences=True)])
    inputs = keras.Input((None,), dtype="int32")
    return keras.Model(inputs, L.Dense(V, activation="softmax")(inner(inputs)))


with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # input_shape= warns in Keras 3
    LM_SPELLINGS = {
        "functional, Dense softmax string": lambda: functional(L.LSTM(H, return_sequences=True), [L.Dense(V, activation="softmax")]),
        "Sequential, input_shape= (Keras 2 habit)": lambda: keras.Sequential([L.Embedding(V, E, input_shape=(None,)), L.LSTM(H, return_sequences=True), L.Dense(V, activation="softmax")]),
        "Sequential without Input": lambda: keras.Sequential([L.Embedding(V, E), L.LSTM(H, return_sequences=True), L.Dense(V, activation="softmax")]),
        "Dense(activation=tf.nn.softmax)": lambda: functional(L.LSTM(H, return_sequences=True), [L.Dense(V, activation=tf.nn.softmax)]),
        "Dense(activation=keras.activations.softmax)": lambda: functional(L.LSTM(H, return_sequences=True), [L.Dense(V, activation=keras.activations.softmax)]),
        "Dense then Activation('softmax')": lambda: functional(L.LSTM(H, return_sequences=True), [L.Dense(V), L.Activation("softmax")]),
        "Dense then Activation(tf.nn.softmax)": lambda: functional(L.LSTM(H, return_sequences=True), [L.Dense(V), L.Activation(tf.nn.softmax)]),
        "Dense then Softmax()": lambda: functional(L.LSTM(H, return_sequences=True), [L.Dense(V), L.Softmax()]),
        "TimeDistributed(Dense)": lambda: functional(L.LSTM(H, return_sequences=True), [L.TimeDistributed(L.Dense(V, activation="softmax"))]),
        "Dropout before the Dense": lambda: functional(L.LSTM(H, return_sequences=True), [L.Dropout(0.3), L.Dense(V, activation="softmax")]),
        "nested Sequential": nested,
    }


@pytest.mark.parametrize("spelling", list(LM_SPELLINGS))
def test_every_spelling_of_the_lstm_lm_agrees(spelling):
    """Does each way of writing Embedding -> LSTM -> softmax Dense transplant, and agree with Keras to 1e-5?"""
    model = randomise(LM_SPELLINGS[spelling]())
    reference, probabilities = lstm_lm_from_description(over_the_wire(model))
    assert probabilities
    ids = np.random.default_rng(1).integers(0, V, size=(4, 9))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(ids, training=False)),
                               reference_probabilities(reference, probabilities, ids), atol=1e-5)


def test_logits_are_read_as_logits():
    """Does a Dense without an activation give a reference that returns logits, matching Keras?"""
    model = randomise(functional(L.LSTM(H, return_sequences=True), [L.Dense(V)]))
    reference, probabilities = lstm_lm_from_description(over_the_wire(model))
    assert not probabilities
    ids = np.random.default_rng(2).integers(0, V, size=(2, 5))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(ids)), reference_probabilities(reference, False, ids), atol=1e-5)


def test_description_is_plain_data_and_does_not_change_the_input():
    """Is a description JSON-safe data with names for activations, and does normalise leave it as it was?"""
    layers = over_the_wire(randomise(functional(L.LSTM(H, return_sequences=True), [L.Dense(V, activation=tf.nn.softmax)])))
    assert [layer["class"] for layer in layers] == ["Embedding", "LSTM", "Dense"]
    assert layers[2]["config"]["activation"] == "softmax_v2" and layers[1]["config"]["recurrent_activation"] == "sigmoid"
    assert all(w.dtype == np.float32 for layer in layers for w in layer["weights"])
    assert layers[2]["inbound"] == [layers[1]["name"]]
    normalise(layers)
    assert layers[2]["config"]["activation"] == "softmax_v2"


CHAR_SPELLINGS = {
    "functional": lambda n: functional(keras.Sequential([L.GRU(H, return_sequences=True) for _ in range(n)]), [L.Dense(V, activation="softmax")]),
    "Sequential, Softmax layer": lambda n: keras.Sequential([L.Embedding(V, E)] + [L.GRU(H, return_sequences=True) for _ in range(n)] + [L.Dense(V), L.Softmax()]),
    "functional, Dropout after each GRU": lambda n: functional(keras.Sequential([layer for _ in range(n) for layer in (L.GRU(H, return_sequences=True), L.Dropout(0.2))]),
                                                               [L.Dense(V, activation="softmax")]),
}


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("spelling", list(CHAR_SPELLINGS))
def test_char_gru_agrees_with_the_charrnn_reference(spelling, n):
    """Does a random Keras Embedding -> GRU x n -> Dense model agree with the torch CharRNN to 1e-5?"""
    model = randomise(CHAR_SPELLINGS[spelling](n), seed=n)
    reference, probabilities = charrnn_from_description(over_the_wire(model), num_layers=n)
    assert probabilities and reference.config.num_layers == n
    ids = np.random.default_rng(5).integers(0, V, size=(3, 11))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(ids)), reference_probabilities(reference, True, ids), atol=1e-5)


def test_gru_gate_order_is_converted():
    """Does a Keras GRU (z, r, h; reset_after) match torch.nn.GRU (r, z, n) after the reorder, and not without it?"""
    layer = L.GRU(7, return_sequences=True)
    x = np.random.default_rng(2).normal(size=(3, 5, 4)).astype("float32")
    layer(x)
    rng = np.random.default_rng(3)
    layer.set_weights([rng.normal(0, 0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
    want = keras.ops.convert_to_numpy(layer(x))
    (desc,) = describe(layer_model(layer, 4))
    gru = gru_from(desc)
    with torch.no_grad():
        got, _ = gru(torch.from_numpy(x))
        np.testing.assert_allclose(got.numpy(), want, atol=1e-5)
        gru.weight_ih_l0.copy_(torch.from_numpy(layer.get_weights()[0].T))  # without the z/r swap
        bad, _ = gru(torch.from_numpy(x))
    assert np.abs(bad.numpy() - want).max() > 1e-3


def layer_model(layer, features):
    inputs = keras.Input((None, features))
    return keras.Model(inputs, layer(inputs))


def test_layer_builders_for_encoder_decoder_models():
    """Do lstm_from and linear_from give torch modules that compute what the Keras layers compute?"""
    lstm, dense = L.LSTM(6, return_sequences=True), L.Dense(3)
    model = layer_model(lstm, 4)
    x = np.random.default_rng(4).normal(size=(2, 5, 4)).astype("float32")
    want = keras.ops.convert_to_numpy(dense(model(x)))
    (desc,) = describe(model)
    torch_lstm = lstm_from(desc)
    head = linear_from(describe(layer_model(dense, 6))[0])
    with torch.no_grad():
        out, _ = torch_lstm(torch.from_numpy(x))
        np.testing.assert_allclose(head(out).numpy(), want, atol=1e-5)
    with pytest.raises(TransplantError, match="expected a GRU layer, got LSTM"):
        gru_from(desc)


def seq(*layers):
    return keras.Sequential([keras.Input((None,), dtype="int32"), L.Embedding(9, 3), *layers])


@pytest.mark.parametrize(
    "model, message",
    [
        (seq(L.GRU(4, return_sequences=True), L.Dense(9)), "expected layers Embedding, LSTM, Dense; got Embedding, GRU, Dense"),
        (seq(L.LSTM(4), L.Dense(9)), "return_sequences=True"),
        (seq(L.LSTM(4, return_sequences=True, recurrent_activation="hard_sigmoid"), L.Dense(9)), "recurrent_activation sigmoid, got tanh and hard_sigmoid"),
        (seq(L.LSTM(4, return_sequences=True), L.Dense(9, activation="relu")), "softmax or linear output, got relu"),
        (seq(L.LSTM(4, return_sequences=True), L.Dense(9), L.Softmax(axis=1)), "got Embedding, LSTM, Dense, Softmax"),
        (seq(L.LSTM(4, return_sequences=True), L.Dense(9, activation="softmax"), L.Activation("softmax")), "got Embedding, LSTM, Dense, Activation"),
        (seq(L.LSTM(4, return_sequences=True, go_backwards=True), L.Dense(9)), "go_backwards=False"),
        (seq(L.LSTM(4, return_sequences=True), L.Dense(9, use_bias=False)), "expected a bias"),
    ],
)
def test_wrong_architectures_are_named(model, message):
    """Does a wrong architecture fail with a message naming what differs?"""
    with pytest.raises(TransplantError, match=message):
        lstm_lm_from_description(over_the_wire(randomise(model)))


def test_a_skip_connection_is_not_a_chain():
    """Does a functional model whose Dense reads the embedding (not the LSTM) fail, naming the wiring?"""
    inputs = keras.Input((None,), dtype="int32")
    x = L.Embedding(9, 4)(inputs)
    y = L.LSTM(4, return_sequences=True)(x)
    out = L.Dense(9)(L.Add()([x, y]))
    with pytest.raises(TransplantError, match="got Embedding, LSTM, Add, Dense|expected its input"):
        lstm_lm_from_description(over_the_wire(randomise(keras.Model(inputs, out))))
    inputs = keras.Input((None,), dtype="int32")
    x = L.Embedding(9, 4)(inputs)
    L.LSTM(4, return_sequences=True)(x)  # called, then ignored
    lstm = L.LSTM(4, return_sequences=True)
    lstm(x)
    skipped = keras.Model(inputs, L.Dense(9)(x))
    with pytest.raises(TransplantError):
        lstm_lm_from_description(over_the_wire(randomise(skipped)))


def test_char_gru_mismatches_are_named():
    """Does charrnn_from_description refuse a wrong layer count, a GRU without return_sequences, reset_after=False?"""
    with pytest.raises(TransplantError, match="Embedding, GRU, GRU, Dense; got Embedding, GRU, Dense"):
        charrnn_from_description(over_the_wire(randomise(CHAR_SPELLINGS["functional"](1))), num_layers=2)
    with pytest.raises(TransplantError, match="return_sequences=True"):
        charrnn_from_description(over_the_wire(randomise(seq(L.GRU(4, return_sequences=True), L.GRU(4), L.Dense(9)))))
    with pytest.raises(TransplantError, match="reset_after=True"):
        charrnn_from_description(over_the_wire(randomise(seq(L.GRU(4, return_sequences=True, reset_after=False), L.Dense(9)))))


def test_shape_mismatch_says_expected_and_got():
    """Does copying into a Linear of the wrong size say both shapes?"""
    (desc,) = describe(layer_model(L.Dense(5), 3))
    with pytest.raises(TransplantError, match=r"expected shape \(4, 3\), got \(5, 3\)"):
        copy_dense(desc, torch.nn.Linear(3, 4))
    with pytest.raises(TransplantError, match="expected 1 weight arrays"):
        copy_embedding(desc, torch.nn.Embedding(3, 5))
