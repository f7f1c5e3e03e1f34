"""seqgen.layers: the time layers the book teaches, their page, and their gradients."""

from __future__ import annotations

import ast

import numpy as np
import pytest
import torch

from autograder import course
from autograder.copies import chapter_definitions, normalised_definition
from autograder.grading.sandbox import masked_source
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


def lstm_problem(seed, B=3, T=4, D=5, H=6):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.5, size=s) for s in [(D, 4 * H), (H, 4 * H), (4 * H,)]]
    return weights, rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H)), rng.normal(size=(B, T, H))


def torch_lstm(weights, xs, h0, c0):
    """The same LSTM in PyTorch (double), its outputs and final state, with leaves for autograd."""
    Wx, Wh, b = (torch.tensor(w, requires_grad=True) for w in weights)
    x, h, c = (torch.tensor(a, requires_grad=True) for a in (xs, h0, c0))
    lstm = torch.nn.LSTM(xs.shape[2], h0.shape[1], batch_first=True).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(Wx.T), lstm.weight_hh_l0.copy_(Wh.T), lstm.bias_ih_l0.copy_(b), lstm.bias_hh_l0.zero_()
    out, (hT, cT) = lstm(x, (h[None], c[None]))
    return out, hT[0], cT[0], lstm, x, h


def test_time_lstm_matches_torch_forward_and_backward():
    """Do TimeLSTM's outputs, final state, input gradient, weight gradients and dh agree with torch.nn.LSTM's autograd?"""
    for seed in range(3):
        weights, xs, h0, c0, R = lstm_problem(seed)
        lstm = layers.TimeLSTM(*[w.copy() for w in weights])
        lstm.set_state(h0, c0)
        hs = lstm.forward(xs)  # (B, T, H)
        out, hT, cT, ref, x, h = torch_lstm(weights, xs, h0, c0)
        np.testing.assert_allclose(hs, out.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(lstm.h_last, hT.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(lstm.c_last, cT.detach().numpy(), atol=1e-12)
        dxs = lstm.backward(R)
        (out * torch.from_numpy(R)).sum().backward()
        np.testing.assert_allclose(dxs, x.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(lstm.dh, h.grad.numpy(), atol=1e-12)
        want = [ref.weight_ih_l0.grad.numpy().T, ref.weight_hh_l0.grad.numpy().T, ref.bias_ih_l0.grad.numpy()]
        for got, w in zip(lstm.grads, want):
            np.testing.assert_allclose(got, w, atol=1e-12)


def test_time_lstm_starts_from_zeros_without_set_state():
    """Without set_state, does the LSTM start from h = c = 0?"""
    weights, xs, _, _, _ = lstm_problem(7)
    lstm = layers.TimeLSTM(*weights)
    zeros = np.zeros((xs.shape[0], weights[1].shape[0]))
    out = torch_lstm(weights, xs, zeros, zeros)[0].detach().numpy()
    np.testing.assert_allclose(lstm.forward(xs), out, atol=1e-12)


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


def test_time_lstm_is_masked_while_chapter_1_is_graded():
    """Is TimeLSTM (one step of it is chapter 1's lstm_step) a stub in the sandbox's seqgen while chapter 1 is graded, and only then?"""
    source = open(layers.__file__).read()
    masked, names = masked_source(source, "01_lstm_intro")
    assert names == ["TimeLSTM"]
    namespace: dict = {}
    exec(compile(masked, "layers", "exec"), namespace)
    with pytest.raises(NotImplementedError):
        namespace["TimeLSTM"](*lstm_problem(0)[0])
    assert masked_source(source, "06_peeky_reverse") == (source, [])
