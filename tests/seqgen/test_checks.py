"""Visible-check helpers: do their messages say what was expected and what came?"""

import numpy as np
import pytest

from seqgen import check_close, check_dtype, check_equal, check_probabilities, check_shape


def test_shape_message_names_expected_and_got():
    """Does a wrong shape read 'expected shape (2, 7, 128), got (2, 128)'?"""
    with pytest.raises(AssertionError, match=r"h: expected shape \(2, 7, 128\), got \(2, 128\)"):
        check_shape(np.zeros((2, 128)), (2, 7, 128), "h")


def test_shape_wildcard():
    """Does None in the expected shape match any size, and only that axis?"""
    check_shape(np.zeros((5, 3)), (None, 3))
    with pytest.raises(AssertionError, match=r"expected shape \(\?, 4\)"):
        check_shape(np.zeros((5, 3)), (None, 4))


def test_close_reports_largest_difference():
    """Does check_close say where the largest difference is and what the values were?"""
    with pytest.raises(AssertionError, match=r"largest difference 0.5 at index \(1,\)"):
        check_close([1.0, 2.5, 3.0], [1.0, 2.0, 3.0], "y")
    check_close([1.0, 2.0], [1.0, 2.0 + 1e-9])


def test_probabilities():
    """Are negative entries and rows not summing to one rejected?"""
    check_probabilities([[0.2, 0.8], [1.0, 0.0]])
    with pytest.raises(AssertionError, match="sum to 1"):
        check_probabilities([0.2, 0.7])
    with pytest.raises(AssertionError, match="non-negative"):
        check_probabilities([1.5, -0.5])


def test_close_names_nan_instead_of_a_zero_difference():
    """Is a NaN result reported as NaN (where, and what was expected), not as "largest difference 0"?"""
    with pytest.raises(AssertionError, match=r"got NaN at 1 of them, the first at index \(1,\) \(expected 2"):
        check_close([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], "y")
    with pytest.raises(AssertionError, match="infinite"):
        check_close([np.inf, 1.0], [0.0, 1.0], "y")
    with pytest.raises(AssertionError, match="expected numbers"):
        check_close(["a", "b"], [1.0, 2.0], "y")


def test_failures_summarise_without_showing_the_whole_expected_array():
    """Does a failed comparison of a large array show its shape, a count and a few entries, never the whole array?"""
    expected = np.arange(100).reshape(10, 10)
    with pytest.raises(AssertionError) as failed:
        check_equal(np.zeros((10, 10), dtype=int), expected, "ids")
    text = str(failed.value)
    assert "99 of 100 entries differ (shape (10, 10))" in text and "at (0, 1) got 0, expected 1" in text
    assert "expected 99" not in text and len(text) < 400
    with pytest.raises(AssertionError) as failed:
        check_close(np.zeros((10, 10)), expected, "x")
    text = str(failed.value)
    assert "99 of 100 values differ" in text and "largest difference 99 at index (9, 9)" in text and len(text) < 400
    with pytest.raises(AssertionError, match="first difference at position 2: got 7, expected 6"):
        check_equal([4, 0, 7, 0], [4, 0, 6, 0], "tokens")
    with pytest.raises(AssertionError, match="the texts differ from character 100"):
        check_equal("a" * 100 + "b" + "z" * 50, "a" * 100 + "c" + "z" * 50, "text")


def test_equal_and_dtype():
    """Do exact comparisons show where they differ and both values there, and dtype checks the dtype found?"""
    with pytest.raises(AssertionError, match=r"1 of 2 entries differ \(shape \(2,\)\); first differences: at \(1,\) got 3, expected 2"):
        check_equal(np.array([1, 3]), np.array([1, 2]), "ids")
    with pytest.raises(AssertionError, match="expected 'a', got 'b'"):
        check_equal("b", "a")
    check_dtype(np.arange(3), "i")
    with pytest.raises(AssertionError, match="float64"):
        check_dtype(np.zeros(3), "i")


def test_numerical_gradient_of_a_known_function():
    """Is the finite-difference gradient of sum(W**3 * R) equal to 3 W**2 R, with W left as it was?"""
    from seqgen import numerical_gradient

    rng = np.random.default_rng(0)
    W, R = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    before = W.copy()
    got = numerical_gradient(lambda: float(np.sum(W**3 * R)), W)
    np.testing.assert_allclose(got, 3 * before**2 * R, atol=1e-7)
    np.testing.assert_array_equal(W, before)
    assert not np.allclose(numerical_gradient(lambda: float(np.sum(W**2 * R)), W), 3 * before**2 * R, atol=1e-3)
