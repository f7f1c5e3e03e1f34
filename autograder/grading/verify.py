"""Verifying what the student's kernel says, against what the check sent (the kernel is the adversary).

Whatever comes back from the student's kernel was made next to the student's code: a Keras model can
answer ``layers``, ``get_config`` and ``get_weights`` however it likes, and a list can come back shorter
than the check expects. So a hidden check

- draws a Keras model's weights itself: :class:`SentWeights` is a stand-in the kernel calls (through
  ``k.swap``) with the shapes the model needs; it answers with arrays drawn here and keeps them;
- verifies the kernel's description of the model against them (:func:`expect_sent_weights`): every
  weight the description lists must be one of the arrays sent, each at most once, and every array
  sent must be described. A model that describes zero weights, or weights of its own, fails; the
  reference is then built from the described weights (which are the sent ones), with the sizes the
  exercise requires, and both compute on the same batch;
- checks the length of every list from the kernel before pairing it with its own (:func:`zip_checked`,
  :func:`items`), so that an emptied list cannot shorten a comparison.

Each failure raises :class:`autograder.grading.checks.CheckFailed`: its message is the student's feedback.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

import numpy as np

from .checks import CheckFailed, Opaque

# Weights one model may ask for: the chapters' models hold at most a few ten thousand numbers.
MAX_SENT_VALUES = 2_000_000

# Runs in the kernel, where ``model`` is the student's model or layer: its weights set to the check's.
SET_WEIGHTS = "{model}.set_weights(_seqgen_weights([list(np.shape(_w)) for _w in {model}.get_weights()]))\n"


def _kind(value: Any) -> str:
    return value.type_name if isinstance(value, Opaque) else type(value).__name__


class SentWeights:
    """A stand-in for ``_seqgen_weights(shapes)``: float32 arrays N(0, scale) drawn here, kept in :attr:`sent`.

    ``seed`` is a check's generator (``k.rng(stream)``: drawn per submission) or a seed for one.

    ``shapes`` is a list of shapes, or of ``[shape, name]`` pairs; ``shift(name)`` (when given) is added
    to the arrays of that name (a LayerNorm's gamma near 1, say).
    """

    def __init__(self, seed: int | np.random.Generator, scale: float = 0.4, shift: Callable[[str], float] | None = None,
                 max_values: int = MAX_SENT_VALUES):
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.rng, self.scale, self.shift, self.max_values = rng, scale, shift, max_values
        self.sent: list[np.ndarray] = []

    def __call__(self, shapes: Any) -> list[np.ndarray]:
        if not isinstance(shapes, list):
            raise CheckFailed(f"the weights' shapes: expected a list, got a {_kind(shapes)}")
        wanted = [_shape_and_name(s) for s in shapes]
        total = sum(int(np.prod(shape)) for shape, _ in wanted)
        if total > self.max_values:
            raise CheckFailed(f"the model asks for {total} weight values, more than {self.max_values} (far more than the exercise needs)")
        drawn = []
        for shape, name in wanted:
            w = self.rng.normal(0.0, self.scale, size=shape) + (self.shift(name) if self.shift else 0.0)
            drawn.append(w.astype(np.float32))
        self.sent += drawn
        return [w.copy() for w in drawn]


def _shape_and_name(item: Any) -> tuple[tuple[int, ...], str]:
    name = ""
    if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[1], str):
        item, name = item
    if not isinstance(item, (list, tuple)) or not all(isinstance(n, (int, np.integer)) and 0 <= n for n in item):
        raise CheckFailed(f"a weight's shape: expected a list of sizes, got {item!r:.80}")
    return tuple(int(n) for n in item), name


def described_arrays(layers: Any, key: str = "weights") -> Iterator[tuple[str, int, Any]]:
    """(layer name, position, array) of every weight a description lists under ``key``."""
    if not isinstance(layers, list):
        raise CheckFailed(f"the model's description: expected a list of layers, got a {_kind(layers)}")
    for layer in layers:
        if not isinstance(layer, dict):
            raise CheckFailed(f"the model's description: expected each layer as a dict, got a {_kind(layer)}")
        weights = layer.get(key, [])
        if not isinstance(weights, list):
            raise CheckFailed(f"layer {layer.get('name')!r:.60}: expected its {key} as a list, got a {_kind(weights)}")
        for i, w in enumerate(weights):
            yield str(layer.get("name"))[:60], i, w


def expect_sent_weights(layers: Any, sent: Sequence[np.ndarray], what: str, every: bool = True,
                        keys: Sequence[str] = ("weights",)) -> None:
    """The weights a description lists are the arrays the check sent: each described array equal to one sent
    (each sent array matched at most once per key) and, with ``every``, every sent array described."""
    for key in keys:
        unused = list(range(len(sent)))
        for name, i, w in described_arrays(layers, key):
            w = np.asarray(w) if isinstance(w, np.ndarray) else w
            if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
                raise CheckFailed(f"{what}: layer {name}'s weight {i}: expected a float array, got a {_kind(w)}")
            match = next((j for j in unused if sent[j].shape == w.shape and np.array_equal(sent[j], w)), None)
            if match is None:
                raise CheckFailed(f"{what}: layer {name}'s weight {i} (shape {w.shape}) is not one of the weights the check set "
                                  "with set_weights: the model's layers must hold the weights it computes with")
            unused.remove(match)
        if every and unused:
            shapes = ", ".join(str(sent[j].shape) for j in unused[:5])
            raise CheckFailed(f"{what}: {len(unused)} of the weights the check set (shapes {shapes}) belong to no layer "
                              "of the model's description")


def items(value: Any, n: int, what: str) -> tuple:
    """A tuple or list of exactly ``n`` items from the kernel, as a tuple (a list where a tuple is asked is fine)."""
    if not isinstance(value, (tuple, list)):
        raise CheckFailed(f"{what}: expected a tuple of {n}, got a {_kind(value)}")
    if len(value) != n:
        raise CheckFailed(f"{what}: expected {n} items, got {len(value)}")
    return tuple(value)


def zip_checked(what: str, ours: Sequence, *theirs: Any) -> zip:
    """``zip(ours, *theirs, strict=True)`` once every list from the kernel has ``len(ours)`` items."""
    for value in theirs:
        if not isinstance(value, (list, tuple)):
            raise CheckFailed(f"{what}: expected a list of {len(ours)}, got a {_kind(value)}")
        if len(value) != len(ours):
            raise CheckFailed(f"{what}: expected {len(ours)} items, got {len(value)}")
    return zip(ours, *theirs, strict=True)


def float_scalar(value: Any, what: str) -> float:
    """A Python float, a NumPy float scalar (np.float32 included) or a 0-d float array, as a float."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind == "f":
        return float(value)
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        return float(value)
    raise CheckFailed(f"{what}: expected a float, got a {_kind(value)}")
