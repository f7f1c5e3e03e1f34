"""What the kernel says, verified against what the check sent (autograder/grading/verify.py), without a kernel."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.checks import CheckFailed, Opaque
from autograder.grading.verify import SentWeights, expect_sent_weights, float_scalar, items, zip_checked


def described(*layers: list) -> list[dict]:
    return [{"class": "Dense", "name": f"layer{i}", "config": {}, "weights": list(ws)} for i, ws in enumerate(layers)]


def test_sent_weights_are_drawn_here_kept_and_reproducible():
    """Are the arrays float32 of the shapes asked, kept in .sent, the same for the same seed and shifted by name?"""
    sent = SentWeights(seed=3, scale=0.5, shift=lambda name: 1.0 if "gamma" in name else 0.0)
    got = sent([[2, 3], [[4], "ln/gamma"]])
    assert [w.shape for w in got] == [(2, 3), (4,)] and all(w.dtype == np.float32 for w in got)
    assert all(np.array_equal(a, b) for a, b in zip(got, sent.sent, strict=True))
    again = SentWeights(seed=3, scale=0.5, shift=lambda name: 1.0 if "gamma" in name else 0.0)([[2, 3], [[4], "ln/gamma"]])
    assert np.array_equal(again[0], got[0]) and abs(float(got[1].mean()) - 1.0) < 1.0
    got[0][...] = 0.0  # the kernel's copy, not ours
    assert np.abs(sent.sent[0]).sum() > 0


def test_sent_weights_refuse_bad_or_huge_requests():
    """Does a request for absurd sizes, or not a list of shapes, fail the check instead of costing the grader?"""
    with pytest.raises(CheckFailed, match="more than"):
        SentWeights(seed=0, max_values=1000)([[100, 100]])
    with pytest.raises(CheckFailed, match="expected a list"):
        SentWeights(seed=0)(Opaque("builtins.object", "x"))
    with pytest.raises(CheckFailed, match="list of sizes"):
        SentWeights(seed=0)([[2, -1]])


def test_a_description_of_the_sent_weights_passes_in_any_order():
    """Is a description listing exactly the sent arrays (in another order, split across layers) accepted?"""
    sent = SentWeights(seed=1)
    a, b, c = sent([[3, 2], [2], [2, 2]])
    expect_sent_weights(described([c], [a, b]), sent.sent, "model")


@pytest.mark.parametrize("layers, message", [
    (lambda a, b, c: described([np.zeros_like(a), b, c]), "not one of the weights the check set"),  # zeros described
    (lambda a, b, c: described([a, b]), "belong to no layer"),  # a weight left out of the description
    (lambda a, b, c: described([a, a, b, c]), "not one of the weights"),  # one sent array described twice
    (lambda a, b, c: described([a, b, c.astype(np.float64) + 1e-7]), "not one of the weights"),  # nearly equal is not equal
    (lambda a, b, c: described([a, b, [1.0, 2.0]]), "expected a float array"),
    (lambda a, b, c: {"layers": []}, "expected a list of layers"),
])
def test_a_description_that_differs_from_the_sent_weights_fails(layers, message):
    """Zero weights, a missing or repeated weight, an almost-equal one, a list, a dict: does each fail with a clear message?"""
    sent = SentWeights(seed=2)
    a, b, c = sent([[3, 2], [2], [2, 2]])
    with pytest.raises(CheckFailed, match=message):
        expect_sent_weights(layers(a, b, c), sent.sent, "model")


def test_lists_from_the_kernel_are_length_checked():
    """Does a list shorter than the check's own (an emptied gradient list) fail instead of shortening the zip?"""
    assert list(zip_checked("grads", ["a", "b"], [1, 2])) == [("a", 1), ("b", 2)]
    with pytest.raises(CheckFailed, match="expected 2 items, got 0"):
        zip_checked("grads", ["a", "b"], [])
    with pytest.raises(CheckFailed, match="expected a list of 2"):
        zip_checked("grads", ["a", "b"], Opaque("numpy.ndarray", "x"))
    assert items([1, 2], 2, "pair") == (1, 2)  # a list where a tuple is asked
    with pytest.raises(CheckFailed, match="expected 3 items, got 2"):
        items((1, 2), 3, "triple")


def test_float_scalars_of_every_kind_are_floats():
    """Are a Python float, an np.float32, an np.float64 and a 0-d array accepted, and an int or a string refused?"""
    assert [float_scalar(v, "x") for v in (1.5, np.float32(1.5), np.float64(1.5), np.array(1.5))] == [1.5] * 4
    for bad in (1, "1.5", np.array([1.5]), True):
        with pytest.raises(CheckFailed):
            float_scalar(bad, "x")
