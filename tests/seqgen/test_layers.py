"""seqgen.layers: the time layers the book teaches, their page, and their gradients (chapter 5's TimeLSTM,
released with its answers, is tested in tests/book/test_released_answers.py)."""

from __future__ import annotations

import ast

import numpy as np
import pytest
import torch

from autograder import course
from autograder.copies import chapter_definitions, normalised_definition
from seqgen import layers

MODULE_DEFS = {node.name: node for node in ast.parse(open(layers.__file__).read()).body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def teaching_chapter(name: str):
    """The first chapter whose page defines ``name`` at top level, and that definition."""
    for path in [c.page for c in course.chapters()]:
        defs = chapter_definitions(path)
        if name in defs:
            return path.stem, defs[name]
    return None, None


@pytest.mark.parametrize("name", sorted(MODULE_DEFS))
def test_the_page_that_teaches_it_shows_the_same_code(name):
    """Is each definition of seqgen.layers shown, the same code (docstrings and comments aside), by the chapter that teaches it?"""
    stem, shown = teaching_chapter(name)
    assert stem is not None, f"no chapter shows seqgen.layers.{name}"
    assert stem == {"sigmoid": "01_lstm_intro"}.get(name, "05_seq2seq")
    assert normalised_definition(shown, rename=False) == normalised_definition(MODULE_DEFS[name], rename=False), (
        f"{stem}'s {name} and seqgen.layers.{name} differ: change both")


def test_the_comparison_sees_a_changed_line():
    """Would a one-character change of the module's TimeAffine make it differ from the page's?"""
    changed = ast.parse(ast.unparse(MODULE_DEFS["TimeAffine"]).replace("axis=(0, 1)", "axis=(0,)")).body[0]
    assert normalised_definition(changed, rename=False) != normalised_definition(teaching_chapter("TimeAffine")[1], rename=False)


def test_time_embedding_collects_the_gradient_of_repeated_ids():
    """Does an id used twice receive the sum of both gradients, and an unused id zero, after a stale gradient?"""
    W = np.arange(12.0).reshape(4, 3)
    embed = layers.TimeEmbedding(W)
    xs = np.array([[1, 2, 1]])  # (B, T)
    np.testing.assert_array_equal(embed.forward(xs), W[xs])
    embed.grads[0][...] = 99.0  # a stale gradient must not survive backward
    dout = np.arange(9.0).reshape(1, 3, 3)
    embed.backward(dout)
    np.testing.assert_array_equal(embed.grads[0], [[0, 0, 0], dout[0, 0] + dout[0, 2], dout[0, 1], [0, 0, 0]])


def test_time_affine_gradients_match_torch():
    """Do TimeAffine's scores and gradients (inputs, W, b) agree with torch autograd?"""
    rng = np.random.default_rng(1)
    xs, W, b, R = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(2, 3, 5))
    affine = layers.TimeAffine(W.copy(), b.copy())
    tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (xs, W, b))
    scores = tx @ tW + tb
    np.testing.assert_allclose(affine.forward(xs), scores.detach().numpy(), atol=1e-12)
    (scores * torch.from_numpy(R)).sum().backward()
    np.testing.assert_allclose(affine.backward(R), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(affine.grads[0], tW.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(affine.grads[1], tb.grad.numpy(), atol=1e-12)
