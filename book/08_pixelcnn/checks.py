"""Hidden checks of chapter 8 (PixelCNN).

The reference (``solutions.pixelcnn``), torch and NumPy compute the expected values here, in
the grader. The Keras layers are built in the student's kernel, described as plain data
(``autograder.transplants.describe.DESCRIBE_SOURCE``) and copied into the torch reference
(``autograder.transplants.conv``); the sampler and bits/dim run on small stand-in models
defined in the kernel, whose distributions the check knows.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.grading.checks import CheckFailed, Checks, expect
from autograder.grading.verify import SentWeights, expect_sent_weights, float_scalar, items
from autograder.transplants.conv import masked_conv_from, residual_block_from
from autograder.transplants.describe import DESCRIBE_SOURCE
from autograder.transplants.layers import TransplantError
from solutions.pixelcnn import causal_mask as reference_mask

checks = Checks()

# float32 convolutions in TensorFlow and torch sum the same products in different orders: the
# outputs (of order 1) agree to about 1e-6; 1e-4 leaves room and still catches any wrong weight.
CONV_ATOL, CONV_RTOL = 1e-4, 1e-4


@checks.exercise("causal_mask")
def _(k):
    """Contract: causal_mask(k odd, "A" | "B") -> float32 (k, k) of 0/1: rows above the centre 1, the
    centre row 1 left of the centre, the centre 1 only for B, the rest 0; kernel sizes 1 to 9."""
    for size in (1, 3, 5, 7, 9):
        for kind in ("A", "B"):
            got = k.call("causal_mask", size, kind)
            what = f"causal_mask({size}, {kind!r})"
            expect.array(got, what, shape=(size, size), kind="f")
            expect.true(got.dtype == np.float32, f"{what}: expected float32, got {got.dtype}")
            expect.equal(got, reference_mask(size, kind), what)


# Runs in the kernel after a layer is built: its trainable weights set to the ones the check sends.
SET_TRAINABLE = ("for _w, _v in zip(layer.trainable_weights, _seqgen_weights([list(_w.shape) for _w in layer.trainable_weights]),\n"
                 "                  strict=True):\n"
                 "    _w.assign(_v)\n")


def _describe_one(k, build: str, x: np.ndarray, seed: int, **inputs) -> tuple[dict, np.ndarray, object]:
    """Build ``layer`` in the kernel (code ``build``), give it weights drawn here, wrap it in a model, run it on x.

    Returns (description, output, ``_made`` as the build code left it); the description's trainable weights are
    verified to be the ones sent (a layer that describes other weights than it computes with fails).
    """
    # Described before it runs: a layer may mask its kernel in place when called (the source's way).
    code = DESCRIBE_SOURCE + "_made = None\n" + build + SET_TRAINABLE + (
        "_inp = keras.Input(shape=x.shape[1:])\n"
        "_model = keras.Model(_inp, layer(_inp))\n"
        "_described = [d for d in _seqgen_describe(_model)]\n"
        "_out = keras.ops.convert_to_numpy(_model(x, training=False))\n"
        "result = (_described, np.asarray(_out), _made)\n")
    sent = SentWeights(k.rng(1000 + seed), scale=0.5)
    with k.swap("_seqgen_weights", sent):
        layers, out, made = items(k.run(code, x=x, **inputs), 3, "the layer's description and output")
    expect.true(isinstance(layers, list) and len(layers) == 1, f"expected one layer in the model, got {len(layers)}")
    expect_sent_weights(layers, sent.sent, "the layer", keys=("trainable",))
    return layers[0], out, made


def _torch_out(module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return module(torch.from_numpy(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).numpy()


@checks.exercise("MaskedConv2D")
def _(k):
    """Contract: MaskedConv2D(mask_type, filters, kernel_size, activation=None) on (B, H, W, C) ->
    (B, H, W, filters) = activation(conv_same(x, kernel * causal_mask) + bias); trainable weights exactly
    [kernel (k, k, C, filters), bias (filters,)] with k the kernel_size asked for; equal to the torch reference
    holding the weights the check sets."""
    rng = k.rng(80)
    cases = [("A", 4, 3, None, 1), ("B", 4, 3, None, 3), ("A", 3, 5, "relu", 2), ("B", 5, 1, "relu", 4), ("A", 2, 7, None, 1)]
    with k.swap("causal_mask", reference_mask):
        for i, (mask_type, filters, size, activation, channels) in enumerate(cases):
            x = rng.normal(size=(2, 9, 8, channels)).astype(np.float32)
            build = (f"layer = MaskedConv2D({mask_type!r}, filters={filters}, kernel_size={size}, activation={activation!r})\n"
                     "layer(x)\n")
            what = f"MaskedConv2D({mask_type!r}, {filters}, {size}, activation={activation!r}) on {x.shape}"
            layer, out, _ = _describe_one(k, build, x, seed=80 + i)
            expect.array(out, what, shape=(2, 9, 8, filters), kind="f")
            try:
                reference = masked_conv_from(layer, mask_type)
            except TransplantError as exc:
                raise CheckFailed(f"{what}: {exc}") from None
            # The kernel size is the one asked for, not whatever the layer chose (the reference would copy any).
            kernel = tuple(np.shape(layer["trainable"][0]))
            expect.true(kernel == (size, size, channels, filters),
                        f"{what}: expected a kernel of shape {(size, size, channels, filters)} (kernel_size={size}), got {kernel}")
            want = _torch_out(reference, x)
            if activation == "relu":
                want = np.maximum(want, 0)
            expect.close(out, want, f"{what} against the torch reference with its weights", atol=CONV_ATOL, rtol=CONV_RTOL)


# Runs in the kernel: the student's ResidualBlock built with a plain Conv2D standing in for
# MaskedConv2D (so a wrong MaskedConv2D costs only its own points); the stand-in records its arguments.
# The activation is recorded by name (a string, a function such as keras.activations.relu, or None).
STAND_IN = '''
_made = []
class StandInConv(keras.layers.Conv2D):
    def __init__(self, mask_type, filters, kernel_size, activation=None, **kwargs):
        kwargs.setdefault("padding", "same")
        super().__init__(filters, kernel_size, activation=activation, **kwargs)
        _act = activation if activation is None or isinstance(activation, str) else getattr(activation, "__name__", repr(activation))
        _made.append([str(mask_type), int(np.ravel(kernel_size)[0]), str(kwargs["padding"]), str(_act)])
_globals = ResidualBlock.__init__.__globals__
_saved = _globals.get("MaskedConv2D")
_globals["MaskedConv2D"] = StandInConv
try:
    layer = ResidualBlock(filters)
    layer(x)
finally:
    _globals["MaskedConv2D"] = _saved
'''


@checks.exercise("ResidualBlock")
def _(k):
    """Contract: ResidualBlock(filters) on (B, H, W, filters) -> same shape, x + relu(1x1 -> filters of
    relu(MaskedConv2D("B", filters // 2, 3, activation="relu") of relu(1x1 -> filters // 2 of x)));
    uses the chapter's MaskedConv2D once, type B, 3x3 (its relu given as activation= or applied after it: the
    outputs decide); equal to the torch reference holding the weights the check sets."""
    rng = k.rng(81)
    for i, (filters, shape) in enumerate([(8, (2, 6, 7)), (6, (1, 5, 5)), (16, (2, 4, 4))]):
        x = rng.normal(size=shape + (filters,)).astype(np.float32)
        what = f"ResidualBlock({filters}) on {x.shape}"
        layer, out, made = _describe_one(k, STAND_IN, x, seed=81 + i, filters=filters)
        expect.true(isinstance(made, list) and len(made) == 1 and isinstance(made[0], list) and made[0][:3] == ["B", 3, "same"]
                    and made[0][3] in ("relu", "None", "linear"),
                    f"{what}: MaskedConv2D calls [mask_type, kernel, padding, activation]: expected one, "
                    f"[\"B\", 3, \"same\", \"relu\" or none], got {made!r:.200}")
        expect.array(out, what, shape=x.shape, kind="f")
        try:
            reference = residual_block_from(layer, filters)
        except TransplantError as exc:
            raise CheckFailed(f"{what}: {exc}") from None
        reference.pixel.mask.fill_(1.0)  # the stand-in is an unmasked 3x3 convolution
        expect.close(out, _torch_out(reference, x), f"{what} against the torch reference with its weights",
                     atol=CONV_ATOL, rtol=CONV_RTOL)


# A stand-in model whose distribution at each pixel depends only on the previous pixel in raster order
# (table[previous level]; start at the first pixel). It runs here, in the grader (k.swap): the kernel's
# `model` only forwards the canvas, so the record of what the model was given is kept where the student's
# code cannot rewrite it.
MARKOV = '''
def model(x, training=False):
    return np.asarray(_seqgen_markov(np.asarray(x, dtype=np.float64)))
model.predict = lambda x, verbose=0, **kwargs: model(x)
'''


class Markov:
    def __init__(self, table: np.ndarray, start: np.ndarray, levels: int):
        self.table, self.start, self.levels, self.seen, self.shapes = table, start, levels, set(), []

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        expect.true(x.ndim == 4 and x.shape[-1] == 1, f"the model's input: expected (n, height, width, 1), got shape {x.shape}")
        self.seen.update(np.unique(np.round(x, 6)).tolist())
        self.shapes.append(list(x.shape))
        n, h, w = x.shape[:3]
        lv = np.clip(np.rint(x[..., 0] * self.levels).astype(int), 0, self.levels - 1).reshape(n, h * w)
        probs = np.concatenate([np.broadcast_to(self.start, (n, 1, self.levels)), self.table[lv[:, :-1]]], axis=1)
        return probs.reshape(n, h, w, self.levels)


def _tempered(p: np.ndarray, t: float) -> np.ndarray:
    q = p ** (1.0 / t)
    return q / q.sum(axis=-1, keepdims=True)


@checks.exercise("sample_images")
def _(k):
    """Contract: sample_images(model, n, height, width, levels, temperature, rng) -> int (n, height, width) in
    [0, levels); pixels drawn in raster order, each from model(canvas)[:, i, j] ** (1/T) renormalised, the
    canvas holding level / levels; all randomness from rng (same seed -> same images, np.random ignored)."""
    levels, n, h, w = 4, 1500, 3, 5
    table = np.array([[0.70, 0.10, 0.10, 0.10], [0.05, 0.15, 0.60, 0.20], [0.25, 0.25, 0.25, 0.25], [0.10, 0.10, 0.20, 0.60]])
    start = np.array([0.1, 0.2, 0.3, 0.4])
    for t in (1.0, 0.5):
        markov = Markov(table, start, levels)
        with k.swap("_seqgen_markov", markov):
            images = k.run(MARKOV + "result = sample_images(model, n, h, w, levels, t, np.random.default_rng(9))",
                           levels=levels, n=n, h=h, w=w, t=t)
        seen, shapes = sorted(markov.seen), markov.shapes[:1]
        what = f"sample_images at temperature {t} ({n} images of {h}x{w})"
        expect.array(images, what, shape=(n, h, w), kind="i")
        expect.true(images.min() >= 0 and images.max() < levels, f"{what}: levels outside [0, {levels})")
        expect.equal(shapes, [[n, h, w, 1]], f"{what}: shape of the model's input")
        expect.true(len(shapes) == 1 and set(np.round(seen, 6)) <= {0.0, 0.25, 0.5, 0.75},
                    f"{what}: the model's inputs must be level / levels (0, 0.25, 0.5, 0.75), got values {seen[:8]}")
        flat = images.reshape(n, h * w)
        _expect_frequencies(flat[:, 0], _tempered(start, t), f"{what}: the first pixel")
        prev, cur = flat[:, :-1].ravel(), flat[:, 1:].ravel()
        want = _tempered(table, t)
        for level in range(levels):
            _expect_frequencies(cur[prev == level], want[level], f"{what}: pixels after a pixel of level {level}")
    code = (MARKOV + "_a = sample_images(model, 20, 2, 3, levels, 1.0, np.random.default_rng(4))\n"
            "np.random.seed(123)\n_b = sample_images(model, 20, 2, 3, levels, 1.0, np.random.default_rng(4))\n"
            "_c = sample_images(model, 20, 2, 3, levels, 1.0, np.random.default_rng(5))\nresult = (_a, _b, _c)")
    with k.swap("_seqgen_markov", Markov(table, start, levels)):
        a, b, c = items(k.run(code, levels=levels), 3, "three calls of sample_images")
    expect.equal(b, a, "two calls with rng seeded alike (np.random reseeded in between): use only the given rng")
    expect.true(not np.array_equal(a, c), "calls with different rng seeds gave the same 20 images: use the given rng")


def _expect_frequencies(draws: np.ndarray, p: np.ndarray, what: str) -> None:
    """Observed frequencies within 5 standard errors (+1/n) of p: a correct sampler fails by chance < 1e-5."""
    count = len(draws)
    expect.true(count > 100, f"{what}: too few draws to judge ({count})")
    freq = np.bincount(draws, minlength=len(p))[: len(p)] / count
    bound = 5 * np.sqrt(p * (1 - p) / count) + 1.0 / count
    expect.true(np.all(np.abs(freq - p) <= bound),
                f"{what}: expected level frequencies near {np.round(p, 3).tolist()}, got {np.round(freq, 3).tolist()} over {count} draws")


# Runs in the kernel: a stand-in model, probabilities = softmax(x * a + b) per pixel.
SOFTMAX = '''
def model(x, training=False):
    z = np.asarray(x, dtype=np.float64) * a + b  # (B, H, W, levels)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)
model.predict = lambda x, verbose=0, **kw: model(x)
'''


@checks.exercise("bits_per_dim")
def _(k):
    """Contract: bits_per_dim(model, inputs (B, H, W, 1), targets (B, H, W) ints) -> a float (Python or NumPy scalar), the mean
    over every pixel of -log2 model(inputs)[..., target]; inputs and targets unchanged."""
    rng = k.rng(83)
    for shape, levels in [((3, 4, 5), 4), ((1, 6, 6), 4), ((5, 2, 3), 7)]:
        targets = rng.integers(0, levels, size=shape)
        inputs = (targets / levels)[..., None].astype(np.float32)
        a, b = rng.normal(0, 2, size=levels), rng.normal(0, 1, size=levels)  # no probability near float32 clipping
        got, inputs_after, targets_after = items(k.run(SOFTMAX + "result = (bits_per_dim(model, inputs, targets), inputs, targets)",
                                                       inputs=inputs, targets=targets, a=a, b=b), 3, "bits_per_dim's result and inputs")
        what = f"bits_per_dim on a {shape} batch with {levels} levels"
        got = float_scalar(got, what)  # a Python float, or a NumPy float scalar (np.float32 included)
        z = inputs.astype(np.float64) * a + b
        logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
        want = -np.take_along_axis(logp, targets[..., None], axis=-1).mean() / np.log(2)
        # float32 arithmetic in the answer (a Keras loss) is allowed: relative 1e-5 covers its rounding.
        expect.close(got, want, what, atol=1e-7, rtol=1e-5)
        expect.equal(inputs_after, inputs, "inputs after the call (unchanged)")
        expect.equal(targets_after, targets, "targets after the call (unchanged)")
