"""Keras layers described as plain data -> torch layers: one form for an architecture's spellings, weights layer by layer.

Checker-side, :func:`normalise` reduces the spellings Keras allows for one architecture to one form (an
``Activation`` or ``Softmax`` layer after a linear ``Dense`` folded into it, ``tf.nn.softmax`` read as
``softmax``, dropout layers dropped: they are the identity at inference); the ``copy_*`` functions and the
layer builders (:func:`embedding_from`, :func:`linear_from`, :func:`lstm_from`, :func:`gru_from`) put the
described weights into torch layers. What cannot be mapped raises :class:`TransplantError` saying what was
expected and what came: that message is the student's feedback.

Layouts (Keras -> torch):

- ``Dense``: kernel (in, out) -> ``Linear.weight`` (out, in).
- ``LSTM``: kernel (in, 4H), recurrent_kernel (H, 4H), bias (4H,); both use the
  gate order i, f, g(c), o, so only a transpose is needed; torch's ``bias_hh`` is 0.
- ``GRU`` (``reset_after=True``, the Keras default): gate order z, r, h in Keras,
  r, z, n in torch; bias (2, 3H) holds the input and the recurrent bias.
- convolutions (chapter 8) live in :mod:`autograder.transplants.conv`: kernel HWIO (kh, kw, in, out) ->
  ``Conv2d.weight`` OIHW (out, in, kh, kw).
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import torch

# Spellings of one activation: tf.nn.softmax is named softmax_v2, keras.ops/tf.math functions their own way.
ACTIVATION_ALIASES = {"softmax_v2": "softmax", "log_softmax_v2": "log_softmax", "identity": "linear", "None": "linear"}
# Layers that are the identity at inference (the checks call the model with training=False).
INFERENCE_IDENTITY = {"Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization"}


class TransplantError(AssertionError):
    """The Keras model does not have the architecture the reference expects."""


@contextlib.contextmanager
def reading(what: str, unreadable: str) -> Iterator[None]:
    """Within the block, a description that does not fit fails the check: ``what: <why>``.

    A :class:`TransplantError` keeps its message; a description too malformed to be read at all
    (a missing key, a wrong type) gives ``what: unreadable (<the error>)``.
    """
    try:
        yield
    except TransplantError as exc:
        raise TransplantError(f"{what}: {exc}") from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, StopIteration) as exc:
        raise TransplantError(f"{what}: {unreadable} ({exc!r})") from None


def activation(name) -> str:
    """The canonical name of an activation as the description gives it."""
    name = "linear" if name is None else str(name)
    return ACTIVATION_ALIASES.get(name, name)


def fold_activation(layer: dict, prev: dict | None) -> str | None:
    """The activation an Activation/Softmax layer adds to the Dense before it (None if it cannot fold)."""
    if prev is None or prev["class"] != "Dense" or activation(prev["config"].get("activation")) != "linear":
        return None
    if layer["class"] == "Softmax":
        axis = layer["config"].get("axis", -1)
        return "softmax" if axis in (-1, [-1]) else None
    return activation(layer["config"].get("activation"))


def normalise(layers: list[dict]) -> list[dict]:
    """One form for the spellings of one architecture; the wiring checked to be a chain.

    Returns new dicts (the input is not changed) whose configs have canonical activation names.
    """
    out: list[dict] = []
    alias: dict[str, str] = {}  # a dropped or folded layer's name -> the layer that stands for it
    for raw in layers:
        layer = {**raw, "config": dict(raw.get("config", {})), "inbound": list(raw.get("inbound", []))}
        for attr in ("activation", "recurrent_activation"):
            if attr in layer["config"]:
                layer["config"][attr] = activation(layer["config"][attr])
        prev = out[-1] if out else None
        if layer["class"] in INFERENCE_IDENTITY:
            alias[layer["name"]] = prev["name"] if prev else ""
            continue
        if layer["class"] in {"Activation", "Softmax"}:
            folded = fold_activation(layer, prev)
            if folded is not None:
                _check_chain(layer, prev, alias)
                prev["config"]["activation"] = folded
                alias[layer["name"]] = prev["name"]
                continue
        if prev is not None:
            _check_chain(layer, prev, alias)
        # Inbound names through the aliases, so that normalising the result again changes nothing.
        layer["inbound"] = [alias.get(n, n) for n in layer["inbound"]]
        out.append(layer)
    return out


def _check_chain(layer: dict, prev: dict, alias: dict[str, str]) -> None:
    got = [alias.get(n, n) for n in layer["inbound"]]
    if got and got != [prev["name"]]:
        raise TransplantError(f"layer {layer['name']}: expected its input to be the output of {prev['name']}, got {', '.join(got)}")


def kinds(layers: list[dict]) -> list[str]:
    return [layer["class"] for layer in layers]


def expect_layers(layers: list[dict], expected: list[str]) -> list[dict]:
    """Normalise ``layers`` and check the sequence of classes, e.g. ``["Embedding", "LSTM", "Dense"]``."""
    layers = normalise(layers)
    if kinds(layers) != expected:
        raise TransplantError(f"expected layers {', '.join(expected)}; got {', '.join(kinds(layers)) or 'none'}")
    return layers


# --------------------------------------------------------------------------- weights, layer by layer


def as_tensor(array) -> torch.Tensor:
    return torch.as_tensor(np.asarray(array), dtype=torch.float32)


def assign(param: torch.nn.Parameter, value: torch.Tensor, what: str) -> None:
    if tuple(param.shape) != tuple(value.shape):
        raise TransplantError(f"{what}: expected shape {tuple(param.shape)}, got {tuple(value.shape)}")
    with torch.no_grad():
        param.copy_(value)


def weights_of(layer: dict, n: int, what: str) -> list[np.ndarray]:
    weights = layer["weights"]
    if len(weights) != n:
        raise TransplantError(f"{layer['name']}: expected {n} weight arrays ({what}), got {len(weights)}")
    return weights


def copy_embedding(layer: dict, embedding: torch.nn.Embedding) -> None:
    (table,) = weights_of(layer, 1, "the embedding table")
    assign(embedding.weight, as_tensor(table), f"{layer['name']} embeddings")


def copy_dense(layer: dict, linear: torch.nn.Linear) -> None:
    if linear.bias is not None and not layer["config"].get("use_bias", True):
        raise TransplantError(f"{layer['name']}: expected a bias (use_bias=True)")
    kernel, *bias = weights_of(layer, 2 if linear.bias is not None else 1, "kernel and bias")
    assign(linear.weight, as_tensor(kernel).T, f"{layer['name']} kernel")
    if bias:
        assign(linear.bias, as_tensor(bias[0]), f"{layer['name']} bias")


def check_recurrent(layer: dict) -> None:
    """Settings the torch LSTM/GRU cannot express, named in the student's terms."""
    config, name = layer["config"], layer["name"]
    act, rec = activation(config.get("activation", "tanh")), activation(config.get("recurrent_activation", "sigmoid"))
    if act != "tanh" or rec != "sigmoid":
        raise TransplantError(f"{name}: expected activation tanh and recurrent_activation sigmoid, got {act} and {rec}")
    if config.get("go_backwards", False):
        raise TransplantError(f"{name}: expected go_backwards=False")
    if not config.get("use_bias", True):
        raise TransplantError(f"{name}: expected use_bias=True")
    if layer["class"] == "GRU" and not config.get("reset_after", True):
        raise TransplantError(f"{name}: expected reset_after=True (the Keras default, as in torch)")


