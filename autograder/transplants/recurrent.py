"""The recurrent reference models (chapters 1, 3, 4) holding a Keras model described as plain data.

:func:`lstm_lm_from_description` (Embedding -> LSTM -> Dense) and :func:`charrnn_from_description`
(Embedding -> GRU x n -> Dense) check the architecture and return the torch reference holding the
student's weights; :func:`reference_probabilities` is what the Keras model should output. The
description is :data:`autograder.transplants.describe.DESCRIBE_SOURCE`'s; layer by layer, the weights
go through :mod:`autograder.transplants.layers` (chapter 5's encoder-decoder models use its builders directly).
"""

from __future__ import annotations

import numpy as np
import torch

from .describe import describe
from .layers import TransplantError, all_steps, copy_dense, copy_embedding, copy_gru, copy_lstm, expect_layers, normalise, outputs_probabilities

# --------------------------------------------------------------------------- whole models


def lstm_lm_from_description(layers: list[dict]):
    """The reference :class:`LSTMLanguageModel` holding a described Keras
    Embedding -> LSTM(return_sequences=True) -> Dense model. Returns ``(torch_model, outputs_probabilities)``.
    """
    from solutions.lstm_lm import LSTMLanguageModel, LSTMLMConfig

    embedding, lstm, dense = expect_layers(layers, ["Embedding", "LSTM", "Dense"])
    all_steps(lstm)
    vocab, embed_dim = np.asarray(embedding["weights"][0]).shape
    reference = LSTMLanguageModel(LSTMLMConfig(vocab_size=int(vocab), embed_dim=int(embed_dim), hidden=int(lstm["config"]["units"])))
    copy_embedding(embedding, reference.embedding)
    copy_lstm(lstm, reference.rnn)
    copy_dense(dense, reference.head)
    return reference.eval(), outputs_probabilities(dense)


def charrnn_from_description(layers: list[dict], num_layers: int | None = None):
    """The reference :class:`solutions.charrnn.CharRNN` holding a described Keras
    Embedding -> GRU(return_sequences=True) x n -> Dense model (n = ``num_layers`` if given).

    Stateful GRUs are accepted: statefulness is a matter of training, not of the weights.
    Returns ``(torch_model, outputs_probabilities)``.
    """
    from solutions.charrnn import CharRNN, CharRNNConfig

    layers = normalise(layers)
    n = len(layers) - 2 if num_layers is None else num_layers
    layers = expect_layers(layers, ["Embedding"] + ["GRU"] * max(n, 1) + ["Dense"])
    embedding, grus, dense = layers[0], layers[1:-1], layers[-1]
    hidden = {int(g["config"]["units"]) for g in grus}
    if len(hidden) != 1:
        raise TransplantError(f"expected GRU layers of one size, got {sorted(hidden)}")
    for gru in grus:
        all_steps(gru)
    vocab, embed_dim = np.asarray(embedding["weights"][0]).shape
    config = CharRNNConfig(vocab_size=int(vocab), embed_dim=int(embed_dim), hidden=hidden.pop(), num_layers=len(grus))
    reference = CharRNN(config)
    copy_embedding(embedding, reference.embedding)
    for index, gru in enumerate(grus):
        copy_gru(gru, reference.rnn, index)
    copy_dense(dense, reference.head)
    return reference.eval(), outputs_probabilities(dense)


def reference_probabilities(reference, outputs_probs: bool, ids: np.ndarray) -> np.ndarray:
    """What the Keras model should output on ``ids`` (B, T): probabilities or logits, float64."""
    with torch.no_grad():
        logits, _ = reference(torch.as_tensor(np.asarray(ids), dtype=torch.long))
        out = torch.softmax(logits.double(), -1) if outputs_probs else logits.double()
    return out.numpy()


# --------------------------------------------------------------------------- live models (chapter 4 until it moves)


def lstm_lm_from_keras(model):
    """:func:`lstm_lm_from_description` of a live Keras model."""
    return lstm_lm_from_description(describe(model))


def charrnn_from_keras(model, num_layers: int | None = None):
    """:func:`charrnn_from_description` of a live Keras model."""
    return charrnn_from_description(describe(model), num_layers)
