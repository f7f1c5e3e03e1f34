"""The Keras -> torch copy of chapter 9's transformer block (autograder.transplants.transformer)."""

from __future__ import annotations

import runpy

import numpy as np
import pytest

keras = pytest.importorskip("keras")
import tensorflow as tf  # noqa: E402

from autograder.course import chapter  # noqa: E402
from autograder.transplants.describe import BLOCK_DESCRIBE_SOURCE  # noqa: E402
from autograder.transplants.layers import TransplantError  # noqa: E402
from autograder.transplants.transformer import block_outputs, post_norm_blocks  # noqa: E402

ANSWERS = runpy.run_path(str(chapter("09_transformer").mutants_path))


def describe(code: str, heads=2, key_dim=3, D=8, ff=12, T=5, seed=0):
    """Build the block `code` defines, give it random weights, and return (description, x, y, weights)."""
    ns = {"keras": keras, "tf": tf, "np": np}
    exec(BLOCK_DESCRIBE_SOURCE + code, ns)  # noqa: S102 - our own kept answers
    keras.utils.set_random_seed(seed)
    block = ns["TransformerBlock"](heads, key_dim, D, ff)
    x = np.random.default_rng(seed).normal(size=(2, T, D)).astype("float32")
    block(x, training=False)
    rng = np.random.default_rng(seed)
    block.set_weights([(rng.normal(0, 0.5, size=np.shape(w)) + (1.0 if "gamma" in w.path else 0.0)).astype("float32")
                       for w in block.weights])
    y, w = (keras.ops.convert_to_numpy(t) for t in block(x, training=False))
    return ns["_seqgen_describe_block"](block), x, y, w


@pytest.mark.parametrize("code", [ANSWERS["BLOCK"], *ANSWERS["ALTERNATIVES"]["TransformerBlock"]], ids=["reference", "source", "sequential"])
def test_the_copied_block_computes_what_keras_computes(code):
    """Do Keras's (D, heads, key_dim) kernels, copied into PostNormBlock, give the same outputs and attention weights?"""
    parts, x, y, w = describe(code, heads=2, key_dim=4, D=6, ff=10)
    blocks, sizes = post_norm_blocks(parts)
    assert sizes == (2, 4, 10)
    errors = [max(np.abs(a - y).max(), np.abs(b - w).max()) for a, b in (block_outputs(b, x) for b in blocks)]
    assert min(errors) < 1e-4 < max(errors)  # one order of the two LayerNorms is right, the other is not


def test_a_pre_norm_block_does_not_match():
    """Is a pre-norm Keras block told apart from the post-norm reference by its outputs?"""
    code = ANSWERS["MUTANTS"]["TransformerBlock"]["logic: pre-norm instead of post-norm"]
    parts, x, y, _ = describe(code)
    blocks, _ = post_norm_blocks(parts)
    assert min(np.abs(block_outputs(b, x)[0] - y).max() for b in blocks) > 1e-2


def test_a_block_without_the_feed_forward_relu_is_refused():
    """Does a block whose first feed-forward Dense is linear raise a TransplantError that says so?"""
    code = ANSWERS["MUTANTS"]["TransformerBlock"]["logic: relu after the second Dense, not the first"]
    parts, *_ = describe(code)
    with pytest.raises(TransplantError, match="relu"):
        post_norm_blocks(parts)
