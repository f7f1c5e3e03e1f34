"""Copy a Keras model's weights into the PyTorch reference, layer by layer.

Hidden tests use this to check a student's Keras architecture exactly: if the
transplanted reference gives the same outputs on a random batch, the layers,
sizes, activations and wiring match.

Layouts (Keras -> torch):

- ``Dense``: kernel (in, out) -> ``Linear.weight`` (out, in).
- ``LSTM``: kernel (in, 4H), recurrent_kernel (H, 4H), bias (4H,); both use the
  gate order i, f, g(c), o, so only a transpose is needed; torch's ``bias_hh`` is 0.
- ``GRU`` (``reset_after=True``, the Keras default): gate order z, r, h in Keras,
  r, z, n in torch; bias (2, 3H) holds the input and the recurrent bias.
"""

from __future__ import annotations

import numpy as np
import torch


class TransplantError(AssertionError):
    """The Keras model does not have the architecture the reference expects."""


def _t(array) -> torch.Tensor:
    return torch.as_tensor(np.asarray(array), dtype=torch.float32)


def _assign(param: torch.nn.Parameter, value: torch.Tensor, what: str) -> None:
    if tuple(param.shape) != tuple(value.shape):
        raise TransplantError(f"{what}: expected shape {tuple(param.shape)}, got {tuple(value.shape)}")
    with torch.no_grad():
        param.copy_(value)


def layers_of(model) -> list:
    """The model's layers without its InputLayer."""
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def expect_layers(model, kinds: list[str]) -> list:
    """Check the sequence of layer classes, e.g. ``["Embedding", "LSTM", "Dense"]``."""
    layers = layers_of(model)
    got = [type(layer).__name__ for layer in layers]
    if got != kinds:
        raise TransplantError(f"expected layers {', '.join(kinds)}; got {', '.join(got) or 'none'}")
    return layers


def _activation_name(fn) -> str:
    return getattr(fn, "__name__", str(fn))


def copy_embedding(layer, embedding: torch.nn.Embedding) -> None:
    (table,) = layer.get_weights()
    _assign(embedding.weight, _t(table), f"{layer.name} embeddings")


def copy_dense(layer, linear: torch.nn.Linear) -> None:
    weights = layer.get_weights()
    _assign(linear.weight, _t(weights[0]).T, f"{layer.name} kernel")
    if linear.bias is not None:
        if len(weights) < 2:
            raise TransplantError(f"{layer.name}: expected a bias (use_bias=True)")
        _assign(linear.bias, _t(weights[1]), f"{layer.name} bias")


def _check_recurrent(layer, kind: str) -> None:
    if _activation_name(layer.activation) != "tanh" or _activation_name(layer.recurrent_activation) != "sigmoid":
        raise TransplantError(
            f"{layer.name}: expected activation tanh and recurrent_activation sigmoid, got "
            f"{_activation_name(layer.activation)} and {_activation_name(layer.recurrent_activation)}"
        )
    if layer.go_backwards:
        raise TransplantError(f"{layer.name}: expected go_backwards=False")
    if not layer.use_bias:
        raise TransplantError(f"{layer.name}: expected use_bias=True")
    if kind == "GRU" and not layer.reset_after:
        raise TransplantError(f"{layer.name}: expected reset_after=True (the Keras default, as in torch)")


def copy_lstm(layer, lstm: torch.nn.LSTM, index: int = 0) -> None:
    """Copy a Keras LSTM layer into layer ``index`` of a torch LSTM."""
    _check_recurrent(layer, "LSTM")
    kernel, recurrent, bias = layer.get_weights()
    _assign(getattr(lstm, f"weight_ih_l{index}"), _t(kernel).T, f"{layer.name} kernel")
    _assign(getattr(lstm, f"weight_hh_l{index}"), _t(recurrent).T, f"{layer.name} recurrent_kernel")
    _assign(getattr(lstm, f"bias_ih_l{index}"), _t(bias), f"{layer.name} bias")
    with torch.no_grad():
        getattr(lstm, f"bias_hh_l{index}").zero_()


def _zrh_to_rzn(w: torch.Tensor) -> torch.Tensor:
    """Reorder gate blocks on the first axis from Keras (z, r, h) to torch (r, z, n)."""
    z, r, h = w.chunk(3, dim=0)
    return torch.cat([r, z, h], dim=0)