def copy_lstm(layer: dict, lstm: torch.nn.LSTM, index: int = 0) -> None:
    """Copy a described Keras LSTM into layer ``index`` of a torch LSTM."""
    check_recurrent(layer)
    kernel, recurrent, bias = weights_of(layer, 3, "kernel, recurrent kernel, bias")
    assign(getattr(lstm, f"weight_ih_l{index}"), as_tensor(kernel).T, f"{layer['name']} kernel")
    assign(getattr(lstm, f"weight_hh_l{index}"), as_tensor(recurrent).T, f"{layer['name']} recurrent_kernel")
    assign(getattr(lstm, f"bias_ih_l{index}"), as_tensor(bias), f"{layer['name']} bias")
    with torch.no_grad():
        getattr(lstm, f"bias_hh_l{index}").zero_()


def _zrh_to_rzn(w: torch.Tensor) -> torch.Tensor:
    """Reorder gate blocks on the first axis from Keras (z, r, h) to torch (r, z, n)."""
    z, r, h = w.chunk(3, dim=0)
    return torch.cat([r, z, h], dim=0)


def copy_gru(layer: dict, gru: torch.nn.GRU, index: int = 0) -> None:
    """Copy a described Keras GRU (reset_after=True) into layer ``index`` of a torch GRU."""
    check_recurrent(layer)
    kernel, recurrent, bias = weights_of(layer, 3, "kernel, recurrent kernel, bias")
    bias = np.asarray(bias)
    if bias.ndim != 2 or bias.shape[0] != 2:
        raise TransplantError(f"{layer['name']}: expected a (2, 3H) bias (reset_after=True), got {bias.shape}")
    assign(getattr(gru, f"weight_ih_l{index}"), _zrh_to_rzn(as_tensor(kernel).T), f"{layer['name']} kernel")
    assign(getattr(gru, f"weight_hh_l{index}"), _zrh_to_rzn(as_tensor(recurrent).T), f"{layer['name']} recurrent_kernel")
    assign(getattr(gru, f"bias_ih_l{index}"), _zrh_to_rzn(as_tensor(bias[0])), f"{layer['name']} input bias")
    assign(getattr(gru, f"bias_hh_l{index}"), _zrh_to_rzn(as_tensor(bias[1])), f"{layer['name']} recurrent bias")


