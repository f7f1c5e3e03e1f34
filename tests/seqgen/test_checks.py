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


def test_equal_and_dtype():
    """Do exact comparisons show both values, and dtype checks the dtype found?"""
    with pytest.raises(AssertionError, match=r"expected \[1, 2\], got \[1, 3\]"):
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