def copy_gru(layer, gru: torch.nn.GRU, index: int = 0) -> None:
    """Copy a Keras GRU layer (reset_after=True) into layer ``index`` of a torch GRU."""
    _check_recurrent(layer, "GRU")
    kernel, recurrent, bias = layer.get_weights()
    bias = np.asarray(bias)
    if bias.shape[0] != 2:
        raise TransplantError(f"{layer.name}: expected a (2, 3H) bias (reset_after=True), got {bias.shape}")
    _assign(getattr(gru, f"weight_ih_l{index}"), _zrh_to_rzn(_t(kernel).T), f"{layer.name} kernel")
    _assign(getattr(gru, f"weight_hh_l{index}"), _zrh_to_rzn(_t(recurrent).T), f"{layer.name} recurrent_kernel")
    _assign(getattr(gru, f"bias_ih_l{index}"), _zrh_to_rzn(_t(bias[0])), f"{layer.name} input bias")
    _assign(getattr(gru, f"bias_hh_l{index}"), _zrh_to_rzn(_t(bias[1])), f"{layer.name} recurrent bias")


def keras_outputs_probabilities(dense_layer) -> bool:
    """Does the final Dense end in a softmax (probabilities) rather than logits?"""
    name = _activation_name(dense_layer.activation)
    if name not in {"softmax", "linear"}:
        raise TransplantError(f"{dense_layer.name}: expected a softmax or linear output, got {name}")
    return name == "softmax"


def lstm_lm_from_keras(model):
    """Build the reference :class:`LSTMLanguageModel` holding a Keras
    Embedding -> LSTM(return_sequences=True) -> Dense model's weights.

    Returns ``(torch_model, outputs_probabilities)``.
    """
    from solutions.lstm_lm import LSTMLanguageModel, LSTMLMConfig

    embedding, lstm, dense = expect_layers(model, ["Embedding", "LSTM", "Dense"])
    if not lstm.return_sequences:
        raise TransplantError(f"{lstm.name}: expected return_sequences=True (one prediction per time step)")
    vocab, embed_dim = embedding.get_weights()[0].shape
    config = LSTMLMConfig(vocab_size=int(vocab), embed_dim=int(embed_dim), hidden=int(lstm.units))
    reference = LSTMLanguageModel(config)
    copy_embedding(embedding, reference.embedding)
    copy_lstm(lstm, reference.rnn)
    copy_dense(dense, reference.head)
    return reference.eval(), keras_outputs_probabilities(dense)


# --- Chapters 3 and 4: Char-RNN (Embedding -> GRU x n -> Dense) --------------------------------


def charrnn_from_keras(model, num_layers: int | None = None):
    """Build the reference :class:`solutions.charrnn.CharRNN` holding a Keras
    Embedding -> GRU(return_sequences=True) x n -> Dense model's weights.

    ``num_layers`` (if given) is the number of GRU layers expected. Stateful Keras GRUs
    are accepted: statefulness is a matter of training, not of the weights.
    Returns ``(torch_model, outputs_probabilities)``.
    """
    from solutions.charrnn import CharRNN, CharRNNConfig

    layers = layers_of(model)
    kinds = [type(layer).__name__ for layer in layers]
    n = len(layers) - 2 if num_layers is None else num_layers
    expect_layers(model, ["Embedding"] + ["GRU"] * max(n, 1) + ["Dense"])
    embedding, grus, dense = layers[0], layers[1:-1], layers[-1]
    hidden = {int(g.units) for g in grus}
    if len(hidden) != 1:
        raise TransplantError(f"expected GRU layers of one size, got {sorted(hidden)} ({', '.join(kinds)})")
    for gru in grus:
        if not gru.return_sequences:
            raise TransplantError(f"{gru.name}: expected return_sequences=True (one prediction per time step)")
    vocab, embed_dim = embedding.get_weights()[0].shape
    config = CharRNNConfig(vocab_size=int(vocab), embed_dim=int(embed_dim), hidden=hidden.pop(), num_layers=len(grus))
    reference = CharRNN(config)
    copy_embedding(embedding, reference.embedding)
    for index, gru in enumerate(grus):
        copy_gru(gru, reference.rnn, index)
    copy_dense(dense, reference.head)
    return reference.eval(), keras_outputs_probabilities(dense)