# --------------------------------------------------------------------------- whole layers (encoder/decoder models)


def embedding_from(layer: dict) -> torch.nn.Embedding:
    table = np.asarray(weights_of(layer, 1, "the embedding table")[0])
    module = torch.nn.Embedding(*table.shape)
    copy_embedding(layer, module)
    return module


def linear_from(layer: dict) -> torch.nn.Linear:
    kernel = np.asarray(layer["weights"][0]) if layer["weights"] else np.zeros((0, 0))
    module = torch.nn.Linear(kernel.shape[0], kernel.shape[1], bias=bool(layer["config"].get("use_bias", True)))
    copy_dense(layer, module)
    return module


def _recurrent_from(layer: dict, cls, copy) -> torch.nn.Module:
    if layer["class"] != cls.__name__:
        raise TransplantError(f"{layer['name']}: expected a {cls.__name__} layer, got {layer['class']}")
    kernel = np.asarray(layer["weights"][0]) if layer["weights"] else np.zeros((0, 0))
    module = cls(kernel.shape[0], int(layer["config"]["units"]), batch_first=True)
    copy(layer, module)
    return module


def lstm_from(layer: dict) -> torch.nn.LSTM:
    """A one-layer batch-first torch LSTM holding a described Keras LSTM."""
    return _recurrent_from(layer, torch.nn.LSTM, copy_lstm)


def gru_from(layer: dict) -> torch.nn.GRU:
    """A one-layer batch-first torch GRU holding a described Keras GRU (reset_after=True)."""
    return _recurrent_from(layer, torch.nn.GRU, copy_gru)


def outputs_probabilities(dense: dict) -> bool:
    """Does the final Dense end in a softmax (probabilities) rather than logits?"""
    name = activation(dense["config"].get("activation"))
    if name not in {"softmax", "linear"}:
        raise TransplantError(f"{dense['name']}: expected a softmax or linear output, got {name}")
    return name == "softmax"


def all_steps(layer: dict) -> None:
    if not layer["config"].get("return_sequences", False):
        raise TransplantError(f"{layer['name']}: expected return_sequences=True (one prediction per time step)")
