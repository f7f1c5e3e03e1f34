"""Keras attention seq2seq -> the torch reference (chapter 7), from a plain-data description."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest

from autograder.grading.wire import decode, encode
from autograder.transplants.attention import attention_probabilities, attention_seq2seq_from_description
from autograder.transplants.describe import DESCRIBE_SOURCE
from autograder.transplants.layers import TransplantError

V, D, H, S, T = 11, 3, 5, 6, 4
L = keras.layers


def over_the_wire(model):
    ns = {}
    exec(DESCRIBE_SOURCE, ns)
    return decode(encode(ns["_seqgen_describe"](model)))


def build(score="dot", concat_first="context", softmax_layer=False, state="hc", query_value=True):
    question, decoder_input = keras.Input((S,), dtype="int32"), keras.Input((T,), dtype="int32")
    enc_hs, h, c = L.LSTM(H, return_sequences=True, return_state=True)(L.Embedding(V, D)(question))
    initial = {"hc": [h, c], "ch": [c, h]}[state]
    dec_hs = L.LSTM(H, return_sequences=True)(L.Embedding(V, D)(decoder_input), initial_state=initial)
    layer = L.Attention() if score == "dot" else L.AdditiveAttention()
    context = layer([dec_hs, enc_hs] if query_value else [dec_hs, enc_hs, enc_hs])
    parts = [context, dec_hs] if concat_first == "context" else [dec_hs, context]
    out = L.Concatenate()(parts)
    if softmax_layer:
        out = L.Softmax()(L.Dense(V)(out))
    else:
        out = L.Dense(V, activation="softmax")(out)
    model = keras.Model([question, decoder_input], out)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def inputs(seed=1):
    rng = np.random.default_rng(seed)
    return rng.integers(0, V, size=(3, S)), rng.integers(0, V, size=(3, T))


@pytest.mark.parametrize("kwargs", [{}, {"score": "additive"}, {"softmax_layer": True}, {"query_value": False},
                                    {"score": "additive", "softmax_layer": True}])
def test_transplanted_model_gives_the_keras_outputs(kwargs):
    """Does the torch reference built from the description output what the Keras model does, for each spelling?"""
    model = build(**kwargs)
    reference, probs = attention_seq2seq_from_description(over_the_wire(model))
    q, d = inputs()
    want = keras.ops.convert_to_numpy(model([q, d], training=False))
    assert probs
    np.testing.assert_allclose(attention_probabilities(reference, probs, q, d), want, atol=2e-6)


def test_swapped_initial_state_is_caught_by_the_outputs():
    """A decoder started from [c, h] has the right layers: do the reference's outputs then differ from Keras's?"""
    model = build(state="ch")
    reference, probs = attention_seq2seq_from_description(over_the_wire(model))
    q, d = inputs()
    want = keras.ops.convert_to_numpy(model([q, d], training=False))
    assert np.abs(attention_probabilities(reference, probs, q, d) - want).max() > 1e-3


@pytest.mark.parametrize("kwargs, message", [({"concat_first": "decoder"}, "expected \\[context, decoder states\\]")])
def test_wrong_wiring_is_refused(kwargs, message):
    """Is a model whose concatenation puts the decoder states first refused with a message saying what was expected?"""
    with pytest.raises(TransplantError, match=message):
        attention_seq2seq_from_description(over_the_wire(build(**kwargs)))


def test_missing_attention_is_refused():
    """Is a plain seq2seq (no attention layer) refused, naming the layers expected?"""
    question, decoder_input = keras.Input((S,), dtype="int32"), keras.Input((T,), dtype="int32")
    _, h, c = L.LSTM(H, return_state=True)(L.Embedding(V, D)(question))
    y = L.LSTM(H, return_sequences=True)(L.Embedding(V, D)(decoder_input), initial_state=[h, c])
    model = keras.Model([question, decoder_input], L.Dense(V, activation="softmax")(y))
    with pytest.raises(TransplantError, match="expected 2 Embedding, 2 LSTM, 1 Attention"):
        attention_seq2seq_from_description(over_the_wire(model))
